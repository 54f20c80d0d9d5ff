"""Repeated backend runs with fresh seeds, merged into one deduplicated set of critical points.

Runs are derived from the master seed, executed ``jobs`` at a time in worker processes, and
merged in run order whatever ``jobs`` is, so a seed fixes the result. The search stops when
``stable_runs`` consecutive runs add nothing, when a proven root-count bound is attained, or, if
an exact count is known, when it is reached.

Only points proven isolated (invertible Hessian, or a closed local dual space) enter the found
set and count as new; other refined endpoints (typically samples of a positive-dimensional
component, where every run lands somewhere else) are kept apart in ``singular`` for the
decomposition stage, which decides whether they lie on a component.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Callable, Sequence

import numpy as np

from .analysis.classify import classify_refined
from .analysis.verdict import BOUND_NAMES
from .engine import processes
from .engine.backends.base import Backend, RawSolve
from .engine.certify import CertifiedPoint, certify_point
from .engine.rational_points import ExactPoint
from .engine.refine import PointSet, RefinedPoint, refine_point, relative_residual
from .errors import BackendError
from .model.options import SolveOptions, Tolerances
from .model.precision import PRECISIONS
from .model.system import PolynomialSystem
from .progress import Progress, ProgressBar, ProgressEvent, seconds_left, with_time_left
from .results.catalog import RunRecord

__all__ = ["Search", "derived_seeds"]


_MAX_SINGULAR_SAMPLES = 64
"""How many refined endpoints that are not proven isolated are kept for the decomposition stage."""

_TICK_SECONDS = 1.0
"""Interval between two ticks while backend runs are under way or endpoints are certified (the bar
moves at this pace; :func:`~algmorse.progress.throttled` thins the lines)."""


def derived_seeds(seed: int, count: int) -> list[int]:
    """``count`` backend seeds in ``[1, 2^31 - 2]`` derived from the master ``seed``."""
    return [int(s) % (2**31 - 2) + 1 for s in np.random.SeedSequence(seed).generate_state(count)]


class Search:
    """Repeated backend runs with fresh seeds, merged into one deduplicated point set.

    ``report`` receives ticks (see :class:`~algmorse.progress.ProgressEvent`) while backend runs
    are under way (stage ``"solve"``) and while endpoints are refined and certified (``"certify"``).
    """

    def __init__(self, system: PolynomialSystem, tolerances: Tolerances, options: SolveOptions,
                 report: Progress = lambda _line: None) -> None:
        self.system = system
        self.report = report
        self.tolerances = tolerances
        self.options = options
        self.found = PointSet(tolerances)
        self.singular = PointSet(tolerances)
        self.runs: list[RunRecord] = []
        self.stable = False
        self.bound_attained = False
        self.seconds = {"solve": 0.0, "refine": 0.0}
        self.balls = system.balls
        self.non_isolated: list[ExactPoint] = []  # rational points proven to lie on a component
        self.examined: list[RefinedPoint] = []  # points already tried for an exact proof

    def run(self, backend: Backend, seed: int, report: Progress, target: int | None = None,
            target_is_exact: bool = True, fill: Callable[[], None] | None = None,
            progress_bar: bool = False) -> dict[str, int]:
        """Run the backend until the stopping rule holds; return the root counts.

        ``fill`` is called once, after the first run that adds nothing while ``target`` is not
        reached (a cheaper way to the missing points, e.g. msolve's parametrization); the target
        is then checked again.

        The target is met by proven points only (:attr:`proven`). With a ``target`` (the exact
        number of distinct critical points), runs go on until it is reached, whatever the
        stability rule says (up to ``max_runs``). A target that is not exact (a count over
        prime fields) stops the runs when reached, and otherwise after twice ``stable_runs``
        runs in a row that add nothing. ``progress_bar`` shows the distinct points found against ``target`` (see
        :class:`~algmorse.progress.ProgressBar`).
        """
        jobs = max(1, self.options.jobs)
        try:
            with ThreadPoolExecutor(max_workers=jobs) as pool, \
                    ProgressBar("critical points", target, enabled=progress_bar) as bar:
                reporting, self.report = self.report, bar.showing(self.report)  # certification ticks on the bar
                try:
                    return self._run_batches(pool, jobs, backend, derived_seeds(seed, self.options.max_runs),
                                             bar.showing(report), target, target_is_exact, fill, bar)
                except BaseException:  # an interrupt: end the running workers, so the pool can shut down
                    processes.kill_all()
                    raise
                finally:
                    self.report = reporting
        finally:
            processes.resume()  # every pool thread has finished here

    def _run_batches(self, pool: ThreadPoolExecutor, jobs: int, backend: Backend, run_seeds: list[int],
                     report: Progress, target: int | None, target_is_exact: bool,
                     fill: Callable[[], None] | None, bar: ProgressBar) -> dict[str, int]:
        """The runs, ``jobs`` at a time, merged in order, until the stopping rule holds."""
        options = self.options
        polynomials = self.system.sparse_gradient()
        root_counts: dict[str, int] = {}
        quiet_runs = 0
        durations: list[float] = []  # of this search's runs, for the time left
        last_error: BackendError | None = None
        for start in range(0, options.max_runs, jobs):
            batch = run_seeds[start:start + jobs]
            started = time.perf_counter()
            futures = [pool.submit(_solve_once, backend, polynomials, len(self.system.variables), s, options.timeout) for s in batch]
            outcomes = self._waited(futures, report, bar, target, durations)
            self.seconds["solve"] += time.perf_counter() - started
            for run_seed, outcome in zip(batch, outcomes):
                if isinstance(outcome, BackendError):
                    last_error = outcome
                    self.runs.append(RunRecord(seed=run_seed, endpoints=0, new_points=0, dropped_nonfinite=0,
                                               paths_tracked=None, seconds=0.0, error=str(outcome)))
                    report(f"run {len(self.runs)}: failed: {outcome}")
                    continue
                root_counts = root_counts or dict(outcome.root_counts)
                durations.append(outcome.seconds)
                new = self.merge(outcome)
                self.runs.append(RunRecord(seed=run_seed, endpoints=len(outcome.endpoints), new_points=new,
                                           dropped_nonfinite=outcome.dropped_nonfinite,
                                           paths_tracked=outcome.paths_tracked, seconds=round(outcome.seconds, 4)))
                bar.update_to(self.proven)
                report(ProgressEvent(f"run {len(self.runs)}: {len(outcome.endpoints)} endpoints, {new} new, "
                                     f"{len(self.found)} distinct critical points, {self.proven} proven "
                                     f"({outcome.seconds:.2f} s)", stage="solve", done=self.proven, total=target,
                                     unit="points"))
                quiet_runs = quiet_runs + 1 if new == 0 and len(self.runs) > 1 else 0
                if fill is not None and quiet_runs and target is not None and self.proven < target:
                    fill()
                    fill = None
                if target is not None and (self.proven >= target or (target_is_exact and len(self.found) >= target)):
                    self.stable = True
                    report(f"the {'exact' if target_is_exact else 'modular'} count {target} is reached")
                elif target is None or not target_is_exact:
                    if quiet_runs >= options.stable_runs * (1 if target is None else 2):
                        self.stable = True
                    elif self._bound_attained(root_counts):
                        self.stable = self.bound_attained = True
                        report("a root-count bound is attained: no further run can add a point")
                if self.stable:
                    return root_counts
        if not any(r.error is None for r in self.runs) and last_error is not None:
            raise last_error
        return root_counts

    def _waited(self, futures: list[Future], report: Progress, bar: ProgressBar, target: int | None,
                durations: list[float]) -> list:
        """The runs' outcomes, in order; a tick every :data:`_TICK_SECONDS` while they run (the
        time left from the ``durations`` of earlier runs: runs take about the same time)."""
        started = time.perf_counter()
        typical = sum(durations) / len(durations) if durations else None
        first = len(self.runs) + 1
        runs = f"run {first}" if len(futures) == 1 else f"runs {first}-{first + len(futures) - 1}"
        while wait(futures, timeout=_TICK_SECONDS).not_done:
            elapsed = time.perf_counter() - started
            left = None if typical is None else max(typical - elapsed, 0.0)
            report(ProgressEvent(f"{runs}: backend tracking paths, {elapsed:.0f} s"
                                 + ("" if typical is None else f" of about {typical:.0f} s")
                                 + f" (up to {self.system.total_degree} paths a run)",
                                 stage="solve", done=self.proven, total=target, unit="points", seconds_left=left,
                                 tick=True))
            bar.tick()
        return [f.result() for f in futures]

    def merge(self, outcome: RawSolve) -> int:
        """Refine, certify and add the endpoints of one run (with their symmetry images); return
        how many new points it added."""
        return self.add_starts([endpoint.coordinates for endpoint in outcome.endpoints])

    def add_starts(self, starts: Sequence[Sequence[complex]]) -> int:
        """Refine, certify and add points near ``starts`` (with their symmetry images), as
        :meth:`merge` does for a run's endpoints; return how many new points were added."""
        started = time.perf_counter()
        certify_before = self.seconds.get("certify", 0.0)
        numeric = self.system.numeric
        new = 0
        next_tick = started + _TICK_SECONDS
        for done, coordinates in enumerate(starts):
            if time.perf_counter() >= next_tick:
                next_tick = time.perf_counter() + _TICK_SECONDS
                self._certify_tick(done, len(starts), new, time.perf_counter() - started)
            start = np.array(coordinates, dtype=complex)
            if not np.all(np.isfinite(start)) or self.found.contains(start):
                continue
            refined = self.refine(start)
            if refined is None or (refined.certified is None and self.found.contains(refined.coordinates)):
                continue
            if refined.certified is not None or self._proven_isolated(refined):
                new += self.found.add_with_images(refined, numeric, self.system.symmetries, self.tolerances,
                                                  refine=self.refine)
            elif len(self.singular) < _MAX_SINGULAR_SAMPLES:
                self.singular.add(refined)
        certifying = self.seconds.get("certify", 0.0) - certify_before
        self.seconds["refine"] += time.perf_counter() - started - certifying
        return new

    def _certify_tick(self, done: int, total: int, new: int, elapsed: float) -> None:
        """Report ``done`` of ``total`` starts refined and certified so far in :meth:`add_starts`."""
        left = seconds_left(done, total, elapsed)
        self.report(ProgressEvent(with_time_left(f"certify: {done} of {total} endpoints refined and certified, "
                                                 f"{new} new points", left),
                                  stage="certify", done=done, total=total, unit="endpoints", seconds_left=left,
                                  tick=True))

    def refine(self, start: np.ndarray) -> RefinedPoint | None:
        """Newton in double precision, then an interval certificate (higher precision if needed).

        A start that double precision cannot refine (an ill-conditioned point, e.g. near a
        curve at infinity) is still tried in higher precision. Returns ``None`` when neither
        converges; an uncertified refined point otherwise, or a certified one whose coordinates
        are the certified center.
        """
        refined = refine_point(self.system.numeric, start, self.tolerances)
        guess = refined.coordinates if refined is not None else start
        real = refined.is_real if refined is not None else None
        certified = self._certify(guess, real=real)
        return refined if certified is None else self._certified_point(certified, bool(real))

    @property
    def proven(self) -> int:
        """How many found points are proven distinct isolated critical points (certified in
        pairwise disjoint boxes, or proven exactly at a rational point); only these count."""
        return sum(p.proven for p in self.found.points)

    def add_certified(self, start: Sequence, precisions: Sequence[int] = PRECISIONS) -> bool:
        """Certify a point known to more than double precision (``acb`` balls) and add it if new.

        Returns whether a new certified point was added; an uncertified one is never added.
        """
        certified = self._certify(start, precisions=precisions)
        return certified is not None and self.found.add(
            self._certified_point(certified, self._numerically_real(certified.center)))

    def _numerically_real(self, point: np.ndarray) -> bool:
        """The refinement's realness test (``real_atol``, ``real_rtol``), for a certificate that
        leaves realness undecided."""
        size = float(np.max(np.abs(point), initial=0.0))
        return float(np.max(np.abs(np.imag(point)), initial=0.0)) <= self.tolerances.real_atol \
            + self.tolerances.real_rtol * size

    def add_certified_point(self, certified: CertifiedPoint, numerically_real: bool) -> int:
        """Add a point certified elsewhere (e.g. from split starts), with its images; return how many were new."""
        refined = self._certified_point(certified, numerically_real)
        return self.found.add_with_images(refined, self.system.numeric, self.system.symmetries, self.tolerances,
                                          refine=self.refine)

    def _certify(self, start: Sequence, **kwargs) -> CertifiedPoint | None:
        """:func:`certify_point`, timed into ``seconds["certify"]``."""
        started = time.perf_counter()
        try:
            return certify_point(self.balls, start, **kwargs)
        finally:
            self.seconds["certify"] = self.seconds.get("certify", 0.0) + time.perf_counter() - started

    def _certified_point(self, certified: CertifiedPoint, numerically_real: bool) -> RefinedPoint:
        """The refined point of a certificate: real when proven real (or numerically real and not
        proven otherwise), at the certified center."""
        proven_real = certified.certificate.real
        is_real = proven_real is True or (proven_real is None and numerically_real)
        coordinates = certified.center.real.astype(complex) if is_real else certified.center
        return RefinedPoint(coordinates, is_real, relative_residual(self.system.numeric, coordinates), certified)

    def _proven_isolated(self, refined: RefinedPoint) -> bool:
        """Nondegenerate Hessian or closed local dual space (see :func:`classify_point`)."""
        return bool(classify_refined(self.system.numeric, refined, self.tolerances).isolated)

    def _bound_attained(self, root_counts: dict[str, int]) -> bool:
        bounds = [root_counts[k] for k in BOUND_NAMES if k in root_counts]
        if not bounds or len(self.found) != min(bounds):
            return False
        return all(p.certified is not None for p in self.found.points)


def _solve_once(backend: Backend, polynomials, nvars: int, seed: int, timeout: float) -> RawSolve | BackendError:
    try:
        return backend.solve(polynomials, nvars, seed=seed, timeout=timeout)
    except BackendError as exc:
        return exc
