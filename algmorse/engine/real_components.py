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

from ..errors import BackendError, BackendUnavailable
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
    """

    real: bool | None
    points: list[np.ndarray]
    balls: list[list] = field(default_factory=list)


def real_points_of(prime: PrimeComponent, nvars: int, *, point: Sequence[Fraction],
                   timeout: float = 30.0) -> RealPoints:
    """Decide whether the variety of ``prime`` has a real point (see the module), with samples.

    Parameters
    ----------
    prime : PrimeComponent
    nvars : int
    point : sequence of Fraction
        The point ``a`` whose nearest points are sought (random and rational, for genericity).
    timeout : float
        Seconds for Singular, then msolve.

    Raises
    ------
    BackendUnavailable
        If Singular or msolve is missing.
    BackendTimeout
        If Singular runs out of time.
    """
    singular, msolve = _singular_path(), _msolve_path()
    if singular is None or msolve is None:
        raise BackendUnavailable("real points of a component: Singular and msolve are needed. " + INSTALL_HINT)
    generators = ", ".join(_integer_text(g) for g in _validate(prime.generators, nvars))
    # the row x - a scaled by the denominators (no division: Singular divides integers as integers)
    offsets = ", ".join(f"{Fraction(a).denominator}*x{i + 1} - ({Fraction(a).numerator})" for i, a in enumerate(point))
    body = "\n".join([
        'LIB "matrix.lib";',
        "int k = 1;",
        f"ideal P = std(ideal({generators}));",
        f"int c = {nvars} - dim(P);",
        "matrix J = jacob(P);",
        f"matrix D[1][{nvars}] = {offsets};",
        "matrix A = concat(transpose(J), transpose(D));",  # n x (m + 1): generators' gradients and x - a
        "ideal N = std(P + minor(A, c + 1));",
        'print("AM_DIM " + string(dim(N)));',
        "if (dim(N) == 0) {",
        *_print_terms("NEAREST", "N"),
        "}",
    ])
    script = _singular_script([{}], nvars, body)
    with processes.temporary_directory("real") as directory:
        values = singular_stage(singular, script, directory, timeout, "nearest points", "real points of a component")
        dimension = values.get("DIM", ["1"])[0]
        if dimension != "0":
            return RealPoints(False if dimension == "-1" else None, [])
        terms = _read_terms(values.get("NEAREST", []), nvars).get(1, {})
        polynomials = [terms[j] for j in sorted(terms)]
    try:
        solutions = exact_points(polynomials, nvars, timeout=timeout)
    except BackendError:
        return RealPoints(None, [])
    real = [p for p in solutions if is_proven_real(p)]
    if not real:
        return RealPoints(False, [])
    return RealPoints(True, [np.array([float(z.real.mid()) for z in p]) for p in real], [[z.real for z in p] for p in real])
