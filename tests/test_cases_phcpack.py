"""The fixture library solved with the real PHCpack backend, against exact expectations."""

from __future__ import annotations

import pytest

from algmorse import SolveOptions, analyze
from algmorse.library import list_cases, load_case
from algmorse.testing import assert_matches_expected

pytestmark = pytest.mark.phcpack


@pytest.mark.parametrize("name", list_cases())
def test_case_matches_expected(name):
    case = load_case(name)
    catalog = analyze(case.spec.problem, options=SolveOptions(seed=1, stable_runs=2))
    assert_matches_expected(catalog, case)
    assert catalog.summary.degenerate == 0 and catalog.summary.undetermined == 0
    assert all(p.multiplicity == 1 for p in catalog.critical_points)
    assert catalog.verdict.completeness in ("bound-attained", "stable-runs")
