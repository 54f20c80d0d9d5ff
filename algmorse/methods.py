"""The search methods: which one a solve uses, and the monodromy search feeding the point set.

``blackbox`` is :meth:`algmorse.search.Search.run` (repeated blackbox runs). ``monodromy`` finds
every support stratum's points at generic parameters (:func:`algmorse.engine.monodromy.solve_generic`),
takes them to the loss with one parameter homotopy, and merges the endpoints into the same
:class:`~algmorse.search.Search` (refinement, certification, symmetry images), so that everything
after the search is the same for both.
"""

from __future__ import annotations

import time
from dataclasses import asdict

import numpy as np

from .engine.backends.base import Backend, Endpoint, RawSolve
from .engine.exact import ModularCount
from .engine.family import StratumFamily, random_offset
from .engine.monodromy import GenericSolution, solve_generic, track_to_target
from .engine.strata import support_strata
from .errors import BackendUnavailable
from .model.network import Problem
from .model.options import SolveOptions
from .model.system import PolynomialSystem
from .progress import Progress, ProgressBar, ProgressEvent
from .results.catalog import RunRecord
from .search import Search

__all__ = ["choose_method", "estimated_paths", "monodromy_search", "stratum_families"]


MONODROMY_PATHS_PER_POINT = 4
"""Estimated monodromy paths per critical point: about three along the edges of the monodromy
graph per generic point (measured 2.7-3.4 on the ``t^2`` networks, before the sign-flip orbits
divide it) and one to the loss."""

MONODROMY_PATHS_PER_STRATUM = 1000
"""The monodromy's fixed cost per support stratum, in paths of the blackbox: a stratum's count and
ten to twenty rounds of worker processes (about a second), where the blackbox tracks a path of a
small system in about a millisecond (measured on ``net121_quad_l2``: 625 paths in 0.5 s)."""


def estimated_paths(system: PolynomialSystem, options: SolveOptions, count: int, strata: int = 1) -> dict[str, int]:
    """The cost of each method, in paths, for a finite critical set of ``count`` points.

    The blackbox tracks one path per solution of a start system (at most the Bezout number) in
    each of its runs, and it runs at least ``stable_runs + 1`` times; monodromy tracks about
    :data:`MONODROMY_PATHS_PER_POINT` paths per point, plus :data:`MONODROMY_PATHS_PER_STRATUM`
    for each of its ``strata`` (see :func:`~algmorse.engine.strata.support_strata`).

    Examples
    --------
    The ``t^2`` network [2,2,1] (257 points, 4 strata, Bezout number 15625):

    >>> from types import SimpleNamespace
    >>> estimated_paths(SimpleNamespace(total_degree=15625), SolveOptions(), 257, strata=4)
    {'blackbox': 46875, 'monodromy': 5028}
    """
    return {"blackbox": system.total_degree * (options.stable_runs + 1),
            "monodromy": MONODROMY_PATHS_PER_POINT * count + MONODROMY_PATHS_PER_STRATUM * strata}


def choose_method(system: PolynomialSystem, options: SolveOptions, modular: ModularCount | None,
                  backend: Backend, generic: GenericSolution | None = None, strata: int = 1) -> str:
    """``options.method``, with ``"auto"`` resolved by the estimated paths (see :func:`estimated_paths`).

    ``"auto"`` is monodromy with given generic points, or when the modular count is finite and
    monodromy is expected to cost fewer paths than the blackbox on ``strata`` support strata;
    the blackbox otherwise, and always for a backend that cannot track paths.

    Raises
    ------
    BackendUnavailable
        If monodromy is asked for and the backend cannot track paths.
    """
    can_track = callable(getattr(backend, "track", None))
    if options.method == "monodromy" and not can_track:
        raise BackendUnavailable(f"method 'monodromy' needs a backend that tracks paths; {backend.name!r} does not. "
                                 "Use method = \"blackbox\" or the phcpack backend.")
    if options.method != "auto":
        return options.method
    if generic is not None and can_track:
        return "monodromy"
    if not can_track or modular is None or modular.dimension != 0 or not modular.count_with_multiplicity:
        return "blackbox"
    paths = estimated_paths(system, options, modular.count_with_multiplicity, strata)
    return "monodromy" if paths["monodromy"] < paths["blackbox"] else "blackbox"


def stratum_families(problem: Problem, system: PolynomialSystem, seed: int) -> list[StratumFamily]:
    """One family per support stratum; a single family on the whole space with a random offset
    (drawn from ``seed``) where there are no strata to split the solutions by (see
    :class:`~algmorse.engine.family.StratumFamily`).

    Examples
    --------
    >>> from algmorse.model.network import Network, NetworkProblem, Dataset
    >>> from algmorse.model.system import build_system
    >>> problem = NetworkProblem(Network((1, 1, 1), "1 + t^2"), Dataset(((1,),), ((2,),)))
    >>> [(f.stratum.label, f.torus, f.offset) for f in stratum_families(problem, build_system(problem), seed=1)]
    [('all units', False, (Fraction(15, 17), Fraction(-7, 20)))]
    """
    strata = support_strata(problem, system)
    if len(strata) > 1:
        return [StratumFamily(system, stratum) for stratum in strata]
    rng = np.random.default_rng([seed, 0x0FF5E7])
    return [StratumFamily(system, strata[0], offset=random_offset(rng, len(strata[0].support)))]


def monodromy_search(problem: Problem, system: PolynomialSystem, search: Search, backend: Backend, seed: int,
                     options: SolveOptions, report: Progress, generic: GenericSolution | None = None,
                     progress_bar: bool = False, expected: int | None = None) -> dict:
    """Monodromy on every support stratum, one parameter homotopy to the loss, endpoints merged.

    With ``generic`` (the generic points of a family this loss belongs to, e.g. from the first
    value of a sweep), the monodromy stage is skipped: only the parameter homotopy runs.
    ``progress_bar`` shows the strata finished (see :class:`~algmorse.progress.ProgressBar`);
    ``expected``, the number of distinct critical points when known, spares the parameter
    homotopy its retries once that many arrived (see :func:`~algmorse.engine.monodromy.track_to_target`).

    Returns
    -------
    dict
        The provenance record: ``generic_count``, ``generic_total`` (the whole family's modular
        count at random parameters), ``complete`` (every stratum reached its modular count, and
        they add up to ``generic_total``), ``strata`` (one :class:`~algmorse.engine.monodromy.StratumRecord` each),
        ``paths`` (monodromy and fallback), ``target_paths`` (retries included), ``escaped`` and
        ``collided`` (see :class:`~algmorse.engine.monodromy.TargetEndpoints`), ``backend_errors``
        (failed worker calls, strata and target together), ``seconds``.
    """
    started = time.perf_counter()
    if generic is None:
        families = stratum_families(problem, system, seed)
        report(ProgressEvent(f"monodromy on {len(families)} support strat{'um' if len(families) == 1 else 'a'}",
                             stage="monodromy", total=len(families), unit="strata"))
        with ProgressBar("monodromy", len(families), unit="strata", enabled=progress_bar) as bar:
            generic = solve_generic(families, backend, seed=seed, jobs=options.jobs,
                                    quiet_loops=max(3, options.stable_runs), timeout=options.timeout,
                                    count_timeout=options.proof_timeout, counts=options.proof == "auto",
                                    report=bar.showing(report), on_stratum=bar.update_to)
    else:
        generic = generic.retargeted(system)
        report(f"parameter homotopy from {generic.count} given generic points")
    tracked = time.perf_counter()
    with ProgressBar("parameter homotopy", sum(len(points) for points in generic.points), unit="paths",
                     enabled=progress_bar) as bar:
        target = track_to_target(generic, backend, seed=seed + 1, jobs=options.jobs, timeout=options.timeout,
                                 expected=expected, report=bar.showing(report, counting=True))
    endpoints, paths, failed = target.points, target.paths, target.escaped
    finished = time.perf_counter()
    outcome = RawSolve(endpoints=tuple(Endpoint(coordinates=tuple(complex(z) for z in e)) for e in endpoints),
                       paths_tracked=generic.paths + paths, seed=seed, seconds=finished - started,
                       dropped_nonfinite=failed)
    new = search.merge(outcome)
    search.runs.append(RunRecord(seed=seed, endpoints=len(endpoints), new_points=new, dropped_nonfinite=failed,
                                 paths_tracked=outcome.paths_tracked, seconds=round(finished - started, 4)))
    search.seconds["monodromy"] = tracked - started
    search.seconds["track"] = finished - tracked
    to_loss = len(endpoints) + failed + target.collided
    report(ProgressEvent(
        f"monodromy: {generic.count} critical points at generic parameters (grad L + c*w for a random c, on every "
        f"support stratum); of the {to_loss} paths from them to the loss (one per sign-flip orbit), "
        f"{len(endpoints)} arrived, {failed} escaped, {target.collided} collided (escaped: diverged or failed; "
        f"collided: ended in an orbit another path reached); {len(search.found)} distinct critical points of the "
        f"loss once refined and closed under the symmetries ({finished - started:.2f} s)",
        stage="track", done=len(endpoints), total=to_loss, unit="paths"))
    return {"generic_count": generic.count, "generic_total": generic.total, "complete": generic.complete,
            "strata": [asdict(record) for record in generic.records], "paths": generic.paths,
            "target_paths": paths, "finished_in_numpy": target.finished, "escaped": failed, "collided": target.collided,
            "backend_errors": sum(r.backend_errors for r in generic.records) + target.backend_errors,
            "seconds": round(time.perf_counter() - started, 4)}
