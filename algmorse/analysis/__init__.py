"""What the points and components mean.

Owns the classification of critical points (:mod:`.classify`: reality, loss, Hessian spectrum,
Morse index), local multiplicity (:mod:`.multiplicity`), positive-dimensional components and
their decomposition (:mod:`.components`, :mod:`.decomposition`), the core locus of the
multiplicative regularizer (:mod:`.core_locus`), and the completeness and Morse verdicts
(:mod:`.verdict`).

May import: :mod:`algmorse.errors`, :mod:`algmorse.model` and :mod:`algmorse.engine`.
"""
