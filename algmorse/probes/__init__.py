"""Research probes for seed 000's open questions.

Owns the discriminant of the regularized loss in the regularization parameter
(:mod:`.discriminant`) and the algebra of infinitesimal rotations (:mod:`.rotations`).

May import: :mod:`algmorse.errors`, :mod:`algmorse.model` and :mod:`algmorse.engine`. Nothing
in the pipeline depends on it.
"""
