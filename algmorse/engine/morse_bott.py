"""Is the loss Morse-Bott? Exact tests on the minimal primes of its critical set (Singular).

A loss is Morse-Bott when its critical set is a disjoint union of smooth submanifolds along
which the Hessian is nondegenerate in the normal directions: on a component of codimension
``c`` the Hessian has rank ``c`` (its kernel is the tangent space). For the minimal primes
``P_1, ..., P_m`` of the gradient ideal over QQ this is decided by three emptiness tests, each a
standard basis equal to ``1``:

* **smooth**: ``P_k + (c x c minors of the Jacobian of P_k's generators)`` has no point (the
  Jacobian criterion: the singular points of ``V(P_k)`` are where that rank drops);
* **normally nondegenerate**: ``P_k + (c x c minors of the Hessian of the loss)`` has no point
  (the Hessian has rank at least ``c``, hence exactly ``c``, everywhere on the component; for an
  isolated point, ``c = n``: the determinant, the Morse condition);
* **disjoint**: ``P_i + P_j`` has no point, for every pair (two components that meet do not make a
  manifold).

Empty over the complex numbers implies empty over the reals, so "all empty" proves the loss
Morse-Bott over both. A nonempty test proves it is not Morse-Bott over the complex numbers;
over the reals it is a proof only when the offending set has a real point: decided when that
set is finite (msolve's real roots), shown when a slice of it by random rational hyperplanes has
one, and otherwise left open.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from ..errors import BackendError, BackendUnavailable
from . import processes
from .exact import INSTALL_HINT, _MARK, _StageTimeout, _singular_path, _singular_script, _validate
from .exact_components import PrimeComponent, _print_terms, _read_terms, singular_stage

__all__ = ["Obstruction", "MorseBottTest", "morse_bott_test"]

Polynomial = Mapping[tuple[int, ...], Fraction]


@dataclass(frozen=True, slots=True)
class Obstruction:
    """A nonempty test: what failed, on which primes, and whether it has a real point.

    Attributes
    ----------
    kind : {"singular", "degenerate", "meeting"}
        A singular point of a component, a point where the Hessian drops below the codimension,
        or a point common to two components.
    primes : tuple of int
        The prime (or pair of primes) concerned, as indices into the decomposition.
    dimension : int
        Dimension of the offending set.
    real : bool or None
        Whether it has a real point: decided when it is finite (msolve's real roots); for a
        positive-dimensional set, True when a slice of it by random rational hyperplanes has a
        real point, None otherwise.
    """

    kind: str
    primes: tuple[int, ...]
    dimension: int
    real: bool | None


@dataclass(frozen=True, slots=True)
class MorseBottTest:
    """The outcome of :func:`morse_bott_test`: every obstruction found (none: Morse-Bott)."""

    obstructions: tuple[Obstruction, ...]
    seconds: float

    @property
    def complex_morse_bott(self) -> bool:
        return not self.obstructions

    @property
    def morse_bott(self) -> bool | None:
        """Over the reals: True when nothing obstructs, False when an obstruction has a real point,
        None when some has no decided real point and none has one."""
        if not self.obstructions:
            return True
        if any(o.real for o in self.obstructions):
            return False
        if all(o.real is False for o in self.obstructions):
            return True
        return None


def morse_bott_test(gradient: Sequence[Polynomial], nvars: int, primes: Sequence[PrimeComponent], *,
                    timeout: float = 60.0) -> MorseBottTest:
    """Decide whether the critical set with minimal primes ``primes`` is Morse-Bott (see the module).

    Parameters
    ----------
    gradient : sequence of mapping
        The loss's gradient (its Jacobian is the Hessian).
    nvars : int
    primes : sequence of PrimeComponent
        The minimal primes of the gradient ideal (:func:`~algmorse.engine.exact_components.exact_decomposition`).
    timeout : float
        Seconds allowed to Singular for every test together.

    Raises
    ------
    BackendUnavailable, BackendTimeout, BackendCrashed
    """
    singular = _singular_path()
    if singular is None:
        raise BackendUnavailable("Morse-Bott test: Singular is not installed. " + INSTALL_HINT)
    from .exact import _integer_text

    lines = ['system("random", 2718);', "list Q;", "int k; int l; int c; int q; int v; ideal B; ideal S; poly h;"]
    for k, prime in enumerate(primes, 1):
        lines.append(f"Q[{k}] = std(ideal({', '.join(_integer_text(g) for g in _validate(prime.generators, nvars))}));")
    lines += [
        "matrix H = jacob(i);",
        "for (k = 1; k <= size(Q); k++) {",
        f"  c = {nvars} - dim(Q[k]);",
        "  if (dim(Q[k]) > 0) {",
        "    B = std(Q[k] + minor(jacob(Q[k]), c));",
        f'    print("{_MARK}TEST singular " + string(k) + " 0 " + string(dim(B)));',
        *_sliced("SINGULAR", "string(k)", nvars),
        "  }",
        "  B = std(Q[k] + minor(H, c));",
        f'  print("{_MARK}TEST degenerate " + string(k) + " 0 " + string(dim(B)));',
        *_sliced("DEGENERATE", "string(k)", nvars),
        "  for (l = k + 1; l <= size(Q); l++) {",
        "    B = std(Q[k] + Q[l]);",
        f'    print("{_MARK}TEST meeting " + string(k) + " " + string(l) + " " + string(dim(B)));',
        *_sliced("MEETING", "string(k * 1000 + l)", nvars),
        "  }",
        "}",
    ]
    script = _singular_script(_validate(gradient, nvars), nvars, "\n".join(lines))
    started = time.monotonic()
    with processes.temporary_directory("morse-bott") as directory:
        values = singular_stage(singular, script, directory, timeout, "the Singular tests", "Morse-Bott test")
        obstructions = _obstructions(values, nvars, directory, max(1.0, timeout - (time.monotonic() - started)))
    return MorseBottTest(tuple(obstructions), time.monotonic() - started)


def _sliced(key: str, label: str, nvars: int) -> list[str]:
    """Singular code: when ``B`` is not empty, cut it by ``dim(B)`` random rational hyperplanes and,
    when that leaves finitely many points, print them as terms under ``key`` (a real one among
    them is a real point of ``B``)."""
    return [
        "    if (dim(B) >= 0) {",
        "      S = B;",
        "      for (q = 1; q <= dim(B); q++) {",
        "        h = random(-9, 9);",
        f"        for (v = 1; v <= {nvars}; v++) {{ h = h + random(-9, 9) * var(v); }}",
        "        S = S + ideal(h);",
        "      }",
        "      S = std(S);",
        "      if (dim(S) == 0) {",
        *["      " + line.replace("string(k)", label) for line in _print_terms(key, "S")],
        "      }",
        "    }",
    ]


def _obstructions(values: dict[str, list[str]], nvars: int, directory: str, timeout: float) -> list[Obstruction]:
    finite = {key: _read_terms(values.get(key.upper(), []), nvars) for key in ("singular", "degenerate", "meeting")}
    found = []
    for line in values.get("TEST", []):
        kind, first, second, dimension = line.split()
        if int(dimension) < 0:
            continue
        primes = (int(first),) if second == "0" else (int(first), int(second))
        key = int(first) if second == "0" else int(first) * 1000 + int(second)
        generators = finite[kind].get(key, {})
        real = _has_real_point([generators[j] for j in sorted(generators)], nvars, directory, timeout)
        if real is False and int(dimension) > 0:
            real = None  # no real point on one slice: the set may still have real points elsewhere
        found.append(Obstruction(kind, primes, int(dimension), real))
    return found


def _has_real_point(polynomials: list[dict], nvars: int, directory: str, timeout: float) -> bool | None:
    """Whether a finite set has a real point (msolve's real roots); None when msolve cannot say."""
    from .exact import _msolve_path, _run_msolve

    msolve = _msolve_path()
    if msolve is None or not polynomials:
        return None
    try:
        answer = _run_msolve(msolve, polynomials, nvars, directory, timeout)
    except (_StageTimeout, BackendError):  # the question stays open, never decided by a failure
        return None
    return None if answer.dimension_class != 0 or answer.real is None else answer.real > 0
