"""Child processes that never outlive the run.

Every external program algmorse starts (the PHCpack worker, Singular, msolve) goes through
:func:`start`, which

* runs it in its own session (so that its whole process group can be killed at once);
* asks the kernel to kill it if its parent dies, whatever kills the parent, SIGKILL included
  (``PR_SET_PDEATHSIG`` through util-linux's ``setpriv --pdeathsig KILL``, present on every
  Debian system; without it this protection is skipped and the others remain);
* registers it, so that :func:`kill_all` can end every live child when the run is interrupted
  (Ctrl-C, ``kill -INT``, or SIGTERM turned into an interrupt by :func:`interrupt_on_sigterm`).

Callers wait for the process and call :func:`finish` (which kills the group if it is still
running, reaps it and unregisters it), usually in a ``finally`` block.

Temporary folders come from :func:`temporary_directory`: their names carry the owning process's
id, so the folders of a process that was killed outright (SIGKILL, where no cleanup can run) are
removed by the next algmorse process that makes one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Iterator, Sequence

__all__ = ["start", "finish", "kill_all", "kill_started_by", "kill_descendants", "resume", "interrupt_on_sigterm", "raise_if_interrupted",
           "Terminated", "temporary_directory", "remove_own_folders", "remove_stale_folders", "thread_map", "started_in_threads"]

_LIVE: dict[int, subprocess.Popen] = {}
_STARTER: dict[int, int] = {}  # pid -> the thread that started it
_LOCK = threading.Lock()
_POOLS = 0  # thread_map pools running (they nest: a call may map again)
SOLVER_THREADS = max(1, min(2, os.cpu_count() or 1))
"""Threads waiting on external solvers (Singular, msolve) at once, in the exact stages."""
_STOPPING = threading.Event()
_SWEPT = False
_INTERRUPTED: int | None = None
_OWNED = re.compile(r"^algmorse-(\d+)-")


class Terminated(KeyboardInterrupt):
    """SIGTERM, delivered as an interrupt so that ``finally`` blocks run (exit status 143)."""


def _guarded(command: Sequence[str]) -> list[str]:
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--", *command] if setpriv else list(command)


def start(command: Sequence[str], **popen: Any) -> subprocess.Popen:
    """Start ``command`` in its own session, killed if its parent dies, and registered.

    Parameters
    ----------
    command : sequence of str
    **popen
        Passed to :class:`subprocess.Popen` (``start_new_session`` is always set).

    Raises
    ------
    OSError
        If it cannot be started (``FileNotFoundError`` if ``command[0]`` is not an executable).
    """
    if shutil.which(command[0]) is None:
        raise FileNotFoundError(f"no executable {command[0]!r}")
    process = subprocess.Popen(_guarded(command), start_new_session=True, **popen)
    with _LOCK:
        _LIVE[process.pid] = process
        _STARTER[process.pid] = threading.get_ident()
        doomed = _STOPPING.is_set() and threading.current_thread() is not threading.main_thread()
    if doomed:  # a worker thread of an interrupted pool started it after kill_all: end it at once
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return process


def finish(process: subprocess.Popen) -> None:
    """Kill ``process``'s group if it still runs, reap it, and unregister it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()
    with _LOCK:
        _LIVE.pop(process.pid, None)
        _STARTER.pop(process.pid, None)


def kill_all() -> None:
    """Kill the group of every registered child that still runs (the threads waiting on them
    then return at once), and every child a worker thread starts until :func:`resume`."""
    with _LOCK:
        _STOPPING.set()
        live = list(_LIVE.values())
    _kill_groups(live)


def kill_started_by(thread: int) -> None:
    """Kill the group of every registered child the thread ``thread`` (an ident) started: one
    stage of several running at once, stopped without touching the others."""
    with _LOCK:
        live = [p for pid, p in _LIVE.items() if _STARTER.get(pid) == thread]
    _kill_groups(live)


def _kill_groups(children: Sequence[subprocess.Popen]) -> None:
    """SIGKILL the process group of each child that still runs."""
    for process in children:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def kill_descendants(*, spare: Collection[int] = ()) -> list[int]:
    """SIGKILL every process descended from this one (children started by libraries, such as a
    local Dask cluster's workers, which :func:`start` did not register), except those in
    ``spare`` and their descendants; returns the pids killed. Linux only (``/proc``)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2:].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    doomed, frontier = [], [os.getpid()]
    while frontier:
        children = [child for pid in frontier for child in parents.get(pid, ()) if child not in spare]
        doomed.extend(children)
        frontier = children
    for pid in doomed:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    return doomed


def resume() -> None:
    """Let worker threads start children again (after an interrupted pool has shut down)."""
    _STOPPING.clear()


def thread_map(function: Callable[..., Any], *iterables: Iterable, workers: int) -> list:
    """``list(map(function, *iterables))`` on ``workers`` threads, for calls that mostly wait on
    children (external solvers); in order, and in this thread alone when ``workers`` is 1.

    An interrupt (or any exception) in the waiting thread kills every registered child, so the
    threads waiting on them return and the pool shuts down at once; an exception raised by a
    call reaches the caller. Calls may map again (nested pools): children may be started again
    once the outermost pool has shut down.
    """
    arguments = list(zip(*iterables))
    if workers <= 1 or len(arguments) <= 1:
        return [function(*a) for a in arguments]
    with started_in_threads(function, *zip(*arguments), workers=workers) as futures:
        wait(futures, return_when=FIRST_EXCEPTION)  # the first failure, wherever it is
        for future in futures:
            if future.done() and future.exception() is not None:
                raise future.exception()
        return [future.result() for future in futures]


@contextlib.contextmanager
def started_in_threads(function: Callable[..., Any], *iterables: Iterable, workers: int) -> Iterator[list[Future]]:
    """Start ``function`` on every tuple of arguments in ``workers`` threads and give the futures
    at once, so that the caller goes on while they run (e.g. counts ahead of the stage that
    needs them).

    Leaving the block waits for every call; leaving it by an exception (an interrupt included)
    first cancels the calls not started and kills every registered child, as :func:`thread_map` does.
    """
    global _POOLS
    with _LOCK:
        _POOLS += 1
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(function, *a) for a in zip(*iterables)]
            try:
                yield futures
            except BaseException:
                for future in futures:
                    future.cancel()
                kill_all()
                raise
    finally:
        with _LOCK:
            _POOLS -= 1
            outermost = _POOLS == 0
        if outermost:
            resume()  # every pool thread has finished here (an inner pool leaves it to the outermost)


@contextlib.contextmanager
def interrupt_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` and SIGINT :class:`KeyboardInterrupt`
    in the main thread, and both are remembered for :func:`raise_if_interrupted`.

    Python runs a signal's handler wherever the main thread is; when that is a callback whose
    exceptions are ignored (a garbage-collector callback, a ``__del__``), the interrupt would be
    lost, and Python would print it as an "Exception ignored" traceback. Within the block such a
    swallowed interrupt is not printed (``sys.unraisablehook``), and loops that wait (for workers,
    for a cluster) call :func:`raise_if_interrupted`, so it is raised again at their next step.

    Outside the main thread (where handlers cannot be installed) it does nothing.
    """
    global _INTERRUPTED
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        global _INTERRUPTED
        _INTERRUPTED = signum
        raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    def unraisable(report) -> None:  # an interrupt swallowed in a __del__ or gc callback: said later, once
        if not (isinstance(report.exc_value, KeyboardInterrupt) and _INTERRUPTED is not None):
            previous_hook(report)

    _INTERRUPTED = None
    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGTERM, signal.SIGINT)}
    previous_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield
    finally:
        for signum, action in previous.items():
            signal.signal(signum, action)
        sys.unraisablehook = previous_hook
        _INTERRUPTED = None


def raise_if_interrupted() -> None:
    """Raise the interrupt a signal already delivered (see :func:`interrupt_on_sigterm`), if any."""
    if _INTERRUPTED is not None:
        raise Terminated if _INTERRUPTED == signal.SIGTERM else KeyboardInterrupt


def temporary_directory(kind: str) -> tempfile.TemporaryDirectory:
    """A temporary folder named ``algmorse-<pid>-<kind>-...``, removed when its block ends.

    The first call in a process also removes the folders of algmorse processes that no longer
    exist (killed before they could clean up).
    """
    global _SWEPT
    if not _SWEPT:
        _SWEPT = True
        _sweep_stale(Path(tempfile.gettempdir()))
    return tempfile.TemporaryDirectory(prefix=f"algmorse-{os.getpid()}-{kind}-")


def _sweep_stale(directory: Path) -> None:
    for entry in directory.glob("algmorse-*-*"):
        match = _OWNED.match(entry.name)
        if match is None or not entry.is_dir() or entry.stat().st_uid != os.getuid():
            continue
        if not _alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def remove_own_folders() -> None:
    """Remove every temporary folder of this process (for an interrupted run, once its blocks
    have unwound: a folder a thread made just as the interrupt arrived is not left behind)."""
    for entry in Path(tempfile.gettempdir()).glob(f"algmorse-{os.getpid()}-*"):
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def remove_stale_folders(pids: Collection[int] = (), timeout: float = 1.0) -> None:
    """Remove the temporary folders of algmorse processes that no longer run.

    Called after killing workers (which cannot clean up after a SIGKILL); ``pids``, the
    processes just killed, are waited for (up to ``timeout`` seconds) to be gone first.
    """
    deadline = time.monotonic() + timeout
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.01)
    _sweep_stale(Path(tempfile.gettempdir()))


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"
