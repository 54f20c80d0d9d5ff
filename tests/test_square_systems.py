"""Square systems that are not gradients: classic counts, exact round trips, no Morse claims."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
import sympy

from algmorse import (
    SolveOptions,
    SystemProblem,
    load_catalog,
    parse_spec,
    solve_system,
    write_catalog,
)
from algmorse.engine.backends.fake import FakeBackend
from algmorse.engine.exact import rational_count
from algmorse.errors import CatalogError, SpecError
from algmorse.results.catalog import format_table
from algmorse.results.exports import points_csv
from algmorse.model.system import build_system


def _katsura(n: int):
    """katsura-n in variables u0..un: 2^n solutions (Bezout number, all regular)."""
    u = sympy.symbols(f"u0:{n + 1}")
    def U(i):
        return u[abs(i)] if abs(i) <= n else 0
    equations = [sum(U(j) * U(i - j) for j in range(-n, n + 1)) - u[i] for i in range(n)]
    equations.append(u[0] + 2 * sum(u[1:]) - 1)
    return equations, u


def _cyclic(n: int):
    """cyclic-n: sums of cyclic products and prod - 1; cyclic-5 has 70 solutions."""
    z = sympy.symbols(f"z0:{n}")
    equations = [sum(sympy.prod(z[(i + j) % n] for j in range(k)) for i in range(n)) for k in range(1, n)]
    equations.append(sympy.prod(z) - 1)
    return equations, z


@pytest.mark.phcpack
@pytest.mark.exact
@pytest.mark.parametrize("name, build, count", [("katsura-3", lambda: _katsura(3), 8),
                                                ("cyclic-5", lambda: _cyclic(5), 70)])
def test_classic_systems_have_their_known_counts(name, build, count):
    equations, variables = build()
    catalog = solve_system(equations, variables, options=SolveOptions(seed=1))
    assert len(catalog.critical_points) == count, name
    system = build_system(catalog.problem)
    dimension, exact, _ = rational_count(system.sparse_gradient(), system.num_variables, timeout=60)
    assert (dimension, exact) == (0, count)  # Singular over QQ agrees
    assert catalog.verdict.completeness == "exact-count"
    assert catalog.verdict.morse is None and catalog.verdict.complex_morse is None
    assert any(r.code == "not-a-gradient" for r in catalog.verdict.reasons)
    assert all(p.morse_index is None and p.hessian_eigenvalues == () for p in catalog.critical_points)
    assert {p.kind for p in catalog.critical_points} <= {"regular", "complex"}


@pytest.mark.phcpack
@pytest.mark.exact
def test_a_hand_solved_system_round_trips_through_its_catalog(tmp_path):
    catalog = solve_system(["x^2 - 2", "y - x"], ["x", "y"], options=SolveOptions(seed=1))
    assert sorted(p.coordinates for p in catalog.critical_points) == pytest.approx([(-2 ** 0.5,) * 2, (2 ** 0.5,) * 2])
    assert all(p.certified and p.kind == "regular" for p in catalog.critical_points)
    # no loss anywhere: not on the points, their certificates, the table, the CSV or the repr
    assert all(p.loss is None and p.certificate.loss is None for p in catalog.critical_points)
    assert "loss" not in repr(catalog.critical_points[0])
    spoken = [r.message for r in catalog.verdict.reasons if r.code != "not-a-gradient"]
    assert spoken and not any("critical" in m or "Hessian" in m for m in spoken)
    assert any("complex solutions over QQ" in m for m in spoken)
    table = format_table(catalog).split("Isolated solutions:\n")[1]
    assert table.splitlines()[0].split()[:4] == ["#", "type", "rank", "min"] and "loss" not in table
    rows = list(csv.DictReader(io.StringIO(points_csv(catalog))))
    assert [(row["loss"], row["loss_imag"]) for row in rows] == [("", "")] * 2
    path = tmp_path / "system.json"
    write_catalog(catalog, path)
    again = load_catalog(path)
    assert again.problem == catalog.problem and again == catalog
    assert str(again).startswith("System: 2 isolated solutions (2 real, 0 complex)")
    # the zero losses of catalogs written before losses were dropped read as none ...
    data = json.loads(path.read_text())
    data["critical_points"][0]["loss"] = [0.0, 0.0]
    data["critical_points"][0]["certificate"]["loss"] = [-5e-324, 5e-324]
    path.write_text(json.dumps(data))
    assert load_catalog(path) == catalog
    # ... and a real loss written into a system's point is refused, naming the field
    data["critical_points"][0]["loss"] = [1.0, 0.0]
    path.write_text(json.dumps(data))
    with pytest.raises(CatalogError, match=r"critical_points\[0\]\.loss`: a point without Hessian eigenvalues"):
        load_catalog(path)
    refused = subprocess.run([sys.executable, "-m", "algmorse", "plot", str(path)], capture_output=True, text=True)
    assert refused.returncode == 2 and "square system" in refused.stderr


def test_system_tables_are_checked():
    spec = parse_spec({"system": {"variables": ["x", "y"], "equations": ["x^2 + y^2 - 1", "x - y"]}})
    assert isinstance(spec.problem, SystemProblem) and not build_system(spec.problem).is_gradient
    for table, field in ((["x^2"], "system.equations"), (["x^2", "3"], r"system.equations\[1\]"),
                         (["x^2 - 1", "x - 1"], "system.variables")):
        with pytest.raises(SpecError, match=field):
            parse_spec({"system": {"variables": ["x", "y"], "equations": table}})
    with pytest.raises(SpecError, match="stands alone"):
        parse_spec({"system": {"variables": ["x"], "equations": ["x"]},
                    "function": {"variables": ["x"], "expression": "x^2"}})


@pytest.mark.phcpack
@pytest.mark.exact
def test_a_solution_line_without_isolated_points_is_decomposed():
    # x y = x (y - 1) = 0: subtracting gives x = 0, so the solution set is the line x = 0 and
    # nothing else. The runs end on no isolated point; the modular count's dimension 1 must
    # still send the solve to the decomposition, which finds the line (degree 1).
    catalog = solve_system(["x*y", "x*(y-1)"], ["x", "y"], options=SolveOptions(seed=1))
    assert catalog.provenance.modular["dimension"] == 1
    assert catalog.summary.isolated == 0
    assert [(c.dimension, c.degree) for c in catalog.components] == [(1, 1)]
    line = catalog.components[0]
    assert all(abs(w[0]) < 1e-8 for w in line.witness_points)
    assert line.loss is None and line.description.startswith("line (dimension 1, degree 1) of solutions")


def test_solve_system_refuses_a_bare_string_and_reads_sympy_equations():
    with pytest.raises(SpecError, match=r"`system.equations`: expected a list, got one string 'x\^2 - 1'"):
        solve_system("x^2 - 1", ["x"])
    with pytest.raises(SpecError, match="`system.variables`: expected a list, got one string 'xy'"):
        solve_system(["x - 1", "y"], "xy")
    x, y = sympy.symbols("x y")
    root = 2 ** 0.5
    catalog = solve_system([sympy.Eq(x**2, 2), sympy.Eq(y, x)], [x, y], options=SolveOptions(seed=1, proof="none"),
                           backend=FakeBackend([[(root, root), (-root, -root)]]))
    as_text = build_system(SystemProblem(("x", "y"), ("x^2 - 2", "y - x")))
    assert build_system(catalog.problem).gradient == as_text.gradient  # Eq(lhs, rhs) read as lhs - rhs
    assert len(catalog.critical_points) == 2
