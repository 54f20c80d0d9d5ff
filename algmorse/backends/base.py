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

__all__ = ["SparsePolynomial", "Endpoint", "RawSolve", "Backend"]

SparsePolynomial = Mapping[tuple[int, ...], Fraction]
"""A polynomial as ``{exponents: coefficient}``; ``exponents[i]`` is the power of variable i."""


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
    """

    coordinates: tuple[complex, ...]
    err: float | None = None
    rco: float | None = None
    res: float | None = None
    path_count: int | None = None


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
