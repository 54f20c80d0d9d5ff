"""The linear parameter family ``grad L(w) + c * (w - a)`` on one support stratum.

Adding ``c_j (w_j - a_j)`` to the j-th gradient component embeds any loss's critical-point
system in a family whose parameters ``c`` enter linearly: for a random complex point ``w0``,
``c_j = -(dL/dw_j)(w0) / (w0_j - a_j)`` makes ``w0`` a solution (a *start pair*, no solve
needed), and the user's system is the member ``c = 0``.

The *offset* ``a`` is 0 on the support strata of a network whose activation vanishes at 0 (see
:mod:`algmorse.engine.strata`): the family then lives in a stratum's free coordinates, its
solutions are those with no zero coordinate, and the sign flips of the loss act on every member.
For the generalized-L2 loss it is the family of all regularization strengths. Everything else (biases,
``sigma(0) != 0``, functions, square systems, networks too wide to stratify) gets a random
rational offset: the points with a zero coordinate are then not special, and one family on the
whole space holds every solution.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import numpy as np

from ..model.system import PolynomialSystem
from .backends.base import ComplexPolynomial, SparsePolynomial
from .strata import SupportStratum

__all__ = ["StratumFamily", "random_offset", "restrict"]

_NEWTON_STEPS = 12
_FINISH_STEPS = 2000
"""Newton tries of :meth:`StratumFamily.finish_path` before it gives a path up."""
_FINISH_TOLERANCES = (1e-8, 1e-6)
"""Relative size of the last Newton correction at which :meth:`StratumFamily.finish_path`
accepts a step: the first, then (for a path the first cannot finish) the second."""
_ZERO_COORDINATE = 1e-7
"""Relative size below which a coordinate counts as zero (the point then belongs to a smaller stratum)."""


def random_complex(rng: np.random.Generator, size: int) -> np.ndarray:
    """A standard complex Gaussian vector: generic parameters, start points and slices."""
    return (rng.normal(size=size) + 1j * rng.normal(size=size)) / np.sqrt(2)


def random_gamma(rng: np.random.Generator) -> complex:
    """A random point of the unit circle: the gamma of a homotopy (the gamma trick)."""
    return complex(np.exp(2j * np.pi * rng.random()))


def random_offset(rng: np.random.Generator, size: int) -> tuple[Fraction, ...]:
    """A random rational point for :class:`StratumFamily`'s offset: numerators and denominators
    up to 2^5, both signs, so that it is generic, of the scale of the data, and cheap to count."""
    return tuple(Fraction(int(rng.integers(1, 2**5)) * (1 if rng.random() < .5 else -1), int(rng.integers(1, 2**5)))
                 for _ in range(size))


def restrict(polynomial, support: Sequence[int]) -> dict[tuple[int, ...], Fraction]:
    """The polynomial on the coordinate subspace: terms without a zeroed variable, in the free
    coordinates ``support`` (exact :class:`Fraction` coefficients).

    Examples
    --------
    >>> from sympy.polys.rings import ring
    >>> from sympy import QQ
    >>> _, x, y, z = ring("x y z", QQ)
    >>> sorted(restrict(x**2 * y + 3 * z + x / 2, [0, 2]).items())
    [((0, 1), Fraction(3, 1)), ((1, 0), Fraction(1, 2))]
    """
    free = set(support)
    zeroed = [k for k in range(len(polynomial.ring.gens)) if k not in free]
    return {tuple(exponents[k] for k in support): Fraction(int(c.numerator), int(c.denominator))
            for exponents, c in polynomial.items() if all(exponents[k] == 0 for k in zeroed)}


class StratumFamily:
    """``F(w; c) = (dL/dw_j)(w, 0) + c_j w_j`` for ``j`` in a stratum's support.

    Parameters
    ----------
    system : PolynomialSystem
        The loss's exact system (its gradient and Hessian evaluators are used for Newton's method).
    stratum : SupportStratum
        Must be a stratum of ``system`` (its zeroed gradient components vanish on it).
    target : PolynomialSystem, optional
        The system whose restriction is the member ``c = 0`` tracked to at the end; default
        ``system``.
    offset : sequence of Fraction, optional
        The point ``a`` (one value per free coordinate); default 0. With an offset the family's
        solutions are all of them, zero coordinates included, and no sign flip acts (see
        :func:`random_offset`).
    """

    def __init__(self, system: PolynomialSystem, stratum: SupportStratum,
                 target: PolynomialSystem | None = None, offset: Sequence[Fraction] | None = None) -> None:
        self.system = system
        self.stratum = stratum
        self.support = np.array(stratum.support, dtype=int)
        self.size = len(stratum.support)
        self.base = [restrict(system.gradient[j], stratum.support) for j in stratum.support]
        self.target_system = system if target is None else target
        self.target: list[SparsePolynomial] = [restrict(self.target_system.gradient[j], stratum.support)
                                               for j in stratum.support]
        self.offset = None if offset is None else tuple(Fraction(v) for v in offset)
        if self.offset is not None and len(self.offset) != self.size:
            raise ValueError(f"offset has {len(self.offset)} values for {self.size} free coordinates")
        self._shift = np.zeros(self.size, dtype=complex) if self.offset is None \
            else np.array([complex(v) for v in self.offset])
        self.signs = _sign_group(system, stratum, self.target_system) if self.offset is None \
            else np.ones((1, self.size))

    @property
    def torus(self) -> bool:
        """Whether the family's solutions are those with no zero coordinate (no offset)."""
        return self.offset is None

    def with_target(self, target: PolynomialSystem) -> "StratumFamily":
        """The same family and stratum, ending at ``target`` (which must have the same strata and
        sign flips, e.g. the loss at another regularization strength)."""
        return StratumFamily(self.system, self.stratum, target, self.offset)

    def member(self, c: Sequence[complex]) -> list[ComplexPolynomial]:
        """The system at parameters ``c`` (one per free coordinate), with complex coefficients."""
        members = []
        constant = (0,) * self.size
        for j, (polynomial, value) in enumerate(zip(self.base, c)):
            linear = tuple(1 if k == j else 0 for k in range(self.size))
            shifted: dict[tuple[int, ...], Fraction | complex] = dict(polynomial)
            shifted[linear] = complex(shifted.get(linear, 0)) + complex(value)
            if self.offset is not None:
                shifted[constant] = complex(shifted.get(constant, 0)) - complex(value) * self._shift[j]
            members.append(shifted)
        return members

    def rational_member(self, c: Sequence[Fraction]) -> list[SparsePolynomial]:
        """The system at rational parameters ``c``, exactly (for counts and blackbox solves)."""
        members = []
        constant = (0,) * self.size
        offset = self.offset or (Fraction(0),) * self.size
        for j, (polynomial, value) in enumerate(zip(self.base, c)):
            linear = tuple(1 if k == j else 0 for k in range(self.size))
            shifted = dict(polynomial)
            for monomial, term in ((linear, Fraction(value)), (constant, -Fraction(value) * offset[j])):
                total = shifted.get(monomial, Fraction(0)) + term
                if total:
                    shifted[monomial] = total
                else:
                    shifted.pop(monomial, None)
            members.append(shifted)
        return members

    def lift(self, point: np.ndarray) -> np.ndarray:
        """The full-length point: ``point`` in the free coordinates, zeros elsewhere."""
        full = np.zeros(self.system.num_variables, dtype=complex)
        full[self.support] = point
        return full

    def residual_and_jacobian(self, point: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``F(point; c)`` and its Jacobian in the free coordinates."""
        gradient, hessian = self.system.numeric.gradient_and_hessian(self.lift(point))
        jacobian = hessian[np.ix_(self.support, self.support)] + np.diag(c)
        return gradient[self.support] + c * (point - self._shift), jacobian

    def start_pair(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """A random complex point (no coordinate at the offset's) and the parameters that make it a solution."""
        point = random_complex(rng, self.size)
        gradient = self.system.numeric.gradient(self.lift(point))[self.support]
        return point, -gradient / (point - self._shift)

    def target_residual_and_jacobian(self, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The target system and its Jacobian in the free coordinates."""
        gradient, hessian = self.target_system.numeric.gradient_and_hessian(self.lift(point))
        return gradient[self.support], hessian[np.ix_(self.support, self.support)]

    def polish_at_target(self, point: np.ndarray) -> np.ndarray:
        """A few Newton steps on the target system (the point as it is where they do not help)."""
        x = np.asarray(point, dtype=complex)
        for _ in range(4):
            value, jacobian = self.target_residual_and_jacobian(x)
            try:
                step = np.linalg.lstsq(jacobian, value, rcond=None)[0]
            except np.linalg.LinAlgError:
                break
            if not np.all(np.isfinite(step)):
                break
            x = x - step
        return x if np.all(np.isfinite(x)) else np.asarray(point, dtype=complex)

    def finish_path(self, point: np.ndarray, t: float, c: np.ndarray, gamma: complex) -> np.ndarray | None:
        """Continue ``H(x, s) = gamma (1 - s)^2 F(x; c) + s^2 G(x)`` (``G`` the target) from
        ``(point, t)`` to ``s = 1``; None if it fails.

        PHCpack's double-precision tracker stops short of ``s = 1`` on paths to badly scaled
        solutions (norms of 50 to 300 with condition numbers near 1e8, met on deep linear
        networks): its corrector asks for more accuracy than such a Jacobian allows. This finishes
        them in numpy by natural-parameter continuation: Newton from the last point at ``s + h``,
        accepted when its last correction is below a relative 1e-8 and the point moved by less
        than 5 %. Where rounding keeps the corrections above that (the [1, 4, 4, 1] network's
        full-support points: norm 257, the path stopped at ``s = 0.995``), the path is continued
        again from its start at a relative 1e-6; the endpoint is certified afterwards like any
        other, so the looser test decides only whether a path arrives. A path to a singular
        endpoint, where the steps shrink without end, fails after :data:`_FINISH_STEPS` tries.
        """
        for tolerance in _FINISH_TOLERANCES:
            finished = self._continue(np.asarray(point, dtype=complex), float(t), c, gamma, tolerance)
            if finished is not None:
                return finished
        return None

    def _continue(self, x: np.ndarray, s: float, c: np.ndarray, gamma: complex, tolerance: float) -> np.ndarray | None:
        """:meth:`finish_path` at one Newton tolerance."""
        h = 1e-5
        for _ in range(_FINISH_STEPS):
            if s >= 1:
                return x
            step = min(h, 1 - s)
            moved = self._homotopy_step(x, s + step, c, gamma, tolerance)
            if moved is None:
                h /= 2
                if h < 1e-15:
                    return None
                continue
            x, s, h = moved, s + step, min(1.5 * h, 0.01)
        return x if s >= 1 else None

    def _homotopy_step(self, x: np.ndarray, s: float, c: np.ndarray, gamma: complex,
                       tolerance: float) -> np.ndarray | None:
        """Newton on ``H(., s)`` from ``x`` (None: no convergence, or too far a move)."""
        a, b = gamma * (1 - s) ** 2, s ** 2
        y = x
        for _ in range(8):
            f, jf = self.residual_and_jacobian(y, c)
            g, jg = self.target_residual_and_jacobian(y)
            try:
                correction = np.linalg.solve(a * jf + b * jg, a * f + b * g)
            except np.linalg.LinAlgError:
                return None
            y = y - correction
            if not np.all(np.isfinite(y)):
                return None
            if np.linalg.norm(correction) <= tolerance * (1 + np.linalg.norm(y)):
                return y if np.linalg.norm(y - x) <= 0.05 * (1 + np.linalg.norm(x)) else None
        return None

    def newton(self, point: np.ndarray, c: np.ndarray) -> np.ndarray | None:
        """Newton's method on ``F(.; c)`` from ``point``; None unless it converges to a solution,
        with no zero coordinate unless the family has an offset (near-zero coordinates mean a
        smaller stratum's point).

        Converged means each residual at most 1e-9 times one plus the sum of its terms' sizes:
        at a point of norm 100 a quintic's terms reach 1e10, and rounding alone leaves 1e-6.
        """
        x = np.asarray(point, dtype=complex)
        for _ in range(_NEWTON_STEPS):
            value, jacobian = self.residual_and_jacobian(x, c)
            try:
                step = np.linalg.solve(jacobian, value)
            except np.linalg.LinAlgError:
                return None
            if not np.all(np.isfinite(step)):
                return None
            x = x - step
            if np.linalg.norm(step) <= 1e-13 * (1 + np.linalg.norm(x)):
                break
        value, _ = self.residual_and_jacobian(x, c)
        scale = self.system.numeric.scales(self.lift(x))[0][self.support] + np.abs(c * x) + np.abs(c * self._shift)
        if not np.all(np.abs(value) <= 1e-9 * (1 + scale)):  # relative to the terms: large points too
            return None
        if self.torus and np.min(np.abs(x)) <= _ZERO_COORDINATE * max(1.0, float(np.max(np.abs(x)))):
            return None
        return x

    def orbit(self, point: np.ndarray) -> np.ndarray:
        """The images of ``point`` under the stratum's sign-flip group (rows; the point first)."""
        return self.signs * point


def _sign_group(system: PolynomialSystem, stratum: SupportStratum, target: PolynomialSystem) -> np.ndarray:
    """All sign vectors, restricted to the support, of the group the sign flips of both the loss
    and the target generate.

    Only pure sign changes are used: ``grad L(s w) = s grad L(w)`` and ``c * (s w) = s (c * w)``
    for every ``c``, so they act on every member of the family, and on every homotopy to a
    target they preserve too. Permutations act only where ``c`` is permuted as well, which a
    generic ``c`` is not.
    """
    support = list(stratum.support)
    identity = tuple(range(system.num_variables))
    flips = [{g.signs for g in s.symmetries if g.source == identity} for s in (system, target)]
    generators = {tuple(signs[k] for k in support) for signs in flips[0] & flips[1]}
    identity = (1,) * len(support)
    group = {identity}
    frontier = [identity]
    while frontier:
        new = []
        for element in frontier:
            for generator in generators:
                product = tuple(a * b for a, b in zip(element, generator))
                if product not in group:
                    group.add(product)
                    new.append(product)
        frontier = new
    ordered = [identity] + sorted(group - {identity})
    return np.array(ordered, dtype=float)
