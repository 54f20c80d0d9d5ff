"""Hessian rank with scaling, degeneracy and Morse indices, against hand derivations."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from algmorse.analysis.classify import classify_point
from algmorse.engine.refine import newton
from algmorse.model.network import Activation, Dataset, FunctionProblem, Network, NetworkProblem
from algmorse.model.options import Tolerances
from algmorse.model.system import build_system


def _classify(expression, variables, point):
    numeric = build_system(FunctionProblem(tuple(variables), expression)).numeric
    return classify_point(numeric, np.array(point, dtype=float), is_real=True, residual=0.0, tolerances=Tolerances())


@pytest.mark.parametrize("expression,index,kind", [
    ("x^2 + y^2 + z^2", 0, "minimum"),
    ("x^2 - y^2 + z^2", 1, "saddle"),
    ("x^2 - y^2 - z^2", 2, "saddle"),
    ("-x^2 - y^2 - z^2", 3, "maximum"),
])
def test_morse_index_at_origin(expression, index, kind):
    point = _classify(expression, "xyz", [0, 0, 0])
    assert point.nondegenerate is True and point.morse_index == index and point.kind == kind
    assert point.hessian_rank == 3 and point.multiplicity == 1


def test_degenerate_point_has_deficient_rank_and_no_index():
    # h = x^3 + y^2: Hessian diag(6x, 2) = diag(0, 2) at the origin.
    point = _classify("x^3 + y^2", "xy", [0, 0])
    assert point.nondegenerate is False and point.hessian_rank == 1
    assert point.morse_index is None and point.kind == "degenerate"
    assert point.multiplicity == 2 and point.isolated is True  # <x^2, y>
    assert sorted(e.real for e in point.hessian_eigenvalues) == [0.0, 2.0]


def test_badly_scaled_regular_point_is_nondegenerate():
    # phcpack-backend-facts.md "rank pitfall": [1,1,1] network, activation t + t^2, no
    # regularizer, X = [1,2,3], Y = [2,1,3], loss without 1/2. At w = (-0.0698, -16.2) the raw
    # Hessian's singular values differ by a factor ~2e-7, yet the root is regular.
    ones = (Fraction(1),), (Fraction(2),), (Fraction(3),)
    targets = (Fraction(2),), (Fraction(1),), (Fraction(3),)
    problem = NetworkProblem(Network((1, 1, 1), Activation.from_coefficients([0, 1, 1])), Dataset(ones, targets), Fraction(1))
    numeric = build_system(problem).numeric
    root, converged = newton(numeric, np.array([-0.0698, -16.2]))
    assert converged
    raw = np.linalg.svd(numeric.hessian(root), compute_uv=False)
    assert raw.min() / raw.max() < 1e-6  # a naive relative threshold of 1e-6 would call it singular
    point = classify_point(numeric, root, is_real=True, residual=0.0, tolerances=Tolerances())
    assert point.nondegenerate is True and point.hessian_rank == 2 and point.kind == "minimum"
    assert point.hessian_min_singular_value > 1e4 * point.hessian_noise_level


def test_point_on_a_curve_of_critical_points_is_degenerate():
    # h = (x y - 1)^2: the hyperbola x y = 1 is critical; Hessian rank 1 along it.
    numeric = build_system(FunctionProblem(("x", "y"), "(x*y - 1)^2")).numeric
    root, converged = newton(numeric, np.array([2.1, 0.52]))
    assert converged and abs(root[0] * root[1] - 1) < 1e-14
    point = classify_point(numeric, root, is_real=True, residual=0.0, tolerances=Tolerances())
    assert point.nondegenerate is False and point.hessian_rank == 1


def test_nearly_degenerate_but_regular_point_is_not_called_degenerate():
    # h = x^3/3 - c x + y^2 has regular critical points at x = +-sqrt(c); Hessian diag(2x, 2).
    numeric = build_system(FunctionProblem(("x", "y"), "x^3/3 - x/1000000 + y^2")).numeric
    root, _ = newton(numeric, np.array([1.1e-3, 0.0]))
    point = classify_point(numeric, root, is_real=True, residual=0.0, tolerances=Tolerances())
    assert point.nondegenerate is True and point.kind == "minimum"


def test_complex_point_has_no_morse_index():
    numeric = build_system(FunctionProblem(("x",), "x^3/3 + x")).numeric  # critical at x = +-i
    point = classify_point(numeric, np.array([1j]), is_real=False, residual=0.0, tolerances=Tolerances())
    assert point.kind == "complex" and point.morse_index is None and point.nondegenerate is True
    assert point.hessian_eigenvalues[0] == pytest.approx(2j)
    assert point.loss == pytest.approx(1j * (-1 / 3) + 1j)


def test_double_root_known_only_to_sqrt_eps_is_degenerate():
    # h = (x-1)^3 + (y-2)^2: gradient (3(x-1)^2, 2(y-2)); the root x = 1 is double, so Newton
    # only reaches it to ~1e-8 and the computed gradient there is rounding noise. The Hessian
    # diag(6(x-1), 2) looks "nonzero" (~6e-8), but not beyond the point's own uncertainty.
    from algmorse.engine.refine import refine_point

    numeric = build_system(FunctionProblem(("x", "y"), "(x-1)^3 + (y-2)^2")).numeric
    refined = refine_point(numeric, np.array([1.01, 2.01], dtype=complex), Tolerances())
    assert refined is not None and abs(refined.coordinates[0] - 1) < 1e-6
    point = classify_point(numeric, refined.coordinates.real, is_real=True, residual=0.0, tolerances=Tolerances())
    assert point.nondegenerate is False and point.hessian_rank == 1


def test_signature_on_a_curve_of_minima_counts_the_positive_direction():
    # [1,1,1], s(t) = t - t^3/3, x = 1, y = 1, no regularizer: L = 1/2 (b s(a) - 1)^2. The zero
    # set {b s(a) = 1} is a curve of global minima; there the Hessian is grad r grad r^T with
    # r = b s(a) - 1: rank 1, eigenvalues 0 and |grad r|^2 > 0. Signature (1 positive, 0 negative).
    from algmorse.analysis.components import hessian_signature

    tanh_surrogate = Activation.from_coefficients([0, 1, 0, Fraction(-1, 3)])
    problem = NetworkProblem(network=Network(widths=(1, 1, 1), activation=tanh_surrogate, bias=False),
                             data=Dataset(x=((Fraction(1),),), y=((Fraction(1),),)), scale=Fraction(1, 2))
    numeric = build_system(problem).numeric
    for a in (0.9674, 0.5, 1.3, -0.7):
        assert hessian_signature(numeric, np.array([a, 1 / (a - a**3 / 3)]), Tolerances()) == (1, 0)


def test_certified_images_are_classified_as_their_orbit_and_keep_their_own_certificates():
    # a loss with sign flips of x and of y: orbits of several certified members (minima, saddles,
    # complex points); each member's classification must equal its own
    from algmorse.analysis.classify import classify_points, classify_refined
    from algmorse.engine.certify import certify_point
    from algmorse.engine.refine import RefinedPoint
    from algmorse.model.precision import BallSystem

    system = build_system(FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^4 - 3*y^2 + x^2*y^2/5 + 1/7"))
    assert len(system.symmetries) >= 2
    balls = BallSystem(system)
    starts = [(a, b) for a in (-1.2, 0.0, 1.2) for b in (-1.3, 0.0, 1.3)] + [(0.9j, 1.4), (-0.9j, -1.4)]
    refined = []
    for start in starts:
        box = certify_point(balls, np.array(start, dtype=complex))
        assert box is not None
        real = box.certificate.real is True
        coordinates = box.center.real.astype(complex) if real else box.center
        if not any(np.allclose(coordinates, r.coordinates) for r in refined):  # one entry per point
            refined.append(RefinedPoint(coordinates, real, 1e-16, box))
    points = classify_points(system, refined, Tolerances())
    assert len({p.orbit for p in points}) < len(points)  # some orbits hold several points
    by_coordinates = {tuple(np.round(r.coordinates, 10)): r for r in refined}
    for p in points:
        own = by_coordinates[tuple(np.round(np.array(p.coordinates), 10))]
        alone = classify_refined(system.numeric, own, Tolerances(), orbit=p.orbit)
        assert p.certificate is own.certified.certificate
        assert (p.kind, p.morse_index, p.is_real, p.hessian_rank) == (alone.kind, alone.morse_index, alone.is_real,
                                                                     alone.hessian_rank)
        assert abs(p.loss - alone.loss) <= 1e-12 * (1 + abs(alone.loss))
        assert np.allclose(sorted(p.hessian_eigenvalues, key=lambda z: (z.real, z.imag)),
                           sorted(alone.hessian_eigenvalues, key=lambda z: (z.real, z.imag)), rtol=1e-9, atol=1e-12)
