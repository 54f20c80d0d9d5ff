"""Everything that finds and proves points.

Owns the homotopy backends (:mod:`.backends`, the only place phcpy is reached, in child
processes managed by :mod:`.processes`), Newton refinement and deduplication (:mod:`.refine`),
interval certificates (:mod:`.certify`), exact counts over primes and the rationals with
Singular and msolve (:mod:`.exact`), and the structured solver: support strata, linear families
and monodromy (:mod:`.strata`, :mod:`.family`, :mod:`.monodromy`).

May import: :mod:`algmorse.errors` and :mod:`algmorse.model`. It knows nothing of verdicts or
catalogs.
"""
