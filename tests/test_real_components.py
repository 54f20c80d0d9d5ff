"""Real points on components (issue 18, item 2): proofs either way, on hand-derived varieties."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from flint import fmpq

from algmorse import SolveOptions, analyze
from algmorse.engine.exact_components import exact_decomposition
from algmorse.engine.real_components import real_points_of
from algmorse.model.network import FunctionProblem
from algmorse.model.system import build_system
from algmorse.results.library import load_case

pytestmark = pytest.mark.exact


def _component(variables, expression):
    system = build_system(FunctionProblem(variables, expression))
    (prime,) = exact_decomposition(system.sparse_gradient(), system.num_variables).positive_dimensional
    return prime, system.num_variables


def test_a_real_circle_is_proven_real_with_its_nearest_points():
    # (x^2 + y^2 - 1)^2: the unit circle; from a = (3/7, 1/7) the nearest and farthest points are
    # +-(3, 1)/sqrt(10)
    prime, n = _component(("x", "y"), "(x^2 + y^2 - 1)^2 + 0*x")
    (found,) = real_points_of([prime], n, points=[[F(3, 7), F(1, 7)]])
    assert found.real is True
    expected = np.array([3, 1]) / np.sqrt(10)
    assert sorted(map(tuple, np.round(found.points, 12))) == sorted([tuple(np.round(expected, 12)),
                                                                     tuple(np.round(-expected, 12))])


def test_a_circle_without_real_points_is_proven_so():
    # (x^2 + y^2 + 1)^2: the conic x^2 + y^2 = -1 (and the origin): no real point on the conic
    prime, n = _component(("x", "y"), "(x^2 + y^2 + 1)^2")
    (found,) = real_points_of([prime], n, points=[[F(3, 7), F(-2, 7)]])
    assert found.real is False and found.points == []


def test_a_cone_whose_only_real_point_is_its_vertex():
    # (x^2 + y^2 + z^2)^2: the critical set is the cone x^2 + y^2 + z^2 = 0, whose only real point
    # is the singular vertex: the nearest point to any a
    prime, n = _component(("x", "y", "z"), "(x^2 + y^2 + z^2)^2")
    (found,) = real_points_of([prime], n, points=[[F(1, 3), F(2, 5), F(-1, 7)]])
    assert found.real is True and len(found.points) == 1 and np.allclose(found.points[0], 0)


def test_the_complex_conic_of_the_l2_circle_case_is_proven_without_real_points():
    # net121_lin_l2_circle.toml: u = -v, |u|^2 = -8/3 has no real point; the circle u = v does
    catalog = analyze(load_case("net121_lin_l2_circle").spec.problem, options=SolveOptions(seed=1),
                      progress_bar=False)
    by_loss = {round(c.loss.real, 9): c for c in catalog.components}
    assert by_loss[round(-14 / 9, 9)].real is False and by_loss[round(-14 / 9, 9)].kind == "complex"
    assert "proven" in by_loss[round(-14 / 9, 9)].description
    circle = by_loss[round(10 / 9, 9)]
    assert circle.real is True and circle.kind == "minima" and circle.normal_index == 0
    # its exact description: the loss polynomial t - 10/9, and a prime containing u1 - v1 (u = v)
    assert circle.loss_polynomial == ("-10/9", "1")
    assert "w1_1_1 - w2_1_1" in circle.prime or "-w1_1_1 + w2_1_1" in circle.prime
    assert all(abs(sum(u * u for u in p[:2]) - 4 / 3) < 1e-9 for p in circle.real_points)


def test_several_components_in_one_run_each_with_its_own_answer():
    # one Singular run for the circle (real) and the conic x^2 + y^2 = -1 (none); the line x = y
    # (an affine set) is answered by linear algebra: its nearest point to (1, 0) is (1/2, 1/2)
    circle, n = _component(("x", "y"), "(x^2 + y^2 - 1)^2 + 0*x")
    conic, _ = _component(("x", "y"), "(x^2 + y^2 + 1)^2")
    line, _ = _component(("x", "y"), "(x - y)^2")
    found = real_points_of([circle, conic, line], n, points=[[F(3, 7), F(1, 7)], [F(3, 7), F(-2, 7)], [F(1), F(0)]])
    assert [f.real for f in found] == [True, False, True]
    assert len(found[0].points) == 2 and found[1].points == []
    assert np.allclose(found[2].points, [[0.5, 0.5]]) and found[2].balls[0][0].contains(fmpq(1, 2))
