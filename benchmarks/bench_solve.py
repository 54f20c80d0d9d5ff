"""Benchmark: algmorse against PHCpack's plain blackbox solver, next to the exact counts.

Usage::

    python benchmarks/bench_solve.py [--quick | --full] [--seed N] [--cases a,b,...]
                                     [--timeout SECONDS] [--analyze-timeout SECONDS]

For every problem the script runs

* ``algmorse.analyze`` with the case's solve options and the given seed (repeated backend runs,
  Newton refinement, deduplication, the decomposition stage when it is wanted, classification,
  completeness statement), timed as one wall-clock call in a forked child, and
* what a user gets from ``phcpy.solver.solve(pols)`` on the same gradient system: one call with
  ``verbose=True`` (``verbose=False`` returns nothing in phcpy 1.1.2), in a child process that
  sees only ``phcpy`` on its ``PYTHONPATH`` and writes nothing to the terminal. Its solutions are
  only cleaned the way a user would: non-finite ones dropped, coordinates compared within a
  relative 1e-6.

It prints one table with both results and the exact number of isolated critical points (from
the fixture library, Singular, or a hand derivation), then a table of ``build_system`` timings
for larger networks. See ``benchmarks/README.md`` for measured numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

from algmorse import analyze
from algmorse.engine.backends.phcpack import (
    format_system,
    locate_phcpy,
    select_interpreter,
    variable_names,
)
from algmorse.errors import AlgmorseError
from algmorse.model.network import Problem
from algmorse.model.options import SolveOptions
from algmorse.model.spec import load_spec, parse_spec
from algmorse.model.system import build_system
from algmorse.results.library import list_cases, load_case

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "net121_genl2.toml"
QUICK = ("chain2_l2", "chain3_l2", "chain4_l2", "net121_sq_l2")
DEDUP_RTOL = 1e-6
REAL_ATOL = 1e-8

_CHILD = r"""
import json, os, sys
request = json.load(open(sys.argv[1]))
devnull = os.open(os.devnull, os.O_WRONLY)
os.dup2(devnull, 1)
os.dup2(devnull, 2)
from phcpy.phcpy2c3 import py2c_set_seed
from phcpy.solver import solve
py2c_set_seed(request["seed"])
solutions = solve(request["polynomials"], verbose=True)
if solutions is None:
    sys.exit(3)
with open(sys.argv[2] + ".part", "w") as handle:
    json.dump(solutions, handle)
os.replace(sys.argv[2] + ".part", sys.argv[2])
"""
"""Child program: solve with phcpy's blackbox, write the solution strings as a JSON list."""

_COORDINATE = re.compile(r"^\s*(x\d+)\s*:\s*(\S+)\s+(\S+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class BenchCase:
    """A problem to solve, with its exact count of isolated critical points if known."""

    name: str
    problem: Problem
    exact: int | None
    options: SolveOptions
    slow: bool = False


@dataclass(frozen=True)
class AlgmorseResult:
    """What one ``analyze`` call found (``error`` set instead when it failed)."""

    seconds: float
    found: int = 0
    real: int = 0
    completeness: str = ""
    runs: int = 0
    error: str | None = None
    stages: dict[str, float] | None = None
    verdict: str = ""
    components: int = 0
    certified: int = 0

    @property
    def proof_seconds(self) -> float:
        """Seconds of the counts, higher-precision refinement and certification, near-collision
        resolution (split starts, msolve's points) and exact proofs at rational points."""
        stages = self.stages or {}
        return sum(stages.get(k, 0.0) for k in ("count", "certify", "resolve", "exact-points"))


@dataclass(frozen=True)
class BaselineResult:
    """What one ``phcpy.solver.solve`` call returned (``status`` is "ok", "crash" or "timeout")."""

    seconds: float
    status: str
    raw: int = 0
    distinct: int = 0
    real: int = 0


@dataclass(frozen=True)
class BuildTiming:
    """Seconds to build the exact system and its first numeric evaluator."""

    name: str
    parameters: int
    data_points: int
    build: float
    numeric: float
    gradient_terms: int


def all_cases() -> list[BenchCase]:
    """Every solve problem: the fixture library, the shipped example, two slow extras.

    Returns
    -------
    list of BenchCase
        In table order. ``slow`` marks the cases run only with ``--full`` (the library cases
        flagged ``slow``).
    """
    cases = []
    for name in list_cases():
        case = load_case(name)
        cases.append(BenchCase(name, case.spec.problem, case.expected.get("isolated"), case.spec.solve, case.slow))
    example = load_spec(EXAMPLE)
    cases.append(BenchCase("example_net121_genl2", example.problem, 61, example.solve))
    return cases


def build_problems() -> dict[str, Problem]:
    """Problems for the ``build_system`` micro-benchmark (not solved).

    Returns
    -------
    dict of str to Problem
        ``build_222_bias``: widths [2, 2, 2] with biases (12 parameters), activation
        ``t + t^2``, 10 data points with quarter-integer coordinates, standard L2.
    """
    x = [[f"{i}/4", f"{(3 * i) % 7 - 3}/4"] for i in range(10)]
    y = [[f"{(i * i) % 5}/4", f"{2 - i % 4}/4"] for i in range(10)]
    spec = parse_spec({
        "network": {"widths": [2, 2, 2], "activation": "t + t^2", "bias": True},
        "data": {"x": x, "y": y},
        "regularizer": {"kind": "l2", "eps": "1/10"},
    }, source="<benchmark build_222_bias>")
    return {"build_222_bias": spec.problem}


def _analyze_child(case: BenchCase, seed: int, sender: Connection) -> None:
    """Child side of :func:`run_algmorse`: time ``analyze`` and send an :class:`AlgmorseResult`."""
    started = time.perf_counter()
    try:
        catalog = analyze(case.problem, options=replace(case.options, seed=seed))
    except AlgmorseError as error:
        sender.send(AlgmorseResult(time.perf_counter() - started, error=f"error: {type(error).__name__}"))
        return
    sender.send(AlgmorseResult(
        seconds=time.perf_counter() - started,
        found=catalog.summary.isolated,
        real=catalog.summary.real,
        completeness=catalog.verdict.completeness,
        runs=len(catalog.provenance.runs),
        stages=dict(catalog.provenance.seconds),
        verdict=f"{_word(catalog.verdict.morse)}/{_word(catalog.verdict.complex_morse)}",
        components=catalog.summary.components,
        certified=catalog.summary.certified,
    ))


def _word(value: bool | None) -> str:
    return "?" if value is None else ("T" if value else "F")


_STAGE_HEADER = (f"{'problem':<27}{'total s':>8}{'exact s':>9}{'solve s':>9}{'refine s':>9}{'decomp s':>9}"
                 f"{'classify s':>11}  {'found':>5} {'comp':>4}  morse/cx  completeness")


def format_stage_row(case: BenchCase, ours: AlgmorseResult) -> str:
    """One row of the stage table: seconds per pipeline stage with ``verify="exact"``."""
    if ours.error is not None or ours.stages is None:
        return f"{case.name:<27}{ours.error or 'error'}"
    st = ours.stages
    return (f"{case.name:<27}{ours.seconds:8.2f}{st.get('exact', 0.0):9.2f}{st.get('solve', 0.0):9.2f}"
            f"{st.get('refine', 0.0):9.2f}{st.get('decompose', 0.0):9.2f}{st.get('classify', 0.0):11.2f}  "
            f"{ours.found:5d} {ours.components:4d}  {ours.verdict:<8}  {ours.completeness}")


def _descendants(pid: int) -> list[int]:
    """Process ids of all live descendants of `pid` (Linux ``/proc``), children first."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def run_algmorse(case: BenchCase, seed: int, timeout: float) -> AlgmorseResult:
    """Time one full ``analyze`` call with master seed `seed` (other options from the case).

    The call runs in a forked child so that a hang cannot stop the benchmark: after `timeout`
    seconds the child and the PHCpack workers it started are killed.

    Returns
    -------
    AlgmorseResult
        Seconds measured around ``analyze`` inside the child; on failure ``error`` is
        "error: <exception class>", "crash" (the child died) or "timeout" (seconds = `timeout`).
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_analyze_child, args=(case, seed, sender))
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            for pid in [*_descendants(child.pid), child.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            return AlgmorseResult(timeout, error="timeout")
        try:
            return receiver.recv()
        except EOFError:
            return AlgmorseResult(0.0, error="crash")
    finally:
        child.join()
        receiver.close()


def gradient_strings(problem: Problem, seed: int) -> tuple[list[str], int]:
    """The PHCpack strings of the gradient system algmorse solves for `problem` and `seed`.

    Random generalized-L2 strengths are drawn from `seed` exactly as ``analyze`` does.
    """
    resolved = replace(problem, regularizer=problem.regularizer.resolved(len(problem.variables), seed))
    system = build_system(resolved)
    return format_system(system.sparse_gradient(), system.num_variables), system.num_variables


def parse_solution(text: str, names: list[str]) -> tuple[complex, ...] | None:
    """Coordinates of one PHCpack solution string, in the order of `names`.

    Parameters
    ----------
    text : str
        A solution as returned by ``phcpy.solver.solve``.
    names : list of str
        Variable names; PHCpack lists coordinates in order of first appearance, not this one.

    Returns
    -------
    tuple of complex or None
        None if a coordinate is missing, unreadable (``NaN``, ``*****``) or infinite.
    """
    values = {name: (re_text, im_text) for name, re_text, im_text in _COORDINATE.findall(text)}
    coordinates = []
    for name in names:
        if name not in values:
            return None
        try:
            z = complex(float(values[name][0]), float(values[name][1]))
        except ValueError:
            return None
        if not math.isfinite(abs(z)):
            return None
        coordinates.append(z)
    return tuple(coordinates)


def distinct_points(points: list[tuple[complex, ...]]) -> list[tuple[complex, ...]]:
    """Plain deduplication: keep a point unless an earlier kept one equals it within 1e-6 relative.

    Two points ``a`` and ``b`` are equal when ``max_j |a_j - b_j| <= 1e-6 * max(1, max_j |a_j|,
    max_j |b_j|)``.
    """
    kept: list[tuple[complex, ...]] = []
    for a in points:
        scale_a = max(abs(z) for z in a)
        if not any(
            max(abs(p - q) for p, q in zip(a, b)) <= DEDUP_RTOL * max(1.0, scale_a, max(abs(z) for z in b))
            for b in kept
        ):
            kept.append(a)
    return kept


def run_baseline(polynomials: list[str], nvars: int, seed: int, timeout: float) -> BaselineResult:
    """Time ``phcpy.solver.solve(polynomials, verbose=True)`` in a child process.

    The child gets only ``phcpy`` on ``PYTHONPATH`` (a symlink in a temporary directory), sends
    file descriptors 1 and 2 to ``/dev/null`` before importing phcpy, and sets PHCpack's seed.

    Parameters
    ----------
    polynomials : list of str
        PHCpack input strings in the variables ``x1..xn``.
    nvars : int
        Number of variables.
    seed : int
        Passed to ``py2c_set_seed``.
    timeout : float
        Seconds before the child is killed.

    Returns
    -------
    BaselineResult
        Seconds include the child's start-up; status "crash" for any abnormal end (signal,
        nonzero exit, no or unreadable answer), "timeout" if it was killed.
    """
    phcpy_parent = locate_phcpy()
    interpreter = select_interpreter(phcpy_parent)
    with tempfile.TemporaryDirectory(prefix="bench-phcpy-") as scratch:
        directory = Path(scratch)
        exposed = directory / "pythonpath"
        exposed.mkdir()
        (exposed / "phcpy").symlink_to(phcpy_parent / "phcpy", target_is_directory=True)
        request, answer = directory / "request.json", directory / "answer.json"
        request.write_text(json.dumps({"polynomials": polynomials, "seed": seed}), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(exposed)}
        started = time.perf_counter()
        try:
            completed = subprocess.run([interpreter, "-c", _CHILD, str(request), str(answer)], env=env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return BaselineResult(time.perf_counter() - started, "timeout")
        seconds = time.perf_counter() - started
        try:
            solutions = json.loads(answer.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return BaselineResult(seconds, "crash")
    if completed.returncode != 0 or not isinstance(solutions, list):
        return BaselineResult(seconds, "crash")
    names = variable_names(nvars)
    finite = [p for p in (parse_solution(s, names) for s in solutions) if p is not None]
    distinct = distinct_points(finite)
    real = sum(max(abs(z.imag) for z in p) < REAL_ATOL for p in distinct)
    return BaselineResult(seconds, "ok", raw=len(solutions), distinct=len(distinct), real=real)


def time_build(name: str, problem: Problem) -> BuildTiming:
    """Time ``build_system(problem)`` and the first access to its ``.numeric`` evaluator."""
    started = time.perf_counter()
    system = build_system(problem)
    built = time.perf_counter()
    _ = system.numeric  # a cached property: built on first access
    finished = time.perf_counter()
    return BuildTiming(name, system.num_variables, len(problem.data), built - started, finished - built,
                       sum(len(g) for g in system.gradient))


_HEADER = (
    f"{'':37} | {'algmorse':^70} | {'PHCpack blackbox':^24} |\n"
    f"{'problem':<27}{'n':>3}{'exact':>7} | {'sec':>7}{'found':>6}{'real':>5}{'cert':>5}{'proof s':>8}{'%':>4}"
    f"  {'completeness':<22}{'runs':>5}{'  morse/cx':<12}"
    f" | {'sec':>7}{'raw':>6}{'dist':>6}{'real':>5} | {'missed':>6}"
)


def _count(value: int | None) -> str:
    """An exact count as text, "?" when unknown."""
    return "?" if value is None else str(value)


def format_row(case: BenchCase, nvars: int, ours: AlgmorseResult, base: BaselineResult) -> str:
    """One fixed-width table line."""
    if ours.error is None:
        share = 100 * ours.proof_seconds / ours.seconds if ours.seconds > 0 else 0.0
        left = (f"{ours.seconds:7.2f}{ours.found:6d}{ours.real:5d}{ours.certified:5d}{ours.proof_seconds:8.2f}"
                f"{share:4.0f}  {ours.completeness:<22}{ours.runs:5d}  {ours.verdict:<10}")
    else:
        left = f"{ours.seconds:7.2f}  {ours.error:<66}"
    if base.status == "ok":
        right = f"{base.seconds:7.2f}{base.raw:6d}{base.distinct:6d}{base.real:5d}"
        missed = "?" if case.exact is None else str(case.exact - base.distinct)
    else:
        right = f"{base.seconds:7.2f}  {base.status:<15}"
        missed = base.status
    return f"{case.name:<27}{nvars:3d}{_count(case.exact):>7} | {left} | {right} | {missed:>6}"


def format_proof_share(results: list[AlgmorseResult]) -> str:
    """One line: the seconds of counts, precision and certification against all algmorse seconds."""
    done = [r for r in results if r.error is None]
    total = sum(r.seconds for r in done)
    proof = sum(r.proof_seconds for r in done)
    share = 100 * proof / total if total > 0 else 0.0
    return (f"counts, higher precision and certification: {proof:.2f} s of {total:.2f} s of algmorse "
            f"({share:.0f}%) over the {len(done)} problems solved")


LEGEND = """\
Columns:
  problem       fixture case name (algmorse.results.library), the shipped example, or an extra problem
  n             number of parameters (unknowns of the gradient system)
  exact         exact number of isolated complex critical points (Singular or hand derivation; ? unknown)
  algmorse      sec: wall seconds of the whole analyze() call (build, all runs, refinement,
                decomposition stage when it runs, classification)
                found / real / cert: distinct critical points in the catalog / real ones / certified
                ones (an interval box proves exactly one nondegenerate critical point in it)
                proof s / %: seconds of the modular count plus higher-precision refinement and
                certification, and their share of sec
                completeness: the level reached (exact-count, modular-count, bound-attained,
                certified-lower-bound, stable-runs, not-established); runs: backend runs used
                morse/cx: the verdicts morse / complex_morse (T, F, ? undetermined)
  PHCpack       sec: wall seconds of one phcpy.solver.solve(pols, verbose=True) in a child process
                (including interpreter start-up); raw: solutions returned;
                dist: distinct finite ones (NaN dropped, equal within 1e-6 relative);
                real: distinct ones with max |imag| < 1e-8
  missed        exact - PHCpack dist (negative: the blackbox reports junk as roots)
  A failed call shows "timeout", "crash" or "error: <exception>" in place of its numbers.
"""

NOTES = """\
Notes:
  * baseline dist < exact means PHCpack's blackbox silently missed roots: nothing in its output says so.
  * baseline dist > exact means junk: near-duplicate copies of a root farther apart than 1e-6,
    non-converged endpoints, or points of a curve or surface of critical points (algmorse lists
    those as catalog components, not counted in "found"). Junk and misses can cancel in
    "missed": compare the real columns too.
  * algmorse counts the critical points over prime fields and over QQ (time-boxed), repeats the
    blackbox with fresh seeds until the count is reached (or 2 consecutive runs add nothing, or a
    proven root-count bound is attained), Newton-refines and certifies every endpoint against the
    exact gradient (in higher precision where needed), fills a gap with msolve's parametrization,
    and may run a decomposition stage for positive-dimensional sets.
"""


def parse_args(argv: list[str] | None, names: list[str]) -> argparse.Namespace:
    """Command-line options; ``--cases`` is checked against `names`."""
    parser = argparse.ArgumentParser(description="Compare algmorse with PHCpack's plain blackbox solver.")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    size.add_argument("--full", action="store_true", help="also the slow problems (minutes)")
    parser.add_argument("--seed", type=int, default=1, help="algmorse master seed and PHCpack seed (default 1)")
    parser.add_argument("--cases", help=f"comma-separated subset of: {', '.join(names)}")
    parser.add_argument("--stages", action="store_true",
                        help="also solve each case with exact verification and print seconds per stage "
                             "(exact check, solve, refine, decomposition, classify)")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds before the baseline child is killed (default 300)")
    parser.add_argument("--analyze-timeout", type=float, default=600.0,
                        help="seconds before an analyze() call is killed (default 600)")
    args = parser.parse_args(argv)
    if args.cases is not None:
        unknown = sorted(set(args.cases.split(",")) - set(names))
        if unknown:
            parser.error(f"unknown case(s) {', '.join(unknown)}; available: {', '.join(names)}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks and print the tables."""
    cases = all_cases()
    builds = build_problems()
    args = parse_args(argv, [c.name for c in cases] + list(builds))
    if args.cases is not None:
        chosen = set(args.cases.split(","))
        cases = [c for c in cases if c.name in chosen]
        builds = {k: v for k, v in builds.items() if k in chosen}
    elif args.quick:
        cases = [c for c in cases if c.name in QUICK]
        builds = {}
    elif not args.full:
        cases = [c for c in cases if not c.slow]

    print(f"seed {args.seed}; timeouts: baseline {args.timeout:g} s, analyze {args.analyze_timeout:g} s\n")
    print(LEGEND)
    if cases:
        print(_HEADER)
        print("-" * len(_HEADER.splitlines()[1]))
        results = []
        for case in cases:
            polynomials, nvars = gradient_strings(case.problem, args.seed)
            base = run_baseline(polynomials, nvars, args.seed, args.timeout)
            ours = run_algmorse(case, args.seed, args.analyze_timeout)
            results.append(ours)
            print(format_row(case, nvars, ours, base), flush=True)
        print(format_proof_share(results))
        print()
    if builds:
        print(f"{'build benchmark':<27}{'n':>3}{'data':>6}{'grad terms':>12}{'build_system s':>16}{'.numeric s':>12}")
        for name, problem in builds.items():
            t = time_build(name, problem)
            print(f"{t.name:<27}{t.parameters:3d}{t.data_points:6d}{t.gradient_terms:12d}"
                  f"{t.build:16.3f}{t.numeric:12.3f}")
        print()
    if args.stages and cases:
        print("Stages with exact verification (verify=\"exact\"; decomposition as decompose=\"auto\" decides):")
        print(_STAGE_HEADER)
        print("-" * len(_STAGE_HEADER))
        for case in cases:
            exact_case = replace(case, options=replace(case.options, verify="exact"))
            print(format_stage_row(case, run_algmorse(exact_case, args.seed, args.analyze_timeout)), flush=True)
        print()
    print(NOTES, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
