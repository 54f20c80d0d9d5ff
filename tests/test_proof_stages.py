"""The late proof stages, unit by unit: primary decomposition, the realness label of undecided
certificates, and the point set's tolerance (survivors of the final mutation run).

Expected values are derived by hand in each comment.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from algmorse import pipeline
from algmorse.engine import exact
from algmorse.engine.exact import MultipleSet, available_exact_tools, multiple_points
from algmorse.engine.refine import PointSet, RefinedPoint
from algmorse.errors import BackendTimeout, BackendUnavailable
from algmorse.model.network import FunctionProblem
from algmorse.model.options import SolveOptions, Tolerances
from algmorse.model.system import build_system
from algmorse.search import Search

needs_singular = pytest.mark.skipif("singular" not in available_exact_tools(), reason="Singular not installed")


def _system(expression: str, variables=("x", "y")):
    return build_system(FunctionProblem(tuple(variables), expression))


@needs_singular
def test_multiple_points_in_three_variables_have_integer_multiplicities():
    # grad (x (x^2 - 2)^2, 2y, 2z): the prime <x^2 - 2, y, z> holds 2 real points of multiplicity 2
    (found,) = multiple_points(_system("(x^2 - 2)^3/6 + y^2 + z^2", ("x", "y", "z")).sparse_gradient(), 3)
    assert (found.points, found.multiplicity, found.real_points) == (2, 2, 2)
    assert type(found.multiplicity) is int


def test_multiple_points_without_singular_says_so(monkeypatch):
    monkeypatch.setattr(exact, "_singular_path", lambda: None)
    with pytest.raises(BackendUnavailable) as raised:
        multiple_points([{(2,): Fraction(1)}], 1)
    assert str(raised.value) == "multiple points: Singular is not installed. " + exact.INSTALL_HINT


class _Point:
    def __init__(self, proven: bool) -> None:
        self.proven = proven


def _stage(monkeypatch, counts, points, proof_timeout=8.0, outcome=(MultipleSet(2, 2, 2),)):
    """Run ``pipeline._multiple_points`` with scripted counts and a scripted decomposition."""
    calls = []

    def scripted(polynomials, nvars, *, timeout):
        calls.append(timeout)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(pipeline, "multiple_points", scripted)
    monkeypatch.setattr(pipeline, "_finite_counts", lambda exact_result, modular: counts)
    seconds: dict = {}
    result = pipeline._multiple_points(_system("x^2 + y^2"), points, None, None,
                                       SolveOptions(proof_timeout=proof_timeout), seconds, lambda line: None)
    return result, calls, seconds


@pytest.mark.parametrize("counts, points", [
    (None, [_Point(False)]),                 # not finite: nothing to decompose
    ((None, 5), [_Point(False)]),            # the distinct count is unknown
    ((3, None), [_Point(False)]),            # the count with multiplicity is unknown
    ((3, 3), [_Point(False)]),               # radical: no multiple point at all
    ((3, 5), [_Point(True), _Point(True)]),  # every point already proven
])
def test_the_primary_decomposition_runs_only_when_it_can_decide_something(monkeypatch, counts, points):
    result, calls, _ = _stage(monkeypatch, counts, points)
    assert result is None and calls == []


def test_the_primary_decomposition_is_time_boxed_and_timed(monkeypatch):
    result, calls, seconds = _stage(monkeypatch, (3, 5), [_Point(True), _Point(False)], proof_timeout=8.0)
    assert result == (MultipleSet(2, 2, 2),)
    assert calls == [2.0]  # min(5 s, proof_timeout / 4)
    assert 0.0 <= seconds["multiple-points"] < 60.0
    _, calls, _ = _stage(monkeypatch, (3, 5), [_Point(False)], proof_timeout=100.0)
    assert calls == [5.0]


def test_a_failed_primary_decomposition_decides_nothing(monkeypatch):
    result, calls, seconds = _stage(monkeypatch, (3, 5), [_Point(False)], outcome=BackendTimeout("slow", 2.0))
    assert result is None and calls == [2.0] and "multiple-points" in seconds


def test_without_singular_the_primary_decomposition_is_not_tried(monkeypatch):
    monkeypatch.setattr(pipeline, "available_exact_tools", lambda: ["msolve"])
    result, calls, _ = _stage(monkeypatch, (3, 5), [_Point(False)])
    assert result is None and calls == []


@pytest.mark.parametrize("center, real", [
    ([0.5 + 1.2e-9j, 0.0], True),     # 1.2e-9 <= real_atol 1e-9 + real_rtol 1e-9 * 0.5 = 1.5e-9
    ([1e6 + 1e-5j, 0.0], True),       # 1e-5 <= 1e-9 + 1e-9 * 1e6 (the relative part)
    ([1e-3 + 1.5e-9j, 0.0], False),   # 1.5e-9 > 1e-9 + 1e-9 * 1e-3: the size is the point's, not 1
    ([0.5 + 2e-9j, 0.0], False),      # 2e-9 > 1.5e-9
])
def test_the_realness_label_of_an_undecided_certificate(center, real):
    search = Search(_system("x^2 + y^2"), Tolerances(), SolveOptions())
    assert search._numerically_real(np.array(center)) is real


def test_the_point_set_tolerance_is_inclusive_and_works_in_any_dimension():
    points = PointSet(Tolerances())  # tolerance 1e-7 + 1e-7 * max(1, |a|) = 2e-7 near the origin
    first = RefinedPoint(np.zeros(3, dtype=complex), True, 0.0)
    assert points.add(first)
    at_tolerance = np.array([2e-7, 0.0, 0.0], dtype=complex)
    assert points.same(np.zeros(3, dtype=complex), at_tolerance) and points.contains(at_tolerance)
    beyond = np.array([2.1e-7, 0.0, 0.0], dtype=complex)
    assert not points.contains(beyond)
    assert points.add(RefinedPoint(beyond, True, 0.0)) and len(points) == 2
