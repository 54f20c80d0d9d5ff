"""Worker processes of :mod:`algmorse.engine.workers`: answers, errors, deaths and early ends."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from algmorse.engine import processes, workers
from algmorse.engine.workers import WorkerDied, run_tasks
from algmorse.errors import SpecError


def square_and_chatter(n: int) -> tuple[int, int]:
    print("noise on stdout, which is not the answer channel")
    return n * n, os.getpid()


def refuse(n: int) -> None:
    raise SpecError("values", f"value {n} refused", "Give another.")


def die(n: int) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def sleep_and_report(n: int) -> int:
    time.sleep(30)
    return n


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = open(f"/proc/{pid}/stat").read()
    return stat[stat.rindex(")") + 2] != "Z"


@pytest.fixture(autouse=True)
def importable_here(monkeypatch):
    """The workers unpickle this module's functions by name: let them import it."""
    path = os.environ.get("PYTHONPATH")
    here = os.path.dirname(__file__)
    monkeypatch.setenv("PYTHONPATH", here if not path else here + os.pathsep + path)


def test_every_task_is_answered_in_other_processes_and_stdout_noise_is_harmless():
    answers = dict(run_tasks(square_and_chatter, {k: k for k in range(6)}, jobs=2))
    assert {k: v[0] for k, v in answers.items()} == {k: k * k for k in range(6)}
    pids = {v[1] for v in answers.values()}
    assert os.getpid() not in pids and len(pids) == 2  # two workers, each serving several tasks
    assert not any(_alive(pid) for pid in pids)  # ended when the tasks ran out


def test_an_error_in_a_task_reaches_the_caller_with_its_type_and_fields():
    with pytest.raises(SpecError, match="value 3 refused") as raised:
        list(run_tasks(refuse, {3: 3}, jobs=2))
    assert raised.value.field == "values" and raised.value.hint == "Give another."


def test_a_task_a_worker_cannot_read_is_an_error_not_a_dead_worker(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "")  # the workers cannot import this module
    with pytest.raises(ModuleNotFoundError, match="test_workers"):  # raised as the worker raised it
        list(run_tasks(square_and_chatter, {0: 0}, jobs=2))


def test_a_worker_that_dies_is_reported_not_waited_for():
    started = time.monotonic()
    with pytest.raises(WorkerDied, match="SIGKILL"):
        list(run_tasks(die, {0: 0, 1: 1}, jobs=2))
    assert time.monotonic() - started < 20


def test_an_interrupt_kills_the_workers_at_once_even_one_a_callback_swallowed(monkeypatch):
    started_workers: list[int] = []
    real_start = workers.processes.start

    def recording_start(*args, **kwargs):
        process = real_start(*args, **kwargs)
        started_workers.append(process.pid)
        return process

    def interrupt_once_both_run():
        deadline = time.monotonic() + 20
        while len(started_workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        # what the SIGINT handler records before raising, when a gc callback then swallows the raise
        processes._INTERRUPTED = signal.SIGINT

    monkeypatch.setattr(workers.processes, "start", recording_start)
    monkeypatch.setattr(processes, "_INTERRUPTED", None)
    threading.Thread(target=interrupt_once_both_run, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        list(run_tasks(sleep_and_report, {0: 0, 1: 1}, jobs=2))
    assert time.monotonic() - started < 15  # not the tasks' 30 s
    assert len(started_workers) == 2 and not any(_alive(pid) for pid in started_workers)
