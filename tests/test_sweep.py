"""Sweeps of the eps scale: values, counts against independent solves, resume, Dask."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import algmorse.polynomials
from algmorse import SolveOptions, analyze, load_catalog
from algmorse.engine.exact import rational_count
from algmorse.errors import SpecError
from algmorse.model.network import Dataset, FunctionProblem, Network, NetworkProblem, Regularizer
from algmorse.model.system import build_system
from algmorse.results.library import load_case
from algmorse.sweep import parse_values, scaled_problem, sweep

CASE = "net121_sq_genl2"  # [1,2,1], t^2, generalized L2: 4 weights, a second per value
VALUES = (Fraction(1, 2), Fraction(1), Fraction(3))


def test_values_ranges_lists_and_errors():
    assert parse_values("1:2:3") == (1, Fraction(3, 2), 2)
    assert parse_values("1/3,0.25") == (Fraction(1, 3), Fraction(1, 4))
    for bad in ("0:1:3", "1:2:1", "a,b", "1,1", "-1", "1:2"):
        with pytest.raises(SpecError, match="eps-scale"):
            parse_values(bad)


def test_scaling_multiplies_every_strength_and_needs_a_regularizer():
    problem = load_case(CASE).spec.problem
    scaled = scaled_problem(problem, Fraction(3))
    assert scaled.regularizer.eps == tuple(3 * e for e in problem.regularizer.eps)
    with pytest.raises(SpecError, match="no regularizer"):
        scaled_problem(FunctionProblem(("x",), "x^4 - x^2"), Fraction(2))


@pytest.mark.phcpack
@pytest.mark.exact
def test_sweep_counts_equal_independent_solves_and_exact_counts(tmp_path):
    problem = load_case(CASE).spec.problem
    result = sweep(problem, VALUES, tmp_path / "out", options=SolveOptions(seed=5))
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [row["value"] for row in summary["rows"]] == ["1/2", "1", "3"]
    assert set(summary["rows"][0]) >= {"value", "isolated", "real", "minima", "saddles", "maxima", "escaped",
                                       "collided"}
    assert (tmp_path / "out" / "counts.png").stat().st_size > 0
    for value, row in zip(VALUES, result.rows):
        target = scaled_problem(problem, value)
        system = build_system(target)
        dimension, count, _ = rational_count(system.sparse_gradient(), system.num_variables, timeout=60)
        assert dimension == 0 and row.isolated == count  # Singular over QQ at this value
        independent = analyze(target, options=SolveOptions(seed=9, method="blackbox"))
        assert (row.isolated, row.real, row.minima, row.saddles, row.maxima) == (
            independent.summary.isolated, independent.summary.real, independent.summary.minima,
            independent.summary.saddles, independent.summary.maxima)
        assert row.completeness == "exact-count" and row.escaped == row.collided == 0
    assert result.exceptional == ()


@pytest.mark.phcpack
@pytest.mark.exact
def test_a_sweep_of_a_network_without_strata_keeps_its_offset_family(tmp_path):
    # sigma = 1 + t^2: one family with a random offset; each value is reached from its generic
    # points by the parameter homotopy alone (no blackbox run), at Singular's count over QQ
    problem = NetworkProblem(Network((1, 2, 1), "1 + t^2"), Dataset(((1,), (3,), (-1,)), ((2,), (1,), (0,))),
                             regularizer=Regularizer("l2", "1/10"))
    values = (Fraction(1, 2), Fraction(2))
    result = sweep(problem, values, tmp_path / "out", options=SolveOptions(seed=3))
    assert result.generic_count == 33
    for index, (value, row) in enumerate(zip(values, result.rows)):
        system = build_system(scaled_problem(problem, value))
        dimension, count, _ = rational_count(system.sparse_gradient(), system.num_variables, timeout=60)
        assert dimension == 0 and row.isolated == count and row.completeness == "exact-count"
        assert row.escaped == row.collided == 0  # each generic point went to its own critical point
        catalog = load_catalog(tmp_path / "out" / f"value-{index:03d}.json")
        assert len(catalog.provenance.runs) == 1 and catalog.provenance.monodromy["strata"][0]["method"] == "monodromy"


@pytest.mark.phcpack
@pytest.mark.exact
def test_an_interrupted_sweep_resumes_without_redoing_finished_values(tmp_path):
    problem = load_case(CASE).spec.problem
    out = tmp_path / "out"
    lines: list[str] = []

    def stop_after_first_value(line: str) -> None:
        lines.append(line)
        if line.startswith("value "):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep(problem, VALUES, out, options=SolveOptions(seed=5), progress=stop_after_first_value)
    assert sorted(p.name for p in out.iterdir()) == ["summary.json", "sweep.json", "value-000.json"]
    first = (out / "value-000.json").read_text()
    resumed: list[str] = []
    result = sweep(problem, VALUES, out, options=SolveOptions(seed=5), progress=resumed.append)
    assert "resuming: 1 of 3 values already solved" in resumed
    assert sum(line.startswith("value ") for line in resumed) == 2  # only the two missing values
    assert (out / "value-000.json").read_text() == first  # the finished one was not redone
    assert [r.value for r in result.rows] == ["1/2", "1", "3"]
    # another sweep (other values) into the same folder is refused, nothing is touched
    with pytest.raises(SpecError, match="holds another sweep"):
        sweep(problem, (Fraction(2),), out, options=SolveOptions(seed=5))


@pytest.mark.phcpack
@pytest.mark.exact
def test_a_dask_local_cluster_gives_the_local_result(tmp_path):
    pytest.importorskip("dask.distributed")
    problem = load_case(CASE).spec.problem
    local = sweep(problem, VALUES[:2], tmp_path / "local", options=SolveOptions(seed=5))
    cluster = sweep(problem, VALUES[:2], tmp_path / "dask", options=SolveOptions(seed=5, jobs=2), scheduler="local")

    def counts(result):
        return [(r.value, r.isolated, r.real, r.minima, r.saddles, r.maxima, r.escaped, r.collided) for r in result.rows]

    assert counts(cluster) == counts(local)


def test_sweep_command_refuses_a_file_as_output(tmp_path):
    spec = Path(algmorse.polynomials.__file__).parent / f"{CASE}.toml"
    target = tmp_path / "file"
    target.write_text("x")
    completed = subprocess.run([sys.executable, "-m", "algmorse", "sweep", str(spec), "--eps-scale", "1,2",
                                "-o", str(target)], capture_output=True, text=True)
    assert completed.returncode == 2 and "-o/--output" in completed.stderr and "Traceback" not in completed.stderr


DATA_SETS = """
[[data]]
x = [[1]]
y = [[2]]

[[data]]
x = [[1], [2]]
y = [[2], ["-1/3"]]
"""


@pytest.mark.phcpack
@pytest.mark.exact
def test_a_sweep_over_data_sets_matches_each_data_set_solved_alone(tmp_path):
    from algmorse.model.spec import load_data_sets

    problem = load_case(CASE).spec.problem
    path = tmp_path / "sets.toml"
    path.write_text(DATA_SETS)
    data_sets = load_data_sets(path, problem.network)
    result = sweep(problem, None, tmp_path / "out", data_sets=data_sets, options=SolveOptions(seed=2))
    assert [r.value for r in result.rows] == ["1", "2"] and result.parameter == "data set"
    for data, row in zip(data_sets, result.rows):
        target = problem.__class__(problem.network, data, problem.scale, problem.regularizer)
        system = build_system(target)
        dimension, count, _ = rational_count(system.sparse_gradient(), system.num_variables, timeout=60)
        assert dimension == 0 and row.isolated == count
        alone = analyze(target, options=SolveOptions(seed=9, method="blackbox"))
        assert (row.real, row.minima, row.saddles) == (alone.summary.real, alone.summary.minima, alone.summary.saddles)


def test_data_set_files_are_checked_field_by_field(tmp_path):
    from algmorse.model.spec import load_data_sets

    network = load_case(CASE).spec.problem.network
    path = tmp_path / "sets.toml"
    path.write_text(DATA_SETS.replace('["-1/3"]', '["-1/3", 4]'))
    with pytest.raises(SpecError, match=r"data\[1\]\.y"):
        load_data_sets(path, network)
    path.write_text("data = 3\n")
    with pytest.raises(SpecError, match=r"\[\[data\]\] tables"):
        load_data_sets(path, network)
    with pytest.raises(SpecError, match="exactly one of eps-scale values, varied parameters or data sets"):
        sweep(load_case(CASE).spec.problem, None, tmp_path / "out")
