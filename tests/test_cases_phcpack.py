"""The fixture library solved with the real PHCpack backend, against exact expectations."""

from __future__ import annotations

import pytest

from algmorse import SolveOptions, analyze
from algmorse.results.library import list_cases, load_case
from algmorse.testing import assert_matches_expected

pytestmark = pytest.mark.phcpack


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.slow) if load_case(name).slow else name for name in list_cases()
])
def test_case_matches_expected(name):
    """The default solve (no exact check): every count and verdict of the case, decided.

    Zero-dimensional cases reach the exact or modular count with every nonsingular point certified;
    singular points are never certified and carry their multiplicity.
    """
    case = load_case(name)
    catalog = analyze(case.spec.problem, options=SolveOptions(seed=1, stable_runs=2))
    assert_matches_expected(catalog, case, allow_undetermined=False)
    assert catalog.summary.undetermined == 0
    if case.expected.get("complex_morse"):
        assert catalog.summary.degenerate == 0 and not catalog.components
        assert all(p.multiplicity == 1 for p in catalog.critical_points)
    else:  # every "not Morse" verdict comes with a witness the reader can follow
        assert catalog.verdict.complex_morse is False and catalog.verdict.complex_morse_basis == "witness"
        assert any(r.code in ("positive-dimensional-component", "multiple-point") for r in catalog.verdict.reasons)
    for p in catalog.critical_points:
        assert p.certified == bool(p.nondegenerate)
        if not p.certified:
            assert p.multiplicity is not None and p.multiplicity > 1
        elif p.is_real:
            assert p.certificate.real is True and p.certificate.morse_index == p.morse_index
            assert p.certificate.loss[0] <= p.loss.real <= p.certificate.loss[1]
    zero_dimensional = case.expected.get("complex_morse") is True or case.expected.get("components") == []
    if zero_dimensional:
        assert catalog.verdict.completeness in ("exact-count", "modular-count")
        assert catalog.summary.certified == catalog.summary.isolated - catalog.summary.degenerate
    else:
        assert catalog.verdict.completeness != "not-established"


@pytest.mark.exact
@pytest.mark.parametrize("name", [n for n in list_cases() if not load_case(n).slow])
def test_case_with_exact_verification(name):
    """With ``verify="exact"`` the numbers agree with Singular/msolve and Morse cases are proven."""
    case = load_case(name)
    catalog = analyze(case.spec.problem, options=SolveOptions(seed=2, verify="exact"))
    assert_matches_expected(catalog, case, allow_undetermined=False)
    exact = catalog.provenance.exact
    if exact["dimension"] == 0:
        assert catalog.verdict.completeness == "exact-count"
        assert len(catalog.critical_points) == exact["count_without_multiplicity"]


def _points_bytes(catalog):
    import json

    from algmorse.results.catalog import dumps

    return json.dumps(json.loads(dumps(catalog))["critical_points"], sort_keys=True)


def test_seed_fixes_the_catalog_whatever_the_number_of_jobs():
    problem = load_case("net121_sq_l2").spec.problem
    one = analyze(problem, options=SolveOptions(seed=7, jobs=1))
    again = analyze(problem, options=SolveOptions(seed=7, jobs=1))
    two = analyze(problem, options=SolveOptions(seed=7, jobs=2))
    assert _points_bytes(one) == _points_bytes(again) == _points_bytes(two)
    assert [r.seed for r in one.provenance.runs] == [r.seed for r in two.provenance.runs]
    assert one.provenance.backend_version.startswith("2.4")
