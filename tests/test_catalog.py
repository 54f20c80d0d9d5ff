"""Catalog round trip, canonical JSON, atomic writes and load errors."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import pytest

from algmorse import SolveOptions, analyze
from algmorse.engine.backends.fake import FakeBackend
from algmorse.errors import CatalogError
from algmorse.model.network import FunctionProblem
from algmorse.results.catalog import Catalog, Summary, dumps, load_catalog, write_catalog
from algmorse.results.library import load_case

R, C = math.sqrt(9 / 5), math.sqrt(11 / 5)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    problem = load_case("chain2_l2").spec.problem
    points = [(0, 0), (R, R), (-R, -R), (1j * C, -1j * C), (-1j * C, 1j * C)]
    return analyze(problem, options=SolveOptions(seed=2), backend=FakeBackend([points]))


def test_round_trip_through_dict_and_file(catalog, tmp_path):
    assert Catalog.from_dict(catalog.to_dict()) == catalog
    path = write_catalog(catalog, tmp_path / "c.json")
    assert load_catalog(path) == catalog
    assert json.loads(path.read_text())["schema"] == "algmorse.catalog/2"


def test_round_trip_of_function_problem_with_random_generalized_l2(tmp_path):
    spec_problem = FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^4")
    from dataclasses import replace

    from algmorse.model.network import Regularizer
    problem = replace(spec_problem, regularizer=Regularizer("generalized-l2"))
    catalog = analyze(problem, options=SolveOptions(seed=4, max_runs=2), backend=FakeBackend([[(1.0, 0.0)]]))
    assert catalog.problem.regularizer.eps is not None  # drawn from the seed and recorded
    assert load_catalog(write_catalog(catalog, tmp_path / "g.json")) == catalog


def test_required_keys_and_canonical_order(catalog):
    data = catalog.to_dict()
    assert {"schema", "problem", "variables", "critical_points", "components", "summary", "verdict", "provenance"} <= set(data)
    assert data["variables"] == ["w1_1_1", "w2_1_1"]
    point = data["critical_points"][0]
    assert {"coordinates", "is_real", "loss", "hessian_eigenvalues", "hessian_rank", "nondegenerate",
            "morse_index", "multiplicity"} <= set(point)
    assert {"isolated", "real", "degenerate", "minima", "saddles", "maxima"} <= set(data["summary"])
    assert {"morse", "complex_morse", "completeness", "reasons"} <= set(data["verdict"])
    assert {"seed", "root_counts", "paths_tracked", "seconds", "backend_version", "algmorse_version"} <= set(data["provenance"])
    # real points first, by loss: the two minima (19/50) then the saddle (2), then complex ones
    kinds = [p["type"] for p in data["critical_points"]]
    assert kinds == ["minimum", "minimum", "saddle", "complex", "complex"]


def test_same_points_in_another_order_give_the_same_bytes():
    problem = load_case("chain2_l2").spec.problem
    points = [(0, 0), (R, R), (-R, -R), (1j * C, -1j * C), (-1j * C, 1j * C)]
    a = analyze(problem, options=SolveOptions(seed=2), backend=FakeBackend([points]))
    b = analyze(problem, options=SolveOptions(seed=2), backend=FakeBackend([points[::-1]]))
    strip = lambda c: {k: v for k, v in json.loads(dumps(c)).items() if k != "provenance"}
    assert strip(a) == strip(b)


def test_failed_write_leaves_nothing_behind(catalog, tmp_path, monkeypatch):
    target = tmp_path / "c.json"

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(CatalogError, match="cannot write .*disk full"):  # a clean message, not an OSError
        write_catalog(catalog, target)
    assert list(tmp_path.iterdir()) == []


def test_writing_onto_a_folder_is_a_clear_error(catalog, tmp_path):
    with pytest.raises(CatalogError, match="cannot write"):
        write_catalog(catalog, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_write_into_missing_directory_is_a_clear_error(catalog, tmp_path):
    with pytest.raises(CatalogError, match="cannot write"):
        write_catalog(catalog, tmp_path / "no" / "such" / "c.json")


@pytest.mark.parametrize("content,message", [
    ("not json", "not JSON"),
    ('{"schema": "algmorse.catalog/9"}', "unsupported catalog schema"),
    ('{"schema": "algmorse.catalog/1"}', "field `problem`: missing"),
    ("[1, 2]", "JSON object"),
])
def test_bad_catalog_files(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)


def test_missing_file(tmp_path):
    with pytest.raises(CatalogError, match="nope.json: no such file"):
        load_catalog(tmp_path / "nope.json")


def test_printing_summarises(catalog):
    text = str(catalog)
    assert text.startswith("Catalog: 5 isolated critical points (3 real, 2 complex)")
    assert "minima 2, saddles 1, maxima 0" in text
    assert repr(catalog).startswith("<Catalog: 5 isolated")
    assert "<table>" in catalog._repr_html_()


def test_round_trip_keeps_certificates_bases_and_null_multiplicities(catalog, tmp_path):
    from dataclasses import replace

    assert catalog.summary.certified == 5 and all(p.certificate is not None for p in catalog.critical_points)
    assert catalog.verdict.morse_basis is not None
    reloaded = load_catalog(write_catalog(catalog, tmp_path / "c.json"))
    assert [p.certificate for p in reloaded.critical_points] == [p.certificate for p in catalog.critical_points]
    assert (reloaded.verdict.morse_basis, reloaded.provenance.modular) == (catalog.verdict.morse_basis,
                                                                         catalog.provenance.modular)
    data = json.loads((tmp_path / "c.json").read_text())
    assert set(data["critical_points"][0]["certificate"]) == {"method", "radius", "real", "morse_index", "loss",
                                                              "precision", "center"}
    # a point whose dual space did not close: multiplicity and isolation unknown, no certificate
    open_point = replace(catalog.critical_points[0], multiplicity=None, isolated=None, nondegenerate=None,
                         morse_index=None, certificate=None)
    points = (open_point,) + catalog.critical_points[1:]
    odd = replace(catalog, critical_points=points, summary=Summary.of(points, catalog.components))
    again = Catalog.from_dict(json.loads(dumps(odd)))
    assert again == odd and again.critical_points[0].multiplicity is None and not again.critical_points[0].certified


@pytest.mark.phcpack
def test_round_trip_of_components_core_locus_and_exact_record(tmp_path):
    """chain3_mult: components and core-locus strata; with the exact record of --verify exact."""
    solved = analyze(load_case("chain3_mult").spec.problem, options=SolveOptions(seed=1, verify="exact"))
    assert solved.components and solved.core_locus and solved.provenance.exact is not None
    assert any(s.components for s in solved.core_locus)
    assert load_catalog(write_catalog(solved, tmp_path / "m.json")) == solved


# -- hostile catalogs (issue 9): each is a CatalogError naming the field, never another exception --

def _mutated(catalog, tmp_path, change) -> Path:
    data = json.loads(dumps(catalog))
    change(data)
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    return path


def _set(path, value):
    def change(data):
        *keys, last = path
        target = data
        for key in keys:
            target = target[key]
        target[last] = value
    return change


@pytest.mark.parametrize("change, field", [
    (_set(["summary", "isolated"], "lots"), "summary.isolated"),
    (_set(["summary", "isolated"], 4), "summary.isolated"),
    (_set(["provenance", "root_counts"], [1, 2]), "provenance.root_counts"),
    (_set(["critical_points", 0, "coordinates"], [[0.0, 0.0]]), "critical_points[0].coordinates"),
    (_set(["critical_points", 1, "coordinates", 0], [True, 0.0]), "critical_points[1].coordinates[0][0]"),
    (_set(["critical_points", 0, "hessian_eigenvalues", 1], ["x", 0.0]),
     "critical_points[0].hessian_eigenvalues[1][0]"),
    (_set(["critical_points", 2, "morse_index"], "1"), "critical_points[2].morse_index"),
    (_set(["critical_points", 2, "morse_index"], 7), "critical_points[2].morse_index"),
    (_set(["critical_points", 0, "certificate", "radius"], -1.0), "critical_points[0].certificate.radius"),
    (_set(["verdict", "completeness"], "proven"), "verdict.completeness"),
    (_set(["verdict", "reasons", 0, "points"], [99]), "verdict.reasons[0].points[0]"),
    (_set(["provenance", "seconds", "solve"], "fast"), "provenance.seconds.solve"),
    (_set(["variables"], ["a", "b"]), "variables"),
])
def test_malformed_fields_are_named(catalog, tmp_path, change, field):
    path = _mutated(catalog, tmp_path, change)
    with pytest.raises(CatalogError, match=re.escape(f"field `{field}`")):
        load_catalog(path)


@pytest.mark.parametrize("raw, message", [
    ("ünïcode".encode("latin-1"), "not UTF-8"),
    ('{"schema": "algmorse.catalog/1"}'.encode("utf-16"), "not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
    (b'{"schema": "algmorse.catalog/1", "x": ' + b"7" * 5000 + b"}", "5000 digits"),
    (b'{"schema": "algmorse.catalog/1", "x": NaN}', "NaN is not a number"),
    (b'{"schema": "algmorse.catalog/1", "x": -Infinity}', "Infinity is not a number"),
])
def test_hostile_files_are_catalog_errors(tmp_path, raw, message):
    path = tmp_path / "hostile.json"
    path.write_bytes(raw)
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)


def test_show_and_plot_exit_2_on_a_hostile_catalog(catalog, tmp_path, capsys):
    from algmorse.cli import main

    path = _mutated(catalog, tmp_path, _set(["critical_points", 0, "coordinates"], [[0.0, 0.0]]))
    for command in (["show", str(path)], ["plot", str(path), "--out", str(tmp_path / "fig")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "critical_points[0].coordinates" in err and "Traceback" not in err
    assert not (tmp_path / "fig").exists() or not any((tmp_path / "fig").iterdir())


@pytest.mark.phcpack
def test_witness_sets_survive_a_reload_and_answer_membership(tmp_path):
    from algmorse import SolveOptions, analyze, load_catalog, write_catalog
    from algmorse.engine.backends import get_backend
    from algmorse.results.library import load_case

    catalog = analyze(load_case("net121_lin_l2_circle").spec.problem, options=SolveOptions(seed=1, proof="none"))
    path = tmp_path / "circle.json"
    write_catalog(catalog, path)
    again = load_catalog(path)
    assert again == catalog
    minima = next(c for c in again.components if c.kind == "minima")
    assert minima.witness is not None and minima.witness.degree == minima.degree == 2
    (saddle,) = again.critical_points  # the origin, isolated
    members = get_backend("phcpack").membership(minima.witness, [minima.real_points[0], saddle.coordinates],
                                                seed=1, timeout=60)
    assert members == (True, False)


def test_a_write_killed_outright_leaves_no_file(tmp_path):
    # SIGKILL in the middle of write_atomically: the content was going into an unnamed file
    # (O_TMPFILE), which the kernel frees; no name exists until the instant before the rename
    import signal
    import subprocess
    import sys
    import time

    from algmorse.results.fileio import _unnamed_file

    probe = _unnamed_file(tmp_path, 0o600)
    if probe is None:
        pytest.skip("no O_TMPFILE here: a named temporary file is used, which SIGKILL can leave")
    os.close(probe)
    script = ("import sys, time\nfrom algmorse.results.fileio import write_atomically\n"
              "def slow(handle):\n    handle.write(b'x' * 1000); handle.flush(); print('writing', flush=True); "
              "time.sleep(60)\n"
              f"write_atomically({str(tmp_path / 'out.json')!r}, slow)\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "writing"
        time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        process.kill()
    assert list(tmp_path.iterdir()) == []
