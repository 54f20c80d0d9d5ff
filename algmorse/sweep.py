"""Parameter sweeps: one generic solve, then one parameter homotopy per value of the eps scale
(or per data set).

The loss's critical points at generic parameters of the family ``grad L + c * w`` are found once
(monodromy on the support strata, :mod:`algmorse.engine.monodromy`); every value ``s`` of the sweep is
the loss with its regularizer multiplied by ``s``, reached from them by one parameter homotopy
and then refined, certified, counted and classified by the same pipeline as ``algmorse solve``
(:func:`algmorse.analyze` with ``generic=``). Paths that fail (points escaping to infinity) or
merge (several generic points meeting in a multiple point: the exceptional strengths that
``algmorse discriminant`` finds) are counted per value.

Everything is checked before anything is written or solved: the values (with the spec's grammar
and limits), every target (as :func:`algmorse.analyze` checks a problem), the folder, and the
scheduler's address (connected to at once). Each value's catalog is written atomically to
``DIR/value-NNN.json`` as soon as it is finished, and ``DIR/summary.json`` is rewritten after
each; a sweep started again on the same directory, problem, values and seed reuses the finished
catalogs that check out and solves only the others (``summary.json`` is never read back). Values
run in worker processes (``jobs`` at a time, :mod:`algmorse.engine.workers`) or on a Dask cluster
(``scheduler="local"`` for a local one, or a scheduler address), see
:mod:`algmorse.engine.runners`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import math
import os
import time
from dataclasses import asdict, dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import numpy as np

from .engine.backends import get_backend
from .engine.family import StratumFamily
from .engine.monodromy import GenericSolution, NotInFamily, StratumRecord, solve_generic
from .engine.runners import Runner, open_runner
from .engine.strata import SupportStratum
from .errors import BackendCrashed, BackendTimeout, BackendUnavailable, CatalogError, SpecError
from .methods import stratum_families
from .model.expr import parse_rational
from .model.network import Dataset, NetworkProblem, Problem
from .model.options import SolveOptions
from .model.parameters import EPS_SCALE, ProblemParameter, problem_parameter, with_parameter
from .model.spec import MAX_DATA_SETS, problem_to_spec, validated_problem
from .model.system import PolynomialSystem, build_system
from .pipeline import checked_system
from .progress import Progress, ProgressBar
from .results.catalog import Catalog, dumps, load_catalog
from .results.fields import Fields, parse_json
from .results.fileio import read_limited, write_text_atomically

__all__ = ["SweepRow", "SweepResult", "Threshold", "parse_values", "parse_vary", "scaled_problem", "sweep"]


MAX_VALUES = MAX_DATA_SETS
"""Most values (eps scales) in one sweep; data sets have the same cap."""
_MAX_VALUES_TEXT = 1_000_000
_MAX_MANIFEST_BYTES = 16 * 2**20
_MAX_COUNT = 10**12


@dataclass(frozen=True, slots=True)
class SweepRow:
    """The counts at one value of the sweep (a row of ``summary.json``).

    Attributes
    ----------
    value : str
        The eps scale, as an exact rational (``"3/4"``), or the data set's number (``"2"``).
    isolated, real, minima, saddles, maxima : int
        Counts of the value's catalog.
    escaped, collided : int
        Tracked generic points whose path failed (escaping to infinity) or ended in an orbit
        another path reached (a collision: a multiple point).
    completeness : str
        The catalog's completeness level (``exact-count`` when the count is proven).
    catalog : str
        File name of the value's catalog in the sweep directory.
    seconds : float
    """

    value: str
    isolated: int
    real: int
    minima: int
    saddles: int
    maxima: int
    escaped: int
    collided: int
    completeness: str
    catalog: str
    seconds: float


@dataclass(frozen=True, slots=True)
class Threshold:
    """An exact exceptional value of the swept parameter (from :func:`algmorse.probes.discriminant.discriminant`).

    Attributes
    ----------
    value : float
        The real root (of ``polynomial``), or the middle of ``enclosure``.
    kind : {"collision", "positive-dimensional", "escape", "certified-fold"}
        Critical points merge there, a curve of critical points appears, or critical points
        escape to infinity (the count drops without a degenerate point); or (when the exact
        elimination is out of reach) two real critical points meet in a fold, proven by an
        interval certificate (:mod:`algmorse.probes.folds`).
    polynomial : str
        The irreducible factor over QQ whose root it is ("" for a certified fold).
    enclosure : (float, float) or None
        For a certified fold: an interval proven to contain the value.
    line : (str, str) or None
        On a grid: the other parameter's name and fixed value (the threshold is a value of the
        varied one along that line); None for a one-parameter sweep.
    """

    value: float
    kind: str
    polynomial: str
    enclosure: tuple[float, float] | None = None
    line: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class SweepResult:
    """A finished sweep: the generic count, one row per value (in order), the directory, and what
    was swept (``"eps scale"``, ``"data set"``, or the varied names).

    Attributes
    ----------
    generic_count : int
    rows : tuple of SweepRow
        For a 2-D grid (two ``--vary`` axes), row-major: the second axis varies fastest, and each
        row's ``value`` is ``"a,b"``.
    directory : Path
    parameter : str
    axes : tuple of (str, tuple of str)
        Each varied name and its values (empty for eps-scale and data-set sweeps).
    thresholds : tuple of Threshold or None
        The real exceptional values of a one-parameter sweep: exactly (every real root, also
        outside the swept range), or, when the elimination is out of reach, the folds of real
        critical points proven between samples whose counts differ (not necessarily all of
        them); None when neither was computed (see ``thresholds_note``).
    thresholds_note : str
        How the thresholds were computed, or why not.
    """

    generic_count: int
    rows: tuple[SweepRow, ...]
    directory: Path
    parameter: str = "eps scale"
    axes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    thresholds: tuple[Threshold, ...] | None = None
    thresholds_note: str = ""

    @property
    def exceptional(self) -> tuple[str, ...]:
        """Values whose count differs from the generic count or where paths escaped or collided."""
        return tuple(r.value for r in self.rows if r.isolated != self.generic_count or r.escaped or r.collided)


def parse_values(text: str, *, field: str = "--eps-scale", positive: bool = True) -> tuple[Fraction, ...]:
    """Values of a sweep: ``"START:STOP:N"`` (N evenly spaced, both ends included) or ``"a,b,c"``.

    Rationals and decimals are allowed (``"1/2:2:20"``, ``"0.5,1,1.5"``); with ``positive``
    every value must be positive (an eps scale multiplies the regularizer's strengths).

    Raises
    ------
    SpecError
        Naming ``field`` and the accepted forms.

    Examples
    --------
    >>> [str(v) for v in parse_values("1/2:2:4")]
    ['1/2', '1', '3/2', '2']
    >>> [str(v) for v in parse_values("0.5, 3")]
    ['1/2', '3']
    """
    hint = (f'Give "START:STOP:N" (e.g. "1/2:2:20") or a comma-separated list of '
            f'{"positive " if positive else ""}rationals.')
    if len(text) > _MAX_VALUES_TEXT:
        raise SpecError(field, f"the text has {len(text)} characters, more than {_MAX_VALUES_TEXT}.", hint)
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise SpecError(field, f"cannot read {_short(text)!r}.", hint)
        start, stop = (parse_rational(part, field=field) for part in parts[:2])
        count = parts[2].strip()
        if not count.isdigit() or not 2 <= int(count[:6]) <= MAX_VALUES or len(count) > 6:
            raise SpecError(field, f"N must be an integer in 2..{MAX_VALUES}, got {_short(count)!r}.", hint)
        n = int(count)
        values = tuple(start + (stop - start) * k / (n - 1) for k in range(n))
    else:
        parts = text.split(",")
        if len(parts) > MAX_VALUES:
            raise SpecError(field, f"{len(parts)} values; at most {MAX_VALUES} are accepted.", hint)
        values = tuple(parse_rational(part, field=field) for part in parts)
    if positive and any(v <= 0 for v in values):
        raise SpecError(field, f"every value must be a positive rational, got {_short(text)!r}.", hint)
    if len(set(values)) != len(values):
        raise SpecError(field, f"the values repeat in {_short(text)!r}.", hint)
    return values


def parse_vary(text: str) -> tuple[str, tuple[Fraction, ...]]:
    """One ``--vary`` axis: ``"NAME=START:STOP:N"`` or ``"NAME=a,b,c"`` (see :func:`parse_values`).

    The name is checked against the problem later (:func:`sweep`); values may be negative here
    (a data value), a strength or scale refuses them then.

    Examples
    --------
    >>> name, values = parse_vary("eps_2=1/10:3/10:3")
    >>> name, [str(v) for v in values]
    ('eps_2', ['1/10', '1/5', '3/10'])
    """
    name, equals, values = text.partition("=")
    if not equals or not name.strip():
        raise SpecError("--vary", f"cannot read {_short(text)!r}.",
                        'Give NAME=START:STOP:N or NAME=A,B,..., e.g. "eps_2=1/20:1/2:10" or "x_1_1=-1,0,1".')
    return name.strip(), parse_values(values, field=f"--vary {_short(name.strip(), 20)}", positive=False)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def scaled_problem(problem: Problem, scale: Fraction) -> Problem:
    """The problem with every regularization strength multiplied by ``scale``.

    Raises
    ------
    SpecError
        If the regularizer is ``none`` (nothing to scale) or its strengths are not drawn yet.
    """
    regularizer = problem.regularizer
    if regularizer.kind == "none":
        raise SpecError("regularizer.kind", "the problem has no regularizer, so its eps scale cannot be swept.",
                        "Add a regularizer (l2, generalized-l2, multiplicative or polynomial).")
    if regularizer.eps is None:
        raise SpecError("regularizer.eps", "random strengths must be drawn before scaling.",
                        "Call Regularizer.resolved(n, seed) first (sweep does this).")
    eps = regularizer.eps
    scaled = tuple(e * scale for e in eps) if isinstance(eps, tuple) else eps * scale
    return replace(problem, regularizer=replace(regularizer, eps=scaled))


_RESUMABLE_OPTIONS = ("seed", "jobs", "timeout", "exact_timeout", "proof_timeout")
"""Options a resumed sweep may change: the seed is fingerprinted on its own; the others change how
long or how wide a solve runs, not what a finished catalog says."""


def _fingerprint(targets: Sequence[tuple[str, Problem]], seed: int, options: SolveOptions) -> str:
    """What a sweep is: its targets, its seed, and the options that change its catalogs."""
    settings = {k: v for k, v in asdict(options).items() if k not in _RESUMABLE_OPTIONS}
    text = json.dumps({"targets": [[label, problem_to_spec(p)] for label, p in targets], "seed": seed,
                       "options": settings}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _file_name(index: int) -> str:
    return f"value-{index:03d}.json"


def _row(label: str, name: str, catalog: Catalog, seconds: float) -> tuple[SweepRow, int | None] | None:
    """The catalog's row, and the generic count it was solved from (None: solved on its own).

    None when its record of the generic solve does not check out (a tampered or foreign
    catalog: the value is then solved again).
    """
    summary, monodromy = catalog.summary, catalog.provenance.monodromy or {}
    counts = {key: monodromy.get(key, default) for key, default in (("escaped", 0), ("collided", 0),
                                                                     ("generic_count", None))}
    if not all(value is None or _is_count(value) for value in counts.values()):
        return None
    row = SweepRow(value=label, isolated=summary.isolated, real=summary.real, minima=summary.minima,
                   saddles=summary.saddles, maxima=summary.maxima, escaped=counts["escaped"] or 0,
                   collided=counts["collided"] or 0, completeness=catalog.verdict.completeness, catalog=name,
                   seconds=round(seconds, 4))
    return row, counts["generic_count"]


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_COUNT


def _finished(directory: Path, index: int, label: str, target: Problem,
              seed: int) -> tuple[SweepRow, int | None] | None:
    """The row and generic count of an existing catalog for this target and seed, if it is one
    (else None: solve again)."""
    path = directory / _file_name(index)
    if not path.is_file():
        return None
    try:
        catalog = load_catalog(path)
    except CatalogError:
        return None
    if problem_to_spec(catalog.problem) != problem_to_spec(target) or catalog.provenance.seed != seed:
        return None
    return _row(label, path.name, catalog, sum(catalog.provenance.seconds.values()))


def base_system(problems: Sequence[Problem], weights: Sequence[Fraction]) -> PolynomialSystem:
    """The system of ``sum_k weights[k] * L_k`` (same network; e.g. one loss per data set).

    Every target ``L_k`` is then a member of the linear family ``sum_k a_k grad L_k + c * w``,
    at whose generic member (random positive weights, generic ``c``) the sweep's generic points
    are computed, so that one parameter homotopy reaches every isolated critical point of each
    target. Symmetries are those verified for every ``L_k``.
    """
    systems = [build_system(p) for p in problems]
    if len(systems) == 1 and weights[0] == 1:
        return systems[0]
    ring = systems[0].ring
    loss = ring.zero
    for system, weight in zip(systems, weights):
        loss += system.loss * ring.domain.convert(Fraction(weight))
    gradient = tuple(loss.diff(x) for x in ring.gens)
    hessian = tuple(tuple(g.diff(x) for x in ring.gens) for g in gradient)
    symmetries = tuple(g for g in systems[0].symmetries if all(g in s.symmetries for s in systems[1:]))
    return PolynomialSystem(systems[0].variables, ring, loss, gradient, hessian, symmetries)


@dataclass(frozen=True)
class _Task:
    """Everything a worker needs to solve one target (picklable: no sympy rings)."""

    target: Problem
    base: tuple[Problem, ...]
    weights: tuple[Fraction, ...]
    options: SolveOptions
    strata: tuple[SupportStratum, ...]
    offsets: tuple[tuple[Fraction, ...] | None, ...]
    parameters: tuple[np.ndarray, ...]
    points: tuple[np.ndarray, ...]
    records: tuple[StratumRecord, ...]
    total: int | None


def solve_value(task: _Task) -> tuple[str, float]:
    """Solve one target of a sweep (runs in a worker): returns (catalog JSON, seconds)."""
    started = time.perf_counter()
    base = base_system(task.base, task.weights)
    generic = GenericSolution([StratumFamily(base, s, offset=o) for s, o in zip(task.strata, task.offsets)],
                              list(task.parameters),
                              list(task.points), list(task.records), task.total)
    catalog = _analyze(task.target, task.options, generic)
    return dumps(catalog), time.perf_counter() - started


def _analyze(problem: Problem, options: SolveOptions, generic: GenericSolution) -> Catalog:
    from .pipeline import analyze

    try:
        return analyze(problem, options=options, generic=generic, progress_bar=False)
    except NotInFamily:  # a stratum not invariant at this target: solve it on its own
        return analyze(problem, options=options, progress_bar=False)


def sweep(problem: Problem, values: Sequence[Fraction] | None, directory: str | os.PathLike, *,
          data_sets: Sequence[Dataset] | None = None, vary: Sequence[tuple[str, Sequence[Fraction]]] | None = None,
          options: SolveOptions = SolveOptions(), scheduler: str | None = None, progress: Progress | None = None,
          progress_bar: bool = True, discriminant_timeout: float | None = 60.0) -> SweepResult:
    """Solve the loss at every value of the eps scale, of one or two named parameters, or on every
    data set, from one generic solve.

    Parameters
    ----------
    problem : NetworkProblem or FunctionProblem
        With a regularizer when ``values`` are given (its strengths are multiplied by each).
    values : sequence of Fraction or None
        Positive eps scales (see :func:`parse_values`); None with ``data_sets`` or ``vary``.
    directory : path-like
        Created if needed; receives ``value-NNN.json`` per value, ``summary.json``,
        ``sweep.json`` (what the sweep is, for resuming) and ``counts.png``.
    data_sets : sequence of Dataset, optional
        Instead of values: the network's loss on each data set (rows labelled 1, 2, ...). The
        generic points are those of a random positive combination of the data sets' losses.
    vary : sequence of (str, sequence of Fraction), optional
        Instead of values: one or two named numbers of the problem and their values (names of
        :func:`algmorse.model.parameters.parameter_names`: ``eps``, ``eps_J``, ``scale``,
        ``x_I_K``, ``y_I_K``); two make a grid (rows labelled ``"a,b"``). The generic points are
        those of the problem with each varied number at a random rational value in its range.
    options : SolveOptions
        As for :func:`algmorse.analyze`; ``jobs`` values are solved at once (each with one
        tracking worker), ``seed`` fixes everything (drawn and recorded when None).
    scheduler : str, optional
        ``None``: local worker processes. ``"local"``: a Dask local cluster with ``jobs``
        workers. Otherwise the address of a Dask scheduler (``"tcp://host:8786"``).
    progress : callable, optional
        Receives one line per finished stage and value. Default: the ``algmorse.sweep`` logger
        at level INFO.
    progress_bar : bool
        A bar of the values solved, on a terminal or in Jupyter (never in a log or a pipe).
    discriminant_timeout : float or None
        Seconds for the exact exceptional values of a one-parameter sweep (eps scale or one
        ``vary`` axis; :func:`algmorse.probes.discriminant.discriminant`, Singular), drawn on
        ``counts.png`` and written to ``summary.json``; None to skip. A timeout, or no Singular,
        leaves them out with a note, never fails the sweep.

    Returns
    -------
    SweepResult

    Raises
    ------
    SpecError
        If the problem has no regularizer (eps scale), the values are invalid (also: a target
        the backend cannot read, such as a strength beyond double precision), both or neither
        of ``values`` and ``data_sets`` are given, the directory cannot take the sweep or holds
        a different one, or the scheduler cannot be reached. Nothing is written then.

    Notes
    -----
    Files read on resuming are checked, never trusted: a value's catalog is reused only when it
    loads as a catalog, is of the same target and seed, and records the generic solve it came
    from; ``summary.json`` is only written. When no finished catalog vouches for the generic
    count, the generic solve runs again.
    """
    report = progress or logging.getLogger(__name__).info
    seed = options.seed if options.seed is not None else int(np.random.SeedSequence().entropy % (2**31 - 2)) + 1
    problem = replace(problem, regularizer=problem.regularizer.resolved(len(problem.variables), seed))
    targets, base, weights, axes = _targets(problem, values, data_sets, vary, seed)
    directory = _output_folder(directory)
    fingerprint = _fingerprint(targets, seed, options)
    _refuse_another_sweep(directory, fingerprint)
    options = replace(options, seed=seed)
    finished = {i: found for i, (label, target) in enumerate(targets)
                if (found := _finished(directory, i, label, target, seed)) is not None}
    recorded = {generic for _, generic in finished.values() if generic is not None}
    solve_all = len(recorded) != 1 or len(finished) < len(targets)
    with open_runner(scheduler, options.jobs, needed=solve_all) as run:  # connects before anything is written
        directory.mkdir(parents=True, exist_ok=True)
        write_text_atomically(directory / "sweep.json", json.dumps(
            {"fingerprint": fingerprint, "seed": seed, "values": [label for label, _ in targets]}, indent=1),
            error=lambda message: SpecError("-o/--output", message))
        generic = _solve_generic(problem, base, weights, options, report) if solve_all else None
        generic_count = generic.count if generic is not None else recorded.pop()
        rows = {i: row for i, (row, count) in finished.items() if count in (None, generic_count)}
        if rows:
            report(f"resuming: {len(rows)} of {len(targets)} values already solved")
        if generic is not None:
            _solve_values(targets, rows, directory, generic, base, weights, options, run, report, progress_bar)
    swept = ("data set" if data_sets is not None else "eps scale" if values is not None
             else ", ".join(p.name for p, _ in axes))
    thresholds, note = _thresholds(problem, values, axes, seed, discriminant_timeout, report)
    ordered = [rows[i] for i in range(len(targets))]
    if thresholds is None and discriminant_timeout is not None and (values is not None or len(axes) == 1):
        thresholds, note = _certified(problem, EPS_SCALE if values is not None else axes[0][0], ordered, directory,
                                      note, report)
    elif discriminant_timeout is not None and len(axes) == 2:
        thresholds, note = _certified_on_grid(problem, axes, ordered, directory, report)
    result = SweepResult(generic_count, tuple(rows[i] for i in range(len(targets))), directory, swept,
                         tuple((p.name, tuple(str(v) for v in vs)) for p, vs in axes), thresholds, note)
    _write_summary(directory, generic_count, len(targets), rows, result)
    _plot(result, problem)
    return result


def _solve_generic(problem: Problem, base: tuple[Problem, ...], weights: tuple[Fraction, ...],
                   options: SolveOptions, report: Progress) -> GenericSolution:
    started = time.perf_counter()
    system = base_system(base, weights)
    families = stratum_families(problem, system, options.seed)
    generic = solve_generic(families, get_backend(options.backend), seed=options.seed, jobs=options.jobs,
                            quiet_loops=max(3, options.stable_runs), timeout=options.timeout,
                            count_timeout=options.proof_timeout, counts=options.proof == "auto", report=report)
    report(f"generic solve: {generic.count} points ({'complete' if generic.complete else 'not proven complete'}, "
           f"{time.perf_counter() - started:.1f} s)")
    return generic


def _solve_values(targets: list[tuple[str, Problem]], rows: dict[int, SweepRow], directory: Path,
                  generic: GenericSolution, base: tuple[Problem, ...], weights: tuple[Fraction, ...],
                  options: SolveOptions, run: Runner, report: Progress, progress_bar: bool) -> None:
    """Solve every target without a row, writing its catalog and the summary as each finishes."""
    pending = [i for i in range(len(targets)) if i not in rows]
    inner = replace(options, jobs=1) if len(pending) > 1 else options
    tasks = {i: _Task(targets[i][1], base, weights, inner, tuple(f.stratum for f in generic.families),
                      tuple(f.offset for f in generic.families),
                      tuple(generic.parameters), tuple(generic.points), tuple(generic.records), generic.total)
             for i in pending}
    solving = time.perf_counter()
    with ProgressBar("sweep", len(targets), unit="values", enabled=progress_bar) as bar:
        bar.update_to(len(rows))
        for solved, (index, (text, seconds)) in enumerate(run(solve_value, tasks), 1):
            name = _file_name(index)
            write_text_atomically(directory / name, text, error=CatalogError)
            catalog = load_catalog(directory / name)
            found = _row(targets[index][0], name, catalog, seconds)
            if found is None:
                raise CatalogError(f"{directory / name}: the catalog's record of the generic solve is malformed.")
            rows[index] = found[0]
            _write_summary(directory, generic.count, len(targets), rows)
            bar.update_to(len(rows))
            left = (time.perf_counter() - solving) / solved * (len(pending) - solved)
            report(f"value {targets[index][0]}: {catalog.summary.isolated} points ({catalog.summary.real} real), "
                   f"{rows[index].escaped} escaped, {rows[index].collided} collided, "
                   f"{catalog.provenance.paths_tracked} paths; {len(rows)}/{len(targets)} done, about {left:.0f} s left")


def _output_folder(directory: str | os.PathLike) -> Path:
    """The sweep's folder, checked (not created) before anything runs."""
    text = os.fspath(directory)
    hint = "Give a folder name (created if needed), e.g. sweep-out/."
    if not text.strip():
        raise SpecError("-o/--output", "the folder name is empty.", hint)
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise SpecError("-o/--output", f"{folder} is not a folder; the sweep writes a folder of catalogs.", hint)
    existing = next((f for f in (folder, *folder.parents) if f.exists()), Path("."))
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise SpecError("-o/--output", f"the folder {existing} is not writable.", "Choose another folder.")
    return folder


def _refuse_another_sweep(directory: Path, fingerprint: str) -> None:
    """Refuse a folder whose ``sweep.json`` is not this sweep's (or cannot be read as one)."""
    manifest = directory / "sweep.json"
    if not manifest.exists():
        return
    try:
        data = parse_json(read_limited(manifest, _MAX_MANIFEST_BYTES, error=CatalogError, what="sweep manifest"),
                          str(manifest))
        previous = Fields(data, "", str(manifest)).text("fingerprint")
    except CatalogError:
        previous = None
    if previous != fingerprint:
        raise SpecError("-o/--output", f"{directory} holds another sweep (other problem, values, seed or options), "
                        "or a sweep.json that cannot be read.",
                        "Choose a new directory, or repeat the original command (same spec, values, seed and options) "
                        "to resume it.")


_Axes = list[tuple[ProblemParameter, tuple[Fraction, ...]]]


def _targets(problem: Problem, values: Sequence[Fraction] | None, data_sets: Sequence[Dataset] | None,
             vary: Sequence[tuple[str, Sequence[Fraction]]] | None, seed: int,
             ) -> tuple[list[tuple[str, Problem]], tuple[Problem, ...], tuple[Fraction, ...], _Axes]:
    """The labelled target problems, the problems and weights of the generic family's base, and
    the varied axes.

    Every target is checked as :func:`algmorse.analyze` would check it, so that a sweep refuses
    a bad value before it writes or solves anything.
    """
    if sum(given is not None for given in (values, data_sets, vary)) != 1:
        raise SpecError("--eps-scale/--vary/--data-sets", "give exactly one of eps-scale values, varied parameters "
                        "or data sets.", 'e.g. --eps-scale 1/2:2:20, --vary eps_2=1/20:1/2:10, or --data-sets sets.toml.')
    axes: _Axes = []
    if vary is not None:
        targets, base = _grid(problem, vary, seed)
        axes = [(problem_parameter(problem, name), tuple(vs)) for name, vs in vary]
        weights = (Fraction(1),)
    elif values is not None:
        values = tuple(parse_rational(v, field="--eps-scale") for v in values)
        if not values or len(values) > MAX_VALUES or any(v <= 0 for v in values) or len(set(values)) != len(values):
            raise SpecError("--eps-scale", f"give 1 to {MAX_VALUES} distinct positive values.", 'e.g. "1/2:2:20".')
        scaled_problem(problem, Fraction(1))  # refuse "none" before anything runs
        targets = [(str(v), scaled_problem(problem, v)) for v in values]
        base, weights = (problem,), (Fraction(1),)
    else:
        if not isinstance(problem, NetworkProblem) or not data_sets:
            raise SpecError("--data-sets", "data sets need a network problem and at least one data set.")
        if len(data_sets) > MAX_DATA_SETS:
            raise SpecError("--data-sets", f"{len(data_sets)} data sets; at most {MAX_DATA_SETS} are accepted.")
        targets = [(str(k), validated_problem(replace(problem, data=d))) for k, d in enumerate(data_sets, 1)]
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
        weights = tuple(Fraction(int(rng.integers(1, 1000)), 97) for _ in targets)
        base = tuple(p for _, p in targets)
    for label, target in targets:
        try:
            checked_system(target)
        except SpecError as error:
            field, what = (("--eps-scale", "eps scale") if values is not None else ("--vary", "value") if vary is not None
                           else ("--data-sets", "data set"))
            raise SpecError(field, f"at {what} {_short(label)}: {error.message}", error.hint) from None
    return targets, base, weights, axes


def _grid(problem: Problem, vary: Sequence[tuple[str, Sequence[Fraction]]], seed: int,
          ) -> tuple[list[tuple[str, Problem]], tuple[Problem, ...]]:
    """The targets of one or two varied parameters (a grid, the last axis fastest), and the base:
    the problem with each parameter at a random rational strictly inside its range (generic on
    the swept line or plane, so that no swept value is special to the generic solve)."""
    if not 1 <= len(vary) <= 2:
        raise SpecError("--vary", f"{len(vary)} varied parameters; give one (a line) or two (a grid).")
    parameters = [problem_parameter(problem, name) for name, _ in vary]
    if len({p.name for p in parameters}) != len(parameters):
        raise SpecError("--vary", "the same parameter is varied twice.", "Vary two different parameters for a grid.")
    sizes = [len(vs) for _, vs in vary]
    if not all(sizes) or math.prod(sizes) > MAX_VALUES:
        raise SpecError("--vary", f"{' x '.join(map(str, sizes))} values; give 1 to {MAX_VALUES} in all.")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x7A4E]))
    base = problem
    for parameter, (_, vs) in zip(parameters, vary):
        low, high = min(vs), max(vs)
        if low == high:
            low, high = (low / 2, low * 3 / 2) if low > 0 else (low - 1, low + 1)
        base = _set(base, parameter, low + (high - low) * Fraction(int(rng.integers(1, 997)), 997))
    targets = []
    for point in itertools.product(*(vs for _, vs in vary)):
        target = problem
        for parameter, value in zip(parameters, point):
            target = _set(target, parameter, value)
        targets.append((",".join(str(Fraction(v)) for v in point), target))
    return targets, (base,)


def _set(problem: Problem, parameter: ProblemParameter, value: Fraction) -> Problem:
    """:func:`~algmorse.model.parameters.with_parameter`, with errors naming ``--vary``."""
    try:
        return with_parameter(problem, parameter, value)
    except SpecError as error:
        raise SpecError("--vary", f"{parameter.name} = {value}: {error.message}", error.hint) from None


def _thresholds(problem: Problem, values: Sequence[Fraction] | None, axes: _Axes, seed: int,
                timeout: float | None, report: Progress) -> tuple[tuple[Threshold, ...] | None, str]:
    """The exact real exceptional values of a one-parameter sweep, and a note on how (or why not)."""
    from .probes.discriminant import discriminant

    if values is None and len(axes) != 1:
        return None, "exact values not computed (only for a sweep along one parameter)"
    if timeout is None:
        return None, "not computed (switched off)"
    name = EPS_SCALE.name if values is not None else axes[0][0].name
    started = time.perf_counter()
    try:
        found = discriminant(problem, seed=seed, timeout=timeout, parameter=name)
    except (BackendUnavailable, BackendTimeout, BackendCrashed, SpecError, RuntimeError) as error:
        note = f"not computed: {str(error).split('. ')[0]}"  # the first sentence says why
        report(f"exact exceptional values of {name}: {note}")
        return None, note
    if found.all_eps:
        note = f"every value of {name} is exceptional (the discriminant vanishes identically)"
        report(f"exact exceptional values of {name}: {note}")
        return (), note
    thresholds = [Threshold(z.real, f.kind, f.polynomial(name)) for f in found.factors for z in f.roots if z.imag == 0]
    thresholds += [Threshold(value, "escape", text) for value, text in found.real_escapes]
    thresholds.sort(key=lambda t: t.value)
    note = (f"exact (Singular elimination, {time.perf_counter() - started:.1f} s): {len(thresholds)} real "
            f"exceptional values of {name}")
    report(f"{note}: " + ", ".join(f"{t.value:.6g} ({t.kind})" for t in thresholds) if thresholds else note)
    return tuple(thresholds), note


def _certified(problem: Problem, parameter: ProblemParameter, rows: list[SweepRow], directory: Path, note: str,
               report: Progress) -> tuple[tuple[Threshold, ...] | None, str]:
    """Folds of real critical points proven between neighbouring samples whose counts differ
    (:func:`algmorse.probes.folds.certified_thresholds`), started from both samples' real points."""
    started = time.perf_counter()
    found = _folds_along(problem, parameter, [(Fraction(r.value), r) for r in rows], directory)
    if not found:
        return None, f"{note}; no fold of real critical points was certified between the samples"
    summary = (f"certified by interval arithmetic ({time.perf_counter() - started:.1f} s): {len(found)} fold(s) of "
               f"real critical points of {parameter.name}, each value enclosed in a proven interval; other exceptional "
               f"values may exist (exact elimination {note})")
    report(f"{summary}: " + ", ".join(f"{t.value:.12g}" for t in found))
    return tuple(found), summary


def _folds_along(problem: Problem, parameter: ProblemParameter, samples: list[tuple[Fraction, SweepRow]],
                 directory: Path, line: tuple[str, str] | None = None) -> list[Threshold]:
    """The certified folds between neighbouring samples ``(value, row)`` of one line whose counts differ."""
    from .probes.folds import certified_thresholds

    keys = ("isolated", "real", "minima", "saddles", "maxima")
    ordered = sorted(samples, key=lambda sample: sample[0])
    found: list[Threshold] = []
    for (a, left), (b, right) in zip(ordered, ordered[1:]):
        if all(getattr(left, k) == getattr(right, k) for k in keys):
            continue
        starts = [(value, [np.asarray(p.coordinates).real for p in
                           load_catalog(directory / row.catalog).critical_points if p.is_real])
                  for value, row in ((a, left), (b, right))]
        found += [Threshold(t.value, "certified-fold", "", (t.low, t.high), line)
                  for t in certified_thresholds(problem, parameter, starts, interval=(float(a), float(b)))]
    return found


def _certified_on_grid(problem: Problem, axes: _Axes, rows: list[SweepRow], directory: Path,
                       report: Progress) -> tuple[tuple[Threshold, ...] | None, str]:
    """Certified folds along every line of a grid (each parameter varied, the other fixed at a
    sample): points of the exceptional curves, each proven (not the whole curves)."""
    started = time.perf_counter()
    (first, first_values), (second, second_values) = axes
    cells = {(Fraction(a), Fraction(b)): row for row in rows for a, b in [row.value.split(",")]}
    found: list[Threshold] = []
    for fixed, varied, fixed_values, position in ((first, second, first_values, 0), (second, first, second_values, 1)):
        for value in fixed_values:
            samples = [(key[1 - position], row) for key, row in cells.items() if key[position] == value]
            line_problem = with_parameter(problem, fixed, value)
            found += _folds_along(line_problem, varied, samples, directory, (fixed.name, str(value)))
    note = (f"certified by interval arithmetic along the grid's lines ({time.perf_counter() - started:.1f} s): "
            f"{len(found)} fold(s) of real critical points, each a proven point of an exceptional curve (not the "
            "whole curves; exact curves are not computed for a grid)")
    report(note)
    return tuple(found), note


def _write_summary(directory: Path, generic_count: int, count: int, rows: dict[int, SweepRow],
                   result: SweepResult | None = None) -> None:
    """``summary.json``: the rows so far; with the finished ``result``, also what was swept and
    the exact thresholds."""
    ordered = [asdict(rows[i]) for i in range(count) if i in rows]
    summary: dict = {"generic_count": generic_count, "rows": ordered}
    if result is not None:
        summary.update(parameter=result.parameter, axes=[{"name": n, "values": list(vs)} for n, vs in result.axes],
                       thresholds=None if result.thresholds is None else [asdict(t) for t in result.thresholds],
                       thresholds_note=result.thresholds_note)
    write_text_atomically(directory / "summary.json", json.dumps(summary, indent=1))


def _plot(result: SweepResult, problem: Problem) -> None:
    """``counts.png``: counts by type against the swept parameter (steps, exceptional values and
    exact thresholds marked), or, for a grid of two, one map of counts per type."""
    from .results.plot import _describe_problem, save_figure, sweep_figure, sweep_map_figure

    if not result.rows:
        return
    keys = ("isolated", "real", "minima", "saddles", "maxima")
    title = (f"{_describe_problem(problem)}\n{result.parameter} swept; generic count {result.generic_count}, "
             f"{len(result.rows)} values")
    if len(result.axes) == 2:
        (x_name, xs), (y_name, ys) = result.axes
        by_value = {r.value: r for r in result.rows}
        counts = {key: [[getattr(by_value[f"{a},{b}"], key) if f"{a},{b}" in by_value else None for b in ys]
                        for a in xs] for key in keys}
        points = [(float(Fraction(t.line[1])), t.value) if t.line[0] == x_name else (t.value, float(Fraction(t.line[1])))
                  for t in result.thresholds or () if t.line is not None]
        figure = sweep_map_figure([float(Fraction(a)) for a in xs], [float(Fraction(b)) for b in ys], counts,
                                  xlabel=x_name, ylabel=y_name, title=title, points=points)
    else:
        x = [float(Fraction(r.value)) for r in result.rows]
        counts = {key: [getattr(r, key) for r in result.rows] for key in keys}
        inside = [t for t in result.thresholds or () if min(x) <= t.value <= max(x)]
        marks = [(t.value, f"{t.value:.6g}" + (" (certified fold)" if t.enclosure else " (exact)")) for t in inside]
        marks += [(float(Fraction(v)), "exceptional") for v in result.exceptional
                  if not any(abs(float(Fraction(v)) - t.value) <= 1e-9 * max(1.0, abs(t.value)) for t in inside)]
        inside = [t.value for t in inside]
        figure = sweep_figure(x, counts, xlabel=result.parameter, ylabel="critical points", marks=marks, step=True,
                              title=title, thresholds=inside)
    save_figure(figure, result.directory / "counts.png")
