"""Atomic files: a temporary file in the target directory, then :func:`os.replace`.

Also the results' entry to :func:`~algmorse.model.reading.read_limited` (bounded reads of input
files), which lives in the model layer so that the spec reader can use it too.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

from ..model.reading import read_limited

__all__ = ["write_atomically", "write_text_atomically", "check_writable", "read_limited"]


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], None], *,
                     error: type[Exception] = OSError) -> Path:
    """Call ``write`` on a binary file that becomes ``path`` only once it is complete.

    A failure (in ``write`` or on the way) never leaves a partial file or a temporary one. The
    file gets the permissions an ordinary ``open`` would give it (``0o666`` less the umask).
    A path that exists and is not a regular file (a folder, a device such as ``/dev/null``, a
    pipe, a socket) is refused before anything is written: the rename would replace it.

    Parameters
    ----------
    path : str or path-like
    write : callable
        Writes the content to the binary file handle it receives.
    error : exception class
        Raised (with the path and reason) when the file cannot be written (folder missing or
        not writable, the path not a regular file, disk full, ...); other exceptions from
        ``write`` pass through.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(path)
    if _is_special(target):
        raise error(f"cannot write {target}: {_SPECIAL}.")
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

    Refused: an empty path, a folder, anything else that exists and is not a regular file (a
    device such as ``/dev/null``, a pipe, a socket: writing replaces the file), a missing or
    unwritable parent folder, and any of ``inputs`` (the output would overwrite its own input).
    A symbolic link to a regular file is accepted (the link is replaced by the new file).
    """
    text = os.fspath(path)
    if not text.strip():
        return "the path is empty; give a file name such as catalog.json"
    target = Path(text)
    if target.is_dir():
        return f"{target} is a folder; give a file name inside it, such as {target / 'catalog.json'}"
    if _is_special(target):
        return f"{target}: {_SPECIAL}"
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        return f"the folder {parent} does not exist; create it first"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"the folder {parent} is not writable"
    for source in inputs:
        if Path(source).exists() and target.exists() and os.path.samefile(source, target):
            return f"{target} is the input file {source}; writing there would overwrite it"
    return None


_SPECIAL = ("exists and is not a regular file (a folder, device, pipe or socket), which writing would replace; "
            "give the name of a regular file")


def _is_special(target: Path) -> bool:
    """Whether ``target`` (followed through symbolic links) exists and is not a regular file."""
    return os.path.exists(target) and not os.path.isfile(target)


def write_text_atomically(path: str | os.PathLike, text: str, *, error: type[Exception] = OSError) -> Path:
    """Write ``text`` (UTF-8) to ``path`` with :func:`write_atomically`."""
    return write_atomically(path, lambda handle: handle.write(text.encode("utf-8")), error=error)
