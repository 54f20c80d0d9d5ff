"""Where a sweep's values run: in this process, in worker processes, or on a Dask cluster.

:func:`open_runner` is entered before any solving or writing, so that a scheduler address that
cannot be reached is refused at once (exit status 2 on the command line) instead of after the
generic solve. It yields a :data:`Runner`: ``run(function, tasks)`` yields ``(key,
function(task))`` in the order the tasks finish. A local Dask cluster is started by the first
``run``, so it does not compete with the generic solve for the cores.

Whatever ends the block early (an error, Ctrl-C, SIGTERM) kills the workers at once: the local
ones through :mod:`algmorse.engine.workers`, a local Dask cluster's by killing every process
this one started (except multiprocessing's resource tracker) before Dask is asked to close.
Dask's log lines are silenced within the block (for good after a local cluster was killed: its
dying pieces keep reporting the kill) and its scratch folder is a temporary one, so nothing of
the cluster (processes, ``dask-scratch-space``, tracebacks) is left.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading
import time
from typing import Callable, Iterator, Mapping

from ..errors import AlgmorseError, SpecError
from . import processes
from .workers import run_tasks

__all__ = ["Runner", "open_runner", "remote_calls", "CONNECT_SECONDS"]

Runner = Callable[[Callable, Mapping[int, object]], Iterator[tuple[int, object]]]
CONNECT_SECONDS = 10
"""How long a Dask scheduler address is tried before the sweep is refused."""
_CLOSE_SECONDS = 5
_INTERRUPTED_CLOSE_SECONDS = 0.1
_POLL_SECONDS = 0.1


@contextlib.contextmanager
def open_runner(scheduler: str | None, jobs: int, *, needed: bool = True) -> Iterator[Runner]:
    """A runner for ``jobs`` tasks at a time.

    Parameters
    ----------
    scheduler : str or None
        None: this process (``jobs == 1``) or worker processes. ``"local"``: a local Dask cluster
        of ``jobs`` worker processes. Otherwise a Dask scheduler's address.
    jobs : int
    needed : bool
        False when nothing will run (a resumed sweep with every value finished): no cluster is
        started and no scheduler contacted.

    Raises
    ------
    SpecError
        If the scheduler cannot be reached (naming ``--scheduler``).
    AlgmorseError
        If a Dask scheduler is asked for and ``dask.distributed`` is not installed.
    """
    if scheduler is None or not needed:
        yield lambda function, tasks: _locally(function, tasks, jobs)
        return
    with _Dask(scheduler, jobs) as dask:
        yield dask.run


@contextlib.contextmanager
def remote_calls(scheduler: str, jobs: int) -> Iterator[Callable[[Callable, object], object]]:
    """``call(function, argument)``: ``function(argument)`` on a Dask worker, for one solve's
    backend calls (see :class:`~algmorse.engine.backends.remote.RemoteBackend`).

    ``scheduler`` is ``"local"`` (a local cluster of ``jobs`` worker processes, started by the
    first call) or a scheduler's address; the cluster is closed, or on an interrupt killed, as
    with :func:`open_runner`.

    Raises
    ------
    SpecError
        If the scheduler cannot be reached (naming ``--scheduler``).
    AlgmorseError
        If ``dask.distributed`` is not installed.
    """
    with _Dask(scheduler, jobs) as dask:
        yield dask.call


def _locally(function: Callable, tasks: Mapping[int, object], jobs: int) -> Iterator[tuple[int, object]]:
    if jobs == 1 or len(tasks) == 1:
        for key, task in tasks.items():
            yield key, function(task)
        return
    yield from run_tasks(function, tasks, jobs)


class _Dask:
    """A Dask client (connected on entry to a scheduler address, or to a local cluster started
    by the first :meth:`run`), closed on exit; on an interrupt or error the local cluster's
    processes are killed first."""

    def __init__(self, scheduler: str, jobs: int) -> None:
        try:
            import dask
            from dask import distributed
        except ImportError:
            raise AlgmorseError("a Dask scheduler needs dask.distributed: pip install 'dask[distributed]' "
                                "(or pip install 'algmorse[cluster]').") from None
        self.dask, self.distributed = dask, distributed
        self.scheduler, self.jobs = scheduler, jobs
        self.client = self.cluster = None
        self.stack = contextlib.ExitStack()
        self.starting = threading.Lock()

    def __enter__(self) -> _Dask:
        scratch = self.stack.enter_context(processes.temporary_directory("dask"))
        self.stack.enter_context(self.dask.config.set({"temporary-directory": scratch}))
        self.quieted = _Quieted()
        try:
            if self.scheduler != "local":
                self.client = self.distributed.Client(self.scheduler, timeout=CONNECT_SECONDS)
        except (OSError, ValueError, TypeError) as exc:
            self.stack.close()
            raise SpecError("--scheduler", f"cannot reach a Dask scheduler at {self.scheduler!r}: {exc}",
                            "Start one (dask scheduler), check the address (tcp://host:8786), or use "
                            "--scheduler local.") from None
        except BaseException:
            self.stack.close()
            raise
        return self

    def run(self, function: Callable, tasks: Mapping[int, object]) -> Iterator[tuple[int, object]]:
        with self.starting:  # one cluster, whichever thread asks first
            if self.client is None:
                _start_quiet_resource_tracker()
                self.cluster = self.distributed.LocalCluster(
                    n_workers=self.jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                    local_directory=self.dask.config.get("temporary-directory"), silence_logs=logging.CRITICAL)
                self.client = self.distributed.Client(self.cluster)
        futures = {self.client.submit(function, task, pure=False): key for key, task in tasks.items()}
        try:
            while futures:
                processes.raise_if_interrupted()
                done = [future for future in futures if future.done()]
                if not done:
                    time.sleep(_POLL_SECONDS)
                for future in done:
                    yield futures.pop(future), future.result()
        finally:
            if futures:
                self.client.cancel(list(futures))

    def call(self, function: Callable, argument: object) -> object:
        """``function(argument)`` on a Dask worker, waited for (from any thread)."""
        for _, result in self.run(function, {0: argument}):
            return result
        raise AssertionError("a finished task gave no result")

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is not None and self.scheduler == "local":
                killed = processes.kill_descendants(spare=_resource_tracker())
                self._forget_clusters()
                self.quieted.for_good()
                processes.remove_stale_folders(killed)
            for resource in (self.client, self.cluster):
                if resource is not None:
                    try:  # after an interrupt the processes are dead already: do not wait for them
                        resource.close(timeout=_CLOSE_SECONDS if kind is None else _INTERRUPTED_CLOSE_SECONDS)
                    except Exception:
                        if kind is None:
                            raise
        finally:
            self.quieted.end()
            self.stack.close()


    def _forget_clusters(self) -> None:
        """Drop Dask's own closing of clusters at exit: a cluster interrupted while it started
        cannot be closed (Dask then prints a traceback), and its processes are dead already."""
        from distributed.deploy import spec

        atexit.unregister(getattr(spec, "close_clusters", lambda: None))


class _Quieted:
    """Dask's log lines silenced from creation until :meth:`end`.

    After a local cluster was killed, :meth:`for_good` keeps them silenced for the rest of the
    process: its dying pieces report, for seconds and at exit, failures that are only the kill
    (and asyncio reports the tasks they leave behind, which the filter below drops).
    """

    def __init__(self) -> None:
        self.logger = logging.getLogger("distributed")
        self.level = self.logger.level
        self.permanent = False
        self.logger.setLevel(logging.CRITICAL + 1)

    def for_good(self) -> None:
        self.permanent = True
        logging.getLogger("asyncio").addFilter(_drop_dask_tasks)

    def end(self) -> None:
        if not self.permanent:
            self.logger.setLevel(self.level)


def _drop_dask_tasks(record: logging.LogRecord) -> bool:
    """A logging filter: False for asyncio's report of a task that failed inside Dask."""
    error = record.exc_info[1] if record.exc_info else None
    while error is not None:
        trace = error.__traceback__
        while trace is not None:
            if f"{os.sep}distributed{os.sep}" in trace.tb_frame.f_code.co_filename:
                return False
            trace = trace.tb_next
        error = error.__cause__ or error.__context__
    return True


def _start_quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with its warnings ignored, unless it runs already.

    After an interrupted local cluster the tracker unlinks the semaphores of the killed workers
    (which is why it is spared, see :func:`_resource_tracker`); some are gone already, and it
    warned about each on stderr after the sweep's last message. The ``-W`` option reaches the
    tracker's own interpreter only: it is passed on from ``sys.warnoptions`` when it starts.
    """
    from multiprocessing import resource_tracker

    if _resource_tracker():
        return
    option = "ignore::UserWarning"
    sys.warnoptions.append(option)
    try:
        resource_tracker.ensure_running()
    finally:
        sys.warnoptions.remove(option)


def _resource_tracker() -> tuple[int, ...]:
    """The pid of multiprocessing's resource tracker, if it runs: it must outlive the workers it
    cleans up after (killed, it is relaunched and prints a traceback per semaphore)."""
    from multiprocessing import resource_tracker

    pid = getattr(resource_tracker._resource_tracker, "_pid", None)
    return (pid,) if isinstance(pid, int) else ()
