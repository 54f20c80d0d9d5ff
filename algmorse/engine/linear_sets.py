"""Affine-linear sets, solved exactly without an external tool.

Many components of a critical set are linear (the multiplicative regularizer's core locus is a
union of coordinate subspaces, and a minimal prime of degree 1 is always an affine subspace). On
such a set, cutting by hyperplanes, finding a real point and the point nearest to a given one are
linear algebra over QQ: the answers are rational points, real and exact, and starting Singular or
msolve for them costs far more than the algebra (milliseconds per process).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping, Sequence

from flint import fmpq, fmpq_mat

__all__ = ["is_affine", "affine_solution", "nearest_affine_point"]

Polynomial = Mapping[tuple[int, ...], Fraction]


def is_affine(polynomials: Sequence[Polynomial]) -> bool:
    """Whether every polynomial has total degree at most 1."""
    return all(sum(exponents) <= 1 for p in polynomials for exponents, c in p.items() if c)


def _system(polynomials: Sequence[Polynomial], nvars: int) -> tuple[list[list[Fraction]], list[Fraction]]:
    """``A x = b`` for affine polynomials (``A x - b``, one row each)."""
    rows, rhs = [], []
    for polynomial in polynomials:
        row = [Fraction(0)] * nvars
        constant = Fraction(0)
        for exponents, c in polynomial.items():
            if any(exponents):
                row[exponents.index(1)] += Fraction(c)
            else:
                constant += Fraction(c)
        rows.append(row)
        rhs.append(-constant)
    return rows, rhs


def _matrix(rows: Sequence[Sequence[Fraction]], ncols: int) -> fmpq_mat:
    return fmpq_mat(len(rows), ncols, [fmpq(int(v.numerator), int(v.denominator)) for row in rows for v in row])


def _fraction(value: fmpq) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def affine_solution(polynomials: Sequence[Polynomial], nvars: int) -> list[Fraction] | None:
    """The unique solution of affine equations, or None when there is none or more than one.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> affine_solution([{(1, 0): F(1), (0, 0): F(-2)}, {(1, 0): F(1), (0, 1): F(1)}], 2)
    [Fraction(2, 1), Fraction(-2, 1)]
    """
    rows, rhs = _system(polynomials, nvars)
    if not rows:
        return None if nvars else []
    augmented = _matrix([row + [b] for row, b in zip(rows, rhs)], nvars + 1)
    reduced, rank = augmented.rref()
    if rank != nvars or _matrix(rows, nvars).rank() != nvars:
        return None  # inconsistent (the augmented rank is higher) or underdetermined
    return [_fraction(reduced[i, nvars]) for i in range(nvars)]


def nearest_affine_point(polynomials: Sequence[Polynomial], nvars: int,
                         point: Sequence[Fraction]) -> list[Fraction] | None:
    """The point of the affine set ``{x : p(x) = 0}`` nearest to ``point`` (orthogonal projection),
    or None when the set is empty.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> nearest_affine_point([{(1, 0): F(1), (0, 1): F(-1)}], 2, [F(1), F(0)])  # the line x = y
    [Fraction(1, 2), Fraction(1, 2)]
    """
    rows, rhs = _system(polynomials, nvars)
    if rows:
        reduced, rank = _matrix([row + [b] for row, b in zip(rows, rhs)], nvars + 1).rref()
        if _matrix(rows, nvars).rank() != rank:
            return None  # inconsistent: the empty set
        # the independent equations A x = b of the set; x = a - A^T (A A^T)^-1 (A a - b)
        independent = [[_fraction(reduced[i, j]) for j in range(nvars + 1)] for i in range(rank)]
        rows, rhs = [r[:nvars] for r in independent], [r[nvars] for r in independent]
    if not rows:
        return [Fraction(a) for a in point]
    a = _matrix([[Fraction(v)] for v in point], 1)
    matrix, b = _matrix(rows, nvars), _matrix([[v] for v in rhs], 1)
    correction = matrix.transpose() * (matrix * matrix.transpose()).solve(matrix * a - b)
    return [_fraction(a[i, 0] - correction[i, 0]) for i in range(nvars)]
