"""Sweeps along any number of a spec (``--vary``), grids of two, and their exact thresholds.

The hand-derived case: the scalar linear network ``[1, 1, 1]`` on one point ``(x, y) = (1, y)``
with L2 strength ``eps``, ``L = (a b - y)^2 / 2 + eps (a^2 + b^2)``. Subtracting ``b dL/db``
from ``a dL/da`` gives ``2 eps (a^2 - b^2) = 0``, so ``b = a`` or ``b = -a``:

* ``a = b = 0``, always;
* ``b = a``, ``a^2 = y - 2 eps``: two points, real iff ``y > 2 eps``;
* ``b = -a``, ``a^2 = -(y + 2 eps)``: two points, real iff ``y < -2 eps``.

Five critical points except at ``y = +-2 eps``, where a pair merges with the origin (3 distinct
points; the Hessian at 0, ``[[2 eps, -y], [-y, 2 eps]]``, is singular exactly there). The real
count is 3 outside ``[-2 eps, 2 eps]`` and 1 inside.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest

from algmorse import SolveOptions
from algmorse.errors import SpecError
from algmorse.model.network import Activation, Dataset, Network, NetworkProblem, Regularizer
from algmorse.model.parameters import problem_parameter, with_parameter
from algmorse.model.parametrized import loss_coefficients
from algmorse.model.spec import load_spec
from algmorse.probes.discriminant import discriminant
from algmorse.sweep import parse_vary, sweep

EPS = Fraction(1, 10)


def _scalar_network(y: Fraction = Fraction(1), eps: Fraction = EPS) -> NetworkProblem:
    return NetworkProblem(Network((1, 1, 1), Activation((Fraction(0), Fraction(1)))),
                          Dataset(((Fraction(1),),), ((y,),)), Fraction(1, 2), Regularizer("l2", eps))


def test_vary_text_and_names_are_checked():
    assert parse_vary(" y_1_1 = -1:1:3") == ("y_1_1", (-1, 0, 1))
    for bad in ("y_1_1", "=1,2", "y_1_1=1:2", "y_1_1=1,1"):
        with pytest.raises(SpecError, match="--vary"):
            parse_vary(bad)
    problem = load_spec("examples/net121_genl2.toml").problem
    assert problem_parameter(problem, "eps_4").index == (3,)
    assert problem_parameter(problem, "x_3_1").index == (2, 0)
    for bad in ("eps", "eps_5", "x_4_1", "x_1_2", "w1_1_1", "eps_0", "scale2"):
        with pytest.raises(SpecError, match="not a parameter of this problem. Choose among: eps_1"):
            problem_parameter(problem, bad)
    with pytest.raises(SpecError, match="positive"):
        with_parameter(problem, problem_parameter(problem, "eps_1"), Fraction(0))


def test_loss_coefficients_match_the_hand_expansion():
    # L = (a b - y)^2 / 2 + eps (a^2 + b^2) = [a^2 b^2 / 2 + eps (a^2 + b^2)] - (a b) y + y^2 / 2
    problem = _scalar_network()
    l0, l1, l2 = loss_coefficients(problem, problem_parameter(problem, "y_1_1"))
    a, b = l0.ring.gens
    assert l0 == a**2 * b**2 / 2 + (a**2 + b**2) / 10
    assert l1 == -a * b and l2 == l0.ring(Fraction(1, 2))
    # in x: (a b x - y)^2 / 2 has degree 2 (the activation is linear)
    coefficients = loss_coefficients(problem, problem_parameter(problem, "x_1_1"))
    assert len(coefficients) == 3 and coefficients[2] == a**2 * b**2 / 2


@pytest.mark.exact
def test_discriminant_along_a_data_value_is_the_hand_threshold():
    result = discriminant(_scalar_network(), parameter="y_1_1", timeout=60)
    assert result.real_values == (-0.2, 0.2)
    assert set(result.kinds) == {"collision"}
    assert sorted(f.polynomial("y") for f in result.factors) == ["5*y + 1", "5*y - 1"]
    assert "as a function of y_1_1" in str(result)


@pytest.mark.phcpack
@pytest.mark.exact
def test_sweep_along_a_data_value_counts_and_thresholds(tmp_path):
    values = tuple(Fraction(k, 10) for k in range(-4, 5))  # includes both thresholds +-1/5
    result = sweep(_scalar_network(), None, tmp_path / "out", vary=[("y_1_1", values)], options=SolveOptions(seed=3))
    for y, row in zip(values, result.rows):
        isolated, real = (3, 1) if abs(y) == 2 * EPS else (5, 3 if abs(y) > 2 * EPS else 1)
        assert (row.value, row.isolated, row.real) == (str(y), isolated, real)
    assert result.generic_count == 5 and set(result.exceptional) == {"-1/5", "1/5"}
    assert [(t.value, t.kind) for t in result.thresholds] == [(-0.2, "collision"), (0.2, "collision")]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["parameter"] == "y_1_1" and summary["axes"] == [{"name": "y_1_1", "values": [str(v) for v in values]}]
    assert [t["value"] for t in summary["thresholds"]] == [-0.2, 0.2]
    assert (tmp_path / "out" / "counts.png").stat().st_size > 0


@pytest.mark.phcpack
def test_grid_of_two_parameters(tmp_path):
    ys, strengths = (Fraction(-1, 2), Fraction(0), Fraction(3, 10)), (Fraction(1, 10), Fraction(1, 5))
    result = sweep(_scalar_network(), None, tmp_path / "grid", vary=[("eps", strengths), ("y_1_1", ys)],
                   options=SolveOptions(seed=4))
    assert [r.value for r in result.rows] == [f"{e},{y}" for e in strengths for y in ys]
    for row in result.rows:
        eps, y = (Fraction(t) for t in row.value.split(","))
        assert (row.isolated, row.real) == (5, 3 if abs(y) > 2 * eps else 1)
    assert result.axes == (("eps", ("1/10", "1/5")), ("y_1_1", ("-1/2", "0", "3/10")))
    # the changes at y = +-2 eps are pitchforks (the origin and a symmetric pair): singular zeros
    # of the fold system, so nothing is certified, and nothing is claimed
    assert result.thresholds == () and "along the grid's lines" in result.thresholds_note
    assert (tmp_path / "grid" / "counts.png").stat().st_size > 0


def test_bad_vary_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "never"
    completed = subprocess.run([sys.executable, "-m", "algmorse", "sweep", "examples/net121_genl2.toml",
                                "--vary", "eps=1:2:3", "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2 and "--vary" in completed.stderr and "eps_1" in completed.stderr
    assert "Traceback" not in completed.stderr and not out.exists()
    with pytest.raises(SpecError, match="--vary"):  # a strength must stay positive
        sweep(_scalar_network(), None, out, vary=[("eps", (Fraction(-1), Fraction(1)))])
    with pytest.raises(SpecError, match="twice"):
        sweep(_scalar_network(), None, out, vary=[("eps", (Fraction(1),)), ("eps", (Fraction(2),))])
    assert not out.exists()


def test_count_maps_write_every_count_and_scale_only_varying_maps():
    from algmorse.results.plot import sweep_map_figure

    counts = {"real": [[3, 1], [1, 1], [3, 3]], "maxima": [[0, 0], [0, 0], [0, 0]]}
    figure = sweep_map_figure([0.1, 0.2, 0.3], [-1, 1], counts, xlabel="eps", ylabel="y_1_1")
    real, maxima = (ax for ax in figure.axes if ax.get_title())
    assert [t.get_text() for t in real.texts] == ["3", "1", "1", "1", "3", "3"]  # x-major, as given
    assert real.texts[1].get_position() == (0, 1)  # counts[i][j] sits at (x_i, y_j)
    assert maxima.get_title() == "maxima (all 0)"
    assert len(figure.axes) == 3  # one colour bar: the constant map has none
    colorbar = next(ax for ax in figure.axes if not ax.get_title())
    assert [t.get_text() for t in colorbar.get_yticklabels()] == ["1", "3"]  # the counts that occur, no 2
    assert [t.get_text() for t in real.get_xticklabels()] == ["0.1", "0.2", "0.3"]
    with pytest.raises(ValueError, match="shape"):
        sweep_map_figure([0.1], [1, 2], {"real": [[1]]}, xlabel="a", ylabel="b")


@pytest.mark.exact
def test_the_eps_scale_threshold_is_the_strength_threshold_over_the_spec_strength():
    # h = x^4/4 - x^2/2 + eps x^2: h' = x (x^2 - 1 + 2 eps), three points merge at x = 0 when
    # eps = 1/2; with the spec's eps = 1/4 that is the eps scale 2 (two code paths: the split
    # L + eps R, and the interpolated loss in the scale)
    from algmorse.model.network import FunctionProblem

    problem = FunctionProblem(("x",), "x^4/4 - x^2/2", Regularizer("l2", Fraction(1, 4)))
    assert discriminant(problem, timeout=30).real_values == (0.5,)
    assert discriminant(problem, parameter="eps", timeout=30).real_values == (0.5,)
    assert discriminant(problem, parameter="eps-scale", timeout=30).real_values == (2.0,)


@pytest.mark.phcpack
def test_a_grid_certifies_the_fold_that_the_line_through_it_finds(tmp_path):
    # examples/net121_genl2.toml at x_2_1 = 2 (the spec's value): 19 real points at eps_2 = 1/5,
    # 17 at 1/4, a fold between them (tests/test_folds.py checks it against independent solves);
    # the grid's line x_2_1 = 2 must certify the same value
    problem = load_spec("examples/net121_genl2.toml").problem
    grid = sweep(problem, None, tmp_path / "grid", vary=[("eps_2", (Fraction(1, 5), Fraction(1, 4))),
                                                          ("x_2_1", (Fraction(2), Fraction(3)))],
                 options=SolveOptions(seed=1))
    along = [t for t in grid.thresholds if t.line == ("x_2_1", "2")]
    assert len(along) == 1 and along[0].kind == "certified-fold"
    low, high = along[0].enclosure
    assert low <= 0.2228106913634834 <= high and high - low < 1e-12
