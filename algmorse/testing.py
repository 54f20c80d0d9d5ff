"""Helpers for test suites (ours and users'): run the fixture library against a catalog.

Examples
--------
A user's test module::

    import pytest
    import algmorse
    from algmorse.testing import assert_matches_expected, case_names

    @pytest.mark.parametrize("name", case_names())
    def test_case(name):
        case = algmorse.library.load_case(name)
        catalog = algmorse.analyze(case.spec.problem, options=case.spec.solve)
        assert_matches_expected(catalog, case)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

from .catalog import Catalog
from .library import Case, list_cases

__all__ = ["assert_matches_expected", "case_names"]

_COUNTS = ("isolated", "real", "degenerate", "minima", "saddles", "maxima")


def case_names(predicate: Callable[[Case], bool] | None = None) -> list[str]:
    """Names of the shipped cases, optionally filtered (e.g. by expected size)."""
    from .library import load_case

    names = list_cases()
    return names if predicate is None else [n for n in names if predicate(load_case(n))]


def assert_matches_expected(catalog: Catalog, case: Case, *, loss_rtol: float = 1e-8, allow_undetermined: bool = True) -> None:
    """Assert that ``catalog`` agrees with everything ``case`` expects.

    Counts must match exactly; losses to ``loss_rtol``. A verdict of ``None`` (undetermined) is
    accepted when ``allow_undetermined`` (the package may be unable to prove a true statement),
    but a verdict contradicting the expectation never is.

    Raises
    ------
    AssertionError
        Listing every mismatch.
    """
    expected = case.expected
    problems: list[str] = []
    summary = catalog.summary
    for key in _COUNTS:
        if key in expected and getattr(summary, key) != expected[key]:
            problems.append(f"{key}: expected {expected[key]}, catalog has {getattr(summary, key)}")
    if "saddle_indices" in expected:
        got = sorted(p.morse_index for p in catalog.saddles())
        if got != sorted(expected["saddle_indices"]):
            problems.append(f"saddle_indices: expected {sorted(expected['saddle_indices'])}, got {got}")
    for key, points in (("minimum_losses", catalog.minima()), ("saddle_losses", catalog.saddles())):
        if key in expected:
            want = sorted(float(Fraction(v)) for v in expected[key])
            got = sorted(p.loss.real for p in points)
            if len(want) != len(got) or any(abs(a - b) > loss_rtol * max(1.0, abs(a)) for a, b in zip(want, got)):
                problems.append(f"{key}: expected {want}, got {got}")
    if "components" in expected:
        got_components = sorted([c.dimension, c.degree] for c in catalog.components)
        if got_components != sorted(expected["components"]):
            problems.append(f"components (dimension, degree): expected {sorted(expected['components'])}, got {got_components}")
    if "component_losses" in expected:
        want = sorted(float(Fraction(v)) for v in expected["component_losses"])
        got = sorted(c.loss.real if c.loss is not None else float("nan") for c in catalog.components)
        if len(want) != len(got) or any(not abs(a - b) <= loss_rtol * max(1.0, abs(a)) for a, b in zip(want, got)):
            problems.append(f"component_losses: expected {want}, got {got}")
    if "real_components" in expected:
        got_real = sum(bool(c.real_points) for c in catalog.components)
        if got_real != expected["real_components"]:
            problems.append(f"real_components: expected {expected['real_components']}, got {got_real}")
    if "multiplicities" in expected:
        got_mult = sorted(p.multiplicity for p in catalog.critical_points if p.multiplicity != 1)
        if got_mult != sorted(expected["multiplicities"]):
            problems.append(f"multiplicities > 1: expected {sorted(expected['multiplicities'])}, got {got_mult}")
    for key in ("complex_morse", "morse"):
        if key in expected:
            got = getattr(catalog.verdict, key)
            if got != expected[key] and not (allow_undetermined and got is None):
                problems.append(f"verdict.{key}: expected {expected[key]}, catalog says {got}")
    if problems:
        raise AssertionError(f"case {case.name!r}: " + "; ".join(problems))
