"""Atomic files: a temporary file in the target directory, then :func:`os.replace`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

__all__ = ["write_atomically", "write_text_atomically", "check_writable", "read_limited"]


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
        Raised (with the path and reason) when the file cannot be written (folder missing or
        not writable, the path a folder, disk full, ...); other exceptions from ``write`` pass
        through.

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
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise error(f"cannot write {target}: {exc.strerror or exc}.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def check_writable(path: str | os.PathLike, *, inputs: tuple[str | os.PathLike, ...] = ()) -> str | None:
    """Why ``path`` cannot take an output file, or ``None`` if it can (checked before long work).

    Refused: an empty path, a folder, a missing or unwritable parent folder, an existing file
    that cannot be replaced, and any of ``inputs`` (the output would overwrite its own input).
    """
    text = os.fspath(path)
    if not text.strip():
        return "the path is empty; give a file name such as catalog.json"
    target = Path(text)
    if target.is_dir():
        return f"{target} is a folder; give a file name inside it, such as {target / 'catalog.json'}"
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        return f"the folder {parent} does not exist; create it first"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"the folder {parent} is not writable"
    for source in inputs:
        if Path(source).exists() and target.exists() and os.path.samefile(source, target):
            return f"{target} is the input file {source}; writing there would overwrite it"
    return None


def write_text_atomically(path: str | os.PathLike, text: str, *, error: type[Exception] = OSError) -> Path:
    """Write ``text`` (UTF-8) to ``path`` with :func:`write_atomically`."""
    return write_atomically(path, lambda handle: handle.write(text.encode("utf-8")), error=error)
