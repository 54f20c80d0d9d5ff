"""The command line: solve/show, bad input (exit 2, one message, no traceback, no file), and a
crashing or hanging backend that the caller survives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import algmorse.commands.solve
import algmorse.pipeline
from algmorse.cli import main
from algmorse.engine.backends.phcpack import PhcpackBackend

DOUBLE = Path(__file__).parent / "doubles" / "worker_double.py"

CHAIN2 = """
[network]
widths = [1, 1, 1]
activation = "t"
bias = false
[data]
x = [[1]]
y = [[2]]
[loss]
scale = "1/2"
[regularizer]
kind = "l2"
eps = "1/10"
[solve]
seed = 1
"""

NET121 = """
[network]
widths = [1, 2, 1]
activation = "{activation}"
bias = false
[data]
x = {x}
y = [[2], [1], [3]]
[regularizer]
kind = "generalized-l2"
eps = {eps}
"""

BAD_INPUTS = {
    "malformed-toml": ("[network\nwidths = [1, 2, 1]", "line 1"),
    "non-polynomial-activation": (NET121.format(activation="tanh(t)", x="[[1], [2], [3]]", eps='["1/10", "1/5", "3/10", "2/5"]'), "network.activation"),
    "wrong-shape": (NET121.format(activation="t^2", x="[[1], [2, 5], [3]]", eps='["1/10", "1/5", "3/10", "2/5"]'), "data.x[1]"),
    "wrong-eps-count": (NET121.format(activation="t^2", x="[[1], [2], [3]]", eps='["1/10", "1/5", "3/10"]'), "regularizer.eps"),
    "forbidden-expression": ('[function]\nvariables = ["x"]\nexpression = "__import__(\'os\').system(\'echo hacked\')"\n', "function.expression"),
    "unknown-key": (CHAIN2.replace("bias = false", "bias = false\nbiass = true"), "biass"),
}


def _run(tmp_path: Path, text: str, *extra: str) -> tuple[int, Path]:
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    out = tmp_path / "out.json"
    return main(["solve", str(spec), "-o", str(out), *extra]), out


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_clear_message_and_exit_2(name, tmp_path, capsys):
    text, field = BAD_INPUTS[name]
    code, out = _run(tmp_path, text)
    captured = capsys.readouterr()
    assert code == 2
    assert field in captured.err and captured.err.startswith("algmorse: error:")
    assert "Traceback" not in captured.err and captured.out == ""
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["spec.toml"]


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text(BAD_INPUTS["wrong-eps-count"][0])
    result = subprocess.run([sys.executable, "-m", "algmorse", "solve", str(spec), "-o", str(tmp_path / "c.json")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "regularizer.eps" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "c.json").exists()


def test_missing_spec_file(tmp_path, capsys):
    assert main(["solve", str(tmp_path / "nope.toml"), "-o", str(tmp_path / "c.json")]) == 2
    assert "nope.toml" in capsys.readouterr().err


def _use_double(monkeypatch, mode: str) -> None:
    backend = PhcpackBackend(worker_command=[sys.executable, str(DOUBLE), mode])
    monkeypatch.setattr(algmorse.pipeline, "get_backend", lambda name: backend)


def test_crashing_backend_is_survived_with_a_clear_error(tmp_path, capsys, monkeypatch):
    _use_double(monkeypatch, "segfault")
    code, out = _run(tmp_path, CHAIN2, "--max-runs", "2", "--quiet")
    err = capsys.readouterr().err
    assert code == 2 and "SIGSEGV" in err and "Traceback" not in err
    assert not out.exists()


def test_hanging_backend_times_out_with_a_clear_error(tmp_path, capsys, monkeypatch):
    _use_double(monkeypatch, "sleep")
    code, out = _run(tmp_path, CHAIN2, "--max-runs", "1", "--timeout", "1", "--quiet")
    err = capsys.readouterr().err
    assert code == 2 and "exceeded the time limit of 1.0 s" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.phcpack
def test_solve_then_show(tmp_path, capsys):
    code, out = _run(tmp_path, CHAIN2)
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.startswith("Catalog: 5 isolated critical points (3 real, 2 complex)")
    assert "run 1:" in captured.err  # progress
    data = json.loads(out.read_text())
    assert data["summary"]["minima"] == 2 and data["provenance"]["seed"] == 1
    assert main(["show", str(out)]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line[:4].strip().isdigit()]
    assert sorted(row[1] for row in rows) == ["complex", "complex", "minimum", "minimum", "saddle"]


def test_show_rejects_a_non_catalog(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text('{"schema": "something/else"}')
    assert main(["show", str(path)]) == 2
    assert "unsupported catalog schema" in capsys.readouterr().err


@pytest.mark.parametrize("output, message", [
    ("", "the path is empty"),
    (".", "is a folder"),
    ("missing/c.json", "does not exist"),
    ("spec.toml", "is the input file"),
])
def test_bad_output_is_refused_before_solving(tmp_path, monkeypatch, capsys, output, message):
    """Checked before the solve, so no finished work is lost and the spec is never overwritten."""
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "spec.toml"
    spec.write_text(CHAIN2)
    solved = []
    monkeypatch.setattr(algmorse.commands.solve, "analyze", lambda *a, **k: solved.append(1))
    assert main(["solve", "spec.toml", "-o", output]) == 2
    err = capsys.readouterr().err
    assert "`-o/--output`" in err and message in err and "Traceback" not in err
    assert not solved and spec.read_text() == CHAIN2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.toml"]


@pytest.mark.parametrize("flags", [["--timeout", "inf"], ["--timeout", "nan"], ["--max-runs", "1000000000000"],
                                   ["--jobs", "0"], ["--jobs", "1000"], ["--proof-timeout", "-1"]])
def test_option_values_are_range_checked(tmp_path, capsys, flags):
    spec = tmp_path / "spec.toml"
    spec.write_text(CHAIN2)
    with pytest.raises(SystemExit) as exit_info:  # argparse's own error, or ours from SolveOptions
        raise SystemExit(main(["solve", str(spec), "-o", str(tmp_path / "c.json"), *flags]))
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err and not (tmp_path / "c.json").exists()


@pytest.mark.parametrize("value", ["inf", "nan", "0", "1e400"])
def test_discriminant_timeout_is_range_checked(tmp_path, capsys, value):
    spec = tmp_path / "spec.toml"
    spec.write_text(CHAIN2)
    with pytest.raises(SystemExit) as exit_info:
        main(["discriminant", str(spec), "--timeout", value])
    assert exit_info.value.code == 2 and "Traceback" not in capsys.readouterr().err


def test_python_options_get_the_same_checks():
    from algmorse import SolveOptions
    from algmorse.errors import SpecError

    for kwargs, field in [({"jobs": 0}, "solve.jobs"), ({"timeout": float("inf")}, "solve.timeout"),
                          ({"max_runs": 10**12}, "solve.max_runs"), ({"proof": "always"}, "solve.proof"),
                          ({"stable_runs": True}, "solve.stable_runs")]:
        with pytest.raises(SpecError) as error:
            SolveOptions(**kwargs)
        assert error.value.field == field
