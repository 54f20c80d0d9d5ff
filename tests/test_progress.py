"""Progress (algmorse.progress): events with counts during real solves, a bar on any terminal, flushed lines
in a pipe or a log."""

from __future__ import annotations

import copy
import io
import os
import pickle
import subprocess
import sys
import re
import time
from pathlib import Path

import pytest

from algmorse import progress as progress_module
from algmorse import search as search_module
from algmorse.cli import main
from algmorse.engine.backends.fake import FakeBackend
from algmorse.engine.backends.phcpack import is_available
from algmorse.model.network import FunctionProblem
from algmorse.model.options import SolveOptions
from algmorse.pipeline import analyze
from algmorse.progress import (
    ProgressBar,
    ProgressEvent,
    seconds_left,
    stderr_lines,
    throttled,
    with_time_left,
)

ROOT = Path(__file__).resolve().parents[1]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal_shows_the_count_and_its_total():
    screen = _Terminal()
    with ProgressBar("critical points", None, delay=0, file=screen) as bar:
        bar.update_to(3)
        bar.update_to(5, total=8)  # the count became known
    assert "critical points" in screen.getvalue()
    assert "5/8" in screen.getvalue()


def test_no_bar_off_a_terminal_or_when_disabled():
    pipe = io.StringIO()
    with ProgressBar("critical points", 8, delay=0, file=pipe) as bar:
        bar.update_to(5)
        bar.note("run 2: backend tracking paths, 12 s")
        bar.showing(lambda _line: None, counting=True)(ProgressEvent("x", stage="solve", done=6, total=8, tick=True))
        bar.tick()
    assert pipe.getvalue() == ""
    screen = _Terminal()
    with ProgressBar("critical points", 8, delay=0, file=screen, enabled=False) as bar:
        bar.update_to(5)
    assert screen.getvalue() == ""


def test_stderr_lines_are_indented_and_quiet_means_quiet(capsys):
    stderr_lines()("run 1: 3 endpoints")
    stderr_lines(quiet=True)("run 2: 3 endpoints")
    err = capsys.readouterr().err
    assert err == "  run 1: 3 endpoints\n"


def test_a_cli_solve_into_a_pipe_prints_lines_and_no_bar(tmp_path, capsys):
    spec = tmp_path / "quartic.toml"
    spec.write_text('[function]\nvariables = ["x"]\nexpression = "x^4 - 2*x^2"\n[solve]\nseed = 1\n')
    assert main(["solve", str(spec), "-o", str(tmp_path / "quartic.json")]) == 0
    err = capsys.readouterr().err
    assert "distinct critical points" in err and "\r" not in err


def test_an_interrupt_inside_tqdms_lock_stays_an_interrupt(monkeypatch):
    # tqdm releases a lock it never acquired when an interrupt lands in its acquire, and raises
    # RuntimeError in place of the interrupt: the sweep then exited with status 1, not 130
    from tqdm import tqdm

    from algmorse.engine.processes import Terminated

    def broken_write(*args, **kwargs):
        try:
            raise Terminated
        except Terminated:
            raise RuntimeError("cannot release un-acquired lock")

    monkeypatch.setattr(tqdm, "write", broken_write)
    with pytest.raises(Terminated):
        stderr_lines()("stratum all units: 64 of 64 points")


# --- structured events --------------------------------------------------------------------------------

def test_an_event_is_its_line_and_carries_read_only_counts():
    event = ProgressEvent("certify: 3 of 8 endpoints", stage="certify", done=3, total=8, unit="endpoints",
                          seconds_left=4.5, tick=True)
    assert event == "certify: 3 of 8 endpoints" and event.startswith("certify") and f"{event}" == event
    assert (event.stage, event.done, event.total, event.unit, event.seconds_left, event.tick) == \
        ("certify", 3, 8, "endpoints", 4.5, True)
    with pytest.raises(AttributeError):
        event.done = 4
    for again in (copy.copy(event), pickle.loads(pickle.dumps(event))):
        assert again == event and repr(again) == repr(event)


def test_throttled_lets_one_tick_per_stage_through_per_interval_and_every_line():
    now = [0.0]
    seen: list[str] = []
    report = throttled(seen.append, every=10.0, clock=lambda: now[0])

    def tick(stage, done, total=10):
        return ProgressEvent(f"{stage} {done}", stage=stage, done=done, total=total, tick=True)

    report(tick("solve", 1))
    report(tick("solve", 2))  # too soon
    report(tick("certify", 1))  # another stage
    report("run 1: 3 endpoints")  # a line, never held back
    report(tick("solve", 10))  # the end of a count, never held back
    now[0] = 10.0
    report(tick("solve", 3))
    assert seen == ["solve 1", "certify 1", "run 1: 3 endpoints", "solve 10", "solve 3"]


def test_seconds_left_and_how_a_line_says_it():
    assert seconds_left(5, 20, 10.0) == 30.0
    assert seconds_left(0, 20, 10.0) is None and seconds_left(5, None, 10.0) is None
    assert with_time_left("x", 30.2) == "x, about 30 s left"
    assert with_time_left("x", None) == "x" and with_time_left("x", 0.2) == "x"


class _SlowFake(FakeBackend):
    """A FakeBackend whose runs take a while, as PHCpack's do."""

    def solve(self, *args, **kwargs):
        time.sleep(0.3)
        return super().solve(*args, **kwargs)


def test_events_arrive_while_backend_runs_are_under_way(monkeypatch):
    monkeypatch.setattr(search_module, "_TICK_SECONDS", 0.05)
    monkeypatch.setattr(progress_module, "TICK_SECONDS", 0.0)  # every tick to the callback
    events: list[str] = []
    backend = _SlowFake([[(1.0,)], [(-1.0,)]])  # the count (2) is reached by the second run
    catalog = analyze(FunctionProblem(("x",), "x^3 - 3*x"), options=SolveOptions(seed=1, method="blackbox"),
                      backend=backend, progress=events.append, progress_bar=False)
    assert len(catalog.critical_points) == 2
    runs = [e for e in events if isinstance(e, ProgressEvent) and e.stage == "solve" and not e.tick]
    ticks = [e for e in events if isinstance(e, ProgressEvent) and e.stage == "solve" and e.tick]
    assert [(e.done, e.total) for e in runs] == [(0, 2), (1, 2), (2, 2)]  # the start, then each run
    # the first ticks come before run 1's line, and the second run's know how long a run takes
    assert ticks and events.index(ticks[0]) < events.index(runs[1])
    assert all(t.startswith(("run 1:", "run 2:")) and t.total == 2 for t in ticks)
    assert any(t.startswith("run 2:") and t.seconds_left is not None for t in ticks)
    # what a tick says: the run, its seconds so far, the typical run's (from run 1, about 0.3 s)
    # and the Bezout bound on its paths (the gradient 3x^2 - 3 has degree 2)
    assert all(re.fullmatch(r"run 1: backend tracking paths, 0 s \(up to 2 paths a run\)", t) for t in ticks
               if t.startswith("run 1:"))
    second = [t for t in ticks if t.startswith("run 2:")]
    assert second and all(re.fullmatch(r"run 2: backend tracking paths, 0 s of about 0 s \(up to 2 paths a run\)", t)
                          and 0.0 <= t.seconds_left <= 2.0 for t in second)
    lefts = [t.seconds_left for t in second]  # the time left shrinks as the run goes on
    assert len(lefts) >= 2 and all(a > b for a, b in zip(lefts, lefts[1:]) if b > 0)
    assert any(isinstance(e, ProgressEvent) and e.stage == "classify" and e.total == 2 for e in events)


def test_a_string_callback_still_gets_its_lines_and_a_raising_one_stops_the_solve():
    lines: list[str] = []
    analyze(FunctionProblem(("x",), "x^4 - 2*x^2"), options=SolveOptions(seed=1, method="blackbox"),
            backend=FakeBackend([[(0.0,), (1.0,), (-1.0,)]]), progress=lambda line: lines.append(line.upper()),
            progress_bar=False)
    assert "RUN 1: 3 ENDPOINTS, 3 NEW, 3 DISTINCT CRITICAL POINTS, 3 PROVEN (0.00 S)" in lines

    class Stop(Exception):
        pass

    def stop_at_classification(line: str) -> None:
        if line.startswith("classify"):
            raise Stop

    with pytest.raises(Stop):
        analyze(FunctionProblem(("x",), "x^4 - 2*x^2"), options=SolveOptions(seed=1, method="blackbox"),
                backend=FakeBackend([[(0.0,), (1.0,), (-1.0,)]]), progress=stop_at_classification,
                progress_bar=False)


@pytest.mark.skipif(not is_available(), reason="PHCpack is not installed")
def test_monodromy_reports_points_found_of_the_count_and_paths_to_the_loss():
    events: list[str] = []
    analyze(FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^4 - 3*y^2 + x*y"),
            options=SolveOptions(seed=1, method="monodromy"), progress=events.append, progress_bar=False)
    loops = [e for e in events if isinstance(e, ProgressEvent) and e.stage == "monodromy" and e.tick]
    assert loops and all(e.total == 9 and e.unit == "points" for e in loops)
    assert [e.done for e in loops] == sorted(e.done for e in loops) and loops[-1].done == 9
    paths = [e for e in events if isinstance(e, ProgressEvent) and e.stage == "track"]
    assert paths[-1].done == paths[-1].total == 9
    assert "critical points at generic parameters" in paths[-1] and "one per sign-flip orbit" in paths[-1]


# --- the bar on any terminal ---------------------------------------------------------------------------

class _Tty(_Terminal):
    def fileno(self) -> int:
        return 2


@pytest.mark.parametrize("size", [(0, 0), (0, 24), (80, 0)])
def test_a_terminal_reporting_no_width_or_height_still_gets_a_bar(monkeypatch, size):
    # tqdm takes the width minus one: -1 columns (or rows) drew nothing at all
    monkeypatch.setattr(os, "get_terminal_size", lambda *_: os.terminal_size(size))
    screen = _Tty()
    with ProgressBar("critical points", 8, delay=0, file=screen) as bar:
        bar.update_to(5)
    drawn = [line for line in screen.getvalue().split("\r") if "5/8" in line]
    assert drawn and all(len(line) <= 80 for line in drawn)
    assert "critical points: 5/8 points |" in drawn[0]


def test_the_bar_waits_its_delay_then_its_clock_and_notes_move(monkeypatch):
    screen = _Terminal()
    with ProgressBar("critical points", 8, delay=60, file=screen) as bar:
        bar.update_to(5)
        bar.tick()
        assert screen.getvalue() == ""  # a short task shows no bar
    screen = _Terminal()
    with ProgressBar("critical points", 8, delay=0, file=screen) as bar:
        shown = bar.showing(lambda _line: None, counting=True)
        shown(ProgressEvent("run 2: 12 s", stage="solve", done=6, total=8, tick=True))
        assert "6/8" in screen.getvalue() and "run 2: 12 s" in screen.getvalue()
        before = len(screen.getvalue())
        bar.tick()
        assert len(screen.getvalue()) > before  # redrawn with nothing counted


def test_a_bar_drawn_after_its_delay_is_cleared_when_it_closes_and_a_long_note_leaves_it_room(monkeypatch):
    monkeypatch.setattr(os, "get_terminal_size", lambda *_: os.terminal_size((80, 24)))
    screen = _Tty()
    with ProgressBar("critical points", 8, delay=0.05, file=screen) as bar:
        time.sleep(0.1)
        bar.note("run 2: backend tracking paths, 12 s of about 150 s (up to 15625 paths a run)")
        drawn = screen.getvalue().split("\r")[-1]
        assert drawn.startswith("critical points: 0/8 points |") and drawn.endswith("...") and len(drawn) <= 79
        assert len(drawn.split("|")[1]) >= 10  # the bar itself
    assert screen.getvalue().endswith(" " * 40 + "\r")  # the line is blanked: the next one starts clean


# --- lines in a log or a pipe --------------------------------------------------------------------------

class _Recorder(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty, self.flushed = tty, []

    def isatty(self) -> bool:
        return self.tty

    def flush(self) -> None:
        self.flushed.append(self.getvalue())


def test_lines_are_flushed_and_ticks_shown_off_a_terminal_only(monkeypatch):
    tick = ProgressEvent("run 1: backend tracking paths, 12 s", stage="solve", tick=True)
    for tty, expected in ((False, "  run 1: 3 endpoints\n  run 1: backend tracking paths, 12 s\n"),
                          (True, "  run 1: 3 endpoints\n")):
        stream = _Recorder(tty)
        monkeypatch.setattr(sys, "stderr", stream)
        write = stderr_lines()
        write("run 1: 3 endpoints")
        write(tick)
        assert stream.getvalue() == expected
        assert stream.flushed and stream.flushed[-1] == expected  # nothing left in a buffer


def test_a_script_with_show_progress_writes_each_line_into_a_pipe_while_it_runs():
    script = ("import logging, sys\n"
              "from algmorse.progress import ProgressEvent, show_progress\n"
              "show_progress(); show_progress()\n"
              "logging.getLogger('algmorse.pipeline').info(ProgressEvent('run 1: tracking', stage='solve', tick=True))\n"
              "logging.getLogger('elsewhere').info('not ours')\n"
              "sys.stdin.read()\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    try:
        line = process.stderr.readline()  # blocks until the line is in the pipe
        assert process.poll() is None, "the line must arrive while the script still runs"
        assert line == "  run 1: tracking\n"
    finally:
        process.stdin.close()
        rest = process.stderr.read()
        process.wait(timeout=60)
    assert process.returncode == 0 and rest == ""  # once, whatever the calls; other loggers untouched
