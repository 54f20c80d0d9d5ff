"""Is the loss Morse-Bott? Exact tests on the minimal primes of its critical set (Singular).

A loss is Morse-Bott when its critical set is a disjoint union of smooth submanifolds along
which the Hessian is nondegenerate in the normal directions: on a component of codimension
``c`` the Hessian has rank ``c`` (its kernel is the tangent space). On the variety of a minimal
prime ``P`` of dimension ``d = n - c`` of the gradient ideal, the Hessian has rank at most ``c``
everywhere (where it had more, the critical set would have dimension below ``d``), and where it
has rank exactly ``c`` the critical set is, near that point, a manifold of dimension ``d`` (``c``
gradient components with independent differentials cut one out, and it contains ``V(P)``): the
point is a smooth point of ``V(P)`` and on no other component. So one emptiness test per prime
decides everything (a standard basis equal to ``1``):

* **degenerate**: ``P + (c x c minors of the Hessian)`` has no point. Its points are the
  singular points of ``V(P)``, the points it shares with another component, and the points
  where the normal Hessian degenerates. The minors are many; their principal sum ``e_c`` (a
  coefficient of the characteristic polynomial, one polynomial) is tried first: ``P + (e_c)``
  empty already proves rank ``c`` everywhere, and otherwise the minors are added to that smaller
  ideal. (``e_c`` can vanish where a complex symmetric Hessian has rank ``c``; at a real point it
  cannot, but the minors decide either way.)

Two components that meet are also reported as such (**meeting**: ``P_i + P_j`` has a point; those
points are degenerate for the component of lower or equal dimension, so this only names them).

Empty over the complex numbers implies empty over the reals, so "all empty" proves the loss
Morse-Bott over both. A nonempty test proves it is not Morse-Bott over the complex numbers;
over the reals it is a proof only when the offending set has a real point: decided when that
set is finite (msolve's real roots), shown when a slice of it by random rational hyperplanes has
one, and otherwise left open.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from ..errors import BackendError, BackendUnavailable
from . import processes
from .exact import (
    _MARK,
    INSTALL_HINT,
    _singular_path,
    _singular_script,
    _StageTimeout,
    _validate,
)
from .exact_components import PrimeComponent, _print_terms, _read_terms, singular_stage
from .linear_sets import is_affine, nearest_affine_point

__all__ = ["Obstruction", "MorseBottTest", "morse_bott_test"]

_MINOR_SUM_LIMIT = 3000  # principal minors summed as a first filter (C(14, 7) = 3432 is beyond it)

Polynomial = Mapping[tuple[int, ...], Fraction]


@dataclass(frozen=True, slots=True)
class Obstruction:
    """A nonempty test: what failed, on which primes, and whether it has a real point.

    Attributes
    ----------
    kind : {"degenerate", "meeting"}
        A point where the Hessian drops below the codimension (a singular point of the
        component, one it shares with another, or a normally degenerate one),
        or a point common to two components.
    primes : tuple of int
        The prime (or pair of primes) concerned, as indices into the decomposition.
    dimension : int
        Dimension of the offending set.
    real : bool or None
        Whether it has a real point: decided when it is finite (msolve's real roots); for a
        positive-dimensional set, True when a slice of it by random rational hyperplanes has a
        real point, None otherwise. For a meeting set: False when the degenerate set that holds
        it has no real point, None otherwise (not checked on its own).
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

    lines = ['LIB "matrix.lib";', 'system("random", 2718);', "list Q;",
             "int k; int l; int c; int q; int v; ideal B; ideal S; poly h; poly e;"]
    for k, prime in enumerate(primes, 1):
        lines.append(f"Q[{k}] = std(ideal({', '.join(_integer_text(g) for g in _validate(prime.generators, nvars))}));")
    codimensions = sorted({nvars - prime.dimension for prime in primes})
    lines.append("matrix H = jacob(i);")
    for codimension in codimensions:  # the same polynomial for every prime of that codimension
        lines += _principal_minor_sum(nvars, codimension)
    lines += ["for (k = 1; k <= size(Q); k++) {", f"  c = {nvars} - dim(Q[k]);"]
    lines += [f"  if (c == {codimension}) {{ e = reduce(e{codimension}, Q[k]); }}" for codimension in codimensions]
    lines += [
        "  B = std(Q[k] + ideal(e));",  # empty: the Hessian has rank c everywhere on the component
        "  if (dim(B) >= 0) { B = std(B + minor(H, c)); }",  # else: where its rank is truly below c
        f'  print("{_MARK}TEST degenerate " + string(k) + " 0 " + string(dim(B)));',
        *_sliced("DEGENERATE", "string(k)", nvars),
        "  for (l = k + 1; l <= size(Q); l++) {",
        "    B = std(Q[k] + Q[l]);",
        f'    print("{_MARK}TEST meeting " + string(k) + " " + string(l) + " " + string(dim(B)));',
        "  }",
        "}",
    ]
    script = _singular_script(_validate(gradient, nvars), nvars, "\n".join(lines))
    started = time.monotonic()
    with processes.temporary_directory("morse-bott") as directory:
        values = singular_stage(singular, script, directory, timeout, "the Singular tests", "Morse-Bott test")
    obstructions = _obstructions(values, nvars, [prime.dimension for prime in primes],
                                 max(1.0, timeout - (time.monotonic() - started)))
    return MorseBottTest(tuple(obstructions), time.monotonic() - started)


def _principal_minor_sum(nvars: int, codimension: int) -> list[str]:
    """Singular code setting ``e<codimension>`` to the sum of the Hessian's principal minors of
    that size (or to 0 when there are too many of them: the filter is then skipped, and the minors
    decide alone)."""
    subsets = list(itertools.islice(itertools.combinations(range(1, nvars + 1), codimension), _MINOR_SUM_LIMIT + 1))
    name = f"e{codimension}"
    if len(subsets) > _MINOR_SUM_LIMIT:
        return [f"poly {name} = 0;"]
    lines = [f"poly {name} = 0;"]
    for subset in subsets:
        rows = ",".join(map(str, subset))
        lines.append(f"{name} = {name} + det(submat(H, intvec({rows}), intvec({rows})));")
    return lines


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


def _obstructions(values: dict[str, list[str]], nvars: int, dimensions: Sequence[int],
                  timeout: float) -> list[Obstruction]:
    """The nonempty tests, each with whether it has a real point.

    A degenerate set is checked with msolve (its slice, when it is not finite). Two components
    meet only at degenerate points of the one of lower (or equal) dimension (see the module), so a
    meeting set has no real point when that degenerate set has none; otherwise its realness is
    left open rather than checked (the degenerate set already decides the verdict).
    """
    finite = _read_terms(values.get("DEGENERATE", []), nvars)
    tests = [line.split() for line in values.get("TEST", [])]
    degenerate = [(int(first), int(dimension)) for kind, first, _, dimension in tests
                  if kind == "degenerate" and int(dimension) >= 0]

    def obstruction(prime: int, dimension: int) -> Obstruction:
        generators = finite.get(prime, {})
        real = _has_real_point([generators[j] for j in sorted(generators)], nvars, timeout)
        if real is False and dimension > 0:
            real = None  # no real point on one slice: the set may still have real points elsewhere
        return Obstruction("degenerate", (prime,), dimension, real)

    found = processes.thread_map(obstruction, *zip(*degenerate), workers=processes.SOLVER_THREADS) \
        if degenerate else []
    realness = {o.primes[0]: o.real for o in found}
    for kind, first, second, dimension in tests:
        if int(dimension) < 0 or kind != "meeting":
            continue
        k, l = int(first), int(second)
        lower = k if dimensions[k - 1] <= dimensions[l - 1] else l
        found.append(Obstruction(kind, (k, l), int(dimension), False if realness.get(lower) is False else None))
    return found


def _has_real_point(polynomials: list[dict], nvars: int, timeout: float) -> bool | None:
    """Whether a finite set has a real point (msolve's real roots); None when msolve cannot say."""
    from .exact import _msolve_path, _run_msolve

    if polynomials and is_affine(polynomials):  # a rational point (or affine space): real
        return True if nearest_affine_point(polynomials, nvars, [Fraction(0)] * nvars) is not None else None
    msolve = _msolve_path()
    if msolve is None or not polynomials:
        return None
    try:
        with processes.temporary_directory("real") as directory:
            answer = _run_msolve(msolve, polynomials, nvars, directory, timeout)
    except (_StageTimeout, BackendError):  # the question stays open, never decided by a failure
        return None
    return None if answer.dimension_class != 0 or answer.real is None else answer.real > 0
