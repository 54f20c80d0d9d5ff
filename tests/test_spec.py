"""Tests of the TOML spec boundary (algmorse.model.spec)."""

from __future__ import annotations

import copy
import tomllib
from fractions import Fraction

import pytest

from algmorse.errors import SpecError, UnsupportedActivation
from algmorse.model.network import (
    Activation,
    Dataset,
    FunctionProblem,
    Network,
    NetworkProblem,
    Regularizer,
    SystemProblem,
)
from algmorse.model.options import SolveOptions
from algmorse.model.spec import Spec, load_spec, parse_spec, problem_to_spec

F = Fraction

EXAMPLE = """
[network]
widths = [1, 2, 1]        # input, hidden..., output
activation = "t + t^2"
bias = false
[data]
x = [[1], [2], [3]]
y = [[2], [1], [3]]
[loss]
scale = "1/2"
[regularizer]
kind = "generalized-l2"
eps = ["1/10", "1/5", "3/10", "2/5"]
[solve]
seed = 1
"""

BASE = {
    "network": {"widths": [1, 2, 1], "activation": "t + t^2"},
    "data": {"x": [[1], [2], [3]], "y": [[2], [1], [3]]},
}


def with_value(path: str, value: object) -> dict:
    """``BASE`` with the dotted ``path`` set to ``value``."""
    data = copy.deepcopy(BASE)
    *tables, key = path.split(".")
    target = data
    for name in tables:
        target = target.setdefault(name, {})
    target[key] = value
    return data


@pytest.fixture
def example_file(tmp_path):
    path = tmp_path / "example.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    return path


def test_example_spec_from_file(example_file):
    spec = load_spec(example_file)
    expected = NetworkProblem(
        network=Network((1, 2, 1), Activation((F(0), F(1), F(1)), text="t + t^2"), bias=False),
        data=Dataset(x=((F(1),), (F(2),), (F(3),)), y=((F(2),), (F(1),), (F(3),))),
        scale=F(1, 2),
        regularizer=Regularizer("generalized-l2", (F(1, 10), F(1, 5), F(3, 10), F(2, 5))),
    )
    assert spec == Spec(expected, SolveOptions(seed=1))
    assert spec.problem.network.widths == (1, 2, 1)
    assert spec.problem.network.activation.coefficients == (0, 1, 1)  # t + t^2, not 4 t^2
    assert spec.problem.variables == ("w1_1_1", "w1_2_1", "w2_1_1", "w2_1_2")


def test_defaults():
    spec = parse_spec(BASE)
    assert spec.problem.scale == F(1, 2)
    assert spec.problem.regularizer == Regularizer()
    assert spec.problem.network.bias is False
    assert spec.solve == SolveOptions()


def test_values_are_exact():
    data = with_value("data.x", [[0.1], ["1/3"], ["2e-1"]])
    data["loss"] = {"scale": 0.5}
    data["regularizer"] = {"kind": "l2", "eps": 0.1}
    problem = parse_spec(data).problem
    assert problem.data.x == ((F(1, 10),), (F(1, 3),), (F(1, 5),))
    assert problem.scale == F(1, 2)
    assert problem.regularizer == Regularizer("l2", F(1, 10))


def test_width_one_rows_may_be_bare_numbers():
    problem = parse_spec(with_value("data.x", [1, 2, "3"])).problem
    assert problem.data.x == ((F(1),), (F(2),), (F(3),))


def test_activation_as_coefficients():
    activation = parse_spec(with_value("network.activation", [0, 1, 0, "-1/3"])).problem.network.activation
    assert activation.coefficients == (0, 1, 0, F(-1, 3))


def test_bias_parameters():
    problem = parse_spec(with_value("network.bias", True)).problem
    assert problem.variables == ("w1_1_1", "w1_2_1", "b1_1", "b1_2", "w2_1_1", "w2_1_2", "b2_1")


@pytest.mark.parametrize(
    ("regularizer", "expected"),
    [
        ({"kind": "none"}, Regularizer()),
        ({"kind": "l2", "eps": "1/3"}, Regularizer("l2", F(1, 3))),
        ({"kind": "multiplicative", "eps": 2}, Regularizer("multiplicative", F(2))),
        ({"kind": "generalized-l2"}, Regularizer("generalized-l2", None)),
        ({"kind": "generalized-l2", "eps": "random"}, Regularizer("generalized-l2", None)),
        ({"kind": "polynomial", "expression": "w1_1_1^2*w2_1_1^2"},
         Regularizer("polynomial", F(1), "w1_1_1^2*w2_1_1^2")),
        ({"kind": "polynomial", "expression": "w1_2_1^4", "eps": "1/100"},
         Regularizer("polynomial", F(1, 100), "w1_2_1^4")),
    ],
)
def test_regularizer_kinds(regularizer, expected):
    data = copy.deepcopy(BASE)
    data["regularizer"] = regularizer
    assert parse_spec(data).problem.regularizer == expected


def test_function_problem():
    spec = parse_spec({
        "function": {"variables": ["x", "y"], "expression": "x^4 - 2*x^2 + y^2"},
        "regularizer": {"kind": "generalized-l2", "eps": ["1/10", "1/7"]},
        "solve": {"seed": 3, "jobs": 2, "timeout": 30, "stable_runs": 3, "max_runs": 5,
                  "backend": "fake"},
    })
    assert spec.problem == FunctionProblem(
        ("x", "y"), "x^4 - 2*x^2 + y^2", Regularizer("generalized-l2", (F(1, 10), F(1, 7)))
    )
    assert spec.solve == SolveOptions(seed=3, jobs=2, timeout=30.0, stable_runs=3, max_runs=5,
                                      backend="fake")


# -- round trips ----------------------------------------------------------------------------


ROUND_TRIP_CASES = [
    EXAMPLE,
    """
    [network]
    widths = [2, 3, 2, 1]
    activation = [0, 1, 0, "-1/3"]
    bias = true
    [data]
    x = [[1, "1/2"], [-2, 0.25]]
    y = [[3], ["-7/3"]]
    [loss]
    scale = 1
    [regularizer]
    kind = "multiplicative"
    eps = "1/10"
    """,
    """
    [network]
    widths = [1, 1, 1]
    activation = "t"
    [data]
    x = [1]
    y = [2]
    [regularizer]
    kind = "polynomial"
    expression = "(w1_1_1*w2_1_1 - 1)^2"
    eps = "3/2"
    """,
    """
    [function]
    variables = ["x", "y"]
    expression = "x^4 - 2*x^2 + y^2"
    [regularizer]
    kind = "l2"
    eps = "1/3"
    """,
    """
    [function]
    variables = ["a", "b"]
    expression = "(a*b - 2)^2/2"
    [regularizer]
    kind = "generalized-l2"
    """,
]


@pytest.mark.parametrize("text", ROUND_TRIP_CASES)
def test_problem_to_spec_round_trip(text):
    problem = parse_spec(tomllib.loads(text)).problem
    plain = problem_to_spec(problem)
    assert parse_spec(plain).problem == problem
    assert _is_plain(plain)


def test_round_trip_of_constructed_problems():
    network = Network((1, 2, 1), Activation.from_coefficients([0, 1, 0, "-1/3"]), bias=False)
    data = Dataset(x=((F(1, 3),),), y=((F(2),),))
    problems = [
        NetworkProblem(network, data, F(1), Regularizer("l2", F(1, 10))),
        NetworkProblem(network, data, F(1, 2), Regularizer("generalized-l2", (F(1), F(2), F(3), F(4)))),
        FunctionProblem(("x",), "x^3 - x", Regularizer()),
    ]
    for problem in problems:
        assert parse_spec(problem_to_spec(problem)).problem == problem


def test_problem_to_spec_example():
    problem = parse_spec(tomllib.loads(EXAMPLE)).problem
    assert problem_to_spec(problem) == {
        "network": {"widths": [1, 2, 1], "activation": "t + t^2", "bias": False},
        "data": {"x": [[1], [2], [3]], "y": [[2], [1], [3]]},
        "loss": {"scale": "1/2"},
        "regularizer": {"kind": "generalized-l2", "eps": ["1/10", "1/5", "3/10", "2/5"]},
    }


def test_problem_to_spec_rejects_other_objects():
    with pytest.raises(TypeError):
        problem_to_spec("x^2")  # type: ignore[arg-type]


def _is_plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_plain(v) for v in value)
    return isinstance(value, (str, int, bool))


# -- errors ---------------------------------------------------------------------------------


def test_malformed_toml(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[network]\nwidths = [1, 2\nbias = false\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.field == str(path)
    assert "line 3" in str(info.value)
    assert "bias = false" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(SpecError, match="no such file"):
        load_spec(tmp_path / "absent.toml")


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"[function]\nvariables = ['\xe9']\n")
    with pytest.raises(SpecError, match="UTF-8"):
        load_spec(path)


def test_file_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[network]\nwidths = [1, 0, 1]\nactivation = "t"\n[data]\nx = [1]\ny = [1]\n',
                    encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.field == "network.widths[1]"
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "activation", ["tanh(t)", "ReLU(t)", "1/t", "t^0.5", "x + 1", "t^-1", "exp(t)", "abs(t)", "3", "t - t",
                   [5], []],
)
def test_non_polynomial_activation(activation):
    with pytest.raises(SpecError) as info:
        parse_spec(with_value("network.activation", activation))
    assert info.value.field == "network.activation"
    assert "`network.activation`" in str(info.value)
    if isinstance(activation, str):
        assert isinstance(info.value, UnsupportedActivation)
        assert '"t - t^3/3"' in str(info.value)


@pytest.mark.parametrize(
    ("path", "value", "field", "fragment"),
    [
        ("network.widths", [1], "network.widths", "at least two"),
        ("network.widths", "1,2,1", "network.widths", "the string"),
        ("network.widths", [1, 0, 1], "network.widths[1]", "got the integer 0"),
        ("network.widths", [1, 2.0, 1], "network.widths[1]", "the float 2.0"),
        ("network.widths", [1, True, 1], "network.widths[1]", "boolean"),
        ("network.widths", [1, 10**4, 1], "network.widths", "parameters"),
        ("network.bias", "no", "network.bias", "true or false"),
        ("network.activation", 3, "network.activation", "the integer 3"),
        ("data.x", [], "data.x", "non-empty"),
        ("data.x", "1,2,3", "data.x", "non-empty"),
        ("data.x", [[1], [2, 3], [3]], "data.x[1]", "row of 1 value"),
        ("data.x", [[1], ["a"], [3]], "data.x[1][0]", "rational"),
        ("data.x", [[1], [True], [3]], "data.x[1][0]", "boolean"),
        ("data.y", [[1], [2]], "data.y", "expected 3 rows"),
        ("data.y", [[1], [2], [3, 4]], "data.y[2]", "widths[-1] = 1"),
        ("loss.scale", 0, "loss.scale", "> 0"),
        ("loss.scale", "-1/2", "loss.scale", "> 0"),
        ("loss.scale", "nan", "loss.scale", "rational"),
        ("solve.seed", -1, "solve.seed", "integer >= 0"),
        ("solve.seed", "1", "solve.seed", "the string"),
        ("solve.jobs", 0, "solve.jobs", "integer >= 1"),
        ("solve.timeout", 0, "solve.timeout", "> 0"),
        ("solve.timeout", float("inf"), "solve.timeout", "> 0"),
        ("solve.max_runs", 0, "solve.max_runs", ">= 1"),
        ("solve.stable_runs", 1.5, "solve.stable_runs", ">= 1"),
        ("solve.backend", "", "solve.backend", "backend name"),
    ],
)
def test_wrong_types_and_shapes(path, value, field, fragment):
    with pytest.raises(SpecError) as info:
        parse_spec(with_value(path, value))
    assert info.value.field == field
    assert f"`{field}`" in str(info.value)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("regularizer", "field", "fragment"),
    [
        ({"kind": "generalized-l2", "eps": ["1/10", "1/5", "3/10"]}, "regularizer.eps",
         "expected 4 values (one per parameter: w1_1_1, w1_2_1, w2_1_1, w2_1_2), got 3"),
        ({"kind": "generalized-l2", "eps": "1/10"}, "regularizer.eps", "expected 4 values"),
        ({"kind": "generalized-l2", "eps": ["1/10", "1/5", "3/10", 0]}, "regularizer.eps[3]", "> 0"),
        ({"kind": "l2", "eps": ["1/10"]}, "regularizer.eps", "one rational number > 0"),
        ({"kind": "l2"}, "regularizer.eps", "needs eps"),
        ({"kind": "l2", "eps": -1}, "regularizer.eps", "> 0"),
        ({"kind": "multiplicative", "eps": [1, 2]}, "regularizer.eps", "one rational number"),
        ({"kind": "none", "eps": "1/10"}, "regularizer.eps", "takes no eps"),
        ({"kind": "l2", "eps": 1, "expression": "w1_1_1"}, "regularizer.expression", "only kind"),
        ({"kind": "ridge"}, "regularizer.kind", "expected one of none, l2"),
        ({"eps": 1}, "regularizer.kind", "missing"),
        ({"kind": "polynomial"}, "regularizer.expression", "missing"),
        ({"kind": "polynomial", "expression": "w1_1_1^2 + w9_9_9"}, "regularizer.expression",
         "unknown name 'w9_9_9'"),
        ({"kind": "polynomial", "expression": "__import__('os').system('true')"},
         "regularizer.expression", "not allowed"),
        ({"kind": "polynomial", "expression": "w1_1_1^(1/2)"}, "regularizer.expression", "exponent"),
        ({"kind": "l2", "eps": 1, "strength": 2}, "regularizer.strength", "allowed keys: kind, eps, expression"),
    ],
)
def test_bad_regularizers(regularizer, field, fragment):
    data = copy.deepcopy(BASE)
    data["regularizer"] = regularizer
    with pytest.raises(SpecError) as info:
        parse_spec(data)
    assert info.value.field == field
    assert f"`{field}`" in str(info.value)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({**BASE, "extra": {}}, "extra", "allowed tables: network, data, loss, regularizer, solve, function"),
        ({**BASE, "seed": 1}, "seed", "unknown"),
        (with_value("network.depth", 2), "network.depth", "allowed keys: widths, activation, bias"),
        (with_value("data.z", [[1]]), "data.z", "allowed keys: x, y"),
        (with_value("loss.kind", "mse"), "loss.kind", "allowed keys: scale"),
        (with_value("solve.seeds", 1), "solve.seeds", "allowed keys: seed, backend"),
        ({**BASE, "network": 3}, "network", "expected a table"),
        ({}, "network", "missing table [network]"),
        ({"data": BASE["data"]}, "network", "missing table [network]"),
        ({"network": BASE["network"]}, "data", "missing table [data]"),
        ({**BASE, "function": {"variables": ["x"], "expression": "x"}}, "function", "not both"),
        ({"function": {"variables": ["x"], "expression": "x"}, "loss": {"scale": 1}}, "function", "not both"),
        ({"function": {"variables": ["x"]}}, "function.expression", "missing"),
        ({"function": {"expression": "x"}}, "function.variables", "missing"),
        ({"function": {"variables": [], "expression": "1"}}, "function.variables", "non-empty"),
        ({"function": {"variables": "x", "expression": "x"}}, "function.variables", "non-empty array"),
        ({"function": {"variables": ["x", "x"], "expression": "x"}}, "function.variables[1]", "twice"),
        ({"function": {"variables": ["x", "2y"], "expression": "x"}}, "function.variables[1]", "identifier"),
        ({"function": {"variables": ["x", "lambda"], "expression": "x"}}, "function.variables[1]", "keyword"),
        ({"function": {"variables": [f"x{i}" for i in range(201)], "expression": "x1"}},
         "function.variables", "at most 200"),
        ({"function": {"variables": ["x"], "expression": "y"}}, "function.expression", "unknown name 'y'"),
        ({"function": {"variables": ["x"], "expression": "x; import os"}}, "function.expression", "cannot parse"),
        ({"function": {"variables": ["x"], "expression": "eval('x')"}}, "function.expression", "function calls"),
        ({"function": {"variables": ["x"], "expression": 3}}, "function.expression", "as a string"),
        ({"function": {"variables": ["x"], "expression": "x^2"}, "regularizer": {"kind": "multiplicative", "eps": 1}},
         "regularizer.kind", "weight matrices"),
        ({"function": {"variables": ["x", "y"], "expression": "x*y"}, "regularizer": {"kind": "generalized-l2", "eps": [1]}},
         "regularizer.eps", "expected 2 values (one per variable: x, y), got 1"),
    ],
)
def test_structure_errors(data, field, fragment):
    with pytest.raises(SpecError) as info:
        parse_spec(data)
    assert info.value.field == field
    assert f"`{field}`" in str(info.value)
    assert fragment in str(info.value)


def test_source_is_named_in_messages():
    with pytest.raises(SpecError) as info:
        parse_spec(with_value("network.activation", "tanh(t)"), source="cases/foo.toml")
    assert isinstance(info.value, UnsupportedActivation)
    assert "(in cases/foo.toml)" in str(info.value)
    assert info.value.field == "network.activation"


def test_top_level_must_be_a_table():
    with pytest.raises(SpecError, match="table of tables"):
        parse_spec([1, 2])  # type: ignore[arg-type]


# -- hostile specs (issue 9): a clean SpecError naming the field, quickly, never another exception --

_HOSTILE_BASE = """
[network]
widths = {widths}
activation = "{activation}"
bias = false
[data]
x = [[{x}]]
y = [[2]]
[regularizer]
{regularizer}
"""


def _hostile(tmp_path, widths="[1, 1, 1]", activation="t", x="1", regularizer='kind = "l2"\neps = "1/10"'):
    path = tmp_path / "hostile.toml"
    path.write_text(_HOSTILE_BASE.format(widths=widths, activation=activation, x=x, regularizer=regularizer))
    return path


def test_integer_too_long_for_python_is_a_toml_error(tmp_path):
    path = _hostile(tmp_path, x="1" + "0" * 5000)
    with pytest.raises(SpecError, match="not valid TOML: Exceeds the limit") as error:
        load_spec(path)
    assert error.value.field == str(path)


def test_product_of_huge_constants_fails_fast(tmp_path):
    import time

    expression = "*".join(["(1e1000)^3"] * 1500) + " * w1_1_1^2"
    path = _hostile(tmp_path, regularizer=f'kind = "polynomial"\nexpression = "{expression}"')
    started = time.perf_counter()
    with pytest.raises(SpecError, match="would exceed 10000 bits") as error:
        load_spec(path)
    assert error.value.field == "regularizer.expression" and time.perf_counter() - started < 10


def test_huge_data_is_refused_before_the_backend_with_its_size(tmp_path):
    from algmorse import SolveOptions, analyze
    from algmorse.engine.backends.fake import FakeBackend

    problem = load_spec(_hostile(tmp_path, activation="t^3", x='"1e1000"')).problem
    with pytest.raises(SpecError, match=r"about 1e\+6000") as error:
        analyze(problem, options=SolveOptions(seed=1), backend=FakeBackend([[]]))
    assert error.value.field == "data"


def test_too_many_parameters_for_a_system_is_refused_at_build(tmp_path):
    import time

    from algmorse.model.system import build_system

    problem = load_spec(_hostile(tmp_path, widths="[1, 1000, 1]")).problem
    started = time.perf_counter()
    with pytest.raises(SpecError, match="2000 parameters") as error:
        build_system(problem)
    assert error.value.field == "network.widths" and time.perf_counter() - started < 5


# -- the Python constructors take the spec's checks (issue 9) ---------------------------------

def test_python_problems_are_checked_like_spec_files():

    from algmorse.model.network import Activation

    linear = Activation.from_coefficients([0, 1])
    with pytest.raises(SpecError, match="expected a row of 1 value") as error:
        NetworkProblem(Network((1, 2, 1), linear), Dataset(x=[[1, 2]], y=[[1]]))
    assert error.value.field == "data.x[0]"
    with pytest.raises(SpecError) as error:
        NetworkProblem(Network((1, 1, 1), linear), Dataset(x=[[1]], y=[[2]]), regularizer=Regularizer("L2", 1))
    assert error.value.field == "regularizer.kind"
    with pytest.raises(SpecError) as error:
        NetworkProblem(Network((1, 1, 1), linear), Dataset(x=[[1]], y=[[2], [3]]))
    assert error.value.field == "data.y"


def test_python_numbers_are_read_exactly_whatever_their_type():
    import numpy as np
    import sympy

    from algmorse.model.network import Activation

    problem = NetworkProblem(Network((1, 1, 1), "t + t^2"),
                             Dataset(x=np.linspace(0, 1, 3).reshape(3, 1), y=[[0.1], [sympy.Rational(1, 3)], ["2/7"]]),
                             np.float64(0.5), Regularizer("l2", 0.1))
    assert problem.data.x == ((Fraction(0),), (Fraction(1, 2),), (Fraction(1),))
    assert problem.data.y == ((Fraction(1, 10),), (Fraction(1, 3),), (Fraction(2, 7),))
    assert problem.scale == Fraction(1, 2) and problem.regularizer.eps == Fraction(1, 10)
    assert problem.network.activation == Activation(coefficients=(Fraction(0), Fraction(1), Fraction(1)), text="t + t^2")


def test_sympy_expression_gives_the_same_system_as_its_text():
    import sympy

    from algmorse.model.system import build_system

    x, y = sympy.symbols("x y")
    from_sympy = FunctionProblem((x, y), x**4 - 2 * x**2 + y**2 + sympy.Rational(1, 3) * x * y)
    from_text = FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^2 + x*y/3")
    assert from_sympy.variables == ("x", "y")
    assert build_system(from_sympy).loss == build_system(from_text).loss
    as_poly = FunctionProblem((x, y), sympy.Poly(x**4 - 2 * x**2 + y**2 + sympy.Rational(1, 3) * x * y, x, y))
    assert build_system(as_poly).loss == build_system(from_text).loss


def test_a_sympy_expression_outside_the_grammar_is_refused():
    import sympy

    x = sympy.Symbol("x")
    with pytest.raises(SpecError, match="function.expression.*function calls are not allowed"):
        FunctionProblem((x,), sympy.sin(x) + x**2)
    with pytest.raises(SpecError, match=r"`function.expression`: coefficients must be rational; found sqrt\(2\)"):
        FunctionProblem((x,), x**2 + sympy.sqrt(2) * x)
    with pytest.raises(SpecError, match="found I, pi. .*complex coefficients are not supported"):
        FunctionProblem((x,), x**2 + sympy.I * sympy.pi * x)
    y = sympy.Symbol("y")
    with pytest.raises(SpecError, match=r"`system.equations\[1\]`: coefficients must be rational; found sqrt\(3\)"):
        SystemProblem((x, y), (x - 1, sympy.sqrt(3) * y))
    from algmorse.model.system import build_system

    with_float = build_system(FunctionProblem((x,), x**2 + 0.1 * x)).loss  # a float is its shortest decimal
    assert with_float == build_system(FunctionProblem((x,), "x^2 + x/10")).loss
