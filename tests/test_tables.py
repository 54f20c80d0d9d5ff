"""Typed tables of a catalog's points (issue 20): ``Catalog.to_dataframe``, ``points_csv``, the
``show`` table's spectrum columns, and losses printed as real numbers.

The quintic fixture ``L = x^5/5 - x^3/3 + y^4/4 + y^2/2`` is solved by hand: the gradient is
``(x^4 - x^2, y^3 + y)``, so the critical points are ``x in {0, 1, -1}`` times ``y in {0, i, -i}``
(``x = 0`` a double root), and the Hessian is ``diag(4x^3 - 2x, 3y^2 + 1)``:

* ``(1, 0)``: eigenvalues 2, 1, a minimum, loss ``1/5 - 1/3 = -2/15``;
* ``(0, 0)``: eigenvalues 0, 1, degenerate (no Morse index), loss 0;
* ``(-1, 0)``: eigenvalues -2, 1, a saddle of index 1, loss ``2/15``;
* ``(+-1, +-i)``: eigenvalues +-2, -2, loss ``-+2/15 + 1/4 - 1/2``;
* ``(0, +-i)``: eigenvalues 0, -2, loss ``-1/4``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from algmorse import SolveOptions, analyze, load_spec, solve_system
from algmorse.analysis.components import Component
from algmorse.cli import main
from algmorse.engine.backends.fake import FakeBackend
from algmorse.model.network import FunctionProblem
from algmorse.model.system import build_system
from algmorse.results.catalog import format_table, load_catalog, write_catalog
from algmorse.results.exports import points_csv
from algmorse.results.library import load_case

pandas = pytest.importorskip("pandas")

QUINTIC = "x^5/5 - x^3/3 + y^4/4 + y^2/2"
REAL_POINTS = {(1.0, 0.0): ("minimum", -2 / 15, 0, 1.0), (0.0, 0.0): ("degenerate", 0.0, None, 0.0),
               (-1.0, 0.0): ("saddle", 2 / 15, 1, 1.0)}
"""Each real point's type, loss, Morse index and smallest |Hessian eigenvalue|, by hand."""


@pytest.fixture(scope="module")
def quintic():
    points = [(x, y) for x in (0, 1, -1) for y in (0, 1j, -1j)]
    return analyze(FunctionProblem(("x", "y"), QUINTIC), options=SolveOptions(seed=1),
                   backend=FakeBackend([points]))


def _hand_complex(x: complex, y: complex) -> tuple[complex, float]:
    """Loss and smallest |Hessian eigenvalue| at a critical point, from the formulas above."""
    loss = x ** 5 / 5 - x ** 3 / 3 + y ** 4 / 4 + y ** 2 / 2
    return loss, min(abs(4 * x ** 3 - 2 * x), abs(3 * y ** 2 + 1))


def test_real_frame_has_float_columns_and_a_nullable_index(quintic):
    frame = quintic.to_dataframe(real=True)
    assert len(frame) == 3
    for column in ("loss", "x", "y", "min_abs_eigenvalue", "min_sv_equilibrated", "certificate_radius"):
        assert frame[column].dtype == np.float64, column
    assert frame["morse_index"].dtype == pandas.Int64Dtype() and frame["orbit"].dtype == np.int64
    assert frame["real"].dtype == bool and frame["certified"].dtype == bool
    # row labels are catalog indices: the ``#`` of ``show``
    assert list(frame.index) == [i for i, p in enumerate(quintic.critical_points) if p.is_real]
    for label, row in frame.iterrows():
        kind, loss, index, eigenvalue = REAL_POINTS[(round(row["x"], 9) + 0.0, round(row["y"], 9) + 0.0)]
        assert row["type"] == kind and row["loss"] == pytest.approx(loss, abs=1e-12)
        assert (index is None and pandas.isna(row["morse_index"])) or row["morse_index"] == index
        assert row["min_abs_eigenvalue"] == pytest.approx(eigenvalue, abs=1e-9)
        point = quintic.critical_points[label]
        assert math.isnan(row["certificate_radius"]) == (point.certificate is None)
        assert row["min_sv_equilibrated"] == point.hessian_min_singular_value
    assert frame["morse_index"].isna().sum() == 1  # the degenerate origin
    assert frame.loc[frame["type"] == "degenerate", "certificate_radius"].isna().all()


def test_real_frame_groups_by_type(quintic):
    described = quintic.to_dataframe(real=True).groupby("type")["loss"].describe()
    assert set(described.index) == {"minimum", "degenerate", "saddle"}
    assert described.loc["minimum", "count"] == 1
    assert described.loc["minimum", "mean"] == pytest.approx(-2 / 15)
    assert described.loc["saddle", "max"] == pytest.approx(2 / 15)
    index = quintic.to_dataframe(real=True)["morse_index"]
    assert index.sum() == 1 and index.max() == 1  # integer arithmetic that skips <NA>


def test_frame_of_all_points_is_complex_where_points_are(quintic):
    frame = quintic.to_dataframe()
    assert len(frame) == 9 and list(frame.index) == list(range(9))
    for column in ("loss", "x", "y"):
        assert frame[column].dtype == np.complex128, column
    for column in ("min_abs_eigenvalue", "min_sv_equilibrated", "certificate_radius"):
        assert frame[column].dtype == np.float64, column
    assert frame["morse_index"].dtype == pandas.Int64Dtype()
    complex_rows = frame[~frame["real"]]
    assert len(complex_rows) == 6 and complex_rows["morse_index"].isna().all()
    for _, row in frame.iterrows():
        loss, eigenvalue = _hand_complex(row["x"], row["y"])
        assert row["loss"] == pytest.approx(loss, abs=1e-12)
        assert row["min_abs_eigenvalue"] == pytest.approx(eigenvalue, abs=1e-9)
    # the orbit column is the stored one (the symmetry y -> -y pairs the complex points)
    assert list(frame["orbit"]) == [p.orbit for p in quintic.critical_points]


def test_frames_of_only_real_or_no_real_points():
    real_only = analyze(FunctionProblem(("x", "y"), "x^4/4 - x^2/2 + y^2/2"), options=SolveOptions(seed=1),
                        backend=FakeBackend([[(0, 0), (1, 0), (-1, 0)]]))
    frame = real_only.to_dataframe()  # every point real: float even without real=True
    assert frame["loss"].dtype == np.float64 and frame["x"].dtype == np.float64
    assert sorted(frame["loss"]) == pytest.approx([-1 / 4, -1 / 4, 0])
    assert list(frame["morse_index"]) == [0, 0, 1]  # the minima at loss -1/4, then the saddle
    # x^3/3 + x: critical points +-i (no real one), loss +-2i/3, Hessian 2x
    none_real = analyze(FunctionProblem(("x",), "x^3/3 + x"), options=SolveOptions(seed=1),
                        backend=FakeBackend([[(1j,), (-1j,)]]))
    empty = none_real.to_dataframe(real=True)
    assert len(empty) == 0 and empty["loss"].dtype == np.float64 and empty["x"].dtype == np.float64
    assert empty["morse_index"].dtype == pandas.Int64Dtype()
    frame = none_real.to_dataframe()
    assert frame["loss"].dtype == np.complex128
    assert sorted(frame["loss"], key=lambda z: z.imag) == pytest.approx([-2j / 3, 2j / 3])
    assert list(frame["min_abs_eigenvalue"]) == pytest.approx([2.0, 2.0])
    header = points_csv(none_real, real_only=True).splitlines()
    assert header == ["index,type,real,certified,morse_index,loss,min_abs_eigenvalue,min_sv_equilibrated,orbit,"
                      "certificate_radius,x"]


@pytest.mark.exact
def test_frame_of_a_square_system_has_no_loss_or_spectrum():
    root = math.sqrt(2)
    catalog = solve_system(["x^2 - 2", "y - x"], ["x", "y"], options=SolveOptions(seed=1),
                           backend=FakeBackend([[(root, root), (-root, -root)]]))
    frame = catalog.to_dataframe(real=True)
    assert len(frame) == 2 and frame["loss"].dtype == np.float64 and frame["loss"].isna().all()
    assert frame["min_abs_eigenvalue"].isna().all() and frame["morse_index"].isna().all()
    assert sorted(frame["x"]) == pytest.approx([-root, root])


def test_csv_of_real_points_has_real_columns(quintic):
    rows = list(csv.DictReader(io.StringIO(points_csv(quintic, real_only=True))))
    assert len(rows) == 3 and "loss_imag" not in rows[0] and "x_re" not in rows[0]
    for row in rows:
        point = quintic.critical_points[int(row["index"])]
        kind, loss, index, eigenvalue = REAL_POINTS[(round(float(row["x"]), 9) + 0.0, round(float(row["y"]), 9) + 0.0)]
        assert row["type"] == kind and float(row["loss"]) == pytest.approx(loss, abs=1e-12)
        assert row["morse_index"] == ("" if index is None else str(index))
        assert float(row["min_abs_eigenvalue"]) == pytest.approx(eigenvalue, abs=1e-9)
        assert row["orbit"] == str(point.orbit)
        assert row["certificate_radius"] == ("" if point.certificate is None else repr(point.certificate.radius))
    every = list(csv.DictReader(io.StringIO(points_csv(quintic))))
    assert len(every) == 9 and {"loss", "loss_imag", "x_re", "x_im"} <= set(every[0])


def test_show_real_csv_has_no_imaginary_loss(quintic, tmp_path, capsys):
    path = write_catalog(quintic, tmp_path / "q.json")
    assert main(["show", str(path), "--real", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split(",")
    assert "loss_imag" not in header and header[:6] == ["index", "type", "real", "certified", "morse_index", "loss"]
    assert sorted(float(line.split(",")[5]) for line in lines[1:]) == pytest.approx([-2 / 15, 0, 2 / 15])
    assert main(["show", str(path), "--format", "csv"]) == 0
    assert "loss_imag" in capsys.readouterr().out.splitlines()[0].split(",")


def test_show_table_names_its_spectrum_columns(quintic, tmp_path, capsys):
    path = write_catalog(quintic, tmp_path / "q.json")
    assert main(["show", str(path), "--real"]) == 0
    out = capsys.readouterr().out
    lines = out.split("Isolated critical points (3 of 3 selected, 9 in all):\n")[1].splitlines()
    header, rows, legend = lines[0], lines[1:4], lines[4]
    assert "min |eig|" in header and "min sv (eq)" in header and "min sv  " not in header
    assert legend.startswith("min |eig|: smallest |eigenvalue| of the Hessian") and "equilibrated" in legend
    start = header.index("min |eig|")  # right-aligned: a value ends where its header ends
    by_type = {row.split()[1]: row[start:start + len("min |eig|")].strip() for row in rows}
    assert by_type == {"minimum": "1.00e+00", "degenerate": "0.00e+00", "saddle": "1.00e+00"}
    end = header.index("min sv (eq)") + len("min sv (eq)")
    for row in rows:
        index = int(row.split()[0])
        shown = float(row[end - 9:end])
        assert shown == pytest.approx(quintic.critical_points[index].hessian_min_singular_value, rel=1e-2)


def test_component_losses_print_as_real_numbers():
    circle = Component(dimension=1, degree=2, witness_points=(), real_points=(), loss=complex(10 / 9),
                       hessian_rank=3, kind="minima", description="a conic")
    assert "loss 1.11111," in repr(circle) and "j" not in repr(circle)
    assert "loss 1.5-0.25i," in repr(replace(circle, loss=1.5 - 0.25j))
    assert "loss unknown," in repr(replace(circle, loss=None))


@pytest.mark.phcpack
def test_circle_prints_component_losses_without_zero_imaginary_parts(tmp_path, capsys):
    """net121_lin_l2_circle: components at losses 10/9 and -14/9, the origin with Hessian eigenvalues
    2/3 -+ 2 (hand derivation in the fixture), so min |eig| = 4/3."""
    catalog = load_catalog(write_catalog(analyze(load_case("net121_lin_l2_circle").spec.problem,
                                                 options=SolveOptions(seed=1, proof="none")), tmp_path / "c.json"))
    printed = "\n".join([repr(catalog.components), str(catalog), format_table(catalog)])
    assert "+0j" not in printed and "+0i" not in printed
    assert sorted(repr(c).split("loss ")[1].split(",")[0] for c in catalog.components) == ["-1.55556", "1.11111"]
    table = format_table(catalog).split("Components:\n")[1]
    assert " 1.111111111 " in table and " -1.555555556 " in table
    frame = catalog.to_dataframe(real=True)
    assert frame["min_abs_eigenvalue"].tolist() == pytest.approx([4 / 3])
    assert frame["loss"].tolist() == pytest.approx([2.0]) and frame["morse_index"].tolist() == [2]


def _exact_hessian(system, point: np.ndarray) -> np.ndarray:
    """The Hessian at ``point`` from the exact polynomials, term by term (not the numeric evaluator)."""
    return np.array([[sum(complex(float(c)) * np.prod(point ** np.array(e)) for e, c in h.items()) for h in row]
                     for row in system.hessian], dtype=complex)


@pytest.mark.phcpack
def test_min_abs_eigenvalue_matches_numpy_on_the_exact_hessian():
    """examples/net121_genl2.toml (61 points): the column against numpy's eigenvalues of the
    exact Hessian, and the table's two spectrum columns are different numbers (issue 20:
    0.0063 shown where the smallest |eigenvalue| is 0.1997)."""
    spec = load_spec(Path(__file__).parents[1] / "examples" / "net121_genl2.toml")
    catalog = analyze(spec.problem, options=SolveOptions(seed=1, proof="none"))
    system = build_system(catalog.problem)
    frame = catalog.to_dataframe()
    assert len(frame) == len(catalog.critical_points) > 0
    for label, point in enumerate(catalog.critical_points):
        hessian = _exact_hessian(system, np.array(point.coordinates, dtype=complex))
        scale = max(1.0, float(np.max(np.abs(hessian))))
        expected = float(np.min(np.abs(np.linalg.eigvals(hessian))))
        assert frame.loc[label, "min_abs_eigenvalue"] == pytest.approx(expected, abs=1e-9 * scale)
    real = catalog.to_dataframe(real=True)
    ratio = real["min_abs_eigenvalue"] / real["min_sv_equilibrated"]
    assert (ratio > 2).any()  # not the same quantity: the table must say which is which
