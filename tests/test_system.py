"""The exact system against an independent construction with sympy expressions."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from algmorse.model.network import (
    Activation,
    Dataset,
    FunctionProblem,
    Network,
    NetworkProblem,
    Regularizer,
)
from algmorse.model.system import build_system


def _reference_loss(problem: NetworkProblem) -> tuple[list[sp.Symbol], sp.Expr]:
    """The loss built independently, with sympy matrices and expressions."""
    net = problem.network
    symbols = sp.symbols(list(problem.variables))
    by_name = dict(zip(problem.variables, symbols))
    t = sp.Symbol("t")
    activation = sum(sp.Rational(c.numerator, c.denominator) * t**k for k, c in enumerate(net.activation.coefficients))
    weights = [sp.Matrix([[by_name[n] for n in row] for row in net.weight_names(k)]) for k in range(1, net.depth + 1)]
    biases = [sp.Matrix([by_name[n] for n in net.bias_names(k)]) if net.bias else None for k in range(1, net.depth + 1)]
    total = 0
    for x, y in zip(problem.data.x, problem.data.y):
        h = sp.Matrix([sp.Rational(v.numerator, v.denominator) for v in x])
        for k, (w, b) in enumerate(zip(weights, biases)):
            h = w * h + (b if b is not None else sp.zeros(w.rows, 1))
            if k < net.depth - 1:
                h = h.applyfunc(lambda z: activation.subs(t, z))
        r = h - sp.Matrix([sp.Rational(v.numerator, v.denominator) for v in y])
        total += (r.T * r)[0, 0]
    loss = sp.Rational(problem.scale.numerator, problem.scale.denominator) * total
    reg = problem.regularizer
    if reg.kind == "l2":
        loss += sp.Rational(reg.eps.numerator, reg.eps.denominator) * sum(s**2 for s in symbols)
    elif reg.kind == "generalized-l2":
        loss += sum(sp.Rational(e.numerator, e.denominator) * s**2 for e, s in zip(reg.eps, symbols))
    elif reg.kind == "multiplicative":
        product = 1
        for w in weights:
            product *= sum(v**2 for v in w)
        loss += sp.Rational(reg.eps.numerator, reg.eps.denominator) * product
    return symbols, sp.expand(loss)


def _problem(widths, coeffs, bias, reg, npoints=2, scale=Fraction(1, 2)):
    net = Network(tuple(widths), Activation.from_coefficients(coeffs), bias)
    xs = tuple(tuple(Fraction(i + j + 1, j + 2) for j in range(widths[0])) for i in range(npoints))
    ys = tuple(tuple(Fraction(2 * i - j, 3) for j in range(widths[-1])) for i in range(npoints))
    if reg.kind == "generalized-l2" and reg.eps is None:
        reg = reg.resolved(net.num_parameters, seed=3)
    return NetworkProblem(net, Dataset(xs, ys), scale, reg)


CASES = [
    ((1, 2, 1), [0, 1, 1], False, Regularizer("l2", Fraction(1, 10))),
    ((2, 2, 1), [0, 0, 1], True, Regularizer("generalized-l2")),
    ((1, 2, 2, 1), [0, 1, 0, Fraction(-1, 3)], False, Regularizer("multiplicative", Fraction(1, 7))),
    ((1, 1, 1, 1), [0, 1], True, Regularizer("none")),
]


@pytest.mark.parametrize("widths,coeffs,bias,reg", CASES)
def test_loss_matches_independent_sympy_construction(widths, coeffs, bias, reg):
    problem = _problem(widths, coeffs, bias, reg)
    system = build_system(problem)
    symbols, reference = _reference_loss(problem)
    assert sp.expand(system.loss.as_expr() - reference.subs(dict(zip(symbols, system.ring.symbols)))) == 0


@pytest.mark.parametrize("widths,coeffs,bias,reg", CASES[:2])
@settings(max_examples=10, deadline=None)
@given(point=st.lists(st.fractions(min_value=-3, max_value=3, max_denominator=7), min_size=9, max_size=9))
def test_gradient_and_hessian_match_sympy_diff(widths, coeffs, bias, reg, point):
    problem = _problem(widths, coeffs, bias, reg)
    system = build_system(problem)
    symbols, reference = _reference_loss(problem)
    values = dict(zip(symbols, (sp.Rational(p.numerator, p.denominator) for p in point)))
    args = [values[s] for s in symbols]
    for i, s in enumerate(symbols):
        assert system.gradient[i](*args) == sp.diff(reference, s).subs(values)
        for j, r in enumerate(symbols):
            assert system.hessian[i][j](*args) == sp.diff(reference, s, r).subs(values)


def test_parameter_order_is_weights_row_major_then_bias():
    net = Network((2, 3, 1), Activation.from_coefficients([0, 1]), bias=True)
    assert net.parameter_names == (
        "w1_1_1", "w1_1_2", "w1_2_1", "w1_2_2", "w1_3_1", "w1_3_2", "b1_1", "b1_2", "b1_3",
        "w2_1_1", "w2_1_2", "w2_1_3", "b2_1",
    )


def test_chain_total_degree_and_gradient_by_hand():
    # L = 1/2 (ab - 2)^2 + 1/10 (a^2 + b^2): dL/da = a b^2 - 2 b + a/5, degree 3 each -> TD 9.
    problem = _problem((1, 1, 1), [0, 1], False, Regularizer("l2", Fraction(1, 10)), npoints=1)
    problem = NetworkProblem(problem.network, Dataset(((Fraction(1),),), ((Fraction(2),),)), Fraction(1, 2), problem.regularizer)
    system = build_system(problem)
    a, b = system.ring.gens
    assert system.gradient[0] == a * b**2 - 2 * b + a / 5
    assert system.total_degree == 9


def test_symmetries_verified_exactly():
    odd = build_system(_problem((1, 2, 1), [0, 0, 0, 1], False, Regularizer("l2", Fraction(1, 10))))
    assert sorted(g.label for g in odd.symmetries) == [
        "flip hidden unit 1 of layer 1", "flip hidden unit 2 of layer 1", "swap hidden units 1,2 of layer 1"]
    # generalized L2 with distinct strengths breaks the permutation but keeps the sign flips
    generic = build_system(_problem((1, 2, 1), [0, 0, 0, 1], False, Regularizer("generalized-l2")))
    assert sorted(g.label for g in generic.symmetries) == ["flip hidden unit 1 of layer 1", "flip hidden unit 2 of layer 1"]
    # t + t^2 is neither odd nor even: only the permutation survives
    mixed = build_system(_problem((1, 2, 1), [0, 1, 1], False, Regularizer("l2", Fraction(1, 10))))
    assert [g.label for g in mixed.symmetries] == ["swap hidden units 1,2 of layer 1"]


def test_function_problem_symmetry_candidates_are_checked():
    system = build_system(FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^2 + x*y^2"))
    # flipping y preserves h, flipping x does not, swapping does not
    assert [g.label for g in system.symmetries] == ["flip variable 2"]


def test_random_generalized_l2_strengths_are_distinct_and_reproducible():
    reg = Regularizer("generalized-l2")
    first, again, other = reg.resolved(50, 7), reg.resolved(50, 7), reg.resolved(50, 8)
    assert first.eps == again.eps != other.eps
    assert len(set(first.eps)) == 50 and all(0 < e <= 1 for e in first.eps)
