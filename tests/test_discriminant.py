"""Exceptional regularization strengths (:mod:`algmorse.probes.discriminant`) against hand derivations.

Every test needs Singular (marker ``exact``); the numerical cross-check also needs PHCpack.
"""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction

import pytest

from algmorse.cli import main
from algmorse.errors import BackendTimeout, SpecError
from algmorse.model.network import FunctionProblem, Regularizer
from algmorse.model.options import SolveOptions
from algmorse.pipeline import analyze
from algmorse.probes.discriminant import discriminant
from algmorse.results.library import load_case

pytestmark = pytest.mark.exact


def factors_of(result) -> dict[tuple[int, ...], str]:
    """{primitive integer coefficients (degree 0 up): kind}."""
    return {f.coefficients: f.kind for f in result.factors}


# h = (ab - 2)^2, R = a^2 + b^2. grad(h + eR) = (2b(ab-2) + 2ea, 2a(ab-2) + 2eb).
# a*grad_1 - b*grad_2 = 2e(a^2 - b^2): for e != 0, b = a or b = -a.
#   a = b = u:  2u(u^2 - 2 + e) = 0;   a = -b = u:  2u(u^2 + 2 + e) = 0.
# Hessian [[2b^2 + 2e, 4ab - 4], [4ab - 4, 2a^2 + 2e]]:
#   origin: det = 4e^2 - 16, zero at e = +-2 (the pairs u^2 = 2 - e, u^2 = -2 - e reach 0);
#   (u, u), u^2 = 2 - e:   [[4, 4 - 4e], [4 - 4e, 4]], det = 16 e (2 - e);
#   (u, -u), u^2 = -2 - e: [[-4, 4 + 4e], [4 + 4e, -4]], det = -16 e (2 + e).
# At e = +-2 the critical set is finite (origin plus u^2 = -+4): collisions. At e = 0 the
# gradient is 2(ab - 2)(b, a): the hyperbola ab = 2 is critical (positive-dimensional).
# So exactly {-2: collision, 0: positive-dimensional, 2: collision}.
@pytest.mark.parametrize("regularizer", [Regularizer("l2", Fraction(1)),
                                         Regularizer("polynomial", None, "a^2 + b^2")])
def test_hyperbola_function(regularizer: Regularizer) -> None:
    result = discriminant(FunctionProblem(("a", "b"), "(a*b - 2)^2", regularizer))
    assert not result.all_eps
    assert factors_of(result) == {(2, 1): "collision", (0, 1): "positive-dimensional", (-2, 1): "collision"}
    assert result.values == (-2, 0, 2)
    assert result.kinds == ("collision", "positive-dimensional", "collision")
    assert result.unknown == "eps"


# h = x^4/4 - x^2/2, R = x^2: (h + eR)' = x (x^2 - 1 + 2e), (h + eR)'' = 3x^2 - 1 + 2e.
# Common zeros: x = 0 gives e = 1/2; x^2 = 1 - 2e gives 3(1 - 2e) - 1 + 2e = 2 - 4e = 0, e = 1/2
# again (then x = 0). The three critical points merge at the origin: only e = 1/2, a collision.
def test_double_well() -> None:
    result = discriminant(FunctionProblem(("x",), "x^4/4 - x^2/2", Regularizer("l2", Fraction(1))))
    assert factors_of(result) == {(-1, 2): "collision"}
    assert result.values == (0.5,)
    assert result.factors[0].polynomial("eps") == "2*eps - 1"


# h = x, R = x^2: (h + eR)' = 1 + 2ex and (h + eR)'' = 2e never vanish together (e = 0 forces
# 1 = 0): Morse for every e (no critical point at all for e = 0). The eliminant is a constant.
def test_no_exceptional_value() -> None:
    result = discriminant(FunctionProblem(("x",), "x", Regularizer("l2", Fraction(1))))
    assert not result.all_eps and result.factors == () and result.values == ()
    assert result.escape_values == (0,)  # the one critical point -1/(2e) escapes as e -> 0


# h = x^2/2, R = x^3/3: (h + eR)' = x (1 + e x), critical points 0 and -1/e; (h + eR)'' = 1 + 2ex
# is 1 at 0 and -1 at -1/e, never 0: no exceptional value. As e -> 0 the point -1/e escapes to
# infinity (the count drops from 2 to 1), which is reported apart, as an escape at e = 0.
def test_escape_to_infinity_is_not_exceptional() -> None:
    result = discriminant(FunctionProblem(("x",), "x^2/2", Regularizer("polynomial", None, "x^3/3")))
    assert result.factors == () and result.values == ()
    assert result.escape_factors == ((0, 1),) and result.escape_values == (0,)
    assert result.to_dict()["escapes"] == [[0.0, 0.0]]


# [1,2,1] linear, no bias, x = 1, y = 2, scale 1/2: with u = W1, v = W2^T,
# L + eps R = 1/2 (v.u - 2)^2 + eps (|u|^2 + |v|^2), invariant under (u, v) -> (Qu, Qv), Q in O(2).
# grad = (r v + 2 eps u, r u + 2 eps v) with r = v.u - 2. Besides the origin, u = -r v / (2 eps),
# v = -r u / (2 eps), so r = -+2 eps: r = -2 eps gives u = v, |u|^2 = 2 - 2 eps, a conic (over C a
# curve for every eps; for eps = 1 the two lines u1 = +-i u2), the rotation orbit. The Hessian
# is singular along it (its tangent is in the kernel), for every eps != 0, and at eps = 0 the
# whole set v.u = 2 is critical. So the elimination ideal is zero and the generic critical set
# has dimension 1.
def test_linear_network_standard_l2_is_never_morse() -> None:
    result = discriminant(load_case("net121_lin_l2_circle").spec.problem)
    assert result.all_eps
    assert result.generic_dimension == 1
    assert result.values == () and result.factors == ()


# Multiplicative regularizer on the depth-3 scalar chain: with p = abc,
# F = 1/2 (p - m)^2 + eps p^2 is a function of p alone, grad F = (p - m + 2 eps p) grad p: the
# surface p = m / (1 + 2 eps) is critical for every eps (dimension 2).
def test_multiplicative_chain_is_never_morse() -> None:
    result = discriminant(load_case("chain3_mult").spec.problem)
    assert result.all_eps and result.generic_dimension == 2


# Depth-2 scalar chain, L = 1/2 (ab - m)^2, m = 2, generalized L2 R = p a^2 + q b^2 with
# (p, q) = (1/10, 1/5), unknown scale t. grad = ((ab - m) b + 2tp a, (ab - m) a + 2tq b).
# Origin: Hessian [[2tp, -m], [-m, 2tq]], det = 4 t^2 pq - m^2 = 0 at t^2 = m^2 / (4pq) = 50.
# Other points: multiplying the equations by a and b gives p a^2 = q b^2 (t != 0), and with
# s = ab, s - m = -+2t sqrt(pq): these branches reach the origin (s = 0) exactly when
# t^2 = m^2 / (4pq) again, and never meet each other for t != 0 (different s). At t = 0 the
# hyperbola ab = m is critical. Expected: {t: positive-dimensional, t^2 - 50: collision}.
def test_generalized_l2_chain_depth_2() -> None:
    result = discriminant(load_case("chain2_genl2").spec.problem)
    assert result.unknown == "t"
    assert factors_of(result) == {(0, 1): "positive-dimensional", (-50, 0, 1): "collision"}
    assert result.values == pytest.approx([-50 ** 0.5, 0, 50 ** 0.5], abs=1e-14)
    assert all(z.imag == 0 for z in result.values)


# Depth-3 chain, L = 1/2 (abc - m)^2, m = 2. Standard L2: on the diagonal a = b = c = u,
# f(u) = 1/2 (u^3 - m)^2 + 3 eps u^2, f'(u) = 3u (u^4 - m u + 2 eps); the quartic has a double
# root when 4u^3 = m, i.e. u^3 = m/4 and 2 eps = -u(u^3 - m) = 3mu/4: eps^3 = 27 m^4 / 2048
# = 27/128 (a fold of the diagonal family: a collision). Generalized L2 with eps_j = (p1, p2,
# p3): a_j = alpha_j / sqrt(p_j) turns L + t R into (1/P)(1/2 (alpha1 alpha2 alpha3 -
# m sqrt(P))^2 + tP |alpha|^2), P = p1 p2 p3: the standard chain with m' = m sqrt(P) and eps' = tP,
# so t^3 = 27 m^4 / (2048 P); for (1/10, 1/5, 3/10), P = 3/500 and t^3 = 1125/32. At t = 0 the
# surface abc = m is critical.
def test_chain_depth_3_standard_and_generalized() -> None:
    problem = load_case("chain3_l2").spec.problem
    standard = discriminant(problem)
    assert factors_of(standard) == {(0, 1): "positive-dimensional", (-27, 0, 0, 128): "collision"}
    generalized = discriminant(replace(problem, regularizer=Regularizer(
        "generalized-l2", (Fraction(1, 10), Fraction(1, 5), Fraction(3, 10)))))
    assert factors_of(generalized) == {(0, 1): "positive-dimensional", (-1125, 0, 0, 32): "collision"}
    assert generalized.real_values == pytest.approx([0, (1125 / 32) ** (1 / 3)], abs=1e-14)
    assert len(generalized.values) == 4  # 0 and the three cube roots


# Not derivable by hand: the [1,2,1] network with activation t^2 on three data points
# (polynomials/net121_sq_l2.toml). Cross-check each real collision value numerically with
# PHCpack: there the solver finds fewer distinct critical points (33 generically, vdim from
# Singular in the fixture) and some have a singular Hessian; at a generic eps in between, all 33
# are nondegenerate.
@pytest.mark.phcpack
def test_network_collisions_cross_checked_numerically() -> None:
    problem = load_case("net121_sq_l2").spec.problem
    result = discriminant(problem)
    collisions = [z.real for z, kind in zip(result.values, result.kinds) if z.imag == 0 and kind == "collision"]
    assert len(collisions) == 2 and 0 < collisions[0] < collisions[1]
    options = SolveOptions(seed=3, decompose="never", max_runs=3, stable_runs=1)

    def solve(eps: Fraction):
        return analyze(replace(problem, regularizer=Regularizer("l2", eps)), options=options).critical_points

    for value in collisions:
        # a rational strength within 1e-12 of the collision: the colliding points are still two,
        # about 1e-6 apart (the square root of the distance to the collision), both nondegenerate;
        # all 33 are found and certified, and the nearest pair's Hessians are nearly singular
        points = solve(Fraction(value).limit_denominator(10**12))
        assert len(points) == 33 and all(p.certified for p in points)
        assert min(p.hessian_min_singular_value for p in points) < 1e-4
    generic = solve(Fraction(int(collisions[0] + collisions[1]), 2))
    assert len(generic) == 33 and all(p.nondegenerate for p in generic)
    assert min(p.hessian_min_singular_value for p in generic) > 1e-3


def test_random_generalized_strengths_are_seeded() -> None:
    problem = replace(load_case("chain2_genl2").spec.problem, regularizer=Regularizer("generalized-l2"))
    result = discriminant(problem, seed=7)
    drawn = Regularizer("generalized-l2").resolved(2, 7).eps
    assert result.seed == 7
    assert f"({drawn[0]}, {drawn[1]})" in result.regularizer
    # Same derivation as the depth-2 test: collisions at t^2 = m^2 / (4 p q).
    [collision] = [f for f in result.factors if f.kind == "collision"]
    p, q = drawn
    expected = Fraction(4) / (4 * p * q)
    assert Fraction(-collision.coefficients[0], collision.coefficients[2]) == expected


def test_no_regularizer_is_an_error() -> None:
    with pytest.raises(SpecError, match="regularizer.kind"):
        discriminant(FunctionProblem(("x",), "x^4"))


def test_timeout_raises_with_problem_size() -> None:
    with pytest.raises(BackendTimeout, match=r"did not finish .* 4 parameters plus the unknown"):
        discriminant(load_case("net121_sq_l2").spec.problem, timeout=1e-9)


WELL_SPEC = """
[function]
variables = ["x"]
expression = "x^4/4 - x^2/2"

[regularizer]
kind = "l2"
eps = "1/10"
"""


def test_cli_json(tmp_path, capsys) -> None:
    spec = tmp_path / "well.toml"
    spec.write_text(WELL_SPEC)
    assert main(["discriminant", str(spec), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # hand derivation in test_double_well: only eps = 1/2, a collision
    assert data["values"] == [[0.5, 0.0]]
    assert data["kinds"] == ["collision"]
    assert data["all"] is False
    assert [f["polynomial"] for f in data["factors"]] == ["2*eps - 1"]
    assert data["escapes"] == [] and data["generic_dimension"] is None


def test_cli_table_and_no_regularizer(tmp_path, capsys) -> None:
    spec = tmp_path / "well.toml"
    spec.write_text(WELL_SPEC)
    assert main(["discriminant", str(spec)]) == 0
    header, columns, row = capsys.readouterr().out.splitlines()
    assert header.startswith("Exceptional values of eps") and columns.split()[:3] == ["value", "type", "kind"]
    assert row.split() == ["0.5", "real", "collision", "2*eps", "-", "1"]
    bare = tmp_path / "bare.toml"
    bare.write_text(WELL_SPEC.split("[regularizer]")[0])
    assert main(["discriminant", str(bare)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "regularizer.kind" in captured.err and 'kind = "none"' in captured.err
