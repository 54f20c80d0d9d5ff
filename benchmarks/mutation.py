"""Mutation testing of the proof layer: do the tests notice when the logic is wrong?

For every configured target (a module, optionally restricted to some functions, and the tests that
guard it) this script generates *single* mutants of the module's source, runs the target's tests
against each one with a timeout, and classifies it:

* **killed**: a test failed, or the tests could not even be collected (or crashed) against the
  mutant;
* **timeout**: the tests did not finish within the per-mutant timeout (a hang is noticed too);
* **survived**: every test passed, so the tests cannot tell the mutant from the real code;
* **error**: no test ran (pytest's exit status 5): a harness problem.

A survivor is either a missing test or an *equivalent* mutant (no observable change). Equivalent
ones are explained one by one in a notes file (``benchmarks/mutation-equivalent.toml``), which the
report quotes; a note that no longer matches a survivor is listed as stale.

The working tree is never touched. The repository (tracked files plus untracked, non-ignored ones)
is copied into one temporary directory per parallel job, mutants are written there, and pytest runs
with that copy first on ``sys.path``. ``algmorse`` is installed in editable mode (a meta path
finder that maps ``algmorse`` to the working tree and ``algmorse.polynomials`` to
``polynomials/``); that finder comes after the ordinary path finder, so the copy's ``algmorse``
wins, and a symlink ``algmorse/polynomials -> ../polynomials`` inside the copy makes the copy's
data win too. Before any mutant runs, both facts are checked: the imported files must lie in the
copy, and a deliberately broken module in the copy must make the target's tests fail.

Mutation operators (each mutant applies exactly one):

* comparisons ``<``/``<=``, ``>``/``>=``, ``==``/``!=``, ``in``/``not in``, ``is``/``is not``;
* arithmetic ``+``/``-``, ``*``/``/``, ``//`` to ``/``, ``**`` to ``*`` (also augmented assignments);
* removing a term of a ``+``/``-`` expression (``a - b`` to ``a`` and to ``-b``);
* removing a unary minus or a ``not``; ``and``/``or``; ``True``/``False``;
* numeric constants ``c`` to ``c + 1`` and to ``0``;
* ``return X`` to ``return None``, and to ``return not (X)`` for boolean returns.

Docstrings, annotations, decorators and imports are not mutated.

Examples
--------
::

    python3 benchmarks/mutation.py                       # every target in TARGETS
    python3 benchmarks/mutation.py --target certify --list
    python3 benchmarks/mutation.py --module algmorse/engine/certify.py \\
        --functions krawczyk,disjoint_boxes --tests tests/test_certify.py --report /tmp/m.md
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """A module to mutate and the tests that guard it.

    Attributes
    ----------
    module : str
        Path of the module, relative to the repository root.
    tests : tuple of str
        pytest node ids or test files (relative to the root); files missing from the copy are
        skipped with a warning.
    functions : tuple of str
        Restrict mutants to these functions (plain or dotted ``Class.method`` names, matched
        against every enclosing function); empty: the whole module.
    """

    module: str
    tests: tuple[str, ...]
    functions: tuple[str, ...] = ()


_NEAR = "tests/test_near_collisions.py::"
_EXACT_PIECES = tuple(_NEAR + name for name in (
    "test_exact_points_keep_our_variable_order_when_the_last_variable_does_not_separate",
    "test_exact_points_of_a_pair_closer_than_double_precision", "test_distinct_count_over_the_primes",
    "test_local_structure_at_rational_points", "test_multiple_points_by_primary_decomposition",
    "test_rational_proofs_need_an_exact_zero", "test_rational_guesses_try_growing_denominators",
    "test_rational_guesses_refuse_non_real_points_relative_to_their_size",
    "test_a_rational_point_with_a_large_prime_denominator_is_proven"))
_SPLITS = tuple(_NEAR + name for name in (
    "test_split_starts_resolve_a_pair_from_its_midpoint", "test_split_starts_find_nothing_at_a_genuine_double_point",
    "test_two_certified_points_closer_than_the_tolerance_are_two_points",
    "test_a_complex_box_that_meets_the_reals_is_settled_real_or_left_open",
    "test_a_certificate_undecided_on_realness_is_labelled_by_the_refinement_rule"))
_MONODROMY = ("tests/test_monodromy.py::test_a_stratum_the_loops_cannot_finish_falls_back_to_the_blackbox",
              "tests/test_monodromy.py::test_supports_no_stratum_covers_are_not_called_complete")

TARGETS: dict[str, Target] = {
    "certify": Target("algmorse/engine/certify.py",
                      ("tests/test_certify_mutants.py", "tests/test_certify.py", "tests/test_proof.py")),
    "verdict": Target("algmorse/analysis/verdict.py", ("tests/test_mutants_verdict.py", "tests/test_verdict.py",
                                                        "tests/test_landscape.py", "tests/test_morse_bott.py")),
    "morse_bott": Target("algmorse/engine/morse_bott.py", ("tests/test_morse_bott.py",),
                         ("MorseBottTest.morse_bott", "MorseBottTest.complex_morse_bott", "_obstructions",
                          "_has_real_point")),  # not the script's text, nor the principal-minor filter (speed)
    "linear_sets": Target("algmorse/engine/linear_sets.py", ("tests/test_linear_sets.py",)),
    "exact_first": Target("algmorse/analysis/exact_first.py",
                          ("tests/test_exact_first.py", "tests/test_real_components.py", "tests/test_landscape.py"),
                          ("_cheap_realness", "_real_through", "component_evidence", "_components_of",
                           "_exact_enclosure", "_real_interval", "_same")),
    "pipeline": Target("algmorse/pipeline.py",
                       ("tests/test_mutants_pipeline.py", "tests/test_proof_stages.py", "tests/test_pipeline.py",
                        "tests/test_proof.py"),
                       ("_finite_counts", "_distinct_target", "_drop_doubtful", "_modular", "_verify",
                        "_component_mismatches", "_overlapping_boxes", "_verdict", "_resolve_missing", "_resolve",
                        "_prove_rational_points", "_positive_dimensional", "_multiple_points",
                        "_rational_count_outcome")),
    "exact": Target("algmorse/engine/exact.py", ("tests/test_mutants_exact.py", "tests/test_proof_stages.py") + _EXACT_PIECES,
                    ("modular_count", "rational_count", "_count", "_distinct_stage", "local_structure_at",
                     "exact_points", "_msolve_order", "_compare", "_interpret_msolve", "_squarefree_degree",
                     "_components", "_real_count_by_elimination", "_int_value", "multiple_points", "_real_roots")),
    "search": Target("algmorse/search.py", ("tests/test_mutants_search.py", "tests/test_proof_stages.py",
                                            "tests/test_pipeline.py") + _SPLITS[-1:],
                     ("Search._run_batches", "Search.merge", "Search.proven", "Search._bound_attained",
                      "Search.add_certified", "Search.add_certified_point", "Search._numerically_real")),
    "refine": Target("algmorse/engine/refine.py", ("tests/test_refine.py", "tests/test_mutants_search.py",
                                                   "tests/test_proof_stages.py") + _SPLITS,
                     ("PointSet",)),
    "methods": Target("algmorse/methods.py", ("tests/test_mutants_methods.py",) + _MONODROMY),
    "monodromy": Target("algmorse/engine/monodromy.py", ("tests/test_mutants_methods.py",) + _MONODROMY,
                        ("GenericSolution.complete", "GenericSolution.count", "GenericSolution.paths", "torus_count",
                         "solve_generic", "_blackbox", "track_to_target", "_monodromy", "_loops",
                         "_TargetStratum.arrived_points", "_TargetStratum.track")),
    "sweep": Target("algmorse/sweep.py",
                    ("tests/test_mutants_sweep.py",
                     "tests/test_sweep.py::test_an_interrupted_sweep_resumes_without_redoing_finished_values"),
                    ("_fingerprint", "_finished", "_generic_count", "_write_summary", "sweep", "_row")),
}
"""The default configuration: name -> target (``--target NAME`` picks some)."""

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPORT = ROOT / "benchmarks" / "mutation-report.md"
DEFAULT_NOTES = ROOT / "benchmarks" / "mutation-equivalent.toml"
MAX_JOBS = 2
"""Never more parallel test runs than this (the machine is shared)."""
SENTINEL = "algmorse-mutation-sentinel"

_COMPARE_SWAPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                  ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
                ast.Pow: ast.Mult}
_SYMBOLS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
            ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-",
            ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Pow: "**", ast.And: "and", ast.Or: "or"}


@dataclass
class Mutant:
    """One single mutation of a module, and what the tests made of it.

    Attributes
    ----------
    module : str
        Path of the mutated module (relative to the root).
    function : str
        Dotted name of the enclosing function (``<module>`` outside functions).
    line : int
        First line of the mutated code.
    kind : str
        The operator applied, e.g. ``operator <= -> <``.
    original, mutated : str
        The affected source lines, stripped, before and after.
    context : str
        The nearest non-blank line above, stripped (tells apart identical lines in a function).
    source : str
        The whole mutated module.
    status : str
        ``killed``, ``survived``, ``timeout`` or ``error`` (empty until run).
    seconds : float
        Wall time of the test run.
    equivalent : str
        The note explaining why a survivor is equivalent (empty when there is none).
    """

    module: str
    function: str
    line: int
    kind: str
    original: str
    mutated: str
    context: str
    source: str = field(repr=False)
    status: str = ""
    seconds: float = 0.0
    equivalent: str = ""

    def key(self, context: bool = True) -> tuple[str, str, str, str, str]:
        """What a note matches: module, function, the lines before and after, and the context
        line (empty with ``context=False``: a note that gives no context)."""
        return self.module, self.function, self.original, self.mutated, self.context if context else ""


class _Source:
    """A module's text, addressed by AST positions (lines split at ``\\n`` only, as the parser
    does; columns are UTF-8 byte offsets)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self._starts = [0]
        for line in self.lines:
            self._starts.append(self._starts[-1] + len(line) + 1)

    def offset(self, line: int, column: int) -> int:
        """Character index of an AST (line, byte column) position."""
        prefix = self.lines[line - 1].encode()[:column].decode()
        return self._starts[line - 1] + len(prefix)

    def span(self, node: ast.AST) -> tuple[int, int]:
        """Character range of a node."""
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)

    def segment(self, node: ast.AST) -> str:
        """Source text of a node."""
        start, end = self.span(node)
        return self.text[start:end]


class _Collector(ast.NodeVisitor):
    """Collect the single mutants of one module as (node, start, end, replacement, kind, function)."""

    def __init__(self, source: _Source, functions: tuple[str, ...]) -> None:
        self.source = source
        self.functions = functions
        self.stack: list[str] = []
        self.returns_bool: list[bool] = []
        self.edits: list[tuple[ast.AST, int, int, str, str, str]] = []

    def _active(self) -> bool:
        if not self.functions:
            return True
        names = {".".join(self.stack[:k]) for k in range(1, len(self.stack) + 1)} | set(self.stack)
        return any(f in names for f in self.functions)

    def _add(self, node: ast.AST, start: int, end: int, replacement: str, kind: str) -> None:
        if self._active():
            self.edits.append((node, start, end, replacement, kind, ".".join(self.stack) or "<module>"))

    def _scope(self, node: ast.AST, name: str, returns_bool: bool) -> None:
        self.stack.append(name)
        self.returns_bool.append(returns_bool)
        for child in node.body:
            self.visit(child)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):  # defaults, not annotations
            for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                self.visit(default)
        self.stack.pop()
        self.returns_bool.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        returns = node.returns
        is_bool = isinstance(returns, ast.Name) and returns.id == "bool" or (
            isinstance(returns, ast.Constant) and returns.value == "bool")
        self._scope(node, node.name, is_bool)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._scope(node, node.name, False)

    def visit_Import(self, node: ast.Import) -> None:
        return

    visit_ImportFrom = visit_Import

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_Expr(self, node: ast.Expr) -> None:
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):  # docstrings
            self.visit(node.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            self.generic_visit(node)

    def _operator(self, node: ast.AST, left: ast.AST, right: ast.AST, old: type, new: type) -> None:
        """Replace the operator token between two operands."""
        start, end = self.source.span(left)[1], self.source.span(right)[0]
        gap = self.source.text[start:end]
        symbol = _SYMBOLS[old]
        position = _find_token(gap, symbol)
        if position >= 0:
            at = start + position
            self._add(node, at, at + len(symbol), _SYMBOLS[new], f"operator {symbol} -> {_SYMBOLS[new]}")

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left] + node.comparators
        for k, op in enumerate(node.ops):
            if type(op) in _COMPARE_SWAPS:
                self._operator(node, operands[k], operands[k + 1], type(op), _COMPARE_SWAPS[type(op)])
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        op = type(node.op)
        if op in _BINOP_SWAPS:
            self._operator(node, node.left, node.right, op, _BINOP_SWAPS[op])
        if op in (ast.Add, ast.Sub):
            start, end = self.source.span(node)
            left, right = self.source.segment(node.left), self.source.segment(node.right)
            self._add(node, start, end, f"({left})", f"term removed: {right}")
            self._add(node, start, end, f"({right})" if op is ast.Add else f"(-({right}))", f"term removed: {left}")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        op = type(node.op)
        if op in _BINOP_SWAPS:
            symbol = _SYMBOLS[op] + "="
            start, end = self.source.span(node.target)[1], self.source.span(node.value)[0]
            position = _find_token(self.source.text[start:end], symbol)
            if position >= 0:
                new = _SYMBOLS[_BINOP_SWAPS[op]] + "="
                self._add(node, start + position, start + position + len(symbol), new,
                          f"operator {symbol} -> {new}")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        start, end = self.source.span(node)
        pieces, cursor = [], start
        for left, right in zip(node.values, node.values[1:]):
            gap_start, gap_end = self.source.span(left)[1], self.source.span(right)[0]
            position = _find_token(self.source.text[gap_start:gap_end], old)
            if position < 0:
                break
            pieces.append(self.source.text[cursor:gap_start + position] + new)
            cursor = gap_start + position + len(old)
        else:
            self._add(node, start, end, "".join(pieces) + self.source.text[cursor:end], f"boolean {old} -> {new}")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, (ast.USub, ast.Not)):
            start, operand_start = self.source.span(node)[0], self.source.span(node.operand)[0]
            symbol = "-" if isinstance(node.op, ast.USub) else "not"
            prefix = self.source.text[start:operand_start]
            position = _find_token(prefix, symbol)
            if position >= 0:
                kept = prefix[:position] + prefix[position + len(symbol):].lstrip(" ")
                self._add(node, start, operand_start, kept, f"unary {symbol} removed")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        start, end = self.source.span(node)
        value = node.value
        if isinstance(value, bool):
            self._add(node, start, end, str(not value), f"constant {value} -> {not value}")
        elif isinstance(value, (int, float)):
            self._add(node, start, end, repr(value + 1), f"constant {value!r} -> {value + 1!r}")
            if value != 0:
                self._add(node, start, end, repr(type(value)(0)), f"constant {value!r} -> 0")

    def visit_Return(self, node: ast.Return) -> None:
        value = node.value
        if value is None or isinstance(value, ast.Constant) and value.value is None:
            return
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):  # the constant is mutated
            self.visit(value)
            return
        start, end = self.source.span(value)
        self._add(node, start, end, "None", "return None")
        boolean = isinstance(value, (ast.Compare, ast.BoolOp)) or (
            isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not)) or (
            isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("all", "any"))
        if boolean or (self.returns_bool and self.returns_bool[-1]):
            self._add(node, start, end, f"not ({self.source.segment(value)})", "boolean return flipped")
        self.visit(value)


def _find_token(text: str, symbol: str) -> int:
    """Position of ``symbol`` as a whole token in ``text`` (outside comments), or -1.

    ``text`` is the gap between two operands: whitespace, parentheses, line continuations,
    comments and the one operator.
    """
    code = "\n".join(line.split("#", 1)[0] for line in text.split("\n"))
    position = code.find(symbol)
    while position >= 0:
        before = code[position - 1] if position else " "
        after = code[position + len(symbol)] if position + len(symbol) < len(code) else " "
        operator_chars = "<>=!*/+-"
        if symbol[0].isalpha():
            whole = not (before.isalnum() or before == "_" or after.isalnum() or after == "_")
        else:
            whole = before not in operator_chars and after not in operator_chars
        if whole:
            return position
        position = code.find(symbol, position + 1)
    return -1


def generate_mutants(root: Path, target: Target) -> list[Mutant]:
    """Every single mutant of ``target.module`` (read from ``root``) that parses and changes the AST.

    Parameters
    ----------
    root : Path
        Repository root to read the module from.
    target : Target

    Returns
    -------
    list of Mutant
        In source order; not yet run.
    """
    text = (root / target.module).read_text()
    source = _Source(text)
    tree = ast.parse(text)
    collector = _Collector(source, target.functions)
    collector.visit(tree)
    reference = ast.dump(tree)
    mutants, seen = [], set()
    for node, start, end, replacement, kind, function in collector.edits:
        mutated = text[:start] + replacement + text[end:]
        try:
            changed = ast.dump(ast.parse(mutated)) != reference
        except SyntaxError:
            continue
        if not changed or mutated in seen:
            continue
        seen.add(mutated)
        first, last = node.lineno, node.end_lineno
        above = [line.strip() for line in source.lines[:first - 1] if line.strip()]
        new_lines = mutated.split("\n")[first - 1:last + mutated.count("\n") - text.count("\n")]
        mutants.append(Mutant(module=target.module, function=function, line=first, kind=kind,
                              original=" ".join(line.strip() for line in source.lines[first - 1:last]),
                              mutated=" ".join(line.strip() for line in new_lines),
                              context=above[-1] if above else "", source=mutated))
    mutants.sort(key=lambda m: m.line)
    return mutants


def _repository_files(root: Path) -> list[str]:
    """Tracked files plus untracked, non-ignored ones (new tests), as they are in the working tree."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=root,
                            check=True, capture_output=True).stdout.decode().split("\0")
    return sorted({name for name in listed if name and "__pycache__" not in name and (root / name).is_file()})


def make_copy(root: Path, destination: Path) -> Path:
    """Copy the repository's files to ``destination``, with ``algmorse/polynomials`` linked in.

    Parameters
    ----------
    root : Path
        The working tree (only read).
    destination : Path
        A new directory.

    Returns
    -------
    Path
        ``destination``.
    """
    for name in _repository_files(root):
        path = destination / name
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, path)
    link = destination / "algmorse" / "polynomials"
    if (destination / "polynomials").is_dir() and not link.exists():
        link.symlink_to(Path("..") / "polynomials", target_is_directory=True)
    return destination


def _environment(copy_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(copy_root)] + [p for p in [env.get("PYTHONPATH")] if p])
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a stale .pyc of the same size and second must never be used
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


def run_tests(copy_root: Path, tests: list[str], timeout: float, *, first_failure: bool = True
              ) -> tuple[str, float, str]:
    """Run pytest on ``tests`` (files, node ids, options) inside the copy.

    Parameters
    ----------
    copy_root : Path
    tests : list of str
    timeout : float
        Seconds before the run is killed.
    first_failure : bool
        Stop at the first failure (``-x``).

    Returns
    -------
    status : str
        ``survived`` (exit 0), ``error`` (exit 5: no test ran), ``timeout``, or ``killed`` (any
        other exit: a failure, a collection or conftest import error, a crash; the unmutated
        tests pass, so the mutant caused it).
    seconds : float
    output : str
        pytest's combined output.
    """
    command = [sys.executable, "-m", "pytest", *(["-x"] if first_failure else []), "-q", "-rfE", "--no-header",
               "-p", "no:cacheprovider", *tests]
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=copy_root, env=_environment(copy_root), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group of the pytest process started here
        output, _ = process.communicate()
        return "timeout", time.monotonic() - start, output
    seconds = time.monotonic() - start
    status = {0: "survived", 5: "error"}.get(process.returncode, "killed")
    return status, seconds, output


def baseline(copy_root: Path, tests: list[str]) -> tuple[list[str], float, list[str]]:
    """Run the unmutated tests; deselect the ones that fail already (others may be mid-edit).

    Returns
    -------
    arguments : list of str
        ``tests`` plus a ``--deselect`` for each test failing without any mutant.
    seconds : float
        Duration of the passing run.
    deselected : list of str
        The node ids deselected.

    Raises
    ------
    RuntimeError
        When the tests still fail once those are deselected.
    """
    _, _, output = run_tests(copy_root, tests, 600, first_failure=False)
    deselected = sorted({line.split()[1] for line in output.splitlines()
                         if line.startswith(("FAILED ", "ERROR ")) and len(line.split()) > 1})
    arguments = tests + [option for node in deselected for option in ("--deselect", node)]
    status, seconds, output = run_tests(copy_root, arguments, 600)
    if status != "survived":
        print(output, file=sys.stderr)
        raise RuntimeError(f"the unmutated tests {tests} do not pass ({status})")
    return arguments, seconds, deselected


def check_isolation(copy_root: Path, target: Target, tests: list[str], timeout: float) -> None:
    """Fail unless the copy's modules are imported and a broken module in the copy fails the tests.

    Raises
    ------
    RuntimeError
        When the working tree's ``algmorse`` would be tested instead of the copy.
    """
    probe = ("import algmorse, algmorse.polynomials, os; "
             "print(os.path.realpath(algmorse.__file__)); print(os.path.realpath(algmorse.polynomials.__file__))")
    paths = subprocess.run([sys.executable, "-c", probe], cwd=copy_root, env=_environment(copy_root), check=True,
                           capture_output=True, text=True).stdout.split()
    inside = str(copy_root.resolve())
    if not all(p.startswith(inside + os.sep) for p in paths):
        raise RuntimeError(f"the tests would import {paths}, not the copy in {inside}")
    module = copy_root / target.module
    original = module.read_text()
    module.write_text(original + f"\nraise RuntimeError({SENTINEL!r})\n")
    try:
        status, _, output = run_tests(copy_root, tests, timeout)
    finally:
        module.write_text(original)
    if status != "killed" or SENTINEL not in output:
        raise RuntimeError(f"a broken {target.module} in the copy did not fail {tests}: the copy is not tested")


def load_notes(path: Path) -> dict[tuple[str, str, str, str, str], str]:
    """Equivalent-mutant notes: (module, function, original, mutated, context) -> reason.

    ``context`` (the nearest non-blank line above the mutated code) is optional in the file;
    without it the note covers every mutant with the other four fields.
    """
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text()).get("mutant", [])
    return {(e["module"], e["function"], e["original"], e["mutated"], e.get("context", "")):
            " ".join(e["reason"].split()) for e in entries}


def totals(mutants: list[Mutant]) -> dict[str, float]:
    """Counts per status and the survival rates (raw, and with equivalent mutants set aside)."""
    counts = {s: sum(m.status == s for m in mutants) for s in ("killed", "timeout", "survived", "error")}
    equivalent = sum(bool(m.equivalent) and m.status == "survived" for m in mutants)
    valid = counts["killed"] + counts["timeout"] + counts["survived"]
    return {"mutants": len(mutants), **counts, "equivalent": equivalent,
            "survival": counts["survived"] / valid if valid else 0.0,
            "survival_non_equivalent": (counts["survived"] - equivalent) / (valid - equivalent)
            if valid > equivalent else 0.0}


def write_report(path: Path, mutants: list[Mutant], targets: dict[str, Target], command: str,
                 stale: list[tuple[str, str, str, str, str]], deselected: dict[str, list[str]]) -> None:
    """Write the markdown report at ``path`` and the JSON data next to it (same name, ``.json``).

    Parameters
    ----------
    path : Path
    mutants : list of Mutant
        Every mutant run, with its status and note.
    targets : dict of str to Target
    command : str
        The command line, for the record.
    stale : list of tuple
        Notes that matched no survivor.
    deselected : dict of str to list of str
        Per target, the tests that failed without any mutant and were left out.
    """
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False).stdout.strip()
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    modules = sorted({t.module for t in targets.values()})
    by_module = {m: [x for x in mutants if x.module == m] for m in modules}
    lines = ["# Mutation testing report", "",
             f"`{command}` on {date}, working tree at commit `{commit}` (uncommitted changes included).", "",
             ("Each mutant is one change of the module's source (see `benchmarks/mutation.py` for the "
              "operators); a survivor passed every selected test. *Survival* is survivors over mutants "
              "run to completion (killed, timed out, survived); the last column sets aside the survivors "
              "explained as equivalent below."), "",
             "## Totals", "",
             ("| module | tests | mutants | killed | timeout | survived | equivalent | error | survival | "
              "survival (non-equivalent) |"),
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for module in modules:
        t = totals(by_module[module])
        tests = sorted({name for target in targets.values() if target.module == module for name in target.tests})
        lines.append(f"| `{module}` | {', '.join(f'`{n}`' for n in tests)} | {t['mutants']} | {t['killed']} | "
                     f"{t['timeout']} | {t['survived']} | {t['equivalent']} | {t['error']} | {t['survival']:.1%} | "
                     f"{t['survival_non_equivalent']:.1%} |")
    left_out = [(name, node) for name, nodes in deselected.items() for node in nodes]
    if left_out:
        lines += ["", "Deselected because they failed before any mutation (the working tree was mid-edit):", ""]
        lines += [f"- `{node}` (target `{name}`)" for name, node in left_out]
    lines += ["", "## Survivors", ""]
    survivors = [m for m in mutants if m.status == "survived"]
    if not survivors:
        lines.append("None.")
    for m in survivors:
        label = " (equivalent, see the notes)" if m.equivalent else " (NOT EXPLAINED: a missing test?)"
        lines += [f"- `{m.module}:{m.line}` in `{m.function}`, {m.kind}{label}", "  ```diff",
                  f"  - {m.original}", f"  + {m.mutated}", "  ```"]
    errors = [m for m in mutants if m.status == "error"]
    if errors:
        lines += ["", "## Harness errors", ""]
        lines += [f"- `{m.module}:{m.line}` in `{m.function}`, {m.kind}: `{m.mutated}`" for m in errors]
    lines += ["", "## Notes: equivalent mutants", ""]
    explained = [m for m in survivors if m.equivalent]
    if not explained:
        lines.append("None.")
    for m in explained:
        lines += [f"- `{m.module}:{m.line}` in `{m.function}`: `{m.original}` -> `{m.mutated}`.", "",
                  f"  {m.equivalent}", ""]
    if stale:
        lines += ["", "### Stale notes (they match no survivor now)", ""]
        lines += [f"- `{module}` in `{function}`: `{original}` -> `{mutated}`"
                  for module, function, original, mutated, _ in stale]
    path.write_text("\n".join(lines).rstrip() + "\n")
    data = {"command": command, "date": date, "commit": commit,
            "targets": {name: asdict(t) for name, t in targets.items()}, "deselected": deselected,
            "totals": {module: totals(by_module[module]) for module in modules},
            "mutants": [{k: v for k, v in asdict(m).items() if k != "source"} for m in mutants]}
    path.with_suffix(".json").write_text(json.dumps(data, indent=1) + "\n")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", action="append", choices=sorted(TARGETS),
                        help="a configured target (repeatable; default: all of them)")
    parser.add_argument("--module", help="an ad hoc target instead: module path relative to the root")
    parser.add_argument("--functions", default="", help="with --module: comma-separated function names")
    parser.add_argument("--tests", default="", help="with --module: comma-separated pytest files or node ids")
    parser.add_argument("--jobs", type=int, default=MAX_JOBS, help=f"parallel test runs (at most {MAX_JOBS})")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per mutant (default: 10 times the unmutated run, at least 30)")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="markdown report (JSON next to it)")
    parser.add_argument("--notes", type=Path, default=DEFAULT_NOTES, help="equivalent-mutant notes (TOML)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args(argv)
    if args.module and args.target:
        parser.error("--module and --target exclude each other")
    if args.module and not args.tests:
        parser.error("--module needs --tests")
    if not 1 <= args.jobs <= MAX_JOBS:
        parser.error(f"--jobs must be between 1 and {MAX_JOBS}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the mutation tests; return 0 when every survivor is explained, 1 otherwise."""
    args = _parse(argv)
    if args.module:
        targets = {Path(args.module).stem: Target(args.module, tuple(filter(None, args.tests.split(","))),
                                                  tuple(filter(None, args.functions.split(","))))}
    else:
        targets = {name: TARGETS[name] for name in (args.target or sorted(TARGETS))}
    mutants = {name: generate_mutants(ROOT, target) for name, target in targets.items()}
    if args.list:
        for name, found in mutants.items():
            for m in found:
                print(f"{name} {m.module}:{m.line} [{m.function}] {m.kind}: {m.mutated}")
        return 0
    notes = load_notes(args.notes)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `kill` runs the cleanup below too
    workspace = Path(tempfile.mkdtemp(prefix="algmorse-mutation-"))
    try:
        copies: queue.Queue[Path] = queue.Queue()
        roots = [make_copy(ROOT, workspace / f"job{k}") for k in range(args.jobs)]
        for root in roots:
            copies.put(root)
        deselected: dict[str, list[str]] = {}
        for name, target in targets.items():
            tests = [t for t in target.tests if (roots[0] / t.split("::")[0]).exists()]
            for missing in sorted(set(target.tests) - set(tests)):
                print(f"warning: {missing} does not exist; not run", file=sys.stderr)
            tests, seconds, deselected[name] = baseline(roots[0], tests)
            for node in deselected[name]:
                print(f"warning: {node} fails without any mutant; deselected", file=sys.stderr)
            timeout = args.timeout or max(30.0, 10 * seconds)
            check_isolation(roots[0], target, tests, timeout)
            print(f"{name}: {len(mutants[name])} mutants, unmutated tests {seconds:.1f} s, timeout {timeout:.0f} s",
                  file=sys.stderr)

            def run(mutant: Mutant, tests: list[str] = tests, timeout: float = timeout) -> None:
                root = copies.get()
                module = root / mutant.module
                original = module.read_text()
                try:
                    module.write_text(mutant.source)
                    mutant.status, mutant.seconds, _ = run_tests(root, tests, timeout)
                finally:
                    module.write_text(original)
                    copies.put(root)
                print(f"  {mutant.status:8} {mutant.module}:{mutant.line} {mutant.kind}", file=sys.stderr)

            pool = ThreadPoolExecutor(max_workers=args.jobs)
            try:
                list(pool.map(run, mutants[name]))
            finally:  # on Ctrl-C, drop the mutants not started (the running ones end within the timeout)
                pool.shutdown(cancel_futures=True)
    finally:
        shutil.rmtree(workspace)
    everything = [m for found in mutants.values() for m in found]
    used: set[tuple[str, str, str, str, str]] = set()
    for m in everything:
        if m.status == "survived":
            key = m.key() if m.key() in notes else m.key(context=False)
            m.equivalent = notes.get(key, "")
            if m.equivalent:
                used.add(key)
    stale = [key for key in notes if key not in used and key[0] in {t.module for t in targets.values()}]
    command = "python3 benchmarks/mutation.py " + " ".join(sys.argv[1:] if argv is None else argv)
    write_report(args.report, everything, targets, command.strip(), stale, deselected)
    for name, target in targets.items():
        t = totals(mutants[name])
        print(f"{target.module}: {t['survived']}/{t['mutants']} survived ({t['survival']:.1%}), "
              f"{t['equivalent']} equivalent, {t['error']} errors", file=sys.stderr)
    return 0 if all(m.equivalent for m in everything if m.status == "survived") else 1


if __name__ == "__main__":
    sys.exit(main())
