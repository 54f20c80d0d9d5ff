"""The search's bookkeeping and the point set's deduplication, against hand-derived facts
(issue 16, item 6): when the search stops, what counts as proven, which points merge.

The main system is h = x^4/4 - 2x^3 + 11x^2/2 - 6x, whose gradient (x - 1)(x - 2)(x - 3) has
the three simple real roots 1, 2, 3 and no symmetry: every run adds exactly the roots it lists.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from algmorse.engine.backends.base import Endpoint, RawSolve
from algmorse.engine.backends.fake import FakeBackend
from algmorse.engine.certify import CertifiedPoint
from algmorse.engine.rational_points import ExactPoint
from algmorse.engine.refine import PointSet, RefinedPoint
from algmorse.errors import BackendCrashed
from algmorse.model.network import FunctionProblem
from algmorse.model.options import SolveOptions, Tolerances
from algmorse.model.system import build_system
from algmorse.search import Search, derived_seeds

TOL = Tolerances()
CUBIC = build_system(FunctionProblem(("x",), "x^4/4 - 2*x^3 + 11*x^2/2 - 6*x"))


def _search(system=CUBIC, **options) -> Search:
    return Search(system, TOL, SolveOptions(**{"seed": 1, "stable_runs": 2, "max_runs": 10, **options}))


def _run(search: Search, runs, target=None, exact=True, fill=None, root_counts=None, backend=None):
    messages: list[str] = []
    backend = backend or FakeBackend(runs, root_counts=root_counts)
    counts = search.run(backend, 7, messages.append, target=target, target_is_exact=exact, fill=fill)
    return counts, messages


def _raw(points, seconds=0.0, root_counts=None) -> RawSolve:
    return RawSolve(endpoints=tuple(Endpoint(coordinates=tuple(complex(c) for c in p)) for p in points),
                    root_counts=dict(root_counts or {}), paths_tracked=len(points), seed=1, seconds=seconds,
                    dropped_nonfinite=0, log_tail="")


# --------------------------------------------------------------------------------------------
# Stopping rules


def test_without_target_the_search_stops_after_stable_runs_quiet_runs():
    # run 1 adds 1 (quiet 0), runs 2 and 3 add nothing (quiet 1, 2 = stable_runs): stop after 3
    search = _search()
    counts, _ = _run(search, [[(1.0,)], [(1.0,)]])
    assert counts == {} and search.stable and not search.bound_attained
    assert [r.new_points for r in search.runs] == [1, 0, 0]
    assert [r.seed for r in search.runs] == derived_seeds(7, 10)[:3]
    # an empty first run is not quiet (nothing to repeat yet): runs 2 and 3 are
    search = _search()
    _run(search, [[]])
    assert len(search.runs) == 3 and search.stable


def test_never_stable_means_exactly_max_runs_runs():
    search = _search(max_runs=4)
    _run(search, [[(1.0,)], [(2.0,)], [(3.0,)], [(1.1,)]])  # 1.1 refines to 1: run 4 adds nothing
    assert [r.new_points for r in search.runs] == [1, 1, 1, 0] and not search.stable
    assert [r.seed for r in search.runs] == derived_seeds(7, 4)


def test_the_search_stops_when_the_proven_count_reaches_the_exact_target_and_not_before():
    # quiet runs do not stop a search with an exact target: only the third root does, at run 7
    search = _search()
    _run(search, [[(1.0,)], [], [], [], [], [(2.0,)], [(3.0,)], [(1.0,)]], target=3)
    assert [r.new_points for r in search.runs] == [1, 0, 0, 0, 0, 1, 1]
    assert search.proven == 3 and search.stable
    # reached by the first run: one run only
    search = _search()
    _, messages = _run(search, [[(1.0,), (2.0,), (3.0,)]], target=3)
    assert len(search.runs) == 1 and messages[-1] == "the exact count 3 is reached"


def test_an_exact_target_is_met_by_the_number_of_found_points():
    # an uncertified point (here placed by hand at 5) counts towards an exact target, not a proven one
    search = _search()
    search.found.add(RefinedPoint(np.array([5.0 + 0j]), True, 0.0))
    _run(search, [[(1.0,), (2.0,)], [(3.0,)]], target=3)
    assert len(search.runs) == 1 and search.proven == 2


def test_a_modular_target_stops_when_proven_and_otherwise_after_twice_stable_runs():
    search = _search()
    _, messages = _run(search, [[(1.0,)], [(2.0,), (3.0,)]], target=3, exact=False)
    assert len(search.runs) == 2 and messages[-1] == "the modular count 3 is reached"
    # never reached: quiet runs 2..5 (4 = 2 * stable_runs) stop it after run 5
    search = _search()
    _run(search, [[(1.0,)], []], target=3, exact=False)
    assert len(search.runs) == 5 and search.stable and search.proven == 1
    # an uncertified point does not count towards a modular target
    search = _search()
    search.found.add(RefinedPoint(np.array([5.0 + 0j]), True, 0.0))
    _run(search, [[(1.0,), (2.0,)], []], target=3, exact=False)
    assert len(search.runs) == 5


def test_fill_is_called_once_after_the_first_quiet_run_and_the_target_checked_again():
    search = _search()
    calls = []

    def fill():
        calls.append(len(search.runs))
        assert search.add_certified(np.array([2.0 + 0j])) is True
        assert search.add_certified(np.array([3.0 + 0j])) is True

    _run(search, [[(1.0,)], []], target=3, fill=fill)
    assert calls == [2] and len(search.runs) == 2 and search.proven == 3
    # no target: fill is never called
    search = _search()
    _run(search, [[(1.0,)], []], fill=lambda: calls.append("called"))
    assert calls == [2]


def test_a_root_count_bound_counts_only_when_every_found_point_is_certified():
    # total degree 3 = three certified points found in run 1: nothing more can be found
    search = _search()
    counts, messages = _run(search, [[(1.0,), (2.0,), (3.0,)]], root_counts={"total_degree": 3})
    assert counts == {"total_degree": 3} and search.bound_attained and len(search.runs) == 1
    assert messages[-1] == "a root-count bound is attained: no further run can add a point"
    # the same three points with one of them uncertified: no bound is attained
    search = _search()
    search.found.add(RefinedPoint(np.array([5.0 + 0j]), True, 0.0))
    _run(search, [[(1.0,), (2.0,)]], root_counts={"total_degree": 3})
    assert not search.bound_attained and len(search.runs) == 3
    # a bound larger than what is found is not attained
    search = _search()
    _run(search, [[(1.0,), (2.0,), (3.0,)]], root_counts={"total_degree": 4})
    assert not search.bound_attained and len(search.runs) == 3


def test_bound_attained_uses_the_smallest_bound_and_only_bound_names():
    search = _search()
    for x in (1.0, 2.0, 3.0):
        assert search.add_certified(np.array([x + 0j]))
    assert search._bound_attained({"total_degree": 5, "m_homogeneous_bezout": 3}) is True
    assert search._bound_attained({"total_degree": 5}) is False
    assert search._bound_attained({"paths": 3}) is False  # not a bound
    assert search._bound_attained({}) is False


class _FailingBackend(FakeBackend):
    """Fails the calls whose number (from 1) is in ``failing``."""

    def __init__(self, runs, failing):
        super().__init__(runs)
        self.failing, self.calls = failing, 0

    def solve(self, *args, **kwargs):
        self.calls += 1
        if self.calls in self.failing:
            raise BackendCrashed(f"call {self.calls} failed")
        return super().solve(*args, **kwargs)


def test_failed_runs_are_recorded_empty_and_raise_only_when_every_run_failed():
    # run 1 fails; runs 2 (not quiet: the first that adds) and 3, 4 (quiet) follow
    search = _search()
    _run(search, None, backend=_FailingBackend([[(1.0,)], [(1.0,)]], {1}))
    first = search.runs[0]
    assert (first.endpoints, first.new_points, first.dropped_nonfinite, first.seconds, first.error) == \
        (0, 0, 0, 0.0, "call 1 failed")
    assert [r.new_points for r in search.runs] == [0, 1, 0, 0]
    # a failed first run does not count as quiet: runs 2 and 3 find nothing, stop after 4? no:
    # run 2 is the first result (len(runs) = 2 > 1, nothing new: quiet 1), run 3 quiet 2: stop
    search = _search()
    _run(search, None, backend=_FailingBackend([[]], {1}))
    assert len(search.runs) == 3
    # some runs fail, some succeed: no error
    search = _search(max_runs=3)
    _run(search, None, backend=_FailingBackend([[(1.0,)], [(2.0,)], [(3.0,)]], {2}))
    assert len(search.runs) == 3 and search.proven == 2
    # every run fails: the last error is raised
    search = _search(max_runs=3)
    with pytest.raises(BackendCrashed, match="call 3 failed"):
        _run(search, None, backend=_FailingBackend([[]], {1, 2, 3}))


class _TimedBackend(FakeBackend):
    def solve(self, *args, **kwargs):
        raw = super().solve(*args, **kwargs)
        return RawSolve(endpoints=raw.endpoints, root_counts=raw.root_counts, paths_tracked=raw.paths_tracked,
                        seed=raw.seed, seconds=0.123456, dropped_nonfinite=raw.dropped_nonfinite, log_tail="")


def test_run_records_and_solve_time():
    search = _search()
    before = time.perf_counter()
    _run(search, None, backend=_TimedBackend([[(1.0,)]]))
    elapsed = time.perf_counter() - before
    assert [r.seconds for r in search.runs] == [0.1235] * 3
    assert 0 <= search.seconds["solve"] <= elapsed


# --------------------------------------------------------------------------------------------
# Merging one run


def test_merge_counts_new_points_and_skips_what_cannot_be_refined():
    search = _search()
    before = time.perf_counter()
    assert search.merge(_raw([])) == 0
    assert search.merge(_raw([(1.0,), (2.0,), (1e200,), (1.0 + 1e-12,)])) == 2
    assert search.merge(_raw([(2.0,)])) == 0  # already found: no refinement, no certificate
    elapsed = time.perf_counter() - before
    assert search.proven == 2 and len(search.found) == 2 and len(search.singular) == 0
    refine, certify = search.seconds["refine"], search.seconds["certify"]
    assert 0 <= refine and 0 < certify and refine + certify <= elapsed


HYPERBOLA = build_system(FunctionProblem(("x", "y"), "(x*y - 1)^2"))


def test_samples_of_a_curve_are_kept_apart_and_capped():
    # every point of xy = 1 is critical and none is isolated: none enters the found set
    search = _search(HYPERBOLA)
    samples = [(1 + k / 10, 1 / (1 + k / 10)) for k in range(66)]
    assert search.merge(_raw(samples)) == 0
    assert len(search.found) == 0 and len(search.singular) == 64


def test_a_refined_sample_already_found_is_not_kept_again():
    search = _search(HYPERBOLA)
    start = np.array([2.001, 0.5], dtype=complex)
    refined = search.refine(start)
    assert refined is not None and refined.certified is None
    search.found.add(refined)
    assert search.merge(_raw([tuple(start)])) == 0
    assert len(search.singular) == 0 and len(search.found) == 1


def test_add_certified_adds_only_new_certified_points():
    search = _search()
    assert search.add_certified(np.array([1.0 + 0j])) is True
    assert search.add_certified(np.array([1.0 + 1e-13j])) is False  # the same zero again
    cusp = _search(build_system(FunctionProblem(("x", "y"), "x^3 + y^2")))
    assert cusp.add_certified(np.array([0j, 0j])) is False  # a double point is never certified
    assert len(cusp.found) == 0


def test_add_certified_point_returns_how_many_were_new():
    # x^4 - 2x^2 + y^4 - 2y^2 is invariant under both sign flips and the swap: (1, 1) has 4 images
    system = build_system(FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^4 - 2*y^2"))
    search = _search(system)
    certified = search._certify(np.array([1.0 + 0j, 1.0 + 0j]))
    assert search.add_certified_point(certified, True) == 4
    assert search.add_certified_point(certified, True) == 0
    assert search.proven == 4


# --------------------------------------------------------------------------------------------
# The point set


def _box(center: float, half_width: float) -> CertifiedPoint:
    """A hand-made certified box around a real number (certificate not needed for deduplication)."""
    return CertifiedPoint(center=np.array([center + 0j]), certificate=None,
                          lower=np.array([center - half_width, 0.0]), upper=np.array([center + half_width, 0.0]))


def _point(x: float, certified=None, exact=None) -> RefinedPoint:
    return RefinedPoint(np.array([x + 0j]), True, 0.0, certified, exact)


def test_same_and_contains_use_absolute_plus_relative_tolerance():
    points = PointSet(Tolerances(dedup_atol=1e-7, dedup_rtol=1e-7))
    # at 0 the tolerance is 1e-7 + 1e-7 * 1 = 2e-7; at 1000 it is 1e-7 + 1e-4
    assert points.same(np.array([0.0]), np.array([1.5e-7]))
    assert not points.same(np.array([0.0]), np.array([2.5e-7]))
    assert points.same(np.array([1000.0]), np.array([1000.0 + 5e-5]))
    assert not points.same(np.array([1000.0]), np.array([1000.0 + 2e-4]))
    assert not points.contains(np.array([0.0 + 0j]))
    points.add(_point(0.0))
    points.add(_point(1000.0))
    assert points.contains(np.array([1.5e-7 + 0j])) and not points.contains(np.array([2.5e-7 + 0j]))
    assert points.contains(np.array([1000.0 + 5e-5 + 0j])) and not points.contains(np.array([1000.0 + 2e-4 + 0j]))


def test_a_certified_point_replaces_an_uncertified_one_nearby():
    points = PointSet(TOL)
    rough = _point(1.0 + 1e-9)
    assert points.add(rough)
    assert not points.add(_point(1.0))  # uncertified and within tolerance: the same point
    far = _point(2.0)
    proven = _point(1.0 + 5e-9, exact=ExactPoint((), 0, 1))  # exactly proven: kept
    points.points.append(proven)  # placed by hand (not through add, which would merge it)
    points._matrix = np.vstack([points._matrix, proven.coordinates.reshape(1, -1)])
    points.add(far)
    certified = _point(1.0, _box(1.0, 1e-12))
    assert points.add(certified)
    assert [p for p in points.points if p.certified is None and p.exact is None] == [far]
    assert certified in points.points and proven in points.points and len(points) == 3
    # another certified point within tolerance whose box is disjoint is a new point: not merged
    assert points.add(_point(1.0 + 1e-9, _box(1.0 + 1e-9, 1e-12)))
    assert len(points) == 4


def test_two_certified_points_with_disjoint_boxes_are_two_points_however_close():
    points = PointSet(TOL)
    assert points.add(_point(1.0, _box(1.0, 1e-14)))
    assert points.add(_point(1.0 + 1e-13, _box(1.0 + 1e-13, 1e-14)))
    # overlapping boxes hold the same zero
    assert not points.add(_point(1.0 + 1.5e-14, _box(1.0 + 1.5e-14, 1e-14)))
    assert len(points) == 2


def test_remove_compares_by_identity():
    points = PointSet(TOL)
    a, b = _point(1.0), _point(2.0)
    twin = _point(1.0)
    points.add(a)
    points.add(b)
    points.remove(twin)  # equal coordinates, another object: nothing removed
    assert points.points == [a, b]
    points.remove(a)
    assert points.points == [b] and not points.contains(np.array([1.0 + 0j])) and points.contains(np.array([2.0 + 0j]))
    points.clear()
    assert len(points) == 0 and not points.contains(np.array([2.0 + 0j]))


def test_add_with_images_adds_the_conjugate_of_a_complex_point():
    # x^3/3 + x: grad x^2 + 1, roots +-i, no real symmetry image
    system = build_system(FunctionProblem(("x",), "x^3/3 + x"))
    points = PointSet(TOL)
    seed = RefinedPoint(np.array([1j]), False, 0.0)
    assert points.add_with_images(seed, system.numeric, system.symmetries, TOL) == 2
    assert sorted(p.coordinates[0].imag for p in points.points) == [-1.0, 1.0]
    assert points.add_with_images(seed, system.numeric, system.symmetries, TOL) == 0
    # a real point has no conjugate to add
    real = PointSet(TOL)
    assert real.add_with_images(_point(2.0), CUBIC.numeric, CUBIC.symmetries, TOL) == 1
