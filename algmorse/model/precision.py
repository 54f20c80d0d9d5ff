"""The exact gradient in ball arithmetic at any precision, and Newton's method there.

Double precision cannot tell an isolated critical point with a Hessian of condition 1e15 from a
point of a curve (``shared/notes/solving-strategy.md``, "near-curves"). This module evaluates the
*exact* rational loss, gradient and Hessian of a :class:`~algmorse.model.system.PolynomialSystem` in
python-flint's ball arithmetic (``arb`` for real points, ``acb`` for complex ones) at a chosen
number of bits, so that such a point can be refined until its Newton step is tiny at that
precision, and so that :mod:`algmorse.engine.certify` can bound the gradient and Hessian over a whole
box.

Every value is a ball that provably contains the exact value: the rational coefficients enter as
balls around them, and the arithmetic rounds outward. The monomial table is evaluated once per
point (by products of powers), and loss, gradient and Hessian are then products of coefficient
matrices (built once per precision) with that column.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator, Sequence

import numpy as np
from flint import acb, acb_mat, arb, arb_mat, ctx, fmpq

if TYPE_CHECKING:
    from .system import PolynomialSystem

__all__ = ["BallSystem", "working_precision", "PRECISIONS"]

_PRECISION_LOCK = threading.RLock()

PRECISIONS: tuple[int, ...] = (64, 128, 256, 512)
"""The precisions (bits) tried in turn on a doubtful point."""


@contextmanager
def working_precision(bits: int) -> Iterator[None]:
    """Set python-flint's working precision to ``bits`` inside the block (restored after).

    The precision is global to the process, so blocks in different threads run one at a time
    (a lock, re-entrant: blocks nest in one thread), and each thread computes at the precision
    it asked for.
    """
    with _PRECISION_LOCK:
        previous = ctx.prec
        ctx.prec = bits
        try:
            yield
        finally:
            ctx.prec = previous


class BallSystem:
    """Loss, gradient and Hessian of an exact system, evaluated on balls.

    Parameters
    ----------
    system : PolynomialSystem
        The exact system (coefficients in QQ).

    Notes
    -----
    Use the methods inside :func:`working_precision`; the coefficient balls are built for the
    precision in force at the call (and cached per precision).
    """

    def __init__(self, system: PolynomialSystem) -> None:
        n = system.num_variables
        self.symmetric = system.is_gradient  # False: the "Hessian" is a square system's Jacobian
        polys = [dict(system.loss.items())] + [dict(g.items()) for g in system.gradient] \
            + [dict(system.hessian[i][j].items()) for i in range(n) for j in range(n)]
        monomials: dict[tuple[int, ...], int] = {}
        for poly in polys:
            for exps in poly:
                monomials.setdefault(tuple(exps), len(monomials))
        if not monomials:
            monomials[(0,) * n] = 0
        self.n = n
        self._exponents = [tuple((i, e) for i, e in enumerate(exps) if e) for exps in monomials]
        self._max_power = max((e for exps in monomials for e in exps), default=0)
        self._rows = [{monomials[tuple(e)]: fmpq(int(c.numerator), int(c.denominator)) for e, c in poly.items()}
                      for poly in polys]

    @lru_cache(maxsize=8)
    def _coefficients(self, bits: int) -> arb_mat:
        with working_precision(bits):
            matrix = arb_mat(len(self._rows), len(self._exponents))
            for r, row in enumerate(self._rows):
                for c, value in row.items():
                    matrix[r, c] = arb(value)
            return matrix

    def _monomials(self, point: Sequence, kind: type) -> list:
        powers = []
        for value in point:
            column = [kind(1)]
            for _ in range(self._max_power):
                column.append(column[-1] * value)
            powers.append(column)
        values = []
        for exps in self._exponents:
            term = kind(1)
            for i, e in exps:
                term = term * powers[i][e]
            values.append(term)
        return values

    def evaluate(self, point: Sequence) -> tuple[object, list, list[list]]:
        """Loss, gradient and Hessian at ``point`` (a sequence of ``arb`` or ``acb`` balls).

        Returns balls of the same kind: ``(loss, [g_j], [[H_ij]])``. Real input gives real balls.
        """
        real = all(isinstance(v, arb) for v in point)
        kind, mat = (arb, arb_mat) if real else (acb, acb_mat)
        values = mat(len(self._exponents), 1, self._monomials([kind(v) for v in point], kind))
        coefficients = self._coefficients(ctx.prec)
        if not real:
            coefficients = acb_mat(coefficients)
        out = coefficients * values
        n = self.n
        flat = [out[k, 0] for k in range(out.nrows())]
        return flat[0], flat[1:n + 1], [flat[n + 1 + i * n: n + 1 + (i + 1) * n] for i in range(n)]

    def newton(self, start: Sequence, real: bool, bits: int, *, max_steps: int = 20) -> tuple[list, bool]:
        """Newton's method on the exact gradient at ``bits`` of precision.

        Parameters
        ----------
        start : sequence
            Starting point: floats, complex numbers, or ``acb`` balls (their midpoints are used,
            so a start known to more than double precision keeps its digits).
        real : bool
            Iterate in real arithmetic (``start`` must then be real).
        bits : int
            Working precision.

        Returns
        -------
        point : list of arb or acb
            The last iterate, as exact midpoints (radius zero).
        converged : bool
            Whether the step fell below ``2^-(bits - 16)`` times the point's size, or stopped
            contracting below ``2^-(bits / 2)`` of it (the noise floor of an ill-conditioned
            point: the certificate then decides).
        """
        kind, mat = (arb, arb_mat) if real else (acb, acb_mat)
        with working_precision(bits):
            point = [_start_value(v, real) for v in start]
            previous = None
            for _ in range(max_steps):
                _, gradient, hessian = self.evaluate(point)
                try:
                    step = mat(hessian).mid().solve(mat(self.n, 1, gradient).mid())
                except (ZeroDivisionError, ValueError):
                    return point, False
                size = max(_magnitude(step[k, 0]) for k in range(self.n))
                if not np.isfinite(size):
                    return point, False
                scale = max(1.0, max(_magnitude(p) for p in point))
                if previous is not None and size > previous / 2 and previous < 2.0 ** -(bits // 2) * scale:
                    # no longer contracting: the noise floor of an ill-conditioned point
                    return point, True
                point = [(p - step[k, 0]).mid() for k, p in enumerate(point)]
                if size <= 2.0 ** -(bits - 16) * scale:
                    return point, True
                previous = size
            return point, False


    def stalls_off_the_critical_set(self, start: Sequence, scale: float, *, bits: int = 512,
                                    steps: int = 300) -> bool:
        """Whether damped minimum-norm Newton at ``bits`` fails to bring the gradient to zero.

        A point of a positive-dimensional component of the critical set, or an isolated
        critical point, is a limit of these steps: the gradient falls to the precision's noise
        (linearly at worst). A sample of a *near*-curve (a neighbourhood where the gradient is
        tiny but not zero, as double precision sees it) stalls at the gradient's size along the
        curve. ``True`` means the gradient stopped decreasing (less than a factor 2 over 10 steps)
        above ``2^-(bits / 4) * scale``: the point is not evidence of a critical set there.

        The damping (``2^-(bits / 4)`` of the Hessian's size) keeps the steps finite on
        components, where the Hessian is singular; Newton then still converges to the component
        (quadratically on a reduced one, linearly on a non-reduced one or towards a multiple
        point, down to a gradient far below the threshold). A near-curve whose gradient is below
        the threshold (``2^-128``, about ``3e-39``, at 512 bits) is not detected: it is then
        treated as a curve.

        Parameters
        ----------
        start : sequence
            The double-precision point.
        scale : float
            The gradient's evaluation scale there (e.g. ``NumericSystem.scales``).
        bits, steps : int
            Precision and largest number of Levenberg-Marquardt steps.
        """
        limit = 2.0 ** -(bits // 4) * max(scale, 2.0 ** -(bits // 4))
        with working_precision(bits):
            point = [_start_value(v, False) for v in start]
            history: list[float] = []
            for _ in range(steps):
                _, gradient, hessian = self.evaluate(point)
                history.append(max(_magnitude(g) for g in gradient))
                if history[-1] <= limit:
                    return False
                if len(history) > 10 and history[-1] > history[-11] / 2:
                    return True
                h = acb_mat(hessian).mid()
                adjoint = h.conjugate().transpose()
                size = max(_magnitude(x) for row in hessian for x in row) or 1.0
                damping = acb_mat(self.n, self.n)
                for i in range(self.n):
                    damping[i, i] = acb((2.0 ** -(bits // 4) * size) ** 2)
                try:
                    step = (adjoint * h + damping).mid().solve((adjoint * acb_mat(self.n, 1, gradient).mid()).mid())
                except (ZeroDivisionError, ValueError):
                    return False  # no step: no evidence either way
                point = [(p - step[k, 0]).mid() for k, p in enumerate(point)]
            return False  # still decreasing: no evidence against it


def _start_value(value, real: bool):
    if isinstance(value, acb):
        return value.real.mid() if real else value.mid()
    if isinstance(value, arb):
        return value.mid() if real else acb(value.mid())
    return arb(float(value.real)) if real else acb(complex(value))


def _magnitude(value) -> float:
    """``|value|`` of a ball's midpoint, as a float."""
    return float(abs(value.mid()).mid()) if isinstance(value, acb) else abs(float(value.mid()))
