"""The shipped fixture library: every case loads and its expectations are consistent."""

from __future__ import annotations

import pytest

from algmorse.errors import SpecError
from algmorse.results.library import list_cases, load_case


def test_library_ships_the_cases_the_tests_use():
    assert {"chain2_l2", "chain3_l2", "chain4_l2", "net121_sq_l2", "net121_cub_l2", "net121_quad_l2",
            "quartic_double_well"} <= set(list_cases())


@pytest.mark.parametrize("name", list_cases())
def test_case_is_well_formed(name):
    case = load_case(name)
    assert case.description and case.sources
    expected = case.expected
    assert expected["isolated"] >= expected.get("real", 0) >= expected.get("minima", 0) + expected.get("saddles", 0)
    if "saddle_indices" in expected:
        assert len(expected["saddle_indices"]) == expected["saddles"]


def test_unknown_case_lists_the_available_ones():
    with pytest.raises(SpecError, match="chain2_l2"):
        load_case("no_such_case")


def test_oracle_fails_on_wrong_counts_wrong_verdicts_and_undetermined_ones():
    """The fixture oracle is a test that can fail: each kind of mismatch is reported."""
    from dataclasses import replace

    import pytest

    from algmorse import SolveOptions, analyze
    from algmorse.engine.backends.fake import FakeBackend
    from algmorse.testing import assert_matches_expected

    case = load_case("quartic_double_well")
    # x^4 - 2x^2 + y^2 by hand: minima (+-1, 0), saddle (0, 0)
    catalog = analyze(case.spec.problem, options=SolveOptions(seed=1, proof="none"),
                      backend=FakeBackend([[(1.0, 0.0), (-1.0, 0.0), (0.0, 0.0)]]))
    assert_matches_expected(catalog, case)  # total degree 3 attained by 3 certified points: decided
    undecided = replace(catalog, verdict=replace(catalog.verdict, complex_morse=None))
    assert_matches_expected(undecided, case, allow_undetermined=True)
    with pytest.raises(AssertionError, match="verdict.complex_morse: expected True, catalog says None"):
        assert_matches_expected(undecided, case)
    fewer = replace(catalog, summary=replace(catalog.summary, isolated=2, minima=1))
    with pytest.raises(AssertionError, match="isolated: expected 3, catalog has 2"):
        assert_matches_expected(fewer, case, allow_undetermined=True)
    wrong = replace(catalog, verdict=replace(catalog.verdict, complex_morse=False))
    with pytest.raises(AssertionError, match="verdict.complex_morse: expected True, catalog says False"):
        assert_matches_expected(wrong, case, allow_undetermined=True)
