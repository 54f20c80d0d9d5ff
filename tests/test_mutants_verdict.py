"""Tests that kill the mutants of the verdict layer (``benchmarks/mutation.py --module
algmorse/analysis/verdict.py``).

Every expectation is derived by hand from the definitions in ``algmorse/analysis/verdict.py`` and
README.md's table "What backs each claim": a proven point is a certified one (a box holding one
nondegenerate point) or a rational point with an exact proof; completeness above ``stable-runs``
needs proven points against an exact or modular count, or a proven root-count bound; ``True``
needs finiteness plus radicality or a complete certified set; ``False`` needs a witness or the
algebra. None of them compares with the code's own earlier output.
"""

from __future__ import annotations

from fractions import Fraction


from algmorse import SolveOptions
from algmorse.analysis.classify import CriticalPoint
from algmorse.analysis.components import Component
from algmorse.analysis.verdict import (
    COMPLETENESS_LEVELS,
    VERDICT_BASES,
    AlgebraicEvidence,
    Evidence,
    Reason,
    SearchEvidence,
    Verdict,
    decide,
    square_system_verdict,
)
from algmorse.engine.certify import Certificate
from algmorse.engine.rational_points import ExactPoint

PRIMES = (2147483629, 2147483587)


def _point(*, real=True, certified=True, exact_multiplicity=None, nondegenerate=None):
    certificate = Certificate(method="krawczyk", radius=1e-15, real=real, morse_index=0 if real else None,
                              loss=(0.0, 0.0), precision=64) if certified else None
    exact = None if exact_multiplicity is None else ExactPoint((Fraction(0),), 0, exact_multiplicity)
    if nondegenerate is None:
        nondegenerate = True if certified else (None if exact is None else exact_multiplicity == 1)
    return CriticalPoint(coordinates=(0j,) if real else (1j,), is_real=real, loss=0j, hessian_eigenvalues=(1 + 0j,),
                         hessian_rank=1, hessian_min_singular_value=1.0, hessian_noise_level=1e-16,
                         nondegenerate=nondegenerate, morse_index=0 if real and certified else None,
                         multiplicity=1 if certified else exact_multiplicity,
                         isolated=True if certified or exact else None,
                         residual=0.0, certificate=certificate, exact_point=exact)


def _modular(with_multiplicity, distinct=None, dimension=0, rational=None):
    return AlgebraicEvidence(level="modular", dimension=dimension, count_with_multiplicity=with_multiplicity,
                             count_distinct=distinct, rational_count=rational, primes=PRIMES)


def _exact(with_multiplicity, distinct=None, dimension=0):
    return AlgebraicEvidence(level="exact", dimension=dimension, count_with_multiplicity=with_multiplicity,
                             count_distinct=distinct)


def _component(real=True, dimension=1):
    return Component(dimension=dimension, degree=1, witness_points=((0j, 0j),),
                     real_points=((0.0, 0.0),) if real else (), loss=0j, hessian_rank=1, kind="minima",
                     description="a line of minima")


def _decide(points, algebra=None, **kwargs):
    search = kwargs.pop("search", SearchEvidence(stable=True, stable_runs=2))
    return decide(Evidence(points=points, algebra=algebra, search=search, **kwargs))


def _codes(verdict):
    return [r.code for r in verdict.reasons]


def _reason(verdict, code):
    (reason,) = [r for r in verdict.reasons if r.code == code]
    return reason


# --- module constants, repr -------------------------------------------------------------------


def test_the_verdict_bases_are_a_witness_the_two_algebras_and_the_three_proven_levels():
    # a decided verdict rests on a witness, on algebra (QQ or two primes), or on a completeness
    # level that is a proof or a modular count: the first three levels, never a lower bound
    assert VERDICT_BASES == ("witness", "exact-algebra", "modular-algebra", "exact-count", "modular-count",
                             "bound-attained")
    assert COMPLETENESS_LEVELS[3:] == ("certified-lower-bound", "stable-runs", "not-established")


def test_the_repr_says_each_verdict_and_its_basis_and_counts_reasons():
    one = Reason(code="completeness", message="m")
    v = Verdict(morse=None, complex_morse=True, completeness="exact-count", reasons=(one,),
                complex_morse_basis="exact-algebra")
    assert repr(v) == ("<Verdict morse: undetermined, complex_morse: true (exact-algebra), morse_bott: undetermined, "
                       "completeness: exact-count, 1 reason>")
    bott = Verdict(morse=False, complex_morse=False, completeness="exact-count", reasons=(one,),
                   morse_bott=True, morse_bott_basis="exact-algebra")
    assert "morse_bott: true (exact-algebra)" in repr(bott)
    two = Verdict(morse=False, complex_morse=False, completeness="stable-runs", reasons=(one, one),
                  morse_basis="witness", complex_morse_basis="witness")
    assert repr(two).endswith("stable-runs, 2 reasons>")
    assert "morse: false (witness)" in repr(two)
    none = Verdict(morse=None, complex_morse=None, completeness="not-established", reasons=())
    assert repr(none).endswith("0 reasons>")
    html = v._repr_html_()
    assert "<b>completeness</b>: m" in html and "1 reason" in html


# --- AlgebraicEvidence ------------------------------------------------------------------------


def test_finite_means_dimension_zero_or_empty():
    assert _modular(None, dimension=-1).finite is True
    assert _modular(3).finite is True
    assert _modular(None, dimension=1).finite is False
    assert _modular(None, dimension=2).finite is False


def test_finite_over_qq_needs_qq():
    assert _exact(2, 2).finite_over_qq is True
    assert _modular(2).finite_over_qq is False             # only the primes say so
    assert _modular(2, rational=2).finite_over_qq is True  # the count over QQ finished and agreed
    assert _exact(None, dimension=1).finite_over_qq is False
    assert _modular(None, dimension=1, rational=2).finite_over_qq is False


def test_radical_is_equal_counts_and_known_only_in_dimension_zero():
    assert _exact(0, 0, dimension=-1).radical is True       # no point: nothing is multiple
    assert _exact(None, None, dimension=-1).radical is True
    assert _modular(2, 2).radical is True
    assert _modular(3, 2).radical is False
    assert _modular(3).radical is None                      # distinct count not computed
    assert _modular(None, 2).radical is None
    assert _modular(2, 2, dimension=1).radical is None       # a component: multiplicity is not the question
    assert _modular(None, None, dimension=1).radical is None


def test_the_basis_of_a_decision_by_algebra_names_its_level():
    assert _exact(2, 2).basis == "exact-algebra"
    assert _modular(2, 2).basis == "modular-algebra"


# --- SearchEvidence and Evidence defaults, counting properties --------------------------------


def test_search_evidence_by_default_claims_nothing():
    s = SearchEvidence()
    assert (s.stable, s.failed_runs, s.doubtful, s.decomposition_clean) == (False, 0, 0, False)
    assert s.stable_runs == SolveOptions().stable_runs == 2
    v = decide(Evidence(points=[]))
    assert v.completeness == "not-established"
    assert "before 2 consecutive runs added nothing" in v.reasons[0].message
    assert "failed" not in v.reasons[0].message
    assert "doubtful-endpoints" not in _codes(v)
    assert not any("decomposition found no component" in r.message for r in v.reasons)


def test_evidence_counts_proven_points():
    cert, exact2, exact3, unproven = (_point(), _point(certified=False, exact_multiplicity=2),
                                      _point(certified=False, exact_multiplicity=3), _point(certified=False))
    e = Evidence(points=[cert, cert, cert, unproven], overlapping=2)
    assert e.certified == 1                       # 3 certified, 2 of them in overlapping boxes
    assert Evidence(points=[cert, cert]).certified == 2   # nothing overlaps by default
    e = Evidence(points=[cert, exact2, unproven, cert, exact3])
    assert e.exact_isolated == (1, 4)
    assert e.proven_distinct == 4
    assert e.proven_with_multiplicity == 2 + 2 + 3


# --- decide: the reasons, in order -----------------------------------------------------------


def test_reasons_are_completeness_then_points_then_the_set():
    v = _decide([_point(), _point(certified=False)], _modular(3, distinct=3))
    assert _codes(v) == ["completeness", "undetermined-point", "zero-dimensional", "modular", "missing-points",
                        "landscape"]
    assert _reason(v, "undetermined-point").points == (1,)


# --- _level -----------------------------------------------------------------------------------


def test_exact_distinct_count_met_by_proven_points_is_an_exact_count():
    # a certified point and a rational double point: 2 distinct of 3 with multiplicity over QQ
    v = _decide([_point(), _point(certified=False, exact_multiplicity=2)], _exact(3, 2))
    assert v.completeness == "exact-count"
    assert "2 proven distinct points = the exact number" in v.reasons[0].message
    assert (v.complex_morse, v.complex_morse_basis) == (False, "witness")
    # one proven point short of the exact distinct count: no count completes it
    short = _decide([_point()], _exact(3, 2))
    assert short.completeness == "certified-lower-bound"


def test_a_modular_count_with_multiplicity_completes_without_a_distinct_count():
    v = _decide([_point(), _point()], _modular(2))
    assert v.completeness == "modular-count"
    assert "2 with their proven multiplicities" in v.reasons[0].message
    # nothing says the ideal is radical: the proof is the complete certified set
    assert (v.complex_morse, v.complex_morse_basis) == (True, "modular-count")
    assert (v.morse, v.morse_basis) == (True, "modular-count")


def test_a_modular_distinct_count_met_is_a_modular_count():
    v = _decide([_point(), _point(certified=False, exact_multiplicity=2)], _modular(4, distinct=2))
    assert v.completeness == "modular-count"
    assert "= the number of distinct complex critical points over the prime fields" in v.reasons[0].message
    assert "p = 2147483629 and 2147483587" in v.reasons[0].message


def test_a_modular_distinct_count_not_met_is_not_complete():
    v = _decide([_point(), _point()], _modular(3, distinct=3))
    assert v.completeness == "certified-lower-bound"


def test_a_count_exceeded_by_proven_points_is_not_complete():
    assert _decide([_point()] * 3, _modular(2)).completeness == "certified-lower-bound"
    assert _decide([_point()] * 3, _modular(2, rational=2)).completeness == "certified-lower-bound"
    assert _decide([_point()] * 3, _exact(2, 2)).completeness == "certified-lower-bound"


def test_overlapping_boxes_do_not_count_as_distinct():
    # two certified points whose boxes overlap: one proven distinct point at most
    for algebra in (_modular(2), _modular(2, 2), _modular(2, rational=2), _exact(2, 2)):
        v = _decide([_point(), _point()], algebra, overlapping=1)
        assert v.completeness == "certified-lower-bound"
        assert v.complex_morse is not False


def test_a_root_count_bound_attained_needs_every_point_certified_and_equal():
    search = SearchEvidence(root_counts={"total_degree": 3, "stable_mixed_volume": 2}, stable=True)
    assert _decide([_point(), _point()], search=search).completeness == "bound-attained"
    assert _decide([_point()], search=search).completeness == "certified-lower-bound"
    assert _decide([_point()] * 3, search=SearchEvidence(root_counts={"total_degree": 2}, stable=True)) \
        .completeness == "certified-lower-bound"  # more points than a bound: not "attained"
    v = _decide([_point(), _point(certified=False, exact_multiplicity=1)], search=search)
    assert v.completeness == "certified-lower-bound"


def test_one_proven_point_is_a_lower_bound_in_the_singular():
    v = _decide([_point()], search=SearchEvidence(root_counts={"total_degree": 4}, stable=True))
    assert v.completeness == "certified-lower-bound"
    message = v.reasons[0].message
    assert "1 of 1 point proven" in message and "at least 1 critical point exists" in message
    assert "(root counts: total degree 4)" in message


def test_the_lower_bound_message_counts_in_the_plural():
    v = _decide([_point(), _point(), _point(certified=False)], search=SearchEvidence(stable=False))
    message = v.reasons[0].message
    assert "2 of 3 points proven" in message and "at least 2 critical points exist" in message
    assert "(root counts: none computed)" in message


def test_the_weak_levels_name_the_root_counts_or_none():
    v = _decide([], search=SearchEvidence(stable=True, stable_runs=3))
    assert v.completeness == "stable-runs"
    assert "no root-count bound attained: none computed" in v.reasons[0].message
    v = _decide([], search=SearchEvidence(root_counts={"total_degree": 4}, stable=True))
    assert "no root-count bound attained: total degree 4" in v.reasons[0].message
    v = _decide([], search=SearchEvidence(stable=False, stable_runs=3))
    assert v.completeness == "not-established"
    assert "(root counts: none computed)" in v.reasons[0].message
    v = _decide([], search=SearchEvidence(root_counts={"total_degree": 4}, stable=False))
    assert "(root counts: total degree 4)" in v.reasons[0].message


# --- witnesses --------------------------------------------------------------------------------


def test_a_rational_simple_point_is_no_witness_and_a_double_one_is():
    simple = _decide([_point(certified=False, exact_multiplicity=1)], _modular(1))
    assert simple.complex_morse is not False and simple.morse is not False
    assert "multiple-point" not in _codes(simple)
    double = _decide([_point(certified=False, exact_multiplicity=2)], _modular(2))
    assert (double.morse, double.morse_basis) == (False, "witness")
    assert _reason(double, "multiple-point").points == (0,)


def test_a_real_component_is_a_witness_only_when_algebra_gives_a_positive_dimension():
    line = _component(real=True)
    v = _decide([_point()], _modular(None, dimension=1), components=[line])
    assert (v.morse, v.morse_basis) == (False, "witness")
    assert (v.complex_morse, v.complex_morse_basis) == (False, "witness")
    v = _decide([_point()], _exact(None, dimension=2), components=[line])
    assert (v.morse, v.morse_basis) == (False, "witness")
    # a component without real points says nothing about morse
    v = _decide([_point()], _modular(None, dimension=1), components=[_component(real=False)])
    assert v.morse is None and v.complex_morse is False
    # the algebra says the set is finite: a numerical "component" is no witness
    v = _decide([_point()], _modular(1), components=[line])
    assert v.morse is not False and v.complex_morse is not False
    # no algebra at all: no witness either
    v = _decide([_point()], components=[line])
    assert v.morse is None and v.complex_morse is None


def test_the_non_isolated_reason_names_at_most_four_points():
    on_line = [ExactPoint((Fraction(k), Fraction(0)), 1, None) for k in range(5)]
    v = _decide([], _modular(None, dimension=1), non_isolated=on_line)
    message = _reason(v, "non-isolated-point").message
    assert message.startswith("5 real rational critical point(s)")
    assert "(0, 0) on a component of dimension >= 1; (1, 0) on a component" in message
    assert "(3, 0) on a component of dimension >= 1" in message
    assert "(4, 0)" not in message


# --- _set_reasons -------------------------------------------------------------------------------


def test_total_degree_reached_by_certified_points_makes_the_set_finite():
    search = SearchEvidence(root_counts={"total_degree": 2}, stable=True)
    v = _decide([_point(), _point()], search=search)
    assert "reaches the total degree" in _reason(v, "zero-dimensional").message
    # uncertified points do not reach it
    v = _decide([_point(), _point(certified=False)], search=search)
    assert "zero-dimensional" not in _codes(v) and "zero-dimensionality-not-established" in _codes(v)


def test_without_a_total_degree_nothing_is_reached():
    v = _decide([_point()], search=SearchEvidence(stable=True))
    assert "zero-dimensional" not in _codes(v) and "zero-dimensionality-not-established" in _codes(v)
    v = _decide([], search=SearchEvidence(stable=True))
    assert "zero-dimensional" not in _codes(v) and "zero-dimensionality-not-established" in _codes(v)


def test_the_decomposition_is_said_only_when_clean_and_not_when_it_found_a_component():
    v = _decide([_point()], search=SearchEvidence(stable=True, decomposition_clean=True))
    assert "decomposition found no component (probability one, not a proof)" in \
        _reason(v, "zero-dimensionality-not-established").message
    v = _decide([_point()], search=SearchEvidence(stable=True), components=[_component()])
    assert "zero-dimensionality-not-established" not in _codes(v)
    assert "positive-dimensional-component" in _codes(v)


def test_the_finiteness_reason_names_its_source():
    assert "exact algebra gives dimension 0" in _reason(_decide([], _exact(0, 0)), "zero-dimensional").message
    assert "two large prime fields" in _reason(_decide([], _modular(1)), "zero-dimensional").message
    v = _decide([_point()], _modular(None, dimension=1))
    assert _reason(v, "positive-dimensional").message == \
        "the critical set has dimension 1 over two large prime fields."
    v = _decide([_point()], _exact(None, dimension=2))
    assert _reason(v, "positive-dimensional").message == "the critical set has dimension 2 over QQ."


def test_the_radicality_reason_names_its_source_and_is_said_in_dimension_zero_only():
    v = _decide([_point(), _point()], _exact(2, 2))
    assert _reason(v, "exact").message == \
        "over QQ: every complex critical point has multiplicity 1 (2 distinct, 2 with multiplicity)."
    v = _decide([_point()], _modular(3, 2))
    assert _reason(v, "modular").message == ("over the prime fields: some complex critical point has "
                                             "multiplicity > 1 (2 distinct, 3 with multiplicity).")
    assert "modular" not in _codes(_decide([_point()], _modular(3)))   # radicality unknown
    empty = _decide([], _exact(0, 0, dimension=-1))
    assert "exact" not in _codes(empty) and "missing-points" not in _codes(empty)


def test_the_missing_points_reason():
    # distinct count 2, one certified point: one distinct point missing
    v = _decide([_point()], _modular(3, distinct=2))
    assert _reason(v, "missing-points").message.startswith(
        "the count over prime fields is 2 distinct; the proven points account for 1: 1 missing")
    # the distinct count is met by distinct points, though with multiplicity 1 + 2 = 3 < 4
    v = _decide([_point(), _point(certified=False, exact_multiplicity=2)], _modular(4, distinct=2))
    assert "missing-points" not in _codes(v)
    # distinct count 3 not met, while with multiplicity 3 would be
    v = _decide([_point(), _point(certified=False, exact_multiplicity=2)], _modular(4, distinct=3))
    assert "1 missing" in _reason(v, "missing-points").message
    # only a count with multiplicity: the proven points with their multiplicities
    v = _decide([_point(), _point(certified=False, exact_multiplicity=2)], _exact(5))
    assert _reason(v, "missing-points").message.startswith(
        "the count over QQ is 5 with multiplicity; the proven points account for 3: 2 missing")
    # complete: nothing missing; no count at all: nothing to say
    assert "missing-points" not in _codes(_decide([_point(), _point()], _modular(2)))
    assert "missing-points" not in _codes(_decide([_point()], _modular(None)))
    # a positive dimension has no count to miss
    assert "missing-points" not in _codes(_decide([_point()], _modular(5, dimension=1)))


def test_doubtful_endpoints_are_said():
    v = _decide([_point()], search=SearchEvidence(stable=True, doubtful=3))
    assert _reason(v, "doubtful-endpoints").message.startswith("3 refined endpoint(s)")


# --- _complex_morse and _morse --------------------------------------------------------------


def test_positive_dimension_with_a_component_is_a_witness_without_one_the_algebra():
    assert _decide([], _modular(None, dimension=1), components=[_component(real=False)]).complex_morse_basis \
        == "witness"
    v = _decide([], _exact(None, dimension=1))
    assert (v.complex_morse, v.complex_morse_basis) == (False, "exact-algebra")


def test_a_dimension_two_set_is_not_morse_either():
    v = _decide([], _modular(None, dimension=2))
    assert (v.complex_morse, v.complex_morse_basis) == (False, "modular-algebra")


def test_a_radical_ideal_without_any_certified_point_is_morse_by_algebra():
    v = _decide([_point(certified=False)], _exact(1, 1))
    assert (v.complex_morse, v.complex_morse_basis) == (True, "exact-algebra")
    assert (v.morse, v.morse_basis) == (True, "exact-algebra")


def test_a_complete_certified_set_decides_true_only_when_complete_and_finite():
    # complete (modular-count), all certified, radicality unknown: true by completeness
    assert _decide([_point()], _modular(1)).complex_morse is True
    # not complete: undetermined
    v = _decide([_point()], _modular(2))
    assert v.complex_morse is None and v.morse is None
    # complete but one point only proven exactly: complex_morse waits for all certified, morse
    # has no real doubt (multiplicity 1 proven exactly)
    v = _decide([_point(), _point(certified=False, exact_multiplicity=1)], _modular(2))
    assert v.complex_morse is None
    assert (v.morse, v.morse_basis) == (True, "modular-count")


def test_bound_attained_without_algebra_is_a_proof_only_at_the_total_degree():
    at = SearchEvidence(root_counts={"total_degree": 2}, stable=True)
    v = _decide([_point(), _point()], search=at)
    assert (v.complex_morse, v.complex_morse_basis) == (True, "bound-attained")
    assert (v.morse, v.morse_basis) == (True, "bound-attained")
    below = SearchEvidence(root_counts={"total_degree": 3, "m_homogeneous_bezout": 2}, stable=True)
    v = _decide([_point(), _point()], search=below)
    assert v.completeness == "bound-attained"
    assert v.complex_morse is None and v.morse is None
    # total degree reached but not attained as a bound (the points are not all certified)
    v = _decide([_point(), _point(certified=False, exact_multiplicity=1)], search=at)
    assert v.complex_morse is None and v.morse is None


def test_algebra_with_a_positive_dimension_refuses_a_count_based_true():
    # contradictory evidence (both primes unlucky, or a bug): the bound is attained at the total
    # degree, yet algebra gives a component; finiteness is not established, so no "true"
    at = SearchEvidence(root_counts={"total_degree": 2}, stable=True)
    v = _decide([_point(), _point()], _modular(None, dimension=1), search=at)
    assert v.complex_morse is False
    assert v.morse is None


def test_an_uncertified_point_is_a_real_doubt_unless_proven_simple():
    # modular count 2 met with multiplicities: certified (1) + exact simple (1)
    assert _decide([_point(), _point(certified=False, exact_multiplicity=1)], _modular(2)).morse is True
    # an exact double point is a witness, real
    assert _decide([_point(certified=False, exact_multiplicity=2)], _modular(2)).morse is False
    # count 2 met by two certified points; nothing else: morse true
    assert _decide([_point(), _point(real=False)], _modular(2)).morse is True


def test_a_non_real_exact_double_point_blocks_morse_true():
    # a double point that is not real is a complex witness, not a real one; morse stays open
    v = _decide([_point(), _point(real=False, certified=False, exact_multiplicity=2)], _modular(3))
    assert v.completeness == "modular-count"
    assert (v.complex_morse, v.complex_morse_basis) == (False, "witness")
    assert v.morse is None


# --- square systems -------------------------------------------------------------------------


def test_a_square_system_counts_its_regular_solutions_and_speaks_of_solutions():
    points = [_point(), _point(), _point(certified=False)]   # nondegenerate True, True, None
    v = _decide(points, _modular(3, distinct=3))
    s = square_system_verdict(v, points)
    assert (s.morse, s.complex_morse, s.morse_basis, s.complex_morse_basis) == (None, None, None, None)
    assert s.completeness == v.completeness
    assert s.reasons[-1].code == "not-a-gradient"
    assert "2 of 3 solutions are regular" in s.reasons[-1].message
    assert all("critical point" not in r.message for r in s.reasons)
    degenerate = [_point(certified=False, exact_multiplicity=2), _point()]
    s = square_system_verdict(_decide(degenerate, _modular(3)), degenerate)
    assert "1 of 2 solutions are regular" in s.reasons[-1].message


# --- multiple points by primary decomposition over QQ -----------------------------------------


def _with_multiple(algebra, *sets):
    from dataclasses import replace

    from algmorse.engine.exact import MultipleSet

    return replace(algebra, multiple=tuple(MultipleSet(points=p, multiplicity=m, real_points=r) for p, m, r in sets))


def test_a_real_multiple_point_over_qq_decides_morse_false():
    # count 3 distinct, 4 with multiplicity: one real double point (exact over QQ) is degenerate
    algebra = _with_multiple(_modular(4, distinct=3), (1, 2, 1))
    v = _decide([_point(), _point(), _point(certified=False)], algebra)
    assert (v.morse, v.morse_basis) == (False, "exact-algebra")
    assert v.complex_morse is False
    assert "1 conjugate point of multiplicity 2, 1 real" in _reason(v, "multiple-points-exact").message


def test_non_real_multiple_points_and_every_simple_point_certified_decide_morse_true():
    # 3 distinct points: one simple (certified, real) and a conjugate pair of double points, not
    # real: no real critical point is degenerate
    algebra = _with_multiple(_modular(5, distinct=3), (2, 2, 0))
    points = [_point(), _point(real=False, certified=False), _point(real=False, certified=False)]
    v = _decide(points, algebra)
    assert (v.morse, v.morse_basis) == (True, "modular-algebra")
    assert v.complex_morse is False
    assert "2 conjugate points of multiplicity 2, 0 real" in _reason(v, "multiple-points-exact").message
    # the simple point not certified (or its box overlapping another): nothing proves it simple
    assert _decide([_point(certified=False)] + points[1:], algebra).morse is None
    assert _decide(points + [_point()], algebra, overlapping=2).morse is None
    # reality of the pair undecided: no decision either way from it
    undecided = _with_multiple(_modular(5, distinct=3), (2, 2, None))
    v = _decide(points, undecided)
    assert v.morse is None
    assert "2 conjugate points of multiplicity 2, reality not decided" in \
        _reason(v, "multiple-points-exact").message
