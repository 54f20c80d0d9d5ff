"""Option groups for a solve: how hard to search, and the numerical tolerances."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from ..errors import SpecError, check_type

__all__ = ["SolveOptions", "Tolerances", "check_option_groups", "MAX_SECONDS", "MAX_RUNS", "MAX_JOBS", "METHODS"]

MAX_SECONDS = 1e6
"""Largest time limit accepted (about 11.6 days): every limit must be finite to be enforced."""
MAX_RUNS = 10_000
"""Largest run count accepted (``max_runs``, ``stable_runs``)."""
MAX_JOBS = 256
"""Largest number of parallel worker processes."""


METHODS = ("auto", "blackbox", "monodromy")
"""Values of :attr:`SolveOptions.method`."""


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
        Numerical irreducible decomposition of the critical set. ``"auto"`` runs it when exact
        algebra or the modular count says the critical set has positive dimension, when a
        singular endpoint or a degenerate point was found, or when the point set is proven
        complete by a root-count bound, zero-dimensionality is not otherwise established and
        the system has at most ``decompose_max_variables`` unknowns (then "no component"
        completes a proof that the loss is Morse).
    decompose_max_variables : int
        Size limit of ``decompose="auto"`` when no degenerate point asks for it.
    verify : {"none", "exact"}
        ``"exact"``: cross-check with exact algebra (:mod:`algmorse.engine.exact`): dimension and counts
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
    method : {"auto", "blackbox", "monodromy"}
        How the points are searched for. ``"blackbox"``: repeated runs of PHCpack's blackbox
        solver (one path per solution of a generic start system). ``"monodromy"``: every support
        stratum's generic points by monodromy loops, then one parameter homotopy to the loss
        (about one path per critical point; :mod:`algmorse.engine.monodromy`). ``"auto"`` (default)
        picks monodromy when the modular count is finite and monodromy is expected to track
        fewer paths than the blackbox (:func:`algmorse.methods.estimated_paths`), the blackbox
        otherwise.
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
    method: Literal["auto", "blackbox", "monodromy"] = "auto"

    def __post_init__(self) -> None:
        """Check every value's kind and range (the spec's ``[solve]`` table gets the same checks).

        Raises
        ------
        SpecError
            Naming the field (``solve.<name>``) and the accepted range.
        """
        if self.seed is not None:
            _check_int("seed", self.seed, 0, 2**63 - 1)
        if not isinstance(self.backend, str) or not self.backend.strip():
            raise SpecError("solve.backend", f'expected a backend name such as "phcpack", got {self.backend!r}.')
        _check_int("jobs", self.jobs, 1, MAX_JOBS)
        _check_int("stable_runs", self.stable_runs, 1, MAX_RUNS)
        _check_int("max_runs", self.max_runs, 1, MAX_RUNS)
        _check_int("decompose_max_variables", self.decompose_max_variables, 1, 10_000)
        for name in ("timeout", "exact_timeout", "proof_timeout"):
            _check_seconds(name, getattr(self, name))
        for name, allowed in (("decompose", ("auto", "always", "never")), ("verify", ("none", "exact")),
                              ("proof", ("auto", "none")), ("method", METHODS)):
            if getattr(self, name) not in allowed:
                raise SpecError(f"solve.{name}", f"expected one of {', '.join(map(repr, allowed))}, "
                                f"got {getattr(self, name)!r}.")


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SpecError(f"solve.{name}", f"expected an integer from {low} to {high}, got {value!r}.")


def _check_seconds(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise SpecError(f"solve.{name}", f"expected a finite number of seconds in (0, {MAX_SECONDS:g}], got "
                        f"{value!r}.", "A limit must be finite to be enforced.")


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
        :mod:`algmorse.analysis.classify`) count as zero: they set the rank, and a point with one is
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


def check_option_groups(options: object, tolerances: object) -> None:
    """Refuse ``options`` that are not a :class:`SolveOptions` or ``tolerances`` not a :class:`Tolerances`.

    Raises
    ------
    SpecError
        Naming ``options`` or ``tolerances`` (a dict of options is a common slip).
    """
    check_type(options, SolveOptions, "options",
               "Build one: algmorse.SolveOptions(seed=1, ...), or SolveOptions(**values) from a dict.")
    check_type(tolerances, Tolerances, "tolerances",
               "Build one: algmorse.Tolerances(...), or Tolerances(**values) from a dict.")
