"""Bounded reads of input files: no spec, data-set file or catalog is read past its size limit."""

from __future__ import annotations

import os
from typing import Callable

__all__ = ["read_limited"]


def read_limited(path: str | os.PathLike, limit: int, *, error: Callable[[str], Exception],
                 what: str = "file") -> bytes:
    """The bytes of ``path``, read up to ``limit`` bytes and refused beyond it.

    Endless or huge inputs (``/dev/zero``, a pipe that never closes its end, a mistyped path to
    a disk image) are read only up to ``limit + 1`` bytes, so memory stays bounded.

    Parameters
    ----------
    path : str or path-like
    limit : int
        The largest size accepted, in bytes.
    error : callable
        Builds the exception raised from a one-line message naming the path and the reason
        (an exception class such as ``CatalogError``, or ``lambda m: SpecError(field, m)``).
    what : str
        What the file is, for the message (``"spec"``, ``"catalog"``).

    Raises
    ------
    error
        When the file cannot be opened or read, is a folder, or holds more than ``limit`` bytes.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise error(f"{name}: no such file.") from None
    except IsADirectoryError:
        raise error(f"{name}: is a folder, not a {what}.") from None
    except OSError as exc:
        raise error(f"{name}: cannot read ({exc.strerror or exc}).") from None
    if len(raw) > limit:
        raise error(f"{name}: more than {limit} bytes, the most a {what} may hold; not a {what}.")
    return raw
