"""Hostile inputs found by an audit: outputs that are not regular files, endless input files,
deep nesting, too many data sets, and public functions called with arguments of the wrong type.

Each is refused with one clean error (exit status 2 on the command line) and no partial file.
Names new in that audit are reached through their modules inside the tests, so that each test
fails on its own on code without the fix.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import algmorse
import algmorse.commands.solve
from algmorse.cli import main
from algmorse.engine.backends.fake import FakeBackend
from algmorse.errors import AlgmorseError, CatalogError, SpecError
from algmorse.model import spec as spec_module
from algmorse.results import fields
from algmorse.results.catalog import dumps

FUNCTION_SPEC = '[function]\nvariables = ["x"]\nexpression = "x^4 - 2*x^2"\n'
NETWORK_SPEC = """
[network]
widths = [1, 1, 1]
activation = "t"
[data]
x = [[1]]
y = [[2]]
[regularizer]
kind = "l2"
eps = "1/10"
"""
DATA_SET = "[[data]]\nx = [[1]]\ny = [[2]]\n"
NESTED = r"nested (more than 32 levels deep|too deeply)"
MEMORY_LIMIT = 2 * 2**30  # a child reading an endless file without a cap dies here, not the machine


@pytest.fixture
def spec_file(tmp_path) -> Path:
    path = tmp_path / "f.toml"
    path.write_text(FUNCTION_SPEC)
    return path


@pytest.fixture(scope="module")
def catalog() -> algmorse.Catalog:
    problem = algmorse.parse_spec({"function": {"variables": ["x"], "expression": "x^4 - 2*x^2"}}).problem
    return algmorse.analyze(problem, options=algmorse.SolveOptions(seed=1, proof="none", decompose="never"),
                            backend=FakeBackend([[(0,), (1,), (-1,)]]), progress_bar=False)


@pytest.fixture
def dev_null():
    """``/dev/null``; if a regression replaced it by a regular file (as root), the device is restored."""
    yield "/dev/null"
    if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        os.unlink("/dev/null")
        os.mknod("/dev/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.chmod("/dev/null", 0o666)
        pytest.fail("/dev/null was replaced by a regular file (restored)")


def _clean_error(capsys, *words: str) -> None:
    err = capsys.readouterr().err
    assert err.startswith("algmorse: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err


# 1. An output path that exists and is not a regular file is refused, never replaced.

@pytest.mark.parametrize("command", ["solve", "export"])
@pytest.mark.parametrize("kind", ["fifo", "dev_null"])
def test_output_that_is_not_a_regular_file_is_refused_before_any_work(command, kind, spec_file, tmp_path,
                                                                      monkeypatch, capsys, request):
    if kind == "fifo":
        target = str(tmp_path / "pipe")
        os.mkfifo(target)
        is_kind = stat.S_ISFIFO
    else:
        target = request.getfixturevalue("dev_null")
        is_kind = stat.S_ISCHR

    def never(*_args, **_kwargs):
        raise AssertionError("the solve started")

    monkeypatch.setattr(algmorse.commands.solve, "analyze", never)
    extra = ["--to", "msolve"] if command == "export" else []
    assert main([command, str(spec_file), "-o", target, *extra]) == 2
    _clean_error(capsys, "-o/--output", target, "not a regular file")
    assert is_kind(os.stat(target).st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


@pytest.mark.parametrize("kind", ["fifo", "dev_null"])
def test_write_catalog_refuses_a_path_that_is_not_a_regular_file(kind, catalog, tmp_path, request):
    if kind == "fifo":
        target = str(tmp_path / "pipe")
        os.mkfifo(target)
    else:
        target = request.getfixturevalue("dev_null")
    before = os.stat(target).st_mode
    with pytest.raises(CatalogError, match=f"cannot write {target}: exists and is not a regular file"):
        algmorse.write_catalog(catalog, target)
    assert stat.S_IFMT(os.stat(target).st_mode) == stat.S_IFMT(before)
    assert list(tmp_path.iterdir()) == ([Path(target)] if kind == "fifo" else [])


def test_a_symbolic_link_to_a_regular_file_is_a_fine_output(catalog, tmp_path):
    from algmorse.results.fileio import check_writable

    (tmp_path / "old.json").write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "old.json")
    assert check_writable(link) is None
    algmorse.write_catalog(catalog, link)
    assert dumps(algmorse.load_catalog(link)) == dumps(catalog)


# 2. Input files are read up to a cap, so endless input (/dev/zero, an open pipe) ends at once.

def _limited_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "algmorse", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, preexec_fn=_limited_memory)


@pytest.mark.parametrize("args", [["show", "/dev/zero"], ["solve", "/dev/zero", "-o", "out.json"]])
def test_dev_zero_as_input_is_refused_quickly(args, tmp_path):
    started = time.monotonic()
    result = _cli(*args, cwd=tmp_path)
    assert time.monotonic() - started < 30
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("algmorse: error: ") and "/dev/zero" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def _network() -> algmorse.Network:
    return algmorse.parse_spec({"network": {"widths": [1, 1, 1], "activation": "t"},
                                "data": {"x": [[1]], "y": [[2]]}}).problem.network


LOADERS = {
    "catalog": (fields, "MAX_DOCUMENT_BYTES", algmorse.load_catalog),
    "relu analysis": (fields, "MAX_DOCUMENT_BYTES", lambda p: algmorse.relu.result.load_relu_analysis(p)),
    "schema": (fields, "MAX_DOCUMENT_BYTES", lambda p: algmorse.relu.result.file_schema(p)),
    "spec": (spec_module, "MAX_SPEC_BYTES", algmorse.load_spec),
    "data sets": (spec_module, "MAX_SPEC_BYTES", lambda p: spec_module.load_data_sets(p, _network())),
}


@pytest.mark.parametrize("name", LOADERS)
def test_reading_stops_at_the_cap_on_a_pipe_that_stays_open(name, tmp_path, monkeypatch):
    module, cap, load = LOADERS[name]
    monkeypatch.setattr(module, cap, 1000)
    pipe = tmp_path / "endless"
    os.mkfifo(pipe)
    outcome: dict[str, object] = {}

    def read() -> None:
        try:
            outcome["value"] = load(pipe)
        except AlgmorseError as error:
            outcome["error"] = str(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    with open(pipe, "wb") as writer:  # opens once the reader has opened its end
        try:
            writer.write(b" " * 5000)
            writer.flush()
        except BrokenPipeError:
            pass
        reader.join(timeout=20)
        still_reading = reader.is_alive()
    reader.join(timeout=20)  # closing our end lets a reader that waits for the end finish
    assert not still_reading, "the reader waited for the end of an endless input"
    if name == "schema":
        assert outcome == {"value": None}
    else:
        assert "more than 1000 bytes" in outcome["error"] and str(pipe) in outcome["error"]


def test_a_spec_file_at_the_cap_is_read_and_one_byte_more_is_not(spec_file, monkeypatch):
    size = spec_file.stat().st_size
    monkeypatch.setattr(spec_module, "MAX_SPEC_BYTES", size)
    assert algmorse.load_spec(spec_file).problem.variables == ("x",)
    monkeypatch.setattr(spec_module, "MAX_SPEC_BYTES", size - 1)
    with pytest.raises(SpecError, match=f"more than {size - 1} bytes") as caught:
        algmorse.load_spec(spec_file)
    assert caught.value.field == str(spec_file)


def test_the_input_caps_are_documented_constants():
    from algmorse.sweep import MAX_VALUES

    assert spec_module.MAX_SPEC_BYTES == 16 * 2**20 and "MAX_SPEC_BYTES" in spec_module.__all__
    assert spec_module.MAX_DATA_SETS == MAX_VALUES == 10_000 and "MAX_DATA_SETS" in spec_module.__all__


# 3. Deep nesting is a SpecError naming the file or field, never a RecursionError.

def _deep(depth: int, leaf: object = 1) -> object:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


@pytest.mark.parametrize("depth", [40, 300, 3000])
def test_deeply_nested_spec_files_are_spec_errors(depth, tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(FUNCTION_SPEC.replace('["x"]', "[" * depth + '"x"' + "]" * depth))
    with pytest.raises(SpecError, match=NESTED) as caught:
        algmorse.load_spec(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("depth", [40, 300, 3000])
def test_deeply_nested_data_set_files_are_spec_errors(depth, tmp_path):
    path = tmp_path / "sets.toml"
    path.write_text(DATA_SET + DATA_SET.replace("[[1]]", "[" * depth + "1" + "]" * depth, 1))
    with pytest.raises(SpecError, match=NESTED) as caught:
        spec_module.load_data_sets(path, _network())
    assert str(path) in str(caught.value)


def test_deeply_nested_spec_file_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 3000 + "]" * 3000 + "\n")
    assert main(["solve", str(path), "-o", str(tmp_path / "out.json")]) == 2
    _clean_error(capsys, str(path), "nested too deeply")
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("build, field", [
    (lambda d: algmorse.parse_spec({"network": {"widths": [1, 1, 1], "activation": "t"}, "data": {"x": d, "y": [[2]]}}),
     "data.x"),
    (lambda d: algmorse.parse_spec({"function": {"variables": d, "expression": "x"}}), "function.variables"),
    (lambda d: algmorse.FunctionProblem(d, "x^2"), "function.variables"),
    (lambda d: algmorse.FunctionProblem(["x"], d), "function.expression"),
    (lambda d: algmorse.SystemProblem(["x"], d), "system.equations"),
    (lambda d: algmorse.solve_system(["x^2 - 1"], [d]), "system.variables"),
])
@pytest.mark.parametrize("depth", [40, 5000])
def test_deeply_nested_python_values_are_spec_errors(build, field, depth):
    with pytest.raises(SpecError, match="nested more than") as caught:
        build(_deep(depth))
    assert caught.value.field == field


def test_a_list_that_contains_itself_is_a_spec_error():
    loop: list = []
    loop.append(loop)
    with pytest.raises(SpecError, match="nested more than"):
        algmorse.parse_spec({"network": {"widths": [1, 1, 1], "activation": "t"}, "data": {"x": loop, "y": [[2]]}})


# 4. A data-set file holds at most MAX_DATA_SETS data sets.

def test_data_set_files_hold_at_most_max_data_sets(tmp_path):
    path = tmp_path / "sets.toml"
    path.write_text(DATA_SET * (spec_module.MAX_DATA_SETS + 1))
    with pytest.raises(SpecError, match=f"{spec_module.MAX_DATA_SETS + 1} data sets; at most "
                                        f"{spec_module.MAX_DATA_SETS}") as caught:
        spec_module.load_data_sets(path, _network())
    assert str(path) in caught.value.field


def test_data_set_files_up_to_the_cap_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr(spec_module, "MAX_DATA_SETS", 3)
    path = tmp_path / "sets.toml"
    path.write_text(DATA_SET * 3)
    assert len(spec_module.load_data_sets(path, _network())) == 3
    path.write_text(DATA_SET * 4)
    with pytest.raises(SpecError, match="4 data sets; at most 3"):
        spec_module.load_data_sets(path, _network())


# 5. Public functions name the argument of the wrong type.

def _problem() -> algmorse.FunctionProblem:
    return algmorse.parse_spec({"function": {"variables": ["x"], "expression": "x^4 - 2*x^2"}}).problem


def _relu() -> algmorse.NetworkProblem:
    return algmorse.parse_spec({"network": {"widths": [1, 1, 1], "activation": "relu"},
                                "data": {"x": [[1]], "y": [[2]]}}).problem


WRONG_ARGUMENTS = {
    "solve_system equations None": (lambda: algmorse.solve_system(None, ["x"]), "system.equations"),
    "solve_system variables None": (lambda: algmorse.solve_system(["x - 1"], None), "system.variables"),
    "solve_system equations int": (lambda: algmorse.solve_system(3, ["x"]), "system.equations"),
    "solve_system options dict": (lambda: algmorse.solve_system(["x - 1"], ["x"], options={"seed": 1}), "options"),
    "solve_system tolerances": (lambda: algmorse.solve_system(["x - 1"], ["x"], tolerances=1e-8), "tolerances"),
    "analyze None": (lambda: algmorse.analyze(None), "problem"),
    "analyze spec dict": (lambda: algmorse.analyze({"function": {}}), "problem"),
    "analyze options dict": (lambda: algmorse.analyze(_problem(), options={"seed": 1}), "options"),
    "analyze options None": (lambda: algmorse.analyze(_problem(), options=None), "options"),
    "analyze tolerances dict": (lambda: algmorse.analyze(_problem(), tolerances={"real_atol": 1}), "tolerances"),
    "analyze_relu None": (lambda: algmorse.analyze_relu(None), "problem"),
    "analyze_relu options dict": (lambda: algmorse.analyze_relu(_relu(), options={"seed": 1}), "options"),
    "build_system None": (lambda: algmorse.build_system(None), "problem"),
    "discriminant None": (lambda: algmorse.discriminant("x^2"), "problem"),
    "rotation_algebra None": (lambda: algmorse.rotation_algebra(None), "problem"),
    "write_catalog None": (lambda: algmorse.write_catalog(None, "never-written.json"), "catalog"),
    "load_data_sets network None": (lambda: spec_module.load_data_sets("sets.toml", None), "network"),
}


@pytest.mark.parametrize("name", WRONG_ARGUMENTS)
def test_arguments_of_the_wrong_type_are_spec_errors_naming_them(name):
    call, field = WRONG_ARGUMENTS[name]
    with pytest.raises(SpecError) as caught:
        call()
    assert caught.value.field == field
    assert caught.value.hint and "expected" in caught.value.message
