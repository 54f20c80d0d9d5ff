"""Option groups for a solve: how hard to search, and the numerical tolerances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["SolveOptions", "Tolerances"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveOptions:
    """How the critical points are searched for.

    Parameters
    ----------
    seed : int or None
        Master seed. ``None`` draws one (recorded in the catalog); a given seed fixes the output.
    backend : str
        Numerical backend name (``"phcpack"``; ``"fake"`` in tests).
    jobs : int
        Backend runs executed in parallel worker processes.
    timeout : float
        Seconds allowed for one backend run before its worker is killed.
    stable_runs : int
        Stop once this many consecutive runs (each with a fresh seed) add no new point.
    max_runs : int
        Hard cap on the number of runs; reaching it without stability leaves completeness
        "not-established".
    decompose : {"auto", "always", "never"}
        Numerical irreducible decomposition of the critical set. ``"auto"`` runs it when a
        singular endpoint or a degenerate point was found, or when the point set is proven
        complete by a root-count bound, zero-dimensionality is not otherwise established and
        the system has at most ``decompose_max_variables`` unknowns (then "no component"
        completes a proof that the loss is Morse).
    decompose_max_variables : int
        Size limit of ``decompose="auto"`` when no degenerate point asks for it.
    verify : {"none", "exact"}
        ``"exact"``: cross-check with exact algebra (:mod:`algmorse.exact`): dimension and counts
        with and without multiplicity, real count. Runs continue until the numerical set
        matches the exact count (or ``max_runs``); a mismatch then raises
        :class:`~algmorse.errors.VerificationFailed`.
    exact_timeout : float
        Seconds allowed for the exact cross-check.
    proof : {"auto", "none"}
        ``"auto"`` (default): count the critical points over two large prime fields (Singular;
        milliseconds at the sizes algmorse solves) and search until the certified points reach
        that count, which decides the verdicts at the ``modular-count`` level (correct unless
        both primes are unlucky); skipped when Singular is missing. ``"none"``: no count.
    proof_timeout : float
        Seconds allowed for the modular count; past it the solve goes on without it and says so.
    """

    seed: int | None = None
    backend: str = "phcpack"
    jobs: int = 1
    timeout: float = 600.0
    stable_runs: int = 2
    max_runs: int = 12
    decompose: Literal["auto", "always", "never"] = "auto"
    decompose_max_variables: int = 6
    verify: Literal["none", "exact"] = "none"
    exact_timeout: float = 300.0
    proof: Literal["auto", "none"] = "auto"
    proof_timeout: float = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Tolerances:
    """Numerical tolerances, each documented with its scaling rule.

    Parameters
    ----------
    residual_rtol : float
        A refined point (Newton converged) is accepted as critical when every gradient entry is
        at most this times its evaluation scale (see ``refine.relative_residual``).
    real_atol, real_rtol : float
        A point is real when ``max |Im a_j| <= real_atol + real_rtol * max |a_j|``.
    dedup_atol, dedup_rtol : float
        Two refined points are the same when ``max |a_j - b_j| <= dedup_atol + dedup_rtol *
        max(1, max |a_j|)``.
    noise_factor : float
        Singular values of the equilibrated Hessian at most this times its noise level (see
        :mod:`algmorse.classify`) count as zero: they set the rank, and a point with one is
        degenerate.
    nondegenerate_margin : float
        A point is nondegenerate when its smallest singular value exceeds ``noise_factor *
        nondegenerate_margin`` times the noise level; between the two it is undetermined.
    """

    residual_rtol: float = 1e-9
    real_atol: float = 1e-9
    real_rtol: float = 1e-9
    dedup_atol: float = 1e-7
    dedup_rtol: float = 1e-7
    noise_factor: float = 10.0
    nondegenerate_margin: float = 10.0
