"""Seeds 001 and 004: the examples' key numbers against hand derivations and exact algebra.

The examples (``examples/seed001_hessian_spectra.py``, ``examples/seed004_deep_factorization.py``)
are loaded as modules; their docstrings carry the derivations quoted here.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy
from _examples import load_example

import algmorse
from algmorse.engine.exact import exact_check
from algmorse.results.library import load_case

seed001 = load_example("seed001_hessian_spectra")
seed004 = load_example("seed004_deep_factorization")


# -- seed 004: the collapse threshold -------------------------------------------------------------

def _phi_prime(rho, depth, m, lam):
    return rho - abs(m) + lam * rho ** (2 / depth - 1)


@pytest.mark.parametrize("m", [2, -3, 0.5])
def test_depth_two_collapses_at_lam_equal_to_m(m):
    # phi(rho) = 1/2 (rho - |m|)^2 + lam rho: minimizer rho = |m| - lam, which reaches 0 at lam = |m|
    assert seed004.collapse_threshold(2, m) == pytest.approx(abs(m), rel=1e-14)


def test_depth_three_threshold_is_one_for_target_two():
    # L = 3, m = 2, lam = 1: phi(1) = 1/2 (1 - 2)^2 + 3/2 = 2 = phi(0) and phi'(1) = 1 - 2 + 1 = 0
    assert seed004.collapse_threshold(3, 2) == pytest.approx(1.0, rel=1e-14)
    # in general (|m| / 2)^(4/3) for L = 3
    assert seed004.collapse_threshold(3, -3) == pytest.approx(1.5 ** (4 / 3), rel=1e-14)


@pytest.mark.parametrize("depth", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("m", [2, -3])
def test_paper_tau_is_depth_times_our_threshold(depth, m):
    # tau = mu*/c for c (rho - |m|)^2 + mu rho^(2/L); ours has c = 1/2, mu = lam L / 2: tau = L lam*
    assert seed004.paper_tau(depth, m) == pytest.approx(depth * seed004.collapse_threshold(depth, m), rel=1e-12)


@pytest.mark.parametrize("depth", [3, 4, 5])
@pytest.mark.parametrize("m", [2, -3])
def test_closed_form_threshold_is_where_phi_ties_with_zero(depth, m):
    """Against the definition: the least value of phi over rho > 0 crosses phi(0) at lam*."""
    lam = seed004.collapse_threshold(depth, m)
    rho_star = abs(m) * (depth - 2) / (depth - 1)
    assert seed004.phi(rho_star, depth, m, lam) == pytest.approx(seed004.phi(0.0, depth, m, lam), rel=1e-12)
    assert _phi_prime(rho_star, depth, m, lam) == pytest.approx(0.0, abs=1e-12)
    rho = np.linspace(1e-6, 3 * abs(m), 200001)
    below, above = seed004.phi(rho, depth, m, 0.999 * lam), seed004.phi(rho, depth, m, 1.001 * lam)
    assert below.min() < seed004.phi(0.0, depth, m, 0.999 * lam)
    assert above.min() > seed004.phi(0.0, depth, m, 1.001 * lam)


def test_complex_count_formula():
    assert [seed004.complex_count(L) for L in (2, 3, 4, 5)] == [5, 17, 49, 129]  # math.md


# -- seed 004: the chain's minimizers -------------------------------------------------------------

@pytest.mark.phcpack
def test_chain3_minimizers_are_balanced_with_one_spectrum():
    """chain3_l2: 1/2 (w1 w2 w3 - 2)^2 + 1/10 |w|^2, i.e. lam = 1/5 in the example's normalization.

    By hand (example docstring): every critical point has w_i^2 equal; the global minimizers are
    w_i = s_i r with s_1 s_2 s_3 = 1 and r the largest root of r (2 - r^3) = 1/5; the Hessian
    there has eigenvalues 2 lam = 2/5 (twice) and 3 r^4 - lam.
    """
    catalog = algmorse.analyze(load_case("chain3_l2").spec.problem, options=algmorse.SolveOptions(seed=1))
    assert len(catalog.critical_points) == 17
    r = max(z.real for z in np.roots([1, 0, 0, -2, 0.2]) if abs(z.imag) < 1e-12)
    best = seed004.global_minimizers(catalog)
    expected = sorted([(s1 * r, s2 * r, s1 * s2 * r) for s1, s2 in itertools.product((1, -1), repeat=2)])
    assert sorted(tuple(seed004.coordinates(p)) for p in best) == [pytest.approx(e, rel=1e-10) for e in expected]
    for p in best:
        assert sorted(e.real for e in p.hessian_eigenvalues) == pytest.approx([0.4, 0.4, 3 * r**4 - 0.2], rel=1e-9)
    assert seed004.balance_deviation(catalog) < 1e-12
    # the example's own formulas agree with the hand values
    assert seed004.minimizer_radius(3, 2, 0.2) == pytest.approx(r, rel=1e-12)
    assert seed004.spectrum_deviation(best, [0.4, 0.4, 3 * r**4 - 0.2]) < 1e-9


@pytest.mark.phcpack
@pytest.mark.exact
def test_sweep_and_bisection_bracket_the_closed_form_threshold():
    # L = 3, m = 2: lam* = 1 (hand, above). Above it the global minimizer is the origin, loss m^2/2 = 2.
    points = seed004.sweep(3, Fraction(2), [0.7, 0.9, 1.1, 1.3], seed=1)
    assert [p.collapsed for p in points] == [False, False, True, True]
    assert points[2].minimum_loss == pytest.approx(2.0, rel=1e-12)
    assert points[1].minimum_loss < 2.0
    low, high = seed004.first_collapse(points)
    assert (low, high) == pytest.approx((0.9, 1.1))
    low, high = seed004.bisect_threshold(3, Fraction(2), 0.93, 1.03, steps=3, seed=1)
    assert low < 1.0 <= high and high - low == pytest.approx(0.1 / 8)


@pytest.mark.phcpack
@pytest.mark.exact
@pytest.mark.parametrize("depth", [2, 4])
def test_collapse_threshold_at_depths_two_and_four(depth):
    # L = 2: lam* = |m| = 2 by hand (the minimizer r^2 = m - lam vanishes at lam = m); L = 4: the
    # closed form of the example's docstring. Just below lam* the global minimizer is not the
    # origin; just above it, it is, with loss m^2/2 = 2.
    threshold = seed004.collapse_threshold(depth, 2.0)
    if depth == 2:
        assert threshold == pytest.approx(2.0, rel=1e-14)
    below, above = seed004.sweep(depth, Fraction(2), [0.95 * threshold, 1.05 * threshold], seed=1)
    assert not below.collapsed and above.collapsed
    assert below.minimum_loss < 2.0 and above.minimum_loss == pytest.approx(2.0, rel=1e-12)


@pytest.mark.phcpack
@pytest.mark.exact
@pytest.mark.parametrize("depth", [3, 4])
def test_generalized_l2_chain_counts_follow_the_formula(depth):
    # math.md (seed 004): 1 + (2L - 2) 2^(L-1) complex critical points for generalized L2 too, all
    # nondegenerate (the exact check inside solve_chain raises on any disagreement with Singular)
    catalog, row = seed004.solve_chain(depth, Fraction(2), Fraction(1, 5), seed=1, generalized=True)
    assert row.found == row.exact == seed004.complex_count(depth) == (17, 49)[depth - 3]
    assert row.degenerate == 0 and row.complex_morse is True


# -- seed 004: matrix factorization ---------------------------------------------------------------

@pytest.mark.phcpack
def test_rank_one_factorization_minimizers_are_balanced_with_one_product():
    # mf212_l2 (hand, in the fixture): minimizers u = v = +-sqrt(5/2) e1, product diag(5/2, 0)
    catalog = algmorse.analyze(seed004.factorization_problem(1), options=algmorse.SolveOptions(seed=1))
    best = seed004.global_minimizers(catalog)
    assert len(best) == 2 and best[0].loss.real == pytest.approx(15 / 8, rel=1e-12)
    for p in best:
        check = seed004.check_factorization((2, 1, 2), seed004.coordinates(p))
        assert check.norms == pytest.approx((2.5, 2.5), rel=1e-12)
        assert check.imbalance < 1e-12
        assert check.product == pytest.approx(np.diag([2.5, 0.0]), abs=1e-12)


def test_rotated_factorizations_are_critical_with_one_zero_eigenvalue():
    """[2, 2, 2], M = diag(3, 1), lam = 1/2: W1 = Q D, W2 = D Q^T with D^2 = M - lam I = diag(5/2, 1/2).

    By hand: (W2 W1 - M) W1^T + lam W2 = (D^2 - M + lam I) D Q^T = 0 (and symmetrically), loss
    1/2 ||D^2 - M||^2 + (lam/2) 2 tr D^2 = 1/4 + 3/2 = 7/4, ||W1||^2 = ||W2||^2 = tr D^2 = 3.
    """
    system = algmorse.build_system(seed004.factorization_problem(2))
    for point in seed004.rotation_minimizers(4):
        assert np.max(np.abs(system.numeric.gradient(point))) < 1e-13
        assert system.numeric.loss(point) == pytest.approx(7 / 4, rel=1e-13)
        check = seed004.check_factorization((2, 2, 2), point)
        assert check.norms == pytest.approx((3.0, 3.0), rel=1e-13) and check.imbalance < 1e-13
        assert check.product == pytest.approx(np.diag([2.5, 0.5]), abs=1e-13)
        assert seed001.zero_count(np.linalg.eigvalsh(system.numeric.hessian(point))) == 1
    # exactly, at Q = I: the Hessian has rank 7 (one zero eigenvalue, the tangent of the circle)
    d1, d2 = sympy.sqrt(sympy.Rational(5, 2)), sympy.sqrt(sympy.Rational(1, 2))
    point = dict(zip(system.ring.gens, [d1, 0, 0, d2, d1, 0, 0, d2]))
    hessian = sympy.Matrix([[h.as_expr().subs({g.as_expr(): v for g, v in point.items()}) for h in row]
                            for row in system.hessian])
    assert hessian.rank(simplify=True) == 7


@pytest.mark.exact
def test_full_rank_factorization_critical_set_by_singular():
    # By hand: origin; for S = {k}: conics {W1 = d q e_k^T, q.q = 1}, d^2 = +-sigma_k - lam, one QQ-prime
    # of degree 2 each (4); for S = {1, 2}: O(2, C)-orbits, two conics per sign choice of
    # d_1^2, d_2^2 joined over QQ because d_1 d_2 is irrational: 4 primes of degree 4.
    system = algmorse.build_system(seed004.factorization_problem(2))
    result = exact_check(system.sparse_gradient(), system.num_variables)
    assert result.dimension == 1
    assert result.components == ((1, 4),) * 4 + ((1, 2),) * 4 + ((0, 1),)


# -- seed 001 -------------------------------------------------------------------------------------

def test_two_points_fix_the_cubic():
    # P - Q/3 = 1 and 2P - 8Q/3 = 1 give Q = 1/2, P = 7/6
    assert seed001.cubic_fit(seed001.TWO_POINTS) == (Fraction(7, 6), Fraction(1, 2))


def test_zero_eigenvalues_without_l2_equal_the_dimension_of_the_minima():
    """[1, 2, 1] without regularizer: at exact points of the zero-loss surface the Hessian is J^T J
    with J the 2 x 4 Jacobian of (f(x_1), f(x_2)), so its rank is 2 and 4 - 2 = 2 eigenvalues vanish."""
    system = algmorse.build_system(seed001.tanh_problem((1, 2, 1), seed001.TWO_POINTS, None))
    domain = system.ring.domain
    for a in seed001.SURFACE_SAMPLES:
        point = seed001.zero_loss_point(seed001.TWO_POINTS, a)
        assert system.loss(*[domain(c.numerator, c.denominator) for c in point]) == 0  # exactly
        assert seed001.exact_hessian_rank(system, point) == 2
        assert seed001.zero_count(seed001.spectrum(system, [float(c) for c in point])) == 2


def test_off_the_surface_every_critical_point_is_an_index_two_saddle():
    # b = 0, a_j in {0, 1, -1}: grad = 0, loss 1, Hessian [[0, C], [C, G]] with C invertible -> index 2
    system = algmorse.build_system(seed001.tanh_problem((1, 2, 1), seed001.TWO_POINTS, None))
    for a1, a2 in itertools.product((0, 1, -1), repeat=2):
        point = np.array([a1, a2, 0, 0], dtype=float)
        assert np.max(np.abs(system.numeric.gradient(point))) == 0
        assert system.numeric.loss(point) == pytest.approx(1.0, rel=1e-15)
        assert int(np.sum(seed001.spectrum(system, point) < 0)) == 2


@pytest.mark.exact
def test_unregularized_critical_set_by_singular():
    # the zero-loss surface (complete intersection of degrees 2 and 4) and the 9 rational saddles
    system = algmorse.build_system(seed001.tanh_problem((1, 2, 1), seed001.TWO_POINTS, None))
    result = exact_check(system.sparse_gradient(), system.num_variables)
    assert result.dimension == 2
    assert result.components == ((2, 8),) + ((0, 1),) * 9


@pytest.mark.phcpack
@pytest.mark.exact
def test_l2_removes_the_zero_eigenvalues():
    row, catalog = seed001.regularized_row((1, 2, 1), seed001.TWO_POINTS, 1)
    assert len(catalog.critical_points) == 113  # Singular vdim = vdim(radical) (net121_tanh_l2)
    assert catalog.verdict.complex_morse is True and catalog.summary.degenerate == 0
    assert row.spectra and all(seed001.zero_count(s) == 0 and min(s) > 0 for s in row.spectra)


@pytest.mark.phcpack
def test_curve_of_minima_has_one_zero_eigenvalue():
    # net111_tanh_noreg by hand: the curve b (3a - a^3) = 3 (dimension 1 = 2 parameters - 1 datum)
    row = seed001.curve_row(1)
    assert row.dimension == 1 and row.spectra
    for eigenvalues in row.spectra:
        assert seed001.zero_count(eigenvalues) == 1 and max(eigenvalues) > 0


# -- the examples end to end ----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.phcpack
@pytest.mark.exact
@pytest.mark.parametrize("module, figures", [
    (seed001, ["hessian_spectra.png", "critical_values_l2.png"]),
    (seed004, ["sweep_minima.png", "sweep_norm.png", "phi_L3.png", "hessian_minimizers.png",
               "critical_values_chain4.png"]),
])
def test_example_runs_end_to_end(module, figures, tmp_path, capsys):
    assert module.main(["--out", str(tmp_path)]) == 0
    for name in figures:
        assert (tmp_path / name).stat().st_size > 10_000
    assert "Total time" in capsys.readouterr().out
