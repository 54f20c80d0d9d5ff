"""Helpers for test suites (ours and users'): run the fixture library against a catalog.

Relu cases (``list_cases("relu")``) are solved by :func:`algmorse.relu.analyze.analyze_relu` and checked
against these ``[expected]`` keys: ``patterns`` (network patterns listed, up to neuron
permutations when the loss is symmetric), ``ordered_patterns``, ``inside_points`` (real critical
points strictly inside cones), ``boundary_points``, ``global_minimum`` (rational string),
``global_minimum_dimension``, and ``local_minima`` (``[loss, dimension]`` pairs: isolated minima and
components of minima inside cones, one per listed pattern).

Examples
--------
A user's test module::

    import pytest
    import algmorse
    from algmorse.testing import assert_matches_expected, case_names

    @pytest.mark.parametrize("name", case_names())
    def test_case(name):
        case = algmorse.results.library.load_case(name)
        catalog = algmorse.analyze(case.spec.problem, options=case.spec.solve)
        assert_matches_expected(catalog, case)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

from .analysis.verdict import COMPLETENESS_LEVELS
from .relu.result import ReluAnalysis
from .results.catalog import Catalog
from .results.library import Case, list_cases

__all__ = ["assert_matches_expected", "case_names"]

_COUNTS = ("isolated", "real", "degenerate", "minima", "saddles", "maxima")
_VERDICTS = ("complex_morse", "morse", "complex_morse_bott", "morse_bott", "all_minima_global", "strict_saddle")


def case_names(predicate: Callable[[Case], bool] | None = None, *, kind: str = "polynomial") -> list[str]:
    """Names of the shipped cases of one kind (see :func:`list_cases`), optionally filtered."""
    from .results.library import load_case

    names = list_cases(kind)
    return names if predicate is None else [n for n in names if predicate(load_case(n))]


def assert_matches_expected(catalog: Catalog | ReluAnalysis, case: Case, *, loss_rtol: float = 1e-8,
                            allow_undetermined: bool = False, check_completeness: bool | None = None) -> None:
    """Assert that ``catalog`` agrees with everything ``case`` expects.

    Counts must match exactly; losses to ``loss_rtol``. A verdict of ``None`` (undetermined) fails
    like a wrong one, so that a regression from a proof to "undetermined" is caught; pass
    ``allow_undetermined=True`` for a solve that cannot be expected to decide (e.g. with
    ``proof="none"``). A verdict contradicting the expectation always fails. A :class:`ReluAnalysis` (relu cases) is
    checked against the relu keys (see :mod:`algmorse.polynomials`).

    The proof is checked too: ``verdict.completeness`` must be at least as strong as the expected
    ``completeness`` (in the order of :data:`~algmorse.analysis.verdict.COMPLETENESS_LEVELS`,
    strongest first), and ``verdict.morse_basis``/``complex_morse_basis`` must be among the expected
    ``morse_basis``/``complex_morse_basis`` (an undetermined verdict's basis ``None`` passes only
    with ``allow_undetermined``). ``check_completeness`` (default: ``not allow_undetermined``)
    turns the completeness check off or on: a solve that cannot be expected to decide cannot be
    expected to reach the level either.

    Raises
    ------
    AssertionError
        Listing every mismatch.
    """
    if isinstance(catalog, ReluAnalysis):
        _assert_relu(catalog, case, loss_rtol)
        return
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
    if "real_components" in expected:  # proven real; and, unless allowed, every other one proven not
        got_real = sum(c.real is True for c in catalog.components)
        if got_real != expected["real_components"]:
            problems.append(f"real_components: expected {expected['real_components']} proven real, got {got_real}")
        open_ = [k for k, c in enumerate(catalog.components) if c.real is None]
        if open_ and not allow_undetermined:
            problems.append(f"real_components: whether components {open_} have real points is undetermined")
    if "multiplicities" in expected:
        got_mult = sorted(p.multiplicity for p in catalog.critical_points if p.multiplicity != 1)
        if got_mult != sorted(expected["multiplicities"]):
            problems.append(f"multiplicities > 1: expected {sorted(expected['multiplicities'])}, got {got_mult}")
    for key in _VERDICTS:
        if key in expected:
            got = getattr(catalog.verdict, key)
            if got != expected[key] and not (allow_undetermined and got is None):
                problems.append(f"verdict.{key}: expected {expected[key]}, catalog says {got}")
    if check_completeness is None:
        check_completeness = not allow_undetermined
    problems.extend(_proof_problems(catalog, expected, allow_undetermined, check_completeness))
    if problems:
        raise AssertionError(f"case {case.name!r}: " + "; ".join(problems))


def _proof_problems(catalog: Catalog, expected: dict, allow_undetermined: bool, check_completeness: bool) -> list[str]:
    """Mismatches of the completeness level and of the verdicts' bases."""
    problems: list[str] = []
    verdict = catalog.verdict
    if check_completeness and "completeness" in expected:
        want, got = expected["completeness"], verdict.completeness
        if got not in COMPLETENESS_LEVELS:
            problems.append(f"verdict.completeness: expected at least {want!r}, catalog has the unknown level {got!r}")
        elif COMPLETENESS_LEVELS.index(got) > COMPLETENESS_LEVELS.index(want):
            stronger = COMPLETENESS_LEVELS[:COMPLETENESS_LEVELS.index(want) + 1]
            reason = next((r.message for r in verdict.reasons if r.code == "completeness"), None)
            problems.append(f"verdict.completeness: expected at least {want!r} (one of {', '.join(stronger)}), catalog "
                            f"reached only {got!r}" + (f" ({reason})" if reason else ""))
    for key in ("complex_morse", "morse", "complex_morse_bott", "morse_bott"):
        basis_key = f"{key}_basis"
        if basis_key not in expected:
            continue
        acceptable = expected[basis_key]
        acceptable = [acceptable] if isinstance(acceptable, str) else list(acceptable)
        got = getattr(verdict, basis_key)
        if got is None and getattr(verdict, key) is None and allow_undetermined:
            continue
        if got not in acceptable:
            problems.append(f"verdict.{basis_key}: expected one of {acceptable}, catalog says {got!r} "
                            f"(verdict.{key} = {getattr(verdict, key)})")
    return problems


def _close(a: float | None, b: float, rtol: float) -> bool:
    return a is not None and abs(a - b) <= rtol * max(1.0, abs(b))


def _assert_relu(analysis: ReluAnalysis, case: Case, loss_rtol: float) -> None:
    """The relu keys: pattern counts, global minimum and its dimension, local minima, point counts."""
    expected = case.expected
    problems: list[str] = []
    counts = {
        "patterns": len(analysis.patterns),
        "ordered_patterns": sum(p.orbit_size for p in analysis.patterns),
        "inside_points": sum(len(p.critical_points) for p in analysis.patterns),
        "boundary_points": sum(len(p.boundary_points) for p in analysis.patterns),
        "global_minimum_dimension": analysis.global_minimum_dimension,
    }
    for key, got in counts.items():
        if key in expected and got != expected[key]:
            problems.append(f"{key}: expected {expected[key]}, analysis has {got}")
    if "global_minimum" in expected and not _close(analysis.global_minimum, float(Fraction(expected["global_minimum"])),
                                                   loss_rtol):
        problems.append(f"global_minimum: expected {expected['global_minimum']}, analysis has {analysis.global_minimum}")
    if "local_minima" in expected:
        want = sorted((float(Fraction(loss)), int(dim)) for loss, dim in expected["local_minima"])
        got = sorted((m.loss, m.dimension) for m in analysis.local_minima())
        if len(want) != len(got) or any(d1 != d2 or not _close(l2, l1, loss_rtol) for (l1, d1), (l2, d2) in zip(want, got)):
            problems.append(f"local_minima (loss, dimension): expected {want}, got {got}")
    if problems:
        raise AssertionError(f"case {case.name!r}: " + "; ".join(problems))
