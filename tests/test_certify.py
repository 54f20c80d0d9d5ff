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


def _certified_points_of(case_name, seed=1):
    from algmorse import SolveOptions, analyze
    from algmorse.results.library import load_case

    problem = load_case(case_name).spec.problem
    system = build_system(problem)
    catalog = analyze(problem, options=SolveOptions(seed=seed), progress=lambda _: None, progress_bar=False)
    balls = BallSystem(system)
    points = [certify_point(balls, np.array(p.coordinates, dtype=complex)) for p in catalog.critical_points]
    return system, balls, [p for p in points if p is not None]


def _passes(balls, certified):
    with working_precision(certified.certificate.precision):
        center = [acb(arb(re), arb(im)) for re, im in certified.certificate.center]
        return krawczyk(balls, center, certified.certificate.radius)


def test_a_transported_certificate_is_a_certificate_and_a_false_symmetry_gives_none():
    # one Krawczyk test per orbit stands for all its points only because the symmetries are exact:
    # every transported box passes the test again on its own; a map that is no symmetry (swapping
    # the two layers' weights of one hidden unit) moves boxes off the zeros, and they fail
    from algmorse.engine.certify import transported
    from algmorse.model.symmetry import SignedPermutation

    system, balls, points = _certified_points_of("net121_sq_l2")
    complex_points = [p for p in points if p.certificate.real is False]
    assert len(points) >= 10 and complex_points
    for point in points[:8] + complex_points[:4]:
        images = [transported(point, g) for g in system.symmetries]
        if point.certificate.real is False:
            images.append(transported(point, None))
        for image in images:
            assert _passes(balls, image)
            # the box, the decimal center and the float center are one and the same point's
            for ball, (re, im), z in zip(image.box, image.certificate.center, image.center):
                exact = acb(arb(re), arb(im)) if isinstance(ball, acb) else arb(re)
                assert ball.contains(exact) and abs(float(re) - z.real) + abs(float(im) - z.imag) <= 1e-12 * (1 + abs(z))
            assert all(("-" not in text or float(text) != 0) for pair in image.certificate.center for text in pair)
            assert image.certificate.loss == point.certificate.loss
            assert image.certificate.morse_index == point.certificate.morse_index
            assert np.all(image.lower <= np.column_stack([image.center.real, image.center.imag]).ravel())
            assert np.all(np.column_stack([image.center.real, image.center.imag]).ravel() <= image.upper)
    false_symmetry = SignedPermutation((2, 1, 0, 3), (1, 1, 1, 1), "not a symmetry")
    moved = [transported(p, false_symmetry) for p in points]
    off = [m for m, p in zip(moved, points) if not np.allclose(m.center, p.center)]
    assert off and not any(_passes(balls, m) for m in off)


def test_a_certified_point_brings_its_whole_orbit_certified_without_a_new_test():
    from algmorse.engine.refine import PointSet, RefinedPoint
    from algmorse.model.options import Tolerances
    from algmorse.model.symmetry import orbit

    system, balls, points = _certified_points_of("net121_sq_l2")
    point = next(p for p in points if p.certificate.real is False and np.min(np.abs(p.center)) > 1e-3)
    found = PointSet(Tolerances())

    def refine(_start):
        raise AssertionError("an image of a certified point was refined and certified again")

    added = found.add_with_images(RefinedPoint(point.center, False, 0.0, point), system.numeric, system.symmetries,
                                  Tolerances(), refine=refine)
    expected = {tuple(np.round(q, 8)) for seed in (point.center, point.center.conj())
                for q in orbit(seed, system.symmetries, lambda a, b: np.allclose(a, b, atol=1e-9))}
    assert added == len(found.points) == len(expected) >= 8  # 2 flips and conjugation at least
    again = found.add_with_images(RefinedPoint(point.center, False, 0.0, point), system.numeric, system.symmetries,
                                  Tolerances(), refine=refine)
    assert again == 0 and len(found.points) == added  # a known point brings nothing new
    assert all(p.certified is not None and _passes(balls, p.certified) for p in found.points)
    assert not disjoint_boxes([p.certified for p in found.points])


def test_a_decimal_center_is_negated_by_its_sign_alone():
    from algmorse.engine.certify import _signed

    assert [_signed("-12.5", -1), _signed("12.5", -1), _signed("12.5", 1), _signed("0", -1), _signed("0.000", -1)] \
        == ["12.5", "-12.5", "12.5", "0", "0.000"]
