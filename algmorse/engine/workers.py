"""Python worker processes that never outlive the run: ``function(task)`` for many tasks, in parallel.

:func:`run_tasks` starts ``jobs`` fresh interpreters through :func:`algmorse.engine.processes.start`,
so each one is in its own session (a Ctrl-C at the terminal reaches only the parent, which
decides), is killed by the kernel the moment its parent dies (``setpriv --pdeathsig KILL``
before the interpreter even starts: there is no window in which a SIGKILL of the parent
leaves it behind), and is ended by :func:`algmorse.engine.processes.kill_all` on an interrupt.
A pool of :mod:`multiprocessing` workers has none of these: its workers inherit the terminal's
signals and learn of their parent's death only once their initializer has run.

Each worker reads requests from its stdin and writes answers to its stdout, both framed as an
8-byte length followed by a pickle; ``python -m algmorse.engine.workers`` is the worker's loop.
The pickles travel only between this process and the children it started.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Mapping, TypeVar

from ..errors import AlgmorseError
from . import processes

__all__ = ["run_tasks", "WorkerDied"]

Key = TypeVar("Key")
_HEADER = struct.Struct(">Q")
_POLL_SECONDS = 0.2


class WorkerDied(AlgmorseError):
    """A worker process ended (crashed, or was killed from outside) before answering."""


def run_tasks(function: Callable, tasks: Mapping[Key, object], jobs: int) -> Iterator[tuple[Key, object]]:
    """Yield ``(key, function(task))`` for every task, in the order they finish.

    Parameters
    ----------
    function : callable
        A module-level function (pickled by name), run in the workers.
    tasks : mapping
        Key to picklable argument.
    jobs : int
        Worker processes at once (at most one per task).

    Raises
    ------
    Exception
        The first exception a task raised, as the worker raised it (or an
        :class:`~algmorse.errors.AlgmorseError` describing it when it cannot be pickled).
    WorkerDied
        If a worker ended without answering.

    Notes
    -----
    Whatever ends the iteration early (an exception, an interrupt, the caller closing the
    generator) kills every worker and waits for the threads that served them.
    """
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for item in tasks.items():
        pending.put(item)
    answers: queue.SimpleQueue = queue.SimpleQueue()
    stopping = threading.Event()
    threads = [threading.Thread(target=_serve, args=(function, pending, answers, stopping), daemon=True,
                                name=f"algmorse-worker-{k}") for k in range(max(1, min(jobs, len(tasks))))]
    finished = False
    try:
        for thread in threads:
            thread.start()
        for _ in range(len(tasks)):
            key, ok, value = _next_answer(answers)
            if not ok:
                raise value
            yield key, value
        finished = True
    finally:
        stopping.set()
        if not finished:
            processes.kill_all()
        for thread in threads:
            thread.join()
        processes.resume()
        if not finished:  # the killed workers could not remove their temporary folders
            processes.remove_stale_folders()


def _next_answer(answers: queue.SimpleQueue) -> tuple:
    """The next answer, waiting in short steps so that an interrupt is acted on at once."""
    while True:
        processes.raise_if_interrupted()
        try:
            return answers.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            continue


def _serve(function: Callable, pending: queue.SimpleQueue, answers: queue.SimpleQueue,
           stopping: threading.Event) -> None:
    """One worker's thread: start the worker, feed it tasks until none are left, then end it."""
    try:
        process = processes.start([sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  env=_worker_environment())
    except OSError as exc:
        answers.put((None, False, WorkerDied(f"cannot start a worker process: {exc}.")))
        return
    try:
        while not stopping.is_set():
            try:
                key, task = pending.get_nowait()
            except queue.Empty:
                break
            try:
                _send(process.stdin, (function, task))
                ok, value = _receive(process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError):
                if not stopping.is_set():
                    answers.put((key, False, WorkerDied(_death(process))))
                return
            answers.put((key, ok, value))
    finally:
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        processes.finish(process)


def _death(process: subprocess.Popen) -> str:
    try:
        status = process.wait(timeout=1)
    except subprocess.TimeoutExpired:
        return "a worker process stopped answering."
    if status < 0:
        return f"a worker process was killed by signal {signal.Signals(-status).name}."
    return f"a worker process exited with status {status} before answering."


def _worker_environment() -> dict[str, str]:
    """The parent's environment, with this package importable from wherever the worker starts."""
    root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root if not path else root + os.pathsep + path}


def _send(stream: BinaryIO, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO) -> object:
    return pickle.loads(_frame(stream))


def _frame(stream: BinaryIO) -> bytes:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("the other end closed the pipe")
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the message was cut short")
    return data


def _answer(request: bytes) -> tuple[bool, object]:
    """``(True, function(task))``, or ``(False, exception)`` with an exception that survives pickling
    (also when the request itself cannot be read, e.g. a function this worker cannot import)."""
    try:
        function, task = pickle.loads(request)
        return True, function(task)
    except Exception as exc:  # the parent re-raises it
        try:
            pickle.loads(pickle.dumps(exc))
            return False, exc
        except Exception:
            text = str(exc) if isinstance(exc, AlgmorseError) else f"{type(exc).__name__}: {exc}"
            return False, AlgmorseError(text)


def main() -> None:
    """The worker's loop: answer requests from stdin until it closes.

    Standard output is the answer channel; anything else the task prints goes to stderr.
    """
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    while True:
        try:
            request = _frame(requests)
        except EOFError:
            return
        _send(answers, _answer(request))


if __name__ == "__main__":
    main()
