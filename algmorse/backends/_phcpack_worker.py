"""Child-process side of the PHCpack backend: the only module that imports ``phcpy``.

Run by file path, never imported by the parent's solve path::

    python _phcpack_worker.py REQUEST.json ANSWER.json

The request is a JSON object::

    {"polynomials": ["+1.0E+00*x1^2 -4.0E+00*x2;", ...],   # PHCpack strings ending in ';'
     "nvars": 2, "variables": ["x1", "x2"], "seed": 42,
     "log": "/path/to/log",                                  # fds 1 and 2 go here
     "silent": false}                                        # optional, see below

The answer, written atomically (temporary file + ``os.replace``), is either::

    {"ok": true, "endpoints": [{"coordinates": [[re, im], ...], "err": .., "rco": ..,
                                "res": .., "m": ..}, ...],
     "root_counts": {"total_degree": .., "mixed_volume": .., ...},
     "paths_tracked": int or null, "dropped_nonfinite": k, "phcpack_version": "2.4.86"}

or ``{"ok": false, "error": "..."}`` with exit status 1.

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


class SolutionFormatError(ValueError):
    """A PHCpack solution string lacks a field the worker needs (not a NaN: a format change)."""


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
        ``{"coordinates": [[re, im], ...], "err", "rco", "res", "m"}`` with coordinates in the
        order of `variables` and non-finite diagnostics as None; None if a coordinate is not a
        finite number (NaN, infinite or printed as ``*****``).

    Raises
    ------
    SolutionFormatError
        If a variable of `variables` has no line in the solution.
    """
    values: dict[str, str] = {}
    diagnostics: dict[str, float | None] = {"err": None, "rco": None, "res": None}
    path_count = None
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
    missing = [name for name in variables if name not in values]
    if missing:
        raise SolutionFormatError(f"solution has no value for {missing}: {text!r}")
    coordinates = [_parse_coordinate(values[name]) for name in variables]
    if any(coordinate is None for coordinate in coordinates):
        return None
    return {"coordinates": coordinates, "m": path_count, **diagnostics}


def _int_or_none(text: str) -> int | None:
    """Return ``int(text)`` or None if it is not an integer."""
    try:
        return int(text.strip())
    except ValueError:
        return None


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
    version = re.search(r"PHCv(\S+)", phc.py2c_PHCpack_version_string())
    return {
        "ok": True,
        "endpoints": endpoints,
        "root_counts": root_counts,
        "paths_tracked": paths,
        "dropped_nonfinite": len(parsed) - len(endpoints),
        "phcpack_version": version.group(1) if version else "unknown",
    }


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
        answer = _solve(request)
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
