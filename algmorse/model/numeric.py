"""Fast floating-point evaluation of an exact polynomial system.

Loss, gradient and Hessian share one table of distinct monomials; evaluating them at a point is
one pass over that table plus three matrix-vector products. The same tables evaluated at ``|a|``
with ``|coefficients|`` give the *evaluation scale* (the sum of the absolute values of the
terms), against which residuals and Hessian entries are judged: a value far below its scale is
zero up to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

__all__ = ["NumericSystem"]


@dataclass(frozen=True, eq=False)
class NumericSystem:
    """Monomial table and coefficient matrices of loss, gradient and Hessian.

    Attributes
    ----------
    exponents : ndarray of int, shape (m, n)
        The distinct monomials.
    loss_coeffs : ndarray, shape (m,)
    gradient_coeffs : ndarray, shape (n, m)
    hessian_coeffs : ndarray, shape (n*n, m)
    symmetric : bool
        False when the "gradient" is a square system's equations and the "Hessian" their
        Jacobian (no loss, no symmetric Hessian: no eigenvalues or Morse index are computed).
    """

    exponents: np.ndarray
    loss_coeffs: np.ndarray
    gradient_coeffs: np.ndarray
    hessian_coeffs: np.ndarray
    symmetric: bool = True

    @classmethod
    def from_polynomials(cls, n: int, loss: list[dict], gradient: list[dict], hessian: list[list[dict]],
                         symmetric: bool = True) -> NumericSystem:
        """Build the tables from sparse ``{exponents: rational}`` dictionaries."""
        flat_hessian = [h for row in hessian for h in row]
        monomials: dict[tuple[int, ...], int] = {}
        for poly in loss + gradient + flat_hessian:
            for exps in poly:
                monomials.setdefault(tuple(exps), len(monomials))
        if not monomials:
            monomials[(0,) * n] = 0
        exponents = np.array(list(monomials), dtype=np.int64).reshape(len(monomials), n)

        def matrix(polys: list[dict]) -> np.ndarray:
            out = np.zeros((len(polys), len(monomials)))
            for row, poly in enumerate(polys):
                for exps, coeff in poly.items():
                    out[row, monomials[tuple(exps)]] = float(Fraction(int(coeff.numerator), int(coeff.denominator)))
            return out

        return cls(exponents, matrix(loss)[0], matrix(gradient), matrix(flat_hessian), symmetric)

    @property
    def num_variables(self) -> int:
        """Number of variables ``n``."""
        return self.exponents.shape[1]

    def monomials(self, point: np.ndarray) -> np.ndarray:
        """Values of every monomial at ``point`` (shape ``(n,)``)."""
        max_power = int(self.exponents.max(initial=0))
        powers = np.ones((self.num_variables, max_power + 1), dtype=point.dtype)
        for k in range(1, max_power + 1):
            powers[:, k] = powers[:, k - 1] * point
        return np.prod(powers[np.arange(self.num_variables), self.exponents], axis=1)

    def loss(self, point: np.ndarray) -> complex:
        """``L(point)``."""
        return self.loss_coeffs @ self.monomials(point)

    def gradient(self, point: np.ndarray) -> np.ndarray:
        """``grad L(point)``, shape ``(n,)``."""
        return self.gradient_coeffs @ self.monomials(point)

    def hessian(self, point: np.ndarray) -> np.ndarray:
        """Hessian of ``L`` at ``point``, shape ``(n, n)``."""
        n = self.num_variables
        return (self.hessian_coeffs @ self.monomials(point)).reshape(n, n)

    def gradient_and_hessian(self, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both, sharing one monomial evaluation."""
        values = self.monomials(point)
        n = self.num_variables
        return self.gradient_coeffs @ values, (self.hessian_coeffs @ values).reshape(n, n)

    def scales(self, point: np.ndarray, delta: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Evaluation scales of gradient and Hessian: each entry's sum of ``|term|``.

        The terms are evaluated at ``|a_j| + delta``. With ``delta = 0`` this bounds what
        rounding can do to an entry (a few machine epsilons times its scale); with ``delta`` the
        point's uncertainty, the growth of the scale over ``delta = 0`` bounds what that error
        in the position can do.
        """
        values = self.monomials(np.abs(point).astype(float) + delta)
        n = self.num_variables
        return np.abs(self.gradient_coeffs) @ values, (np.abs(self.hessian_coeffs) @ values).reshape(n, n)
