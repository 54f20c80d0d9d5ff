"""Exports: each file fed to the real tool where one is installed, the others parsed back exactly."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import algmorse.polynomials as library
from algmorse import SolveOptions, analyze
from algmorse.engine.exact import _msolve_path, _singular_path
from algmorse.model.expr import parse_polynomial
from algmorse.model.system import build_system
from algmorse.results.exports import points_csv, system_text
from algmorse.results.library import load_case

CASE = "chain3_l2"  # 17 critical points, all regular (math.md; Singular vdim 17)


@pytest.fixture(scope="module")
def catalog():
    return analyze(load_case(CASE).spec.problem, options=SolveOptions(seed=1))


def _system():
    return build_system(load_case(CASE).spec.problem)


@pytest.mark.exact
def test_singular_reads_the_export_and_counts_the_catalog(tmp_path, catalog):
    script = system_text(_system(), "singular") + 'ideal s = std(grad);\nprint(vdim(s));\nprint(dim(s));\nquit;\n'
    (tmp_path / "in.sing").write_text(script)
    out = subprocess.run([_singular_path(), "-q", "--no-rc", str(tmp_path / "in.sing")], capture_output=True,
                         text=True, timeout=60)
    vdim, dim = [int(x) for x in out.stdout.split()]
    assert (vdim, dim) == (len(catalog.critical_points), 0) == (17, 0)


@pytest.mark.exact
def test_macaulay2_reads_the_export_and_counts_the_catalog(tmp_path, catalog):
    m2 = shutil.which("M2")
    if m2 is None:
        if os.environ.get("CI"):
            pytest.fail("Macaulay2 (M2) is missing on CI: scripts/setup.sh installs it")
        pytest.skip("Macaulay2 is not installed (scripts/setup.sh installs it)")
    script = system_text(_system(), "m2") + "print degree grad;\nprint dim grad;\nexit 0\n"
    (tmp_path / "in.m2").write_text(script)
    out = subprocess.run([m2, "--script", str(tmp_path / "in.m2")], capture_output=True, text=True, timeout=120)
    degree, dim = [int(x) for x in out.stdout.split()]
    assert (degree, dim) == (len(catalog.critical_points), 0) == (17, 0)


@pytest.mark.exact
def test_msolve_reads_the_export_and_counts_the_catalog(tmp_path, catalog):
    msolve = _msolve_path()
    if msolve is None:
        pytest.skip("msolve is not installed")
    (tmp_path / "in.ms").write_text(system_text(_system(), "msolve"))
    subprocess.run([msolve, "-P", "1", "-f", str(tmp_path / "in.ms"), "-o", str(tmp_path / "out.ms")], check=True,
                   capture_output=True, timeout=60)
    from algmorse.engine.exact import _interpret_msolve, _parse_msolve

    answer = _interpret_msolve(_parse_msolve((tmp_path / "out.ms").read_text()))
    assert answer.distinct == len(catalog.critical_points) == 17


@pytest.mark.phcpack
def test_phc_solves_the_export_and_reads_the_points(tmp_path, catalog):
    phc = shutil.which("phc")
    (tmp_path / "in.phc").write_text(system_text(_system(), "phc"))
    subprocess.run([phc, "-b", "-01", str(tmp_path / "in.phc"), str(tmp_path / "out.phc")], check=True,
                   capture_output=True, timeout=120)
    summary = (tmp_path / "out.phc").read_text()
    # phc -b refines the roots with zero coordinates (stable mixed volume stage) and the others apart
    stages = [int(n) for n in re.findall(r"A list of (\d+) solutions has been refined", summary)]
    assert sum(stages) == len(catalog.critical_points) == 17
    # with --points the catalog's points follow the system as a PHCpack solution list, which phc reads
    text = system_text(_system(), "phc", points=[p.coordinates for p in catalog.critical_points])
    assert "THE SOLUTIONS :\n17 3\n" in text and text.count("the solution for t :") == 17


@pytest.mark.parametrize("to", ["m2", "bertini", "hcjl", "phc", "singular", "msolve"])
def test_every_export_parses_back_to_the_exact_gradient(to):
    system = _system()
    text = system_text(system, to)
    names = [f"x{i + 1}" for i in range(system.num_variables)]
    if to == "m2":
        body = text.split("ideal(")[1].rsplit(")", 1)[0]
    elif to == "bertini":
        body = ",".join(re.findall(r"^f\d+ = (.*);$", text, re.MULTILINE))
    elif to == "hcjl":
        body = text.split("System([")[1].split("]")[0].replace("//", "/")
    elif to == "phc":
        body = ",".join(line.rstrip(";") for line in text.splitlines()[1:])
    elif to == "singular":
        body = text.split("ideal grad =")[1].rstrip().rstrip(";")
    else:
        body = "".join(text.splitlines()[2:])
    parsed = [parse_polynomial(piece.strip(), names, field="export") for piece in body.split(",")]
    expected = system.sparse_gradient()
    assert len(parsed) == len(expected)
    for got, want in zip(parsed, expected):
        if to in ("singular", "msolve"):  # integer multiples of the same polynomial
            ratio = {got[e] / want[e] for e in want}
            assert len(ratio) == 1 and set(got) == set(want)
        else:
            assert got == want


def test_csv_and_arrays_hold_the_catalog_points(catalog):
    rows = list(csv.DictReader(io.StringIO(points_csv(catalog))))
    assert len(rows) == 17 and rows[0].keys() >= {"type", "loss", "w1_1_1_re", "w1_1_1_im"}
    real_rows = list(csv.DictReader(io.StringIO(points_csv(catalog, real_only=True))))
    assert len(real_rows) == catalog.summary.real
    array = catalog.to_numpy()
    assert array.dtype == float and array.shape == (catalog.summary.real, 3)
    assert np.allclose(array, [[float(real_rows[i][v]) for v in catalog.variables] for i in range(len(real_rows))])
    assert catalog.to_numpy(real=False).shape == (17, 3)
    pandas = pytest.importorskip("pandas")
    frame = catalog.to_dataframe()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 17
    assert (frame["type"] == "minimum").sum() == catalog.summary.minima


def test_export_command_writes_and_refuses_points_from_a_spec(tmp_path, catalog):
    from algmorse import write_catalog

    path = tmp_path / "c.json"
    write_catalog(catalog, path)
    done = subprocess.run([sys.executable, "-m", "algmorse", "export", str(path), "--to", "csv", "-o",
                           str(tmp_path / "p.csv"), "--real"], capture_output=True, text=True)
    assert done.returncode == 0 and (tmp_path / "p.csv").read_text().count("\n") == catalog.summary.real + 1
    spec = str(Path(library.__file__).parent / f"{CASE}.toml")
    refused = subprocess.run([sys.executable, "-m", "algmorse", "export", spec, "--to", "phc", "--points", "-o",
                              str(tmp_path / "x.phc")], capture_output=True, text=True)
    assert refused.returncode == 2 and "points come from a catalog" in refused.stderr
    assert not (tmp_path / "x.phc").exists()
    pointless = subprocess.run([sys.executable, "-m", "algmorse", "export", str(path), "--to", "singular", "--real",
                                "-o", str(tmp_path / "x.sing")], capture_output=True, text=True)
    assert pointless.returncode == 2 and "`--real`: it selects points" in pointless.stderr
    real = subprocess.run([sys.executable, "-m", "algmorse", "export", str(path), "--to", "phc", "--points", "--real",
                           "-o", str(tmp_path / "real.phc")], capture_output=True, text=True)
    assert real.returncode == 0
    text = (tmp_path / "real.phc").read_text()
    assert f"THE SOLUTIONS :\n{catalog.summary.real} 3\n" in text and text.count("the solution for t :") == catalog.summary.real
