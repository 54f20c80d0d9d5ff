"""Does a component of the critical set have a real point? A proof either way, when it is small enough.

Every nonempty closed real set has a point nearest to any given point ``a``. On a variety
``V(P)`` of codimension ``c`` such a nearest point is either singular (the Jacobian of ``P``'s
generators has rank below ``c`` there) or a critical point of the squared distance to ``a``
(``x - a`` lies in the span of the generators' gradients, i.e. every ``(c + 1) x (c + 1)`` minor
of the Jacobian with the row ``x - a`` appended vanishes). Both conditions together define an
ideal that contains every such point; for a random rational ``a`` it is usually finite. Then
msolve's rational parametrization, with the real roots of its eliminating polynomial isolated
exactly (:func:`~algmorse.engine.exact.is_proven_real`), decides it:

* no real root: ``V(P)`` has no real point at all (a proof);
* a real root: ``V(P)`` has a real point (the root lies on ``V(P)``).

When the ideal is not finite (a positive-dimensional singular locus, say) the question is left
open (None), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

import numpy as np
from flint import arb, fmpq

from ..errors import BackendError, BackendUnavailable
from ..model.precision import working_precision
from . import processes
from .exact import (
    INSTALL_HINT,
    _integer_text,
    _msolve_path,
    _singular_path,
    _singular_script,
    _validate,
    exact_points,
    is_proven_real,
)
from .exact_components import PrimeComponent, _print_terms, _read_terms, singular_stage
from .linear_sets import is_affine, nearest_affine_point

__all__ = ["RealPoints", "real_points_of"]



@dataclass(frozen=True, slots=True)
class RealPoints:
    """What the nearest-point test says of a component's real part.

    Attributes
    ----------
    real : bool or None
        True: it has real points (proven); False: it has none (proven); None: undecided.
    points : list of ndarray
        Real points on it, one nearest point per connected component of its real part met
        (at 256-bit precision, rounded to double), when ``real`` is True.
    balls : list of list of flint.arb
        The same points as real balls (256 bits) holding the exact real points.
    infinite : bool
        Undecided because the candidate points were infinitely many (another point ``a`` may do).
    """

    real: bool | None
    points: list[np.ndarray]
    balls: list[list] = field(default_factory=list)
    infinite: bool = False


def real_points_of(primes: Sequence[PrimeComponent], nvars: int, *, points: Sequence[Sequence[Fraction]],
                   timeout: float = 30.0) -> list[RealPoints]:
    """Decide whether the variety of each prime has a real point (see the module), with samples.

    One Singular run forms the nearest-point ideals of all the primes, in the order given (put
    the cheap ones first); msolve then solves each finite one.

    Parameters
    ----------
    primes : sequence of PrimeComponent
    nvars : int
    points : sequence of sequence of Fraction
        For each prime, the point ``a`` whose nearest points are sought (random and rational, for
        genericity).
    timeout : float
        Seconds for Singular (the primes it has not reached by then stay undecided), then for
        each msolve run.

    Returns
    -------
    list of RealPoints
        One per prime, in order.

    Raises
    ------
    BackendUnavailable
        If Singular or msolve is missing.
    """
    singular, msolve = _singular_path(), _msolve_path()
    if singular is None or msolve is None:
        raise BackendUnavailable("real points of a component: Singular and msolve are needed. " + INSTALL_HINT)
    body = ['LIB "matrix.lib";', "int k; int c; ideal P; matrix J; matrix A; ideal N;"]
    affine = {k for k, prime in enumerate(primes, 1) if is_affine(prime.generators)}
    for k, (prime, point) in enumerate(zip(primes, points), 1):
        if k in affine:
            continue  # an affine subspace: its real part is connected, and the nearest point is rational
        generators = ", ".join(_integer_text(g) for g in _validate(prime.generators, nvars))
        # the row x - a scaled by the denominators (no division: Singular divides integers as integers)
        offsets = ", ".join(f"{Fraction(a).denominator}*x{i + 1} - ({Fraction(a).numerator})"
                            for i, a in enumerate(point))
        body += [
            f"k = {k};",
            f"P = std(ideal({generators}));",
            f"c = {nvars} - dim(P);",
            "J = jacob(P);",
            f"matrix D{k}[1][{nvars}] = {offsets};",
            f"A = concat(transpose(J), transpose(D{k}));",  # n x (m + 1): generators' gradients and x - a
            "N = std(P + minor(A, c + 1));",
            "if (dim(N) == 0) {",
            *_print_terms("NEAREST", "N"),
            "}",
            f'print("AM_DIM {k} " + string(dim(N)));',  # after the terms: this prime is complete
        ]
    values: dict[str, list[str]] = {}
    if len(affine) < len(primes):
        script = _singular_script([{}], nvars, "\n".join(body))
        with processes.temporary_directory("real") as directory:
            values = singular_stage(singular, script, directory, timeout, "nearest points",
                                    "real points of a component", partial=True)
    dimensions = dict(line.split() for line in values.get("DIM", []))
    terms = _read_terms(values.get("NEAREST", []), nvars)

    def decide(k: int) -> RealPoints:
        if k in affine:
            return _nearest_affine(primes[k - 1], nvars, points[k - 1])
        dimension = dimensions.get(str(k))
        if dimension != "0":
            return RealPoints(False if dimension == "-1" else None, [],
                              infinite=dimension is not None and int(dimension) > 0)
        nearest = terms.get(k, {})
        return _real_nearest([nearest[j] for j in sorted(nearest)], nvars, timeout)

    return processes.thread_map(decide, range(1, len(primes) + 1), workers=processes.SOLVER_THREADS)


def _nearest_affine(prime: PrimeComponent, nvars: int, point: Sequence[Fraction]) -> RealPoints:
    """An affine subspace over QQ: real (its points are real where its coordinates are rational), its
    real part connected, met by the rational point nearest to ``point``."""
    nearest = nearest_affine_point(prime.generators, nvars, point)
    if nearest is None:
        return RealPoints(None, [])  # empty: not a component (cannot happen for a prime)
    with working_precision(256):
        ball = [arb(fmpq(v.numerator, v.denominator)) for v in nearest]
    return RealPoints(True, [np.array([float(v) for v in nearest])], [ball])


def _real_nearest(polynomials: list[dict], nvars: int, timeout: float) -> RealPoints:
    """The real points among the (finitely many) nearest points: none proves there is no real point."""
    try:
        solutions = exact_points(polynomials, nvars, timeout=timeout)
    except BackendError:
        return RealPoints(None, [])
    real = [p for p in solutions if is_proven_real(p)]
    if not real:
        return RealPoints(False, [])
    return RealPoints(True, [np.array([float(z.real.mid()) for z in p]) for p in real],
                      [[z.real for z in p] for p in real])
