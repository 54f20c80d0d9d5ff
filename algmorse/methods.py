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

from .engine.backends.base import Backend, Endpoint, RawSolve
from .engine.exact import ModularCount
from .engine.family import StratumFamily
from .engine.monodromy import GenericSolution, solve_generic, track_to_target
from .engine.strata import support_strata
from .errors import BackendUnavailable
from .model.network import Problem
from .model.options import AUTO_MONODROMY_RATIO, SolveOptions
from .model.system import PolynomialSystem
from .progress import Progress, ProgressBar
from .results.catalog import RunRecord
from .search import Search

__all__ = ["choose_method", "monodromy_search"]


def choose_method(system: PolynomialSystem, options: SolveOptions, modular: ModularCount | None,
                  backend: Backend, generic: GenericSolution | None = None) -> str:
    """``options.method``, with ``"auto"`` resolved by root counts (see :class:`SolveOptions`).

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
    return "monodromy" if system.total_degree > AUTO_MONODROMY_RATIO * modular.count_with_multiplicity \
        else "blackbox"


def monodromy_search(problem: Problem, system: PolynomialSystem, search: Search, backend: Backend, seed: int,
                     options: SolveOptions, report: Progress, generic: GenericSolution | None = None,
                     progress_bar: bool = False) -> dict:
    """Monodromy on every support stratum, one parameter homotopy to the loss, endpoints merged.

    With ``generic`` (the generic points of a family this loss belongs to, e.g. from the first
    value of a sweep), the monodromy stage is skipped: only the parameter homotopy runs.
    ``progress_bar`` shows the strata finished (see :class:`~algmorse.progress.ProgressBar`).

    Returns
    -------
    dict
        The provenance record: ``generic_count``, ``generic_total`` (the whole family's modular
        count at random parameters), ``complete`` (every stratum reached its modular count, and
        they add up to ``generic_total``), ``strata`` (one :class:`~algmorse.engine.monodromy.StratumRecord` each),
        ``paths`` (monodromy and fallback), ``target_paths`` (retries included), ``escaped`` and
        ``collided`` (see :class:`~algmorse.engine.monodromy.TargetEndpoints`), ``seconds``.
    """
    started = time.perf_counter()
    if generic is None:
        families = [StratumFamily(system, stratum) for stratum in support_strata(problem, system)]
        report(f"monodromy on {len(families)} support strat{'um' if len(families) == 1 else 'a'}")
        with ProgressBar("monodromy", len(families), unit="strata", enabled=progress_bar) as bar:
            generic = solve_generic(families, backend, seed=seed, jobs=options.jobs,
                                    quiet_loops=max(3, options.stable_runs), timeout=options.timeout,
                                    count_timeout=options.proof_timeout, counts=options.proof == "auto",
                                    report=report, on_stratum=bar.update_to)
    else:
        generic = generic.retargeted(system)
        report(f"parameter homotopy from {generic.count} given generic points")
    tracked = time.perf_counter()
    target = track_to_target(generic, backend, seed=seed + 1, jobs=options.jobs, timeout=options.timeout)
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
    report(f"monodromy: {generic.count} generic points, {len(endpoints)} endpoints at the loss "
           f"({failed} escaped, {target.collided} collided), {len(search.found)} distinct critical points "
           f"({finished - started:.2f} s)")
    return {"generic_count": generic.count, "generic_total": generic.total, "complete": generic.complete,
            "strata": [asdict(record) for record in generic.records], "paths": generic.paths,
            "target_paths": paths, "finished_in_numpy": target.finished, "escaped": failed, "collided": target.collided,
            "seconds": round(time.perf_counter() - started, 4)}
