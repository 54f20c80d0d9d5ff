"""Progress bars and lines (algmorse.progress): shown on a terminal, never in a pipe or a log."""

from __future__ import annotations

import io

import pytest

from algmorse.cli import main
from algmorse.progress import ProgressBar, stderr_lines


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
