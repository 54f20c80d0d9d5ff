"""Child-process side of the PHCpack backend: the only module that imports ``phcpy``.

Run by file path, never imported by the parent's solve path::

    python _phcpack_worker.py REQUEST.json ANSWER.json

The request is a JSON object whose ``"task"`` is ``"solve"`` (the default), ``"decompose"`` or
``"membership"``. Every request has ``"nvars"``, ``"variables"`` (the ``nvars`` original
variable names), ``"seed"`` and ``"log"`` (fds 1 and 2 go to this file). Points travel as
lists of ``[re, im]`` pairs in the order of ``"variables"``.

``"solve"``, the blackbox solver::

    {"polynomials": ["+1.0E+00*x1^2 -4.0E+00*x2;", ...],   # PHCpack strings ending in ';'
     "nvars": 2, "variables": ["x1", "x2"], "seed": 42, "log": "/path/to/log",
     "silent": false}                                        # optional, see below

    answer: {"ok": true, "endpoints": [{"coordinates": [[re, im], ...], "err": .., "rco": ..,
                                        "res": .., "m": ..}, ...],
             "root_counts": {"total_degree": .., "mixed_volume": .., ...},
             "paths_tracked": int or null, "dropped_nonfinite": k, "phcpack_version": "2.4.86"}

``"decompose"``, a numerical irreducible decomposition (cascade, filter, monodromy factoring);
same fields as ``"solve"`` plus ``"topdim"`` (optional, default ``nvars - 1``)::

    answer: {"ok": true,
             "components": [{"dimension": d, "points": [point, ...],
                             "slices": [[[re, im], ...], ...],   # d lists of n + 1 coefficients
                             "embedded_system": ["...;", ...], "trace_error": float or null},
                            ...],                                # by decreasing dimension
             "isolated_candidates": [point, ...], "dropped_nonfinite": k,
             "phcpack_version": "2.4.86"}

``"membership"``, the homotopy membership test against one component::

    {"task": "membership", "embedded_system": [...], "dimension": d,
     "witness_points": [point, ...], "points": [point, ...], "nvars", "variables", "seed", "log"}

    answer: {"ok": true, "members": [true, false, ...], "phcpack_version": "2.4.86"}

``"track"``, parameter homotopies: every start point through a sequence of legs, each the
homotopy ``gamma (1 - t)^2 start + t^2 target``; same fields as ``"solve"`` but
``"polynomials"``, plus::

    {"task": "track", "legs": [{"start": [...], "target": [...], "gamma": [re, im]}, ...],
     "points": [point, ...]}

    answer: {"ok": true, "endpoints": [{"coordinates": point, "err", "rco", "res", "m"} or null, ...],
             "phcpack_version": "2.4.86"}                 # one entry per start point, in order

Any failure gives ``{"ok": false, "error": "..."}`` with exit status 1. Answers are written
atomically (temporary file + ``os.replace``).

This file uses the standard library and ``phcpy`` only (no numpy, sympy or algmorse imports) so
that it runs under whichever interpreter phcpy was built for. Everything it works around is
documented in ``shared/notes/phcpack-backend-facts.md``:

* phcpy prints on import and Ada writes straight to file descriptor 1, so fds 1 and 2 are
  redirected to the log file *before* ``import phcpy``;
* ``phcpy.solver.solve(verbose=False)`` returns nothing (B1), so the C entry point is called
  directly with ``silent=0``, which also returns the root-count text;
* that text lives in a 1024-character C buffer which overflows for large systems (B2); with
  ``"silent": true`` (default: ``nvars >= 8``) the worker warms up with a tiny verbose solve,
  solves silently and checks the returned root count against the stable mixed volume;
* ``phcpy.factor.solve`` and the cascades share the B1 bug, so decompositions go through
  ``phcpy.factor.polysys_solve(verbose=False)`` (the Ada engine behind ``phc -B``), whose
  witness sets are then factored by monodromy with ``phcpy.factor.factor``;
* coordinates come back in order of first appearance in the input (B7) and may be NaN (B6), so
  solutions are parsed here, by variable name, tolerating unparsable numbers.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import tempfile
import traceback

_SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
_WARM_UP_SYSTEM = ["x1 - 1;"]
_DIAGNOSTIC = re.compile(r"\b(err|rco|res)\s*:\s*(\S+)")
_ROOT_COUNT_LINE = re.compile(r"^\s*([A-Za-z0-9 \-]+?)\s*:\s*(\d+)\s*$")
_ROOT_COUNT_KEYS = {
    "total degree": "total_degree",
    "general linear-product Bezout number": "linear_product_bezout",
    "mixed volume": "mixed_volume",
    "stable mixed volume": "stable_mixed_volume",
}
_M_HOMOGENEOUS = re.compile(r"^\d+-homogeneous Bezout number$")
_NUMBER = r"(?:\d+\.?\d*|\.\d+)(?:[Ee][+-]?\d+)?"
_REAL = re.compile(rf"{_NUMBER}")
_COMPLEX = re.compile(rf"(?P<re>[+-]?{_NUMBER})?(?:(?P<im>[+-]?{_NUMBER})\*i)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SLACK_NAME = re.compile(r"zz\d+")
_EXPONENT_MARK = re.compile(r"(?:^|[^A-Za-z0-9_])[0-9.]+[Ee]$")
TRACE_TOLERANCE = 1e-6
"""Largest linear trace test error of a factor taken as a complete irreducible component."""
MAX_MERGE_CANDIDATES = 12
"""Most uncertified factors whose unions are trace-tested (2**12 subsets at most)."""


class SolutionFormatError(ValueError):
    """A PHCpack solution string lacks a field the worker needs (not a NaN: a format change)."""


class EmbeddingFormatError(ValueError):
    """An embedded system does not have the shape the worker relies on (linear slices last)."""


def parse_root_counts(text: str) -> dict[str, int]:
    """Read the integer root counts out of PHCpack's root-count text.

    Parameters
    ----------
    text : str
        Text such as ``"total degree : 4\\n2-homogeneous Bezout number : 3\\n..."``.

    Returns
    -------
    dict of str to int
        Keys among ``total_degree``, ``m_homogeneous_bezout``, ``linear_product_bezout``,
        ``mixed_volume``, ``stable_mixed_volume``; a count absent from the text is absent here.
    """
    counts: dict[str, int] = {}
    for line in text.splitlines():
        match = _ROOT_COUNT_LINE.match(line)
        if match is None:
            continue
        label, value = match.group(1), int(match.group(2))
        if _M_HOMOGENEOUS.match(label):
            counts["m_homogeneous_bezout"] = value
        elif label in _ROOT_COUNT_KEYS:
            counts[_ROOT_COUNT_KEYS[label]] = value
    return counts


def _finite_or_none(token: str) -> float | None:
    """Return ``float(token)`` if it is a finite number, else None."""
    try:
        value = float(token)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse_coordinate(text: str) -> list[float] | None:
    """Parse ``"re im"`` into ``[re, im]``; None for NaN, ``*****`` or any unreadable value."""
    tokens = text.split()
    if len(tokens) != 2:
        return None
    parts = [_finite_or_none(token) for token in tokens]
    if parts[0] is None or parts[1] is None:
        return None
    return [parts[0], parts[1]]


def parse_solution(text: str, variables: list[str]) -> dict | None:
    """Parse one PHCpack solution string by variable name.

    Parameters
    ----------
    text : str
        A solution as returned by ``phcpy.interface.load_standard_solutions``: lines
        ``t : ..``, ``m : ..``, ``the solution for t :``, one ``name : re im`` line per
        variable, and ``== err : .. = rco : .. = res : .. =``.
    variables : list of str
        Variable names in the order the coordinates must be returned.

    Returns
    -------
    dict or None
        ``{"coordinates": [[re, im], ...], "err", "rco", "res", "m", "t"}`` with coordinates in
        the order of `variables` and non-finite diagnostics as None (``t`` below 1 means the
        path stopped early); None if a coordinate is not a
        finite number (NaN, infinite or printed as ``*****``).

    Raises
    ------
    SolutionFormatError
        If a variable of `variables` has no line in the solution.
    """
    values: dict[str, str] = {}
    diagnostics: dict[str, float | None] = {"err": None, "rco": None, "res": None}
    path_count = None
    end_time = None
    in_coordinates = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("=="):
            diagnostics.update(
                (name, _finite_or_none(value)) for name, value in _DIAGNOSTIC.findall(stripped)
            )
            in_coordinates = False
        elif stripped.startswith("the solution for t"):
            in_coordinates = True
        elif in_coordinates and ":" in stripped:
            name, _, value = stripped.partition(":")
            values[name.strip()] = value
        elif stripped.startswith("m :"):
            path_count = _int_or_none(stripped[3:])
        elif stripped.startswith("t :"):
            parts = stripped[3:].split()
            end_time = _finite_or_none(parts[0]) if parts else None
    missing = [name for name in variables if name not in values]
    if missing:
        raise SolutionFormatError(f"solution has no value for {missing}: {text!r}")
    coordinates = [_parse_coordinate(values[name]) for name in variables]
    if any(coordinate is None for coordinate in coordinates):
        return None
    return {"coordinates": coordinates, "m": path_count, "t": end_time, **diagnostics}


def _int_or_none(text: str) -> int | None:
    """Return ``int(text)`` or None if it is not an integer."""
    try:
        return int(text.strip())
    except ValueError:
        return None


def _signed_terms(polynomial: str) -> list[tuple[int, str]]:
    """Split a PHCpack polynomial at its top-level signs into ``(sign, term)`` pairs.

    Signs inside parentheses (complex coefficients) and exponent signs (``2.5E-01``) do not
    split; the trailing ``;`` is ignored.
    """
    terms: list[tuple[int, str]] = []
    sign, chunk, depth = 1, "", 0
    for char in polynomial.strip().rstrip(";"):
        depth += (char == "(") - (char == ")")
        if depth == 0 and char in "+-" and not _EXPONENT_MARK.search(chunk):
            if chunk.strip():
                terms.append((sign, chunk.strip()))
                sign, chunk = 1, ""
            if char == "-":
                sign = -sign
            continue
        chunk += char
    if chunk.strip():
        terms.append((sign, chunk.strip()))
    return terms


def _coefficient(text: str) -> complex:
    """Parse a PHCpack coefficient: a real number or ``(re + im*i)`` (spaces allowed)."""
    compact = text.replace(" ", "")
    if _REAL.fullmatch(compact):
        return complex(float(compact))
    if compact.startswith("(") and compact.endswith(")"):
        match = _COMPLEX.fullmatch(compact[1:-1])
        if match is not None and (match.group("re") or match.group("im")):
            return complex(float(match.group("re") or 0.0), float(match.group("im") or 0.0))
    raise EmbeddingFormatError(f"unreadable coefficient {text!r}")


def _linear_term(term: str) -> tuple[complex, str | None]:
    """Split a term of a linear polynomial into its coefficient and variable (None: constant).

    Raises
    ------
    EmbeddingFormatError
        If the term is not ``coefficient``, ``name`` or ``coefficient*name``.
    """
    compact = term.replace(" ", "")
    head, _, tail = compact.rpartition("*")
    if compact.endswith(")") or _REAL.fullmatch(tail):
        return _coefficient(compact), None
    if not _NAME.fullmatch(tail):
        raise EmbeddingFormatError(f"term {term!r} is not linear")
    return (_coefficient(head) if head else 1 + 0j), tail


def affine_slices(
    embedded: list[str], dimension: int, variables: list[str]
) -> list[list[complex]]:
    """Read the slicing hyperplanes of a witness set, restricted to the original variables.

    PHCpack embeds a square system ``f`` in ``n`` variables for dimension ``d`` as ``n + d``
    equations in ``x1..xn, zz1..zzd``: the ``n`` equations ``f_i + sum_j g_ij zz_j`` followed by
    ``d`` random affine equations ``c0 + sum_k c_k x_k + sum_j s_j zz_j``. Witness points have
    every slack ``zz_j = 0`` (up to roundoff), so on them the last ``d`` equations act as the
    hyperplanes ``c0 + c1 x1 + ... + cn xn = 0``: their slack terms are dropped here.

    Parameters
    ----------
    embedded : list of str
        The embedded system as PHCpack returns it (``n + d`` polynomials).
    dimension : int
        ``d``, the number of slack variables and slices.
    variables : list of str
        The original variables ``x1..xn``, in the order coefficients are returned.

    Returns
    -------
    list of list of complex
        ``d`` lists ``[c0, c1, ..., cn]``.

    Raises
    ------
    EmbeddingFormatError
        If the system does not have ``n + d`` equations, a slice is not linear, or it involves
        a variable that is neither original nor a slack ``zz*``.
    """
    if len(embedded) != len(variables) + dimension:
        raise EmbeddingFormatError(
            f"the embedding for dimension {dimension} has {len(embedded)} equations, expected "
            f"{len(variables) + dimension}"
        )
    slices = []
    for polynomial in embedded[len(variables):]:
        constant, coefficients = 0j, dict.fromkeys(variables, 0j)
        for sign, term in _signed_terms(polynomial):
            value, name = _linear_term(term)
            if name is None:
                constant += sign * value
            elif name in coefficients:
                coefficients[name] += sign * value
            elif not _SLACK_NAME.fullmatch(name):
                raise EmbeddingFormatError(f"slice {polynomial!r} involves unknown {name!r}")
        slices.append([constant] + [coefficients[name] for name in variables])
    return slices


def slack_names(embedded: list[str], dimension: int) -> list[str]:
    """Return the slack variables ``zz1..zzd`` of an embedded system, in numerical order.

    Raises
    ------
    EmbeddingFormatError
        If the system does not contain exactly `dimension` distinct slack variables.
    """
    names = {
        token for polynomial in embedded for token in _NAME.findall(polynomial)
        if _SLACK_NAME.fullmatch(token)
    }
    if len(names) != dimension:
        raise EmbeddingFormatError(
            f"expected {dimension} slack variables in the embedded system, found {sorted(names)}"
        )
    return sorted(names, key=lambda name: int(name[2:]))


def solution_string(names: list[str], coordinates: list[list[float]]) -> str:
    """Write a point as a PHCpack solution string (``t = 1``, ``m = 1``, zero diagnostics)."""
    lines = ["t :  1.0E+00  0.0E+00", "m : 1", "the solution for t :"]
    lines += [f" {name} : {re:.16E}  {im:.16E}" for name, (re, im) in zip(names, coordinates)]
    lines.append("== err :  0.0E+00 = rco :  1.0E+00 = res :  0.0E+00 =")
    return "\n".join(lines)


def _redirect_output(log_path: str) -> None:
    """Point file descriptors 1 and 2 at `log_path` (append mode) before phcpy is imported."""
    sys.stdout.flush()
    sys.stderr.flush()
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)


def _store_laurent_system(phc, polynomials: list[str], nvars: int) -> None:
    """Put `polynomials` in PHCpack's standard Laurent container and clear the solutions."""
    phc.py2c_syscon_clear_standard_Laurent_system()
    phc.py2c_solcon_clear_standard_solutions()
    phc.py2c_syscon_initialize_number_of_standard_Laurentials(nvars)
    for index, polynomial in enumerate(polynomials):
        phc.py2c_syscon_store_standard_Laurential(len(polynomial), nvars, index + 1, polynomial)


def _solve_verbose(phc, request: dict) -> tuple[int, dict[str, int]]:
    """Blackbox solve through the C entry point with ``silent=0`` (returns the root counts)."""
    phc.py2c_set_seed(request["seed"])
    _store_laurent_system(phc, request["polynomials"], request["nvars"])
    paths, text = phc.py2c_solve_standard_Laurent_system(0, 0, 0, 0)
    return paths, parse_root_counts(text)


def _solve_silent(phc, request: dict) -> tuple[int, dict[str, int]]:
    """Blackbox solve with ``silent=1`` after a warm-up, validated against the stable MV."""
    from phcpy.solver import mixed_volume

    volumes = mixed_volume(request["polynomials"], stable=True)
    if not isinstance(volumes, tuple):
        raise RuntimeError(f"mixed volume computation failed (returned {volumes!r})")
    counts = {"mixed_volume": volumes[0], "stable_mixed_volume": volumes[1]}
    _store_laurent_system(phc, _WARM_UP_SYSTEM, 1)
    phc.py2c_solve_standard_Laurent_system(0, 0, 0, 0)
    phc.py2c_set_seed(request["seed"])
    _store_laurent_system(phc, request["polynomials"], request["nvars"])
    paths = phc.py2c_solve_standard_Laurent_system(1, 0, 0, 0)
    stable = counts["stable_mixed_volume"]
    if not (0 < paths <= stable or paths == stable == 0):  # a failed solve returns garbage
        raise RuntimeError(
            f"silent blackbox solve failed: it reported {paths} paths but the stable mixed "
            f"volume is {stable}; retry with another seed"
        )
    return paths, counts


def _solve(request: dict) -> dict:
    """Run one blackbox solve as described by `request`; return the answer object."""
    from phcpy import phcpy2c3 as phc
    from phcpy.interface import load_standard_solutions

    silent = request.get("silent", request["nvars"] >= 8)
    paths, root_counts = (_solve_silent if silent else _solve_verbose)(phc, request)
    solutions = load_standard_solutions()
    if silent and paths > 0 and not solutions:
        raise RuntimeError(f"silent blackbox solve returned no solutions for {paths} paths")
    parsed = [parse_solution(text, request["variables"]) for text in solutions]
    endpoints = [endpoint for endpoint in parsed if endpoint is not None]
    return {
        "ok": True,
        "endpoints": endpoints,
        "root_counts": root_counts,
        "paths_tracked": paths,
        "dropped_nonfinite": len(parsed) - len(endpoints),
        "phcpack_version": _phcpack_version(phc),
    }


def _phcpack_version(phc) -> str:
    """Return PHCpack's version number, e.g. ``"2.4.86"`` (``"unknown"`` if unreadable)."""
    version = re.search(r"PHCv(\S+)", phc.py2c_PHCpack_version_string())
    return version.group(1) if version else "unknown"


def _finite_solutions(solutions: list[str], variables: list[str]) -> list[tuple[str, dict]]:
    """Pair each solution string whose coordinates are all finite with its parsed form."""
    parsed = [(text, parse_solution(text, variables)) for text in solutions]
    return [(text, solution) for text, solution in parsed if solution is not None]


def _pairs(values: list[complex]) -> list[list[float]]:
    """Write complex numbers as JSON ``[re, im]`` pairs."""
    return [[value.real, value.imag] for value in values]


def merge_by_traces(
    factors: list[tuple[list[int], float]], trace_error
) -> list[tuple[list[int], float]]:
    """Merge factors that monodromy left apart when their union passes the linear trace test.

    Monodromy loops sometimes never exchange the witness points of one component (seen on a
    conic of the 1-2-1 linear network for about 1 seed in 10); each part then fails the trace
    test. Unions of these uncertified factors are tested smallest first, so each merge is a
    minimal complete set of witness points, i.e. one irreducible component.

    Parameters
    ----------
    factors : list of (list of int, float)
        Witness point labels and trace test error of each factor, as from
        ``phcpy.factor.factor``.
    trace_error : callable
        ``trace_error(labels) -> float``: the linear trace test error of a list of labels.

    Returns
    -------
    list of (list of int, float)
        The certified factors (in their order), then the merged ones, then the factors still
        uncertified. Nothing is merged if more than :data:`MAX_MERGE_CANDIDATES` are
        uncertified.
    """
    certified = [item for item in factors if item[1] <= TRACE_TOLERANCE]
    pending = [item for item in factors if not item[1] <= TRACE_TOLERANCE]
    if len(pending) > MAX_MERGE_CANDIDATES:
        return factors
    merged, used = [], 0
    for mask in sorted(range(1, 1 << len(pending)), key=lambda mask: bin(mask).count("1")):
        if mask & used or bin(mask).count("1") < 2:
            continue
        labels = sorted(
            label for bit, (part, _) in enumerate(pending) if mask >> bit & 1 for label in part
        )
        error = trace_error(labels)
        if error <= TRACE_TOLERANCE:
            merged.append((labels, error))
            used |= mask
    return certified + merged + [item for bit, item in enumerate(pending) if not used >> bit & 1]


def _factor_components(
    dimension: int, embedded: list[str], witness: list[tuple[str, dict]], variables: list[str]
) -> list[dict]:
    """Split one dimension's witness set into irreducible components by monodromy.

    ``phcpy.factor.factor`` labels witness points from 1 and reports each factor's linear
    trace test error; uncertified factors are then merged by :func:`merge_by_traces`, using
    the trace grid the monodromy left in PHCpack. Every component carries the dimension's
    slices and embedded system.
    """
    from phcpy.factor import factor
    from phcpy.phcpy2c3 import py2c_factor_standard_trace_sum_difference

    def trace_error(labels: list[int]) -> float:
        text = str(labels)
        return py2c_factor_standard_trace_sum_difference(len(witness), 1, len(text), text)

    slices = [_pairs(hyperplane) for hyperplane in affine_slices(embedded, dimension, variables)]
    factors = factor(dimension, embedded, [text for text, _ in witness], verbose=False)
    factors = merge_by_traces(factors, trace_error)
    return [
        {
            "dimension": dimension,
            "points": [witness[label - 1][1]["coordinates"] for label in labels],
            "slices": slices,
            "embedded_system": embedded,
            "trace_error": trace_error if math.isfinite(trace_error) else None,
        }
        for labels, trace_error in factors
    ]


def _decompose(request: dict) -> dict:
    """Numerical irreducible decomposition of `request`'s system; return the answer object.

    ``phcpy.factor.polysys_solve`` runs the cascade and the filter silently (its own
    factorization is only printed, so it is skipped and each dimension is factored here).
    Witness points with a non-finite coordinate are dropped before factoring.
    """
    from phcpy import phcpy2c3 as phc
    from phcpy.factor import polysys_solve

    variables = request["variables"]
    topdim = request.get("topdim")
    topdim = request["nvars"] - 1 if topdim is None else topdim
    phc.py2c_set_seed(request["seed"])
    witness_sets = polysys_solve(
        request["polynomials"], topdim=topdim, filter=True, factor=False, tasks=0,
        verbose=False,
    )
    if len(witness_sets) != topdim + 1:
        raise RuntimeError(f"expected {topdim + 1} witness sets, got {len(witness_sets)}")
    components, dropped = [], 0
    for dimension in range(topdim, 0, -1):
        embedded, solutions = witness_sets[dimension]
        witness = _finite_solutions(solutions, variables)
        dropped += len(solutions) - len(witness)
        if witness:
            components += _factor_components(dimension, embedded, witness, variables)
    isolated = _finite_solutions(witness_sets[0][1], variables)
    dropped += len(witness_sets[0][1]) - len(isolated)
    return {
        "ok": True,
        "components": components,
        "isolated_candidates": [solution["coordinates"] for _, solution in isolated],
        "dropped_nonfinite": dropped,
        "phcpack_version": _phcpack_version(phc),
    }


def _membership(request: dict) -> dict:
    """Homotopy membership test of `request`'s points against one witness set.

    The witness points come without their slack coordinates, which are zero on a witness set;
    they are restored as exact zeros. ``phcpy.sets.is_member`` then checks each point's
    residual (tolerance 1e-6), moves the slices through it and looks for it among the moved
    witness points (tolerance 1e-6).
    """
    from phcpy import phcpy2c3 as phc
    from phcpy.sets import is_member

    embedded, dimension, variables = (
        request["embedded_system"], request["dimension"], request["variables"]
    )
    names = variables + slack_names(embedded, dimension)
    witness = [
        solution_string(names, point + [[0.0, 0.0]] * dimension)
        for point in request["witness_points"]
    ]
    phc.py2c_set_seed(request["seed"])
    members = []
    for point in request["points"]:
        verdict = is_member(
            embedded, witness, dimension, solution_string(variables, point), verbose=False
        )
        if verdict is None:
            raise RuntimeError("is_member found a mismatch of variable names")
        members.append(bool(verdict))
    return {"ok": True, "members": members, "phcpack_version": _phcpack_version(phc)}


def _track(request: dict) -> dict:
    """Track each start point through a sequence of homotopies (``"legs"``), in order.

    A leg is ``{"start": [...], "target": [...], "gamma": [re, im]}``: the homotopy
    ``gamma (1 - t)^2 start + t^2 target`` of ``phcpy.trackers.track``. Points whose path failed
    (a non-finite coordinate) leave the later legs; their endpoint is ``null``.
    """
    from phcpy import phcpy2c3 as phc
    from phcpy.trackers import track

    phc.py2c_set_seed(request["seed"])
    names = request["variables"]
    current: list[list[list[float]] | None] = list(request["points"])
    last: list[dict | None] = [None] * len(current)
    for leg in request["legs"]:
        alive = [index for index, point in enumerate(current) if point is not None]
        if not alive:
            break
        starts = [solution_string(names, current[index]) for index in alive]
        ends = track(leg["target"], leg["start"], starts, gamma=complex(*leg["gamma"]))
        if len(ends) != len(alive):
            raise RuntimeError(f"the tracker returned {len(ends)} endpoints for {len(alive)} paths")
        for index, text in zip(alive, ends):
            solution = parse_solution(text, names)
            last[index] = solution
            current[index] = None if solution is None else solution["coordinates"]
    return {"ok": True, "endpoints": [current[i] and last[i] for i in range(len(current))],
            "phcpack_version": _phcpack_version(phc)}


_TASKS = {"solve": _solve, "decompose": _decompose, "membership": _membership, "track": _track}


def _write_answer(path: str, answer: dict) -> None:
    """Write `answer` as JSON to `path` atomically (temporary file, then ``os.replace``)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".answer-", suffix=".json", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(answer, handle, allow_nan=False)
    os.replace(temporary, path)


def main(argv: list[str]) -> int:
    """Entry point: ``main([script, request_path, answer_path])``; returns the exit status."""
    if len(argv) != 3:
        sys.stderr.write("usage: _phcpack_worker.py REQUEST.json ANSWER.json\n")
        return 2
    request_path, answer_path = argv[1], argv[2]
    try:
        with open(request_path, encoding="utf-8") as handle:
            request = json.load(handle)
        _redirect_output(request["log"])
        task = request.get("task", "solve")
        if task not in _TASKS:
            raise ValueError(f"unknown task {task!r}; expected one of {sorted(_TASKS)}")
        answer = _TASKS[task](request)
    except Exception as exc:  # any failure becomes an answer the parent can report
        traceback.print_exc()
        _write_answer(answer_path, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    _write_answer(answer_path, answer)
    return 0


if __name__ == "__main__":
    if sys.path and os.path.abspath(sys.path[0]) == _SCRIPT_DIR:
        del sys.path[0]  # run by path: keep sibling modules from shadowing anything phcpy imports
    sys.exit(main(sys.argv))
