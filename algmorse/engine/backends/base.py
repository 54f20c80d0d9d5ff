"""Backend-neutral records exchanged between the solver layer and numerical backends.

A backend receives a square polynomial system with exact rational coefficients, in sparse form
(one ``{exponent tuple: Fraction}`` mapping per equation, variables indexed ``0..n-1``), and
returns the raw endpoints of one homotopy run. Everything above this layer (refinement,
deduplication, classification) is backend-independent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping, Protocol, Sequence

__all__ = ["SparsePolynomial", "ComplexPolynomial", "Endpoint", "RawSolve", "Leg", "TrackedPaths", "WitnessSet",
           "Decomposition", "Backend"]

SparsePolynomial = Mapping[tuple[int, ...], Fraction]
"""A polynomial as ``{exponents: coefficient}``; ``exponents[i]`` is the power of variable i."""

ComplexPolynomial = Mapping[tuple[int, ...], "Fraction | complex"]
"""A sparse polynomial whose coefficients may be complex floats (a member of a parameter family
at complex parameter values)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """One finite endpoint of a homotopy path, as the backend reported it.

    Attributes
    ----------
    coordinates : tuple of complex
        Values in the order of the system's variables (parsed by name, never by position).
    err, rco, res : float or None
        Backend diagnostics: last Newton correction, inverse condition estimate, residual.
    path_count : int or None
        How many paths the backend says ended here. **Not a multiplicity** (see
        ``shared/notes/phcpack-backend-facts.md`` section 2); kept for diagnostics only.
    t : float or None
        The continuation parameter where the path stopped: 1 when it reached the target
        system, less when the tracker gave up (the point is then on the path, not a solution).
    """

    coordinates: tuple[complex, ...]
    err: float | None = None
    rco: float | None = None
    res: float | None = None
    path_count: int | None = None
    t: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RawSolve:
    """The outcome of one backend run.

    Attributes
    ----------
    endpoints : tuple of Endpoint
        Finite endpoints with every coordinate a finite number (NaN/inf ones are dropped and
        counted in ``dropped_nonfinite``).
    root_counts : dict
        Root counts the backend computed, e.g. ``{"total_degree": 625, "mixed_volume": 64,
        "stable_mixed_volume": 81}``; missing keys mean "not computed".
    paths_tracked : int or None
        Number of homotopy paths followed.
    seed : int
        The backend's random seed for this run.
    seconds : float
        Wall-clock time of the run, worker start-up included.
    dropped_nonfinite : int
        Endpoints dropped because a coordinate was NaN or infinite.
    log_tail : str
        The end of whatever the backend printed (diagnostics only).
    """

    endpoints: tuple[Endpoint, ...]
    root_counts: dict[str, int] = field(default_factory=dict)
    paths_tracked: int | None = None
    seed: int = 0
    seconds: float = 0.0
    dropped_nonfinite: int = 0
    log_tail: str = ""


@dataclass(frozen=True, slots=True)
class Leg:
    """One homotopy ``gamma (1 - t)^2 start + t^2 target`` from ``t = 0`` to ``t = 1``.

    When both systems belong to a family in which the parameters enter linearly, every point of
    this homotopy is (up to a nonzero factor) a member of the family: a parameter homotopy along a
    complex path whose shape ``gamma`` chooses.
    """

    start: Sequence[ComplexPolynomial]
    target: Sequence[ComplexPolynomial]
    gamma: complex


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackedPaths:
    """The outcome of tracking given start points through a sequence of :class:`Leg` s.

    Attributes
    ----------
    endpoints : tuple of (Endpoint or None)
        One per start point, in order; ``None`` where the path failed or diverged.
    seconds : float
        Wall-clock time, worker start-up included.
    log_tail : str
    """

    endpoints: tuple[Endpoint | None, ...]
    seconds: float
    log_tail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class WitnessSet:
    """One irreducible component of a solution set (a factor of its dimension's witness set).

    Attributes
    ----------
    dimension : int
        Dimension of the component (>= 1).
    points : tuple of tuple of complex
        Witness points: the component's intersection with the `slices`, coordinates in the
        order of the system's variables (the embedding's slack variables, zero on witness
        points, are removed). Their number is the component's degree.
    slices : tuple of tuple of complex
        ``dimension`` affine hyperplanes, each ``(c0, c1, ..., cn)`` meaning
        ``c0 + c1 x1 + ... + cn xn = 0``, satisfied by every witness point. They are the last
        ``dimension`` equations of `embedded_system` with the slack terms dropped.
    embedded_system : tuple of str
        The backend's embedded system (``n + dimension`` equations in the backend's variable
        names plus slack variables), kept for membership tests.
    trace_error : float or None
        The backend's linear trace test error for this factor (small when the factor is
        complete), None if not reported.
    """

    dimension: int
    points: tuple[tuple[complex, ...], ...]
    slices: tuple[tuple[complex, ...], ...]
    embedded_system: tuple[str, ...]
    trace_error: float | None

    @property
    def degree(self) -> int:
        """The component's degree: its number of witness points."""
        return len(self.points)


@dataclass(frozen=True, slots=True, kw_only=True)
class Decomposition:
    """The outcome of one numerical irreducible decomposition.

    Attributes
    ----------
    components : tuple of WitnessSet
        Irreducible components of dimension >= 1, by decreasing dimension.
    isolated_candidates : tuple of tuple of complex
        The backend's dimension-0 output, coordinates in variable order. **Not validated**: it
        may contain junk (e.g. points near the origin, or on a positive-dimensional component).
    seed : int
        The backend's random seed for this run.
    seconds : float
        Wall-clock time of the run, worker start-up included.
    log_tail : str
        The end of whatever the backend printed (diagnostics only).
    dropped_nonfinite : int
        Witness points and candidates dropped because a coordinate was NaN or infinite.
    """

    components: tuple[WitnessSet, ...]
    isolated_candidates: tuple[tuple[complex, ...], ...]
    seed: int
    seconds: float
    log_tail: str
    dropped_nonfinite: int = 0


class Backend(Protocol):
    """What the solver layer needs from a numerical backend."""

    name: str

    def version(self) -> str:
        """Return the backend's version string (recorded in catalog provenance)."""
        ...

    def solve(
        self,
        polynomials: Sequence[SparsePolynomial],
        nvars: int,
        *,
        seed: int,
        timeout: float,
    ) -> RawSolve:
        """Run one homotopy solve of a square system; never crash or hang the caller.

        Raises
        ------
        BackendUnavailable, BackendCrashed, BackendTimeout
        """
        ...

    def decompose(
        self,
        polynomials: Sequence[SparsePolynomial],
        nvars: int,
        *,
        seed: int,
        timeout: float,
        topdim: int | None = None,
    ) -> Decomposition:
        """Numerical irreducible decomposition of the solution set (see :class:`Decomposition`)."""
        ...

    def membership(
        self, witness: WitnessSet, points: Sequence[Sequence[complex]], *, seed: int, timeout: float
    ) -> tuple[bool, ...]:
        """Which ``points`` lie on the component ``witness`` represents."""
        ...

    def track(
        self, legs: Sequence[Leg], points: Sequence[Sequence[complex]], nvars: int, *, seed: int, timeout: float
    ) -> TrackedPaths:
        """Track ``points`` (solutions of the first leg's start system) through ``legs`` in turn."""
        ...
