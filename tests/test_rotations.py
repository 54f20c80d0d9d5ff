"""The Lie algebra of infinitesimal rotations, against hand derivations and an independent
numerical computation.

Notation for the derivations: ``X_A`` is the vector field ``a -> A a`` of a skew matrix ``A``;
the algebra is ``{A : X_A L = 0}``. Two facts are used throughout:

* ``X_A |a|^2 = 2 a.(A a) = 0`` for every skew ``A``: standard L2 never changes the algebra.
* ``X_A`` maps homogeneous polynomials of degree ``k`` to degree ``k``, so ``X_A L = 0`` holds
  degree by degree; and ``X_A F(c) = F'(c) X_A c``, so for a non-constant polynomial ``F``,
  ``X_A F(c) = 0`` iff ``X_A c = 0`` (``QQ[a]`` has no zero divisors).
* For a quadratic form ``q(a) = a^T S a``, ``X_A q = a^T (S A - A S) a``, and ``S A - A S`` is
  symmetric for skew ``A``: ``X_A q = 0`` iff ``A`` commutes with ``S``, i.e. ``A`` preserves the
  eigenspaces of ``S``. The skew matrices that do form ``so(d_1) + so(d_2) + ...`` over the
  eigenspace dimensions ``d_k``.
"""

from __future__ import annotations

import json
from fractions import Fraction
from importlib import resources

import numpy as np
import pytest
import sympy

from algmorse.cli import main
from algmorse.errors import SpecError
from algmorse.model.network import (
    Activation,
    Dataset,
    FunctionProblem,
    Network,
    NetworkProblem,
    Regularizer,
)
from algmorse.model.system import build_system
from algmorse.probes.rotations import is_infinitesimal_symmetry, rotation_algebra
from algmorse.results.library import load_case

L2 = Regularizer("l2", Fraction(1, 3))
NONE = Regularizer("none")
SCALAR_1 = ([[1]], [[2]])                       # one data point x = 1, y = 2
SCALAR_2 = ([[1], [2]], [[2], [1]])
SCALAR_3 = ([[1], [2], [3]], [[2], [1], [3]])
PLANE_2 = ([[1, 0], [0, 1]], [[1], [2]])        # x = e1, e2: with a bias, (x, 1) spans a plane in R^3
PLANE_3 = ([[1, 0], [0, 1], [1, 1]], [[1], [2], [3]])
ACTIVATIONS = {"t^2": [0, 0, 1], "t^3": [0, 0, 0, 1], "t + t^2": [0, 1, 1], "t - t^3/3": [0, 1, 0, "-1/3"]}


def _network(widths, data, regularizer=L2, activation=(0, 1), bias=False):
    x, y = data
    rational = lambda rows: tuple(tuple(Fraction(v) for v in row) for row in rows)  # noqa: E731
    return NetworkProblem(Network(tuple(widths), Activation.from_coefficients(list(activation)), bias),
                          Dataset(rational(x), rational(y)), Fraction(1, 2), regularizer)


def _skew(n, entries):
    """The skew matrix with ``A[i][j] = value`` and ``A[j][i] = -value`` for ``(i, j): value``."""
    matrix = [[Fraction(0)] * n for _ in range(n)]
    for (i, j), value in entries.items():
        matrix[i][j], matrix[j][i] = Fraction(value), -Fraction(value)
    return tuple(tuple(row) for row in matrix)


def _rank(matrices):
    return sympy.Matrix([[q for row in m for q in row] for m in matrices]).rank() if matrices else 0


def _spans(algebra, expected):
    """The algebra's basis spans exactly the given matrices (exact ranks, computed by sympy)."""
    return _rank(list(algebra.basis)) == _rank(list(expected)) == _rank(list(algebra.basis) + list(expected))


# --- an independent numerical computation of the dimension -------------------------------------
# Its own forward pass (numpy), gradients by complex step (exact to rounding for a polynomial),
# and the rank of the conditions sum_(i<j) A_ij (a_j dL/da_i - a_i dL/da_j) = 0 at random points
# by SVD. Shares nothing with algmorse.model.system or algmorse.probes.rotations.

def _numeric_loss(problem, a):
    network, powers = problem.network, [float(c) for c in problem.network.activation.coefficients]
    layers, start = [], 0
    for rows, cols in zip(network.widths[1:], network.widths[:-1]):
        weight = a[start:start + rows * cols].reshape(rows, cols)
        start += rows * cols
        bias = a[start:start + rows] if network.bias else np.zeros(rows)
        start += rows if network.bias else 0
        layers.append((weight, bias))
    total = 0
    for x, y in zip(problem.data.x, problem.data.y):
        h = np.array([float(v) for v in x])
        for k, (weight, bias) in enumerate(layers):
            z = weight @ h + bias
            h = sum(c * z ** p for p, c in enumerate(powers)) if k < len(layers) - 1 else z
        total = total + np.sum((h - np.array([float(v) for v in y])) ** 2)
    reg = problem.regularizer
    strengths = {"none": 0.0, "l2": float(reg.eps or 0)}.get(reg.kind)
    if strengths is None:
        strengths = np.array([float(e) for e in reg.eps])
    return float(problem.scale) * total + np.sum(strengths * a ** 2)


def _numeric_dimension(problem, seed=0):
    n = len(problem.variables)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    rng, step = np.random.default_rng(seed), 1e-30
    rows = []
    for _ in range(3 * len(pairs)):
        a = rng.normal(size=n)
        g = np.array([_numeric_loss(problem, a + 1j * step * e).imag / step for e in np.eye(n)])
        row = np.array([a[j] * g[i] - a[i] * g[j] for i, j in pairs])
        rows.append(row / np.linalg.norm(row))
    singular = np.linalg.svd(np.array(rows), compute_uv=False)
    # measured on every case below: the smallest nonzero singular value is > 1e-2 times the
    # largest, the zero ones < 1e-15 times it.
    return len(pairs) - int(np.sum(singular > 1e-8 * singular[0]))


# --- [1, m, 1] linear networks -------------------------------------------------------------------

# Variables of [1,2,1] without bias: (u1, u2, v1, v2) = (w1_1_1, w1_2_1, w2_1_1, w2_1_2).
# The layer rotation (W1, W2) -> (Q W1, W2 Q^T): u -> J u, v -> J v with J = [[0, 1], [-1, 0]].
LAYER_ROTATION = _skew(4, {(0, 1): 1, (2, 3): 1})
# The mixing rotation u -> J v, v -> J u (A = [[0, J], [J, 0]]), which rotates s = u + v and
# d = u - v in opposite senses.
MIXING_ROTATION = _skew(4, {(0, 3): 1, (1, 2): -1})


def test_net121_l2_circle_has_the_layer_rotation_and_one_more():
    # L = 1/2 (u.v - 2)^2 + 1/3 (|u|^2 + |v|^2) = F(c) + 1/3 |a|^2 with c = u.v, F' != 0.
    # The L2 term is invariant, so X_A L = F'(c) X_A c and the algebra is {A : X_A c = 0}.
    # c = a^T S a with S = 1/2 [[0, I], [I, 0]], eigenvalues +1/2 on s = u + v and -1/2 on
    # d = u - v (each 2-dimensional): the algebra is so(2) + so(2), dimension 2, spanned by the
    # simultaneous rotation of s and d (the layer rotation) and their opposite rotation (the
    # mixing rotation). Basis in canonical (reduced echelon) form over the pairs
    # (0,1), (0,2), (0,3), (1,2), (1,3), (2,3): (1,0,0,0,0,1) and (0,0,1,-1,0,0).
    problem = load_case("net121_lin_l2_circle").spec.problem
    algebra = rotation_algebra(problem)
    assert algebra.dimension == 2
    assert algebra.basis == (LAYER_ROTATION, MIXING_ROTATION)
    assert algebra.generators[0] == "w1_2_1*d/dw1_1_1 - w1_1_1*d/dw1_2_1 + w2_1_2*d/dw2_1_1 - w2_1_1*d/dw2_1_2"
    system = build_system(problem)
    assert is_infinitesimal_symmetry(system, LAYER_ROTATION)
    # rotating W1 alone changes u.v: X c = (J u).v = u2 v1 - u1 v2 != 0.
    assert not is_infinitesimal_symmetry(system, _skew(4, {(0, 1): 1}))


@pytest.mark.parametrize("regularizer", [NONE, L2], ids=["none", "l2"])
@pytest.mark.parametrize("data", [SCALAR_1, SCALAR_3], ids=["1pt", "3pts"])
@pytest.mark.parametrize("width", [2, 3])
def test_linear_1m1_without_bias_is_so_m_plus_so_m(width, data, regularizer):
    # With scalar data, L = 1/2 sum_i (c x_i - y_i)^2 (+ eps |a|^2) with c = u.v: F(c), F' != 0,
    # and as above the algebra is so(m) + so(m) (rotations of u + v and of u - v): dimension
    # m (m - 1), i.e. 2 for m = 2 and 6 for m = 3, with or without L2.
    algebra = rotation_algebra(_network((1, width, 1), data, regularizer))
    assert algebra.dimension == width * (width - 1)
    if width == 2:
        assert _spans(algebra, [LAYER_ROTATION, MIXING_ROTATION])


@pytest.mark.parametrize("data", [SCALAR_2, SCALAR_3], ids=["2pts", "3pts"])
@pytest.mark.parametrize("width", [2, 3])
def test_linear_1m1_with_bias_is_so_m(width, data):
    # f(x) = P x + B + c with P = v.u, B = v.b (b = b1, c = b2). Residual r_i = (P x_i + B) + c - y_i
    # has parts of degree 2, 1, 0; X_A L = 0 degree by degree:
    #   degree 1: -2 (sum y_i) c          -> X c = 0 (sum y_i != 0): c is fixed;
    #   degree 3: 2 c (P sum x_i + n B)    -> X (sum x_i P + n B) = 0;
    #   degree 2: n c^2 - 2 (sum x_i y_i P + sum y_i B)  (L2 invariant) -> X (sum x_i y_i P + sum y_i B) = 0.
    # For x = 1, 2 / y = 2, 1: det [[3, 2], [4, 3]] = 1; for x = 1, 2, 3 / y = 2, 1, 3:
    # det [[6, 3], [13, 6]] = -3; so X P = X B = 0. X P = 0: A = rotations of s = u + v, d = u - v
    # and of (b, c), c fixed: X u = P' u + Q' v, X v = P' v + Q' u, X b = R b. Then
    # X B = v^T (R - P') b - u^T Q' b = 0 forces Q' = 0, R = P': the simultaneous rotation
    # (u, b, v) -> (Q u, Q b, Q v), i.e. so(m): dimension m (m - 1) / 2 (1 for m = 2, 3 for m = 3).
    algebra = rotation_algebra(_network((1, width, 1), data, bias=True))
    assert algebra.dimension == width * (width - 1) // 2
    if width == 2:  # variables (w1_1_1, w1_2_1, b1_1, b1_2, w2_1_1, w2_1_2, b2_1)
        assert _spans(algebra, [_skew(7, {(0, 1): 1, (2, 3): 1, (4, 5): 1})])


# --- deeper and wider linear networks ----------------------------------------------------------

def test_linear_1221_is_one_rotation_per_hidden_layer():
    # Scalar data, so L = F(c) + eps |a|^2 with c = v^T M u (u = W1, M = W2, v = W3^T): the
    # algebra is {A : X c = 0}. Split A into blocks over (u, M, v). An off-diagonal block
    # makes a term of another multidegree: A_uv gives v^T M (A_uv v) (zero for all M only if
    # A_uv = 0), A_uM gives v^T M (A_uM m), which has monomials M_1j M_2k v_1 that nothing
    # cancels unless A_uM = 0; likewise A_vM (A_Mu, A_Mv, A_vu follow by skewness). The diagonal
    # blocks must satisfy A_MM(M) = A_vv M - M A_uu for all M: free A_uu, A_vv in so(2), with A_MM
    # determined (and skew). Dimension 2: (W1, W2, W3) -> (Q1 W1, Q2 W2 Q1^T, W3 Q2^T).
    algebra = rotation_algebra(_network((1, 2, 2, 1), SCALAR_1))
    assert algebra.dimension == 2
    # variables: W1 (0, 1), W2 row-major (2, 3, 4, 5), W3 (6, 7)
    first = _skew(8, {(0, 1): 1, (2, 3): 1, (4, 5): 1})     # u -> J u, M -> M J^T (mixes columns)
    second = _skew(8, {(2, 4): 1, (3, 5): 1, (6, 7): 1})    # M -> J M (mixes rows), v -> J v
    assert _spans(algebra, [first, second])


def test_linear_1221_with_three_points_is_the_same():
    # Still L = F(c) with F(c) = 1/2 sum (c x_i - y_i)^2: the same derivation, dimension 2.
    assert rotation_algebra(_network((1, 2, 2, 1), SCALAR_3)).dimension == 2


def test_linear_221_with_inputs_spanning_the_plane_is_the_layer_rotation():
    # x = e1 -> 1, e2 -> 2: L = 1/2 (p1 - 1)^2 + 1/2 (p2 - 2)^2 + eps |a|^2, p = M^T v (M = W1,
    # v = W2^T). Write alpha = M c/|c|, beta = M c_perp/|c_perp| (columns of M along c = (1, 2) and
    # c_perp). Degree 2: X (p.c) = X (|c| v.alpha) = 0, so A preserves the eigenspaces of the
    # split form v.alpha: X alpha = P alpha + Q v, X v = P v + Q alpha, X beta = R beta.
    # Degree 4: X |p|^2 = X ((v.alpha)^2 + (v.beta)^2) = 2 (v.beta) X (v.beta) = 0, and
    # X (v.beta) = v^T (R - P) beta - alpha^T Q beta (as in the bias case) forces Q = 0, R = P:
    # only (W1, W2) -> (Q W1, W2 Q^T). Dimension 1.
    algebra = rotation_algebra(_network((2, 2, 1), PLANE_2))
    assert algebra.dimension == 1
    # variables: W1 row-major (0: w1_1_1, 1: w1_1_2, 2: w1_2_1, 3: w1_2_2), W2 (4, 5)
    assert _spans(algebra, [_skew(6, {(0, 2): 1, (1, 3): 1, (4, 5): 1})])


def test_linear_221_with_one_input_direction_has_more():
    # One point x = (1, 2), y = 1: with alpha = M x/|x| and beta = M x_perp,
    # L = 1/2 (|x| v.alpha - 1)^2 + eps |a|^2, so the algebra preserves the split form v.alpha
    # (eigenvalues +1/2 on alpha + v, -1/2 on alpha - v, 0 on beta, each 2-dimensional):
    # so(2) + so(2) + so(2), dimension 3. The columns W1 x_perp are invisible to the data.
    assert rotation_algebra(_network((2, 2, 1), ([[1, 2]], [[1]]))).dimension == 3


# --- generalized L2 ------------------------------------------------------------------------------

def test_generalized_l2_leaves_no_rotation():
    # [1,2,1], one point: L = 1/2 (c - 2)^2 + sum_j e_j a_j^2. Degree 4: c X c = 0, so X c = 0;
    # degree 2: -2 X c + X R = X R = 0 with R = a^T E a, E = diag(e_j): A commutes with E, whose
    # entries are distinct, so A is diagonal, and skew: A = 0.
    # [1,2,2,1]: the data term 1/2 (c - 2)^2 with c cubic has degrees 6, 3, 0, so again X R = 0.
    def distinct(n):
        return Regularizer("generalized-l2", tuple(Fraction(k, 10) for k in range(1, n + 1)))

    assert rotation_algebra(_network((1, 2, 1), SCALAR_1, distinct(4))).dimension == 0
    assert rotation_algebra(_network((1, 2, 2, 1), SCALAR_1, distinct(8))).dimension == 0
    # drawn strengths are distinct by construction (Regularizer.resolved draws without replacement)
    drawn = Regularizer("generalized-l2").resolved(4, seed=7)
    assert rotation_algebra(_network((1, 2, 1), SCALAR_3, drawn)).dimension == 0


def test_generalized_l2_with_equal_strengths_keeps_the_rotations_of_equal_blocks():
    # e = (1/10, 1/10, 1/10, 1/10) is standard L2: the algebra of the unregularized loss (2).
    # e = (1/10, 1/10, 1/5, 1/5): A must commute with E = diag(1/10, 1/10, 1/5, 1/5) (degree-2
    # argument above), so A = diag(x J, y J); X c = 0 for u -> x J u, v -> y J v gives
    # (x - y) (J u).v = 0: x = y, the layer rotation only. Dimension 1.
    equal = Regularizer("generalized-l2", (Fraction(1, 10),) * 4)
    assert rotation_algebra(_network((1, 2, 1), SCALAR_1, equal)).dimension == 2
    blocks = Regularizer("generalized-l2", (Fraction(1, 10),) * 2 + (Fraction(1, 5),) * 2)
    algebra = rotation_algebra(_network((1, 2, 1), SCALAR_1, blocks))
    assert algebra.basis == (LAYER_ROTATION,)


# --- nonlinear activations -----------------------------------------------------------------------

def test_square_activation_121_has_no_rotation():
    # [1,2,1], s = t^2, no bias: f(x) = x^2 c with c = v1 u1^2 + v2 u2^2, so L = F(c) + eps |a|^2
    # and the algebra is {A : X c = 0}. Over (u1, u2, v1, v2) with A_12 = p, A_13 = q, A_14 = r,
    # A_23 = s, A_24 = t, A_34 = w:
    #   X c = 2 u1 v1 (p u2 + q v1 + r v2) + 2 u2 v2 (-p u1 + s v1 + t v2)
    #         + u1^2 (-q u1 - s u2 + w v2) + u2^2 (-r u1 - t u2 - w v1).
    # Coefficients: u1^3: -q; u2^3: -t; u1 u2 v1: 2p; u1 v1 v2: 2r; u2 v1 v2: 2s; u1^2 v2: w.
    # All vanish only for A = 0: dimension 0, for any data with some x_i != 0.
    for data in (SCALAR_1, SCALAR_3):
        for regularizer in (NONE, L2):
            problem = _network((1, 2, 1), data, regularizer, ACTIVATIONS["t^2"])
            assert rotation_algebra(problem).dimension == 0


NONLINEAR = [
    (widths, name, bias, data)
    for widths in ((1, 2, 1), (1, 3, 1), (2, 2, 1), (1, 2, 2, 1))
    for name in ACTIVATIONS
    for bias in (False, True)
    for data in ((PLANE_2, PLANE_3) if widths[0] == 2 else (SCALAR_2, SCALAR_3))
    if not (widths == (1, 2, 2, 1) and bias and name != "t^2")  # build_system alone takes 3-40 s there
]


@pytest.mark.parametrize(("widths", "name", "bias", "data"), NONLINEAR,
                         ids=[f"{w}-{n}-{'bias' if b else 'nobias'}-{len(d[0])}pts" for w, n, b, d in NONLINEAR])
def test_nonlinear_dimension_agrees_with_an_independent_numerical_computation(widths, name, bias, data):
    # The exact result must equal the numerical rank computation above. The outcome (recorded
    # in the report, not asserted beyond this agreement): 0 everywhere, except [2,2,1] with
    # biases and the two points e1, e2, where it is 1 (next test).
    problem = _network(widths, data, L2, ACTIVATIONS[name], bias)
    assert rotation_algebra(problem).dimension == _numeric_dimension(problem)


@pytest.mark.parametrize(("width", "activation"), [(2, "t + t^2"), (3, "t^2")])
def test_nonlinear_with_data_in_a_lower_dimensional_subspace_keeps_invisible_rotations(width, activation):
    # Inputs e1, e2 with a bias: hidden unit k sees w_k.x_i + b_k = r_k.(x_i, 1) with
    # r_k = (w_k1, w_k2, b_k), and (1, 0, 1), (0, 1, 1) span a plane with normal n = (1, 1, -1).
    # The components t_k = r_k.n never reach the data term and L2 is rotation invariant, so
    # every rotation of (t_1, ..., t_m) preserves L: A = Omega (x) n n^T / 3 with Omega in so(m).
    # Dimension >= m (m - 1) / 2 for any activation; the independent numerical computation
    # gives exactly that (1 for m = 2, 3 for m = 3), so two data points do not rule out a
    # rotation when the data are degenerate.
    problem = _network((2, width, 1), PLANE_2, L2, ACTIVATIONS[activation], bias=True)
    algebra = rotation_algebra(problem)
    assert algebra.dimension == width * (width - 1) // 2 == _numeric_dimension(problem)
    n = len(problem.variables)
    normal = (1, 1, -1)
    invisible = [[Fraction(0)] * n for _ in range(n)]  # units k, l: rows 3k..3k+2 of W1 and b1
    for k, l, sign in ((0, 1, 1), (1, 0, -1)):
        for p in range(3):
            for q in range(3):
                # parameters of unit k: w1_k_1, w1_k_2 (row-major W1 first), then b1_k
                row = (2 * k + p) if p < 2 else 2 * width + k
                col = (2 * l + q) if q < 2 else 2 * width + l
                invisible[row][col] = Fraction(sign * normal[p] * normal[q], 3)
    matrix = tuple(tuple(r) for r in invisible)
    assert is_infinitesimal_symmetry(build_system(problem), matrix)
    assert _rank(list(algebra.basis) + [matrix]) == algebra.dimension


# --- bare functions --------------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "variables", "dimension"), [
    ("x^2 + y^2 + z^2", ("x", "y", "z"), 3),       # invariant under all of so(3)
    ("(x^2 + y^2)^2 + z^2", ("x", "y", "z"), 1),   # quartic part -> X (x^2+y^2) = 0 -> commutes with diag(1,1,0)
    ("x*y", ("x", "y"), 0),                        # A = w J: X (xy) = w (y^2 - x^2) != 0
    ("x^2", ("x", "y", "z"), 1),                   # commutes with diag(1, 0, 0): so(2) on (y, z)
    ("x^4 - x^2", ("x",), 0),                      # so(1) = 0
])
def test_function_problems(expression, variables, dimension):
    assert rotation_algebra(FunctionProblem(variables, expression)).dimension == dimension


def test_conditions_missed_by_sampling_are_caught_by_the_exact_check():
    # The rotation-invariant part (|a|^2)^4 has 35 terms and gives only zero conditions, so the
    # sampled rows see little of x^3 y; the candidates (all of so(4) at first) are then checked
    # exactly, and each failure adds the conditions it violates. The answer: A must preserve
    # |a|^2 (automatic) and x^3 y; X (x^3 y) = 3 x^2 y (A a)_x + x^3 (A a)_y, and any A_xz, A_xw,
    # A_yz, A_yw or A_xy leaves a monomial (3 x^2 y z, 3 x^2 y w, x^3 z, x^3 w; A_xy gives 3 x^2 y^2 - x^4)
    # that nothing cancels: only the rotation of (z, w) remains. Dimension 1.
    algebra = rotation_algebra(FunctionProblem(("x", "y", "z", "w"), "(x^2 + y^2 + z^2 + w^2)^4 + x^3*y"))
    assert algebra.basis == (_skew(4, {(2, 3): 1}),)


def test_matrix_of_the_wrong_shape_is_a_clear_error():
    system = build_system(FunctionProblem(("x", "y"), "x^2 + y^2"))
    with pytest.raises(SpecError, match="matrix"):
        is_infinitesimal_symmetry(system, ((0, 1, 0), (-1, 0, 0)))


# --- command line ----------------------------------------------------------------------------------

def test_cli_json(capsys):
    path = str(resources.files("algmorse.polynomials") / "net121_lin_l2_circle.toml")
    assert main(["symmetries", path, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dimension"] == 2 and data["seed"] is None
    assert data["basis"][0] == [["0", "1", "0", "0"], ["-1", "0", "0", "0"], ["0", "0", "0", "1"], ["0", "0", "-1", "0"]]
    assert data["variables"] == ["w1_1_1", "w1_2_1", "w2_1_1", "w2_1_2"] and len(data["generators"]) == 2


def test_cli_text_and_drawn_strengths(tmp_path, capsys):
    spec = tmp_path / "g.toml"
    spec.write_text('[network]\nwidths = [1, 2, 1]\nactivation = "t"\n[data]\nx = [[1]]\ny = [[2]]\n'
                    '[regularizer]\nkind = "generalized-l2"\n[solve]\nseed = 3\n')
    assert main(["symmetries", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "dimension 0" in out and "seed 3" in out
    assert main(["symmetries", str(spec), "--json", "--seed", "11"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dimension"] == 0 and data["seed"] == 11


def test_cli_bad_spec_exits_2_with_one_line(tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text('[network]\nwidths = [1, 2, 1]\nactivation = "tanh(t)"\n[data]\nx = [[1]]\ny = [[2]]\n')
    assert main(["symmetries", str(spec), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("algmorse: error:") and "network.activation" in captured.err


