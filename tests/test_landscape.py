"""The landscape verdicts (issue 18, item 4): all local minima global? strict saddle?

On hand-derived fixtures, and on typed evidence built here (certified points with their loss
enclosures and Morse indices), so that each answer is seen true, false and undetermined.
"""

from __future__ import annotations

import pytest

from algmorse import SolveOptions, analyze
from algmorse.analysis.classify import CriticalPoint
from algmorse.analysis.verdict import AlgebraicEvidence, Evidence, SearchEvidence, decide
from algmorse.engine.certify import Certificate
from algmorse.results.library import load_case


def _point(index: int, loss: tuple[float, float], orbit: int = 0, n: int = 2) -> CriticalPoint:
    """A certified real nondegenerate point of Morse index ``index`` with loss in ``loss``."""
    certificate = Certificate(method="krawczyk", radius=1e-15, real=True, morse_index=index, loss=loss, precision=64)
    eigenvalues = tuple(complex(-1 if k < index else 1) for k in range(n))
    return CriticalPoint(coordinates=(complex(orbit + loss[0]),) * n, is_real=True, loss=complex(loss[0]),
                         hessian_eigenvalues=eigenvalues, hessian_rank=n, hessian_min_singular_value=1.0,
                         hessian_noise_level=1e-16, nondegenerate=True, morse_index=index, multiplicity=1,
                         isolated=True, residual=0.0, orbit=orbit, certificate=certificate)


def _decide(points, *, coercive=True, dimension=0):
    algebra = AlgebraicEvidence(level="exact", dimension=dimension, count_with_multiplicity=len(points),
                                count_distinct=len(points))
    return decide(Evidence(points=points, algebra=algebra, coercive=coercive,
                           search=SearchEvidence(stable=True, stable_runs=2)))


def test_two_minima_of_one_orbit_and_a_saddle_all_minima_global():
    v = _decide([_point(0, (0.38, 0.38), orbit=0), _point(0, (0.38, 0.38), orbit=0), _point(1, (2.0, 2.0), orbit=1)])
    assert v.completeness == "exact-count"
    assert (v.all_minima_global, v.spurious_minima, v.strict_saddle) == (True, 0, True)
    assert v.landscape_basis == "coercive+exact-count"


def test_a_minimum_proven_above_another_is_spurious():
    v = _decide([_point(0, (0.1, 0.1 + 1e-15), orbit=0), _point(0, (0.5, 0.5), orbit=1), _point(1, (1.0, 1.0), 2)])
    assert (v.all_minima_global, v.spurious_minima, v.strict_saddle) == (False, 1, True)
    (reason,) = [r for r in v.reasons if r.code == "landscape"]
    assert reason.points == (1,) and "0.5" in reason.message


def test_overlapping_enclosures_of_two_orbits_leave_it_open():
    # 0.1 and 0.1 + 1e-16 cannot be told apart: either minimum may be spurious by a hair
    v = _decide([_point(0, (0.1, 0.1 + 2e-16), orbit=0), _point(0, (0.1 + 1e-16, 0.1 + 3e-16), orbit=1)])
    assert v.all_minima_global is None and v.spurious_minima is None and v.strict_saddle is True


def test_without_coercivity_the_minimum_may_lie_at_infinity():
    v = _decide([_point(0, (0.1, 0.1)), _point(1, (1.0, 1.0), orbit=1)], coercive=None)
    assert v.all_minima_global is None and v.strict_saddle is True and v.landscape_basis == "exact-count"


def test_no_local_minimum_at_all_is_vacuously_global():
    v = _decide([_point(1, (1.0, 1.0))], coercive=None)
    assert (v.all_minima_global, v.spurious_minima, v.strict_saddle) == (True, 0, True)


def test_an_incomplete_or_positive_dimensional_set_leaves_the_landscape_open():
    incomplete = decide(Evidence(points=[_point(0, (0.1, 0.1))], coercive=True,
                                 search=SearchEvidence(stable=True, stable_runs=2)))
    assert incomplete.all_minima_global is None and incomplete.strict_saddle is None
    positive = _decide([_point(0, (0.1, 0.1))], dimension=1)
    assert positive.all_minima_global is None and positive.strict_saddle is None


@pytest.mark.phcpack
@pytest.mark.exact
def test_the_depth_two_chain_with_l2_has_no_spurious_minimum():
    # chain2_l2.toml (hand derivation in its header): minima a = b = +-sqrt(9/5) at loss 19/50, the
    # origin an index-1 saddle at loss 2; L2 makes the loss coercive
    catalog = analyze(load_case("chain2_l2").spec.problem, options=SolveOptions(seed=1), progress_bar=False)
    v = catalog.verdict
    assert (v.all_minima_global, v.spurious_minima, v.strict_saddle) == (True, 0, True)


@pytest.mark.exact
def test_a_circle_of_global_minima_is_decided_by_certified_normal_signs():
    # net121_lin_l2_circle.toml (hand derivation in its header): the real circle u = v,
    # |u|^2 = 4/3 of minima at loss 10/9, a conic without real points, the origin an index-2
    # saddle at loss 2; L2 makes the loss coercive. The circle's normal index (0) is certified at
    # its proven real points, where the Morse-Bott tests prove the Hessian's rank is 3.
    catalog = analyze(load_case("net121_lin_l2_circle").spec.problem, options=SolveOptions(seed=1),
                      progress_bar=False)
    v = catalog.verdict
    assert (v.all_minima_global, v.spurious_minima, v.strict_saddle) == (True, 0, True)
    assert v.landscape_basis == "coercive+exact-count"
    (reason,) = [r for r in v.reasons if r.code == "landscape"]
    assert "loss 1.11111" in reason.message


def test_a_component_whose_signs_are_not_certified_leaves_it_open():
    from algmorse.analysis.components import Component
    from algmorse.analysis.verdict import ComponentEvidence

    conic = Component(dimension=1, degree=2, witness_points=((1j, 1j), (-1j, -1j)), real_points=((1.0, 0.0),),
                      loss=1 + 0j, hessian_rank=1, kind="minima", description="a conic of minima")
    points = [_point(1, (2.0, 2.0))]
    algebra = AlgebraicEvidence(level="exact", dimension=1, isolated_distinct=1)
    base = dict(points=points, algebra=algebra, coercive=True, search=SearchEvidence(stable=True, stable_runs=2),
                components=[conic])
    unknown = decide(Evidence(**base, component_evidence=(ComponentEvidence(real=True, indices=None,
                                                                            loss=(1.0, 1.0)),)))
    assert unknown.all_minima_global is None and unknown.strict_saddle is None
    proven = decide(Evidence(**base, component_evidence=(ComponentEvidence(real=True, indices=(0,),
                                                                           loss=(1.0, 1.0)),)))
    assert (proven.all_minima_global, proven.strict_saddle) == (True, True)
    no_real = decide(Evidence(**base, component_evidence=(ComponentEvidence(real=False),)))
    assert (no_real.all_minima_global, no_real.spurious_minima) == (True, 0)  # no real minimum at all


@pytest.mark.exact
def test_a_minimum_at_the_loss_lower_bound_is_global_without_a_regularizer():
    # net111_lin_noreg_hyperbola.toml: L = 1/2 (a b - 2)^2 >= 0, zero on the hyperbola a b = 2
    # (minima, exact loss 0 from its loss polynomial t), the origin an index-1 saddle at loss 2:
    # the hyperbola attains the lower bound 0, so every local minimum is global
    catalog = analyze(load_case("net111_lin_noreg_hyperbola").spec.problem, options=SolveOptions(seed=1),
                      progress_bar=False)
    v = catalog.verdict
    assert (v.all_minima_global, v.spurious_minima, v.strict_saddle) == (True, 0, True)
    assert v.landscape_basis == "attained+exact-count"


def test_a_lower_bound_not_attained_leaves_global_minima_open():
    v = decide(Evidence(points=[_point(0, (0.1, 0.1)), _point(1, (1.0, 1.0), orbit=1)],
                        algebra=AlgebraicEvidence(level="exact", dimension=0, count_with_multiplicity=2,
                                                  count_distinct=2),
                        loss_lower_bound=0.0, search=SearchEvidence(stable=True, stable_runs=2)))
    assert v.all_minima_global is None and v.strict_saddle is True


def test_two_components_with_the_same_exact_loss_are_both_global():
    # two circles of minima in different components (as the [2,2,2] factorization's minimizer
    # circles), at exactly the same rational loss 7/4; a saddle component above
    from fractions import Fraction

    from algmorse.analysis.components import Component
    from algmorse.analysis.verdict import ComponentEvidence

    circle = Component(dimension=1, degree=2, witness_points=((1j, 1j), (-1j, -1j)), real_points=((1.0, 0.0),),
                       loss=1.75 + 0j, hessian_rank=1, kind="minima", description="a circle of minima")
    base = dict(points=[_point(2, (4.0, 4.0))], algebra=AlgebraicEvidence(level="exact", dimension=1,
                                                                         isolated_distinct=1),
                coercive=True, search=SearchEvidence(stable=True, stable_runs=2), components=[circle, circle])
    exact = decide(Evidence(**base, component_evidence=(
        ComponentEvidence(real=True, indices=(0,), loss=(1.75, 1.75), exact_loss=Fraction(7, 4)),
        ComponentEvidence(real=True, indices=(0,), loss=(1.75, 1.75), exact_loss=Fraction(7, 4)))))
    assert (exact.all_minima_global, exact.spurious_minima) == (True, 0)
    # the same enclosures without exact losses: a difference below their width is not excluded
    inexact = decide(Evidence(**base, component_evidence=(
        ComponentEvidence(real=True, indices=(0,), loss=(1.75, 1.75 + 1e-15)),
        ComponentEvidence(real=True, indices=(0,), loss=(1.75, 1.75 + 1e-15)))))
    assert inexact.all_minima_global is None
