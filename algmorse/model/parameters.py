"""The numbers of a problem that a sweep can vary, by name, and the loss as a polynomial in one.

A sweep (``algmorse sweep --vary NAME=START:STOP:N``) and the exact exceptional values along it
(:func:`algmorse.probes.discriminant.discriminant` with ``parameter=``) address the numbers of a
spec by these names:

* ``eps``: the strength of an ``l2``, ``multiplicative`` or ``polynomial`` regularizer;
* ``eps_J``: the J-th strength of a ``generalized-l2`` regularizer (1-based, in parameter order);
* ``scale``: the loss scale of a network problem (``[loss] scale``);
* ``x_I_K`` / ``y_I_K``: the K-th input / output of data point I (both 1-based).

The loss is a polynomial in each of them (degree 1 in a strength or the scale, 2 in an output,
at most ``2 d^h`` in an input for an activation of degree ``d`` and ``h`` hidden layers);
:func:`loss_coefficients` writes it as ``sum_k p^k L_k`` exactly, by interpolation at rational
values, checked at one more value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal, Sequence

from ..errors import SpecError
from .network import FunctionProblem, NetworkProblem, Problem, ReLU
from .system import _qq, loss_polynomial

__all__ = ["EPS_SCALE", "ProblemParameter", "problem_parameter", "parameter_names", "parameter_value", "with_parameter",
           "loss_coefficients"]

ParameterKind = Literal["eps", "eps_j", "scale", "x", "y", "eps-scale"]

_NAME = re.compile(r"(eps|scale)|eps_([1-9][0-9]{0,5})|([xy])_([1-9][0-9]{0,5})_([1-9][0-9]{0,5})")


@dataclass(frozen=True, slots=True)
class ProblemParameter:
    """One number of a problem, by name.

    Attributes
    ----------
    name : str
        As written by the user (``"eps_2"``, ``"x_1_1"``), or ``"eps-scale"`` for the common
        factor of every regularization strength (what ``--eps-scale`` sweeps).
    kind : {"eps", "eps_j", "scale", "x", "y", "eps-scale"}
    index : tuple of int
        0-based: ``(j,)`` for ``eps_j``, ``(i, k)`` for a data value, ``()`` otherwise.
    """

    name: str
    kind: ParameterKind
    index: tuple[int, ...] = ()


EPS_SCALE = ProblemParameter("eps-scale", "eps-scale")
"""The factor multiplying every regularization strength (its value in a spec is 1)."""


def parameter_names(problem: Problem) -> tuple[str, ...]:
    """Every name :func:`problem_parameter` accepts for ``problem`` (data values last).

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from algmorse.model.network import FunctionProblem, Regularizer
    >>> parameter_names(FunctionProblem(("x", "y"), "x^4 + y^2", Regularizer("generalized-l2", (F(1), F(2)))))
    ('eps_1', 'eps_2')
    """
    reg = problem.regularizer
    names: list[str] = []
    if reg.kind in ("l2", "multiplicative", "polynomial"):
        names.append("eps")
    elif reg.kind == "generalized-l2":
        names += [f"eps_{j}" for j in range(1, len(problem.variables) + 1)]
    if isinstance(problem, NetworkProblem):
        names.append("scale")
        for i, (x, y) in enumerate(zip(problem.data.x, problem.data.y), 1):
            names += [f"x_{i}_{k}" for k in range(1, len(x) + 1)] + [f"y_{i}_{k}" for k in range(1, len(y) + 1)]
    return tuple(names)


def problem_parameter(problem: Problem, name: str, *, field: str = "--vary") -> ProblemParameter:
    """The parameter called ``name`` in ``problem``.

    Raises
    ------
    SpecError
        Naming ``field``, when ``name`` is not one of :func:`parameter_names` (the message lists
        the valid names, or says why there are none).
    """
    names = parameter_names(problem)
    match = _NAME.fullmatch(name.strip()) if isinstance(name, str) else None
    if match is None or name.strip() not in names:
        listed = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        hint = (f"Valid names for this problem: {listed}." if names else
                "This problem has no strength, scale or data value to vary.")
        raise SpecError(field, f"{str(name)[:60]!r} is not a number of this problem.", hint)
    plain, j, data, i, k = match.groups()
    if plain:
        return ProblemParameter(plain, plain)  # type: ignore[arg-type]
    if j:
        return ProblemParameter(name.strip(), "eps_j", (int(j) - 1,))
    return ProblemParameter(name.strip(), data, (int(i) - 1, int(k) - 1))  # type: ignore[arg-type]


def parameter_value(problem: Problem, parameter: ProblemParameter) -> Fraction:
    """The parameter's value in ``problem`` (1 for :data:`EPS_SCALE`)."""
    kind, reg = parameter.kind, problem.regularizer
    if kind == "eps-scale":
        return Fraction(1)
    if kind == "eps":
        return reg.eps if reg.eps is not None else Fraction(1)
    if kind == "eps_j":
        return reg.eps[parameter.index[0]]
    if kind == "scale":
        return problem.scale
    i, k = parameter.index
    return (problem.data.x if kind == "x" else problem.data.y)[i][k]


def with_parameter(problem: Problem, parameter: ProblemParameter, value: Fraction) -> Problem:
    """The problem with the parameter set to ``value`` (checked as a spec is).

    Raises
    ------
    SpecError
        If the value is not allowed there (e.g. a strength or scale that is not positive).
    """
    value = Fraction(value)
    kind, reg = parameter.kind, problem.regularizer
    if kind in ("eps", "eps-scale", "eps_j", "scale") and value <= 0:
        raise SpecError(parameter.name, f"must be positive, got {value}.", "Sweep over positive values only.")
    if kind == "eps-scale":
        eps = tuple(e * value for e in reg.eps) if isinstance(reg.eps, tuple) else (reg.eps or Fraction(1)) * value
        return replace(problem, regularizer=replace(reg, eps=eps))
    if kind == "eps":
        return replace(problem, regularizer=replace(reg, eps=value))
    if kind == "eps_j":
        eps = list(reg.eps)
        eps[parameter.index[0]] = value
        return replace(problem, regularizer=replace(reg, eps=tuple(eps)))
    if kind == "scale":
        return replace(problem, scale=value)
    i, k = parameter.index
    rows = [list(row) for row in (problem.data.x if kind == "x" else problem.data.y)]
    rows[i][k] = value
    return replace(problem, data=replace(problem.data, **{kind: tuple(tuple(row) for row in rows)}))


def _degree_bound(problem: Problem, parameter: ProblemParameter) -> int:
    """A bound on the loss's degree in the parameter."""
    if parameter.kind == "y":
        return 2
    if parameter.kind != "x":
        return 1
    network = problem.network
    if isinstance(network.activation, ReLU):
        raise SpecError("network.activation", "the loss of a ReLU network is not a polynomial in its data.",
                        "Use a polynomial activation.")
    degree = len(network.activation.coefficients) - 1
    return 2 * max(degree, 1) ** (len(network.widths) - 2)


def loss_coefficients(problem: Problem, parameter: ProblemParameter) -> list:
    """The loss as ``sum_k p^k L_k`` in the parameter ``p``: the list ``[L_0, L_1, ...]``.

    Each ``L_k`` is exact (a sympy ``PolyElement`` over QQ in ``problem.variables``). The loss
    is built at ``D + 1`` rational values of ``p`` (``D`` a degree bound, see the module notes),
    interpolated coefficient by coefficient, and checked against the loss built at one more
    value.

    Raises
    ------
    SpecError
        For a problem whose loss is not a polynomial in the parameter (ReLU).
    RuntimeError
        If the check fails (the degree bound was wrong: a bug, never a silent error).

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from algmorse.model.network import FunctionProblem, Regularizer
    >>> problem = FunctionProblem(("x",), "x^4", Regularizer("l2", F(1, 3)))
    >>> [str(c) for c in loss_coefficients(problem, problem_parameter(problem, "eps"))]
    ['x**4', 'x**2']
    """
    if isinstance(problem, FunctionProblem) and parameter.kind in ("scale", "x", "y"):
        raise SpecError(parameter.name, "a function problem has no loss scale or data.", "Vary a strength instead.")
    bound = _degree_bound(problem, parameter)
    nodes = [Fraction(k) for k in range(1, bound + 3)]  # positive: every kind accepts them
    losses = [loss_polynomial(with_parameter(problem, parameter, p)) for p in nodes]
    ring = losses[0].ring
    coefficients = _interpolate(nodes[:-1], losses[:-1], ring)
    check = sum((c * _qq(nodes[-1] ** k) for k, c in enumerate(coefficients)), ring.zero)
    if check != losses[-1]:
        raise RuntimeError(f"loss_coefficients: the loss has degree above {bound} in {parameter.name}.")
    while len(coefficients) > 1 and not coefficients[-1]:
        coefficients.pop()
    return coefficients


def _interpolate(nodes: Sequence[Fraction], values: Sequence, ring) -> list:
    """Coefficients ``c_0..c_D`` (ring elements) of the polynomial taking ``values`` at ``nodes``
    (Newton's divided differences, exact)."""
    table = list(values)
    count = len(nodes)
    for level in range(1, count):
        for i in range(count - 1, level - 1, -1):
            table[i] = (table[i] - table[i - 1]) * _qq(1 / (nodes[i] - nodes[i - level]))
    coefficients = [ring.zero] * count  # expand the Newton form, highest term first
    for i in range(count - 1, -1, -1):
        shifted = [ring.zero] + coefficients[:-1]
        coefficients = [s - c * _qq(nodes[i]) for s, c in zip(shifted, coefficients)]
        coefficients[0] += table[i]
    return coefficients
