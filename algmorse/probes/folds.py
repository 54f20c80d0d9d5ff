"""Certified thresholds: values of one parameter where a real critical point degenerates, proven
by interval arithmetic.

Where the exact discriminant (:mod:`algmorse.probes.discriminant`, an elimination over QQ) is out
of reach, a change of the real counts between two samples of a sweep along a parameter ``p``
still has a cause that can be proven: two real critical points meeting in a fold (a min and a
saddle annihilating, say), where the Hessian is singular. Such a point ``(w*, p*)`` with a kernel
vector ``v*`` of the Hessian is a zero of the square *fold system*

    grad_w L(w, p) = 0,   Hess_w L(w, p) v = 0,   c . v = 1

(``c`` a fixed rational vector with ``c . v* != 0``), a regular zero at a quadratic fold that
moves transversally with ``p``. Krawczyk's test (:func:`algmorse.engine.certify.certify_point`,
real arithmetic) on a box around ``(w*, v*, p*)`` then proves that the box holds exactly one zero
of the fold system, which is real: an interval ``[p* - r, p* + r]`` (``r`` about 1e-15 or less)
containing a value of ``p`` at which ``L`` has a real critical point with a singular Hessian.

What it does not prove: that there is no other exceptional value. It is not a discriminant: a
fold not started from, a pitchfork of a symmetric loss (a singular zero of the fold system), a
collision of complex points or an escape to infinity are not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np
from sympy import QQ
from sympy.polys.rings import ring

from ..engine.certify import certify_point
from ..model.network import Problem
from ..model.parameters import ProblemParameter
from ..model.parametrized import loss_coefficients
from ..model.system import PolynomialSystem

__all__ = ["CertifiedThreshold", "fold_system", "certified_thresholds"]

_NEWTON_STEPS = 60
_CANDIDATES = 4
"""Real points tried per start value: those with the smallest |eigenvalue| of the Hessian."""
_STEPS = 16
"""Steps in which each real point is followed toward the other end of the interval."""


@dataclass(frozen=True, slots=True)
class CertifiedThreshold:
    """A value of the parameter at which a real critical point has a singular Hessian, enclosed.

    Attributes
    ----------
    low, high : float
        The proven enclosure of the value (outward rounded): some ``p*`` in ``[low, high]``
        is exceptional.
    point : tuple of float
        The degenerate real critical point there (the box's center, in the problem's
        variables).
    """

    low: float
    high: float
    point: tuple[float, ...]

    @property
    def value(self) -> float:
        """The enclosure's midpoint."""
        return (self.low + self.high) / 2


def fold_system(problem: Problem, parameter: ProblemParameter, normal: Sequence[Fraction]) -> PolynomialSystem:
    """The fold system of the module notes, exactly, in the unknowns ``(w, v, p)``.

    Parameters
    ----------
    problem : NetworkProblem or FunctionProblem
    parameter : ProblemParameter
        The varied number ``p`` (see :mod:`algmorse.model.parameters`).
    normal : sequence of Fraction
        The vector ``c`` of the normalization ``c . v = 1`` (one entry per unknown of ``problem``).

    Returns
    -------
    PolynomialSystem
        A square system (``is_gradient=False``): ``2 n + 1`` equations and their Jacobian.

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem, Regularizer
    >>> from algmorse.model.parameters import problem_parameter
    >>> problem = FunctionProblem(("x",), "x^4/4 - x^2/2", Regularizer("l2", Fraction(1)))
    >>> system = fold_system(problem, problem_parameter(problem, "eps"), [Fraction(1)])
    >>> [str(f) for f in system.gradient]
    ['x**3 + 2*x*eps - x', '3*x**2*kernel_1 + 2*kernel_1*eps - kernel_1', 'kernel_1 - 1']
    """
    variables = tuple(problem.variables)
    n = len(variables)
    names = (*variables, *(f"kernel_{j + 1}" for j in range(n)), parameter.name.replace("-", "_"))
    poly_ring, *gens = ring(list(names), QQ)
    w, v, p = gens[:n], gens[n:2 * n], gens[-1]
    loss = poly_ring.zero
    for power, coefficient in enumerate(loss_coefficients(problem, parameter)):
        lifted = poly_ring.from_dict({e + (0,) * (n + 1): c for e, c in coefficient.items()})
        loss += lifted * p ** power
    gradient = [loss.diff(x) for x in w]
    kernel = [sum((g.diff(w[j]) * v[j] for j in range(n)), poly_ring.zero) for g in gradient]
    normalization = sum((QQ(c.numerator, c.denominator) * v[j] for j, c in enumerate(normal)), poly_ring.zero) - 1
    equations = tuple(gradient + kernel + [normalization])
    jacobian = tuple(tuple(f.diff(x) for x in gens) for f in equations)
    return PolynomialSystem(names, poly_ring, poly_ring.zero, equations, jacobian, (), False)


def certified_thresholds(problem: Problem, parameter: ProblemParameter,
                         starts: Sequence[tuple[Fraction, Sequence[np.ndarray]]], *,
                         interval: tuple[float, float] | None = None) -> tuple[CertifiedThreshold, ...]:
    """Folds of real critical points near the given ones, each proven by a Krawczyk box.

    Parameters
    ----------
    problem : NetworkProblem or FunctionProblem
    parameter : ProblemParameter
    starts : sequence of (Fraction, sequence of ndarray)
        Values of the parameter with real critical points at them (e.g. two neighbouring
        samples of a sweep whose counts differ). From each value, the points whose Hessian has
        the smallest ``|eigenvalue|`` are followed by Newton's method on the fold system.
    interval : (float, float), optional
        Keep only thresholds whose enclosure lies inside it.

    Returns
    -------
    tuple of CertifiedThreshold
        Distinct enclosures (overlapping ones merged to the first found), ascending. Empty when
        nothing converges or certifies: nothing is then claimed.
    """
    found: list[CertifiedThreshold] = []
    for value, points in starts:
        tries = [(value, start) for start in _candidates(problem, parameter, value, points)]
        if interval is not None:  # also from where each point's path toward the other end turns back
            far = interval[1] if abs(float(value) - interval[0]) <= abs(float(value) - interval[1]) else interval[0]
            tries += _turning_points(problem, parameter, value, points, far)
        for start_value, start in tries:
            threshold = _fold_near(problem, parameter, start_value, start)
            if threshold is None or interval is not None and not interval[0] <= threshold.low <= threshold.high \
                    <= interval[1]:
                continue
            if not any(t.low <= threshold.high and threshold.low <= t.high for t in found):
                found.append(threshold)
    return tuple(sorted(found, key=lambda t: t.low))


def _turning_points(problem: Problem, parameter: ProblemParameter, value: Fraction, points: Sequence[np.ndarray],
                    far: float) -> list[tuple[float, tuple[np.ndarray, np.ndarray]]]:
    """Each real point followed from ``value`` toward ``far`` (natural continuation in
    :data:`_STEPS` steps, Newton on the gradient at each); where Newton fails or the Hessian's
    inertia changes, the last point, its parameter value and the eigenvector of its smallest
    ``|eigenvalue|``: a start near the fold that ended the path."""
    system = fold_system(problem, parameter, [Fraction(1)] * len(problem.variables))
    n = len(problem.variables)
    found = []
    for point in points:
        w, p = np.asarray(point, dtype=float), float(value)
        inertia = _negatives(_hessian(system, w, p, n))
        for k in range(1, _STEPS + 1):
            q = float(value) + (far - float(value)) * k / _STEPS
            moved = _critical_point_near(system, w, q, n)
            if moved is None or _negatives(_hessian(system, moved, q, n)) != inertia:
                eigenvalues, vectors = np.linalg.eigh(_hessian(system, w, p, n))
                found.append((p, (w, vectors[:, int(np.argmin(np.abs(eigenvalues)))])))
                break
            w, p = moved, q
    return found


def _critical_point_near(system: PolynomialSystem, w: np.ndarray, p: float, n: int) -> np.ndarray | None:
    """Newton on ``grad_w L(., p)`` from ``w`` (None when it does not converge in a few steps)."""
    def gradient_and_hessian(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.concatenate([w, np.zeros(n), [p]]).astype(complex)
        return system.numeric.gradient(x)[:n].real, system.numeric.hessian(x)[:n, :n].real

    return _newton(gradient_and_hessian, w, steps=8, tolerance=1e-12)


def _newton(evaluate, x: np.ndarray, *, steps: int, tolerance: float) -> np.ndarray | None:
    """Real Newton iterations on ``evaluate(x) = (residual, jacobian)`` until the step is below
    ``tolerance`` relative to ``x``; None when it does not converge, or meets a singular matrix
    or an overflow."""
    for _ in range(steps):
        residual, jacobian = evaluate(x)
        try:
            step = np.linalg.solve(jacobian, residual)
        except np.linalg.LinAlgError:
            return None
        x = x - step
        if not np.all(np.isfinite(x)):
            return None
        if np.linalg.norm(step) <= tolerance * max(1.0, np.linalg.norm(x)):
            return x
    return None


def _negatives(hessian: np.ndarray) -> int:
    return int(np.sum(np.linalg.eigvalsh((hessian + hessian.T) / 2) < 0))


def _candidates(problem: Problem, parameter: ProblemParameter, value: Fraction,
                points: Sequence[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The real points with the smallest |eigenvalue| at ``value``, each with that eigenvector."""
    system = fold_system(problem, parameter, [Fraction(1)] * len(problem.variables))
    n = len(problem.variables)
    scored = []
    for point in points:
        w = np.asarray(point, dtype=float)
        hessian = _hessian(system, w, float(value), n)
        eigenvalues, vectors = np.linalg.eigh((hessian + hessian.T) / 2)
        k = int(np.argmin(np.abs(eigenvalues)))
        scored.append((abs(eigenvalues[k]), w, vectors[:, k]))
    scored.sort(key=lambda item: item[0])
    return [(w, vector) for _, w, vector in scored[:_CANDIDATES]]


def _hessian(system: PolynomialSystem, w: np.ndarray, p: float, n: int) -> np.ndarray:
    """The loss's Hessian at ``(w, p)``: the Jacobian of the fold system's first ``n`` equations."""
    x = np.concatenate([w, np.zeros(n), [p]]).astype(complex)
    return system.numeric.hessian(x)[:n, :n].real


def _fold_near(problem: Problem, parameter: ProblemParameter, value: Fraction | float,
               start: tuple[np.ndarray, np.ndarray]) -> CertifiedThreshold | None:
    """Newton on the fold system from ``(w, v, value)``, then Krawczyk; None when either fails."""
    w, vector = start
    n = len(w)
    normal = [Fraction(float(c)).limit_denominator(64) for c in vector]
    if not any(normal):
        return None
    system = fold_system(problem, parameter, normal)
    scale = float(sum(float(c) * x for c, x in zip(normal, vector)))
    if abs(scale) < 1e-3:
        return None
    def equations_and_jacobian(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return system.numeric.gradient(x.astype(complex)).real, system.numeric.hessian(x.astype(complex)).real

    x = _newton(equations_and_jacobian, np.concatenate([w, vector / scale, [float(value)]]), steps=_NEWTON_STEPS,
                tolerance=1e-13)
    if x is None:
        return None
    certified = certify_point(system.balls, x.astype(complex), real=True)
    if certified is None or certified.certificate.real is not True:
        return None
    radius = certified.certificate.radius
    p = float(certified.center[-1].real)
    return CertifiedThreshold(float(np.nextafter(p - radius, -np.inf)), float(np.nextafter(p + radius, np.inf)),
                              tuple(float(c.real) for c in certified.center[:n]))
