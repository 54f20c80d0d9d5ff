"""The fixture library solved with the real PHCpack backend, against exact expectations."""

from __future__ import annotations

import pytest

from algmorse import SolveOptions, analyze
from algmorse.library import list_cases, load_case
from algmorse.testing import assert_matches_expected

pytestmark = pytest.mark.phcpack


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.slow) if load_case(name).slow else name for name in list_cases()
])
def test_case_matches_expected(name):
    case = load_case(name)
    catalog = analyze(case.spec.problem, options=SolveOptions(seed=1, stable_runs=2))
    assert_matches_expected(catalog, case)
    assert catalog.summary.degenerate == 0 and catalog.summary.undetermined == 0
    assert all(p.multiplicity == 1 for p in catalog.critical_points)
    assert catalog.verdict.completeness in ("bound-attained", "stable-runs")


def _points_bytes(catalog):
    from algmorse.catalog import dumps
    import json

    return json.dumps(json.loads(dumps(catalog))["critical_points"], sort_keys=True)


def test_seed_fixes_the_catalog_whatever_the_number_of_jobs():
    problem = load_case("net121_sq_l2").spec.problem
    one = analyze(problem, options=SolveOptions(seed=7, jobs=1))
    again = analyze(problem, options=SolveOptions(seed=7, jobs=1))
    two = analyze(problem, options=SolveOptions(seed=7, jobs=2))
    assert _points_bytes(one) == _points_bytes(again) == _points_bytes(two)
    assert [r.seed for r in one.provenance.runs] == [r.seed for r in two.provenance.runs]
    assert one.provenance.backend_version.startswith("2.4")
