"""Multiplicity and local dimension of a critical point, from its local dual space.

The local dual space of the gradient ideal ``I = <g_1, ..., g_n>`` at a point ``p`` is the space
of differential functionals ``sum_beta c_beta d^beta/beta! |_p`` that vanish on ``I``. Its
order-``k`` part ``D_k`` is the null space of the Macaulay matrix ``M_k``, whose rows are the
products ``y^alpha g_i(p + y)`` (``|alpha| <= k - 1``) written in the monomials ``y^beta``,
``|beta| <= k`` (Dayton and Zeng, "Computing the multiplicity structure in solving polynomial
systems", ISSAC 2005). The dimensions ``dim D_0 = 1 <= dim D_1 <= ...`` grow as long as new
functionals exist, and

* if ``dim D_k = dim D_(k-1)`` for some ``k``, the dual space is closed: ``p`` is an isolated
  solution of multiplicity ``dim D_(k-1)`` (a dual space with no order-``k`` element has none of
  higher order);
* at a point on a positive-dimensional component the dimensions grow for ever (like ``k^d``).

``dim D_1 - 1`` is the corank of the Hessian (the breadth). The Macaulay matrices grow quickly
with ``n`` and ``k``, so the computation stops at a column budget; a point whose dual space has
not closed by then is reported as undetermined (``isolated = None``), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations_with_replacement
from math import comb

import numpy as np

from ..model.numeric import NumericSystem

__all__ = ["LocalStructure", "local_structure"]


@dataclass(frozen=True, slots=True)
class LocalStructure:
    """What the local dual space says about a point.

    Attributes
    ----------
    isolated : bool or None
        ``True`` when the dual space closed (the point is an isolated solution); ``None`` when it
        was still growing at the largest order computed (a positive-dimensional component is
        likely; see ``dual_dimensions``).
    multiplicity : int or None
        Dimension of the closed dual space; ``None`` unless ``isolated``.
    dual_dimensions : tuple of int
        ``dim D_0, dim D_1, ...`` up to the last order computed.
    """

    isolated: bool | None
    multiplicity: int | None
    dual_dimensions: tuple[int, ...]


def _monomials(n: int, degree: int) -> list[tuple[int, ...]]:
    """All exponent tuples of total degree ``<= degree``, graded."""
    result = []
    for d in range(degree + 1):
        for combo in combinations_with_replacement(range(n), d):
            exps = [0] * n
            for j in combo:
                exps[j] += 1
            result.append(tuple(exps))
    return result


def _taylor_coefficients(numeric: NumericSystem, point: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """``T[i, b] =`` coefficient of ``y^shifts[b]`` in ``g_i(point + y)``.

    For a term ``c x^e``, the coefficient of ``y^b`` is ``c prod_j binom(e_j, b_j) p_j^(e_j - b_j)``.
    """
    exps = numeric.exponents  # (m, n)
    top = int(max(exps.max(initial=0), shifts.max(initial=0)))
    binomials = np.array([[comb(a, b) for b in range(top + 1)] for a in range(top + 1)], dtype=float)
    weights = np.ones((exps.shape[0], shifts.shape[0]), dtype=complex)
    for j in range(exps.shape[1]):
        e = exps[:, j][:, None]
        b = shifts[:, j][None, :]
        valid = e >= b
        powers = np.power(complex(point[j]), np.where(valid, e - b, 0))
        weights *= np.where(valid, binomials[e, b] * powers, 0.0)
    return numeric.gradient_coeffs @ weights


def _macaulay(taylor: np.ndarray, columns: np.ndarray, order: int) -> np.ndarray:
    """Rows ``y^alpha g_i`` (``|alpha| <= order - 1``) in the monomial basis ``columns``."""
    n = columns.shape[1]
    base = order + 1
    weights = base ** np.arange(n)
    codes = columns @ weights
    position = {int(c): k for k, c in enumerate(codes)}
    multipliers = columns[columns.sum(axis=1) <= order - 1]
    blocks = []
    for alpha in multipliers:
        shifted = columns + alpha
        valid = shifted.sum(axis=1) <= order
        targets = np.array([position[int(c)] for c in (shifted[valid] @ weights)], dtype=np.int64)
        block = np.zeros((taylor.shape[0], len(columns)), dtype=complex)
        block[:, targets] = taylor[:, valid]
        blocks.append(block)
    return np.vstack(blocks)


def _null_dimension(matrix: np.ndarray, rtol: float) -> int:
    if matrix.shape[0] == 0:
        return matrix.shape[1]
    sigma = np.linalg.svd(matrix, compute_uv=False)
    scale = sigma[0] if sigma.size and sigma[0] > 0 else 1.0
    return matrix.shape[1] - int(np.sum(sigma > rtol * scale))


def local_structure(
    numeric: NumericSystem,
    point: np.ndarray,
    *,
    max_columns: int = 300,
    max_order: int = 10,
    rtol: float = 1e-7,
) -> LocalStructure:
    """Multiplicity and isolation of the critical point ``point`` from its local dual space.

    Parameters
    ----------
    numeric : NumericSystem
        Evaluator of the gradient system (its monomial table gives the Taylor expansions).
    point : ndarray
        The critical point, as accurate as possible (Newton-refined).
    max_columns : int
        Largest Macaulay matrix (number of monomials ``C(n + k, k)``) to build.
    max_order : int
        Largest order ``k`` to try.
    rtol : float
        Singular values below ``rtol`` times the largest count as zero.

    Returns
    -------
    LocalStructure

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem
    >>> from algmorse.model.system import build_system
    >>> numeric = build_system(FunctionProblem(("x", "y"), "x^4 + y^2")).numeric  # <x^3, y>
    >>> local_structure(numeric, np.zeros(2))
    LocalStructure(isolated=True, multiplicity=3, dual_dimensions=(1, 2, 3, 3))
    """
    n = numeric.num_variables
    point = np.asarray(point, dtype=complex)
    dimensions = [1]
    order = 1
    while order <= max_order and comb(n + order, order) <= max_columns:
        columns = np.array(_monomials(n, order), dtype=np.int64)
        taylor = _taylor_coefficients(numeric, point, columns)
        dimensions.append(_null_dimension(_macaulay(taylor, columns, order), rtol))
        if dimensions[-1] == dimensions[-2]:
            return LocalStructure(True, dimensions[-1], tuple(dimensions))
        order += 1
    return LocalStructure(None, None, tuple(dimensions))
