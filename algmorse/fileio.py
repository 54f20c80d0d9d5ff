"""Atomic files: a temporary file in the target directory, then :func:`os.replace`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

__all__ = ["write_atomically", "write_text_atomically"]


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], None], *,
                     error: type[Exception] = OSError) -> Path:
    """Call ``write`` on a binary file that becomes ``path`` only once it is complete.

    A failure (in ``write`` or on the way) never leaves a partial file or a temporary one. The
    file gets the permissions an ordinary ``open`` would give it (``0o666`` less the umask).

    Parameters
    ----------
    path : str or path-like
    write : callable
        Writes the content to the binary file handle it receives.
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
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_text_atomically(path: str | os.PathLike, text: str, *, error: type[Exception] = OSError) -> Path:
    """Write ``text`` (UTF-8) to ``path`` with :func:`write_atomically`."""
    return write_atomically(path, lambda handle: handle.write(text.encode("utf-8")), error=error)
