"""The pipeline: problem -> exact system -> backend runs -> refined points -> catalog.

Runs of the backend are repeated with fresh seeds (derived from the master seed) until
``stable_runs`` consecutive runs add no point, a proven root-count bound is attained, or
``max_runs`` is reached. Results are merged in run order whatever ``jobs`` is, so a seed fixes
the catalog.
"""

from __future__ import annotations

import platform
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from typing import Callable

import numpy as np
import networkx
import sympy

from . import __version__
from .backends import get_backend
from .backends.base import Backend, RawSolve
from .catalog import Catalog, Provenance, RunRecord, Summary
from .classify import CriticalPoint, classify_point
from .core_locus import core_locus
from .errors import BackendError, SpecError
from .network import FunctionProblem, NetworkProblem, Problem
from .options import SolveOptions, Tolerances
from .refine import PointSet, RefinedPoint, refine_point
from .system import PolynomialSystem, build_system
from .verdict import BOUND_NAMES, decide_completeness, decide_verdict

__all__ = ["analyze"]

Progress = Callable[[str], None]


def analyze(
    problem: Problem,
    *,
    options: SolveOptions = SolveOptions(),
    tolerances: Tolerances = Tolerances(),
    backend: Backend | None = None,
    progress: Progress | None = None,
) -> Catalog:
    """Find, classify and certify-as-far-as-possible every isolated critical point of a loss.

    Parameters
    ----------
    problem : NetworkProblem or FunctionProblem
        The loss (see :mod:`algmorse.network`).
    options : SolveOptions
        Seed, backend, parallel jobs, per-run timeout, stopping rule.
    tolerances : Tolerances
        Numerical tolerances (residual, realness, deduplication, Hessian rank).
    backend : Backend, optional
        A backend instance; by default ``get_backend(options.backend)``.
    progress : callable, optional
        Receives one line of text per finished run.

    Returns
    -------
    Catalog
        Points in canonical order, summary, verdict (with the completeness statement) and
        provenance (seed, versions, root counts, runs, seconds per stage).

    Raises
    ------
    SpecError
        If the problem is degenerate by construction (a variable absent from the loss).
    BackendError
        If every backend run failed (crash, timeout, unavailable backend).

    Examples
    --------
    See ``examples/`` and the README; a solve needs the PHCpack backend.
    """
    seconds: dict[str, float] = {}
    seed = options.seed if options.seed is not None else secrets.randbelow(2**31 - 1) + 1
    problem = _resolve(problem, seed)
    started = time.perf_counter()
    system = build_system(problem)
    seconds["build"] = time.perf_counter() - started
    _check_variables_occur(problem, system)
    backend = backend if backend is not None else get_backend(options.backend)
    report = progress or (lambda _line: None)

    search = _Search(system, tolerances, options)
    if any(_is_nonzero_constant(g) for g in system.gradient):
        report("the gradient has a nonzero constant component: there are no critical points")
        root_counts = {"total_degree": 0}
    else:
        root_counts = search.run(backend, seed, report)
    root_counts.setdefault("total_degree", system.total_degree)
    seconds.update(search.seconds)

    started = time.perf_counter()
    points = _classify(system, search.found.points, tolerances)
    seconds["classify"] = time.perf_counter() - started

    failed = sum(r.error is not None for r in search.runs)
    completeness, completeness_reason = decide_completeness(points, root_counts, search.stable, options.stable_runs, failed)
    if any(_is_nonzero_constant(g) for g in system.gradient):
        completeness = "bound-attained"
    verdict = decide_verdict(points, completeness=completeness, completeness_reason=completeness_reason,
                             total_degree=root_counts["total_degree"])
    provenance = Provenance(
        algmorse_version=__version__,
        backend=backend.name,
        backend_version=backend.version() if search.runs else "not run",
        python_version=platform.python_version(),
        library_versions={"numpy": np.__version__, "sympy": sympy.__version__, "networkx": networkx.__version__},
        seed=seed,
        root_counts=dict(sorted(root_counts.items())),
        paths_tracked=sum(r.paths_tracked or 0 for r in search.runs),
        runs=tuple(search.runs),
        seconds={k: round(v, 4) for k, v in seconds.items()},
        options={**asdict(options), "seed": seed, "tolerances": asdict(tolerances)},
        symmetries=tuple(g.label for g in system.symmetries),
    )
    return Catalog(
        problem=problem,
        variables=system.variables,
        critical_points=points,
        core_locus=core_locus(problem, system),
        summary=Summary.of(points),
        verdict=verdict,
        provenance=provenance,
    )


def _resolve(problem: Problem, seed: int) -> Problem:
    count = len(problem.variables)
    return replace(problem, regularizer=problem.regularizer.resolved(count, seed))


def _is_nonzero_constant(poly) -> bool:
    return bool(poly) and all(sum(m) == 0 for m in poly.keys())


def _check_variables_occur(problem: Problem, system: PolynomialSystem) -> None:
    missing = [name for name, g in zip(system.variables, system.gradient) if not g]
    if missing:
        field = "function.expression" if isinstance(problem, FunctionProblem) else "data"
        raise SpecError(
            field,
            f"the loss does not depend on {', '.join(missing)}, so the critical set contains whole lines "
            "in that direction and no critical point is isolated.",
            "Remove those variables or add a regularizer that involves them.",
        )


class _Search:
    """Repeated backend runs with fresh seeds, merged into one deduplicated point set."""

    def __init__(self, system: PolynomialSystem, tolerances: Tolerances, options: SolveOptions) -> None:
        self.system = system
        self.tolerances = tolerances
        self.options = options
        self.found = PointSet(tolerances)
        self.runs: list[RunRecord] = []
        self.stable = False
        self.seconds = {"solve": 0.0, "refine": 0.0}

    def run(self, backend: Backend, seed: int, report: Progress) -> dict[str, int]:
        """Run the backend until the stopping rule holds; return the root counts."""
        options = self.options
        run_seeds = [int(s) % (2**31 - 2) + 1 for s in np.random.SeedSequence(seed).generate_state(options.max_runs)]
        polynomials = self.system.sparse_gradient()
        root_counts: dict[str, int] = {}
        quiet_runs = 0
        last_error: BackendError | None = None
        jobs = max(1, options.jobs)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for start in range(0, options.max_runs, jobs):
                batch = run_seeds[start:start + jobs]
                started = time.perf_counter()
                futures = [pool.submit(_solve_once, backend, polynomials, len(self.system.variables), s, options.timeout) for s in batch]
                outcomes = [f.result() for f in futures]
                self.seconds["solve"] += time.perf_counter() - started
                for run_seed, outcome in zip(batch, outcomes):
                    if isinstance(outcome, BackendError):
                        last_error = outcome
                        self.runs.append(RunRecord(seed=run_seed, endpoints=0, new_points=0, dropped_nonfinite=0,
                                                   paths_tracked=None, seconds=0.0, error=str(outcome)))
                        report(f"run {len(self.runs)}: failed: {outcome}")
                        continue
                    root_counts = root_counts or dict(outcome.root_counts)
                    new = self._merge(outcome)
                    self.runs.append(RunRecord(seed=run_seed, endpoints=len(outcome.endpoints), new_points=new,
                                               dropped_nonfinite=outcome.dropped_nonfinite,
                                               paths_tracked=outcome.paths_tracked, seconds=round(outcome.seconds, 4)))
                    report(f"run {len(self.runs)}: {len(outcome.endpoints)} endpoints, {new} new, "
                           f"{len(self.found)} distinct critical points ({outcome.seconds:.2f} s)")
                    quiet_runs = quiet_runs + 1 if new == 0 and len(self.runs) > 1 else 0
                    if quiet_runs >= options.stable_runs:
                        self.stable = True
                    elif self._bound_attained(root_counts):
                        self.stable = True
                        report("a root-count bound is attained: no further run can add a point")
                    if self.stable:
                        return root_counts
        if not any(r.error is None for r in self.runs) and last_error is not None:
            raise last_error
        return root_counts

    def _merge(self, outcome: RawSolve) -> int:
        started = time.perf_counter()
        numeric = self.system.numeric
        new = 0
        for endpoint in outcome.endpoints:
            refined = refine_point(numeric, np.array(endpoint.coordinates, dtype=complex), self.tolerances)
            if refined is not None:
                new += self.found.add_with_images(refined, numeric, self.system.symmetries, self.tolerances)
        self.seconds["refine"] += time.perf_counter() - started
        return new

    def _bound_attained(self, root_counts: dict[str, int]) -> bool:
        bounds = [root_counts[k] for k in BOUND_NAMES if k in root_counts]
        if not bounds or len(self.found) != min(bounds):
            return False
        points = _classify(self.system, self.found.points, self.tolerances)
        return all(p.nondegenerate for p in points)


def _solve_once(backend: Backend, polynomials, nvars: int, seed: int, timeout: float) -> RawSolve | BackendError:
    try:
        return backend.solve(polynomials, nvars, seed=seed, timeout=timeout)
    except BackendError as exc:
        return exc


def _classify(system: PolynomialSystem, refined: list[RefinedPoint], tolerances: Tolerances) -> tuple[CriticalPoint, ...]:
    """Classify, order canonically, and number the symmetry orbits."""
    numeric = system.numeric
    order = sorted(range(len(refined)), key=lambda i: _canonical_key(numeric, refined[i]))
    ordered = [refined[i] for i in order]
    orbit_of = _orbits(system, ordered, tolerances)
    return tuple(
        classify_point(numeric, p.coordinates.real if p.is_real else p.coordinates, is_real=p.is_real,
                       residual=p.residual, tolerances=tolerances, orbit=orbit_of[i])
        for i, p in enumerate(ordered)
    )


def _canonical_key(numeric, point: RefinedPoint) -> tuple:
    loss = complex(numeric.loss(point.coordinates))
    coords = tuple((round(c.real, 8), round(c.imag, 8)) for c in point.coordinates)
    return (not point.is_real, round(loss.real, 8), round(loss.imag, 8), coords)


def _orbits(system: PolynomialSystem, points: list[RefinedPoint], tolerances: Tolerances) -> list[int]:
    """Orbit number of each point (orbits numbered by first appearance)."""
    graph = networkx.Graph()
    graph.add_nodes_from(range(len(points)))
    matrix = np.array([p.coordinates for p in points]) if points else np.zeros((0, len(system.variables)))
    for i, p in enumerate(points):
        for g in system.symmetries:
            image = g.apply(p.coordinates)
            tol = tolerances.dedup_atol + tolerances.dedup_rtol * max(1.0, float(np.max(np.abs(image))))
            matches = np.nonzero(np.max(np.abs(matrix - image), axis=1) <= tol)[0]
            for j in matches:
                graph.add_edge(i, int(j))
    orbit_of = [0] * len(points)
    components = sorted(networkx.connected_components(graph), key=min)
    for number, component in enumerate(components):
        for i in component:
            orbit_of[i] = number
    return orbit_of
