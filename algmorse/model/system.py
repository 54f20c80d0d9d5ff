"""The exact polynomial system of a problem: loss, gradient, Hessian and symmetries.

All algebra happens in the sparse polynomial ring ``QQ[a_1, ..., a_n]`` of
:mod:`sympy.polys.rings` (exact rationals, no expression trees): building the loss of a network
with 12 parameters and 10 data points takes a few hundredths of a second this way, against
seconds or minutes when expanding :class:`sympy.Expr` objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING

from sympy import QQ
from sympy.polys.rings import PolyElement, PolyRing, ring

from ..errors import SpecError
from .expr import parse_polynomial
from .network import FunctionProblem, NetworkProblem, Problem, Regularizer, SystemProblem, check_problem
from .numeric import NumericSystem
from .symmetry import SignedPermutation, candidate_symmetries

if TYPE_CHECKING:
    from .precision import BallSystem

__all__ = ["PolynomialSystem", "build_system", "split_loss", "MAX_SYSTEM_VARIABLES"]

MAX_SYSTEM_VARIABLES = 200
"""Largest number of unknowns :func:`build_system` accepts."""


@dataclass(frozen=True, eq=False)
class PolynomialSystem:
    """The critical-point system ``grad L = 0`` of a regularized loss, exactly.

    Attributes
    ----------
    variables : tuple of str
        Parameter names, in canonical order (see :mod:`algmorse.model.network`).
    ring : sympy.polys.rings.PolyRing
        ``QQ[variables]``.
    loss : PolyElement
        The regularized loss ``L``.
    gradient : tuple of PolyElement
        ``dL/da_j`` for each variable.
    hessian : tuple of tuple of PolyElement
        ``d^2 L / da_i da_j`` (symmetric).
    symmetries : tuple of SignedPermutation
        Generators of a group of signed coordinate permutations ``g`` with ``L(g a) = L(a)``,
        each verified exactly on ``loss``.
    is_gradient : bool
        False for a square system that is not a gradient (:class:`~algmorse.model.network.SystemProblem`):
        ``gradient`` holds its equations, ``hessian`` their Jacobian (not symmetric) and
        ``loss`` is 0.

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem
    >>> system = build_system(FunctionProblem(("x", "y"), "x^2*y + y^3"))
    >>> [str(g) for g in system.gradient]
    ['2*x*y', 'x**2 + 3*y**2']
    """

    variables: tuple[str, ...]
    ring: PolyRing
    loss: PolyElement
    gradient: tuple[PolyElement, ...]
    hessian: tuple[tuple[PolyElement, ...], ...]
    symmetries: tuple[SignedPermutation, ...]
    is_gradient: bool = True

    @property
    def num_variables(self) -> int:
        """Number of unknowns ``n``."""
        return len(self.variables)

    def sparse_gradient(self) -> list[dict[tuple[int, ...], Fraction]]:
        """The gradient as backend-neutral sparse polynomials with :class:`Fraction` coefficients."""
        return [
            {exps: Fraction(int(c.numerator), int(c.denominator)) for exps, c in g.items()}
            for g in self.gradient
        ]

    def sparse_loss(self) -> dict[tuple[int, ...], Fraction] | None:
        """The loss as a sparse polynomial with :class:`Fraction` coefficients (None for a square
        system, which has no loss)."""
        if not self.is_gradient:
            return None
        return {exps: Fraction(int(c.numerator), int(c.denominator)) for exps, c in self.loss.items()}

    @cached_property
    def balls(self) -> "BallSystem":
        """Evaluator of loss, gradient and Hessian in ball arithmetic (built once)."""
        from .precision import BallSystem

        return BallSystem(self)

    @cached_property
    def numeric(self) -> NumericSystem:
        """Fast floating-point evaluator of loss, gradient and Hessian (built once)."""
        return NumericSystem.from_polynomials(
            self.num_variables,
            [dict(self.loss.items())],
            [dict(g.items()) for g in self.gradient],
            [[dict(h.items()) for h in row] for row in self.hessian],
            symmetric=self.is_gradient,
        )

    @property
    def total_degree(self) -> int:
        """Bezout number of the gradient system (product of the equations' degrees)."""
        result = 1
        for g in self.gradient:
            result *= _total_degree(g)
        return result


def _total_degree(p: PolyElement) -> int:
    return max((sum(m) for m in p.keys()), default=0)


def build_system(problem: Problem) -> PolynomialSystem:
    """Build the exact loss, gradient, Hessian and verified symmetries of ``problem``.

    Parameters
    ----------
    problem : NetworkProblem or FunctionProblem
        A problem whose regularizer is fully specified (for generalized L2 with random
        strengths, call ``Regularizer.resolved`` first).

    Returns
    -------
    PolynomialSystem

    Raises
    ------
    SpecError
        If ``problem`` is not a problem, the regularizer still has undrawn random strengths, or
        the loss is constant.

    Notes
    -----
    The network output is propagated layer by layer as ring elements (one per neuron and data
    point); nothing is expanded twice. Cost is dominated by squaring the output polynomials.
    """
    check_problem(problem)
    variables = problem.variables
    if len(variables) > MAX_SYSTEM_VARIABLES:
        raise SpecError("network.widths" if isinstance(problem, NetworkProblem) else "function.variables",
                        f"the loss has {len(variables)} parameters; algmorse builds and solves critical-point systems "
                        f"of at most {MAX_SYSTEM_VARIABLES} (the Hessian alone has {len(variables) ** 2} entries, and "
                        "homotopy continuation is out of reach long before).",
                        "Use a smaller network (the critical points of one with 6 to 15 parameters take seconds "
                        "to minutes).")
    if isinstance(problem, SystemProblem):
        return _square_system(problem)
    data_term, shape = split_loss(problem)
    poly_ring, gens = data_term.ring, data_term.ring.gens
    loss = data_term + _qq(_strength(problem.regularizer)) * shape
    if all(sum(m) == 0 for m in loss.keys()):
        raise SpecError("function.expression" if isinstance(problem, FunctionProblem) else "network",
                        "the loss is constant, so every point is critical.",
                        "Give a non-constant function.")
    gradient = tuple(loss.diff(x) for x in gens)
    hessian = tuple(tuple(gradient[i].diff(gens[j]) for j in range(len(gens))) for i in range(len(gens)))
    symmetries = tuple(g for g in candidate_symmetries(problem) if g.preserves(loss))
    return PolynomialSystem(variables, poly_ring, loss, gradient, hessian, symmetries)


def _square_system(problem: SystemProblem) -> PolynomialSystem:
    """A square system's equations and Jacobian in ``QQ[variables]``."""
    poly_ring = ring(",".join(problem.variables), QQ)[0]
    equations = tuple(poly_ring.from_dict({e: _qq(c) for e, c in
                                           parse_polynomial(text, problem.variables, field="system.equations").items()})
                      for text in problem.equations)
    jacobian = tuple(tuple(f.diff(x) for x in poly_ring.gens) for f in equations)
    return PolynomialSystem(tuple(problem.variables), poly_ring, poly_ring.zero, equations, jacobian, (), False)


def split_loss(problem: Problem) -> tuple[PolyElement, PolyElement]:
    """The data term ``L`` and the regularizer ``R`` without its strength, exactly.

    The loss that :func:`build_system` builds is ``L + s * R`` with ``s`` the regularizer's
    strength: ``eps`` for ``l2``, ``multiplicative`` and ``polynomial`` (1 when a polynomial
    regularizer gives none), and 1 for ``generalized-l2``, whose ``R`` is
    ``sum_j eps_j a_j^2`` with the given strengths. For ``none``, ``R = 0``.

    Parameters
    ----------
    problem : NetworkProblem or FunctionProblem
        As for :func:`build_system`.

    Returns
    -------
    (PolyElement, PolyElement)
        ``L`` (the network's data term, or the function ``h``) and ``R``, both in
        ``QQ[problem.variables]`` (their ``.ring``).

    Raises
    ------
    SpecError
        If the regularizer still has undrawn random strengths.

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem, Regularizer
    >>> data, shape = split_loss(FunctionProblem(("x",), "x^4", Regularizer("l2", Fraction(1, 3))))
    >>> str(data), str(shape)
    ('x**4', 'x**2')
    """
    variables = problem.variables
    poly_ring, *gens = ring(list(variables), QQ)
    if isinstance(problem, NetworkProblem):
        data_term = _network_data_term(problem, poly_ring, gens)
    else:
        data_term = poly_ring.from_dict(_to_qq(parse_polynomial(problem.expression, variables, field="function.expression")))
    return data_term, _unscaled_regularizer(problem, poly_ring, gens)


def _strength(reg: Regularizer) -> Fraction:
    """The factor ``s`` in ``loss = L + s * R`` (see :func:`split_loss`)."""
    if reg.kind in ("l2", "multiplicative") or (reg.kind == "polynomial" and reg.eps is not None):
        return reg.eps
    return Fraction(1)


def _to_qq(sparse: dict[tuple[int, ...], Fraction]) -> dict[tuple[int, ...], object]:
    return {exps: QQ(c.numerator, c.denominator) for exps, c in sparse.items()}


def _qq(value: Fraction):
    return QQ(value.numerator, value.denominator)


def _network_data_term(problem: NetworkProblem, poly_ring: PolyRing, gens: list[PolyElement]) -> PolyElement:
    network = problem.network
    by_name = dict(zip(problem.variables, gens))
    weights = [
        [[by_name[name] for name in row] for row in network.weight_names(k)]
        for k in range(1, network.depth + 1)
    ]
    biases = [[by_name[name] for name in network.bias_names(k)] for k in range(1, network.depth + 1)]
    total = poly_ring.zero
    for x, y in zip(problem.data.x, problem.data.y):
        values: list = [_qq(v) for v in x]
        for k in range(network.depth):
            pre = []
            for i, row in enumerate(weights[k]):
                acc = poly_ring.zero
                for w, v in zip(row, values):
                    acc += w * v
                if biases[k]:
                    acc += biases[k][i]
                pre.append(acc)
            is_hidden = k < network.depth - 1
            values = [network.activation(p) for p in pre] if is_hidden else pre
        for out, target in zip(values, y):
            residual = out - _qq(target)
            total += residual * residual
    return total * _qq(problem.scale)


def _unscaled_regularizer(problem: Problem, poly_ring: PolyRing, gens: list[PolyElement]) -> PolyElement:
    reg: Regularizer = problem.regularizer
    if reg.kind == "none":
        return poly_ring.zero
    if reg.kind == "l2":
        return sum((x * x for x in gens), poly_ring.zero)
    if reg.kind == "generalized-l2":
        if reg.eps is None:
            raise SpecError("regularizer.eps", "random generalized-L2 strengths have not been drawn yet.",
                            "Call Regularizer.resolved(num_parameters, seed) first (analyze() does).")
        return sum((_qq(e) * x * x for e, x in zip(reg.eps, gens)), poly_ring.zero)
    if reg.kind == "multiplicative":
        if not isinstance(problem, NetworkProblem):
            raise SpecError("regularizer.kind", "the multiplicative regularizer needs weight matrices.",
                            "Use it with a [network] problem.")
        by_name = dict(zip(problem.variables, gens))
        product = poly_ring.one
        for k in range(1, problem.network.depth + 1):
            names = [n for row in problem.network.weight_names(k) for n in row]
            product *= sum((by_name[n] ** 2 for n in names), poly_ring.zero)
        return product
    expression = parse_polynomial(reg.expression or "", problem.variables, field="regularizer.expression")
    return poly_ring.from_dict(_to_qq(expression))
