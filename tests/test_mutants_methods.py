"""Hand-derived facts about the search methods and the monodromy completeness bookkeeping.

Written against mutants of ``algmorse/methods.py`` and ``algmorse/engine/monodromy.py`` that used
to survive the test suite (issue 16, item 6). Every backend here is scripted (no PHCpack), so
the file runs in seconds; the expected values are worked out by hand in the comments.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import algmorse.methods as methods
from algmorse import SolveOptions, analyze
from algmorse.engine import monodromy
from algmorse.engine.backends.base import Endpoint, RawSolve, TrackedPaths
from algmorse.engine.backends.fake import FakeBackend
from algmorse.engine.exact import ModularCount
from algmorse.engine.family import StratumFamily
from algmorse.engine.monodromy import (
    GenericSolution,
    StratumRecord,
    TargetEndpoints,
    solve_generic,
    track_to_target,
)
from algmorse.engine.strata import support_strata
from algmorse.errors import BackendCrashed, BackendError, BackendUnavailable
from algmorse.methods import choose_method, estimated_paths, monodromy_search
from algmorse.model.network import FunctionProblem
from algmorse.model.options import Tolerances
from algmorse.model.system import build_system
from algmorse.search import Search

# h = 3x^4 + 4x^3 - 12x^2: h' = 12 x (x - 1) (x + 2), three simple critical points 0, 1, -2 and no
# sign symmetry. Its only stratum is the whole line; the family member at c is
# 12x^3 + 12x^2 + (c - 24) x, whose solutions with x != 0 are the 2 roots of 12x^2 + 12x + c - 24.
PROBLEM = FunctionProblem(("x",), "3*x^4 + 4*x^3 - 12*x^2")
CRITICAL = (0.0, 1.0, -2.0)


def _modular(count: int | None, dimension: int = 0) -> ModularCount:
    return ModularCount(primes=(32003, 32009), dimension=dimension, count_with_multiplicity=count, tool="singular",
                        tool_version="test", seconds=0.0)


class TrackingFake(FakeBackend):
    """A FakeBackend that also has ``track`` (so that monodromy may be chosen); never tracks here."""

    def track(self, legs, points, nvars, *, seed, timeout):  # pragma: no cover - the tests stub the tracking
        raise AssertionError("not expected to track")


def _univariate_roots(polynomial) -> np.ndarray:
    degree = max(e[0] for e in polynomial)
    coefficients = [complex(polynomial.get((k,), 0)) for k in range(degree, -1, -1)]
    return np.roots(coefficients)


class RootsBackend:
    """Solves one-variable systems exactly enough (numpy roots): ``solve`` returns every root of the
    member; ``track`` returns roots of the last leg's target, rotated by one at every call (so that
    monodromy loops meet every root)."""

    name = "roots"

    def __init__(self, fail_solves: int = 0) -> None:
        self.calls = 0
        self.solves = 0
        self.fail_solves = fail_solves

    def version(self) -> str:
        return "0"

    def solve(self, polynomials, nvars, *, seed, timeout):
        self.solves += 1
        if self.solves <= self.fail_solves:
            raise BackendError("scripted failure")
        roots = _univariate_roots(polynomials[0])
        return RawSolve(endpoints=tuple(Endpoint(coordinates=(complex(r),)) for r in roots), paths_tracked=5, seed=seed)

    def track(self, legs, points, nvars, *, seed, timeout):
        roots = _univariate_roots(legs[-1].target[0])
        self.calls += 1
        return TrackedPaths(endpoints=tuple(Endpoint(coordinates=(complex(roots[(i + self.calls) % len(roots)]),), t=1.0)
                                            for i in range(len(points))), seconds=0.0)


class JunkBackend(RootsBackend):
    """``solve`` returns points that are no solutions (Newton from them fails or lands on 0)."""

    def solve(self, polynomials, nvars, *, seed, timeout):
        self.solves += 1
        return RawSolve(endpoints=(Endpoint(coordinates=(0j,)),), paths_tracked=None, seed=seed)


class ScriptedTracks:
    """``track`` returns the scripted endpoint lists in order (one list per call)."""

    name = "scripted"

    def __init__(self, answers) -> None:
        self.answers = list(answers)
        self.asked: list[int] = []

    def version(self) -> str:
        return "0"

    def track(self, legs, points, nvars, *, seed, timeout):
        self.asked.append(len(points))
        answer = self.answers.pop(0)
        assert len(answer) == len(points)
        return TrackedPaths(endpoints=tuple(None if a is None else Endpoint(coordinates=(complex(a),), t=1.0)
                                            for a in answer), seconds=0.0)


def _family():
    system = build_system(PROBLEM)
    (stratum,) = support_strata(PROBLEM, system)
    return system, StratumFamily(system, stratum)


# --- choose_method --------------------------------------------------------------------------------

def _system(degree: int):
    return SimpleNamespace(total_degree=degree)


def test_auto_picks_monodromy_exactly_when_it_is_expected_to_cost_fewer_paths():
    tracker = TrackingFake([[(0,)]])
    auto = SolveOptions(seed=1)  # stable_runs = 2: the blackbox runs at least 3 times
    count = 3
    # monodromy: 4 paths a point and 1000 a stratum = 1012; the blackbox: 3 runs of the Bezout number
    assert estimated_paths(_system(338), auto, count) == {"blackbox": 1014, "monodromy": 1012}
    assert choose_method(_system(338), auto, _modular(count), tracker) == "monodromy"
    assert choose_method(_system(337), auto, _modular(count), tracker) == "blackbox"  # 1011 < 1012
    # more stable runs make the blackbox dearer, more strata the monodromy
    assert choose_method(_system(337), SolveOptions(seed=1, stable_runs=3), _modular(count), tracker) == "monodromy"
    assert choose_method(_system(338), auto, _modular(count), tracker, strata=2) == "blackbox"
    assert choose_method(_system(671), auto, _modular(count), tracker, strata=2) == "monodromy"  # 2013 > 2012
    # the count, not only the Bezout number: 257 points of t^2 [2,2,1] (Bezout 15625, 4 strata) by
    # monodromy, but not 11500 points with the same Bezout number
    assert choose_method(_system(15625), auto, _modular(257), tracker, strata=4) == "monodromy"
    assert choose_method(_system(15625), auto, _modular(11500), tracker, strata=4) == "blackbox"
    plain = FakeBackend([[(0,)]])
    # without tracking, without a count, with a positive-dimensional or empty count: the blackbox
    assert choose_method(_system(10**9), auto, _modular(count), plain) == "blackbox"
    assert choose_method(_system(10**9), auto, None, tracker) == "blackbox"
    assert choose_method(_system(10**9), auto, _modular(5, dimension=1), tracker) == "blackbox"
    assert choose_method(_system(10**9), auto, _modular(None, dimension=2), tracker) == "blackbox"
    assert choose_method(_system(10**9), auto, _modular(0, dimension=-1), tracker) == "blackbox"
    assert choose_method(_system(10**9), auto, _modular(0), tracker) == "blackbox"


def test_given_generic_points_mean_monodromy_only_with_a_tracker():
    generic = GenericSolution([], [], [])
    auto = SolveOptions(seed=1)
    assert choose_method(_system(3), auto, _modular(3), TrackingFake([[(0,)]]), generic) == "monodromy"
    assert choose_method(_system(3), auto, _modular(3), FakeBackend([[(0,)]]), generic) == "blackbox"
    # no generic points and a small ratio: the blackbox, tracker or not
    assert choose_method(_system(3), auto, _modular(3), TrackingFake([[(0,)]])) == "blackbox"


def test_an_explicit_method_is_kept_and_monodromy_needs_a_tracker():
    tracker, plain = TrackingFake([[(0,)]]), FakeBackend([[(0,)]])
    for name in ("blackbox", "monodromy"):
        assert choose_method(_system(10**9), SolveOptions(method=name), _modular(1), tracker) == name
        assert choose_method(_system(3), SolveOptions(method=name), _modular(3), tracker) == name
    assert choose_method(_system(10**9), SolveOptions(method="blackbox"), _modular(1), plain) == "blackbox"
    with pytest.raises(BackendUnavailable):
        choose_method(_system(3), SolveOptions(method="monodromy"), _modular(3), plain)


# --- monodromy_search ------------------------------------------------------------------------------

class Clock:
    """A scripted ``time`` module: perf_counter returns the given readings in order."""

    def __init__(self, *readings: float) -> None:
        self.readings = list(readings)

    def perf_counter(self) -> float:
        return self.readings.pop(0)


def _generic_for(family, found: int, expected: int, complete: bool, total: int | None, paths: int = 7):
    record = StratumRecord(family.stratum.label, family.size, expected, found=found, complete=complete, paths=paths)
    return GenericSolution([family], [np.array([1.0 + 0j])], [np.zeros((found, 1), dtype=complex)], [record], total)


@pytest.fixture
def scripted(monkeypatch):
    """Stubs for the generic solve and the target homotopy of algmorse.methods; returns the log."""
    log = SimpleNamespace(generic=[], target=[], generic_result=None, target_result=None)

    def fake_solve_generic(families, backend, **kwargs):
        log.generic.append(dict(kwargs, families=list(families)))
        return log.generic_result(families) if callable(log.generic_result) else log.generic_result

    def fake_track_to_target(solution, backend, **kwargs):
        log.target.append(dict(kwargs, solution=solution))
        return log.target_result

    monkeypatch.setattr(methods, "solve_generic", fake_solve_generic)
    monkeypatch.setattr(methods, "track_to_target", fake_track_to_target)
    return log


def test_monodromy_search_accounts_paths_seeds_and_seconds(monkeypatch, scripted):
    system, family = _family()
    search = Search(system, Tolerances(), SolveOptions(seed=1))
    scripted.generic_result = _generic_for(family, found=2, expected=2, complete=True, total=3, paths=7)
    scripted.target_result = TargetEndpoints([np.array([1.0 + 0j]), np.array([-2.0 + 0j])], paths=3, escaped=1,
                                             collided=2)
    # readings: start 10, generic solve done at 10.1234567, target homotopy done at 10.43217, record at 11.23456789
    monkeypatch.setattr(methods, "time", Clock(10.0, 10.1234567, 10.43217, 11.23456789))
    lines: list[str] = []
    record = monodromy_search(PROBLEM, system, search, RootsBackend(), 41, SolveOptions(seed=41, stable_runs=2),
                              lines.append)
    # paths: 7 monodromy paths, then 3 target paths
    (run,) = search.runs
    assert run.paths_tracked == 10 and run.seed == 41 and run.endpoints == 2
    assert record["paths"] == 7 and record["target_paths"] == 3
    assert record["escaped"] == 1 and record["collided"] == 2 and record["generic_count"] == 2
    assert record["generic_total"] == 3 and record["complete"] is False  # 2 of 3: the origin is missing
    # seconds from the scripted clock
    assert search.seconds["monodromy"] == pytest.approx(0.1234567)
    assert search.seconds["track"] == pytest.approx(0.3087133)
    assert run.seconds == 0.4322  # 0.43217 rounded to 4 places
    assert record["seconds"] == 1.2346  # 1.23456789 rounded to 4 places
    assert "(0.43 s)" in lines[-1] and "1 escaped, 2 collided" in lines[-1]
    assert lines[0] == "monodromy on 1 support stratum"
    # the generic solve and the target homotopy: seeds derived from the run seed, distinct streams
    (generic_call,), (target_call,) = scripted.generic, scripted.target
    assert generic_call["seed"] == 41
    assert target_call["seed"] != 41
    # at least 3 quiet loops, and the strata's modular counts are the stopping rule (proof "auto")
    assert generic_call["quiet_loops"] == 3 and generic_call["counts"] is True
    # both points were merged into the search
    assert sorted(round(p.coordinates[0].real, 9) for p in search.found.points) == [-2.0, 1.0]


def test_monodromy_search_seeds_and_options_follow_the_run(monkeypatch, scripted):
    system, family = _family()
    scripted.generic_result = _generic_for(family, found=2, expected=2, complete=True, total=3)
    scripted.target_result = TargetEndpoints([np.array([1.0 + 0j])], paths=1)
    targets = []
    for seed in (5, 6):
        search = Search(system, Tolerances(), SolveOptions(seed=seed))
        monodromy_search(PROBLEM, system, search, RootsBackend(), seed,
                         SolveOptions(seed=seed, stable_runs=5, proof="none"), lambda _line: None)
        targets.append(scripted.target[-1]["seed"])
        assert scripted.generic[-1]["seed"] == seed and scripted.target[-1]["seed"] != seed
        # more stable runs asked for: that many quiet loops; no modular counts without proof
        assert scripted.generic[-1]["quiet_loops"] == 5 and scripted.generic[-1]["counts"] is False
    assert targets[0] != targets[1]  # another run seed, another target homotopy


def test_monodromy_search_with_given_generic_points_skips_the_generic_solve(scripted):
    system, family = _family()
    search = Search(system, Tolerances(), SolveOptions(seed=1))
    generic = _generic_for(family, found=2, expected=2, complete=True, total=3)
    scripted.target_result = TargetEndpoints([np.array([1.0 + 0j])], paths=1)
    lines: list[str] = []
    record = monodromy_search(PROBLEM, system, search, RootsBackend(), 3, SolveOptions(seed=3), lines.append, generic)
    assert scripted.generic == [] and lines[0] == "parameter homotopy from 2 given generic points"
    assert record["paths"] == 7 and record["target_paths"] == 1


def test_monodromy_search_names_several_strata_in_the_plural(monkeypatch, scripted):
    from algmorse.results.library import load_case

    problem = load_case("net121_sq_genl2").spec.problem
    system = build_system(problem)
    count = len(support_strata(problem, system))
    assert count > 1
    scripted.generic_result = lambda families: GenericSolution(list(families), [], [], [], None)
    scripted.target_result = TargetEndpoints([], paths=0)
    lines: list[str] = []
    monodromy_search(problem, system, Search(system, Tolerances(), SolveOptions(seed=1)), RootsBackend(), 1,
                     SolveOptions(seed=1), lines.append)
    assert lines[0] == f"monodromy on {count} support strata"


def test_monodromy_search_draws_no_bar_unless_asked(monkeypatch, scripted):
    system, family = _family()
    enabled = []

    class Bar:
        def __init__(self, *args, enabled, **kwargs):
            self.enabled = enabled

        def __enter__(self):
            enabled.append(self.enabled)
            return self

        def __exit__(self, *exc):
            return False

        def update_to(self, done):
            pass

        def showing(self, progress, counting=False):
            return progress

    monkeypatch.setattr(methods, "ProgressBar", Bar)
    scripted.generic_result = _generic_for(family, found=2, expected=2, complete=True, total=3)
    scripted.target_result = TargetEndpoints([], paths=0)
    monodromy_search(PROBLEM, system, Search(system, Tolerances(), SolveOptions(seed=1)), RootsBackend(), 1,
                     SolveOptions(seed=1), lambda _line: None)
    monodromy_search(PROBLEM, system, Search(system, Tolerances(), SolveOptions(seed=1)), RootsBackend(), 1,
                     SolveOptions(seed=1), lambda _line: None, progress_bar=True)
    assert enabled == [False, False, True, True]  # the strata's bar and the parameter homotopy's


# --- the pipeline after a monodromy run -------------------------------------------------------------

def _analyze_after(scripted, *, complete: bool, escaped: int, arrived):
    """analyze() with method monodromy, the generic solve and target homotopy scripted; the blackbox
    (FakeBackend.solve) would find all three critical points. Without the modular count (proof
    "none") nothing else can close a gap: only the monodromy record decides whether blackbox runs
    follow."""
    backend = TrackingFake([[(c,) for c in CRITICAL]])
    _, family = _family()
    found = 3 if complete else 2
    scripted.generic_result = _generic_for(family, found=found, expected=found, complete=complete,
                                           total=3)
    scripted.target_result = TargetEndpoints([np.array([complex(a)]) for a in arrived], paths=len(arrived),
                                             escaped=escaped)
    lines: list[str] = []
    catalog = analyze(PROBLEM, options=SolveOptions(seed=2, method="monodromy", decompose="never", proof="none"), backend=backend,
                      progress=lines.append, progress_bar=False)
    return catalog, backend, lines


def test_a_monodromy_run_short_of_its_counts_is_followed_by_the_blackbox(scripted):
    # the stratum fell short (2 found, not complete) and only 2 of the 3 points arrived
    catalog, backend, lines = _analyze_after(scripted, complete=False, escaped=0, arrived=(1.0, -2.0))
    assert catalog.provenance.monodromy["complete"] is False
    assert backend.seeds, "the blackbox must run after an incomplete monodromy"
    assert "monodromy fell short of the count: blackbox runs follow" in lines
    assert sorted(round(p.coordinates[0].real, 9) for p in catalog.critical_points) == [-2.0, 0.0, 1.0]


def test_a_complete_monodromy_with_an_escaped_path_is_followed_by_the_blackbox(scripted):
    catalog, backend, lines = _analyze_after(scripted, complete=True, escaped=1, arrived=(1.0, -2.0))
    assert catalog.provenance.monodromy["complete"] is True
    assert backend.seeds and sorted(round(p.coordinates[0].real, 9) for p in catalog.critical_points) == [-2.0, 0.0, 1.0]


def test_a_complete_monodromy_reaching_the_count_needs_no_blackbox(scripted):
    catalog, backend, lines = _analyze_after(scripted, complete=True, escaped=0, arrived=CRITICAL)
    assert backend.seeds == [] and len(catalog.provenance.runs) == 1
    assert catalog.summary.isolated == 3


# --- GenericSolution bookkeeping ---------------------------------------------------------------------

def _records(*rows):
    return [StratumRecord(f"s{k}", 1, expected, found=found, complete=complete, paths=paths)
            for k, (expected, found, complete, paths) in enumerate(rows)]


def test_a_generic_solution_is_complete_only_when_every_stratum_is_and_the_total_agrees():
    both = _records((4, 4, True, 3), (2, 2, True, 5))
    assert GenericSolution([], [], [], both, 6).complete
    assert GenericSolution([], [], [], both, 6).count == 6 and GenericSolution([], [], [], both, 6).paths == 8
    assert not GenericSolution([], [], [], both, 7).complete  # a support no stratum covers
    assert not GenericSolution([], [], [], both, None).complete  # no total: nothing proven
    short = _records((4, 4, True, 3), (2, 1, False, 5))
    assert not GenericSolution([], [], [], short, 5).complete
    assert not GenericSolution([], [], [], short, 6).complete


class _FakeFamily:
    def __init__(self, label: str, size: int, variables: int) -> None:
        self.stratum = SimpleNamespace(label=label, support=tuple(range(size)))
        self.size = size
        self.system = SimpleNamespace(num_variables=variables, symmetries=())
        self.torus = True


@pytest.fixture
def stages(monkeypatch):
    """Scripted counts, monodromy and fallback for solve_generic; the log of what ran."""
    log = SimpleNamespace(counts={}, monodromy={}, blackbox={}, total=None, ran=[], totals=[])

    def torus(family, rng, timeout):
        log.ran.append(("count", family.stratum.label))
        return log.counts[family.stratum.label]

    def whole(family, rng, timeout, *, torus):
        log.totals.append((family.stratum.label, torus))
        return log.total

    def run_monodromy(family, backend, rng, record, jobs, quiet_loops, timeout, report=None):
        log.ran.append(("monodromy", family.stratum.label))
        record.found, record.complete, record.loops, record.paths = log.monodromy[family.stratum.label]
        return np.ones(family.size, dtype=complex), np.ones((1, family.size), dtype=complex)

    def run_blackbox(family, backend, rng, record, timeout):
        log.ran.append(("blackbox", family.stratum.label))
        found = log.blackbox[family.stratum.label]
        record.method, record.found, record.complete = "blackbox", found, found == record.expected
        record.paths += 10
        return np.ones(family.size, dtype=complex), np.ones((1, family.size), dtype=complex)

    monkeypatch.setattr(monodromy, "torus_count", torus)
    monkeypatch.setattr(monodromy, "_modular_family_count", whole)
    monkeypatch.setattr(monodromy, "_monodromy", run_monodromy)
    monkeypatch.setattr(monodromy, "_blackbox", run_blackbox)
    return log


def test_solve_generic_falls_back_only_for_a_counted_stratum_short_of_its_count(stages):
    families = [_FakeFamily("all", 3, 3), _FakeFamily("short", 2, 3), _FakeFamily("empty", 1, 3),
                _FakeFamily("origin", 0, 3)]
    stages.counts = {"all": 4, "short": 3, "empty": 0}
    stages.monodromy = {"all": (4, True, 2, 6), "short": (1, False, 9, 4)}
    stages.blackbox = {"short": 2}  # the fallback too falls short: 2 of 3
    stages.total = 7
    lines, done = [], []
    solution = solve_generic(families, None, seed=1, report=lines.append, on_stratum=done.append)
    # the counts run ahead, in threads; the strata's stages in order, each after its count
    stages_run = [step for step in stages.ran if step[0] != "count"]
    assert stages_run == [("monodromy", "all"), ("monodromy", "short"), ("blackbox", "short")]
    assert sorted(step for step in stages.ran if step[0] == "count") == [("count", "all"), ("count", "empty"),
                                                                        ("count", "short")]
    assert stages.ran.index(("count", "short")) < stages.ran.index(("monodromy", "short"))
    assert done == [1, 2, 3, 4]
    full, short, empty, origin = solution.records
    assert (full.method, full.found, full.expected, full.complete) == ("monodromy", 4, 4, True)
    assert (short.method, short.found, short.expected, short.complete) == ("blackbox", 2, 3, False)
    assert short.paths == 14  # 4 monodromy paths, then 10 blackbox paths
    assert (empty.method, empty.found, empty.expected, empty.complete) == ("empty", 0, 0, True)
    assert (origin.method, origin.found, origin.expected, origin.complete) == ("origin", 1, 1, True)
    assert solution.points[2].shape == (0, 1) and solution.points[3].shape == (1, 0)
    assert solution.count == 4 + 2 + 0 + 1 == 7 and solution.total == 7
    assert not solution.complete  # the fallback fell short: never complete, even though 7 == 7
    assert stages.totals == [("all", False)]  # the whole family's count: all solutions, not the torus
    assert lines[1].startswith("stratum short: 2 of 3 points by blackbox (9 loops, 14 paths")
    assert [len(solution.families), len(solution.parameters), len(solution.points)] == [4, 4, 4]


def test_solve_generic_without_counts_never_falls_back_and_is_never_complete(stages):
    families = [_FakeFamily("all", 2, 2), _FakeFamily("origin", 0, 2)]
    stages.monodromy = {"all": (3, False, 5, 6)}
    stages.total = 4
    lines: list[str] = []
    solution = solve_generic(families, None, seed=1, counts=False, report=lines.append)
    assert stages.ran == [("monodromy", "all")] and stages.totals == []
    assert solution.records[0].expected is None and solution.total is None and not solution.complete
    assert lines[0].startswith("stratum all: 3 of ? points by monodromy")


def test_solve_generic_computes_no_total_without_the_whole_space(stages):
    families = [_FakeFamily("part", 1, 2)]
    stages.counts = {"part": 2}
    stages.monodromy = {"part": (2, True, 1, 2)}
    stages.total = 2
    solution = solve_generic(families, None, seed=1)
    assert stages.totals == [] and solution.total is None and not solution.complete
    # a complete monodromy run needs no fallback
    assert ("blackbox", "part") not in stages.ran


# --- the real stratum loops and the fallback, on h' = 12 x (x - 1) (x + 2) -------------------------------

def test_monodromy_meets_both_torus_points_and_is_complete():
    _, family = _family()
    record = StratumRecord("all units", 1, 2)
    parameters, points = monodromy._monodromy(family, RootsBackend(), np.random.default_rng(3), record, 1, 3, 60.0)
    # 12x^2 + 12x + c - 24 = 0 has two roots, both nonzero at generic c
    # one edge out, one back: a loop, and at least one path along each
    assert record.found == 2 and record.complete and record.loops >= 1 and record.paths >= 2
    for x in points[:, 0]:
        assert abs(12 * x ** 2 + 12 * x + parameters[0] - 24) < 1e-8 * (1 + abs(parameters[0]))


def test_monodromy_short_of_a_wrong_count_is_not_complete():
    _, family = _family()
    record = StratumRecord("all units", 1, 3)  # a count of 3 cannot be met: there are 2 torus points
    monodromy._monodromy(family, RootsBackend(), np.random.default_rng(3), record, 1, 3, 60.0)
    assert record.found == 2 and not record.complete
    # stuck: it stopped after 4 * 3 quiet loops, well before MAX_LOOPS
    assert record.loops < monodromy.MAX_LOOPS


class EdgeLog(RootsBackend):
    """A :class:`RootsBackend` that records every (edge, start point) it is asked to track."""

    def __init__(self) -> None:
        super().__init__()
        self.tracked: list[tuple] = []

    def track(self, legs, points, nvars, *, seed, timeout):
        (leg,) = legs
        self.tracked.extend((id(leg.start), id(leg.target), leg.gamma, tuple(np.round(p, 8))) for p in points)
        return super().track(legs, points, nvars, seed=seed, timeout=timeout)


def test_monodromy_tracks_each_point_along_each_edge_once_and_adds_nodes_when_stuck():
    _, family = _family()
    backend = EdgeLog()
    record = StratumRecord("all units", 1, 3)  # unreachable: the loops saturate again and again
    monodromy._monodromy(family, backend, np.random.default_rng(3), record, 1, 3, 60.0)
    assert len(backend.tracked) == len(set(backend.tracked)) == record.paths
    # the first node closes 1 x 2 loops; each of the 2 * 3 quiet saturations adds a node (2 x 1)
    assert record.loops == 2 + 2 * 3 * 2 and not record.complete
    # both solutions at the base went along the first edge out of it, each once
    first_edge = backend.tracked[0][:3]
    assert len({key[3] for key in backend.tracked if key[:3] == first_edge}) == 2


@pytest.mark.parametrize("seed", range(4))
def test_monodromy_stops_at_the_batch_that_brings_the_count(seed):
    # the base's one start point goes out along the first edge (1 path) and its image comes back
    # along the two edges back (2 paths), bringing the base's second root: the count, so nothing
    # more is tracked and no node is added
    _, family = _family()
    backend = EdgeLog()
    record = StratumRecord("all units", 1, 2)
    monodromy._monodromy(family, backend, np.random.default_rng(seed), record, 1, 3, 60.0)
    assert record.complete and record.loops == 2 and record.paths == len(backend.tracked) == 3
    # the first path leaves the base; the next two leave the new node, along two edges
    (out, *back) = backend.tracked
    assert back[0][0] == back[1][0] != out[0] and back[0][2] != back[1][2]


def test_at_max_loops_the_graph_it_has_is_finished_and_no_node_added(monkeypatch):
    monkeypatch.setattr(monodromy, "MAX_LOOPS", 2)  # what the first node closes
    _, family = _family()
    backend = EdgeLog()
    record = StratumRecord("all units", 1, 3)  # unreachable
    monodromy._monodromy(family, backend, np.random.default_rng(3), record, 1, 3, 60.0)
    assert record.loops == 2 and record.found == 2 and not record.complete
    # every root the base holds went along the edge out of it
    first_edge = backend.tracked[0][:3]
    assert len({key[3] for key in backend.tracked if key[:3] == first_edge}) == 2


class TorusRootsBackend(RootsBackend):
    """``track`` returns the target's nonzero roots, rotated by one at every call."""

    def track(self, legs, points, nvars, *, seed, timeout):
        roots = [r for r in _univariate_roots(legs[-1].target[0]) if abs(r) > 1e-9]
        self.calls += 1
        return TrackedPaths(endpoints=tuple(Endpoint(coordinates=(complex(roots[(i + self.calls) % len(roots)]),), t=1.0)
                                            for i in range(len(points))), seconds=0.0)


def test_a_node_other_than_the_base_may_complete_the_stratum_and_is_returned():
    # the base cannot refine its larger root (as an ill-conditioned solution would be): the node
    # joined to it, reached by two edges, holds both roots, and its points and parameters come back
    _, family = _family()
    base = {}
    plain_newton, plain_start = family.newton, family.start_pair

    def start_pair(rng):
        pair = plain_start(rng)
        base.setdefault("pair", pair)
        return pair

    def newton(point, c):
        refined = plain_newton(point, c)
        start, base_c = base["pair"]
        if refined is not None and c is base_c and not np.allclose(refined, start):
            return None  # the base's other root
        return refined

    family.newton, family.start_pair = newton, start_pair
    record = StratumRecord("all units", 1, 2)
    backend = TorusRootsBackend()
    parameters, points = monodromy._monodromy(family, backend, np.random.default_rng(3), record, 1, 3, 60.0)
    assert record.complete and record.found == 2 and len(points) == 2
    assert not np.allclose(parameters, base["pair"][1])
    for x in points[:, 0]:
        assert abs(12 * x ** 2 + 12 * x + parameters[0] - 24) < 1e-8 * (1 + abs(parameters[0]))


class CrashOnceBackend(TorusRootsBackend):
    """Its first ``track`` call crashes (as PHCpack's worker can); the others are the parent's."""

    def track(self, legs, points, nvars, *, seed, timeout):
        if not getattr(self, "crashed", False):
            self.crashed = True
            raise BackendCrashed("scripted crash")
        return super().track(legs, points, nvars, seed=seed, timeout=timeout)


def test_a_crashed_worker_is_recorded_and_its_paths_are_failed_ones():
    _, family = _family()
    record = StratumRecord("all units", 1, 2)
    parameters, points = monodromy._monodromy(family, CrashOnceBackend(), np.random.default_rng(3), record, 1, 3, 60.0)
    assert record.backend_errors == 1 and record.complete and len(points) == 2
    solution = GenericSolution([family], [parameters], [points], [record])
    target = track_to_target(solution, CrashOnceBackend(), seed=1)
    # the first try crashed: both paths are tracked again, and arrive
    assert target.backend_errors == 1 and target.paths == 4 and len(target.points) == 2 and target.escaped == 0


def test_monodromy_without_a_count_stops_after_the_quiet_loops_and_claims_nothing():
    _, family = _family()
    record = StratumRecord("all units", 1, None)
    monodromy._monodromy(family, RootsBackend(), np.random.default_rng(3), record, 1, 3, 60.0)
    assert record.found == 2 and not record.complete and record.loops < monodromy.MAX_LOOPS


def test_the_fallback_is_complete_exactly_when_it_reaches_the_count():
    _, family = _family()
    record = StratumRecord("all units", 1, 2, paths=4)
    backend = RootsBackend(fail_solves=1)  # the first blackbox run fails, the second finds both points
    parameters, points = monodromy._blackbox(family, backend, np.random.default_rng(1), record, 60.0)
    assert record.method == "blackbox" and record.found == 2 and record.complete
    assert backend.solves == 2 and record.paths == 4 + 5  # a failed run adds no path; stop once the count is met
    assert points.shape == (2, 1)
    # short of the count after three runs: not complete
    short = StratumRecord("all units", 1, 2)
    junk = JunkBackend()
    _, none = monodromy._blackbox(family, junk, np.random.default_rng(1), short, 60.0)
    assert short.found == 0 and not short.complete and junk.solves == 3 and none.shape == (0, 1)
    assert short.paths == 3  # no path count from the backend: one path per endpoint
    # found more than a (wrong) count: not complete either
    over = StratumRecord("all units", 1, 1)
    monodromy._blackbox(family, RootsBackend(), np.random.default_rng(1), over, 60.0)
    assert over.found == 2 and not over.complete


# --- escaped and collided paths ------------------------------------------------------------------------

def _solution(points, parameters=(1.0,)):
    _, family = _family()
    return GenericSolution([family], [np.array(parameters, dtype=complex)], [np.array(points, dtype=complex)])


def test_a_path_that_fails_every_try_is_escaped_and_a_retry_that_arrives_is_not():
    # three generic points; try 1: 1 arrives, 2 fails, 3 ends on 1 (a collision); try 2: 2 fails again,
    # 3 arrives at -2; try 3: 2 fails a third time -> escaped 1, collided 0, 3 + 2 + 1 paths
    backend = ScriptedTracks([[1.0, None, 1.0], [None, -2.0], [None]])
    result = track_to_target(_solution([[0.5], [0.6], [0.7]]), backend, seed=1)
    assert backend.asked == [3, 2, 1]
    assert result.escaped == 1 and result.collided == 0 and result.paths == 6
    assert sorted(round(p[0].real, 9) for p in result.points) == [-2.0, 1.0]


def test_a_path_that_collides_on_every_try_is_collided():
    backend = ScriptedTracks([[1.0, 1.0], [1.0], [1.0]])
    result = track_to_target(_solution([[0.5], [0.6]]), backend, seed=1)
    assert result.collided == 1 and result.escaped == 0 and result.paths == 4 and len(result.points) == 1
    # a collision then an escape: counted once, as what happened last (escaped)
    backend = ScriptedTracks([[1.0, 1.0], [None], [None]])
    result = track_to_target(_solution([[0.5], [0.6]]), backend, seed=1)
    assert result.collided == 0 and result.escaped == 1


def test_every_path_arriving_at_once_is_tracked_once():
    backend = ScriptedTracks([[1.0, -2.0]])
    result = track_to_target(_solution([[0.5], [0.6]]), backend, seed=1)
    assert backend.asked == [2] and result.paths == 2 and result.escaped == result.collided == result.finished == 0
    assert len(result.points) == 2


class _RecordingTracks(ScriptedTracks):
    def __init__(self, answers) -> None:
        super().__init__(answers)
        self.timeouts: list[float] = []

    def track(self, legs, points, nvars, *, seed, timeout):
        self.timeouts.append(timeout)
        return super().track(legs, points, nvars, seed=seed, timeout=timeout)


def test_a_path_stopped_short_of_the_target_is_finished_in_numpy_and_counted():
    solution = _solution([[0.5], [0.6], [0.7]])
    family = solution.families[0]
    calls = []

    def finish(point, t, c, gamma):
        calls.append(t)
        return np.array([-2.0 + 0j])

    family.finish_path = finish
    backend = _RecordingTracks([])
    backend.answers = [[Endpoint(coordinates=(0.9 + 0j,), t=0.5), Endpoint(coordinates=(1.0 + 0j,), t=1.0),
                        Endpoint(coordinates=(0.0 + 0j,), t=None)]]

    def track(legs, points, nvars, *, seed, timeout):
        backend.timeouts.append(timeout)
        backend.asked.append(len(points))
        return TrackedPaths(endpoints=tuple(backend.answers.pop(0)), seconds=0.0)

    backend.track = track
    result = track_to_target(solution, backend, seed=1)
    # only the path that stopped at t = 0.5 is finished in numpy (t = 1 arrived; t unknown: as it is)
    assert calls == [0.5] and result.finished == 1
    assert result.escaped == result.collided == 0 and result.paths == 3 and backend.asked == [3]
    assert sorted(round(p[0].real, 6) for p in result.points) == [-2.0, 0.0, 1.0]
    assert backend.timeouts == [600.0]  # SolveOptions' default timeout


def test_a_finish_that_fails_is_an_escaped_path():
    solution = _solution([[0.5]])
    solution.families[0].finish_path = lambda point, t, c, gamma: None
    backend = ScriptedTracks([])

    def track(legs, points, nvars, *, seed, timeout):
        backend.asked.append(len(points))
        return TrackedPaths(endpoints=(Endpoint(coordinates=(0.9 + 0j,), t=0.5),), seconds=0.0)

    backend.track = track
    result = track_to_target(solution, backend, seed=1)
    assert result.escaped == 1 and result.finished == 3 and backend.asked == [1, 1, 1] and result.points == []


def test_the_origin_stratum_is_lifted_without_tracking():
    from algmorse.results.library import load_case

    problem = load_case("net121_sq_genl2").spec.problem
    system = build_system(problem)
    origin = [StratumFamily(system, s) for s in support_strata(problem, system) if not s.support]
    assert len(origin) == 1
    solution = GenericSolution(origin, [np.zeros(0, dtype=complex)], [np.zeros((1, 0), dtype=complex)])
    backend = ScriptedTracks([])
    result = track_to_target(solution, backend, seed=1)
    assert backend.asked == [] and result.paths == 0 and len(result.points) == 1
    assert np.array_equal(result.points[0], np.zeros(system.num_variables))


def test_solve_generic_defaults_and_seconds(stages, monkeypatch):
    seen = {}

    def run_monodromy(family, backend, rng, record, jobs, quiet_loops, timeout, report=None):
        seen.update(jobs=jobs, quiet_loops=quiet_loops, timeout=timeout)
        record.found, record.complete = 2, True
        return np.ones(family.size, dtype=complex), np.ones((1, family.size), dtype=complex)

    def torus(family, rng, timeout):
        seen["count_timeout"] = timeout
        return 2

    monkeypatch.setattr(monodromy, "_monodromy", run_monodromy)
    monkeypatch.setattr(monodromy, "torus_count", torus)
    readings = iter(np.arange(100) * 0.123456)
    monkeypatch.setattr(monodromy, "time", SimpleNamespace(perf_counter=lambda: float(next(readings))))
    solution = solve_generic([_FakeFamily("a", 1, 2), _FakeFamily("b", 0, 2)], None, seed=1)
    # defaults: one worker, 3 quiet loops, SolveOptions' timeouts (600 s a call, 60 s a count), counts on
    assert seen == {"jobs": 1, "quiet_loops": 3, "timeout": 600.0, "count_timeout": 60.0}
    # each stratum took one tick of the scripted clock
    assert [r.seconds for r in solution.records] == [0.1235, 0.1235]
    assert solution.parameters[1].shape == (0,) and solution.parameters[0].shape == (1,)


class _ExtremeRng:
    """A generator that always draws the top (or the bottom) of the asked range."""

    def __init__(self, top: bool) -> None:
        self.top = top

    def integers(self, low, high=None, size=None):
        return high - 1 if self.top else low

    def random(self):
        return 0.7


def test_fallback_seeds_are_valid_backend_seeds():
    from algmorse.engine.backends.phcpack import MAX_SEED

    _, family = _family()
    for top in (True, False):
        seeds = []
        backend = RootsBackend()
        original = backend.solve

        def solve(polynomials, nvars, *, seed, timeout, _original=original):
            seeds.append(seed)
            return _original(polynomials, nvars, seed=seed, timeout=timeout)

        backend.solve = solve
        record = StratumRecord("all units", 1, 2)
        monodromy._blackbox(family, backend, _ExtremeRng(top), record, 60.0)
        assert record.complete and seeds
        assert all(0 <= s <= MAX_SEED for s in seeds)  # seeds PHCpack takes


def test_the_torus_count_leaves_out_the_points_with_a_zero_coordinate():
    pytest.importorskip("algmorse.engine.exact")
    from algmorse.engine.exact import available_exact_tools

    if "singular" not in available_exact_tools():
        pytest.skip("Singular is missing")
    _, family = _family()
    # 12x^3 + 12x^2 + (c - 24) x at generic c: 3 solutions, 2 of them with x != 0
    assert monodromy.torus_count(family, np.random.default_rng(1), 60.0) == 2
    assert monodromy._modular_family_count(family, np.random.default_rng(1), 60.0, torus=False) == 3
