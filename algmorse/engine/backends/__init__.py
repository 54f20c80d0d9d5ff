"""Numerical backends: one square polynomial system in, raw homotopy endpoints out.

Use :func:`get_backend` to obtain one by name; :func:`available_backends` lists the names that
can run on this machine.
"""

from __future__ import annotations

from typing import Any

from algmorse.engine.backends.base import Backend, Endpoint, RawSolve, SparsePolynomial
from algmorse.engine.backends.fake import FakeBackend
from algmorse.engine.backends.phcpack import PhcpackBackend
from algmorse.engine.backends.phcpack import is_available as _phcpack_is_available
from algmorse.errors import BackendUnavailable

__all__ = [
    "Backend",
    "Endpoint",
    "RawSolve",
    "SparsePolynomial",
    "FakeBackend",
    "PhcpackBackend",
    "get_backend",
    "available_backends",
]

_BACKENDS = {"phcpack": PhcpackBackend, "fake": FakeBackend}


def get_backend(name: str, **options: Any) -> Backend:
    """Create the backend called `name`.

    Parameters
    ----------
    name : {"phcpack", "fake"}
        ``"phcpack"``: PHCpack's blackbox solver in a child process (:class:`PhcpackBackend`);
        ``"fake"``: replays given points (:class:`FakeBackend`, for tests).
    **options
        Passed to the backend's constructor, e.g. ``worker_command=`` for ``"phcpack"`` or
        ``runs=`` for ``"fake"``.

    Returns
    -------
    Backend

    Raises
    ------
    BackendUnavailable
        If `name` is not a known backend. (A known backend whose software is missing raises it
        when it is first used.)

    Examples
    --------
    >>> get_backend("fake", runs=[[(1.0,)]]).name
    'fake'
    >>> get_backend("hc")
    Traceback (most recent call last):
    ...
    algmorse.errors.BackendUnavailable: unknown backend 'hc'; choose one of ['phcpack', 'fake'].
    """
    try:
        factory = _BACKENDS[name]
    except KeyError:
        raise BackendUnavailable(
            f"unknown backend {name!r}; choose one of {list(_BACKENDS)}."
        ) from None
    try:
        return factory(**options)
    except TypeError as exc:  # e.g. "fake" without its runs: say which options it takes
        raise BackendUnavailable(f"backend {name!r} cannot be built from these options ({exc}); "
                                 f"see {factory.__name__}'s parameters.") from None


def available_backends() -> list[str]:
    """Return the names of the backends that can run here (``"fake"`` always can).

    Examples
    --------
    >>> "fake" in available_backends()
    True
    """
    return [name for name in _BACKENDS if name != "phcpack" or _phcpack_is_available()]
