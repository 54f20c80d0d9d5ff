"""Exact proofs at rational critical points: the point, its multiplicity, or the component through it.

An interval certificate (:mod:`algmorse.engine.certify`) proves a *nondegenerate* critical point;
it can never prove a multiple one, where every box holds a singular Hessian. Many degenerate
critical points of our losses are rational, though (the origin of a network without biases, a
cusp at 0, a stratum point with zero weights). For those the proof is exact: the coordinates
are recognised as small rationals, the gradient is checked to vanish there *exactly* (rational
arithmetic), and Singular's standard basis in a local ordering at the point
(:func:`~algmorse.engine.exact.local_structure_at`) gives its local dimension and multiplicity
over QQ. Nothing numerical enters the result: a wrong guess of the rationals fails the exact
check and proves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from ..errors import BackendError
from .exact import available_exact_tools, local_structure_at

__all__ = ["ExactPoint", "prove_rational_point", "rational_guesses"]

_DENOMINATORS: tuple[int, ...] = (1, 1000, 10**6)
"""Largest denominators tried, in turn, when a coordinate is read as a rational."""
_IMAGINARY = 1e-6
"""Largest imaginary part (relative to the point's size, at least 1) of a point read as real. A
multiple point is computed to about the m-th root of the working precision (1e-9 for a triple
point at the origin of a [1, 1, 1] network at its threshold), so this is loose; a wrong guess
only fails the exact check."""


@dataclass(frozen=True, slots=True)
class ExactPoint:
    """An exact proof about a rational critical point (the catalog's ``exact_point``).

    Attributes
    ----------
    coordinates : tuple of Fraction
        The point, exactly; the gradient vanishes there in rational arithmetic.
    dimension : int
        Local dimension of the critical set there: 0 for an isolated point, ``k > 0`` when a
        component of dimension ``k`` passes through it.
    multiplicity : int or None
        The local multiplicity (dimension of the local ring) of an isolated point; ``None``
        when ``dimension > 0``.
    method : str
        ``"singular-local"`` (a standard basis over QQ in the local ordering ``ds``).
    """

    coordinates: tuple[Fraction, ...]
    dimension: int
    multiplicity: int | None
    method: str = "singular-local"


def rational_guesses(point: np.ndarray) -> list[tuple[Fraction, ...]]:
    """Small-denominator rationals near a real point, one candidate per denominator bound."""
    values = np.asarray(point, dtype=complex)
    size = max(1.0, float(np.max(np.abs(values), initial=0.0)))
    if float(np.max(np.abs(values.imag), initial=0.0)) > _IMAGINARY * size:
        return []
    guesses: list[tuple[Fraction, ...]] = []
    for bound in _DENOMINATORS:
        guess = tuple(Fraction(float(v.real)).limit_denominator(bound) for v in values)
        if guess not in guesses:
            guesses.append(guess)
    return guesses


def prove_rational_point(gradient: Sequence[dict[tuple[int, ...], Fraction]], point: np.ndarray, *,
                         timeout: float = 10.0) -> ExactPoint | None:
    """An exact proof about the critical point at ``point``, when it is a small rational.

    Parameters
    ----------
    gradient : sequence of dict
        The exact gradient (:meth:`~algmorse.model.system.PolynomialSystem.sparse_gradient`).
    point : ndarray
        A numerical critical point.
    timeout : float
        Seconds allowed for Singular.

    Returns
    -------
    ExactPoint or None
        ``None`` when no nearby small rational point is an exact zero of the gradient, or
        Singular is not installed or failed (nothing is then proven).
    """
    if "singular" not in available_exact_tools():
        return None
    for guess in rational_guesses(point):
        if not all(_evaluate(g, guess) == 0 for g in gradient):
            continue
        try:
            structure = local_structure_at(gradient, len(guess), guess, timeout=timeout)
        except BackendError:
            return None
        if structure.dimension < 0:  # cannot happen for an exact zero; nothing is claimed then
            return None
        return ExactPoint(guess, structure.dimension, structure.multiplicity)
    return None


def _evaluate(polynomial: dict[tuple[int, ...], Fraction], point: tuple[Fraction, ...]) -> Fraction:
    total = Fraction(0)
    for exponents, coefficient in polynomial.items():
        term = coefficient
        for value, power in zip(point, exponents):
            if power:
                term *= value ** power
        total += term
    return total
