"""Near collisions, multiple points and the exact pieces behind them (issue 16).

Every expected value is derived by hand in the test's comment: the roots of the gradients below
are explicit rationals or square roots, and the local multiplicities follow from the local rings.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from flint import acb

from algmorse import SolveOptions, analyze, solve_system
from algmorse.engine.certify import certify_point, disjoint_boxes
from algmorse.engine.clusters import split_cluster
from algmorse.engine.exact import available_exact_tools, exact_points, local_structure_at, modular_count
from algmorse.engine.rational_points import prove_rational_point
from algmorse.engine.refine import PointSet, RefinedPoint
from algmorse.model.network import FunctionProblem
from algmorse.model.options import Tolerances
from algmorse.model.system import build_system

needs_singular = pytest.mark.skipif("singular" not in available_exact_tools(), reason="Singular not installed")
needs_msolve = pytest.mark.skipif("msolve" not in available_exact_tools(), reason="msolve not installed")

F = Fraction


def _system(expression: str, variables=("x", "y")):
    return build_system(FunctionProblem(tuple(variables), expression))


def _mid(ball) -> complex:
    return complex(float(ball.real.mid()), float(ball.imag.mid()))


@needs_msolve
def test_exact_points_keep_our_variable_order_when_the_last_variable_does_not_separate():
    # x^2 - 9, y - 2, z - 5: the points are (-3, 2, 5) and (3, 2, 5); msolve lists its variables
    # as [x3, x2, x1] here and parametrizes by x1
    points = exact_points([{(2, 0, 0): F(1), (0, 0, 0): F(-9)}, {(0, 1, 0): F(1), (0, 0, 0): F(-2)},
                           {(0, 0, 1): F(1), (0, 0, 0): F(-5)}], 3)
    got = sorted(tuple(round(_mid(c).real, 9) for c in p) for p in points)
    assert got == [(-3.0, 2.0, 5.0), (3.0, 2.0, 5.0)]


@needs_msolve
def test_exact_points_of_a_pair_closer_than_double_precision():
    # x^2 - 10^-32, y - 2: x = +-1e-16, both returned, distinct
    points = exact_points([{(2, 0): F(1), (0, 0): F(-1, 10**32)}, {(0, 1): F(1), (0, 0): F(-2)}], 2, bits=256)
    xs = sorted(_mid(p[0]).real for p in points)
    assert xs == pytest.approx([-1e-16, 1e-16], rel=1e-12)
    assert all(_mid(p[1]) == 2 for p in points)


@needs_singular
@pytest.mark.parametrize("expression, distinct, total", [
    ("x^3 + y^2", 1, 2),                       # grad (3x^2, 2y): the origin, local ring <x^2, y>
    ("x^3/3 - x/10^10 + y^2", 2, 2),            # x = +-1e-5: two simple points
    ("(x^2 - 2)^2 + y^2", 3, 3),                # grad (4x(x^2 - 2), 2y): x = 0, +-sqrt 2, all simple
    ("x^4 + y^4", 1, 9),                        # the origin, local ring <x^3, y^3>: 9
])
def test_distinct_count_over_the_primes(expression, distinct, total):
    system = _system(expression)
    count = modular_count(system.sparse_gradient(), 2, distinct=True)
    assert (count.dimension, count.count_distinct, count.count_with_multiplicity) == (0, distinct, total)


@needs_singular
def test_local_structure_at_rational_points():
    # x^6 + y^6 + z^6 - 3x^2y^2 - 2y^2z^2 - x^2z^2 + xyz/5: the origin has local multiplicity 17
    # (Singular vdim in ds; 125 with multiplicity minus 108 simple points elsewhere)
    sextic = _system("x^6 + y^6 + z^6 - 3*x^2*y^2 - 2*y^2*z^2 - x^2*z^2 + x*y*z/5", ("x", "y", "z"))
    at_origin = local_structure_at(sextic.sparse_gradient(), 3, [0, 0, 0])
    assert (at_origin.dimension, at_origin.multiplicity) == (0, 17)
    # (x - 1/3)^4 + (y + 7/5)^2: grad (4(x - 1/3)^3, 2(y + 7/5)), local ring <u^3, v>: multiplicity 3
    shifted = _system("(x - 1/3)^4 + (y + 7/5)^2")
    assert local_structure_at(shifted.sparse_gradient(), 2, [F(1, 3), F(-7, 5)]).multiplicity == 3
    # ... and a point that is not a zero (the gradient is a unit there) has dimension -1
    assert local_structure_at(shifted.sparse_gradient(), 2, [F(0), F(0)]).dimension == -1
    # x^2 y^2: grad (2xy^2, 2x^2y) vanishes on both axes: local dimension 1 at the origin
    cross = _system("x^2*y^2")
    assert local_structure_at(cross.sparse_gradient(), 2, [0, 0]).dimension == 1


@needs_singular
def test_rational_proofs_need_an_exact_zero():
    shifted = _system("(x - 1/3)^4 + (y + 7/5)^2")
    proof = prove_rational_point(shifted.sparse_gradient(), np.array([1 / 3, -1.4], dtype=complex))
    assert proof is not None and proof.coordinates == (F(1, 3), F(-7, 5)) and proof.multiplicity == 3
    # a point near, but not at, a rational zero proves nothing
    assert prove_rational_point(shifted.sparse_gradient(), np.array([0.3, -1.4], dtype=complex)) is None
    # a non-real point is never read as rational
    assert prove_rational_point(shifted.sparse_gradient(), np.array([1 / 3 + 1e-3j, -1.4])) is None


@pytest.mark.parametrize("expression, midpoint, roots", [
    ("(x - 1)^3/3 - (x - 1)/10^10 + y^2", 1.0, [1 - 1e-5, 1 + 1e-5]),     # grad x: (x-1)^2 - 1e-10
    ("x^3/3 - x/10^32 + y^2", 0.0, [-1e-16, 1e-16]),                     # grad x: x^2 - 1e-32
    ("x^3/3 + x/10^10 + y^2", 0.0, [-1e-5j, 1e-5j]),                      # grad x: x^2 + 1e-10
])
def test_split_starts_resolve_a_pair_from_its_midpoint(expression, midpoint, roots):
    system = _system(expression)
    found = split_cluster(system.balls, system.numeric, np.array([midpoint, 0.0], dtype=complex), real=True)
    xs = sorted((complex(c.center[0]) for c in found), key=lambda z: (z.real, z.imag))
    assert len(xs) == 2 and not disjoint_boxes(found)
    for x, root in zip(xs, sorted(roots, key=lambda z: (complex(z).real, complex(z).imag))):
        assert abs(x - root) <= 1e-9 * abs(root)
    assert all(c.certificate.real is (not isinstance(roots[0], complex)) for c in found)


def test_split_starts_find_nothing_at_a_genuine_double_point():
    system = _system("x^3 + y^2")
    assert split_cluster(system.balls, system.numeric, np.zeros(2, dtype=complex), real=True) == []


def test_two_certified_points_closer_than_the_tolerance_are_two_points():
    # (x - 1)^3/3 - (x - 1)/10^32 + y^2: x = 1 +- 1e-16, which round to the same double
    system = _system("(x - 1)^3/3 - (x - 1)/10^32 + y^2")
    found = split_cluster(system.balls, system.numeric, np.array([1.0, 0.0], dtype=complex), real=True)
    assert len(found) == 2
    assert abs(found[0].center[0] - found[1].center[0]) < 1e-15  # the doubles (nearly) agree ...
    assert found[0].certificate.center[0] != found[1].certificate.center[0]  # ... the certified centers do not
    points = PointSet(Tolerances())
    midpoint = RefinedPoint(np.array([1.0, 0.0], dtype=complex), True, 1e-10)
    assert points.add(midpoint)
    for c in found:
        assert points.add(RefinedPoint(c.center, True, 0.0, c))
    # the uncertified midpoint is replaced; the two certified points stay, however close
    assert len(points) == 2 and all(p.certified is not None for p in points.points)
    # the same zero certified again (another box around it) is not new
    again = certify_point(system.balls, [acb(b) for b in found[0].box], real=True, precisions=(256,))
    assert again is not None and not points.add(RefinedPoint(again.center, True, 0.0, again))


def test_a_complex_box_that_meets_the_reals_is_settled_real_or_left_open():
    # grad of x^3/3 - x/4 + y^2 is (x^2 - 1/4, 2y): the real root x = 1/2 certified from a complex
    # start must be proven real (a real box inside the complex one), never called real by tolerance
    system = _system("x^3/3 - x/4 + y^2")
    certified = certify_point(system.balls, np.array([0.5 + 1e-30j, 0.0]), real=False)
    assert certified is not None and certified.certificate.real is True


@pytest.mark.parametrize("seed", range(1, 21))
def test_the_issue_spec_gives_two_certified_points_and_morse_for_every_seed(seed):
    # (x - 1)^3/3 - (x - 1)/10^10 + y^2: x = 1 -+ 1e-5, y = 0, a saddle (Hessian diag(-2e-5, 2))
    # and a minimum (diag(2e-5, 2)); Morse
    problem = FunctionProblem(("x", "y"), "(x - 1)^3/3 - (x - 1)/10^10 + y^2")
    catalog = analyze(problem, options=SolveOptions(seed=seed), progress_bar=False)
    points = catalog.critical_points
    assert len(points) == 2 and all(p.certified and p.is_real for p in points)
    assert sorted(p.kind for p in points) == ["minimum", "saddle"]
    assert sorted(round(p.coordinates[0] - 1, 12) for p in points) == [-1e-5, 1e-5]
    assert catalog.verdict.morse is True and catalog.verdict.complex_morse is True
    assert catalog.verdict.completeness in ("exact-count", "modular-count")


def test_the_square_system_near_pair_gives_both_solutions():
    # x^2 - 10^-16, y - 2: (+-1e-8, 2)
    catalog = solve_system(["x^2 - 1/10^16", "y - 2"], ["x", "y"], options=SolveOptions(seed=1), progress_bar=False)
    xs = sorted(p.coordinates[0] for p in catalog.critical_points)
    assert xs == pytest.approx([-1e-8, 1e-8], rel=1e-9)
    assert catalog.verdict.completeness in ("exact-count", "modular-count")


@needs_singular
def test_a_rational_point_on_a_line_is_not_isolated_and_the_line_is_real():
    # [1,1,1], t^3, no regularizer, x = 1, y = 2: L = (w2 w1^3 - 2)^2 / 2. grad = (f - 2)(3 w2 w1^2, w1^3)
    # with f = w2 w1^3: the critical set is {f = 2} (loss 0) and the line w1 = 0 (loss 2, real)
    from algmorse import Activation, Dataset, Network, NetworkProblem, Regularizer

    problem = NetworkProblem(network=Network((1, 1, 1), Activation.from_coefficients([0, 0, 0, 1]), bias=False),
                             data=Dataset(x=((F(1),),), y=((F(2),),)), scale=F(1, 2),
                             regularizer=Regularizer("none"))
    catalog = analyze(problem, options=SolveOptions(seed=3), progress_bar=False)
    assert not any(max(abs(c) for c in p.coordinates) < 1e-9 for p in catalog.critical_points)
    line = [c for c in catalog.components if c.loss is not None and abs(c.loss - 2) < 1e-9]
    assert line and line[0].real_points and line[0].kind != "complex"
    assert catalog.verdict.morse is False and catalog.verdict.morse_basis == "witness"


@needs_singular
@pytest.mark.parametrize("expression, sets", [
    # grad (x (x^2 - 2)^2, 2y): x = 0 simple, x = +-sqrt 2 double: one prime <x^2 - 2, y>, 2 real points
    ("(x^2 - 2)^3/6 + y^2", [(2, 2, 2)]),
    # grad (x (x^2 + 2)^2, 2y): x = +-i sqrt 2 double, not real
    ("(x^2 + 2)^3/6 + y^2", [(2, 2, 0)]),
    # grad (3x^2, 2y): the origin, multiplicity 2
    ("x^3 + y^2", [(1, 2, 1)]),
    # grad (x^2 - 1, 2y): two simple points, no multiple one
    ("x^3/3 - x + y^2", []),
])
def test_multiple_points_by_primary_decomposition(expression, sets):
    from algmorse.engine.exact import multiple_points

    found = multiple_points(_system(expression).sparse_gradient(), 2)
    assert sorted((m.points, m.multiplicity, m.real_points) for m in found) == sorted(sets)


@needs_singular
@pytest.mark.parametrize("expression, morse, basis", [
    # real double points at +-sqrt 2 (not rational, so not proven one by one): not Morse, by exact algebra
    ("(x^2 - 2)^3/6 + y^2", False, "exact-algebra"),
    # the double points are at +-i sqrt 2; the one real point, the origin (Hessian diag(4, 2)), is
    # certified: Morse over the reals, not over C
    ("(x^2 + 2)^3/6 + y^2", True, "modular-algebra"),
])
def test_irrational_multiple_points_are_decided_by_exact_algebra(expression, morse, basis):
    catalog = analyze(FunctionProblem(("x", "y"), expression), options=SolveOptions(seed=1), progress_bar=False)
    assert (catalog.verdict.morse, catalog.verdict.morse_basis) == (morse, basis)
    assert catalog.verdict.complex_morse is False
    assert any(r.code == "multiple-points-exact" for r in catalog.verdict.reasons)
    # the multiple points themselves are reported undetermined, never as proven degenerate points
    assert all(p.nondegenerate is None for p in catalog.critical_points if not p.certified)


def test_split_starts_resolve_a_cluster_spread_over_a_plane():
    # grad (x^2 - 1e-10, y^2 - 1e-10): four points (+-1e-5, +-1e-5) around the origin, where the
    # Hessian diag(2x, 2y) vanishes: both null directions and their diagonals are needed
    system = _system("x^3/3 - x/10^10 + y^3/3 - y/10^10")
    found = split_cluster(system.balls, system.numeric, np.zeros(2, dtype=complex), real=True)
    got = sorted((round(c.center[0].real * 1e5), round(c.center[1].real * 1e5)) for c in found)
    assert got == [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    assert all(c.certificate.real is True for c in found) and not disjoint_boxes(found)


def test_split_starts_scale_with_the_point():
    # grad x: (x - 1000)^2 - 1e-4: x = 1000 +- 1e-2 (relative separation 2e-5)
    system = _system("(x - 1000)^3/3 - (x - 1000)/10^4 + y^2")
    found = split_cluster(system.balls, system.numeric, np.array([1000.0, 0.0], dtype=complex), real=True)
    assert sorted(round(c.center[0].real - 1000, 9) for c in found) == [-0.01, 0.01]


def test_split_starts_resolve_a_complex_pair_from_a_complex_midpoint():
    # grad x: (x^2 + 1)^2 - 1e-10, so x^2 = -1 +- 1e-5: near i the two roots i sqrt(1 -+ 1e-5),
    # 1e-5 apart along the imaginary axis; Newton from i + t (t real) would stay on that line
    system = _system("x^5/5 + 2*x^3/3 + x - x/10^10 + y^2")
    found = split_cluster(system.balls, system.numeric, np.array([1j, 0.0]), real=False)
    roots = sorted(complex(c.center[0]).imag for c in found)
    assert roots == pytest.approx([np.sqrt(1 - 1e-5), np.sqrt(1 + 1e-5)], rel=1e-12)
    assert all(abs(complex(c.center[0]).real) < 1e-12 and c.certificate.real is False for c in found)


@pytest.mark.parametrize("point, expected", [
    ((1 / 3, -1.4), [(F(1, 3), F(-7, 5))]),                    # small denominators: found at once
    ((1 / 999983, 0.0), [(F(0), F(0)), (F(1, 999983), F(0))]),   # a prime denominator below 10^6
    ((2.0, 1e6 + 0.5), [(F(2), F(1000000)), (F(2), F(2000001, 2))]),  # 1/2 needs a denominator above 1
])
def test_rational_guesses_try_growing_denominators(point, expected):
    from algmorse.engine.rational_points import rational_guesses

    guesses = rational_guesses(np.array(point, dtype=complex))
    assert all(g in guesses for g in expected)
    assert len(set(guesses)) == len(guesses)  # no candidate twice


def test_rational_guesses_refuse_non_real_points_relative_to_their_size():
    from algmorse.engine.rational_points import rational_guesses

    assert rational_guesses(np.array([1 + 1e-5j, 0])) == []             # 1e-5 > 1e-6 * 1
    assert rational_guesses(np.array([1e6 + 1e-1j, 0])) != []          # 1e-1 <= 1e-6 * 1e6
    assert rational_guesses(np.array([2 + 3e-6j, 0])) == []             # above 1e-6 * max(1, 2)
    assert rational_guesses(np.array([0.5 + 9e-7j, 0])) != []           # below 1e-6 * max(1, |a|) = 1e-6
    assert rational_guesses(np.array([0.5 + 1.5e-6j, 0])) == []         # the size is at least 1, not |a| = 0.5
    assert rational_guesses(np.array([1e-10 - 1.3e-9j, 1e-10 - 1.3e-9j])) == [(0, 0)]  # a triple point, as found


@needs_singular
def test_a_rational_point_with_a_large_prime_denominator_is_proven():
    # grad of (x - 1/999983)^4 + y^2: the point (1/999983, 0), local ring <u^3, y>: multiplicity 3
    system = _system("(x - 1/999983)^4 + y^2")
    proof = prove_rational_point(system.sparse_gradient(), np.array([1 / 999983, 0.0], dtype=complex))
    assert proof is not None and proof.coordinates == (F(1, 999983), F(0)) and proof.multiplicity == 3


@pytest.mark.parametrize("imaginary, real", [(0.0, True), (1e-12, True), (0.25, False)])
def test_a_certificate_undecided_on_realness_is_labelled_by_the_refinement_rule(monkeypatch, imaginary, real):
    # a certificate with real=None (a complex box meeting the reals that no real box settled):
    # the label follows the same tolerance as every refined point (real_atol + real_rtol |a|)
    from algmorse.engine.certify import Certificate, CertifiedPoint
    from algmorse.search import Search

    system = _system("x^3/3 - x/4 + y^2")
    search = Search(system, Tolerances(), SolveOptions())
    center = np.array([0.5 + 1j * imaginary, 0.0])
    undecided = CertifiedPoint(center, Certificate(method="krawczyk", radius=1e-20, real=None, morse_index=None,
                                                   loss=(0.0, 0.0), precision=128),
                               np.array([0.5, imaginary, 0.0, 0.0]) - 1e-20, np.array([0.5, imaginary, 0.0, 0.0]) + 1e-20)
    monkeypatch.setattr(search, "_certify", lambda start, **kwargs: undecided)
    assert search.add_certified([acb(0.5), acb(0)])
    assert search.found.points[0].is_real is real
