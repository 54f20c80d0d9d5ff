"""The TOML spec boundary: user files and dicts in, validated :class:`Problem` objects out.

This is the only place where untrusted input becomes a problem; polynomial text goes through
:mod:`algmorse.model.expr` (never ``eval``). Every error is a :class:`~algmorse.errors.SpecError`
naming the offending field (``data.x[2]``, ``regularizer.eps``, ...), what was expected and
what was found. Unknown tables and keys are errors, so typos never pass silently.

The format::

    [network]
    widths = [1, 2, 1]        # input, hidden..., output: at least two integers >= 1
    activation = "t + t^2"    # a polynomial in t, its coefficients [c0, c1, ...], or "relu"
    bias = false              # optional, default false

    [data]
    x = [[1], [2], [3]]       # one row of widths[0] numbers per sample (a bare number
    y = [[2], [1], [3]]       # may stand for a row when the width is 1); numbers or
                              # rational strings such as "1/3"
    [loss]
    scale = "1/2"             # optional table, default 1/2, must be > 0

    [regularizer]             # optional table, default kind = "none"
    kind = "generalized-l2"   # none | l2 | generalized-l2 | multiplicative | polynomial
    eps = ["1/10", "1/5", "3/10", "2/5"]

    [solve]                   # optional: seed, backend, jobs, timeout, stable_runs, max_runs, decompose, verify,
                              # proof, proof_timeout, method
    seed = 1

A ``[function]`` table (``variables = ["x", "y"]``, ``expression = "x^4 - 2*x^2 + y^2"``)
replaces ``[network]``, ``[data]`` and ``[loss]``. Regularizer rules: ``l2`` and
``multiplicative`` take one ``eps > 0``; ``generalized-l2`` takes one ``eps > 0`` per parameter
in parameter order, or ``"random"`` / nothing to draw them from the seed; ``polynomial`` takes an
``expression`` in the parameter names and an optional ``eps`` (default 1); ``multiplicative``
needs a network.

``activation = "relu"`` (the rectifier, analysed pattern by pattern by :mod:`algmorse.relu.analyze`) is
accepted for two-layer networks only (``widths = [n0, m, n_out]``), with or without biases, and
with the regularizers ``none``, ``l2`` and ``generalized-l2``.
"""

from __future__ import annotations

import numbers
import operator
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import isfinite
from typing import Any

import sympy

from algmorse.errors import SpecError, UnsupportedActivation, check_type
from algmorse.model.expr import is_variable_name, parse_polynomial, parse_rational
from algmorse.model.network import (
    REGULARIZER_KINDS,
    Activation,
    Dataset,
    FunctionProblem,
    Network,
    NetworkProblem,
    Problem,
    Regularizer,
    ReLU,
    SystemProblem,
    trusted_construction,
)
from algmorse.model.options import SolveOptions
from algmorse.model.reading import read_limited

__all__ = ["Spec", "load_spec", "load_data_sets", "parse_spec", "problem_to_spec", "MAX_VARIABLES", "MAX_PARAMETERS",
           "MAX_SPEC_BYTES", "MAX_NESTING", "MAX_DATA_SETS"]

MAX_VARIABLES = 200
"""Most variables a ``[function]`` table may declare."""
MAX_PARAMETERS = 10_000
"""Most parameters a ``[network]`` may have (a guard: names and per-parameter lists are built)."""
MAX_SPEC_BYTES = 16 * 2**20
"""Largest spec or data-set file read (16 MiB); an endless input such as ``/dev/zero`` is refused
after that many bytes."""
MAX_NESTING = 32
"""Deepest nesting of arrays and tables in a spec, a data-set file or a dict given to
:func:`parse_spec` (specs need 4 levels; deeper input would exhaust Python's recursion limit)."""
MAX_DATA_SETS = 10_000
"""Most ``[[data]]`` tables in a data-set file (as many as the eps values a sweep takes)."""

_DEFAULT_SOURCE = "<spec>"
_TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "network": ("widths", "activation", "bias"),
    "data": ("x", "y"),
    "loss": ("scale",),
    "regularizer": ("kind", "eps", "expression"),
    "solve": ("seed", "backend", "jobs", "timeout", "stable_runs", "max_runs", "decompose", "verify",
              "proof", "proof_timeout", "method"),
    "function": ("variables", "expression"),
    "system": ("variables", "equations"),
}
_NETWORK_TABLES = ("network", "data", "loss")
_ACTIVATION_HINT = (
    'Give a polynomial in t such as "t - t^3/3", or its coefficients c0, c1, ... as an array '
    'such as [0, 1, "-1/3"].'
)
_EPS_EXAMPLE = '["1/10", "1/5", ...]'
_NESTING_HINT = "Check the brackets, e.g. x = [[1], [2]] for two samples."


@dataclass(frozen=True, slots=True)
class Spec:
    """A validated spec: the problem and how to solve it.

    Attributes
    ----------
    problem : NetworkProblem or FunctionProblem
        What to analyse.
    solve : SolveOptions
        The ``[solve]`` table (defaults where absent).
    """

    problem: Problem
    solve: SolveOptions


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(value: object) -> str:
    """``value`` as TOML calls it, for "got ..." in messages."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the float {value!r}"
    if isinstance(value, str):
        return f"the string {_short(repr(value))}"
    if isinstance(value, list):
        items = "item" if len(value) == 1 else "items"
        return f"an array of {len(value)} {items} {_short(repr(value))}"
    if isinstance(value, Mapping):
        return f"a table with keys {', '.join(map(str, value)) or '(none)'}"
    return f"a {type(value).__name__} {_short(repr(value))}"


def _names(names: Sequence[str], limit: int = 12) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[: limit - 2])}, ..., {names[-1]}"


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    """The table ``name`` with its keys checked, or ``None`` if absent."""
    if name not in data:
        return None
    table = data[name]
    if not isinstance(table, Mapping):
        raise SpecError(name, f"expected a table [{name}], got {_describe(table)}.")
    allowed = _TABLE_KEYS[name]
    for key in table:
        if key not in allowed:
            raise SpecError(
                f"{name}.{key}",
                f"unknown key {key!r} in [{name}]; allowed keys: {', '.join(allowed)}.",
            )
    return table


def _require(table: Mapping[str, Any], name: str, key: str, example: str) -> Any:
    if key not in table:
        raise SpecError(f"{name}.{key}", f"missing required key {key!r} in [{name}].",
                        f"For example: {key} = {example}")
    return table[key]


def _integer(value: object, field: str, minimum: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SpecError(field, f"expected {what}, got {_describe(value)}.")
    return value


def _positive_rational(value: object, field: str) -> Fraction:
    if isinstance(value, list):
        raise SpecError(field, f"expected one rational number > 0, got {_describe(value)}.")
    number = parse_rational(value, field=field)
    if number <= 0:
        raise SpecError(field, f"expected a rational number > 0, got {_describe(value)}.")
    return number


def _rows(
    value: object, field: str, width: int, width_name: str
) -> tuple[tuple[Fraction, ...], ...]:
    values = "value" if width == 1 else "values"
    if not isinstance(value, list) or not value:
        raise SpecError(
            field,
            f"expected a non-empty array of rows of {width} {values} ({width_name} = {width}), "
            f"got {_describe(value)}.",
        )
    rows = []
    for i, row in enumerate(value):
        row_field = f"{field}[{i}]"
        if isinstance(row, list) and len(row) == width:
            rows.append(
                tuple(parse_rational(v, field=f"{row_field}[{j}]") for j, v in enumerate(row))
            )
        elif width == 1 and not isinstance(row, list):
            rows.append((parse_rational(row, field=row_field),))
        else:
            raise SpecError(
                row_field,
                f"expected a row of {width} {values} ({width_name} = {width}), got "
                f"{_describe(row)}.",
            )
    return tuple(rows)


_RELU_REGULARIZERS = ("none", "l2", "generalized-l2")


def _parse_activation(value: object) -> Activation | ReLU:
    field = "network.activation"
    if isinstance(value, str) and value.strip().lower() == "relu":
        return ReLU()
    if isinstance(value, str):
        try:
            poly = parse_polynomial(value, ("t",), field=field)
        except SpecError as error:
            raise UnsupportedActivation(field, error.message, _ACTIVATION_HINT) from None
        coefficients = [Fraction(0)] * (max((e[0] for e in poly), default=0) + 1)
        for (power,), coefficient in poly.items():
            coefficients[power] = coefficient
        activation = Activation(tuple(coefficients), text=value)
    elif isinstance(value, list) and value:
        activation = Activation(
            tuple(parse_rational(c, field=f"{field}[{i}]") for i, c in enumerate(value))
        )
    else:
        raise SpecError(
            field,
            f"expected a polynomial in t (a string) or an array of coefficients, got "
            f"{_describe(value)}.",
            _ACTIVATION_HINT,
        )
    if activation.degree < 1:
        raise UnsupportedActivation(
            field,
            f"the activation {_short(repr(value))} is constant, so every hidden neuron would "
            "output the same value; a polynomial of degree >= 1 in t is needed.",
            _ACTIVATION_HINT,
        )
    return activation


def _parse_network(table: Mapping[str, Any]) -> Network:
    widths_value = _require(table, "network", "widths", "[1, 2, 1]")
    if not isinstance(widths_value, list) or len(widths_value) < 2:
        raise SpecError(
            "network.widths",
            f"expected an array of at least two integers >= 1 (input, hidden..., output), got "
            f"{_describe(widths_value)}.",
            "For example: widths = [1, 2, 1]",
        )
    widths = tuple(
        _integer(w, f"network.widths[{i}]", 1, "an integer >= 1")
        for i, w in enumerate(widths_value)
    )
    activation = _parse_activation(_require(table, "network", "activation", '"t + t^2"'))
    if isinstance(activation, ReLU) and len(widths) != 3:
        raise SpecError(
            "network.widths",
            f"activation = \"relu\" is supported for two-layer networks only (one hidden layer: widths "
            f"[n0, m, n_out]), got {len(widths) - 2} hidden layers in {list(widths)}.",
            "Use widths such as [1, 2, 1], or a polynomial activation for deeper networks.",
        )
    bias = table.get("bias", False)
    if not isinstance(bias, bool):
        raise SpecError("network.bias", f"expected true or false, got {_describe(bias)}.")
    count = sum(
        widths[k] * widths[k - 1] + (widths[k] if bias else 0) for k in range(1, len(widths))
    )
    if count > MAX_PARAMETERS:
        raise SpecError(
            "network.widths",
            f"the network has {count} parameters; at most {MAX_PARAMETERS} are supported.",
        )
    return Network(widths, activation, bias)


def _parse_data(table: Mapping[str, Any], network: Network) -> Dataset:
    x = _rows(_require(table, "data", "x", "[[1], [2], [3]]"), "data.x", network.widths[0],
              "widths[0]")
    y_value = _require(table, "data", "y", "[[2], [1], [3]]")
    if isinstance(y_value, list) and y_value and len(y_value) != len(x):
        raise SpecError(
            "data.y",
            f"expected {len(x)} rows (one per row of data.x), got {len(y_value)}.",
        )
    y = _rows(y_value, "data.y", network.widths[-1], "widths[-1]")
    return Dataset(x, y)


def _parse_variables(table: Mapping[str, Any], name: str) -> tuple[str, ...]:
    variables = _require(table, name, "variables", '["x", "y"]')
    if not isinstance(variables, list) or not variables:
        raise SpecError(
            f"{name}.variables",
            f"expected a non-empty array of variable names, got {_describe(variables)}.",
            'For example: variables = ["x", "y"]',
        )
    if len(variables) > MAX_VARIABLES:
        raise SpecError(
            f"{name}.variables",
            f"expected at most {MAX_VARIABLES} variables, got {len(variables)}.",
        )
    seen: set[str] = set()
    for i, variable in enumerate(variables):
        if not is_variable_name(variable):
            raise SpecError(
                f"{name}.variables[{i}]",
                f"expected an identifier (ASCII letters, digits and _, not starting with a digit, "
                f"not a Python keyword), got {_describe(variable)}.",
            )
        if variable in seen:
            raise SpecError(f"{name}.variables[{i}]", f"the variable {variable!r} is declared twice.")
        seen.add(variable)
    return tuple(variables)


def _parse_function(table: Mapping[str, Any]) -> tuple[tuple[str, ...], str]:
    variables = _parse_variables(table, "function")
    expression = _require(table, "function", "expression", '"x^4 - 2*x^2 + y^2"')
    parse_polynomial(expression, variables, field="function.expression")
    return variables, expression


def _parse_system(table: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    variables = _parse_variables(table, "system")
    equations = _require(table, "system", "equations", '["x^2 + y^2 - 1", "x - y"]')
    if not isinstance(equations, list) or len(equations) != len(variables):
        raise SpecError("system.equations",
                        f"expected one equation per variable ({len(variables)}), got {_describe(equations)}.",
                        "A square system: as many equations as variables.")
    for i, equation in enumerate(equations):
        polynomial = parse_polynomial(equation, variables, field=f"system.equations[{i}]")
        if all(sum(e) == 0 for e in polynomial):
            raise SpecError(f"system.equations[{i}]", "the equation is constant.",
                            "Every equation must involve a variable (a nonzero constant has no solution).")
    missing = [v for k, v in enumerate(variables)
               if not any(e[k] for eq in equations for e in parse_polynomial(eq, variables, field="system.equations"))]
    if missing:
        raise SpecError("system.variables", f"{_names(missing)} occur in no equation, so the solutions are not isolated.",
                        "Remove them or use them.")
    return variables, tuple(equations)


def _parse_regularizer(
    table: Mapping[str, Any] | None, variables: Sequence[str], is_network: bool
) -> Regularizer:
    if table is None:
        return Regularizer()
    kinds = ", ".join(REGULARIZER_KINDS)
    kind = _require(table, "regularizer", "kind", '"l2"')
    if kind not in REGULARIZER_KINDS:
        raise SpecError("regularizer.kind", f"expected one of {kinds}, got {_describe(kind)}.")
    if kind != "polynomial" and "expression" in table:
        raise SpecError(
            "regularizer.expression",
            f"only kind = \"polynomial\" takes an expression, but kind is {kind!r}.",
        )
    has_eps = "eps" in table
    eps = table.get("eps")
    if kind == "none":
        if has_eps:
            raise SpecError(
                "regularizer.eps",
                "kind = \"none\" takes no eps.",
                'Remove eps, or choose a kind such as "l2".',
            )
        return Regularizer()
    if kind in ("l2", "multiplicative"):
        if kind == "multiplicative" and not is_network:
            raise SpecError(
                "regularizer.kind",
                "the multiplicative regularizer multiplies the norms of weight matrices, and a "
                "[function] problem has none.",
                'Use a [network] problem, or kind = "polynomial" with an explicit expression.',
            )
        if not has_eps:
            raise SpecError("regularizer.eps", f"kind = {kind!r} needs eps.",
                            'For example: eps = "1/10"')
        if isinstance(eps, list):
            raise SpecError(
                "regularizer.eps",
                f"kind = {kind!r} takes one rational number > 0, got {_describe(eps)}.",
                'Give one value such as eps = "1/10" (kind = "generalized-l2" takes one per '
                "parameter).",
            )
        return Regularizer(kind, _positive_rational(eps, "regularizer.eps"))
    if kind == "generalized-l2":
        return Regularizer(kind, _generalized_eps(eps, has_eps, variables, is_network))
    expression = _require(table, "regularizer", "expression", '"w1_1_1^2 * w2_1_1^2"')
    parse_polynomial(expression, variables, field="regularizer.expression")
    strength = _positive_rational(eps, "regularizer.eps") if has_eps else Fraction(1)
    return Regularizer(kind, strength, expression)


def _generalized_eps(
    eps: object, has_eps: bool, variables: Sequence[str], is_network: bool
) -> tuple[Fraction, ...] | None:
    if not has_eps or eps == "random":
        return None
    per = "parameter" if is_network else "variable"
    values = "value" if len(variables) == 1 else "values"
    expected = f"{len(variables)} {values} (one per {per}: {_names(variables)})"
    hint = (
        f"Give one rational > 0 per {per} in {per} order, e.g. {_EPS_EXAMPLE}, or eps = "
        '"random" to draw them from the seed.'
    )
    if not isinstance(eps, list):
        raise SpecError("regularizer.eps", f"expected {expected}, got {_describe(eps)}.", hint)
    if len(eps) != len(variables):
        raise SpecError("regularizer.eps", f"expected {expected}, got {len(eps)}.", hint)
    return tuple(_positive_rational(v, f"regularizer.eps[{i}]") for i, v in enumerate(eps))


def _positive_timeout(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
        isfinite(value) and value > 0
    ):
        raise SpecError(field, f"expected a number of seconds > 0, got {_describe(value)}.")
    return float(value)


def _backend_name(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(
            field, f'expected a backend name such as "phcpack", got {_describe(value)}.'
        )
    return value


def _choice(*allowed: str) -> Callable[[object, str], str]:
    def rule(value: object, field: str) -> str:
        if value not in allowed:
            raise SpecError(field, f"expected one of {', '.join(map(repr, allowed))}, got {_describe(value)}.")
        return value  # type: ignore[return-value]

    return rule


_SOLVE_RULES: dict[str, Callable[[object, str], object]] = {
    "seed": lambda v, f: _integer(v, f, 0, "an integer >= 0"),
    "backend": _backend_name,
    "jobs": lambda v, f: _integer(v, f, 1, "an integer >= 1"),
    "timeout": _positive_timeout,
    "stable_runs": lambda v, f: _integer(v, f, 1, "an integer >= 1"),
    "max_runs": lambda v, f: _integer(v, f, 1, "an integer >= 1"),
    "decompose": _choice("auto", "always", "never"),
    "verify": _choice("none", "exact"),
    "proof": _choice("auto", "none"),
    "proof_timeout": _positive_timeout,
    "method": _choice("auto", "blackbox", "monodromy"),
}


def _parse_solve(table: Mapping[str, Any] | None) -> SolveOptions:
    if table is None:
        return SolveOptions()
    values = {key: _SOLVE_RULES[key](value, f"solve.{key}") for key, value in table.items()}
    return SolveOptions(**values)


_DOCUMENTATION_TABLES = ("case", "expected")
"""Tables of fixture files (:mod:`algmorse.polynomials`) that a spec may carry and that are ignored."""


def _check_nesting(data: object, field: str = "") -> None:
    """Refuse arrays and tables nested more than :data:`MAX_NESTING` deep, before anything recurses.

    A linear walk with its own stack (no recursion); a list that contains itself is refused too.
    Arrays keep the field of the key that holds them (``data.x``).
    """
    stack = [(data, field, 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_NESTING:
            raise SpecError(where or "<spec>", f"arrays and tables are nested more than {MAX_NESTING} levels deep; a "
                            "spec needs at most 4.", _NESTING_HINT)
        if isinstance(value, Mapping):
            stack.extend((v, f"{where}.{k}" if where else str(k), depth + 1) for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            stack.extend((v, where, depth + 1) for v in value)


def _parse(data: object) -> Spec:
    if not isinstance(data, Mapping):
        raise SpecError("<spec>", f"expected a table of tables, got {_describe(data)}.")
    _check_nesting(data)
    data = {k: v for k, v in data.items() if k not in _DOCUMENTATION_TABLES}
    for name in data:
        if name not in _TABLE_KEYS:
            raise SpecError(
                str(name),
                f"unknown table or key {name!r} at the top level; allowed tables: "
                f"{', '.join(_TABLE_KEYS)}.",
            )
    tables = {name: _table(data, name) for name in _TABLE_KEYS}
    network_tables = [name for name in _NETWORK_TABLES if tables[name] is not None]
    if tables["function"] is not None and network_tables:
        raise SpecError(
            "function",
            f"give either a [function] table or [network] and [data] tables, not both; found "
            f"[function] and [{network_tables[0]}].",
        )
    problem: Problem
    if tables["system"] is not None:
        others = [name for name in ("function", *_NETWORK_TABLES, "regularizer") if tables[name] is not None]
        if others and not (others == ["regularizer"] and (tables["regularizer"] or {}).get("kind", "none") == "none"):
            raise SpecError("system", f"a [system] table stands alone; found [{others[0]}] too.",
                            "Give the equations only (a square system has no loss or regularizer).")
        variables, equations = _parse_system(tables["system"])
        problem = SystemProblem(variables, equations)
    elif tables["function"] is not None:
        variables, expression = _parse_function(tables["function"])
        regularizer = _parse_regularizer(tables["regularizer"], variables, is_network=False)
        problem = FunctionProblem(variables, expression, regularizer)
    else:
        if tables["network"] is None:
            raise SpecError(
                "network",
                "missing table [network]: give [network] and [data] tables (a network problem) "
                "or a [function] table (a bare polynomial).",
            )
        if tables["data"] is None:
            raise SpecError("data", "missing table [data]: a network problem needs training data.",
                            "For example: [data] with x = [[1], [2]] and y = [[2], [1]]")
        network = _parse_network(tables["network"])
        dataset = _parse_data(tables["data"], network)
        loss = tables["loss"] or {}
        scale = (
            _positive_rational(loss["scale"], "loss.scale") if "scale" in loss else Fraction(1, 2)
        )
        regularizer = _parse_regularizer(
            tables["regularizer"], network.parameter_names, is_network=True
        )
        if network.is_relu and regularizer.kind not in _RELU_REGULARIZERS:
            raise SpecError(
                "regularizer.kind",
                f"a relu network takes the regularizers {', '.join(_RELU_REGULARIZERS)}, got "
                f"{regularizer.kind!r}.",
                'Use kind = "l2" or "generalized-l2" (or "none").',
            )
        problem = NetworkProblem(network, dataset, scale, regularizer)
    return Spec(problem, _parse_solve(tables["solve"]))


def validated_problem(problem: Problem) -> Problem:
    """Check a problem built in Python exactly as a spec file is checked; return it canonical.

    The objects are turned back into the spec's table form (numbers as they were given: ints,
    Fractions, floats, numpy or sympy numbers, decimal strings; an activation or expression as
    text, coefficients or a sympy expression) and parsed by the spec parser, so the messages and
    field names are the same as for a file.

    Raises
    ------
    SpecError
        Naming the offending field.
    """
    regularizer = problem.regularizer
    if not isinstance(regularizer, Regularizer):
        raise SpecError("regularizer", f"expected an algmorse.Regularizer, got {_describe(regularizer)}.")
    raw: dict[str, Any] = {"regularizer": _raw_regularizer(regularizer)}
    if isinstance(problem, SystemProblem):
        variables, equations = problem.variables, problem.equations
        raw["system"] = {
            "variables": _raw_names(variables),
            "equations": [_raw_expression(e, f"system.equations[{i}]") for i, e in enumerate(equations)]
            if isinstance(equations, (list, tuple)) else equations,
        }
    elif isinstance(problem, FunctionProblem):
        variables = problem.variables
        raw["function"] = {
            "variables": _raw_names(variables),
            "expression": _raw_expression(problem.expression, "function.expression"),
        }
    else:
        network, data = problem.network, problem.data
        if not isinstance(network, Network):
            raise SpecError("network", f"expected an algmorse.Network, got {_describe(network)}.")
        if not isinstance(data, Dataset):
            raise SpecError("data", f"expected an algmorse.Dataset, got {_describe(data)}.")
        raw["network"] = {"widths": _raw_list(network.widths), "activation": _raw_activation(network.activation),
                          "bias": network.bias}
        raw["data"] = {"x": _raw_rows(data.x), "y": _raw_rows(data.y)}
        raw["loss"] = {"scale": problem.scale}
    with trusted_construction():
        return _parse(raw).problem


def _raw_names(variables: Any) -> Any:
    """Variable names as the spec has them: sympy symbols as their names, anything else as given."""
    if isinstance(variables, (list, tuple)):
        return [str(v) if isinstance(v, sympy.Basic) else v for v in variables]
    return variables


def _raw_list(value: Any) -> Any:
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return [operator.index(v) if isinstance(v, numbers.Integral) and not isinstance(v, bool) else v
                for v in list(value)]
    return value


def _raw_rows(rows: Any) -> Any:
    if isinstance(rows, (list, tuple)) or type(rows).__name__ == "ndarray":
        return [list(r) if isinstance(r, (list, tuple)) or type(r).__name__ == "ndarray" else r for r in list(rows)]
    return rows


def _raw_activation(activation: Any) -> Any:
    if isinstance(activation, ReLU):
        return "relu"
    if isinstance(activation, Activation):
        return activation.text if activation.text else list(activation.coefficients)
    if isinstance(activation, (list, tuple)):
        return list(activation)
    return _raw_expression(activation, "network.activation")


def _raw_expression(expression: Any, field: str) -> Any:
    """A sympy expression or ``Poly`` as text in the spec grammar (``**`` powers, exact rationals).

    A constant the grammar cannot hold exactly (``sqrt(2)``, ``pi``, ``I``) is refused here,
    naming it, rather than later as an unknown function or name.
    """
    if not type(expression).__module__.startswith("sympy"):
        return expression
    expression = expression.as_expr() if hasattr(expression, "as_expr") else expression
    inexact = sorted({str(node) for node in sympy.preorder_traversal(expression)
                      if getattr(node, "is_number", False) and not (node.is_Rational or node.is_Float)
                      and not any(getattr(arg, "is_number", False) and not (arg.is_Rational or arg.is_Float)
                                  for arg in getattr(node, "args", ()))})
    if inexact:
        raise SpecError(field, f"coefficients must be rational; found {', '.join(inexact)}.",
                        "Replace each real constant by a rational or a float (a float is read as its shortest "
                        "decimal, e.g. float(sympy.sqrt(2))); complex coefficients are not supported.")
    return str(expression)


def _raw_regularizer(regularizer: Regularizer) -> dict[str, Any]:
    raw: dict[str, Any] = {"kind": regularizer.kind}
    if regularizer.eps is not None:
        raw["eps"] = _raw_list(regularizer.eps)
    elif regularizer.kind == "polynomial":
        raw["eps"] = 1
    if regularizer.expression is not None:
        raw["expression"] = _raw_expression(regularizer.expression, "regularizer.expression")
    return raw


def parse_spec(data: Mapping[str, Any], *, source: str = _DEFAULT_SOURCE) -> Spec:
    """Validate a spec given as a dict (e.g. from ``tomllib``) and build the problem.

    Parameters
    ----------
    data : mapping
        Tables ``network``, ``data``, ``loss``, ``regularizer``, ``solve`` or ``function`` (see
        the module docstring for the format).
    source : str, optional
        Where the data came from (a file name); added to error messages unless it is the
        default ``"<spec>"``.

    Returns
    -------
    Spec

    Raises
    ------
    SpecError
        For unknown tables or keys, missing keys, values of the wrong type or shape, eps lists
        of the wrong length, and expressions outside the grammar of :mod:`algmorse.model.expr`;
        ``error.field`` is the dotted path of the offending field.
    UnsupportedActivation
        If the activation is not a non-constant polynomial in ``t``.

    See Also
    --------
    load_spec : read a TOML file.
    problem_to_spec : the inverse for the problem part.

    Examples
    --------
    >>> spec = parse_spec({
    ...     "network": {"widths": [1, 2, 1], "activation": "t + t^2"},
    ...     "data": {"x": [[1], [2], [3]], "y": [[2], [1], [3]]},
    ...     "regularizer": {"kind": "l2", "eps": "1/10"},
    ... })
    >>> spec.problem.variables
    ('w1_1_1', 'w1_2_1', 'w2_1_1', 'w2_1_2')
    >>> spec.problem.regularizer.eps, spec.problem.scale, spec.solve.seed
    (Fraction(1, 10), Fraction(1, 2), None)
    >>> parse_spec({"function": {"variables": ["x"], "expression": "x^4 - 2*x^2"},
    ...             "regularizer": {"kind": "l2", "eps": [1]}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    algmorse.errors.SpecError: `regularizer.eps`: kind = 'l2' takes one rational number > 0, ...
    """
    try:
        with trusted_construction():
            return _parse(data)
    except SpecError as error:
        if source == _DEFAULT_SOURCE:
            raise
        message = f"{error.message.rstrip('.')} (in {source})."
        raise type(error)(error.field, message, error.hint) from None


def load_spec(path: str | os.PathLike[str]) -> Spec:
    """Read a TOML spec file and validate it with :func:`parse_spec`.

    Parameters
    ----------
    path : str or path-like
        The ``.toml`` file.

    Returns
    -------
    Spec

    Raises
    ------
    SpecError
        If the file cannot be read, holds more than :data:`MAX_SPEC_BYTES` bytes, is not valid
        UTF-8 TOML (``error.field`` is the path and the message gives the line) or is nested
        more than :data:`MAX_NESTING` levels deep, or if :func:`parse_spec` rejects its content.
    """
    return parse_spec(_read_toml(path, "spec file"), source=os.fspath(path))


def load_data_sets(path: str | os.PathLike[str], network: Network) -> tuple[Dataset, ...]:
    """Read a TOML file of data sets for ``network``: an array of ``[[data]]`` tables, each with
    ``x`` and ``y`` as in a spec's ``[data]`` table.

    The file is read as a spec is (at most :data:`MAX_SPEC_BYTES` bytes, nesting at most
    :data:`MAX_NESTING`) and may hold at most :data:`MAX_DATA_SETS` data sets.

    Raises
    ------
    SpecError
        Naming the file and the field, e.g. ``data[2].y``; or the file and the limit it exceeds;
        or ``network`` if it is not a :class:`~algmorse.model.network.Network`.

    Examples
    --------
    A file with two data sets for widths ``[1, 2, 1]``::

        [[data]]
        x = [[1]]
        y = [[2]]

        [[data]]
        x = [[1], [2]]
        y = [[2], [3]]
    """
    check_type(network, Network, "network", "Pass the network of the spec the data sets are for: spec.problem.network.")
    name = os.fspath(path)
    entries = _read_toml(path, "data-set file").get("data")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise SpecError(f"{name}: data", "expected an array of [[data]] tables, each with x and y.",
                        "Write one [[data]] table per data set (x = [[...]], y = [[...]]).")
    if len(entries) > MAX_DATA_SETS:
        raise SpecError(f"{name}: data", f"{len(entries)} data sets; at most {MAX_DATA_SETS} are accepted.",
                        "Split them over several files and sweeps.")
    data_sets = []
    for index, entry in enumerate(entries):
        try:
            _check_nesting(entry, "data")
            data_sets.append(_parse_data(entry, network))
        except SpecError as error:
            field = error.field.replace("data", f"data[{index}]", 1)
            raise SpecError(f"{name}: {field}", str(error.message), error.hint) from None
    return tuple(data_sets)


def _read_toml(path: str | os.PathLike[str], what: str) -> dict[str, Any]:
    """The parsed TOML of a file (a ``what``: spec or data-set file), every failure a SpecError naming
    the file (and the line)."""
    name = os.fspath(path)
    raw = read_limited(path, MAX_SPEC_BYTES, what=what, error=lambda message: SpecError(
        name, message.removeprefix(f"{name}: "), f"Check the path to the {what}."))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SpecError(name, f"not UTF-8 text (bad byte at offset {error.start}).",
                        "Save the file as UTF-8.") from None
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise SpecError(name, f"arrays or inline tables are nested too deeply (more than {MAX_NESTING} levels).",
                        _NESTING_HINT) from None
    except ValueError as error:  # TOMLDecodeError, and e.g. an integer of more than 4300 digits
        reason = str(error) if isinstance(error, tomllib.TOMLDecodeError) else str(error).split(";")[0]
        message = f"not valid TOML: {reason}."
        match = re.search(r"at line (\d+)", str(error))
        lines = text.splitlines()
        if match and 1 <= int(match.group(1)) <= len(lines):
            line = _short(lines[int(match.group(1)) - 1].strip(), 80)
            message += f" Line {match.group(1)} reads: {line!r}"
        raise SpecError(name, message) from None


def _rational_out(q: Fraction) -> int | str:
    if q.denominator == 1 and -(2**63) <= q.numerator < 2**63:
        return q.numerator
    return f"{q.numerator}/{q.denominator}"


def _activation_out(activation: Activation | ReLU) -> str | list[int | str]:
    if isinstance(activation, ReLU):
        return activation.text
    try:
        poly = parse_polynomial(activation.text, ("t",), field="network.activation")
    except SpecError:
        poly = None
    expected = {(p,): c for p, c in enumerate(activation.coefficients) if c}
    if poly == expected:
        return activation.text
    return [_rational_out(c) for c in activation.coefficients]


def _regularizer_out(regularizer: Regularizer) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": regularizer.kind}
    eps = regularizer.eps
    if isinstance(eps, tuple):
        out["eps"] = [_rational_out(e) for e in eps]
    elif eps is not None:
        out["eps"] = _rational_out(eps)
    elif regularizer.kind == "generalized-l2":
        out["eps"] = "random"
    if regularizer.expression is not None:
        out["expression"] = regularizer.expression
    return out


def problem_to_spec(problem: Problem) -> dict[str, Any]:
    """The spec tables of a problem, as plain data (the inverse of :func:`parse_spec`).

    Rationals become integers or strings such as ``"1/10"``; the result holds only ``str``,
    ``int``, ``bool``, lists and dicts, so it can be written as TOML or JSON, and
    ``parse_spec(problem_to_spec(p)).problem == p`` for every problem ``parse_spec`` produces.

    Parameters
    ----------
    problem : NetworkProblem or FunctionProblem

    Returns
    -------
    dict
        Tables ``network``, ``data``, ``loss`` and ``regularizer``, or ``function`` and
        ``regularizer`` (no ``solve`` table: options are not part of the problem).

    Raises
    ------
    TypeError
        If ``problem`` is neither a :class:`NetworkProblem` nor a :class:`FunctionProblem`.

    Examples
    --------
    >>> spec = parse_spec({"function": {"variables": ["x"], "expression": "x^4 - x^2/2"}})
    >>> problem_to_spec(spec.problem)
    {'function': {'variables': ['x'], 'expression': 'x^4 - x^2/2'}, 'regularizer': {'kind': 'none'}}
    """
    if isinstance(problem, NetworkProblem):
        network = problem.network
        spec: dict[str, Any] = {
            "network": {
                "widths": list(network.widths),
                "activation": _activation_out(network.activation),
                "bias": network.bias,
            },
            "data": {
                "x": [[_rational_out(v) for v in row] for row in problem.data.x],
                "y": [[_rational_out(v) for v in row] for row in problem.data.y],
            },
            "loss": {"scale": _rational_out(problem.scale)},
        }
    elif isinstance(problem, FunctionProblem):
        spec = {
            "function": {"variables": list(problem.variables), "expression": problem.expression}
        }
    elif isinstance(problem, SystemProblem):
        return {"system": {"variables": list(problem.variables), "equations": list(problem.equations)}}
    else:
        raise TypeError(
            f"expected a NetworkProblem, FunctionProblem or SystemProblem, got {type(problem).__name__}"
        )
    spec["regularizer"] = _regularizer_out(problem.regularizer)
    return spec
