"""PHCpack blackbox solver and irreducible decomposition, one child process per call (parent).

phcpy 1.1.2 can kill or corrupt the interpreter that calls it (see
``shared/notes/phcpack-backend-facts.md``: Ada exceptions, segfaults, a fixed-size buffer,
process-global containers, prints on file descriptor 1). This module therefore never imports
``phcpy``. Each :meth:`PhcpackBackend.solve` call

1. validates the system and writes it as PHCpack strings with generated names ``x1..xn`` and
   decimal coefficients (inputs known to crash PHCpack are refused here, before any process
   starts);
2. starts ``_phcpack_worker.py`` in a fresh interpreter and a new session, with only ``phcpy``
   on its ``PYTHONPATH`` and its output going to a log file;
3. waits with a time limit, kills the whole process group on timeout, and turns every failure
   into a :class:`~algmorse.errors.BackendError` subclass;
4. reads the JSON answer and returns a :class:`~algmorse.engine.backends.base.RawSolve`.

:meth:`PhcpackBackend.decompose` (numerical irreducible decomposition, returning a
:class:`~algmorse.engine.backends.base.Decomposition`) and :meth:`PhcpackBackend.membership` (homotopy
membership test against one :class:`~algmorse.engine.backends.base.WitnessSet`) run the same way.
All files live in one temporary directory that is removed in every case.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import sysconfig
import time
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Sequence

from algmorse.engine import processes
from algmorse.engine.backends.base import (
    ComplexPolynomial,
    Decomposition,
    Endpoint,
    Leg,
    RawSolve,
    SparsePolynomial,
    TrackedPaths,
    WitnessSet,
)
from algmorse.errors import BackendCrashed, BackendError, BackendTimeout, BackendUnavailable

__all__ = [
    "PhcpackBackend",
    "is_available",
    "locate_phcpy",
    "select_interpreter",
    "format_system",
    "variable_names",
    "MAX_SEED",
]

PHCPY_DIR_ENV = "ALGMORSE_PHCPY_DIR"
"""Environment variable naming the directory that contains the ``phcpy`` package."""

DEFAULT_PHCPY_DIR = Path("/usr/lib/python3/dist-packages")
SYSTEM_PYTHON = Path("/usr/bin/python3")
WORKER_PATH = Path(__file__).with_name("_phcpack_worker.py")
MAX_SEED = 2**31 - 1
"""Largest seed PHCpack accepts (a C ``int``; a negative seed crashes it)."""

INSTALL_HINT = (
    "Install it with `apt-get install phcpack python3-phcpy`, or set ALGMORSE_PHCPY_DIR to "
    "the directory that contains the `phcpy` package."
)
LOG_TAIL_LINES = 20
_LOG_TAIL_BYTES = 16384
_VERSION_PROBE_TIMEOUT = 60.0
_SILENT_MIN_NVARS = 8
_ROOT_COUNT_TEXT_LIMIT = 900
"""Largest estimated root-count text sent through the verbose path (C buffer: 1024 chars)."""


def variable_names(nvars: int) -> list[str]:
    """Return the names the backend gives PHCpack: ``x1, ..., xn``.

    They avoid every name known to break PHCpack (a leading e/E/i/I, ``t``, ``zz*``).
    """
    return [f"x{index}" for index in range(1, nvars + 1)]


def _format_coefficient(coefficient: Fraction | complex, equation: int) -> str:
    """Write a nonzero coefficient as a signed 17-digit decimal float, e.g. ``+2.5E-01``, or a
    complex one as ``+(+2.5E-01-1.0E+00*i)``."""
    try:
        value = complex(coefficient)
    except OverflowError:
        value = complex(math.inf)
    if value == 0 or not math.isfinite(abs(value)):
        raise BackendError(
            f"equation {equation}: coefficient {coefficient} is not representable as a nonzero "
            "double; rescale the system before solving it with PHCpack."
        )
    if value.imag == 0:
        return f"{value.real:+.16E}"
    return f"+({value.real:+.16E}{value.imag:+.16E}*i)"


def _format_monomial(exponents: tuple[int, ...], names: Sequence[str]) -> str:
    """Write ``x1^2*x3`` style factors (each prefixed by ``*``) for nonzero exponents."""
    return "".join(
        f"*{name}" if power == 1 else f"*{name}^{power}"
        for name, power in zip(names, exponents)
        if power
    )


def _check_exponents(exponents: tuple[int, ...], nvars: int, equation: int) -> None:
    """Refuse exponent tuples of the wrong length or with negative or non-integer entries."""
    if len(exponents) != nvars or not all(
        isinstance(power, int) and power >= 0 for power in exponents
    ):
        raise BackendError(
            f"equation {equation}: exponent tuple {exponents!r} is not {nvars} nonnegative "
            "integers."
        )


def _nonzero_terms(
    polynomial: ComplexPolynomial, nvars: int, equation: int
) -> list[tuple[tuple[int, ...], Fraction | complex]]:
    """Return the nonzero terms of `polynomial`, sorted, after checking their exponents."""
    terms = []
    for exponents, coefficient in polynomial.items():
        _check_exponents(exponents, nvars, equation)
        if coefficient != 0:
            terms.append((exponents, coefficient))
    if all(sum(exponents) == 0 for exponents, _ in terms):
        raise BackendError(
            f"equation {equation} is constant ({'zero' if not terms else 'nonzero'}); PHCpack "
            "crashes on constant polynomials. Remove it or check how the system was built."
        )
    return sorted(terms, key=lambda term: term[0], reverse=True)


def _check_square(polynomials: Sequence[SparsePolynomial], nvars: int) -> None:
    """Refuse a system whose number of equations differs from `nvars` (PHCpack crashes)."""
    if nvars < 1 or len(polynomials) != nvars:
        raise BackendError(
            f"the PHCpack blackbox solver needs a square system: got {len(polynomials)} "
            f"equations in {nvars} variables."
        )


def _check_all_variables_occur(terms: list[list[tuple[tuple[int, ...], Fraction]]]) -> None:
    """Refuse a system in which some variable occurs in no equation (PHCpack sees fewer)."""
    nvars = len(terms)
    occurring = {
        index
        for equation in terms
        for exponents, _ in equation
        for index, power in enumerate(exponents)
        if power
    }
    missing = sorted(set(range(nvars)) - occurring)
    if missing:
        raise BackendError(
            f"variables {[index + 1 for index in missing]} (1-based) occur in no equation; "
            "the system is not square in the variables PHCpack would see."
        )


def format_system(polynomials: Sequence[ComplexPolynomial], nvars: int) -> list[str]:
    """Write a square sparse system as PHCpack input strings.

    Parameters
    ----------
    polynomials : sequence of SparsePolynomial or ComplexPolynomial
        One ``{exponents: coefficient}`` mapping per equation (rational or complex coefficients).
    nvars : int
        Number of variables; must equal ``len(polynomials)``.

    Returns
    -------
    list of str
        One string per equation, e.g. ``"+1.0000000000000000E+00*x1^2*x3 -3.0E+00;"`` (17
        significant digits per coefficient), variables named by :func:`variable_names`.

    Raises
    ------
    BackendError
        If the system is not square, an equation is constant or zero, a variable occurs in no
        equation, an exponent tuple is malformed, or a coefficient does not fit a double.

    Examples
    --------
    >>> from fractions import Fraction
    >>> format_system([{(2, 0): Fraction(1), (0, 1): Fraction(-1, 4)}, {(1, 1): 3}], 2)
    ['+1.0000000000000000E+00*x1^2 -2.5000000000000000E-01*x2;', '+3.0000000000000000E+00*x1*x2;']
    """
    _check_square(polynomials, nvars)
    terms = [_nonzero_terms(p, nvars, equation) for equation, p in enumerate(polynomials, 1)]
    _check_all_variables_occur(terms)
    names = variable_names(nvars)
    return [
        " ".join(
            _format_coefficient(coefficient, equation) + _format_monomial(exponents, names)
            for exponents, coefficient in equation_terms
        )
        + ";"
        for equation, equation_terms in enumerate(terms, 1)
    ]


def _root_count_text_bound(polynomials: Sequence[SparsePolynomial], names: Sequence[str]) -> int:
    """Over-estimate the length of PHCpack's root-count text for this system.

    The text holds five ``label : number`` lines, an m-homogeneous partition and a
    linear-product set structure with one ``{ x1 x2 }`` set per unit of an equation's degree,
    in which variable k appears as often as its degree in that equation.
    """
    name_widths = [len(name) + 1 for name in names]
    header = 5 * 60 + 24 + 31 + 3 * len(names) + sum(name_widths)
    sets = 0
    for polynomial in polynomials:
        exponents = [e for e, c in polynomial.items() if c != 0]
        degree = max(sum(e) for e in exponents)
        variable_degrees = [max(e[k] for e in exponents) for k in range(len(names))]
        sets += 6 + 3 * degree + sum(d * w for d, w in zip(variable_degrees, name_widths))
    return header + sets


def _use_silent_path(polynomials: Sequence[SparsePolynomial], nvars: int) -> bool:
    """Whether the root-count text could overflow PHCpack's 1024-char buffer (facts B2)."""
    return (
        nvars >= _SILENT_MIN_NVARS
        or _root_count_text_bound(polynomials, variable_names(nvars)) > _ROOT_COUNT_TEXT_LIMIT
    )


def _check_seed(seed: int) -> None:
    """Refuse seeds PHCpack cannot take (negative ones crash it, large ones overflow)."""
    if not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise BackendError(
            f"PHCpack seeds must be integers in 0..{MAX_SEED}, got {seed!r}; reduce the seed, "
            f"e.g. seed % {MAX_SEED + 1}."
        )


def locate_phcpy(phcpy_dir: str | os.PathLike[str] | None = None) -> Path:
    """Find the directory that contains the ``phcpy`` package.

    Parameters
    ----------
    phcpy_dir : path-like, optional
        Explicit directory; default: ``$ALGMORSE_PHCPY_DIR``, else
        ``/usr/lib/python3/dist-packages`` (Debian's ``python3-phcpy``).

    Returns
    -------
    Path
        The directory (its ``phcpy`` subdirectory holds the ``phcpy2c3`` extension).

    Raises
    ------
    BackendUnavailable
        If no ``phcpy/phcpy2c3*.so`` is found there.
    """
    if phcpy_dir is None:
        phcpy_dir = os.environ.get(PHCPY_DIR_ENV) or DEFAULT_PHCPY_DIR
    directory = Path(phcpy_dir)
    if not any((directory / "phcpy").glob("phcpy2c3*.so")):
        raise BackendUnavailable(
            f"PHCpack backend: no phcpy package (phcpy/phcpy2c3*.so) in {directory}. "
            + INSTALL_HINT
        )
    return directory


def select_interpreter(phcpy_parent: Path) -> str:
    """Choose a Python interpreter that can load the phcpy extension found in `phcpy_parent`.

    Returns ``sys.executable`` when the extension's file name ends with this interpreter's
    ``EXT_SUFFIX`` (e.g. ``.cpython-311-x86_64-linux-gnu.so``), else ``/usr/bin/python3``.

    Raises
    ------
    BackendUnavailable
        If neither applies.
    """
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    extensions = [path.name for path in (phcpy_parent / "phcpy").glob("phcpy2c3*.so")]
    if any(name.endswith(suffix) for name in extensions):
        return sys.executable
    if SYSTEM_PYTHON.exists():
        return str(SYSTEM_PYTHON)
    raise BackendUnavailable(
        f"PHCpack backend: phcpy's extension {extensions} was not built for this interpreter "
        f"({suffix}) and {SYSTEM_PYTHON} does not exist. " + INSTALL_HINT
    )


def is_available(phcpy_dir: str | os.PathLike[str] | None = None) -> bool:
    """Return True if phcpy is installed and an interpreter can run the worker.

    Only files are inspected; no process is started. See :func:`locate_phcpy` for
    `phcpy_dir`.
    """
    try:
        select_interpreter(locate_phcpy(phcpy_dir))
    except BackendUnavailable:
        return False
    return True


def _log_tail(log_path: Path) -> str:
    """Return the last :data:`LOG_TAIL_LINES` lines of `log_path` ("" if it is missing)."""
    try:
        with open(log_path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - _LOG_TAIL_BYTES))
            data = handle.read()
    except FileNotFoundError:
        return ""
    lines = data.decode("utf-8", errors="replace").splitlines()
    return "\n".join(lines[-LOG_TAIL_LINES:])


def _run(command: list[str], env: dict[str, str], log_path: Path, timeout: float) -> int:
    """Run `command` with output to `log_path`; return its exit status.

    The worker runs in its own session and dies with its parent (:mod:`algmorse.engine.processes`).

    Raises
    ------
    BackendTimeout
        After killing the process group, if it ran longer than `timeout` seconds.
    BackendUnavailable
        If the command cannot be started.
    """
    with open(log_path, "ab") as log:
        try:
            process = processes.start(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)
        except OSError as exc:
            raise BackendUnavailable(
                f"PHCpack backend: cannot start the worker {command[0]!r}: {exc}. " + INSTALL_HINT
            ) from exc
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BackendTimeout(
            f"PHCpack worker exceeded the time limit of {timeout} s and was killed; raise the "
            "timeout or solve a smaller system.",
            timeout,
        ) from None
    finally:
        processes.finish(process)


class _MalformedAnswer(ValueError):
    """The worker's answer file is missing or does not follow the protocol."""


def _load_answer(path: Path) -> dict[str, Any]:
    """Read the worker's answer object; raise :class:`_MalformedAnswer` if unusable."""
    try:
        answer = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _MalformedAnswer("it wrote no answer file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _MalformedAnswer(f"its answer is not valid JSON ({exc})") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
        raise _MalformedAnswer("its answer is not an object with a boolean 'ok'")
    return answer


def _optional_float(value: Any) -> float | None:
    """Convert a JSON diagnostic (number or null) to float or None."""
    return None if value is None else float(value)


def _endpoint(record: dict[str, Any], nvars: int) -> Endpoint:
    """Convert one answer endpoint to an :class:`Endpoint`, checking its shape."""
    coordinates = tuple(complex(float(re), float(im)) for re, im in record["coordinates"])
    if len(coordinates) != nvars:
        raise ValueError(f"an endpoint has {len(coordinates)} coordinates, expected {nvars}")
    if not all(math.isfinite(abs(z)) for z in coordinates):
        raise ValueError("an endpoint has a non-finite coordinate")
    path_count = record.get("m")
    return Endpoint(
        coordinates=coordinates,
        err=_optional_float(record.get("err")),
        rco=_optional_float(record.get("rco")),
        res=_optional_float(record.get("res")),
        path_count=None if path_count is None else int(path_count),
        t=_optional_float(record.get("t")),
    )


def _parse_solve(answer: dict[str, Any], nvars: int) -> dict[str, Any]:
    """Extract the RawSolve fields (and ``version``) of a successful solve answer."""
    paths = answer["paths_tracked"]
    return {
        "endpoints": tuple(_endpoint(record, nvars) for record in answer["endpoints"]),
        "root_counts": {str(k): int(v) for k, v in answer["root_counts"].items()},
        "paths_tracked": None if paths is None else int(paths),
        "dropped_nonfinite": int(answer["dropped_nonfinite"]),
        "version": str(answer["phcpack_version"]),
    }


def _point(pairs: Sequence[Sequence[float]], length: int) -> tuple[complex, ...]:
    """Convert JSON ``[re, im]`` pairs to a tuple of `length` finite complex numbers."""
    values = tuple(complex(float(re), float(im)) for re, im in pairs)
    if len(values) != length:
        raise ValueError(f"a point or slice has {len(values)} entries, expected {length}")
    if not all(math.isfinite(abs(value)) for value in values):
        raise ValueError("a point or slice has a non-finite entry")
    return values


def _witness_set(record: dict[str, Any], nvars: int) -> WitnessSet:
    """Convert one answer component to a :class:`WitnessSet`, checking its shape."""
    dimension = int(record["dimension"])
    embedded = tuple(record["embedded_system"])
    if not 1 <= dimension < nvars:
        raise ValueError(f"a component of dimension {dimension} in {nvars} variables")
    if not record["points"]:
        raise ValueError(f"a component of dimension {dimension} has no witness points")
    if len(record["slices"]) != dimension or len(embedded) != nvars + dimension:
        raise ValueError(f"a component of dimension {dimension} has the wrong embedding")
    if not all(isinstance(polynomial, str) for polynomial in embedded):
        raise ValueError("an embedded polynomial is not a string")
    trace_error = record["trace_error"]
    return WitnessSet(
        dimension=dimension,
        points=tuple(_point(point, nvars) for point in record["points"]),
        slices=tuple(_point(hyperplane, nvars + 1) for hyperplane in record["slices"]),
        embedded_system=embedded,
        trace_error=None if trace_error is None else float(trace_error),
    )


def _parse_decompose(answer: dict[str, Any], nvars: int) -> dict[str, Any]:
    """Extract the Decomposition fields (and ``version``) of a successful decompose answer."""
    return {
        "components": tuple(_witness_set(record, nvars) for record in answer["components"]),
        "isolated_candidates": tuple(
            _point(point, nvars) for point in answer["isolated_candidates"]
        ),
        "dropped_nonfinite": int(answer["dropped_nonfinite"]),
        "version": str(answer["phcpack_version"]),
    }


def _parse_membership(answer: dict[str, Any], npoints: int) -> dict[str, Any]:
    """Extract the verdicts (and ``version``) of a successful membership answer."""
    members = answer["members"]
    if len(members) != npoints or not all(isinstance(member, bool) for member in members):
        raise ValueError(f"expected {npoints} boolean verdicts, got {members!r}")
    return {"members": tuple(members), "version": str(answer["phcpack_version"])}


def _parse_track(answer: dict[str, Any], nvars: int, npoints: int) -> dict[str, Any]:
    """Extract the TrackedPaths fields (and ``version``) of a successful track answer."""
    records = answer["endpoints"]
    if len(records) != npoints:
        raise ValueError(f"{len(records)} endpoints for {npoints} start points")
    return {
        "endpoints": tuple(None if record is None else _endpoint(record, nvars) for record in records),
        "version": str(answer["phcpack_version"]),
    }


def _crash_message(returncode: int, worker_error: str | None, log_tail: str) -> str:
    """Describe a worker that exited abnormally, for :class:`BackendCrashed`."""
    if returncode < 0:
        try:
            how = f"was killed by signal {signal.Signals(-returncode).name}"
        except ValueError:
            how = f"was killed by signal {-returncode}"
    else:
        how = f"exited with code {returncode}"
    message = f"PHCpack worker {how}"
    if worker_error:
        message += f": {worker_error}"
    message += ". The calling process is unaffected; retry with another seed or check the system."
    if log_tail:
        message += f"\nLast lines of the worker's output:\n{log_tail}"
    return message


def _outcome(
    returncode: int,
    answer_path: Path,
    log_tail: str,
    parse: Callable[[dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """Return ``parse(answer)`` for a successful run; raise :class:`BackendCrashed` otherwise.

    `parse` signals an answer that does not follow the protocol with KeyError, TypeError,
    ValueError or AttributeError.
    """
    try:
        answer = _load_answer(answer_path)
        if returncode == 0 and answer["ok"]:
            try:
                return parse(answer)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise _MalformedAnswer(
                    f"its answer does not follow the protocol ({exc!r})"
                ) from None
    except _MalformedAnswer as problem:
        if returncode == 0:
            raise BackendCrashed(
                f"PHCpack worker exited normally but {problem}.", returncode, log_tail
            ) from None
        answer = {}
    error = answer.get("error")
    raise BackendCrashed(
        _crash_message(returncode, None if error is None else str(error), log_tail),
        returncode,
        log_tail,
    )


def _point_pairs(point: Sequence[complex], nvars: int) -> list[list[float]]:
    """Write a point as JSON ``[re, im]`` pairs after checking its length and finiteness."""
    values = [complex(value) for value in point]
    if len(values) != nvars or not all(math.isfinite(abs(value)) for value in values):
        raise BackendError(
            f"points must have {nvars} finite coordinates, got {tuple(point)!r}."
        )
    return [[value.real, value.imag] for value in values]


class PhcpackBackend:
    """PHCpack's blackbox solver (polyhedral homotopies), one child process per solve.

    Also computes numerical irreducible decompositions (:meth:`decompose`) and runs homotopy
    membership tests (:meth:`membership`), each in its own child process.

    Parameters
    ----------
    phcpy_dir : path-like, optional
        Directory containing the ``phcpy`` package; default ``$ALGMORSE_PHCPY_DIR``, else
        ``/usr/lib/python3/dist-packages``.
    worker_command : sequence of str, optional
        Replaces ``[python, path/to/_phcpack_worker.py]`` (the request and answer paths are
        appended). With it, the child inherits the parent's environment unchanged and phcpy is
        not located. Meant for test doubles.

    Notes
    -----
    Systems whose root-count text could overflow PHCpack's 1024-character buffer (8 or more
    variables, or many high-degree equations) are solved through the silent C path after a
    warm-up solve; only ``mixed_volume`` and ``stable_mixed_volume`` are then reported.
    ``paths_tracked`` is the root count PHCpack used for its start system. Endpoints at
    infinity and failed paths are not reported by PHCpack at all.

    Examples
    --------
    >>> backend = PhcpackBackend()
    >>> backend.name
    'phcpack'
    """

    name = "phcpack"

    def __init__(
        self,
        *,
        phcpy_dir: str | os.PathLike[str] | None = None,
        worker_command: Sequence[str] | None = None,
    ) -> None:
        self._phcpy_dir = phcpy_dir
        self._worker_command = None if worker_command is None else list(worker_command)
        self._version: str | None = None

    def version(self) -> str:
        """Return the PHCpack version, e.g. ``"2.4.86"``.

        Taken from the last successful solve; if there was none, a one-variable system is
        solved to find it (a fraction of a second).

        Raises
        ------
        BackendUnavailable, BackendCrashed, BackendTimeout
        """
        if self._version is None:
            self.solve([{(1,): Fraction(1), (0,): Fraction(-1)}], 1, seed=1,
                       timeout=_VERSION_PROBE_TIMEOUT)
        assert self._version is not None
        return self._version

    def solve(
        self,
        polynomials: Sequence[SparsePolynomial],
        nvars: int,
        *,
        seed: int,
        timeout: float,
    ) -> RawSolve:
        """Run PHCpack's blackbox solver on a square system in a child process.

        Parameters
        ----------
        polynomials : sequence of SparsePolynomial
            One ``{exponents: coefficient}`` mapping per equation, variables indexed
            ``0..nvars-1``.
        nvars : int
            Number of variables (= number of equations).
        seed : int
            PHCpack's random seed, in ``0..2**31-1``; the same seed gives identical endpoints.
        timeout : float
            Seconds before the worker is killed (worker start-up included).

        Returns
        -------
        RawSolve
            Finite endpoints with coordinates in variable order, root counts, paths tracked,
            number of NaN endpoints dropped, wall-clock seconds and the end of the worker log.

        Raises
        ------
        BackendError
            If the system or seed would crash PHCpack (nothing is started then).
        BackendUnavailable
            If phcpy or a suitable interpreter is missing.
        BackendCrashed
            If the worker died, failed or wrote a malformed answer.
        BackendTimeout
            If the worker ran longer than `timeout`.
        """
        strings = format_system(polynomials, nvars)
        _check_seed(seed)
        request = {
            "polynomials": strings,
            "nvars": nvars,
            "variables": variable_names(nvars),
            "seed": seed,
            "silent": _use_silent_path(polynomials, nvars),
        }
        start = time.perf_counter()
        fields, log_tail = self._run_worker(
            request, timeout, lambda answer: _parse_solve(answer, nvars)
        )
        return RawSolve(
            seed=seed, seconds=time.perf_counter() - start, log_tail=log_tail, **fields
        )

    def decompose(
        self,
        polynomials: Sequence[SparsePolynomial],
        nvars: int,
        *,
        seed: int,
        timeout: float,
        topdim: int | None = None,
    ) -> Decomposition:
        """Numerical irreducible decomposition of a square system's solution set.

        PHCpack's cascade of homotopies (``phcpy.factor.polysys_solve``) computes a witness
        set for every dimension from `topdim` down to 0 and filters out the points that lie
        on higher-dimensional sets; each positive-dimensional witness set is then split into
        irreducible components by monodromy loops (``phcpy.factor.factor``), and factors the
        loops left apart are merged when their union passes PHCpack's linear trace test.

        Parameters
        ----------
        polynomials : sequence of SparsePolynomial
            One ``{exponents: coefficient}`` mapping per equation, variables indexed
            ``0..nvars-1``.
        nvars : int
            Number of variables (= number of equations).
        seed : int
            PHCpack's random seed, in ``0..2**31-1``; it fixes slices, paths and loops.
        timeout : float
            Seconds before the worker is killed (worker start-up included).
        topdim : int, optional
            Highest dimension searched, in ``0..nvars-1``; default ``nvars - 1``. Components
            of higher dimension would be missed or misreported.

        Returns
        -------
        Decomposition
            The irreducible components of dimension >= 1 (by decreasing dimension), each a
            :class:`WitnessSet` whose degree is its number of witness points, and the
            dimension-0 output as ``isolated_candidates``. The latter are **not validated**:
            PHCpack may report junk there (points on, or within about 1e-5 of, a
            positive-dimensional component), so check each one, e.g. by Newton refinement and
            a rank test or with :meth:`membership`. Points with a non-finite coordinate are
            dropped. A component whose ``trace_error`` is far from 0 (e.g. 0.5) is not
            certified: its witness set is incomplete (a witness point may have been reported
            in dimension 0 instead); rerun with another seed.

        Raises
        ------
        BackendError
            If the system, seed or `topdim` would crash PHCpack (nothing is started then).
        BackendUnavailable
            If phcpy or a suitable interpreter is missing.
        BackendCrashed
            If the worker died, failed or wrote a malformed answer.
        BackendTimeout
            If the worker ran longer than `timeout`.
        """
        strings = format_system(polynomials, nvars)
        _check_seed(seed)
        if topdim is None:
            topdim = nvars - 1
        if not isinstance(topdim, int) or not 0 <= topdim < nvars:
            raise BackendError(f"topdim must be an integer in 0..{nvars - 1}, got {topdim!r}.")
        request = {
            "task": "decompose",
            "polynomials": strings,
            "nvars": nvars,
            "variables": variable_names(nvars),
            "seed": seed,
            "topdim": topdim,
        }
        start = time.perf_counter()
        fields, log_tail = self._run_worker(
            request, timeout, lambda answer: _parse_decompose(answer, nvars)
        )
        return Decomposition(
            seed=seed, seconds=time.perf_counter() - start, log_tail=log_tail, **fields
        )

    def membership(
        self,
        witness: WitnessSet,
        points: Sequence[Sequence[complex]],
        *,
        seed: int,
        timeout: float,
    ) -> tuple[bool, ...]:
        """Test which points lie on the irreducible component `witness` represents.

        Runs PHCpack's homotopy membership test (``phcpy.sets.is_member``): a point is a
        member if it satisfies the system (residual below 1e-6) and it is among the witness
        points obtained by moving the component's slices through it (distance below 1e-6).
        A point on another component, or an isolated solution, is not a member.

        Parameters
        ----------
        witness : WitnessSet
            A component from :meth:`decompose`.
        points : sequence of sequence of complex
            Test points, coordinates in variable order.
        seed : int
            PHCpack's random seed, in ``0..2**31-1``.
        timeout : float
            Seconds before the worker is killed (worker start-up included).

        Returns
        -------
        tuple of bool
            One verdict per point, in order.

        Raises
        ------
        BackendError
            If the seed is invalid or a point has the wrong length or a non-finite
            coordinate (nothing is started then).
        BackendUnavailable, BackendCrashed, BackendTimeout
            As for :meth:`solve`.
        """
        _check_seed(seed)
        nvars = len(witness.embedded_system) - witness.dimension
        test_points = [_point_pairs(point, nvars) for point in points]
        if not test_points:
            return ()
        request = {
            "task": "membership",
            "embedded_system": list(witness.embedded_system),
            "dimension": witness.dimension,
            "witness_points": [_point_pairs(point, nvars) for point in witness.points],
            "points": test_points,
            "nvars": nvars,
            "variables": variable_names(nvars),
            "seed": seed,
        }
        fields, _ = self._run_worker(
            request, timeout, lambda answer: _parse_membership(answer, len(test_points))
        )
        return fields["members"]

    def track(
        self,
        legs: Sequence[Leg],
        points: Sequence[Sequence[complex]],
        nvars: int,
        *,
        seed: int,
        timeout: float,
    ) -> TrackedPaths:
        """Track start points through a sequence of homotopies in one child process.

        Parameters
        ----------
        legs : sequence of Leg
            Homotopies ``gamma (1 - t)^2 start + t^2 target``, applied in turn; each leg's start
            system is the previous leg's target. The systems are square in ``nvars`` variables
            (rational or complex coefficients).
        points : sequence of sequence of complex
            Solutions of ``legs[0].start``, ``nvars`` coordinates each.
        nvars : int
        seed : int
            PHCpack's random seed, in ``0..2**31-1``.
        timeout : float
            Seconds before the worker is killed.

        Returns
        -------
        TrackedPaths
            One endpoint per start point (``None`` where a path failed).

        Raises
        ------
        BackendError
            If a system or the seed would crash PHCpack, or a point has the wrong length.
        BackendUnavailable, BackendCrashed, BackendTimeout
            As for :meth:`solve`.
        """
        _check_seed(seed)
        if not legs:
            raise BackendError("track: give at least one leg.")
        if any(len(point) != nvars for point in points):
            raise BackendError(f"track: every start point needs {nvars} coordinates.")
        formatted = {}
        for leg in legs:
            for system in (leg.start, leg.target):
                if id(system) not in formatted:
                    formatted[id(system)] = format_system(system, nvars)
            if not (leg.gamma != 0 and math.isfinite(abs(leg.gamma))):
                raise BackendError(f"track: gamma must be a finite nonzero complex number, got {leg.gamma!r}.")
        request = {
            "task": "track",
            "nvars": nvars,
            "variables": variable_names(nvars),
            "seed": seed,
            "legs": [{"start": formatted[id(leg.start)], "target": formatted[id(leg.target)],
                      "gamma": [leg.gamma.real, leg.gamma.imag]} for leg in legs],
            "points": [_point_pairs(point, nvars) for point in points],
        }
        start = time.perf_counter()
        fields, log_tail = self._run_worker(request, timeout, lambda answer: _parse_track(answer, nvars, len(points)))
        return TrackedPaths(seconds=time.perf_counter() - start, log_tail=log_tail, **fields)

    def _launch(self, scratch: Path) -> tuple[list[str], dict[str, str]]:
        """Return the worker command (without file arguments) and its environment."""
        if self._worker_command is not None:
            return list(self._worker_command), dict(os.environ)
        phcpy_parent = locate_phcpy(self._phcpy_dir)
        interpreter = select_interpreter(phcpy_parent)
        exposed = scratch / "pythonpath"
        exposed.mkdir()
        (exposed / "phcpy").symlink_to(phcpy_parent / "phcpy", target_is_directory=True)
        env = dict(os.environ)
        env["PYTHONPATH"] = str(exposed)
        return [interpreter, str(WORKER_PATH)], env

    def _run_worker(
        self,
        request: dict[str, Any],
        timeout: float,
        parse: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> tuple[dict[str, Any], str]:
        """Run one worker in a fresh temporary directory (always removed).

        Returns ``parse(answer)`` without its ``"version"`` entry, which is remembered for
        :meth:`version`, and the log tail.
        """
        with processes.temporary_directory("phcpack") as directory:
            scratch = Path(directory)
            command, env = self._launch(scratch)
            request_path, answer_path, log_path = (
                scratch / "request.json", scratch / "answer.json", scratch / "worker.log"
            )
            request_path.write_text(
                json.dumps({**request, "log": str(log_path)}, allow_nan=False), encoding="utf-8"
            )
            returncode = _run(
                command + [str(request_path), str(answer_path)], env, log_path, timeout
            )
            log_tail = _log_tail(log_path)
            fields = _outcome(returncode, answer_path, log_tail, parse)
        self._version = fields.pop("version")
        return fields, log_tail
