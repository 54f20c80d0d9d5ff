"""A backend whose path tracking and blackbox runs happen on a Dask cluster (``solve --scheduler``).

:class:`RemoteBackend` wraps a backend: its ``solve`` and ``track`` calls, which the search, the
monodromy loops, the parameter homotopy and the sampling of components make from ``jobs`` threads
at once, are sent through ``call`` (see :func:`algmorse.engine.runners.remote_calls`) to run on a
Dask worker, each in its own backend process there as it would here. The answers, and the
:class:`~algmorse.errors.BackendError` a failed call raises, come back unchanged, so a solve gives
the same results as a local one with the same seed. Everything else (decomposition, membership
tests, the version) runs here.
"""

from __future__ import annotations

import threading
from typing import Callable, Sequence

from .base import Backend, Leg, RawSolve, SparsePolynomial, TrackedPaths

__all__ = ["RemoteBackend"]

Call = Callable[[Callable, object], object]
"""``call(function, argument)``: ``function(argument)`` computed elsewhere, waited for."""


class RemoteBackend:
    """``backend`` with its ``solve`` and ``track`` calls made through ``call``.

    Parameters
    ----------
    backend : Backend
        Must be picklable (it travels to the workers with each call).
    call : callable
        ``call(function, argument)`` returns ``function(argument)`` computed on a worker.

    Attributes
    ----------
    calls : int
        Calls sent so far.
    """

    def __init__(self, backend: Backend, call: Call) -> None:
        self.backend = backend
        self.name = backend.name
        self.calls = 0
        self._call = call
        self._lock = threading.Lock()

    def version(self) -> str:
        return self.backend.version()

    def solve(self, polynomials: Sequence[SparsePolynomial], nvars: int, *, seed: int, timeout: float) -> RawSolve:
        return self._remote("solve", (polynomials, nvars), {"seed": seed, "timeout": timeout})

    def track(self, legs: Sequence[Leg], points: Sequence[Sequence[complex]], nvars: int, *, seed: int,
              timeout: float) -> TrackedPaths:
        return self._remote("track", (legs, points, nvars), {"seed": seed, "timeout": timeout})

    def __getattr__(self, name: str):
        if name == "backend":  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.backend, name)

    def _remote(self, method: str, args: tuple, kwargs: dict):
        with self._lock:
            self.calls += 1
        return self._call(_run_method, (self.backend, method, tuple(args), kwargs))


def _run_method(request: tuple[Backend, str, tuple, dict]):
    """On the worker: ``backend.method(*args, **kwargs)``."""
    backend, method, args, kwargs = request
    return getattr(backend, method)(*args, **kwargs)
