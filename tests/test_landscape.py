"""The landscape verdicts (issue 18, item 4): all local minima global? strict saddle?

On hand-derived fixtures, and on typed evidence built here (certified points with their loss
enclosures and Morse indices), so that each answer is seen true, false and undetermined.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from algmorse import SolveOptions, analyze
from algmorse.analysis.classify import CriticalPoint
from algmorse.analysis.verdict import AlgebraicEvidence, Evidence, SearchEvidence, decide
from algmorse.engine.certify import Certificate
from algmorse.model.network import Activation, Dataset, Network, NetworkProblem, Regularizer
from algmorse.results.library import load_case


def _point(index: int, loss: tuple[float, float], orbit: int = 0, n: int = 2) -> CriticalPoint:
    """A certified real nondegenerate point of Morse index ``index`` with loss in ``loss``."""
    certificate = Certificate(method="krawczyk", radius=1e-15, real=True, morse_index=index, loss=loss, precision=64)
    eigenvalues = tuple(complex(-1 if k < index else 1) for k in range(n))
    return CriticalPoint(coordinates=(complex(orbit + loss[0]),) * n, is_real=True, loss=complex(loss[0]),
                         hessian_eigenvalues=eigenvalues, hessian_rank=n, hessian_min_singular_value=1.0,
                         hessian_noise_level=1e-16, nondegenerate=True, morse_index=index, multiplicity=1,
                         isolated=True, residual=0.0, orbit=orbit, certificate=certificate)


def _conic():
    """A component as the landscape rules see it (its kind and samples do not decide anything)."""
    from algmorse.analysis.components import Component

    return Component(dimension=1, degree=2, witness_points=((1j, 1j), (-1j, -1j)), real_points=((1.0, 0.0),),
                     loss=1 + 0j, hessian_rank=1, kind="minima", description="a conic")


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
    from algmorse.analysis.verdict import ComponentEvidence

    conic = _conic()
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

    from algmorse.analysis.verdict import ComponentEvidence

    circle = _conic()
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


# --- written against mutants of the landscape rules that survived the first run -----------------

def _exact_point(index: int, loss: float, orbit: int = 0) -> CriticalPoint:
    """A rational point proven exactly (no certificate): its loss is exact up to double rounding."""
    from fractions import Fraction

    from algmorse.engine.rational_points import ExactPoint

    return CriticalPoint(coordinates=(complex(loss), complex(orbit)), is_real=True, loss=complex(loss),
                         hessian_eigenvalues=(1 + 0j, 1 + 0j), hessian_rank=2, hessian_min_singular_value=1.0,
                         hessian_noise_level=1e-16, nondegenerate=True, morse_index=index, multiplicity=1,
                         isolated=True, residual=0.0, orbit=orbit,
                         exact_point=ExactPoint((Fraction(loss), Fraction(orbit)), 0, 1))


def test_the_certificates_index_decides_which_points_are_minima():
    # the certificate proves index 0; the classification's own index (1) is not what counts
    certified = _point(0, (0.5, 0.5), orbit=1)
    certified = CriticalPoint(**{**{f: getattr(certified, f) for f in certified.__slots__}, "morse_index": 1})
    v = _decide([_point(0, (0.1, 0.1)), certified])
    assert (v.all_minima_global, v.spurious_minima) == (False, 1)
    # without a certificate the classification's index is the one there is
    v = _decide([_exact_point(0, 0.1), _exact_point(1, 0.5, orbit=1)])
    assert (v.all_minima_global, v.spurious_minima, v.strict_saddle) == (True, 0, True)


def test_an_exact_points_loss_is_enclosed_to_a_few_units_in_the_last_place():
    # an exact minimum at loss 1 and a certified one whose enclosure starts 1e-15 above: 4 ulp of 1
    # (8.9e-16) separate them, so the certified one is proven spurious
    v = _decide([_exact_point(0, 1.0), _point(0, (1.0 + 1e-15, 1.0 + 2e-15), orbit=1)])
    assert (v.all_minima_global, v.spurious_minima) == (False, 1)
    (reason,) = [r for r in v.reasons if r.code == "landscape"]
    assert reason.points == (1,)
    # 1e-16 above instead: within the exact point's enclosure, so not told apart
    v = _decide([_exact_point(0, 1.0), _point(0, (1.0 + 1e-16, 1.0 + 2e-16), orbit=1)])
    assert v.all_minima_global is None


def _with_components(points, evidence, **kwargs):
    conic = _conic()
    algebra = AlgebraicEvidence(level="exact", dimension=1, isolated_distinct=len(points))
    return decide(Evidence(points=points, algebra=algebra, search=SearchEvidence(stable=True, stable_runs=2),
                           components=[conic] * len(evidence), component_evidence=evidence,
                           **{"coercive": True, **kwargs}))


def test_components_of_saddles_are_not_minima_and_a_piece_of_minima_is():
    from algmorse.analysis.verdict import ComponentEvidence

    saddles = _with_components([_point(0, (3.0, 3.0))], (ComponentEvidence(real=True, indices=(1,), loss=(1.0, 1.0)),))
    assert (saddles.all_minima_global, saddles.spurious_minima) == (True, 0)  # the point is the only minimum
    mixed = _with_components([_point(0, (3.0, 3.0))], (ComponentEvidence(real=True, indices=(1, 0), loss=(1.0, 1.0)),))
    assert (mixed.all_minima_global, mixed.spurious_minima) == (False, 1)  # the point, above the component
    (reason,) = [r for r in mixed.reasons if r.code == "landscape"]
    assert reason.points == (0,) and "3" in reason.message
    only = _with_components([], (ComponentEvidence(real=True, indices=(1,), loss=(1.0, 1.0)),), coercive=None)
    assert (only.all_minima_global, only.spurious_minima, only.strict_saddle) == (True, 0, True)


def test_each_missing_proof_about_components_leaves_the_landscape_open():
    from algmorse.analysis.verdict import ComponentEvidence

    good = ComponentEvidence(real=True, indices=(0,), loss=(1.0, 1.0))
    for evidence in ((ComponentEvidence(real=None),), (ComponentEvidence(real=True, indices=(0,), loss=None),),
                     (ComponentEvidence(real=True, indices=None, loss=(1.0, 1.0)),)):
        v = _with_components([], evidence)
        assert v.all_minima_global is None and v.strict_saddle is None, evidence
    assert _with_components([], (good,)).all_minima_global is True
    # component evidence for fewer components than there are: open
    conic = _conic()
    v = decide(Evidence(points=[], algebra=AlgebraicEvidence(level="exact", dimension=1, isolated_distinct=0),
                        search=SearchEvidence(stable=True, stable_runs=2), components=[conic, conic],
                        component_evidence=(good,), coercive=True))
    assert v.all_minima_global is None
    # a rational point proven on a component, with nothing said of the components: open
    from fractions import Fraction

    from algmorse.engine.rational_points import ExactPoint

    v = decide(Evidence(points=[], algebra=AlgebraicEvidence(level="exact", dimension=0, count_with_multiplicity=0,
                                                             count_distinct=0),
                        search=SearchEvidence(stable=True, stable_runs=2), coercive=True,
                        non_isolated=(ExactPoint((Fraction(0),), 1, None),)))
    assert v.all_minima_global is None


def test_an_unproven_real_point_leaves_the_landscape_open():
    unproven = _point(0, (0.1, 0.1))
    unproven = CriticalPoint(**{**{f: getattr(unproven, f) for f in unproven.__slots__}, "certificate": None})
    v = _decide([unproven])
    assert v.all_minima_global is None and v.strict_saddle is None
    degenerate = _exact_point(0, 0.1)
    degenerate = CriticalPoint(**{**{f: getattr(degenerate, f) for f in degenerate.__slots__}, "nondegenerate": False})
    v = _decide([degenerate])
    assert v.all_minima_global is None and v.strict_saddle is None


def test_a_certified_minimum_above_a_proven_real_point_is_spurious_whatever_else_is_open():
    from algmorse.analysis.verdict import ComponentEvidence

    conic = _conic()
    algebra = AlgebraicEvidence(level="exact", dimension=1, isolated_distinct=1)
    base = dict(algebra=algebra, coercive=None, search=SearchEvidence(stable=True, stable_runs=2), components=[conic])
    # the origin of a deep linear network with L2: a certified minimum at loss 2; a real component at 0.46 whose
    # normal signs are unknown. No coercivity is needed: loss 0.46 is attained, so 2 is not the minimum.
    v = decide(Evidence(points=[_point(0, (2.0, 2.0))], **base,
                        component_evidence=(ComponentEvidence(real=True, indices=None, loss=(0.46, 0.47)),)))
    assert (v.all_minima_global, v.spurious_minima, v.strict_saddle, v.landscape_basis) == (False, None, None, "witness")
    (reason,) = [r for r in v.reasons if r.code == "landscape"]
    assert "0.47" in reason.message and "undetermined" in reason.message  # the upper end of the enclosure
    # a proven real saddle below the minimum proves it just as well (incomplete set: still decided)
    incomplete = decide(Evidence(points=[_point(0, (2.0, 2.0)), _point(1, (1.0, 1.0))], coercive=None,
                                 search=SearchEvidence(stable=True, stable_runs=2)))
    assert (incomplete.all_minima_global, incomplete.landscape_basis) == (False, "witness")


@pytest.mark.parametrize("case", ["overlapping", "unproven minimum", "unproven real point", "complex component",
                                  "loss unknown", "minimum below"])
def test_no_spurious_minimum_is_claimed_without_each_proof(case):
    from algmorse.analysis.verdict import ComponentEvidence

    minimum, other = _point(0, (2.0, 2.0)), _point(1, (1.0, 1.0))
    if case == "overlapping":  # the other point's loss may be as high as the minimum's
        other = _point(1, (1.5, 2.0))
    elif case == "unproven minimum":
        minimum = CriticalPoint(**{**{f: getattr(minimum, f) for f in minimum.__slots__}, "certificate": None})
    elif case == "unproven real point":
        other = CriticalPoint(**{**{f: getattr(other, f) for f in other.__slots__}, "certificate": None})
    elif case == "minimum below":
        minimum = _point(0, (0.5, 0.5))
    points = [minimum, other]
    evidence = ()
    if case in ("complex component", "loss unknown"):  # the lower loss is on a component not proven real
        points = [minimum]
        evidence = (ComponentEvidence(real=False, loss=(1.0, 1.0)) if case == "complex component" else
                    ComponentEvidence(real=True, loss=None),)
    v = decide(Evidence(points=points, components=[_conic()] if evidence else [], component_evidence=evidence or None,
                        algebra=AlgebraicEvidence(level="exact", dimension=1, isolated_distinct=len(points)),
                        coercive=None, search=SearchEvidence(stable=True, stable_runs=2)))
    assert v.all_minima_global is not False and v.landscape_basis != "witness", case


@pytest.mark.exact
def test_the_origin_of_a_deep_linear_network_with_l2_is_a_spurious_minimum():
    # [1, 2, 2, 1], linear, x = 1, y = 2, L2 eps = 1/10 (issue 18): at the origin the products of
    # three weights contribute nothing of order 2, so the Hessian is 2 eps I: a strict local
    # minimum at loss 1/2 * 2^2 = 2; the real surface of minima has loss 0.4633 < 2
    problem = NetworkProblem(Network((1, 2, 2, 1), Activation.from_coefficients([0, 1]), bias=False),
                             Dataset(((F(1),),), ((F(2),),)), regularizer=Regularizer("l2", F(1, 10)))
    v = analyze(problem, options=SolveOptions(seed=1), progress_bar=False).verdict
    assert (v.all_minima_global, v.landscape_basis) == (False, "witness")


@pytest.mark.exact
def test_no_normal_index_is_certified_on_a_component_with_degenerate_points():
    # chain4_mult.toml (hand derivation in its header): the six critical planes have Hessian rank 2
    # (their codimension) except on the real lines where three coordinates vanish, where the whole
    # Hessian vanishes: no negative eigenvalue there, so strict saddle must not be claimed from the
    # index (1) certified at the planes' generic points
    v = analyze(load_case("chain4_mult").spec.problem, options=SolveOptions(seed=1), progress_bar=False).verdict
    assert v.strict_saddle is None and v.all_minima_global is None


def test_exact_and_ball_loss_enclosures_hold_the_exact_value():
    from flint import acb, arb, fmpq

    from algmorse.analysis.exact_first import _exact_enclosure, _real_interval
    from algmorse.engine.exact_components import PrimeComponent

    third = PrimeComponent(1, 1, (), (F(-1, 3), F(1)))  # loss polynomial t - 1/3
    low, high = _exact_enclosure(third)
    assert F(low) < F(1, 3) < F(high)
    low, high = _real_interval(acb(arb(fmpq(1, 3))) + acb(0, 1))
    assert F(low) < F(1, 3) < F(high)
