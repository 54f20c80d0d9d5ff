"""A sweep ended by SIGINT, SIGTERM or SIGKILL leaves no process, folder or partial file behind,
and loses no finished value (issue 17, items 10-12).

Each case runs ``algmorse sweep --jobs 2`` (local worker processes, or ``--scheduler local``: a
Dask cluster) on a network whose generic solve and values take seconds, and signals it at one of
three moments: during the generic solve, just after the value workers start, and mid-values
(after a first value is written). Every process the sweep started carries a marker in its
environment, so survivors are found whatever their parent became. Before issue 17, SIGKILL just
after the pool started left two workers and the resource tracker alive for minutes; SIGINT went
unheard for 30 s while value workers ran; SIGTERM took 13 to 25 s, printed Dask tracebacks and
left a ``dask-scratch-space`` folder.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from algmorse.results.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "examples" / "net1221_genl2.toml"  # generic solve about 3 s, each value about 4 s
VALUES = "1/2:2:4"
MOMENTS = {"generic": "stratum ", "pool": "generic solve:", "values": "value "}
EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -signal.SIGKILL}
MESSAGE = {signal.SIGINT: "algmorse: interrupted", signal.SIGTERM: "algmorse: terminated (SIGTERM)"}

pytestmark = pytest.mark.phcpack


class Sweep:
    """``algmorse sweep`` in a subprocess, with its stderr lines collected as they come."""

    def __init__(self, tmp_path: Path, scheduler: str | None, jobs: int = 2, solve: Path | None = None) -> None:
        self.marker = uuid.uuid4().hex
        self.out, self.cwd, self.tmp = tmp_path / "out", tmp_path / "cwd", tmp_path / "tmp"
        self.cwd.mkdir()
        self.tmp.mkdir()
        if solve is None:
            arguments = ["sweep", str(SPEC), "--eps-scale", VALUES, "-o", str(self.out)]
        else:  # one solve of this spec, its catalog written into the output folder
            self.out.mkdir()
            arguments = ["solve", str(solve), "-o", str(self.out / "catalog.json")]
        command = [sys.executable, "-m", "algmorse", *arguments, "--seed", "3", "--jobs", str(jobs)] + \
            (["--scheduler", scheduler] if scheduler else [])
        env = {**os.environ, "ALGMORSE_TEST_MARKER": self.marker, "TMPDIR": str(self.tmp),
               "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(command, cwd=self.cwd, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, start: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            assert line is not None, f"the sweep ended before {start!r}: {''.join(self.seen)[-2000:]}"
            self.seen.append(line)
            if line.strip().startswith(start):
                return
        pytest.fail(f"no line {start!r} within {timeout} s")

    def rest_of_stderr(self, timeout: float = 10) -> str:
        lines, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                return "".join(lines)
            lines.append(line)
        pytest.fail("stderr stayed open: a process still holds it")

    def survivors(self) -> list[str]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and entry.name != str(os.getpid()):
                try:
                    if self.marker.encode() in (entry / "environ").read_bytes():
                        found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:100])
                except OSError:
                    continue
        return found

    def kill_survivors(self) -> None:
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and self.marker.encode() in (entry / "environ").read_bytes():
                    os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                continue


def _no_survivors_within(sweep: Sweep, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := sweep.survivors()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.mark.parametrize("moment", list(MOMENTS))
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["INT", "TERM", "KILL"])
@pytest.mark.parametrize("scheduler", [None, "local"], ids=["jobs2", "dask"])
def test_a_signalled_sweep_ends_at_once_and_leaves_nothing(tmp_path, scheduler, signum, moment):
    if scheduler:
        pytest.importorskip("distributed")
    _signal_and_check(Sweep(tmp_path, scheduler), signum, moment)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_sweep_with_one_job_ends_at_once_during_the_generic_solve(tmp_path, signum):
    _signal_and_check(Sweep(tmp_path, None, jobs=1), signum, "generic")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["INT", "TERM", "KILL"])
def test_a_signalled_solve_on_a_local_dask_cluster_ends_at_once_and_leaves_nothing(tmp_path, signum):
    pytest.importorskip("distributed")
    # t^2 [1,3,1]: 8 strata, backend calls on the cluster when the first stratum line appears
    solve = Sweep(tmp_path, "local", solve=ROOT / "benchmarks" / "cases" / "t2_131.toml")
    _signal_and_check(solve, signum, "generic")
    assert list(solve.out.iterdir()) == [], "a catalog was written"


def _signal_and_check(sweep: Sweep, signum: signal.Signals, moment: str) -> None:
    try:
        sweep.wait_for(MOMENTS[moment])
        if moment == "pool":
            time.sleep(0.1)  # the workers (or the Dask cluster) are starting
        sent = time.monotonic()
        sweep.process.send_signal(signum)
        status = sweep.process.wait(timeout=30)
        took = time.monotonic() - sent
        left = _no_survivors_within(sweep, 1.0)
        stderr = sweep.rest_of_stderr()
    finally:
        sweep.kill_survivors()
    assert status == EXIT[signum], f"exit status {status}; the sweep's stderr:\n{''.join(sweep.seen[-10:])}{stderr}"
    assert took < 1.0, f"the sweep took {took:.1f} s to end"
    assert left == [], f"processes outlived the sweep: {left}"
    if signum != signal.SIGKILL:  # what only a process that is allowed to clean up can promise
        assert stderr.strip().splitlines()[-1].startswith(MESSAGE[signum])
        assert "Traceback" not in stderr and "Warning" not in stderr and "distributed" not in stderr, stderr
        assert list(sweep.tmp.iterdir()) == [], "temporary folders left"
    assert list(sweep.cwd.iterdir()) == [], "something was written to the working folder"
    written = sorted(p.name for p in sweep.out.iterdir()) if sweep.out.exists() else []
    assert not [name for name in written if name.startswith(".")], f"partial files left: {written}"
    catalogs = [name for name in written if name.startswith("value-")]
    for name in catalogs:  # every finished value is a whole catalog of this sweep
        catalog = load_catalog(sweep.out / name)
        assert catalog.provenance.seed == 3 and catalog.provenance.monodromy["generic_count"] == 129
    if moment == "values":
        assert catalogs, "the first finished value was lost"


def test_a_sweep_killed_mid_values_resumes_with_every_finished_value(tmp_path):
    sweep = Sweep(tmp_path, None)
    try:
        sweep.wait_for(MOMENTS["values"])
        sweep.process.send_signal(signal.SIGKILL)
        sweep.process.wait(timeout=30)
    finally:
        sweep.kill_survivors()
    finished = sorted(p.name for p in sweep.out.glob("value-*.json"))
    again = subprocess.run([sys.executable, "-m", "algmorse", "sweep", str(SPEC), "--eps-scale", VALUES, "-o",
                            str(sweep.out), "--seed", "3", "--jobs", "2"], capture_output=True, text=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert again.returncode == 0, again.stderr
    assert f"resuming: {len(finished)} of 4 values already solved" in again.stderr
    assert sorted(p.name for p in sweep.out.glob("value-*.json")) == [f"value-{k:03d}.json" for k in range(4)]
