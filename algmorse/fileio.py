"""Atomic text files: a temporary file in the target directory, then :func:`os.replace`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_text_atomically"]


def write_text_atomically(path: str | os.PathLike, text: str, *, error: type[Exception] = OSError) -> Path:
    """Write ``text`` to ``path`` so that a failure never leaves a partial file.

    Parameters
    ----------
    path : str or path-like
    text : str
    error : exception class
        Raised (with the path and reason) when the temporary file cannot be created.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise error(f"cannot write {target}: {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
