"""The shipped fixture library: every case loads and its expectations are consistent."""

from __future__ import annotations

import pytest

from algmorse.errors import SpecError
from algmorse.library import list_cases, load_case


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
