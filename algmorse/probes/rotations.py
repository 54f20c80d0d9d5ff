"""Continuous rotational symmetries of a loss: the Lie algebra of infinitesimal rotations.

A skew-symmetric matrix ``A`` (``A^T = -A``) generates the rotations ``a -> exp(tA) a``. The
loss ``L`` is invariant under all of them exactly when its derivative along the linear vector
field ``X_A(a) = A a`` vanishes identically::

    grad L(a) . (A a) = sum_(i<j) A_ij (a_j dL/da_i - a_i dL/da_j) = 0   for every a.

This is linear in the ``n(n-1)/2`` unknowns ``A_ij`` (``i < j``): collecting the coefficient of
each monomial of ``a`` gives a matrix over ``QQ`` whose nullspace is the Lie algebra
``rot(L) = {A in so(n) : X_A L = 0}``, computed here exactly. Seed 000 (arXiv 2307.15744) calls
a loss with ``rot(L) != 0`` an element of ``Rot``; its Conjecture 5.6 says a network with a
non-linear activation and two or more data points is not one (``shared/notes/math.md``, claims
2 and 4). Standard L2, ``eps * |a|^2``, is invariant under every rotation, so it never changes
``rot(L)``; generalized L2 with distinct strengths is invariant under no rotation, and
typically leaves none.

The discrete signed permutations of :mod:`algmorse.model.symmetry` are a different (finite) group.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Any

from sympy import QQ
from sympy.polys.matrices import DomainMatrix
from sympy.polys.rings import PolyElement

from ..errors import SpecError
from ..model.expr import format_rational
from ..model.network import Problem
from ..model.system import PolynomialSystem, build_system

__all__ = ["RotationAlgebra", "rotation_algebra", "is_infinitesimal_symmetry"]

Matrix = tuple[tuple[Fraction, ...], ...]



@dataclass(frozen=True, slots=True, kw_only=True)
class RotationAlgebra:
    """The Lie algebra of skew matrices ``A`` with ``grad L(a) . (A a) == 0`` identically.

    Attributes
    ----------
    variables : tuple of str
        The parameters ``a_1, ..., a_n`` (rows and columns of every basis matrix).
    basis : tuple of matrices
        A basis of the algebra; each matrix is ``n`` rows of ``n`` :class:`Fraction` entries,
        skew-symmetric. The basis is canonical: written as vectors of the entries ``A_ij``,
        ``i < j`` in row-major order, the basis is the reduced row echelon form of the algebra,
        so equal algebras give equal bases.

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem
    >>> algebra = rotation_algebra(FunctionProblem(("x", "y", "z"), "(x^2 + y^2)^2 + z"))
    >>> algebra.dimension, algebra.generators
    (1, ('y*d/dx - x*d/dy',))
    """

    variables: tuple[str, ...]
    basis: tuple[Matrix, ...]

    @property
    def dimension(self) -> int:
        """Dimension of the algebra (0: no continuous rotational symmetry)."""
        return len(self.basis)

    @property
    def generators(self) -> tuple[str, ...]:
        """Each basis matrix ``A`` as the vector field ``sum_(i,j) A_ij a_j d/da_i``, in text.

        The pair ``i < j`` with ``A_ij = c`` contributes ``c*a_j*d/da_i - c*a_i*d/da_j``.
        """
        return tuple(_render_field(matrix, self.variables) for matrix in self.basis)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: dimension, basis (rationals as strings), variables, generators."""
        return {
            "dimension": self.dimension,
            "basis": [[[format_rational(q) for q in row] for row in matrix] for matrix in self.basis],
            "variables": list(self.variables),
            "generators": list(self.generators),
        }

    def __str__(self) -> str:
        lines = [f"Rotation algebra of dimension {self.dimension} on {len(self.variables)} parameters"]
        lines += [f"  X{k} = {text}" for k, text in enumerate(self.generators, start=1)]
        return "\n".join(lines)


def rotation_algebra(system_or_problem: PolynomialSystem | Problem) -> RotationAlgebra:
    """Compute exactly the Lie algebra of infinitesimal rotations that leave the loss invariant.

    Parameters
    ----------
    system_or_problem : PolynomialSystem, NetworkProblem or FunctionProblem
        The loss ``L`` (data term plus regularizer, as :func:`~algmorse.model.system.build_system`
        builds it). A problem with random generalized-L2 strengths must be resolved first
        (``Regularizer.resolved``).

    Returns
    -------
    RotationAlgebra
        Exact and complete: every basis matrix is checked to give ``grad L . (A a) == 0`` as a
        polynomial, and every skew ``A`` with that property is in the span.

    Raises
    ------
    SpecError
        From :func:`~algmorse.model.system.build_system` (not a problem, undrawn random strengths,
        constant loss).

    Notes
    -----
    The coefficient of the monomial ``a^u`` in ``grad L . (A a)`` is one linear condition
    ``sum_(i<j) A_ij M[u, (i, j)] = 0`` with (``L[v]`` the coefficient of ``a^v`` in ``L``)::

        M[u, (i, j)] = (u_i + 1) L[u + e_i - e_j] - (u_j + 1) L[u + e_j - e_i]

    (a term is absent when its exponent would be negative). There are up to ``n^2`` times as
    many monomials as ``L`` has terms, so the conditions are taken in rounds: rows at monomials
    drawn from a fixed-seed generator, reduced over ``QQ``
    (:class:`sympy.polys.matrices.DomainMatrix`), until a round adds no rank. Each basis vector
    of the nullspace found so far is then checked exactly; one that fails gives, at the
    monomials of its nonzero ``grad L . (A a)``, conditions it violates, which are added and the
    step repeated. The result is therefore exact and complete, and the sampling only affects
    the running time: measured, a few hundredths of a second for one-hidden-layer networks
    with up to 13 parameters and three data points, and under half a second for 13-parameter
    ``[1, 2, 2, 1]`` networks with biases, where :func:`~algmorse.model.system.build_system` itself
    takes 0.5 to 40 seconds.

    References
    ----------
    Seed 000 (arXiv 2307.15744), Conjecture 5.6; ``shared/notes/math.md``, claims 2 and 4.
    """
    system = system_or_problem if isinstance(system_or_problem, PolynomialSystem) else build_system(system_or_problem)
    conditions = _Conditions(system.loss, system.num_variables)
    width = len(conditions.pairs)
    rng = random.Random(0)
    echelon: list[dict[int, int]] = []
    while True:  # sampled rounds, until one adds no rank
        before = len(echelon)
        echelon = _echelon(echelon + [conditions.row(conditions.sample(rng)) for _ in range(width)], width)
        if len(echelon) in (before, width):
            break
    while True:  # check the candidates exactly; a failure yields the conditions it violates
        basis = [_skew_matrix(vector, conditions.pairs, system.num_variables) for vector in _nullspace(echelon, width)]
        violated = [monomial for matrix in basis for monomial in list(_derivative_along(system, matrix).keys())[:width]]
        if not violated:
            return RotationAlgebra(variables=system.variables, basis=tuple(basis))
        echelon = _echelon(echelon + [conditions.row(monomial) for monomial in violated], width)


def is_infinitesimal_symmetry(system: PolynomialSystem, matrix: Matrix) -> bool:
    """Whether ``grad L(a) . (A a)`` is the zero polynomial (exact, in ``QQ[a]``).

    Parameters
    ----------
    system : PolynomialSystem
        The loss.
    matrix : n x n rows of rationals (Fraction, int or str)
        ``A``; need not be skew (then the test is invariance under the linear flow
        ``exp(tA)``, for instance a scaling).

    Returns
    -------
    bool

    Raises
    ------
    SpecError
        If ``matrix`` is not ``n x n``.

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem
    >>> system = build_system(FunctionProblem(("x", "y"), "x^2 + y^2"))
    >>> is_infinitesimal_symmetry(system, ((0, 1), (-1, 0)))
    True
    """
    n = system.num_variables
    if len(matrix) != n or any(len(row) != n for row in matrix):
        raise SpecError("matrix", f"expected {n} rows of {n} entries (one per parameter).",
                        f"Give an n x n matrix for the variables {', '.join(system.variables)}.")
    return not _derivative_along(system, tuple(tuple(Fraction(q) for q in row) for row in matrix))


def _derivative_along(system: PolynomialSystem, matrix: Matrix) -> PolyElement:
    """``grad L(a) . (A a)`` in ``QQ[a]``."""
    gens = system.ring.gens
    total = system.ring.zero
    for gradient, row in zip(system.gradient, matrix):
        image = sum((QQ(q.numerator, q.denominator) * x for q, x in zip(row, gens) if q), system.ring.zero)
        if image:
            total += gradient * image
    return total


class _Conditions:
    """The rows ``M[u, .]`` of the linear conditions (see :func:`rotation_algebra`), on demand.

    ``L`` is scaled to integer coefficients (a common denominator does not change the
    nullspace).
    """

    def __init__(self, loss: PolyElement, n: int) -> None:
        denominator = lcm(*(int(c.denominator) for c in loss.values()))
        self.terms = {exps: int(c.numerator) * (denominator // int(c.denominator)) for exps, c in loss.items()}
        self.exponents = [exps for exps in self.terms if any(exps)]
        self.n = n
        self.pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]

    def sample(self, rng: random.Random) -> tuple[int, ...]:
        """A monomial ``v - e_d + e_m`` with ``a^v`` a term of ``L``, ``v_d > 0`` and ``m != d``."""
        exps = list(rng.choice(self.exponents))
        d = rng.choice([k for k in range(self.n) if exps[k]])
        m = rng.choice([k for k in range(self.n) if k != d])
        exps[d] -= 1
        exps[m] += 1
        return tuple(exps)

    def row(self, monomial: tuple[int, ...]) -> dict[int, int]:
        """The nonzero entries of ``M[monomial, .]``, keyed by pair index."""
        entries = {}
        shifted = list(monomial)
        for k, (i, j) in enumerate(self.pairs):
            value = 0
            if monomial[j]:
                shifted[i] += 1
                shifted[j] -= 1
                value += (monomial[i] + 1) * self.terms.get(tuple(shifted), 0)
                shifted[i] -= 1
                shifted[j] += 1
            if monomial[i]:
                shifted[j] += 1
                shifted[i] -= 1
                value -= (monomial[j] + 1) * self.terms.get(tuple(shifted), 0)
                shifted[j] -= 1
                shifted[i] += 1
            if value:
                entries[k] = value
        return entries


def _echelon(rows: list[dict], width: int) -> list[dict]:
    """The nonzero rows of the reduced row echelon form of the sparse ``rows`` (over ``QQ``)."""
    nonzero = [{k: QQ(v) for k, v in row.items()} for row in rows if row]
    if not nonzero:
        return []
    reduced, pivots = DomainMatrix(dict(enumerate(nonzero)), (len(nonzero), width), QQ).rref(method="GJ")
    table = reduced.to_sdm()
    return [dict(table[r]) for r in range(len(pivots))]


def _nullspace(echelon: list[dict], width: int) -> list[list]:
    """A basis of ``{v : M v = 0}`` for ``M`` in reduced row echelon form, itself reduced."""
    pivots = [min(row) for row in echelon]
    vectors = []
    for free in sorted(set(range(width)) - set(pivots)):
        vector = [QQ.zero] * width
        vector[free] = QQ.one
        for row, p in zip(echelon, pivots):
            vector[p] = -row.get(free, QQ.zero)
        vectors.append(vector)
    if not vectors:
        return []
    canonical, _ = DomainMatrix(vectors, (len(vectors), width), QQ).rref()
    return canonical.to_list()


def _skew_matrix(vector: list, pairs: list[tuple[int, int]], n: int) -> Matrix:
    entries = [[Fraction(0)] * n for _ in range(n)]
    for (i, j), value in zip(pairs, vector):
        q = Fraction(int(value.numerator), int(value.denominator))
        entries[i][j], entries[j][i] = q, -q
    return tuple(tuple(row) for row in entries)


def _render_field(matrix: Matrix, variables: tuple[str, ...]) -> str:
    """``sum_(i,j) A_ij a_j d/da_i`` as text, pair by pair (``i < j``)."""
    terms: list[tuple[Fraction, str]] = []
    n = len(variables)
    for i in range(n):
        for j in range(i + 1, n):
            c = matrix[i][j]
            if c:
                terms.append((c, f"{variables[j]}*d/d{variables[i]}"))
                terms.append((-c, f"{variables[i]}*d/d{variables[j]}"))
    if not terms:
        return "0"
    text = ""
    for c, body in terms:
        magnitude = "" if abs(c) == 1 else f"{format_rational(abs(c))}*"
        text += (" - " if c < 0 else " + ") + magnitude + body
    return text[3:] if text.startswith(" + ") else "-" + text[3:]
