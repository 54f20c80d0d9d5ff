"""Newton refinement, realness, deduplication and symmetry closure."""

from __future__ import annotations

import numpy as np

from algmorse.engine.refine import PointSet, newton, refine_point
from algmorse.model.network import FunctionProblem
from algmorse.model.options import Tolerances
from algmorse.model.system import build_system

TOL = Tolerances()


def test_newton_converges_quadratically_to_a_regular_root():
    numeric = build_system(FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^2")).numeric
    point, converged = newton(numeric, np.array([1.1, 0.05]))
    assert converged and np.allclose(point, [1.0, 0.0], atol=1e-15)


def test_nearly_real_point_is_snapped_to_the_reals():
    numeric = build_system(FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^2")).numeric
    refined = refine_point(numeric, np.array([1.0 + 1e-6j, 1e-7j]), TOL)
    assert refined is not None and refined.is_real
    assert np.all(refined.coordinates.imag == 0) and abs(refined.coordinates[0] - 1) < 1e-15


def test_complex_root_stays_complex():
    numeric = build_system(FunctionProblem(("x",), "x^3/3 + x")).numeric
    refined = refine_point(numeric, np.array([0.1 + 0.9j]), TOL)
    assert refined is not None and not refined.is_real and abs(refined.coordinates[0] - 1j) < 1e-14


def test_a_point_that_is_not_critical_is_rejected():
    # grad = (2x, 1): no critical point at all; Newton cannot converge.
    numeric = build_system(FunctionProblem(("x", "y"), "x^2 + y")).numeric
    assert refine_point(numeric, np.array([0.0, 0.0]), TOL) is None


def test_point_set_deduplicates_and_closes_under_symmetry_and_conjugation():
    # h = x^4 + y^4 - x^2 - 3 y^2 - x y is invariant under (x, y) -> (-x, -y) only.
    system = build_system(FunctionProblem(("x", "y"), "x^4 + y^4 - x^2 - 3*y^2 - x*y"))
    numeric = system.numeric
    found = PointSet(TOL)
    seed = refine_point(numeric, np.array([0.9, 1.3]), TOL)
    assert seed is not None
    added = found.add_with_images(seed, numeric, system.symmetries, TOL)
    assert [g.label for g in system.symmetries] == ["flip all variables"]
    assert added == 2
    # a symmetric function: the double well in x and y, one point gives 4 images
    system = build_system(FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^4 - 2*y^2"))
    found = PointSet(TOL)
    seed = refine_point(system.numeric, np.array([0.98, 1.02]), TOL)
    added = found.add_with_images(seed, system.numeric, system.symmetries, TOL)
    assert added == 4
    assert sorted(tuple(np.round(p.coordinates.real, 12)) for p in found.points) == [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    assert found.add(seed) is False


def test_conjugate_of_complex_point_is_added():
    system = build_system(FunctionProblem(("x",), "x^3/3 + x"))
    found = PointSet(TOL)
    seed = refine_point(system.numeric, np.array([0.1 + 0.9j]), TOL)
    assert found.add_with_images(seed, system.numeric, system.symmetries, TOL) == 2
    assert sorted(p.coordinates[0].imag for p in found.points) == [-1.0, 1.0]


def test_certified_points_are_one_unless_their_boxes_meet():
    # h = x^4/4 - x^2/2 (critical at -1, 0, 1): three certified points in one set; another
    # certificate of a point already there (its box meets the first) is no new point, whatever
    # certified points came between; an uncertified approximation is replaced by the certified one
    from algmorse.engine.certify import certify_point
    from algmorse.engine.refine import RefinedPoint
    from algmorse.model.precision import BallSystem

    system = build_system(FunctionProblem(("x",), "x^4/4 - x^2/2"))
    balls = BallSystem(system)

    def certified(x):
        box = certify_point(balls, np.array([x]))
        return RefinedPoint(box.center.real.astype(complex), True, 0.0, box)

    found = PointSet(TOL)
    found.add(RefinedPoint(np.array([5.0 + 0j]), True, 1e-3))  # uncertified, far from all: it stays
    found.add(RefinedPoint(np.array([1.0 + 0j]), True, 1e-12))  # uncertified, replaced below
    assert [found.add(certified(x)) for x in (1.001, -0.999, 0.002)] == [True, True, True]
    assert len(found) == 4 and [p.certified is None for p in found.points] == [True, False, False, False]
    assert [found.add(certified(x)) for x in (0.999, -1.002, -0.001, 1.0)] == [False] * 4
    assert sorted(round(float(p.coordinates[0].real), 9) for p in found.points) == [-1.0, 0.0, 1.0, 5.0]
