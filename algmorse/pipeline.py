"""The pipeline: problem -> exact system -> backend runs -> points -> components -> catalog.

Stages, each timed in ``provenance.seconds``:

1. ``build``: the exact loss, gradient and Hessian (:mod:`algmorse.model.system`);
2. ``exact`` (with ``verify="exact"``): dimension and counts by exact algebra (:mod:`algmorse.engine.exact`);
3. ``solve``/``refine``: repeated backend runs, refined and merged (:mod:`algmorse.search`), or
   (``method`` monodromy, :mod:`algmorse.methods`) ``monodromy`` on the support strata and
   ``track`` to the loss, merged the same way;
4. ``decompose`` (see ``SolveOptions.decompose``): components of the critical set, and which
   found points lie on them (:mod:`algmorse.analysis.decomposition`);
5. ``classify``: Hessian, rank, Morse index, multiplicity (:mod:`algmorse.analysis.classify`);
6. the verdict, and the exact verification, which raises
   :class:`~algmorse.errors.VerificationFailed` when the numbers disagree.
"""

from __future__ import annotations

import logging
import os
import platform
import secrets
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, replace
from fractions import Fraction

import networkx
import numpy as np
import sympy

from ._version import __version__
from .analysis.classify import classify_points, classify_refined
from .analysis.components import Component
from .analysis.core_locus import Stratum, core_locus
from .analysis.decomposition_check import decomposition_differences
from .analysis.decomposition import DecompositionOutcome, decompose, off_critical_set
from .analysis.exact_first import ExactCriticalSet, component_evidence, exact_critical_set
from .analysis.verdict import (
    INCOMPLETE_CHECK,
    AlgebraicEvidence,
    Evidence,
    MorseBottEvidence,
    SearchEvidence,
    Verdict,
    decide,
    square_system_verdict,
)
from .engine import processes
from .engine.backends import get_backend
from .engine.backends.base import Backend
from .engine.backends.remote import RemoteBackend
from .engine.certify import disjoint_boxes
from .engine.clusters import split_cluster
from .engine.exact import (
    ExactResult,
    ModularCount,
    MultipleSet,
    available_exact_tools,
    exact_check,
    exact_points,
    modular_count,
    multiple_points,
    rational_count,
)
from .engine.exact_components import exact_decomposition
from .engine.morse_bott import MorseBottTest, morse_bott_test
from .engine.monodromy import GenericSolution
from .engine.strata import support_strata
from .engine.rational_points import prove_rational_point
from .engine.refine import RefinedPoint, relative_residual
from .engine.runners import remote_calls
from .errors import BackendError, BackendTimeout, SpecError, VerificationFailed, check_type
from .methods import choose_method, monodromy_search
from .model.network import FunctionProblem, NetworkProblem, Problem, SystemProblem, check_problem
from .model.options import SolveOptions, Tolerances, check_option_groups
from .model.precision import PRECISIONS
from .model.system import PolynomialSystem, build_system
from .progress import Progress, ProgressEvent, throttled
from .results.catalog import Catalog, Provenance, Summary
from .search import Search, derived_seeds

__all__ = ["analyze", "solve_system"]


def analyze(
    problem: Problem,
    *,
    options: SolveOptions = SolveOptions(),
    tolerances: Tolerances = Tolerances(),
    backend: Backend | None = None,
    progress: Progress | None = None,
    progress_bar: bool = True,
    generic: GenericSolution | None = None,
    scheduler: str | None = None,
) -> Catalog:
    """Find, classify and certify-as-far-as-possible every critical point of a loss.

    Parameters
    ----------
    problem : NetworkProblem or FunctionProblem
        The loss (see :mod:`algmorse.model.network`).
    options : SolveOptions
        Seed, backend, parallel jobs, per-run timeout, stopping rule, decomposition and exact
        verification.
    tolerances : Tolerances
        Numerical tolerances (residual, realness, deduplication, Hessian noise).
    backend : Backend, optional
        A backend instance; by default ``get_backend(options.backend)``.
    progress : callable, optional
        Receives one line of text per stage, run or stratum, and ticks while work is under way
        (backend runs, monodromy, the parameter homotopy, certification), at most one per stage
        every :data:`~algmorse.progress.TICK_SECONDS`. Each line is a
        :class:`~algmorse.progress.ProgressEvent`: a ``str`` that also carries ``stage``,
        ``done``, ``total``, ``unit``, ``seconds_left`` and ``tick``. Default: the
        ``algmorse.pipeline`` logger at level INFO (``logging.basicConfig(level=logging.INFO)``
        or :func:`algmorse.progress.show_progress` shows them).
    progress_bar : bool
        A bar of the critical points found against the count that ends the search (of the
        strata in monodromy, of the paths in the parameter homotopy), on a terminal or in
        Jupyter, for runs longer than two seconds (never in a log or a pipe); its clock moves
        while a backend run is under way.
    generic : GenericSolution, optional
        Critical points at generic parameters of a family this loss belongs to (the support
        strata of the same network and ``grad L + c * w``), from an earlier monodromy solve, as
        :func:`algmorse.sweep.sweep` passes them: the search is then one parameter homotopy from
        them (``method`` ``"auto"`` or ``"monodromy"``).
    scheduler : str, optional
        ``"local"`` (a local Dask cluster of ``options.jobs`` worker processes) or a Dask
        scheduler's address: the backend's path tracking and blackbox runs (monodromy loops,
        the parameter homotopy, the search's runs) go there, ``options.jobs`` at a time, with the
        same results as here (see :class:`~algmorse.engine.backends.remote.RemoteBackend`).
        Exact algebra and certification stay in this process.

    Returns
    -------
    Catalog
        Isolated points in canonical order, components, core locus, summary, verdict (with the
        completeness statement) and provenance (seed, versions, root counts, runs, seconds per
        stage, exact and decomposition results).

    Raises
    ------
    SpecError
        If ``problem``, ``options`` or ``tolerances`` is not of the type above, the problem is
        degenerate by construction (a variable absent from the loss), or is a ReLU network (use
        :func:`algmorse.relu.analyze.analyze_relu`).
    BackendError
        If every backend run failed (crash, timeout, unavailable backend), or the exact check
        could not run.
    VerificationFailed
        With ``verify="exact"``, if the numerical result disagrees with exact algebra.
    """
    check_problem(problem)
    check_option_groups(options, tolerances)
    if scheduler is not None:
        return _analyze_on(scheduler, problem, options=options, tolerances=tolerances, backend=backend,
                           progress=progress, progress_bar=progress_bar, generic=generic)
    if isinstance(problem, NetworkProblem) and problem.network.is_relu:
        raise SpecError("network.activation", "a relu network's loss is piecewise polynomial, not one polynomial.",
                        "Use algmorse.analyze_relu(problem), which solves one polynomial per activation pattern.")
    seconds: dict[str, float] = {}
    seed = options.seed if options.seed is not None else secrets.randbelow(2**31 - 1) + 1
    problem = replace(problem, regularizer=problem.regularizer.resolved(len(problem.variables), seed))
    report = throttled(progress or logging.getLogger(__name__).info)
    started = time.perf_counter()
    system = checked_system(problem)
    seconds["build"] = time.perf_counter() - started
    backend = backend if backend is not None else get_backend(options.backend)

    exact = _exact(system, options, seconds, report)
    modular, modular_note = _modular(system, options, exact, seconds, report)
    qq_started, qq_tasks = time.perf_counter(), _rational_count_tasks(system, modular, options)
    with processes.started_in_threads(_rational_count, qq_tasks, workers=1) as qq_count:
        notes: list[str] = []  # what the parametrization stage did, once
        search = Search(system, tolerances, options, report)
        monodromy: dict | None = None
        no_points = any(_is_nonzero_constant(g) for g in system.gradient) or (exact is not None and exact.dimension < 0)
        exact_set = None
        if no_points:
            report("the gradient system has no solution: there are no critical points")
            root_counts = {"total_degree": 0}
        elif (exact_set := _exact_first(system, options, tolerances, exact, modular, seed, seconds, report,
                                               None if problem is None else _loss_lower_bound(problem))) is not None:
            search.add_starts(exact_set.isolated_starts)  # no path to track: every isolated point is known
            search.stable = True
            root_counts = {}
        else:
            target = _distinct_target(exact, modular)
            fill = (lambda: _resolve_missing(system, search, target, options, report, notes)) if target else None
            method = choose_method(system, options, modular, backend, generic,
                                   strata=len(support_strata(problem, system)))
            if method == "monodromy":
                monodromy = monodromy_search(problem, system, search, backend, seed, options, report, generic,
                                             progress_bar=progress_bar, expected=target)
                if fill is not None and search.proven < target:
                    fill()
                    fill = None
            reached = target is not None and search.proven >= target
            # a complete generic solve whose every path arrived reaches every isolated point (the
            # parameter homotopy theorem): a gap to the count is then multiplicity, which blackbox
            # runs would not close either
            settled = monodromy is not None and monodromy["complete"] and monodromy["escaped"] == 0
            if method == "monodromy" and (reached or settled):
                search.stable = True
                root_counts = {}
            else:
                if method == "monodromy":
                    report("monodromy fell short of the count: blackbox runs follow")
                report(ProgressEvent(f"blackbox runs: up to {system.total_degree} paths each, until "
                                     + (f"{target} proven points" if target else "the runs add nothing"),
                                     stage="solve", done=search.proven, total=target, unit="points"))
                root_counts = search.run(backend, seed, report, target=target, target_is_exact=exact is not None,
                                         fill=fill, progress_bar=progress_bar)
        root_counts.setdefault("total_degree", system.total_degree)
        doubtful = 0
        if not no_points:
            _prove_rational_points(system, search, report)
        non_isolated = search.non_isolated
        counts = _finite_counts(exact, modular)
        if counts is not None and not no_points:
            if not notes:  # the runs never paused short of the count
                _resolve_missing(system, search, _distinct_target(exact, modular), options, report, notes)
            modular_note = "; ".join([modular_note] + notes)
            doubtful = _drop_doubtful(system, search, counts, tolerances, report)
        seconds.update(search.seconds)

        numerical_check = None
        if exact_set is not None:
            outcome, decomposition_note = DecompositionOutcome(components=exact_set.components), "exact"
            if options.decompose == "always":  # both run: they must agree, or the catalog says how they differ
                numerical, note = _decompose(system, backend, search, seed, options, tolerances, root_counts, exact,
                                             modular, seconds, report, non_isolated)
                numerical_check = decomposition_differences(exact_set.components, numerical.components) \
                    if note == "ok" else [f"{INCOMPLETE_CHECK} ({note})"]
        else:
            outcome, decomposition_note = _decompose(system, backend, search, seed, options, tolerances, root_counts,
                                                     exact, modular, seconds, report, non_isolated)
        unproven = list(outcome.unexplained)
        if decomposition_note != "ok":  # nothing settled the singular samples: report them as they are
            unproven += search.singular.points
        off = [p for p in unproven if off_critical_set(system, p.coordinates)]
        if off:
            report(f"{len(off)} doubtful endpoint(s) are not near the critical set in 512-bit arithmetic: dropped")
            doubtful += len(off)
        kept = search.found.points + outcome.new_isolated + [p for p in unproven if not any(p is q for q in off)]
        report(ProgressEvent(f"classify: Hessian, Morse index and multiplicity of {len(kept)} points",
                             stage="classify", total=len(kept), unit="points"))
        started = time.perf_counter()
        points = classify_points(system, kept, tolerances)
        seconds["classify"] = time.perf_counter() - started

        strata = core_locus(problem, system)
        ordered = sorted(outcome.components, key=lambda c: (-c.dimension, not c.real_points,
                                                           float("inf") if c.loss is None else round(c.loss.real, 8),
                                                           c.degree))
        components, strata = _match_strata(system, ordered, strata)
        overlapping = _overlapping_boxes(kept)
        modular, modular_note = _rational_count_outcome(modular, modular_note, qq_tasks, qq_count, qq_started,
                                                        seconds, report)
        multiple = _multiple_points(system, points, exact, modular, options, seconds, report)
        verdict = _verdict(points, components, root_counts, search, options, exact, decomposition_note, no_points,
                           modular, overlapping, doubtful, non_isolated, multiple, exact_set, problem, numerical_check)
        if not system.is_gradient:
            verdict = square_system_verdict(verdict, points)
        catalog = Catalog(
            problem=problem,
            variables=system.variables,
            critical_points=points,
            components=tuple(components),
            core_locus=strata,
            summary=Summary.of(points, components),
            verdict=verdict,
            provenance=Provenance(
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
                exact=_exact_record(exact),
                decomposition=_decomposition_record(outcome, decomposition_note, exact_set, numerical_check),
                modular=_modular_record(modular, modular_note),
                monodromy=monodromy,
            ),
        )
        if exact is not None:
            _verify(catalog, exact)
        return catalog


def solve_system(
    equations: Sequence,
    variables: Sequence,
    *,
    options: SolveOptions = SolveOptions(),
    tolerances: Tolerances = Tolerances(),
    backend: Backend | None = None,
    progress: Progress | None = None,
    progress_bar: bool = True,
) -> Catalog:
    """Every isolated solution of a square polynomial system, refined, certified and counted.

    Parameters
    ----------
    equations : sequence of str, sympy expressions, sympy ``Poly`` or sympy ``Eq``
        One polynomial per variable, with rational coefficients (the grammar of
        :mod:`algmorse.model.expr` for strings); ``Eq(lhs, rhs)`` stands for ``lhs - rhs``.
    variables : sequence of str or sympy symbols
    options, tolerances, backend, progress, progress_bar
        As for :func:`analyze`.

    Returns
    -------
    Catalog
        The solutions as points (``kind`` ``"regular"``, ``"complex"``, ``"degenerate"``, ...),
        with certificates and the completeness level; no loss, Hessian spectrum, Morse index or
        Morse verdict (the Jacobian stands for the Hessian in rank and multiplicity).

    Raises
    ------
    SpecError
        If ``equations`` or ``variables`` is not a list (or another iterable; one string is
        refused too), the system is not square or an equation is outside the grammar, and
        as for :func:`analyze`.

    Examples
    --------
    With the PHCpack backend installed (``tests/test_square_systems.py`` runs these)::

        catalog = solve_system(["x^2 - 2", "y - x"], ["x", "y"], options=SolveOptions(seed=1))
        len(catalog.critical_points), catalog.verdict.completeness   # (2, 'exact-count')
    """
    for field, given, example in (("system.equations", equations, '["x^2 - 2", "y - x"]'),
                                  ("system.variables", variables, '["x", "y"]')):
        if isinstance(given, str):
            raise SpecError(field, f"expected a list, got one string {given!r}.", f"Wrap it in a list: [{given!r}].")
        check_type(given, Iterable, field, f"Give a list, e.g. {example}.")
    equations = tuple(e.lhs - e.rhs if isinstance(e, sympy.Equality) else e for e in equations)
    problem = SystemProblem(tuple(variables), equations)
    return analyze(problem, options=options, tolerances=tolerances, backend=backend, progress=progress,
                   progress_bar=progress_bar)


def _is_nonzero_constant(poly) -> bool:
    return bool(poly) and all(sum(m) == 0 for m in poly.keys())


def checked_system(problem: Problem) -> PolynomialSystem:
    """The problem's system, refused when no point can be isolated or the backend cannot read it.

    Raises
    ------
    SpecError
        If a variable does not occur in the loss, or a gradient coefficient lies outside double
        precision's normal range.
    """
    system = build_system(problem)
    _check_variables_occur(problem, system)
    _check_double_range(problem, system)
    return system


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


_DOUBLE_MIN, _DOUBLE_MAX = 2.2250738585072014e-308, 1.7976931348623157e308
_MORSE_BOTT_SECONDS = 10.0  # the minors grow fast with the number of unknowns


def _check_double_range(problem: Problem, system: PolynomialSystem) -> None:
    """Refuse a gradient with a coefficient that double precision rounds to 0, a subnormal or inf.

    The backend tracks paths in double precision and computes its root counts for the system it
    parsed; a coefficient of 1e-320 would vanish there, and "bound attained" would then be a
    statement about another system (the support changed).
    """
    for j, g in enumerate(system.gradient):
        for _exps, c in g.items():
            value = abs(Fraction(int(c.numerator), int(c.denominator)))
            if not _DOUBLE_MIN <= value <= _DOUBLE_MAX:
                field = _field_of_scale(problem)
                raise SpecError(
                    field,
                    f"the gradient dL/d{system.variables[j]} has the coefficient {_magnitude(value)} "
                    f"(exactly {_short(value)}), outside double precision's normal range "
                    f"[{_DOUBLE_MIN:.3g}, {_DOUBLE_MAX:.3g}]: the numerical backend would round it to "
                    f"{'0 or a subnormal' if value < _DOUBLE_MIN else 'infinity'} and solve another system.",
                    "Rescale the problem (e.g. a regularization strength or data closer to 1), or use "
                    "algmorse.engine.exact.exact_check for an exact answer.",
                )


def _field_of_scale(problem: Problem) -> str:
    eps = problem.regularizer.eps
    values = eps if isinstance(eps, tuple) else (eps,) if eps is not None else ()
    if any(v and not 1e-300 <= abs(v) <= 1e300 for v in values):
        return "regularizer.eps"
    return "function.expression" if isinstance(problem, FunctionProblem) else "data"


def _magnitude(value: Fraction) -> str:
    """``value`` as ``"2e-320"``-like text, for any size (no float overflow, no huge int strings)."""
    if value == 0:
        return "0"
    if value.numerator.bit_length() < 1000 and value.denominator.bit_length() < 1000:
        try:
            return f"{float(value):.3g}"
        except OverflowError:
            pass
    exponent = (value.numerator.bit_length() - value.denominator.bit_length()) * 0.30103
    return f"about 1e{exponent:+.0f}"


def _short(value: Fraction) -> str:
    if max(value.numerator.bit_length(), value.denominator.bit_length()) <= 128:
        return str(value)
    digits = [int(part.bit_length() * 0.30103) + 1 for part in (value.numerator, value.denominator)]
    return f"a rational with about {digits[0]}-digit numerator and {digits[1]}-digit denominator"


def _analyze_on(scheduler: str, problem: Problem, *, options: SolveOptions, backend: Backend | None,
                progress: Progress | None, **rest) -> Catalog:
    """:func:`analyze` with the backend's calls sent to a Dask scheduler."""
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise SpecError("scheduler", f"expected 'local' or a Dask scheduler's address, got {scheduler!r}.",
                        "Pass scheduler='local' or e.g. 'tcp://host:8786'.")
    with remote_calls(scheduler, options.jobs) as call:
        remote = RemoteBackend(backend if backend is not None else get_backend(options.backend), call)
        catalog = analyze(problem, options=options, backend=remote, progress=progress, **rest)
    (progress or logging.getLogger(__name__).info)(f"{remote.calls} backend calls ran on the Dask scheduler {scheduler}")
    return catalog


def _exact(system: PolynomialSystem, options: SolveOptions, seconds: dict, report: Progress) -> ExactResult | None:
    if options.verify != "exact":
        return None
    started = time.perf_counter()
    result = exact_check(system.sparse_gradient(), system.num_variables, timeout=options.exact_timeout)
    seconds["exact"] = time.perf_counter() - started
    if result.dimension > 0:
        report(f"exact ({result.tool}): dimension {result.dimension}; components (dimension, degree) over QQ: "
               f"{result.components}")
    else:
        report(f"exact ({result.tool}): dimension {result.dimension}, {result.count_without_multiplicity} distinct "
               f"solutions, {result.count_with_multiplicity} with multiplicity, {result.real_count} real")
    return result


_DISTINCT_SECONDS = 5.0
"""Time box of the modular count with the distinct count; past it, the count with multiplicity
alone (milliseconds where the distinct count takes minutes: 0.2 s against 106 s for the linear
[1,3,3,1] network's 977 points)."""

_RATIONAL_SECONDS = 5.0
"""The count over QQ (after a finite modular count) runs beside the search, for as long as the
solve takes and at least this long (at most ``proof_timeout``)."""


_BESIDE_NICENESS = 10
"""Niceness of the count over QQ running beside the search (it takes only what the search leaves)."""


def _rational_count_tasks(system: PolynomialSystem, modular: ModularCount | None,
                          options: SolveOptions) -> list[tuple]:
    """The count over QQ to start beside the search: one after a finite modular count, else none."""
    if modular is None or modular.dimension != 0:
        return []
    return [(system.sparse_gradient(), system.num_variables, options.proof_timeout, {})]


def _rational_count(task: tuple) -> tuple[int, int | None, float] | BackendError:
    """:func:`rational_count` on ``(polynomials, nvars, timeout, holder)``, its error returned, not
    raised; ``holder["thread"]`` says which thread runs it (to stop it alone)."""
    polynomials, nvars, timeout, holder = task
    holder["thread"] = threading.get_ident()
    os.nice(_BESIDE_NICENESS)  # this thread alone (Linux), and the Singular it starts: the search keeps the cores
    try:
        return rational_count(polynomials, nvars, timeout=timeout)
    except BackendError as exc:
        return exc


def _rational_count_outcome(modular: ModularCount | None, note: str, tasks: list[tuple], pending: list,
                            started: float, seconds: dict, report: Progress) -> tuple[ModularCount | None, str]:
    """The modular count with the count over QQ started beside the search (``tasks``, whose
    futures are ``pending``), if it came in time.

    The count has had the solve's time; it gets up to :data:`_RATIONAL_SECONDS` in all, then its
    Singular is stopped. A count over QQ that disagrees with the primes' means unlucky primes:
    the modular count is then not used.
    """
    if not pending:
        return modular, note
    (future,), (task,) = pending, tasks
    try:
        outcome = future.result(timeout=max(0.0, _RATIONAL_SECONDS - (time.perf_counter() - started)))
    except FutureTimeout:
        processes.kill_started_by(task[-1]["thread"])
        outcome = future.result()  # at once: its Singular is gone (or it had just finished)
        if isinstance(outcome, BackendError):
            outcome = BackendError(f"not finished in {time.perf_counter() - started:.1f} s, the time of the search")
    seconds["count_qq"] = time.perf_counter() - started
    if isinstance(outcome, BackendError):
        report(f"count over QQ: {outcome}")
        return modular, f"{note}; over QQ: {outcome}"
    dimension, count, spent = outcome
    if (dimension, count) != (modular.dimension, modular.count_with_multiplicity):
        report(f"count over QQ ({dimension}, {count}) disagrees with the modular count: not used")
        return None, (f"{note}; over QQ: dimension {dimension}, count {count}, unlike the prime fields: the primes "
                      "were unlucky, the modular count is not used")
    report(f"count over QQ: {count} with multiplicity ({spent:.2f} s, beside the search)")
    return replace(modular, rational_count=count), f"{note}; over QQ too ({spent:.2f} s)"


def _modular(system: PolynomialSystem, options: SolveOptions, exact: ExactResult | None, seconds: dict,
             report: Progress) -> tuple[ModularCount | None, str]:
    """The count over prime fields (``options.proof == "auto"``), or why there is none."""
    if options.proof != "auto":
        return None, "not asked (proof = none)"
    if exact is not None:
        return None, "not needed (exact check over QQ)"
    if "singular" not in available_exact_tools():
        report("modular count skipped: Singular is not installed")
        return None, "skipped: Singular is not installed"
    started = time.perf_counter()
    box = min(_DISTINCT_SECONDS, options.proof_timeout)
    try:
        result = modular_count(system.sparse_gradient(), system.num_variables, timeout=box, distinct=True)
    except BackendTimeout:  # the distinct count (fglm) is the slow part: counted without it
        report(f"modular count: the distinct count did not finish in {box:.0f} s; counted with multiplicity only")
        result = None
    except BackendError as exc:
        result = exc
    if result is None and options.proof_timeout > box:
        try:
            result = modular_count(system.sparse_gradient(), system.num_variables,
                                   timeout=options.proof_timeout - box)
        except BackendError as exc:
            result = exc
    if not isinstance(result, ModularCount):
        seconds["count"] = time.perf_counter() - started
        failure = result or BackendTimeout(f"did not finish in {box:.0f} s", box)
        report(f"modular count failed: {failure}")
        return None, f"failed: {failure}"
    if result.dimension == 0:
        report(f"modular count: dimension 0, {result.count_with_multiplicity} critical points with multiplicity "
               f"over F_p for p = {', '.join(map(str, result.primes))} ({result.seconds:.2f} s)")
    else:
        report(f"modular count: dimension {result.dimension} over F_p ({result.seconds:.2f} s)")
    note = "ok"
    seconds["count"] = time.perf_counter() - started
    return result, note


_PARAMETRIZATION_BITS = 1024
"""Precision of the points from msolve's parametrization, and the last one tried to certify them."""


def _multiple_points(system: PolynomialSystem, points, exact: ExactResult | None, modular: ModularCount | None,
                     options: SolveOptions, seconds: dict, report: Progress) -> tuple[MultipleSet, ...] | None:
    """The multiple points by primary decomposition over QQ, when some are left undecided.

    Runs (time-boxed like the count over QQ) when the counts say some point is multiple
    (fewer distinct points than with multiplicity) and a found point is neither certified nor
    proven exactly; ``None`` when not run, not finished, or Singular is missing.
    """
    counts = _finite_counts(exact, modular)
    if counts is None or None in counts or counts[0] == counts[1] or all(p.proven for p in points):
        return None
    if "singular" not in available_exact_tools():
        return None
    started = time.perf_counter()
    try:
        found = multiple_points(system.sparse_gradient(), system.num_variables,
                                timeout=min(_RATIONAL_SECONDS, options.proof_timeout / 4))
    except BackendError as exc:
        report(f"primary decomposition over QQ: {exc}")
        return None
    finally:
        seconds["multiple-points"] = time.perf_counter() - started
    report(f"primary decomposition over QQ: {len(found)} set(s) of multiple points ({seconds['multiple-points']:.2f} s)")
    return found


def _finite_counts(exact: ExactResult | None, modular: ModularCount | None) -> tuple[int | None, int | None] | None:
    """``(distinct, with multiplicity)`` of a finite critical set, over QQ or else over the primes
    (``None`` when neither says the set is finite; an entry is ``None`` when not computed)."""
    if exact is not None:
        return (exact.count_without_multiplicity, exact.count_with_multiplicity) if exact.dimension == 0 else None
    if modular is None or modular.dimension != 0:
        return None
    return modular.count_distinct, modular.count_with_multiplicity


def _distinct_target(exact: ExactResult | None, modular: ModularCount | None) -> int | None:
    """The number of proven points that completes a finite critical set: the distinct count, or,
    where that was not computed, the count with multiplicity."""
    counts = _finite_counts(exact, modular)
    if counts is None:
        return None
    return counts[0] if counts[0] is not None else counts[1]


_MAX_UNRESOLVED = 16
"""How many unproven points are examined (split starts, exact rational proofs) per solve."""


def _unproven(search: Search) -> list[RefinedPoint]:
    """Found points that are neither certified nor proven exactly, then singular samples (capped)."""
    points = [p for p in search.found.points if not p.proven] + list(search.singular.points)
    return points[:_MAX_UNRESOLVED]


def _resolve_missing(system: PolynomialSystem, search: Search, target: int | None, options: SolveOptions,
                     report: Progress, notes: list[str]) -> None:
    """Close the gap between the distinct count and the proven points, where possible.

    First, exact proofs at the unproven points that are rational (multiple points). Then near
    collisions: split starts around every unproven point, in ball arithmetic at a
    precision that resolves the separation (:func:`~algmorse.engine.clusters.split_cluster`).
    Then, if points are still missing, msolve's rational parametrization gives every solution
    to high precision (:func:`~algmorse.engine.exact.exact_points`). Every point either gives is
    certified before it is added. Appends what it did to ``notes`` (for the catalog's
    ``provenance.modular.status``); runs at most once per solve.
    """
    if target is None or search.proven >= target:
        return
    started = time.perf_counter()
    try:
        _resolve(system, search, target, options, report, notes)
    finally:
        search.seconds["resolve"] = search.seconds.get("resolve", 0.0) + time.perf_counter() - started


def _resolve(system: PolynomialSystem, search: Search, target: int, options: SolveOptions, report: Progress,
             notes: list[str]) -> None:
    """The steps of :func:`_resolve_missing`."""
    _prove_rational_points(system, search, report)
    if search.proven >= target:
        return
    started = time.perf_counter()
    split = 0
    for point in _unproven(search):
        for certified in split_cluster(system.balls, system.numeric, point.coordinates, real=point.is_real):
            split += search.add_certified_point(certified, point.is_real)
    if split:
        report(f"near collisions: split starts gave {split} new certified point(s)")
        notes.append(f"split starts gave {split} new certified points ({time.perf_counter() - started:.2f} s)")
    if search.proven >= target:
        return
    if "msolve" not in available_exact_tools():
        notes.append("parametrization skipped: msolve is not installed")
        return
    started = time.perf_counter()
    try:
        solutions = exact_points(system.sparse_gradient(), system.num_variables, timeout=options.proof_timeout,
                                 bits=_PARAMETRIZATION_BITS)
    except BackendError as exc:
        report(f"parametrization (msolve) failed: {exc}")
        notes.append(f"parametrization failed: {exc}")
        return
    added = sum(search.add_certified(point, PRECISIONS + (_PARAMETRIZATION_BITS,)) for point in solutions)
    notes.append(f"msolve's parametrization gave {len(solutions)} points, {added} new certified "
                 f"({time.perf_counter() - started:.2f} s)")
    report(f"parametrization (msolve): {len(solutions)} solutions, {added} new certified points")


def _prove_rational_points(system: PolynomialSystem, search: Search, report: Progress) -> None:
    """Exact proofs at the unproven points that are rational (:mod:`algmorse.engine.rational_points`).

    An isolated one becomes a proven point with its exact multiplicity; one on a
    positive-dimensional component leaves the point lists (it is not isolated) and joins
    ``search.non_isolated``, a proven degenerate critical point. Each point is tried once.
    """
    candidates = [p for p in _unproven(search) if not any(p is q for q in search.examined)]
    if not candidates or "singular" not in available_exact_tools():
        return
    search.examined.extend(candidates)
    started = time.perf_counter()
    gradient = system.sparse_gradient()
    on_components = search.non_isolated
    proven = 0
    for point in candidates:
        proof = prove_rational_point(gradient, point.coordinates)
        if proof is None:
            continue
        for points in (search.found, search.singular):
            if any(p is point for p in points.points):
                points.remove(point)
        if proof.dimension > 0:
            if proof not in on_components:
                on_components.append(proof)
            continue
        exact = np.array([float(c) for c in proof.coordinates], dtype=complex)
        proven += search.found.add(RefinedPoint(exact, True, relative_residual(system.numeric, exact), None, proof))
    spent = time.perf_counter() - started
    search.seconds["exact-points"] = search.seconds.get("exact-points", 0.0) + spent
    if proven or on_components:
        report(f"exact proofs at rational points: {proven} isolated, {len(on_components)} on a component "
               f"({spent:.2f} s)")


def _drop_doubtful(system: PolynomialSystem, search: Search, counts: tuple[int | None, int | None],
                   tolerances: Tolerances, report: Progress) -> int:
    """With a finite critical set (``counts``, over QQ or the primes), drop the points nothing can stand behind.

    When the proven points account for the whole count (distinct, or with multiplicity), no
    other point exists (unless both primes are unlucky): every unproven point (a cluster's
    midpoint, a sample of a near-curve) is dropped. Otherwise a singular sample is dropped
    unless numerically isolated (its local dual space closes): it would be a point of a
    positive-dimensional component, which the modular count excludes; the points kept are
    reported as undetermined. Returns how many were dropped.
    """
    with_multiplicity = sum(1 if p.certified is not None else p.exact.multiplicity for p in search.found.points
                            if p.proven)
    distinct, total = counts
    complete = (distinct is not None and search.proven == distinct) or with_multiplicity == total
    unproven = [p for p in search.found.points if not p.proven]
    dropped = 0
    if complete:
        for p in unproven:
            search.found.remove(p)
        dropped = len(unproven)
    kept = [] if complete else [p for p in search.singular.points
                                if classify_refined(system.numeric, p, tolerances).isolated]
    dropped += len(search.singular) - len(kept)
    if dropped:
        report(f"{dropped} doubtful endpoint(s) (neither certified nor proven) dropped: "
               + ("the proven points account for the whole count" if complete else
                  "the critical set is finite by the modular count"))
        search.singular.clear()
        for p in kept:
            search.singular.add(p)
    return dropped


def _modular_record(modular: ModularCount | None, note: str) -> dict:
    if modular is None:
        return {"status": note}
    return {"status": note, **asdict(modular), "primes": list(modular.primes)}


def _overlapping_boxes(refined: list) -> int:
    """How many certified points share their box with another (then not counted as distinct)."""
    pairs = disjoint_boxes([r.certified for r in refined if r.certified is not None])
    return len({i for pair in pairs for i in pair})


def _positive_dimensional(exact, modular) -> bool:
    """Whether exact algebra, or failing it the modular count, says the critical set has a component.

    Either asks for the decomposition even when the runs found no point at all (a critical set
    that is one surface has no isolated point for the runs to end at).
    """
    if exact is not None:
        return exact.dimension > 0
    return modular is not None and modular.dimension > 0


def _wants_decomposition(system, search: Search, options: SolveOptions, tolerances, root_counts, exact,
                         modular) -> bool:
    if options.decompose == "never":
        return False
    if options.decompose == "auto" and exact is None and modular is not None and modular.dimension == 0:
        return False  # finite by the modular count: any "component" would be a near-curve artefact
    if options.decompose == "always" or _positive_dimensional(exact, modular):
        return True
    if search.singular.points:
        return True
    points = classify_points(system, search.found.points, tolerances)
    if any(not p.nondegenerate for p in points):
        return True
    finite = (exact is not None and exact.dimension == 0) or len(points) == root_counts.get("total_degree")
    # Only a proven-complete point set lets "no component" turn the verdict into a proof.
    return not finite and search.bound_attained and system.num_variables <= options.decompose_max_variables


def _decompose(system, backend, search, seed, options, tolerances, root_counts, exact, modular, seconds, report,
               non_isolated):
    """Run the decomposition stage when wanted; a failure is recorded, never fatal.

    The rational points proven to lie on a component (``non_isolated``) are offered to every
    component as real points."""
    if not search.found.points and not search.singular.points and not _positive_dimensional(exact, modular) \
            and not non_isolated and options.decompose != "always":
        return DecompositionOutcome(), "not run"
    if not _wants_decomposition(system, search, options, tolerances, root_counts, exact, modular):
        return DecompositionOutcome(), "not run"
    decomposition_seed = derived_seeds(seed ^ 0x5EED, 1)[0]
    try:
        hints = [np.array([float(c) for c in p.coordinates]) for p in non_isolated]
        outcome = decompose(system, backend, search.found, search.singular, seed=decomposition_seed,
                            timeout=options.timeout, tolerances=tolerances, real_hints=hints)
    except BackendError as exc:
        report(f"decomposition failed: {exc}")
        return DecompositionOutcome(seed=decomposition_seed), f"failed: {exc}"
    seconds["decompose"] = outcome.seconds
    report(f"decomposition: {len(outcome.components)} positive-dimensional component(s), "
           f"{len(outcome.on_components)} found point(s) on them, {len(outcome.new_isolated)} new isolated point(s) "
           f"({outcome.seconds:.2f} s)")
    return outcome, "ok"


def _match_strata(system: PolynomialSystem, components: list[Component], strata: tuple[Stratum, ...]):
    """Attach each component to the smallest core-locus stratum containing all its witness points."""
    if not strata or not components:
        return components, strata
    matched: dict[tuple[int, ...], list[int]] = {s.zero_matrices: [] for s in strata}
    out = []
    for number, component in enumerate(components):
        best = None
        for stratum in sorted(strata, key=lambda s: -len(s.zero_matrices)):
            zero = [i for i, name in enumerate(system.variables) if _layer_of(name) in stratum.zero_matrices]
            points = np.array(component.witness_points)
            if len(points) and np.max(np.abs(points[:, zero])) <= 1e-8 * max(1.0, float(np.max(np.abs(points)))):
                best = stratum.zero_matrices
                break
        if best is not None:
            matched[best].append(number)
        out.append(replace(component, stratum=best))
    return out, tuple(replace(s, components=tuple(matched[s.zero_matrices])) for s in strata)


def _layer_of(name: str) -> int | None:
    """Layer of a weight parameter ``w{k}_{i}_{j}`` (``None`` for biases)."""
    return int(name[1:].split("_")[0]) if name.startswith("w") else None


def _verdict(points, components, root_counts, search, options, exact, note, no_points, modular, overlapping,
             doubtful, non_isolated, multiple, exact_set=None, problem=None, numerical_check=None) -> Verdict:
    """The typed evidence of this solve, decided in one place (:func:`~algmorse.analysis.verdict.decide`)."""
    failed = sum(r.error is not None for r in search.runs)
    if no_points:
        algebra = AlgebraicEvidence(level="exact", dimension=-1, count_with_multiplicity=0, count_distinct=0)
    elif exact is not None:
        algebra = AlgebraicEvidence(level="exact", dimension=exact.dimension,
                                    count_with_multiplicity=exact.count_with_multiplicity,
                                    count_distinct=exact.count_without_multiplicity)
    elif modular is not None:
        algebra = AlgebraicEvidence(level="modular", dimension=modular.dimension,
                                    count_with_multiplicity=modular.count_with_multiplicity,
                                    count_distinct=modular.count_distinct, rational_count=modular.rational_count,
                                    primes=modular.primes)
    else:
        algebra = None
    if multiple is not None and algebra is not None:
        algebra = replace(algebra, multiple=multiple)
    if exact_set is not None and algebra is not None:
        algebra = replace(algebra, isolated_distinct=exact_set.isolated_count)
    morse_bott = exact_set.morse_bott if exact_set is not None else None
    landscape = exact_set.landscape if exact_set is not None else None
    evidence = Evidence(
        points=points, components=components, algebra=algebra, overlapping=overlapping,
        non_isolated=tuple(non_isolated), morse_bott=morse_bott, coercive=_coercive(problem) if problem is not None else None,
        component_evidence=landscape, loss_lower_bound=_loss_lower_bound(problem) if problem is not None else None,
        numerical_check=None if numerical_check is None else tuple(numerical_check),
        search=SearchEvidence(root_counts=root_counts, stable=search.stable, stable_runs=options.stable_runs,
                              failed_runs=failed, doubtful=doubtful,
                              decomposition_clean=note == "ok" and not components),
    )
    return decide(evidence)


def _coercive(problem: Problem) -> bool | None:
    """True when the loss tends to infinity at infinity: a squared loss (non-negative) plus an L2 or
    generalized-L2 regularizer with positive strengths; None when not known (no such regularizer,
    or a function given as an expression, which may be unbounded below)."""
    regularizer = problem.regularizer
    if not isinstance(problem, NetworkProblem) or regularizer.kind not in ("l2", "generalized-l2"):
        return None
    strengths = regularizer.eps if isinstance(regularizer.eps, tuple) else (regularizer.eps,)
    return True if problem.scale > 0 and all(e is not None and e > 0 for e in strengths) else None


def _loss_lower_bound(problem: Problem) -> float | None:
    """0 for a network's squared loss with a regularizer that is non-negative on real points; None
    when not known (a function given as an expression, a polynomial regularizer)."""
    regularizer = problem.regularizer
    if not isinstance(problem, NetworkProblem) or regularizer.kind == "polynomial" or problem.scale < 0:
        return None
    strengths = regularizer.eps if isinstance(regularizer.eps, tuple) else (regularizer.eps,)
    return 0.0 if regularizer.kind == "none" or all(e is not None and e >= 0 for e in strengths) else None


def _exact_record(exact: ExactResult | None) -> dict | None:
    if exact is None:
        return None
    record = asdict(exact)
    record["components"] = [list(c) for c in exact.components] if exact.components is not None else None
    record["notes"] = list(exact.notes)
    return record


def _decomposition_record(outcome: DecompositionOutcome, note: str, exact_set: ExactCriticalSet | None,
                          numerical_check: list[str] | None = None) -> dict:
    record = {"status": note, "seed": outcome.seed, "components": len(outcome.components),
              "points_on_components": len(outcome.on_components), "new_isolated": len(outcome.new_isolated),
              "dropped_candidates": outcome.dropped_candidates, "dropped_components": outcome.dropped_components,
              "seconds": round(outcome.seconds, 4)}
    if exact_set is not None:  # the minimal primes over QQ, as exact algebra gave them
        record["primes"] = [{"dimension": p.dimension, "degree": p.degree,
                             "loss_polynomial": None if p.loss_polynomial is None else [str(c) for c in p.loss_polynomial]}
                            for p in exact_set.primes]
        record["isolated_count"] = exact_set.isolated_count
        record["unsliced"] = exact_set.unsliced
    if numerical_check is not None:  # the numerical decomposition ran beside it: how they differ ([]: they agree)
        record["numerical_check"] = list(numerical_check)
    return record


def _exact_first(system, options, tolerances, exact, modular, seed, seconds, report,
                 lower_bound) -> ExactCriticalSet | None:
    """The critical set from its exact decomposition, when it is positive-dimensional and Singular
    decomposes it within ``exact_timeout`` (:mod:`algmorse.analysis.exact_first`); else None, and
    homotopy continuation and the numerical decomposition take over."""
    if not _positive_dimensional(exact, modular) or options.decompose == "never" \
            or "singular" not in available_exact_tools() or "msolve" not in available_exact_tools():
        return None
    started = time.perf_counter()

    def critical_set() -> ExactCriticalSet:
        found = exact_critical_set(system, primes, tolerances, seed=derived_seeds(seed ^ 0xDEC0, 1)[0],
                                   timeout=options.exact_timeout, loss_lower_bound=lower_bound)
        seconds["decompose"] = time.perf_counter() - started
        return found

    def morse_bott() -> MorseBottTest | None:
        test = _morse_bott_test(system, primes, options, report)
        seconds["morse_bott"] = time.perf_counter() - tested
        return test

    try:
        primes = exact_decomposition(system.sparse_gradient(), system.num_variables, loss=system.sparse_loss(),
                                     timeout=options.exact_timeout)
        tested = time.perf_counter()  # the Morse-Bott tests need only the primes: they run alongside
        tasks = [critical_set, morse_bott] if system.is_gradient else [critical_set, lambda: None]
        found, test = processes.thread_map(lambda task: task(), tasks, workers=processes.SOLVER_THREADS)
    except BackendError as exc:
        report(f"exact decomposition failed ({exc}): homotopy continuation follows")
        return None
    report(f"exact decomposition: {len(found.components)} positive-dimensional component(s), "
           f"{found.isolated_count} isolated point(s) ({seconds['decompose']:.2f} s)")
    if system.is_gradient:
        found = replace(found, morse_bott=None if test is None else _morse_bott_evidence(test),
                        landscape=component_evidence(system, found, test))
    return found


def _morse_bott_test(system, primes, options, report) -> MorseBottTest | None:
    """The exact Morse-Bott tests on the minimal primes (time-boxed; None when out of time)."""
    try:
        return morse_bott_test(system.sparse_gradient(), system.num_variables, primes.components,
                               timeout=min(options.exact_timeout, _MORSE_BOTT_SECONDS))
    except BackendError as exc:
        report(f"Morse-Bott test: {exc}")
        return None


def _morse_bott_evidence(test: MorseBottTest) -> MorseBottEvidence:
    words = {"degenerate": "the Hessian below the codimension (a singular, shared or normally degenerate point) on "
                           "prime", "meeting": "primes meeting"}
    lines = tuple(f"{words[o.kind]} {', '.join(map(str, o.primes))} (a set of dimension {o.dimension}, "
                  f"{'with a real point' if o.real else 'no real point' if o.real is False else _unknown(o)})"
                  for o in test.obstructions)
    return MorseBottEvidence(complex_morse_bott=test.complex_morse_bott, morse_bott=test.morse_bott,
                             obstructions=lines)


def _unknown(obstruction) -> str:
    return "real points unknown" if obstruction.kind == "degenerate" else \
        "within a degenerate set above, real points not checked on their own"


def _component_mismatches(catalog: Catalog, exact: ExactResult) -> list[str]:
    """Compare a positive-dimensional catalog with exact algebra: dimension, then, when Singular's
    decomposition finished, the total degree in each dimension and the number of isolated points.

    A prime over QQ may split over CC (``x^2 - 2 y^2``), so degrees are compared per dimension as
    sums: a component split in two, a wrong degree, a missing or extra component, or a witness
    point taken for an isolated point all change one of these sums.
    """
    problems = []
    top = max((c.dimension for c in catalog.components), default=0)
    if top != exact.dimension:
        problems.append(f"largest component dimension found {top}, exact dimension {exact.dimension}")
    if exact.components is None:
        return problems
    for dimension in sorted({d for d, _ in exact.components} | {c.dimension for c in catalog.components}, reverse=True):
        if dimension == 0:
            continue
        found = sum(c.degree for c in catalog.components if c.dimension == dimension)
        want = sum(g for d, g in exact.components if d == dimension)
        if found != want:
            problems.append(f"components of dimension {dimension} have total degree {found}, exact {want}")
    isolated = sum(g for d, g in exact.components if d == 0)
    if len(catalog.critical_points) != isolated:
        problems.append(f"{len(catalog.critical_points)} isolated critical points found, exact {isolated} (isolated "
                        "primes of the decomposition)")
    return problems


def _verify(catalog: Catalog, exact: ExactResult) -> None:
    """Raise :class:`VerificationFailed` when the catalog disagrees with exact algebra."""
    problems = []
    points = catalog.critical_points
    if exact.dimension == 0:
        if exact.count_without_multiplicity is not None and len(points) != exact.count_without_multiplicity:
            problems.append(f"{len(points)} distinct critical points found, exact count {exact.count_without_multiplicity}")
        multiplicities = [p.multiplicity for p in points]
        if exact.count_with_multiplicity is not None and None not in multiplicities \
                and sum(multiplicities) != exact.count_with_multiplicity:
            problems.append(f"multiplicities add up to {sum(multiplicities)}, exact count with multiplicity "
                            f"{exact.count_with_multiplicity}")
        if exact.real_count is not None and catalog.summary.real != exact.real_count:
            problems.append(f"{catalog.summary.real} real critical points found, exact real count {exact.real_count}")
        if catalog.components:
            problems.append(f"{len(catalog.components)} positive-dimensional component(s) found, exact dimension 0")
    elif exact.dimension > 0:
        problems += _component_mismatches(catalog, exact)
    if problems:
        raise VerificationFailed(
            "numerical result disagrees with exact algebra: " + "; ".join(problems)
            + ". Try more runs (--max-runs), another seed, or report the case.",
            catalog,
        )
