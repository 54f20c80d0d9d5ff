"""The gradient system as a polynomial in the unknowns and in chosen problem parameters, exactly.

A researcher who moves the regularization strength, the loss scale or a data value follows the
critical points with a parameter homotopy; that needs the gradient as a polynomial in both the
unknowns and those parameters. The names of the parameters:

* ``eps``: the strength of an ``l2``, ``multiplicative`` or ``polynomial`` regularizer;
* ``eps_J``: the ``J``-th strength of a ``generalized-l2`` regularizer (1-based, in the order of
  the unknowns);
* ``scale``: the loss scale of a network problem;
* ``x_I_K`` and ``y_I_K``: the ``K``-th input and output of data point ``I`` (1-based).

The loss is ``scale * sum_I D_I + s * R`` (:func:`~algmorse.model.system.split_loss`), with
``D_I`` the term of data point ``I``, so ``scale`` and ``eps`` enter linearly and ``eps_J``
through ``eps_J * a_J^2``. A data term ``D_I`` is built by the network code itself
(:func:`~algmorse.model.system.split_loss`) on a grid of integer values of point ``I``'s chosen
entries and interpolated exactly, coefficient by coefficient: it has degree at most 2 in an output
and ``2 * d^h`` in an input, for an activation of degree ``d`` and ``h`` hidden layers. The grid has ``prod (degree + 1)`` nodes per data point (at
most :data:`MAX_GRID_NODES`), so the inputs of a point cost more than its outputs.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Sequence

import numpy as np
from sympy import QQ, Matrix
from sympy.polys.rings import PolyElement, PolyRing, ring

from ..errors import SpecError
from .network import (Dataset, NetworkProblem, Problem, Regularizer, SystemProblem, check_problem,
                      trusted_construction)
from .parameters import ProblemParameter, parameter_value, problem_parameter
from .system import _strength, split_loss  # _strength: the documented factor s of split_loss

__all__ = ["ParametrizedGradient", "parametrized_gradient", "loss_coefficients", "MAX_GRID_NODES"]

MAX_GRID_NODES = 1000
"""Most interpolation nodes :func:`parametrized_gradient` spends on one data point. Each node is one
build of that point's loss: milliseconds for small networks, a fifth of a second for a [4, 1, 1, 1]
network with a cubic activation (degree 18 in its inputs)."""

Sparse = dict[tuple[int, ...], Fraction]


@dataclass(frozen=True, eq=False)
class ParametrizedGradient:
    """The loss and gradient of a problem in ``QQ[variables, parameters]``.

    Attributes
    ----------
    variables : tuple of str
        The unknowns (the problem's parameter names, in canonical order).
    parameters : tuple of str
        The chosen problem parameters (``eps``, ``eps_J``, ``scale``, ``x_I_K``, ``y_I_K``).
    values : tuple of Fraction
        The problem's own values of ``parameters``.
    ring : sympy.polys.rings.PolyRing
        ``QQ[variables, parameters]`` (the unknowns first).
    loss : PolyElement
    gradient : tuple of PolyElement
        ``dL/da_j`` for each unknown ``a_j``.
    """

    variables: tuple[str, ...]
    parameters: tuple[str, ...]
    values: tuple[Fraction, ...]
    ring: PolyRing
    loss: PolyElement
    gradient: tuple[PolyElement, ...]

    def sparse_gradient(self) -> list[Sparse]:
        """The gradient as sparse polynomials in ``variables + parameters`` with Fraction coefficients."""
        return [{e: Fraction(int(c.numerator), int(c.denominator)) for e, c in g.items()} for g in self.gradient]

    def specialized(self, values: Sequence[Fraction | int | str] | None = None) -> list[Sparse]:
        """The gradient at parameter ``values`` (default: the problem's own), in the unknowns only.

        Parameters
        ----------
        values : sequence of rationals, optional
            One per parameter, in the order of ``parameters``.

        Returns
        -------
        list of dict
            Sparse polynomials in ``variables``, as
            :meth:`~algmorse.model.system.PolynomialSystem.sparse_gradient` gives them.
        """
        return [self._at(g, values) for g in self.gradient]

    def specialized_loss(self, values: Sequence[Fraction | int | str] | None = None) -> Sparse:
        """The loss at parameter ``values`` (as :meth:`specialized`), as
        :meth:`~algmorse.model.system.PolynomialSystem.sparse_loss` gives it."""
        return self._at(self.loss, values)

    def _at(self, polynomial: PolyElement, values: Sequence[Fraction | int | str] | None) -> Sparse:
        point = self.values if values is None else tuple(Fraction(v) for v in values)
        if len(point) != len(self.parameters):
            raise SpecError("values", f"{len(point)} values for {len(self.parameters)} parameters.",
                            f"Give one per parameter: {', '.join(self.parameters)}.")
        n = len(self.variables)
        terms: Sparse = {}
        for exponents, c in polynomial.items():
            c = Fraction(int(c.numerator), int(c.denominator))
            for power, value in zip(exponents[n:], point):
                c *= value ** power
            terms[exponents[:n]] = terms.get(exponents[:n], Fraction(0)) + c
        return {e: c for e, c in terms.items() if c}


def parametrized_gradient(problem: Problem, names: Sequence[str], *, field: str = "names") -> ParametrizedGradient:
    """The exact loss and gradient of ``problem`` as polynomials in its unknowns and ``names``.

    Parameters
    ----------
    problem : NetworkProblem or FunctionProblem
        With a polynomial activation and a fully specified regularizer (draw random
        generalized-L2 strengths with ``Regularizer.resolved`` first).
    names : sequence of str
        Distinct names among :func:`parameter_names` (see the module docstring).
    field : str, optional
        What error messages call ``names`` (the command line passes ``--parameters``).

    Returns
    -------
    ParametrizedGradient
        At ``values`` it is the gradient of :func:`~algmorse.model.system.build_system`.

    Raises
    ------
    SpecError
        Naming ``field``, for an unknown or repeated name (with the names the problem has);
        as :func:`~algmorse.model.system.split_loss` for the problem itself.

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem, Regularizer
    >>> system = parametrized_gradient(FunctionProblem(("a",), "a^4", Regularizer("l2", Fraction(1, 10))), ["eps"])
    >>> [str(g) for g in system.gradient], system.values
    (['4*a**3 + 2*a*eps'], (Fraction(1, 10),))
    """
    check_problem(problem)
    if isinstance(problem, SystemProblem):
        raise SpecError(field, "a square system has no loss, so no parameters to keep symbolic.",
                        "Export it without parameters.")
    names = tuple(names)
    _check_names(problem, names, field)
    if isinstance(problem, NetworkProblem) and problem.network.is_relu:
        raise SpecError("network.activation", "relu is piecewise linear, so the loss has no single polynomial.",
                        "Use a polynomial activation.")
    reg = problem.regularizer
    if reg.kind == "generalized-l2" and reg.eps is None:
        raise SpecError("regularizer.eps", "random generalized-L2 strengths have not been drawn yet.",
                        "Call Regularizer.resolved(num_parameters, seed) first.")
    values = tuple(parameter_value(problem, problem_parameter(problem, name, field=field)) for name in names)
    n = len(problem.variables)
    poly_ring = ring(list(problem.variables) + list(names), QQ)[0]
    unknowns, symbols = poly_ring.gens[:n], dict(zip(names, poly_ring.gens[n:]))

    def lift(polynomial: PolyElement) -> PolyElement:
        padding = (0,) * len(names)
        return poly_ring.from_dict({e + padding: c for e, c in polynomial.items()})

    strengths = [j for j in range(n) if f"eps_{j + 1}" in symbols]
    if strengths:  # R = sum_j eps_j a_j^2: the chosen strengths become symbols
        eps = tuple(Fraction(0) if j in strengths else e for j, e in enumerate(reg.eps))
        problem = _rebuilt(problem, regularizer=replace(reg, eps=eps))
    if isinstance(problem, NetworkProblem):
        varying = {i for i in range(len(problem.data)) for name in names
                   if name.startswith((f"x_{i + 1}_", f"y_{i + 1}_"))}
        fixed = [i for i in range(len(problem.data)) if i not in varying]
        data, shape = split_loss(_rebuilt(problem, data=_subset(problem.data, fixed), scale=Fraction(1)))
        data = lift(data)
        for i in sorted(varying):
            data += _point_term(problem, i, names, poly_ring, field)
        loss = symbols.get("scale", _qq(problem.scale)) * data
    else:
        data, shape = split_loss(problem)
        loss = lift(data)
    loss += symbols.get("eps", _qq(_strength(reg))) * lift(shape)
    for j in strengths:
        loss += symbols[f"eps_{j + 1}"] * unknowns[j] ** 2
    gradient = tuple(loss.diff(a) for a in unknowns)
    return ParametrizedGradient(tuple(problem.variables), names, values, poly_ring, loss, gradient)


def _check_names(problem: Problem, names: tuple[str, ...], field: str) -> None:
    for name in names:
        problem_parameter(problem, name, field=field)
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SpecError(field, f"{', '.join(repeated)} given more than once.", "Name each parameter once.")


def loss_coefficients(problem: Problem, parameter: ProblemParameter) -> list[PolyElement]:
    """The loss as ``sum_k p^k L_k`` in one parameter ``p``: the list ``[L_0, L_1, ...]``.

    Each ``L_k`` is exact, in ``QQ[problem.variables]``; trailing zero coefficients are dropped.
    For :data:`~algmorse.model.parameters.EPS_SCALE` (the factor of every strength) it is
    ``[L, s * R]`` of :func:`~algmorse.model.system.split_loss`; otherwise the coefficients of
    :func:`parametrized_gradient`'s loss in ``p``.

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem, Regularizer
    >>> from algmorse.model.parameters import problem_parameter
    >>> problem = FunctionProblem(("x",), "x^4", Regularizer("l2", Fraction(1, 3)))
    >>> [str(c) for c in loss_coefficients(problem, problem_parameter(problem, "eps"))]
    ['x**4', 'x**2']
    """
    if parameter.kind == "eps-scale":
        data, shape = split_loss(problem)
        return [data, shape * _qq(_strength(problem.regularizer))] if shape else [data]
    full = parametrized_gradient(problem, [parameter.name], field="parameter")
    unknowns = ring(list(problem.variables), QQ)[0]
    by_power: dict[int, dict] = {}
    for exponents, c in full.loss.items():
        by_power.setdefault(exponents[-1], {})[exponents[:-1]] = c
    coefficients = [unknowns.from_dict(by_power.get(k, {})) for k in range(max(by_power, default=0) + 1)]
    while len(coefficients) > 1 and not coefficients[-1]:
        coefficients.pop()
    return coefficients


def _rebuilt(problem: Problem, **changes) -> Problem:
    """``dataclasses.replace`` without the spec checks (the values come from a checked problem)."""
    with trusted_construction():
        return replace(problem, **changes)


def _subset(data: Dataset, indices: Sequence[int]) -> Dataset:
    return Dataset(tuple(data.x[i] for i in indices), tuple(data.y[i] for i in indices))


def _point_term(problem: NetworkProblem, index: int, names: tuple[str, ...], poly_ring: PolyRing,
                field: str) -> PolyElement:
    """Data point ``index``'s unscaled term, interpolated in its chosen entries on the grid ``0..degree``.

    Each coefficient (a monomial in the unknowns) is tabulated on the grid and turned into a
    polynomial in the entries by the inverse Vandermonde matrix of ``0..degree``, one axis at a time.
    """
    prefix = (f"x_{index + 1}_", f"y_{index + 1}_")
    entries = [name for name in names if name.startswith(prefix)]
    network = problem.network
    input_degree = 2 * max(network.activation.degree, 0) ** (network.depth - 1)
    degrees = [input_degree if name[0] == "x" else 2 for name in entries]
    shape = tuple(d + 1 for d in degrees)
    if math.prod(shape) > MAX_GRID_NODES:
        raise SpecError(field, f"{', '.join(entries)} would take {math.prod(shape)} loss builds (degree "
                               f"{input_degree} in each input); algmorse spends at most {MAX_GRID_NODES} on one "
                               "data point.", "Keep fewer of one data point's inputs symbolic.")
    base = _rebuilt(problem, data=_subset(problem.data, [index]), scale=Fraction(1), regularizer=Regularizer())
    table: dict[tuple[int, ...], np.ndarray] = {}
    for node in itertools.product(*map(range, shape)):
        at_node = split_loss(_with_values(base, {name: Fraction(k) for name, k in zip(entries, node)}))[0]
        for monomial, c in at_node.items():
            table.setdefault(monomial, np.full(shape, QQ(0), dtype=object))[node] = c
    inverses = [_inverse_vandermonde(d) for d in degrees]
    positions = [len(problem.variables) + names.index(name) for name in entries]
    terms = {}
    for monomial, values in table.items():
        for axis, inverse in enumerate(inverses):
            values = np.moveaxis(np.tensordot(inverse, values, axes=([1], [axis])), 0, axis)
        for powers, c in np.ndenumerate(values):
            if c:
                exponents = list(monomial) + [0] * len(names)
                for position, power in zip(positions, powers):
                    exponents[position] = power
                terms[tuple(exponents)] = c
    return poly_ring.from_dict(terms)


def _inverse_vandermonde(degree: int) -> np.ndarray:
    """``V^-1`` for ``V[k, j] = k^j`` (``k, j = 0..degree``): node values to power coefficients, exactly."""
    inverse = Matrix(degree + 1, degree + 1, lambda k, j: k ** j).inv()
    return np.array([[QQ(int(e.p), int(e.q)) for e in inverse.row(k)] for k in range(degree + 1)], dtype=object)


def _with_values(problem: NetworkProblem, values: dict[str, Fraction]) -> NetworkProblem:
    """A one-point ``problem`` with its point's entries ``x_I_K`` / ``y_I_K`` (whatever ``I``) set to ``values``."""
    rows = {"x": list(problem.data.x[0]), "y": list(problem.data.y[0])}
    for name, value in values.items():
        letter, _, k = name.split("_")
        rows[letter][int(k) - 1] = value
    return _rebuilt(problem, data=Dataset((tuple(rows["x"]),), (tuple(rows["y"]),)))


def _qq(value: Fraction):
    return QQ(value.numerator, value.denominator)
