"""Atomic files: a temporary file in the target directory, then :func:`os.replace`.

Also the results' entry to :func:`~algmorse.model.reading.read_limited` (bounded reads of input
files), which lives in the model layer so that the spec reader can use it too.
"""

from __future__ import annotations

import functools
import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

from ..model.reading import read_limited

__all__ = ["write_atomically", "write_text_atomically", "check_writable", "read_limited"]


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], None], *,
                     error: type[Exception] = OSError) -> Path:
    """Call ``write`` on a binary file that becomes ``path`` only once it is complete.

    A failure (in ``write`` or on the way) never leaves a partial file or a temporary one; on
    Linux the content goes into an unnamed file (``O_TMPFILE``) that is named only for the
    instant before the rename, so that even SIGKILL during the write leaves nothing. The
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
    umask = os.umask(0)
    os.umask(umask)
    unnamed = _unnamed_file(directory, 0o666 & ~umask)
    tmp: str | None = None
    try:
        if unnamed is not None:  # written without a name: a SIGKILL meanwhile leaves nothing behind
            with os.fdopen(unnamed, "wb", closefd=False) as handle:
                write(handle)
            tmp = str(directory / f".{target.name}.{secrets.token_hex(6)}.tmp")
            _link(unnamed, tmp)  # named only for the instant before the rename
        else:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
            with os.fdopen(fd, "wb") as handle:
                write(handle)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise error(f"cannot write {target}: {exc.strerror or exc}.") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        if unnamed is not None:
            os.close(unnamed)
    return target


_AT_FDCWD = -100
_AT_SYMLINK_FOLLOW = 0x400


def _unnamed_file(directory: Path, mode: int) -> int | None:
    """A descriptor of an unnamed file in ``directory`` (Linux ``O_TMPFILE``), which the kernel
    frees if the process dies before it is linked; None where that is not available, or linking
    it is not (a named temporary file is used then)."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or _linkat() is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY, mode)
    except OSError:  # a file system without O_TMPFILE, or a folder that is not writable
        return None


@functools.lru_cache(maxsize=1)
def _linkat():
    """libc's ``linkat`` (None off Linux or without it). Python's ``os.link`` calls ``link``,
    which does not follow ``/proc/self/fd/N`` to the unnamed file."""
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).linkat
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
    return function


def _link(fd: int, path: str) -> None:
    """Give the unnamed file ``fd`` the name ``path``."""
    import ctypes

    if _linkat()(_AT_FDCWD, f"/proc/self/fd/{fd}".encode(), _AT_FDCWD, os.fsencode(path), _AT_SYMLINK_FOLLOW) != 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number), path)


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
