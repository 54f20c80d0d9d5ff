"""Sweeps refuse bad arguments before writing or solving anything (issue 17, items 4-9).

Each test failed on the code before issue 17: ``--eps-scale 1e999999999`` built a number of a
billion digits, ``-o ''`` wrote into the current folder, a refused sweep left a ``sweep.json``
that locked the folder, an unreachable scheduler was found out only after the generic solve,
a deeply nested ``sweep.json`` raised RecursionError, and any number of data sets was accepted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

import algmorse.sweep as sweep_module
from algmorse.errors import SpecError
from algmorse.model.network import Dataset
from algmorse.results.library import load_case
from algmorse.sweep import MAX_VALUES, parse_values, sweep

from _scripted_sweep import LABELS, OPTIONS, PROBLEM, VALUES

SPEC = Path(__file__).resolve().parents[1] / "polynomials" / "net121_sq_genl2.toml"
_REAL_OPEN_RUNNER = sweep_module.open_runner  # before the scripted fixture replaces it


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "algmorse", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})


@pytest.mark.parametrize("text", ["1e999999999", "1e-999999999,1", "1:1e999999999:3", "1/10" + "0" * 5000,
                                  "1:2:99999999999999999999", "1:2:" + "9" * 5000, ",".join(["1"] * 20_000)])
def test_eps_scale_values_have_the_limits_of_a_spec(text):
    started = time.perf_counter()
    with pytest.raises(SpecError, match="eps-scale"):
        parse_values(text)
    assert time.perf_counter() - started < 1.0  # refused, not computed


def test_eps_scale_values_within_the_limits_are_read_exactly():
    assert parse_values("1e-300, 1e300") == (Fraction(1, 10**300), Fraction(10**300))
    assert parse_values(f"1:2:{MAX_VALUES}")[-1] == 2 and len(parse_values(f"1:2:{MAX_VALUES}")) == MAX_VALUES


def test_the_command_refuses_a_huge_exponent_at_once(tmp_path):
    started = time.perf_counter()
    done = _cli("sweep", str(SPEC), "--eps-scale", "1e999999999", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2 and "--eps-scale" in done.stderr and "Traceback" not in done.stderr
    assert time.perf_counter() - started < 30 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_output_name_is_refused(tmp_path, scripted, name, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError, match="-o/--output"):
        sweep(PROBLEM, VALUES, name, options=OPTIONS, progress=lambda _line: None)
    assert list(tmp_path.iterdir()) == [] and scripted.generic == []


def test_the_command_refuses_an_empty_output_name_and_writes_nothing(tmp_path):
    done = _cli("sweep", str(SPEC), "--eps-scale", "1,2", "-o", "", cwd=tmp_path)
    assert done.returncode == 2 and "-o/--output" in done.stderr and list(tmp_path.iterdir()) == []


def test_a_refused_sweep_writes_nothing_and_the_corrected_one_runs_in_the_same_folder(tmp_path, scripted):
    out = tmp_path / "blk"
    # 1e400 is a valid rational, but the backend would read that strength as infinity
    with pytest.raises(SpecError, match="eps-scale.*1000000") as refused:
        sweep(PROBLEM, (Fraction(10**400), Fraction(1)), out, options=OPTIONS, progress=lambda _line: None)
    assert "double precision" in str(refused.value)
    assert not out.exists() and scripted.generic == [] and scripted.solved == []
    result = sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    assert [r.value for r in result.rows] == LABELS


def test_output_that_is_a_file_or_below_one_is_refused(tmp_path, scripted):
    (tmp_path / "file").write_text("keep")
    for name in ("file", "file/sub"):
        with pytest.raises(SpecError, match="-o/--output"):
            sweep(PROBLEM, VALUES, tmp_path / name, options=OPTIONS, progress=lambda _line: None)
    assert (tmp_path / "file").read_text() == "keep" and scripted.generic == []


def test_an_unreachable_scheduler_is_refused_before_any_solving(tmp_path, scripted, monkeypatch):
    pytest.importorskip("distributed")
    import algmorse.engine.runners as runners

    monkeypatch.setattr(runners, "open_runner", _REAL_OPEN_RUNNER)
    monkeypatch.setattr(sweep_module, "open_runner", _REAL_OPEN_RUNNER)
    monkeypatch.setattr(runners, "CONNECT_SECONDS", 1)
    with pytest.raises(SpecError, match="--scheduler.*tcp://127.0.0.1:1"):
        sweep(PROBLEM, VALUES, tmp_path / "out", options=OPTIONS, scheduler="tcp://127.0.0.1:1",
              progress=lambda _line: None)
    assert scripted.generic == [] and not (tmp_path / "out").exists()


def test_the_command_refuses_an_unreachable_scheduler_without_a_traceback(tmp_path):
    pytest.importorskip("distributed")
    done = _cli("sweep", str(SPEC), "--eps-scale", "1,2", "-o", "out", "--scheduler", "tcp://127.0.0.1:1",
                cwd=tmp_path)
    assert done.returncode == 2 and "--scheduler" in done.stderr and "Traceback" not in done.stderr
    assert "generic solve" not in done.stderr and not (tmp_path / "out").exists()


def test_a_deeply_nested_manifest_is_another_sweep_not_a_crash(tmp_path, scripted):
    out = tmp_path / "out"
    sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    for text in ("[" * 3000, '{"fingerprint": ' + "[" * 3000, "x" * 100):
        (out / "sweep.json").write_text(text)
        with pytest.raises(SpecError, match="holds another sweep"):
            sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    assert len(scripted.solved) == 3


def test_a_deeply_nested_value_catalog_is_solved_again(tmp_path, scripted):
    out = tmp_path / "out"
    sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    (out / "value-001.json").write_text("[" * 3000)
    result = sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    assert [value for value, _ in scripted.solved[3:]] == ["1"] and [r.value for r in result.rows] == LABELS


def test_the_number_of_data_sets_is_capped(tmp_path, monkeypatch):
    problem = load_case("net121_sq_genl2").spec.problem
    data = problem.data
    monkeypatch.setattr(sweep_module, "MAX_DATA_SETS", 3)
    with pytest.raises(SpecError, match="at most 3"):
        sweep(problem, None, tmp_path / "out", data_sets=[data] * 4, progress=lambda _line: None)
    assert not (tmp_path / "out").exists()
    assert isinstance(data, Dataset)

