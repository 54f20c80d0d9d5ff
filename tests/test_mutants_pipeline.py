"""Tests that kill the mutants of the pipeline's proof functions (``benchmarks/mutation.py --module
algmorse/pipeline.py --functions _finite_counts,_distinct_target,...``).

Each test gives a proof function small hand-made inputs (counts as ``ExactResult``/``ModularCount``
values, a stand-in for the search holding hand-made points, duck-typed catalogs for the exact
verification) and monkeypatches the external tools (Singular, msolve, split starts) to return
chosen values. Every expectation follows from the function's documented rule, e.g. "two primes
that disagree with QQ make the modular count unused", "a count exceeded by proven points is not
complete", "the exact check raises on any disagreement and passes when all agree".
"""

from __future__ import annotations

import os
import re
import time
from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pytest

import algmorse.pipeline as pipeline
from algmorse import SolveOptions
from algmorse.analysis.classify import CriticalPoint
from algmorse.engine import processes
from algmorse.engine.certify import Certificate, certify_point
from algmorse.engine.exact import ExactResult, ModularCount, MultipleSet
from algmorse.engine.rational_points import ExactPoint
from algmorse.engine.refine import RefinedPoint
from algmorse.errors import BackendCrashed, BackendError, BackendTimeout, VerificationFailed
from algmorse.model.network import FunctionProblem
from algmorse.model.precision import PRECISIONS
from algmorse.model.system import build_system

PRIMES = (2147483629, 2147483587)


def _exact(dimension=0, distinct=None, total=None, real=None, components=None):
    return ExactResult(tool="singular", tool_versions={}, dimension=dimension, count_with_multiplicity=total,
                       count_without_multiplicity=distinct, real_count=real, components=components, seconds=0.0,
                       notes=())


def _modular(dimension=0, total=None, distinct=None, rational=None):
    return ModularCount(primes=PRIMES, dimension=dimension, count_with_multiplicity=total, tool="singular",
                        tool_version="4", seconds=0.0, rational_count=rational, count_distinct=distinct)


# --- which counts complete a finite critical set ---------------------------------------------


def test_finite_counts_come_from_qq_first_then_from_the_primes():
    assert pipeline._finite_counts(_exact(0, 3, 4), None) == (3, 4)
    assert pipeline._finite_counts(_exact(0, 3, 4), _modular(0, 9, 9)) == (3, 4)  # QQ wins
    assert pipeline._finite_counts(_exact(1), _modular(0, 2, 2)) is None          # QQ says infinite
    assert pipeline._finite_counts(_exact(-1, 0, 0), None) is None                 # not dimension 0
    assert pipeline._finite_counts(None, _modular(0, 3, 2)) == (2, 3)
    assert pipeline._finite_counts(None, _modular(0, 3)) == (None, 3)
    assert pipeline._finite_counts(None, _modular(1)) is None
    assert pipeline._finite_counts(None, _modular(2)) is None
    assert pipeline._finite_counts(None, None) is None


def test_the_distinct_target_is_the_distinct_count_else_the_count_with_multiplicity():
    assert pipeline._distinct_target(_exact(0, 3, 4), None) == 3
    assert pipeline._distinct_target(_exact(0, None, 4), None) == 4
    assert pipeline._distinct_target(None, _modular(0, 5, 2)) == 2
    assert pipeline._distinct_target(None, _modular(0, 5)) == 5
    assert pipeline._distinct_target(None, _modular(1)) is None
    assert pipeline._distinct_target(None, None) is None


def test_positive_dimension_comes_from_qq_first_then_from_the_primes():
    assert pipeline._positive_dimensional(_exact(1), None) is True
    assert pipeline._positive_dimensional(_exact(2), None) is True
    assert pipeline._positive_dimensional(_exact(0, 1, 1), _modular(1)) is False  # QQ wins
    assert pipeline._positive_dimensional(_exact(-1, 0, 0), None) is False
    assert pipeline._positive_dimensional(None, _modular(1)) is True
    assert pipeline._positive_dimensional(None, _modular(2)) is True
    assert pipeline._positive_dimensional(None, _modular(0, 2)) is False
    assert pipeline._positive_dimensional(None, None) is False


# --- the modular count and the count over QQ ---------------------------------------------------


class _Tools:
    """Chosen results for the count over the primes and over QQ, with the calls they saw."""

    def __init__(self, monkeypatch, modular=None, rational=None, tools=("singular", "msolve")):
        self.calls = []
        self.modular, self.rational = modular, rational
        monkeypatch.setattr(pipeline, "available_exact_tools", lambda: set(tools))
        monkeypatch.setattr(pipeline, "modular_count", self._modular)
        monkeypatch.setattr(pipeline, "rational_count", self._rational)

    def _modular(self, polynomials, nvars, **kwargs):
        self.calls.append(("modular", kwargs))
        if isinstance(self.modular, Exception):
            raise self.modular
        return self.modular

    def _rational(self, polynomials, nvars, **kwargs):
        self.calls.append(("rational", kwargs))
        if isinstance(self.rational, Exception):
            raise self.rational
        return self.rational


_SYSTEM = build_system(FunctionProblem(("x",), "x^3/3 - x"))  # gradient x^2 - 1: the points +-1


def _run_modular(options=SolveOptions(), exact=None):
    """The modular count, then the count over QQ as the pipeline runs it: beside the search (here
    an empty one), collected before the verdict."""
    seconds, lines = {}, []
    result, note = pipeline._modular(_SYSTEM, options, exact, seconds, lines.append)
    started, tasks = time.perf_counter(), pipeline._rational_count_tasks(_SYSTEM, result, options)
    with processes.started_in_threads(pipeline._rational_count, tasks, workers=1) as pending:
        result, note = pipeline._rational_count_outcome(result, note, tasks, pending, started, seconds, lines.append)
    return result, note, seconds, lines


def test_no_modular_count_when_not_asked_or_exact_or_without_singular(monkeypatch):
    tools = _Tools(monkeypatch, modular=_modular(0, 2, 2), rational=(0, 2, 0.0))
    assert _run_modular(SolveOptions(proof="none"))[:2] == (None, "not asked (proof = none)")
    assert _run_modular(exact=_exact(0, 2, 2))[:2] == (None, "not needed (exact check over QQ)")
    assert tools.calls == []
    _Tools(monkeypatch, modular=_modular(0, 2, 2), tools=("msolve",))
    result, note, _, lines = _run_modular()
    assert (result, note) == (None, "skipped: Singular is not installed")
    assert lines == ["modular count skipped: Singular is not installed"]


def test_a_failed_modular_count_gives_no_count(monkeypatch):
    tools = _Tools(monkeypatch, modular=BackendTimeout("Singular did not finish", 1.0))
    result, note, seconds, lines = _run_modular()
    assert result is None and note == "failed: Singular did not finish"
    assert 0 <= seconds["count"] < 60
    assert lines == ["modular count: the distinct count did not finish in 5 s; counted with multiplicity only",
                     "modular count failed: Singular did not finish"]
    # with the distinct count in 5 s, then without it in the rest of proof_timeout
    assert [(kwargs.get("distinct", False), kwargs["timeout"]) for _, kwargs in tools.calls] == [(True, 5.0),
                                                                                              (False, 55.0)]
    tools = _Tools(monkeypatch, modular=BackendCrashed("Singular crashed", None, ""))
    result, note, _, lines = _run_modular()
    assert result is None and note == "failed: Singular crashed" and len(tools.calls) == 1  # no second try


def test_a_slow_distinct_count_leaves_the_count_with_multiplicity(monkeypatch):
    tools = _Tools(monkeypatch, modular=_modular(0, 2, None), rational=(0, 2, 0.1))
    first = []

    def modular(polynomials, nvars, **kwargs):
        first.append(kwargs)
        if kwargs.get("distinct"):
            raise BackendTimeout("fglm: 5 s", 5.0)
        return _modular(0, 2, None)

    monkeypatch.setattr(pipeline, "modular_count", modular)
    result, note, _, lines = _run_modular(SolveOptions(proof_timeout=8))
    assert tools.calls[-1][0] == "rational"
    assert result.count_with_multiplicity == 2 and result.count_distinct is None and result.rational_count == 2
    assert [k["timeout"] for k in first] == [5.0, 3.0]
    assert lines[0] == "modular count: the distinct count did not finish in 5 s; counted with multiplicity only"


def test_the_count_over_qq_agreeing_with_the_primes_is_recorded(monkeypatch):
    tools = _Tools(monkeypatch, modular=_modular(0, 2, 2), rational=(0, 2, 0.25))
    result, note, seconds, lines = _run_modular(SolveOptions(proof_timeout=8))
    assert (result.dimension, result.count_with_multiplicity, result.count_distinct) == (0, 2, 2)
    assert result.rational_count == 2
    assert note == "ok; over QQ too (0.25 s)"
    assert 0 <= seconds["count"] < 60
    assert 0 <= seconds["count_qq"] < 60
    # the distinct count is asked for (it is the search's target); the count over QQ, running
    # beside the search, gets up to proof_timeout
    (_, modular_kwargs), (_, rational_kwargs) = tools.calls
    assert modular_kwargs["distinct"] is True and modular_kwargs["timeout"] == 5.0  # min(5 s, proof_timeout)
    assert rational_kwargs["timeout"] == 8
    assert lines[0].startswith("modular count: dimension 0, 2 critical points with multiplicity over F_p")
    assert lines[1] == "count over QQ: 2 with multiplicity (0.25 s, beside the search)"


def test_a_slow_count_over_qq_is_stopped_once_the_search_is_done_and_its_time_box_over(monkeypatch):
    # the search took no time: the count gets _RATIONAL_SECONDS, then its Singular (here a sleep)
    # is killed, alone, and the modular count stands
    niceness = []

    def slow_rational(polynomials, nvars, **kwargs):
        child = processes.start(["sleep", "30"])
        niceness.append(os.getpriority(os.PRIO_PROCESS, child.pid))
        try:
            child.wait(timeout=40)
        finally:
            processes.finish(child)
        raise BackendTimeout("killed", 30.0)

    _Tools(monkeypatch, modular=_modular(0, 2, 2))
    monkeypatch.setattr(pipeline, "rational_count", slow_rational)
    monkeypatch.setattr(pipeline, "_RATIONAL_SECONDS", 0.5)
    other = processes.start(["sleep", "30"])  # another stage's child: it must survive
    try:
        started = time.monotonic()
        result, note, seconds, lines = _run_modular()
        assert time.monotonic() - started < 5
        assert result.count_with_multiplicity == 2 and result.rational_count is None
        assert note.startswith("ok; over QQ: not finished in 0.") and note.endswith("s, the time of the search")
        assert other.poll() is None and list(processes._LIVE) == [other.pid]
        # it ran beside the search at a lower priority, the caller's own priority untouched
        assert niceness == [min(19, os.getpriority(os.PRIO_PROCESS, 0) + pipeline._BESIDE_NICENESS)]
    finally:
        processes.finish(other)


@pytest.mark.parametrize("over_qq", [(0, 3, 0.1), (1, None, 0.1)])
def test_the_count_over_qq_disagreeing_with_the_primes_makes_the_modular_count_unused(monkeypatch, over_qq):
    _Tools(monkeypatch, modular=_modular(0, 2, 2), rational=over_qq)
    result, note, seconds, lines = _run_modular()
    assert result is None
    assert note.endswith("the primes were unlucky, the modular count is not used")
    assert 0 <= seconds["count"] < 60
    assert "disagrees with the modular count: not used" in lines[-1]


def test_a_count_over_qq_that_does_not_finish_leaves_the_modular_count(monkeypatch):
    _Tools(monkeypatch, modular=_modular(0, 2, 2), rational=BackendTimeout("std over QQ: 5 s", 5.0))
    result, note, seconds, _ = _run_modular()
    assert result.count_with_multiplicity == 2 and result.rational_count is None
    assert note == "ok; over QQ: std over QQ: 5 s"
    assert 0 <= seconds["count"] < 60


def test_a_positive_dimension_asks_no_count_over_qq(monkeypatch):
    tools = _Tools(monkeypatch, modular=_modular(1), rational=(1, None, 0.0))
    result, note, seconds, lines = _run_modular()
    assert result.dimension == 1 and note == "ok"
    assert [name for name, _ in tools.calls] == ["modular"]
    assert lines[0].startswith("modular count: dimension 1 over F_p")
    assert 0 <= seconds["count"] < 60


# --- --verify exact --------------------------------------------------------------------------


def _catalog(multiplicities, real, components=()):
    points = [SimpleNamespace(multiplicity=m) for m in multiplicities]
    return SimpleNamespace(critical_points=points, summary=SimpleNamespace(real=real), components=tuple(components))


def _component(dimension, degree):
    return SimpleNamespace(dimension=dimension, degree=degree)


def test_verify_exact_passes_when_everything_agrees():
    truth = _exact(0, 2, 3, real=1)
    pipeline._verify(_catalog([1, 2], 1), truth)
    pipeline._verify(_catalog([1, None], 1), truth)          # an unknown multiplicity is not compared
    pipeline._verify(_catalog([1, 1, 1, 1], 7), _exact(0))     # nothing computed, nothing compared
    pipeline._verify(_catalog([1], 0), _exact(-1, 0, 0, 0))    # no critical point: nothing to compare


@pytest.mark.parametrize("catalog, message", [
    (_catalog([1, 1, 1], 1), "3 distinct critical points found, exact count 2"),
    (_catalog([1, 1], 1), "multiplicities add up to 2, exact count with multiplicity 3"),
    (_catalog([1, 3], 1), "multiplicities add up to 4, exact count with multiplicity 3"),
    (_catalog([1, 2], 2), "2 real critical points found, exact real count 1"),
    (_catalog([1, 2], 1, [_component(1, 1)]), "1 positive-dimensional component(s) found, exact dimension 0"),
])
def test_verify_exact_raises_on_each_disagreement(catalog, message):
    with pytest.raises(VerificationFailed) as info:
        pipeline._verify(catalog, _exact(0, 2, 3, real=1))
    text = str(info.value)
    assert text.startswith("numerical result disagrees with exact algebra: ") and message in text
    assert text.endswith(". Try more runs (--max-runs), another seed, or report the case.")
    assert info.value.catalog is catalog


def test_verify_exact_names_every_disagreement():
    with pytest.raises(VerificationFailed) as info:
        pipeline._verify(_catalog([1, 1, 1], 3), _exact(0, 2, 2, real=1))
    assert ("3 distinct critical points found, exact count 2; multiplicities add up to 3, exact count with "
            "multiplicity 2; 3 real critical points found, exact real count 1.") in str(info.value)


# the hyperbola ab = 2 (dimension 1, degree 2) and the origin, as Singular's minAssGTZ gives them
HYPERBOLA = _exact(1, components=((1, 2), (0, 1)))


def test_component_check_passes_when_dimension_degrees_and_isolated_points_agree():
    assert pipeline._component_mismatches(_catalog([1], 1, [_component(1, 2)]), HYPERBOLA) == []
    # a prime over QQ may split over CC: two lines of degree 1 have the same total degree
    assert pipeline._component_mismatches(_catalog([1], 1, [_component(1, 1), _component(1, 1)]), HYPERBOLA) == []
    pipeline._verify(_catalog([1], 1, [_component(1, 2)]), HYPERBOLA)
    # without Singular's decomposition only the dimension is compared
    assert pipeline._component_mismatches(_catalog([], 0, [_component(1, 5)]), _exact(1)) == []
    pipeline._verify(_catalog([1, 1], 0, [_component(1, 5)]), _exact(1))


def test_component_check_finds_a_missing_component():
    problems = pipeline._component_mismatches(_catalog([1], 1), HYPERBOLA)
    assert problems == ["largest component dimension found 0, exact dimension 1",
                        "components of dimension 1 have total degree 0, exact 2"]
    assert pipeline._component_mismatches(_catalog([], 0), _exact(1)) == \
        ["largest component dimension found 0, exact dimension 1"]
    with pytest.raises(VerificationFailed, match="largest component dimension found 0, exact dimension 1"):
        pipeline._verify(_catalog([1], 1), HYPERBOLA)


def test_component_check_finds_a_wrong_degree_an_extra_component_and_a_stray_point():
    assert pipeline._component_mismatches(_catalog([1], 1, [_component(1, 1)]), HYPERBOLA) == \
        ["components of dimension 1 have total degree 1, exact 2"]
    assert pipeline._component_mismatches(_catalog([1], 1, [_component(1, 2), _component(2, 1)]), HYPERBOLA) == \
        ["largest component dimension found 2, exact dimension 1",
         "components of dimension 2 have total degree 1, exact 0"]   # largest dimension first
    assert pipeline._component_mismatches(_catalog([1, 1], 1, [_component(1, 2)]), HYPERBOLA) == \
        ["2 isolated critical points found, exact 1 (isolated primes of the decomposition)"]
    assert pipeline._component_mismatches(_catalog([], 1, [_component(1, 2)]), HYPERBOLA) == \
        ["0 isolated critical points found, exact 1 (isolated primes of the decomposition)"]
    surface = _exact(2, components=((2, 1), (1, 3)))
    # every sum is compared, largest dimension first
    assert pipeline._component_mismatches(_catalog([], 0), surface) == \
        ["largest component dimension found 0, exact dimension 2",
         "components of dimension 2 have total degree 0, exact 1",
         "components of dimension 1 have total degree 0, exact 3"]
    assert pipeline._component_mismatches(_catalog([], 0, [_component(2, 1)]), surface) == \
        ["components of dimension 1 have total degree 0, exact 3"]
    with pytest.raises(VerificationFailed, match="dimension 1 have total degree 1, exact 2"):
        pipeline._verify(_catalog([1], 1, [_component(1, 1)]), HYPERBOLA)


# --- overlapping certified boxes -----------------------------------------------------------------


def test_overlapping_certified_boxes_do_not_count_as_distinct():
    balls = _SYSTEM.balls
    plus, minus = certify_point(balls, np.array([1.0])), certify_point(balls, np.array([-1.0]))
    assert plus is not None and minus is not None
    refined = [SimpleNamespace(certified=c) for c in (plus, minus, plus, None)]
    assert pipeline._overlapping_boxes(refined) == 2      # the two boxes around +1 overlap
    assert pipeline._overlapping_boxes(refined[:2] + refined[3:]) == 0


# --- the typed evidence ---------------------------------------------------------------------------


def _point(*, certified=True, real=True):
    certificate = Certificate(method="krawczyk", radius=1e-15, real=real, morse_index=0 if real else None,
                              loss=(0.0, 0.0), precision=64) if certified else None
    return CriticalPoint(coordinates=(0j,), is_real=real, loss=0j, hessian_eigenvalues=(1 + 0j,), hessian_rank=1,
                         hessian_min_singular_value=1.0, hessian_noise_level=1e-16,
                         nondegenerate=True if certified else None, morse_index=0 if certified else None,
                         multiplicity=1 if certified else None, isolated=True if certified else None, residual=0.0,
                         certificate=certificate)


def _verdict(points, *, exact=None, modular=None, no_points=False, note="not run", components=(), runs=(),
             multiple=None, root_counts=None, overlapping=0, doubtful=0):
    search = SimpleNamespace(runs=list(runs), stable=True)
    kwargs = dict(points=points, components=list(components), root_counts=root_counts or {"total_degree": 9},
                  search=search, options=SolveOptions(stable_runs=3), exact=exact, note=note, no_points=no_points,
                  modular=modular, overlapping=overlapping, doubtful=doubtful, non_isolated=[])
    if "multiple" in pipeline._verdict.__code__.co_varnames:
        kwargs["multiple"] = multiple
    return pipeline._verdict(**kwargs)


def test_no_critical_point_is_morse_by_exact_algebra_with_nothing_missing():
    v = _verdict([], no_points=True, root_counts={"total_degree": 0})
    assert v.completeness == "exact-count"      # 0 proven points = 0 distinct points over QQ
    assert (v.morse, v.complex_morse) == (True, True)
    codes = [r.code for r in v.reasons]
    # no point exists, so there is no multiplicity to state (that is said in dimension 0 only)
    assert "exact" not in codes and "missing-points" not in codes and "zero-dimensional" in codes


def test_the_exact_result_is_the_algebra_at_the_exact_level():
    v = _verdict([_point(), _point()], exact=_exact(0, 2, 2), modular=None)
    assert v.completeness == "exact-count"
    # one point unproven: radical over QQ decides by itself
    v = _verdict([_point(), _point(certified=False)], exact=_exact(0, 2, 2), modular=None)
    assert v.complex_morse_basis == "exact-algebra"


def test_the_modular_count_is_the_algebra_at_the_modular_level():
    v = _verdict([_point(), _point()], modular=_modular(0, 2, 2, rational=None))
    assert v.completeness == "modular-count"
    v = _verdict([_point(), _point(certified=False)], modular=_modular(0, 2, 2, rational=None))
    assert v.complex_morse_basis == "modular-algebra"
    v = _verdict([_point(), _point()], modular=_modular(0, 2, None, rational=2))
    assert v.completeness == "exact-count"


def test_counts_unavailable_leave_the_verdict_undetermined():
    # no Singular, or a failed count: no algebra; two certified points below the total degree
    v = _verdict([_point(), _point()])
    assert v.morse is None and v.complex_morse is None
    assert v.completeness == "certified-lower-bound"


def test_failed_runs_and_the_decomposition_note_reach_the_reasons():
    runs = [SimpleNamespace(error=None), SimpleNamespace(error="signal 11"), SimpleNamespace(error=None)]
    v = _verdict([_point()], runs=runs, note="ok")
    assert "1 backend run(s) failed" in v.reasons[0].message
    (open_,) = [r for r in v.reasons if r.code == "zero-dimensionality-not-established"]
    assert "decomposition found no component" in open_.message
    v = _verdict([_point()], note="failed: PHCpack crashed")
    (open_,) = [r for r in v.reasons if r.code == "zero-dimensionality-not-established"]
    assert "decomposition found no component" not in open_.message
    line = SimpleNamespace(dimension=1, degree=1, real_points=(), description="a line")
    v = _verdict([_point()], note="ok", components=[line], modular=_modular(1))
    assert not any("decomposition found no component" in r.message for r in v.reasons)


def test_multiple_points_over_qq_reach_the_algebra(monkeypatch):
    if "multiple" not in pipeline._verdict.__code__.co_varnames:
        pytest.skip("no primary decomposition in this version")
    real_double = (MultipleSet(points=1, multiplicity=2, real_points=1),)
    v = _verdict([_point(), _point(certified=False)], modular=_modular(0, 3, 2), multiple=real_double)
    assert (v.morse, v.morse_basis) == (False, "exact-algebra")
    # with no algebra at all there is nothing to attach them to, and no error
    v = _verdict([_point()], multiple=real_double)
    assert v.morse is None


# --- a stand-in for the search ------------------------------------------------------------------


class _Set:
    def __init__(self, points=()):
        self.points = list(points)

    def __len__(self):
        return len(self.points)

    def add(self, point):
        self.points.append(point)
        return True

    def remove(self, point):
        self.points = [p for p in self.points if p is not point]

    def clear(self):
        self.points = []


class _Search:
    def __init__(self, found=(), singular=()):
        self.found, self.singular = _Set(found), _Set(singular)
        self.seconds, self.examined, self.non_isolated = {}, [], []
        self.certified_points, self.certified_starts = [], []

    @property
    def proven(self):
        return sum(p.proven for p in self.found.points)

    def add_certified_point(self, certified, numerically_real):
        self.certified_points.append(certified)
        self.found.add(_certified())
        return 1

    def add_certified(self, start, precisions=PRECISIONS):
        self.certified_starts.append((start, tuple(precisions)))
        if start == "new":
            self.found.add(_certified())
            return True
        return False


def _certified(x=1.0):
    return RefinedPoint(np.array([x], dtype=complex), True, 0.0, certified=object())


def _exactly(multiplicity, x=0.0):
    return RefinedPoint(np.array([x], dtype=complex), True, 0.0, exact=ExactPoint((Fraction(0),), 0, multiplicity))


def _unproven(x=0.5, isolated=True):
    point = RefinedPoint(np.array([x], dtype=complex), True, 1e-9)
    _ISOLATED[id(point)] = (point, isolated)
    return point


_ISOLATED: dict = {}
"""Whether each unproven stand-in point is numerically isolated (by id; the point kept alive)."""


# --- doubtful endpoints ----------------------------------------------------------------------


@pytest.fixture
def dual_space(monkeypatch):
    """Stand in for the local dual space: a singular sample is isolated when the test says so."""
    monkeypatch.setattr(pipeline, "classify_refined",
                        lambda numeric, p, tolerances: SimpleNamespace(isolated=_ISOLATED[id(p)][1]))


def _drop(search, counts):
    lines = []
    dropped = pipeline._drop_doubtful(_SYSTEM, search, counts, None, lines.append)
    return dropped, lines


def test_proven_points_that_make_the_distinct_count_drop_every_unproven_point(dual_space):
    cert, double, midpoint = _certified(), _exactly(2), _unproven()
    search = _Search([cert, double, midpoint], [_unproven(2.0, True), _unproven(3.0, False)])
    dropped, lines = _drop(search, (2, None))
    assert dropped == 3
    assert search.found.points == [cert, double] and len(search.singular) == 0
    assert lines == ["3 doubtful endpoint(s) (neither certified nor proven) dropped: the proven points account "
                     "for the whole count"]


def test_proven_multiplicities_that_make_the_count_drop_every_unproven_point(dual_space):
    # a certified point (multiplicity 1) and a rational point of multiplicity 2: 3 with multiplicity
    cert, double, midpoint = _certified(), _exactly(2), _unproven()
    search = _Search([cert, double, midpoint])
    assert _drop(search, (None, 3))[0] == 1
    assert search.found.points == [cert, double]


def test_a_count_not_met_keeps_the_unproven_points_and_the_isolated_samples(dual_space):
    cert, double, midpoint = _certified(), _exactly(2), _unproven()
    isolated, on_curve = _unproven(2.0, True), _unproven(3.0, False)
    search = _Search([cert, double, midpoint], [isolated, on_curve])
    dropped, lines = _drop(search, (3, 4))          # 2 of 3 distinct, 3 of 4 with multiplicity
    assert dropped == 1
    assert search.found.points == [cert, double, midpoint]
    assert search.singular.points == [isolated]
    assert lines == ["1 doubtful endpoint(s) (neither certified nor proven) dropped: the critical set is finite by "
                     "the modular count"]


def test_a_count_exceeded_is_not_complete_either(dual_space):
    # distinct count 1, but 2 proven points: not "the whole count"; the midpoint stays
    cert, other, midpoint = _certified(), _certified(-1.0), _unproven()
    search = _Search([cert, other, midpoint])
    assert _drop(search, (1, None)) == (0, [])
    assert search.found.points == [cert, other, midpoint]


def test_nothing_to_drop_says_nothing(dual_space):
    search = _Search([_certified()], [_unproven(2.0, True)])
    assert _drop(search, (3, 4)) == (0, [])
    assert len(search.singular) == 1


# --- near collisions and msolve's parametrization --------------------------------------------


class _Resolvers:
    def __init__(self, monkeypatch, *, proofs=0, splits=2, tools=("singular", "msolve"), solutions=None):
        self.log = []
        self.proofs, self.splits, self.solutions = proofs, splits, solutions
        monkeypatch.setattr(pipeline, "_prove_rational_points", self._prove)
        monkeypatch.setattr(pipeline, "split_cluster", self._split)
        monkeypatch.setattr(pipeline, "available_exact_tools", lambda: set(tools))
        monkeypatch.setattr(pipeline, "exact_points", self._exact_points)

    def _prove(self, system, search, report, *args):
        self.log.append("prove")
        for _ in range(self.proofs):
            search.found.add(_exactly(1))

    def _split(self, balls, numeric, coordinates, real=None):
        self.log.append("split")
        return ["a"] * self.splits

    def _exact_points(self, polynomials, nvars, **kwargs):
        self.log.append("msolve")
        if isinstance(self.solutions, Exception):
            raise self.solutions
        return self.solutions


def _resolve(search, target):
    notes, lines = [], []
    pipeline._resolve_missing(_SYSTEM, search, target, SolveOptions(), lines.append, notes)
    return notes, lines


def _seconds(note):
    (value,) = re.findall(r"\((\d+\.\d\d) s\)", note)
    return float(value)


def test_nothing_is_resolved_without_a_target_or_when_it_is_met(monkeypatch):
    tools = _Resolvers(monkeypatch)
    assert _resolve(_Search([_unproven()]), None) == ([], [])
    search = _Search([_certified(), _unproven()])
    assert _resolve(search, 1) == ([], [])          # 1 proven = the target
    assert tools.log == [] and "resolve" not in search.seconds


def test_exact_proofs_that_meet_the_target_end_the_resolution(monkeypatch):
    tools = _Resolvers(monkeypatch, proofs=1)
    search = _Search([_certified(), _unproven()])
    notes, _ = _resolve(search, 2)
    assert tools.log == ["prove"] and notes == []
    assert 0 <= search.seconds["resolve"] < 60


def test_split_starts_that_meet_the_target_end_the_resolution(monkeypatch):
    tools = _Resolvers(monkeypatch, splits=2)
    search = _Search([_unproven()])
    search.seconds["resolve"] = 100.0                # a second call adds its time
    notes, lines = _resolve(search, 2)
    assert tools.log == ["prove", "split"]
    assert search.certified_points == ["a", "a"]
    (note,) = notes
    assert note.startswith("split starts gave 2 new certified points (") and _seconds(note) < 60
    assert lines == ["near collisions: split starts gave 2 new certified point(s)"]
    assert 100.0 < search.seconds["resolve"] < 160.0


def test_without_msolve_the_parametrization_is_skipped(monkeypatch):
    tools = _Resolvers(monkeypatch, splits=0, tools=("singular",))
    search = _Search([_unproven()])
    notes, _ = _resolve(search, 2)
    assert tools.log == ["prove", "split"]
    assert notes == ["parametrization skipped: msolve is not installed"]
    assert 0 <= search.seconds["resolve"] < 1.0


def test_the_parametrization_fills_the_rest_at_every_precision_up_to_1024_bits(monkeypatch):
    tools = _Resolvers(monkeypatch, splits=1, solutions=["new", "old", "new"])
    search = _Search([_unproven()])
    notes, lines = _resolve(search, 3)
    assert tools.log == ["prove", "split", "msolve"]
    assert [precisions for _, precisions in search.certified_starts] == [PRECISIONS + (1024,)] * 3
    assert notes[0].startswith("split starts gave 1 new certified points")
    assert notes[1].startswith("msolve's parametrization gave 3 points, 2 new certified (")
    assert _seconds(notes[1]) < 60
    assert lines[-1] == "parametrization (msolve): 3 solutions, 2 new certified points"


def test_a_failed_parametrization_is_noted(monkeypatch):
    _Resolvers(monkeypatch, splits=0, solutions=BackendError("msolve crashed"))
    notes, lines = _resolve(_Search([_unproven()]), 2)
    assert notes == ["parametrization failed: msolve crashed"]
    assert lines == ["parametrization (msolve) failed: msolve crashed"]


# --- exact proofs at rational points ----------------------------------------------------------


class _Proofs:
    def __init__(self, monkeypatch, answers, tools=("singular",)):
        self.answers, self.tried = answers, []
        monkeypatch.setattr(pipeline, "prove_rational_point", self._prove)
        monkeypatch.setattr(pipeline, "available_exact_tools", lambda: set(tools))

    def _prove(self, gradient, coordinates):
        x = float(np.real(coordinates[0]))
        self.tried.append(x)
        return self.answers.get(x)


def _prove(search):
    lines = []
    pipeline._prove_rational_points(_SYSTEM, search, lines.append)
    return lines


def test_rational_points_are_proven_isolated_or_on_a_component(monkeypatch):
    isolated = ExactPoint((Fraction(1),), 0, 2)
    on_line = ExactPoint((Fraction(3),), 1, None)
    proofs = _Proofs(monkeypatch, {1.0: isolated, 3.0: on_line, 4.0: on_line})
    cert = _certified(7.0)
    a, b, c, d = _unproven(1.0), _unproven(2.0), _unproven(3.0), _unproven(4.0)
    search = _Search([cert, a, b], [c, d])
    search.seconds["exact-points"] = 100.0
    lines = _prove(search)
    assert sorted(proofs.tried) == [1.0, 2.0, 3.0, 4.0]
    # the isolated one replaces its numerical point, as a real point carrying the proof
    assert search.found.points[:2] == [cert, b]
    (new,) = search.found.points[2:]
    assert new.exact is isolated and new.is_real is True and new.proven
    # the two samples of the line leave the singular list; the proof is listed once
    assert search.singular.points == [] and search.non_isolated == [on_line]
    (line,) = lines
    assert line.startswith("exact proofs at rational points: 1 isolated, 1 on a component (")
    assert _seconds(line) < 60
    assert 100.0 < search.seconds["exact-points"] < 160.0   # the time spent is added


def test_a_singular_sample_proven_isolated_leaves_the_singular_list(monkeypatch):
    _Proofs(monkeypatch, {2.0: ExactPoint((Fraction(2),), 0, 3)})
    sample = _unproven(2.0)
    search = _Search([], [sample])
    lines = _prove(search)
    assert search.singular.points == []
    assert [p.exact.multiplicity for p in search.found.points] == [3]
    assert lines[0].startswith("exact proofs at rational points: 1 isolated, 0 on a component")
    assert 0 < search.seconds["exact-points"] < 1.0


def test_each_point_is_tried_once_and_a_failed_proof_changes_nothing(monkeypatch):
    proofs = _Proofs(monkeypatch, {})
    tried_before, fresh = _unproven(1.0), _unproven(2.0)
    search = _Search([tried_before, fresh])
    search.examined.append(tried_before)
    assert _prove(search) == []
    assert proofs.tried == [2.0]
    assert search.found.points == [tried_before, fresh] and search.non_isolated == []
    assert search.examined == [tried_before, fresh]


def test_no_proof_is_tried_without_singular_or_without_candidates(monkeypatch):
    proofs = _Proofs(monkeypatch, {1.0: ExactPoint((Fraction(1),), 0, 2)}, tools=("msolve",))
    search = _Search([_unproven(1.0)])
    assert _prove(search) == []
    assert proofs.tried == [] and search.examined == []
    proofs = _Proofs(monkeypatch, {})
    search = _Search([_certified()])
    assert _prove(search) == []
    assert proofs.tried == [] and search.examined == [] and "exact-points" not in search.seconds
