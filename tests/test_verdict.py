"""The verdict layer on hand-made evidence: every rule that decides, and every way it must refuse to.

Each test builds the typed evidence by hand (points with or without a certificate or an exact
proof, algebra at the exact or modular level) and states what a sound decision is, derived from
the definitions in ``analysis/verdict.py``; none compares with the code's earlier output.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from algmorse.analysis.classify import CriticalPoint
from algmorse.analysis.verdict import AlgebraicEvidence, Evidence, SearchEvidence, decide
from algmorse.engine.certify import Certificate
from algmorse.engine.rational_points import ExactPoint

PRIMES = (2147483629, 2147483587)


def _point(*, real=True, certified=True, exact_multiplicity=None, proven_real=None):
    certificate = Certificate(method="krawczyk", radius=1e-15, real=(real if proven_real is None else proven_real),
                              morse_index=0 if real else None, loss=(0.0, 0.0), precision=64) if certified else None
    exact = None if exact_multiplicity is None else ExactPoint((Fraction(0),), 0, exact_multiplicity)
    nondegenerate = True if certified else (None if exact is None else exact_multiplicity == 1)
    return CriticalPoint(coordinates=(0j,) if real else (1j,), is_real=real, loss=0j, hessian_eigenvalues=(1 + 0j,),
                         hessian_rank=1, hessian_min_singular_value=1.0, hessian_noise_level=1e-16,
                         nondegenerate=nondegenerate, morse_index=0 if real and certified else None,
                         multiplicity=1 if certified else exact_multiplicity, isolated=True if certified or exact else None,
                         residual=0.0, certificate=certificate, exact_point=exact)


def _modular(with_multiplicity, distinct=None, dimension=0, rational=None):
    return AlgebraicEvidence(level="modular", dimension=dimension, count_with_multiplicity=with_multiplicity,
                             count_distinct=distinct, rational_count=rational, primes=PRIMES)


def _decide(points, algebra=None, **kwargs):
    search = kwargs.pop("search", SearchEvidence(stable=True, stable_runs=2))
    return decide(Evidence(points=points, algebra=algebra, search=search, **kwargs))


def test_a_fake_double_point_is_never_counted_toward_the_count():
    # the case: one unproven point (a cluster midpoint the dual space calls double) and
    # a count of 2: nothing is proven, so neither completeness nor a "false" may be claimed
    v = _decide([_point(certified=False)], _modular(2, distinct=2))
    assert v.completeness == "stable-runs"
    assert v.morse is None or v.morse is True  # the algebra may prove Morse; never false
    assert v.morse is not False and v.complex_morse is not False
    assert [r.code for r in v.reasons if r.code in ("missing-points", "undetermined-point")] == \
        ["undetermined-point", "missing-points"]


def test_a_radical_ideal_decides_complex_morse_true_by_itself():
    v = _decide([_point(certified=False)], _modular(2, distinct=2))
    assert (v.complex_morse, v.complex_morse_basis) == (True, "modular-algebra")
    assert (v.morse, v.morse_basis) == (True, "modular-algebra")  # no degenerate point exists at all


def test_a_non_radical_ideal_decides_complex_morse_false_by_itself():
    v = _decide([_point()], _modular(3, distinct=2))
    assert (v.complex_morse, v.complex_morse_basis) == (False, "modular-algebra")
    assert v.morse is None  # the multiple point is not located: it may be real or not


def test_exact_radical_over_qq_has_the_exact_basis():
    algebra = AlgebraicEvidence(level="exact", dimension=0, count_with_multiplicity=2, count_distinct=2)
    v = _decide([_point(), _point()], algebra)
    assert v.completeness == "exact-count"
    assert v.complex_morse is True and v.morse is True


def test_certified_points_complete_the_distinct_count():
    v = _decide([_point(), _point(real=False, proven_real=False)], _modular(2, distinct=2))
    assert v.completeness == "modular-count"
    assert (v.morse, v.complex_morse) == (True, True)


def test_unproven_points_do_not_complete_a_count():
    v = _decide([_point(), _point(certified=False)], _modular(2))
    assert v.completeness == "certified-lower-bound"
    assert v.complex_morse is None and v.morse is None


def test_an_exact_multiple_point_is_counted_with_its_multiplicity_and_is_a_witness():
    # a certified simple point and a rational point of exact multiplicity 2: 1 + 2 = 3
    v = _decide([_point(), _point(certified=False, exact_multiplicity=2)], _modular(3, distinct=2))
    assert v.completeness == "modular-count"
    assert (v.complex_morse, v.complex_morse_basis) == (False, "witness")
    assert (v.morse, v.morse_basis) == (False, "witness")
    (multiple,) = [r for r in v.reasons if r.code == "multiple-point"]
    assert multiple.points == (1,)


def test_the_rational_count_over_qq_makes_an_exact_count():
    v = _decide([_point(), _point(certified=False, exact_multiplicity=17)], _modular(18, rational=18))
    assert v.completeness == "exact-count"
    assert v.morse is False


def test_a_count_short_by_one_is_not_complete():
    v = _decide([_point(), _point()], _modular(3))  # radicality unknown: only the points can decide
    assert v.completeness == "certified-lower-bound"
    (missing,) = [r for r in v.reasons if r.code == "missing-points"]
    assert "1 missing" in missing.message
    assert v.complex_morse is None and v.morse is None


def test_more_proven_points_than_the_count_is_not_complete_either():
    # two primes both unlucky, or a bug: a count that is exceeded proves nothing
    v = _decide([_point(), _point(), _point()], _modular(2, distinct=2))
    assert v.completeness == "certified-lower-bound"


def test_overlapping_boxes_do_not_count_as_distinct():
    v = _decide([_point(), _point()], _modular(2, distinct=2), overlapping=2)
    assert v.completeness != "modular-count"
    assert v.complex_morse is not False


def test_a_positive_dimension_decides_false_and_is_not_complete():
    v = _decide([_point()], _modular(None, dimension=1))
    assert (v.complex_morse, v.complex_morse_basis) == (False, "modular-algebra")
    assert v.morse is None  # no real point of the component is known
    assert v.completeness == "certified-lower-bound"


def test_an_exact_point_on_a_component_is_a_real_witness():
    on_line = ExactPoint((Fraction(0), Fraction(0)), 1, None)
    v = _decide([], _modular(None, dimension=1), non_isolated=(on_line,))
    assert (v.morse, v.morse_basis) == (False, "witness")
    assert any(r.code == "non-isolated-point" for r in v.reasons)


def test_bound_attained_needs_every_point_certified():
    search = SearchEvidence(root_counts={"total_degree": 2}, stable=True, stable_runs=2)
    assert _decide([_point(), _point()], search=search).completeness == "bound-attained"
    assert _decide([_point(), _point(certified=False)], search=search).completeness == "certified-lower-bound"
    assert _decide([_point()], search=search).completeness == "certified-lower-bound"


def test_bound_attained_at_the_total_degree_proves_morse_without_algebra():
    search = SearchEvidence(root_counts={"total_degree": 2}, stable=True, stable_runs=2)
    v = _decide([_point(), _point()], search=search)
    assert (v.morse, v.complex_morse) == (True, True)
    assert v.morse_basis == "bound-attained"


def test_bound_attained_below_the_total_degree_leaves_finiteness_open():
    search = SearchEvidence(root_counts={"total_degree": 4, "stable_mixed_volume": 2}, stable=True, stable_runs=2)
    v = _decide([_point(), _point()], search=search)
    assert v.completeness == "bound-attained"
    assert v.complex_morse is None and v.morse is None
    assert any(r.code == "zero-dimensionality-not-established" for r in v.reasons)


@pytest.mark.parametrize("stable, level", [(True, "stable-runs"), (False, "not-established")])
def test_no_proven_point_leaves_the_weak_levels(stable, level):
    v = _decide([_point(certified=False)], search=SearchEvidence(stable=stable, stable_runs=3))
    assert v.completeness == level


def test_failed_runs_are_said():
    v = _decide([_point()], search=SearchEvidence(stable=True, stable_runs=2, failed_runs=2))
    assert "2 backend run(s) failed" in v.reasons[0].message


def test_a_possibly_real_uncertified_point_blocks_a_real_morse_true():
    # complete by an exact multiplicity-1 proof is fine; an unproven point is not
    complete = _decide([_point(), _point(certified=False, exact_multiplicity=1)], _modular(2))
    assert complete.completeness == "modular-count" and complete.morse is True
    blocked = _decide([_point(), _point(real=False, certified=False)], _modular(2))
    assert blocked.morse is None


def test_no_critical_point_at_all_is_morse_by_exact_algebra():
    algebra = AlgebraicEvidence(level="exact", dimension=-1, count_with_multiplicity=0, count_distinct=0)
    v = _decide([], algebra)
    assert v.completeness == "exact-count"
    assert (v.morse, v.complex_morse) == (True, True)


def test_at_the_exact_level_proven_multiplicities_that_reach_the_count_make_an_exact_count():
    # distinct count over QQ unknown (the radical timed out), count with multiplicity 3 over QQ:
    # a certified point and an exact double point account for it
    algebra = AlgebraicEvidence(level="exact", dimension=0, count_with_multiplicity=3, count_distinct=None)
    v = _decide([_point(), _point(certified=False, exact_multiplicity=2)], algebra)
    assert v.completeness == "exact-count"
    assert (v.morse, v.morse_basis) == (False, "witness")
    short = _decide([_point(), _point(certified=False, exact_multiplicity=1)], algebra)
    assert short.completeness == "certified-lower-bound"
