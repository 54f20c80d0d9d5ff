"""The numbers of a problem that sweeps, exports and the discriminant can vary, by name.

A sweep (``algmorse sweep --vary NAME=START:STOP:N``), the exact exceptional values along it
(:func:`algmorse.probes.discriminant.discriminant` with ``parameter=``) and the exports with
parameters (:mod:`algmorse.model.parametrized`) address the numbers of a spec by these names:

* ``eps``: the strength of an ``l2``, ``multiplicative`` or ``polynomial`` regularizer;
* ``eps_J``: the J-th strength of a ``generalized-l2`` regularizer (1-based, in parameter order);
* ``scale``: the loss scale of a network problem (``[loss] scale``);
* ``x_I_K`` / ``y_I_K``: the K-th input / output of data point I (both 1-based).

The loss as a polynomial in them is :mod:`algmorse.model.parametrized`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from ..errors import SpecError
from .network import NetworkProblem, Problem

__all__ = ["EPS_SCALE", "ProblemParameter", "problem_parameter", "parameter_names", "parameter_value", "with_parameter"]

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
    """Every name :func:`problem_parameter` accepts for ``problem``, in a canonical order.

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
        for letter, rows in (("x", problem.data.x), ("y", problem.data.y)):
            names += [f"{letter}_{i}_{k}" for i, row in enumerate(rows, 1) for k in range(1, len(row) + 1)]
    return tuple(names)


def _summary(problem: Problem, known: tuple[str, ...]) -> str:
    """The accepted names, with data values as ``x_I_K (I = 1..m, K = 1..n)`` rather than one by one."""
    shown = [name for name in known if not re.fullmatch(r"[xy]_\d+_\d+", name)]
    if len(shown) > 6:
        shown = [shown[0], "...", shown[-1]]
    if isinstance(problem, NetworkProblem) and len(problem.data):
        widths = problem.network.widths
        shown += [f"x_I_K (I = 1..{len(problem.data)}, K = 1..{widths[0]})",
                  f"y_I_K (I = 1..{len(problem.data)}, K = 1..{widths[-1]})"]
    return ", ".join(shown)


def problem_parameter(problem: Problem, name: str, *, field: str = "--vary") -> ProblemParameter:
    """The parameter called ``name`` in ``problem``.

    Raises
    ------
    SpecError
        Naming ``field``, when ``name`` is not one of :func:`parameter_names` (the message lists
        the valid names, or says why there are none).
    """
    known = parameter_names(problem)
    match = _NAME.fullmatch(name) if isinstance(name, str) else None
    if match is None or name not in known:
        raise SpecError(field, f"{str(name)[:60]!r} is not a parameter of this problem.",
                        f"Choose among: {_summary(problem, known) or 'none (it has no parameters)'}.")
    plain, j, data, i, k = match.groups()
    if plain:
        return ProblemParameter(plain, plain)  # type: ignore[arg-type]
    if j:
        return ProblemParameter(name, "eps_j", (int(j) - 1,))
    return ProblemParameter(name, data, (int(i) - 1, int(k) - 1))  # type: ignore[arg-type]


def parameter_value(problem: Problem, parameter: ProblemParameter) -> Fraction:
    """The parameter's value in ``problem`` (1 for :data:`EPS_SCALE`)."""
    kind, reg = parameter.kind, problem.regularizer
    if kind == "eps-scale":
        return Fraction(1)
    if kind == "eps":
        return reg.eps if reg.eps is not None else Fraction(1)  # a polynomial regularizer's default
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
