"""Interval certificates (Krawczyk) and higher-precision refinement, against hand derivations."""

from __future__ import annotations

import numpy as np
from flint import acb, arb, fmpq

from algmorse.engine.certify import certify_point, disjoint_boxes, krawczyk
from algmorse.model.network import FunctionProblem
from algmorse.model.precision import BallSystem, working_precision
from algmorse.model.system import build_system


def _balls(variables, expression):
    return BallSystem(build_system(FunctionProblem(tuple(variables), expression)))


def test_double_well_points_certified_with_index_realness_and_loss():
    # h = x^4 - 2x^2 + y^2: minima (+-1, 0) at -1, saddle (0, 0) of index 1 at 0 (by hand)
    balls = _balls("xy", "x^4 - 2*x^2 + y^2")
    for start, index, loss in [((0.99, 0.01), 0, -1.0), ((-1.02, 0.0), 0, -1.0), ((0.01, -0.01), 1, 0.0)]:
        point = certify_point(balls, np.array(start))
        assert point is not None
        c = point.certificate
        assert c.method == "krawczyk" and c.real is True and c.morse_index == index
        assert c.loss[0] <= loss <= c.loss[1] and c.loss[1] - c.loss[0] < 1e-12
        assert np.max(np.abs(point.center - np.array([np.sign(start[0]) * (index == 0), 0]))) <= c.radius


def test_box_holding_three_roots_fails_and_a_small_box_passes():
    # gradient x^3 - x/10^7 has the roots 0 and +-sqrt(10^-7) ~ +-3.2e-4
    balls = _balls("x", "x^4/4 - x^2/20000000")
    with working_precision(64):
        assert not krawczyk(balls, [arb(0)], 1e-3)  # holds all three roots: no uniqueness
        assert not krawczyk(balls, [arb(0)], 3.2e-4 * 0.999 + 1e-3)
        assert krawczyk(balls, [arb(0)], 1e-5)
    assert certify_point(balls, np.array([1e-6])).certificate.radius < 1e-4


def test_non_real_point_is_proven_non_real():
    # gradient x^3 + x = x (x - i)(x + i)
    point = certify_point(_balls("x", "x^4/4 + x^2/2"), np.array([0.01 + 1.01j]))
    assert point is not None and point.certificate.real is False and point.certificate.morse_index is None
    assert abs(point.center[0] - 1j) <= point.certificate.radius


def test_singular_points_are_never_certified():
    assert certify_point(_balls("xy", "x^3 + y^2"), np.array([1e-9, 0.0])) is None  # multiplicity 2
    # a point of the hyperbola xy = 2 (critical set of (xy - 2)^2): singular Hessian along it
    assert certify_point(_balls("xy", "(x*y - 2)^2"), np.array([1.0, 2.0])) is None


def test_index_of_a_three_dimensional_saddle():
    # h = x^2 - 2y^2 + 3z^2 + xyz: at the origin the Hessian is diag(2, -4, 6): index 1
    point = certify_point(_balls("xyz", "x^2 - 2*y^2 + 3*z^2 + x*y*z"), np.array([1e-3, -1e-3, 2e-3]))
    assert point.certificate.morse_index == 1 and point.certificate.real is True


def test_overlapping_boxes_are_reported_and_disjoint_ones_are_not():
    balls = _balls("xy", "x^4 - 2*x^2 + y^2")
    a = certify_point(balls, np.array([1.0, 0.0]))
    b = certify_point(balls, np.array([1.0 + 1e-9, 0.0]))
    c = certify_point(balls, np.array([-1.0, 0.0]))
    assert disjoint_boxes([a, c]) == []
    assert disjoint_boxes([a, b, c]) == [(0, 1)]


def test_ill_conditioned_point_needs_and_gets_higher_precision():
    # h = ((x - 1)^2 - 10^-20)^2 / 4 + y^2: critical points x = 1 and x = 1 +- 10^-10 (y = 0). At
    # x = 1 + 10^-10 the Hessian entry is 2 * 10^-20 against terms of size 1: in 64-bit balls the
    # gradient's rounding alone moves the Newton step by more than the gap between the roots; in
    # 128 bits the box is proven to hold exactly one of them, a minimum.
    balls = _balls("xy", "((x - 1)^2 - 1/100000000000000000000)^2/4 + y^2")
    start = [acb(arb(1 + fmpq(1, 10**10))), acb(0)]
    assert certify_point(balls, start, precisions=(64,)) is None
    point = certify_point(balls, start)
    assert point is not None and point.certificate.precision > 64
    assert point.certificate.radius < 1e-11 and point.certificate.morse_index == 0
    assert abs(point.center[0] - (1 + 1e-10)) <= point.certificate.radius + 1e-16


def test_higher_precision_tells_a_near_curve_from_a_curve_and_from_multiple_points():
    # (xy - 1)^2 + (x^2 + y^2)/10^30: the hyperbola xy = 1 carries a gradient ~1e-30, not zero
    near = build_system(FunctionProblem(("x", "y"), "(x*y - 1)^2 + (x^2 + y^2)/1000000000000000000000000000000"))
    assert near.balls.stalls_off_the_critical_set((2.0, 0.5), 1.0)
    assert not near.balls.stalls_off_the_critical_set((1.0, 1.0), 1.0)  # a critical point
    # genuine critical sets: a reduced and a non-reduced hyperbola, multiple points of order 2 to 5
    for expression, point in [("(x*y - 1)^2", (2.1, 0.5)), ("(x*y - 1)^3", (2.1, 0.5)), ("x^2*y^2", (1e-3, 2.0)),
                              ("x^3 + y^2", (1e-5, 0.0)), ("x^6 + y^2", (1e-2, 1e-3))]:
        system = build_system(FunctionProblem(("x", "y"), expression))
        assert not system.balls.stalls_off_the_critical_set(point, 1.0), expression
