"""A known-answer backend for pipeline tests: returns given points, starts no process."""

from __future__ import annotations

import cmath
import threading
from typing import Callable, Mapping, Sequence, Union

from algmorse.engine.backends.base import (
    Decomposition,
    Endpoint,
    RawSolve,
    SparsePolynomial,
    WitnessSet,
)
from algmorse.errors import BackendError

__all__ = ["FakeBackend"]

FakePoint = Union[Endpoint, Sequence[complex]]
"""A point of a fake run: an :class:`Endpoint` or just its coordinates."""


def _as_endpoint(point: FakePoint) -> Endpoint:
    """Wrap bare coordinates in an :class:`Endpoint` (without diagnostics)."""
    if isinstance(point, Endpoint):
        return point
    return Endpoint(coordinates=tuple(complex(value) for value in point))


class FakeBackend:
    """Backend that replays predetermined runs, for testing the layers above the backends.

    Parameters
    ----------
    runs : sequence of sequence of points
        The endpoints of successive :meth:`solve` calls: call k returns ``runs[k]``, and every
        call after the last run returns the last run again. A point is an :class:`Endpoint` or
        a sequence of complex coordinates. Points with a NaN or infinite coordinate are
        dropped and counted in ``RawSolve.dropped_nonfinite``, as a real backend does.
    root_counts : mapping of str to int, optional
        Returned as ``RawSolve.root_counts`` by every call.
    name : str, default "fake"
        The backend's name.
    version : str, default "0"
        What :meth:`version` returns.
    decomposition : Decomposition, optional
        What :meth:`decompose` returns (default: no component, no candidate).
    member : callable, optional
        ``member(witness, point) -> bool`` for :meth:`membership` (default: never a member).

    Attributes
    ----------
    seeds : list of int
        The seed of every :meth:`solve` call so far, in call order.

    Raises
    ------
    ValueError
        If `runs` is empty.

    Examples
    --------
    >>> backend = FakeBackend([[(1, 2)], [(3, 4), (5, 6)]])
    >>> system = [{(1, 0): 1, (0, 0): -1}, {(0, 1): 1, (0, 0): -2}]
    >>> [len(backend.solve(system, 2, seed=s, timeout=1).endpoints) for s in (7, 8, 9)]
    [1, 2, 2]
    >>> backend.seeds
    [7, 8, 9]
    """

    def __init__(
        self,
        runs: Sequence[Sequence[FakePoint]],
        *,
        root_counts: Mapping[str, int] | None = None,
        name: str = "fake",
        version: str = "0",
        decomposition: Decomposition | None = None,
        member: Callable[[WitnessSet, Sequence[complex]], bool] | None = None,
    ) -> None:
        if not runs:
            raise ValueError("FakeBackend needs at least one run (a list of points).")
        self._runs = [tuple(_as_endpoint(point) for point in run) for run in runs]
        self._root_counts = dict(root_counts or {})
        self._version = version
        self.name = name
        self.seeds: list[int] = []
        self._lock = threading.Lock()
        self._decomposition = decomposition
        self._member = member

    def version(self) -> str:
        """Return the version string given to the constructor."""
        return self._version

    def solve(
        self,
        polynomials: Sequence[SparsePolynomial],
        nvars: int,
        *,
        seed: int,
        timeout: float,
    ) -> RawSolve:
        """Return the next predetermined run (the system itself is ignored).

        Raises
        ------
        BackendError
            If a point of the run does not have `nvars` coordinates.
        """
        with self._lock:  # callers may solve from several threads
            run = self._runs[min(len(self.seeds), len(self._runs) - 1)]
            self.seeds.append(seed)
        for point in run:
            if len(point.coordinates) != nvars:
                raise BackendError(
                    f"fake run {len(self.seeds)} has a point with {len(point.coordinates)} "
                    f"coordinates, but the system has {nvars} variables."
                )
        finite = tuple(p for p in run if all(cmath.isfinite(z) for z in p.coordinates))
        return RawSolve(
            endpoints=finite,
            root_counts=dict(self._root_counts),
            paths_tracked=len(run),
            seed=seed,
            dropped_nonfinite=len(run) - len(finite),
        )

    def decompose(
        self,
        polynomials: Sequence[SparsePolynomial],
        nvars: int,
        *,
        seed: int,
        timeout: float,
        topdim: int | None = None,
    ) -> Decomposition:
        """Return the decomposition given to the constructor (by default: nothing found)."""
        if self._decomposition is not None:
            return self._decomposition
        return Decomposition(components=(), isolated_candidates=(), seed=seed, seconds=0.0, log_tail="")

    def membership(
        self, witness: WitnessSet, points: Sequence[Sequence[complex]], *, seed: int, timeout: float
    ) -> tuple[bool, ...]:
        """Apply the constructor's ``member`` predicate (by default no point is a member)."""
        return tuple(bool(self._member and self._member(witness, p)) for p in points)
