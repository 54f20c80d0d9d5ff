"""The problem and its exact polynomials.

Owns what a user states and what algmorse derives from it exactly: networks, data, activations
and regularizers (:mod:`.network`), the TOML spec and its restricted expression grammar
(:mod:`.spec`, :mod:`.expr`; input files are read with a size cap by :mod:`.reading`), solve
options (:mod:`.options`), the gradient system over the rationals and its float and ball
evaluators (:mod:`.system`, :mod:`.numeric`, :mod:`.precision`), and the signed-permutation
symmetries (:mod:`.symmetry`).

May import: :mod:`algmorse.errors` only (and sympy, numpy, python-flint). Nothing here solves.
"""
