"""Killed is not crashed: whatever ends a solve, no worker outlives it and no folder is left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from algmorse.engine import processes

SLOW_SPEC = Path(__file__).parents[1] / "polynomials" / "net221_sq_l2_2pts.toml"  # a backend run takes ~1 min


def _worker_folders(directory: Path, pid: int) -> list[Path]:
    return sorted(directory.glob(f"algmorse-{pid}-phcpack-*"))


def _processes_using(folder: Path) -> list[str]:
    """Command lines of live processes that mention ``folder`` (the worker is given files in it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if str(folder) in cmdline:
                found.append(cmdline)
    return found


def _start_solve(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """Start a long solve with its own temporary folder; return once its PHCpack worker runs."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "OPENBLAS_NUM_THREADS": "1"}
    solve = subprocess.Popen([sys.executable, "-m", "algmorse", "solve", str(SLOW_SPEC), "-o", str(tmp_path / "c.json"),
                              "--quiet", "--method", "blackbox"],  # one long backend run, not monodromy's short ones
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not _worker_folders(scratch, solve.pid):
        assert solve.poll() is None and time.monotonic() < deadline, "the solve did not start a worker"
        time.sleep(0.1)
    (folder,) = _worker_folders(scratch, solve.pid)
    while not _processes_using(folder):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return solve, folder


@pytest.mark.phcpack
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_or_termination_of_the_solve_process_alone_ends_it_cleanly(tmp_path, signum, status):
    solve, folder = _start_solve(tmp_path)
    sent = time.monotonic()
    solve.send_signal(signum)  # to the solve's process only, not its group (as schedulers do)
    assert solve.wait(timeout=10) == status
    assert time.monotonic() - sent < 5
    assert b"Traceback" not in solve.stderr.read()
    assert not folder.exists() and not _processes_using(folder)
    assert not (tmp_path / "c.json").exists()


@pytest.mark.phcpack
def test_workers_die_with_a_killed_solve_and_its_folder_goes_at_the_next_start(tmp_path):
    solve, folder = _start_solve(tmp_path)
    solve.kill()
    solve.wait(timeout=10)
    deadline = time.monotonic() + 5
    while _processes_using(folder):  # the kernel's parent-death signal ends the worker
        assert time.monotonic() < deadline, "the worker outlived its killed parent"
        time.sleep(0.1)
    assert folder.exists()  # nothing can clean up after SIGKILL ...
    subprocess.run([sys.executable, "-c", "from algmorse.engine import processes\n"
                    "with processes.temporary_directory('probe'): pass"],
                   env={**os.environ, "TMPDIR": str(folder.parent)}, check=True)
    assert not folder.exists()  # ... but the next algmorse process does


def test_stale_folders_of_dead_processes_are_swept_and_live_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(processes, "_SWEPT", False)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"algmorse-{dead.pid}-phcpack-abc"
    live = tmp_path / f"algmorse-{os.getpid()}-exact-def"
    other = tmp_path / "algmorse-notapid"
    for folder in (stale, live, other):
        folder.mkdir()
    with processes.temporary_directory("probe") as made:
        assert Path(made).name.startswith(f"algmorse-{os.getpid()}-probe-")
    assert not stale.exists() and live.exists() and other.exists()


def test_a_missing_program_is_an_error_at_start():
    with pytest.raises(FileNotFoundError):
        processes.start(["/nonexistent/algmorse-test-program"])


def test_a_worker_thread_starting_a_child_after_kill_all_gets_it_killed_until_resume():
    # the race behind a slow SIGTERM: the interrupt's kill_all ran while a pool thread was still
    # starting its worker, which then ran to its time limit
    from concurrent.futures import ThreadPoolExecutor

    def started_and_waited() -> int | None:
        child = processes.start(["sleep", "30"])
        try:
            return child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None
        finally:
            processes.finish(child)

    processes.kill_all()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            assert pool.submit(started_and_waited).result() == -signal.SIGKILL
    finally:
        processes.resume()
    main_thread_child = processes.start(["sleep", "0.1"])  # the main thread is never refused
    assert main_thread_child.wait(timeout=5) == 0
    processes.finish(main_thread_child)


def test_a_failing_call_in_nested_thread_maps_ends_every_child_at_once_and_then_resumes():
    # the exact stage maps inside a map (the critical set alongside the Morse-Bott tests, each
    # running solvers two at a time): a failure (or an interrupt) anywhere kills every child, the
    # pools shut down at once, and children may be started again only after the outermost one
    def sleeper(_: int) -> int:
        child = processes.start(["sleep", "30"])
        try:
            return child.wait(timeout=20)
        finally:
            processes.finish(child)

    def inner(index: int) -> list:
        if index == 1:
            time.sleep(0.5)  # the sleepers of the other inner pool are running by now
            raise KeyboardInterrupt
        return processes.thread_map(sleeper, range(2), workers=2)

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        processes.thread_map(inner, range(2), workers=2)
    assert time.monotonic() - started < 5
    assert not processes._LIVE and not processes._STOPPING.is_set() and processes._POOLS == 0
    assert processes.thread_map(lambda x: x * x, range(4), workers=2) == [0, 1, 4, 9]  # in order


def test_calls_started_ahead_run_while_the_caller_works_and_die_with_an_interrupt():
    # the monodromy's counts run ahead of the strata that need them; an interrupt in the caller's
    # own work kills the children they wait on and leaves nothing behind
    def sleeper(seconds: int) -> int:
        child = processes.start(["sleep", str(seconds)])
        try:
            return child.wait(timeout=40)
        finally:
            processes.finish(child)

    started = time.monotonic()
    with processes.started_in_threads(sleeper, [0, 0], workers=2) as futures:
        assert time.monotonic() - started < 1  # the futures come at once
        assert [f.result() for f in futures] == [0, 0]
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with processes.started_in_threads(sleeper, [30, 30, 30], workers=2) as futures:
            time.sleep(0.5)  # both children run by now
            assert len(processes._LIVE) == 2
            raise KeyboardInterrupt
    assert time.monotonic() - started < 5
    assert futures[2].cancelled()  # never started
    assert not processes._LIVE and not processes._STOPPING.is_set() and processes._POOLS == 0


def test_an_interrupt_swallowed_in_a_destructor_is_silent_and_raised_again():
    # a SIGINT that lands while a __del__ runs (Dask's futures have one) is swallowed by Python,
    # which prints "Exception ignored in ..." with a traceback; within interrupt_on_sigterm it is
    # not printed, and raise_if_interrupted raises it at the next waiting step
    import subprocess
    import sys

    code = """
import gc, os, signal, sys, time
from algmorse.engine import processes
class Noisy:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
try:
    with processes.interrupt_on_sigterm():
        Noisy()
        gc.collect()
        time.sleep(0.1)
        processes.raise_if_interrupted()
    print("not interrupted", file=sys.stderr)
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr == "interrupted\n"


def test_an_interrupted_run_removes_its_own_folders_only(tmp_path, monkeypatch):
    import os
    import tempfile

    from algmorse.engine import processes

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    own = tmp_path / f"algmorse-{os.getpid()}-phcpack-abc"
    other = tmp_path / f"algmorse-{os.getpid() + 1}-phcpack-abc"  # another run's (it may be alive)
    unrelated = tmp_path / "notes"
    for folder in (own, other, unrelated):
        folder.mkdir()
    (own / "request.json").write_text("{}")
    processes.remove_own_folders()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([other.name, "notes"])
