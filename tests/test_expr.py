"""Tests of the restricted polynomial grammar (algmorse.model.expr)."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.parsing.sympy_parser import (
    convert_xor,
    parse_expr,
    rationalize,
    standard_transformations,
)

from algmorse.errors import SpecError
from algmorse.model.expr import (
    MAX_EXPONENT,
    MAX_LENGTH,
    format_polynomial,
    parse_polynomial,
    parse_rational,
)

F = Fraction


def parse(text: str, variables: tuple[str, ...] = ("x", "y")) -> dict:
    return parse_polynomial(text, variables, field="test.field")


# -- accepted input -------------------------------------------------------------------------


def test_caret_is_power_with_power_precedence():
    # Python alone reads "t + t^2" as (t + t) XOR 2; read as a power it must be t + t^2,
    # not (2t)^2 = 4t^2.
    assert parse_polynomial("t + t^2", ["t"], field="f") == {(1,): F(1), (2,): F(1)}


def test_tanh_surrogate():
    assert parse_polynomial("t - t^3/3", ["t"], field="f") == {(1,): F(1), (3,): F(-1, 3)}


def test_expansion_by_hand():
    # (x + 1)^2 y = x^2 y + 2 x y + y
    assert parse("(x+1)^2*y") == {(2, 1): F(1), (1, 1): F(2), (0, 1): F(1)}


def test_constant_power():
    assert parse("2^3") == {(0, 0): F(8)}
    assert parse("2**3") == {(0, 0): F(8)}


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.1", F(1, 10)), ("1e-3", F(1, 1000)), ("2.5E2", F(250)), (".5", F(1, 2)),
     ("1.", F(1)), ("1/3", F(1, 3)), ("-0.25", F(-1, 4))],
)
def test_decimals_are_exact(text, value):
    assert parse(text) == {(0, 0): value}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-x^2", {(2, 0): F(-1)}),  # -(x^2), not (-x)^2
        ("x^2*y^3", {(2, 3): F(1)}),
        ("x ^ 2 + y ** 2", {(2, 0): F(1), (0, 2): F(1)}),
        ("2*-x", {(1, 0): F(-2)}),
        ("- - x", {(1, 0): F(1)}),
        ("x - x", {}),
        ("x^0", {(0, 0): F(1)}),
        ("x/(y - y + 2)", {(1, 0): F(1, 2)}),
        ("x / 2 / 3 * 6", {(1, 0): F(1)}),
        ("(x - y)*(x + y)", {(2, 0): F(1), (0, 2): F(-1)}),
        ("x^(2)", {(2, 0): F(1)}),
        ("x\n  + y^2\n", {(1, 0): F(1), (0, 2): F(1)}),
        ("3 - 2^2*x", {(0, 0): F(3), (1, 0): F(-4)}),
    ],
)
def test_precedence_and_forms(text, expected):
    assert parse(text) == expected


def test_exponent_order_follows_variables():
    assert parse_polynomial("x*y^2", ["y", "x"], field="f") == {(2, 1): F(1)}


def test_matches_sympy_on_a_mixed_expression():
    x, y = sympy.symbols("x y")
    expected = sympy.Poly(sympy.Rational(3, 7) * (x - 2 * y) ** 3 * (x + sympy.Rational(1, 10)) - y**4 / 5, x, y)
    got = parse("3/7*(x - 2*y)^3*(x + 0.1) - y^4/5")
    assert got == {monom: F(int(c.p), int(c.q)) for monom, c in expected.terms()}


def test_thousands_of_terms_are_fast():
    names = [f"w{i}" for i in range(30)]
    terms = [f"{k % 17 - 8}/{k % 5 + 1}*w{k % 30}^{k % 4 + 1}*w{(7 * k) % 30}" for k in range(4000)]
    text = " + ".join(terms)
    start = time.perf_counter()
    poly = parse_polynomial(text, names, field="f")
    assert time.perf_counter() - start < 5
    assert poly  # not everything cancels
    assert parse_polynomial(format_polynomial(poly, names), names, field="f") == poly


# -- rejected input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("tanh(t)", "function calls"),
        ("__import__('os')", "function calls"),
        ("__import__('os').system('true')", "not allowed"),
        ("x.real", "attribute"),
        ("z + 1", "unknown name 'z'"),
        ("relu", "unknown name 'relu'"),
        ("x/y", "division"),
        ("1/(x - x)", "division by zero"),
        ("x^-1", "exponent"),
        ("x^y", "exponent"),
        ("x^(1/2)", "exponent"),
        ("x^0.5", "exponent"),
        (f"x^{MAX_EXPONENT + 1}", "exponent"),
        ("2^3^2", "exponent"),
        ("'x'", "strings"),
        ("x < y", "comparisons"),
        ("x == y", "comparisons"),
        ("lambda: x", "lambda"),
        ("x[0]", "subscripts"),
        ("[x, y]", "lists"),
        ("x if y else 1", "conditional"),
        ("x % 2", "'%'"),
        ("x // 2", "'//'"),
        ("~x", "'~'"),
        ("not x", "'not'"),
        ("True", "decimal numbers"),
        ("1j", "decimal numbers"),
        ("0x10", "decimal numbers"),
        ("2 x", "invalid syntax"),
        ("x +", "operand is missing"),
        ("(x + 1", "never closed"),
        ("x) + (y", "unmatched"),
        ("x # comment", "comments"),
        ("x $ y", "unexpected character"),
        ("x*\u00e9", "ASCII"),
        ("", "empty"),
        ("   \n", "empty"),
        ("(" * 150 + "x" + ")" * 150, "nested"),
        ("-" * 5000 + "x", "too complex"),
        ("(x + y + 1)^64^1", "exponent"),
        ("1e100000", "too large"),
        ("x" + "+x" * (MAX_LENGTH // 2), "characters"),
    ],
)
def test_forbidden_constructs_name_the_field(text, fragment):
    with pytest.raises(SpecError) as info:
        parse(text)
    assert info.value.field == "test.field"
    assert "`test.field`" in str(info.value)
    assert fragment in str(info.value)


def test_message_quotes_the_offending_piece_as_written():
    with pytest.raises(SpecError) as info:
        parse_polynomial("t + t^2 + sin(t^3)", ["t"], field="network.activation")
    assert "'sin(t^3)'" in str(info.value)
    assert "Allowed:" in str(info.value)


def test_blowup_is_refused():
    names = [f"x{i}" for i in range(8)]
    with pytest.raises(SpecError, match="term products|terms"):
        parse_polynomial("(" + " + ".join(names) + " + 1)^40", names, field="f")
    with pytest.raises(SpecError, match="bits"):
        parse_polynomial("((3^64)^64)^64", names, field="f")


def test_non_string_text():
    with pytest.raises(SpecError, match="as a string"):
        parse_polynomial(3, ["x"], field="f")  # type: ignore[arg-type]


@pytest.mark.parametrize("variables", [["x", "x"], ["1x"], ["lambda"], ["x y"]])
def test_bad_variable_lists_are_programming_errors(variables):
    with pytest.raises(ValueError) as info:
        parse_polynomial("1", variables, field="f")
    assert not isinstance(info.value, SpecError)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="xy019.+-*/^()[]{}'\" ,_eEjt#$@%<>=~!:lambdaimport", max_size=30))
def test_arbitrary_text_is_accepted_or_rejected_with_spec_error(text):
    try:
        result = parse(text)
    except SpecError as error:
        assert error.field == "test.field"
    else:
        assert all(isinstance(c, Fraction) and c != 0 for c in result.values())
        assert all(len(e) == 2 and min(e) >= 0 for e in result)


# -- parse_rational -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, F(3)), ("3", F(3)), ("-1/10", F(-1, 10)), ("0.25", F(1, 4)), ("1e-2", F(1, 100)),
     (0.1, F(1, 10)), (1e-05, F(1, 100000)), (-2.5, F(-5, 2)), (" 7/21 ", F(1, 3)), (F(2, 3), F(2, 3))],
)
def test_parse_rational_accepts(value, expected):
    assert parse_rational(value, field="loss.scale") == expected


@pytest.mark.parametrize(
    "value", [True, False, float("nan"), float("inf"), "1/0", "abc", "", "1/2/3", "0x1", None, [1], {"a": 1}, "1e99999"]
)
def test_parse_rational_rejects(value):
    with pytest.raises(SpecError) as info:
        parse_rational(value, field="regularizer.eps[2]")
    assert "`regularizer.eps[2]`" in str(info.value)


# -- format_polynomial ----------------------------------------------------------------------


def test_format_examples():
    assert format_polynomial({}, ["x"]) == "0"
    assert format_polynomial({(0,): F(-3, 4)}, ["x"]) == "-3/4"
    assert format_polynomial({(1, 0): F(1), (2, 1): F(-1, 2), (0, 0): 5}, ["x", "y"]) == "-1/2*x^2*y + x + 5"


def test_format_rejects_mismatched_exponents():
    with pytest.raises(ValueError):
        format_polynomial({(1, 2): F(1)}, ["x"])


_coefficients = st.fractions(min_value=-1000, max_value=1000, max_denominator=50).filter(lambda q: q != 0)


@st.composite
def _polynomials(draw):
    nvars = draw(st.integers(min_value=0, max_value=4))
    names = draw(st.lists(st.sampled_from(["x", "y", "z", "t", "w1_1_1", "b2_1", "eps"]),
                          min_size=nvars, max_size=nvars, unique=True))
    exponents = st.tuples(*[st.integers(min_value=0, max_value=7)] * nvars)
    poly = draw(st.dictionaries(exponents, _coefficients, max_size=12))
    return poly, names


@settings(max_examples=200, deadline=None)
@given(_polynomials())
def test_format_parse_round_trip(case):
    poly, names = case
    assert parse_polynomial(format_polynomial(poly, names), names, field="f") == poly


@st.composite
def _expressions(draw, depth=0):
    """Random expression text in the grammar (no parentheses added beyond the drawn ones)."""
    if depth >= 3 or draw(st.booleans()):
        kind = draw(st.sampled_from(["x", "y", "int", "dec"]))
        if kind in ("x", "y"):
            return kind
        if kind == "int":
            return str(draw(st.integers(min_value=0, max_value=20)))
        return str(draw(st.integers(min_value=0, max_value=999)) / 100)
    op = draw(st.sampled_from(["+", "-", "*", "/", "^", "**", "neg", "paren"]))
    left = draw(_expressions(depth + 1))
    if op == "neg":
        return f"-{left}"
    if op == "paren":
        return f"({left})"
    if op in ("^", "**"):
        k = draw(st.integers(min_value=0, max_value=3))
        base = left if draw(st.booleans()) and left.isalnum() else f"({left})"
        return f"{base}{op}{k}"
    if op == "/":
        return f"{left}/{draw(st.integers(min_value=1, max_value=9))}"
    right = draw(_expressions(depth + 1))
    return f"{left} {op} {right}" if draw(st.booleans()) else f"{left}{op}{right}"


@settings(max_examples=300, deadline=None)
@given(_expressions())
def test_agrees_with_python_precedence(text):
    # Reference: sympy's parser with its own token-level ^ -> ** conversion and exact decimals
    # (fine in a test on trusted text; the library itself never calls it).
    x, y = sympy.symbols("x y")
    transformations = standard_transformations + (convert_xor, rationalize)
    reference = sympy.Poly(parse_expr(text, local_dict={"x": x, "y": y},
                                      transformations=transformations), x, y)
    expected = {m: F(int(c.p), int(c.q)) for m, c in reference.terms() if c != 0}
    assert parse(text) == expected
