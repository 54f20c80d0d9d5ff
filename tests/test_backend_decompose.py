"""Numerical irreducible decomposition and membership tests through the PHCpack backend.

Expected components are derived by hand for each system (see the test docstrings). Tests
marked ``phcpack`` run PHCpack in a worker process (0.1-0.9 s each); the others exercise
the worker's pure parsing functions or misbehaving test doubles and need no PHCpack.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import pytest

from algmorse.engine.backends import _phcpack_worker as worker
from algmorse.engine.backends.base import Decomposition, SparsePolynomial, WitnessSet
from algmorse.engine.backends.phcpack import PhcpackBackend
from algmorse.errors import BackendCrashed, BackendError, BackendTimeout

DOUBLE = Path(__file__).parent / "doubles" / "worker_double.py"
TOLERANCE = 1e-8

# Gradient of (x y - 1)^2: [2 (x y - 1) y, 2 (x y - 1) x]. Critical set: the hyperbola x y = 1
# (degree 2) and the origin, where the Hessian [[0, -2], [-2, 0]] is regular: isolated.
HYPERBOLA = [
    {(1, 2): Fraction(2), (0, 1): Fraction(-2)},
    {(2, 1): Fraction(2), (1, 0): Fraction(-2)},
]

# [1,2,1] linear network, no bias, data x=1, y=2, scale 1/2, L2 with eps 1/3, variables
# (u1, u2, v1, v2): L = 1/2 r^2 + 1/3 (|u|^2 + |v|^2) with r = u1 v1 + u2 v2 - 2, so
# dL/du_k = r v_k + 2/3 u_k and dL/dv_k = r u_k + 2/3 v_k.
LINEAR_121 = [
    {(1, 0, 2, 0): Fraction(1), (0, 1, 1, 1): Fraction(1), (0, 0, 1, 0): Fraction(-2),
     (1, 0, 0, 0): Fraction(2, 3)},
    {(1, 0, 1, 1): Fraction(1), (0, 1, 0, 2): Fraction(1), (0, 0, 0, 1): Fraction(-2),
     (0, 1, 0, 0): Fraction(2, 3)},
    {(2, 0, 1, 0): Fraction(1), (1, 1, 0, 1): Fraction(1), (1, 0, 0, 0): Fraction(-2),
     (0, 0, 1, 0): Fraction(2, 3)},
    {(1, 1, 1, 0): Fraction(1), (0, 2, 0, 1): Fraction(1), (0, 1, 0, 0): Fraction(-2),
     (0, 0, 0, 1): Fraction(2, 3)},
]

# 1-1-1 network with activation t^3, no regularizer, X = [1, 2, 3], Y = [2, 1, 3]:
# L = sum (w2 w1^3 x^3 - y)^2 = 794 a^2 - 182 a + 14 with a = w2 w1^3, so the gradient is
# (1588 a - 182) (3 w1^2 w2, w1^3): the line w1 = 0 and the quartic curve w2 w1^3 = 91/794.
CUBIC_111 = [
    {(5, 2): Fraction(4764), (2, 1): Fraction(-546)},
    {(6, 1): Fraction(1588), (3, 0): Fraction(-182)},
]

# Gradient of 1/2 (w1 w2 w3 - 2)^2: dL/dw_i = (w1 w2 w3 - 2) prod_{j != i} w_j.
CHAIN3 = [
    {tuple(1 if j == i else 2 for j in range(3)): Fraction(1),
     tuple(0 if j == i else 1 for j in range(3)): Fraction(-2)}
    for i in range(3)
]




def assert_clean(capfd, scratch: Path) -> None:
    """Nothing reached the caller's fds 1/2 and no temporary file is left."""
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""
    assert list(scratch.iterdir()) == []


def evaluate(polynomial: SparsePolynomial, point: Sequence[complex]) -> complex:
    """Value of a sparse polynomial at a point."""
    total = 0j
    for exponents, coefficient in polynomial.items():
        term = complex(coefficient)
        for value, power in zip(point, exponents):
            term *= value**power
        total += term
    return total


def assert_valid_witness_sets(decomposition: Decomposition, system, nvars: int) -> None:
    """Every witness point solves `system` and lies on every slice of its component."""
    for component in decomposition.components:
        assert len(component.slices) == component.dimension
        assert len(component.embedded_system) == nvars + component.dimension
        assert component.trace_error is not None
        assert component.trace_error <= worker.TRACE_TOLERANCE
        for point in component.points:
            assert len(point) == nvars
            assert max(abs(evaluate(p, point)) for p in system) < TOLERANCE
            for constant, *coefficients in component.slices:
                value = constant + sum(c * x for c, x in zip(coefficients, point))
                assert abs(value) < TOLERANCE


def has_point(points, target, tolerance: float = 1e-6) -> bool:
    """Whether some point of `points` is within `tolerance` of `target`."""
    return any(max(abs(a - b) for a, b in zip(point, target)) < tolerance for point in points)


def double(mode: str, *extra: str) -> PhcpackBackend:
    """A backend whose worker is the test double in `mode`."""
    return PhcpackBackend(worker_command=[sys.executable, str(DOUBLE), mode, *extra])


def _refuse_to_start(*args, **kwargs):
    raise AssertionError(f"a process was started: {args}")


# A witness set of the right shape for 2 variables (the doubles never read it).
FAKE_WITNESS = WitnessSet(
    dimension=1,
    points=((1 + 0j, 1 + 0j),),
    slices=((0j, 1 + 0j, -1 + 0j),),
    embedded_system=("x1*x2 - 1 + zz1;", "x1 - x2 + zz1;", "x1 - x2 + zz1;"),
    trace_error=None,
)


# --- real decompositions ---------------------------------------------------------------------


@pytest.mark.phcpack
@pytest.mark.parametrize("seed", [1, 2])
def test_hyperbola_is_one_conic_and_the_origin_is_a_candidate(capfd, scratch, seed):
    decomposition = PhcpackBackend().decompose(HYPERBOLA, 2, seed=seed, timeout=60)
    [hyperbola] = decomposition.components
    assert (hyperbola.dimension, hyperbola.degree) == (1, 2)
    assert all(abs(x * y - 1) < TOLERANCE for x, y in hyperbola.points)
    assert_valid_witness_sets(decomposition, HYPERBOLA, 2)
    assert has_point(decomposition.isolated_candidates, (0, 0))
    assert decomposition.seed == seed
    assert 0 < decomposition.seconds < 30
    assert_clean(capfd, scratch)


@pytest.mark.phcpack
def test_same_seed_same_decomposition():
    first, second = (PhcpackBackend().decompose(HYPERBOLA, 2, seed=7, timeout=60)
                     for _ in range(2))
    assert first.components == second.components
    assert first.isolated_candidates == second.isolated_candidates


@pytest.mark.phcpack
@pytest.mark.parametrize("seed", [3, 28])  # with seed 28 monodromy splits a conic in two
def test_linear_121_network_has_two_conics(seed):
    """u = v with |u|^2 = 4/3, and u = -v with |u|^2 = -8/3 (|u|^2 = u1^2 + u2^2).

    On u = v the gradient is (|u|^2 - 2 + 2/3) u, on u = -v it is -(-|u|^2 - 2) u + 2/3 u:
    each vanishes on a conic in a plane, degree 2.
    """
    decomposition = PhcpackBackend().decompose(LINEAR_121, 4, seed=seed, timeout=60)
    assert sorted((c.dimension, c.degree) for c in decomposition.components) == [(1, 2), (1, 2)]
    assert_valid_witness_sets(decomposition, LINEAR_121, 4)
    norms = {1: 4 / 3, -1: -8 / 3}  # u = sign * v  =>  u1^2 + u2^2 = norms[sign]
    signs = set()
    for component in decomposition.components:
        u1, _, v1, _ = component.points[0]
        sign = 1 if abs(u1 - v1) < TOLERANCE else -1
        signs.add(sign)
        for u1, u2, v1, v2 in component.points:
            assert abs(u1 - sign * v1) < TOLERANCE and abs(u2 - sign * v2) < TOLERANCE
            assert abs(u1**2 + u2**2 - norms[sign]) < TOLERANCE
    assert signs == {1, -1}
    assert has_point(decomposition.isolated_candidates, (0, 0, 0, 0))


@pytest.mark.phcpack
def test_chain3_without_regularizer_is_a_cubic_surface_and_three_lines():
    """w1 w2 w3 = 2 (dimension 2, degree 3) and the lines where two of the w's vanish.

    Every gradient entry has two factors w_j, so it vanishes when two coordinates are zero;
    the lines are not inside the surface (there w1 w2 w3 = 0).
    """
    decomposition = PhcpackBackend().decompose(CHAIN3, 3, seed=5, timeout=60)
    shape = [(c.dimension, c.degree) for c in decomposition.components]
    assert shape == [(2, 3), (1, 1), (1, 1), (1, 1)]
    assert_valid_witness_sets(decomposition, CHAIN3, 3)
    surface, *lines = decomposition.components
    assert all(abs(a * b * c - 2) < TOLERANCE for a, b, c in surface.points)
    free_coordinates = []
    for line in lines:
        [point] = line.points
        zero = [abs(value) < TOLERANCE for value in point]
        assert sum(zero) == 2
        free_coordinates.append(zero.index(False))
    assert sorted(free_coordinates) == [0, 1, 2]


@pytest.mark.phcpack
@pytest.mark.parametrize("seed", [1, 2])  # with seed 1 monodromy splits the quartic 3 + 1
def test_cubic_111_network_is_a_line_and_a_quartic(seed):
    decomposition = PhcpackBackend().decompose(CUBIC_111, 2, seed=seed, timeout=60)
    line, quartic = sorted(decomposition.components, key=lambda c: c.degree)
    assert (line.dimension, line.degree, quartic.dimension, quartic.degree) == (1, 1, 1, 4)
    assert_valid_witness_sets(decomposition, CUBIC_111, 2)
    assert abs(line.points[0][0]) < TOLERANCE
    assert all(abs(w2 * w1**3 - 91 / 794) < TOLERANCE for w1, w2 in quartic.points)


@pytest.mark.phcpack
def test_topdim_limits_the_dimensions_searched():
    decomposition = PhcpackBackend().decompose(CHAIN3, 3, seed=5, timeout=60, topdim=1)
    assert {c.dimension for c in decomposition.components} <= {1}


# --- membership --------------------------------------------------------------------------


@pytest.mark.phcpack
def test_membership_on_the_hyperbola(capfd, scratch):
    """(2, 1/2), (2i, -i/2) and (1, 1) satisfy x y = 1; (1, 2) is no critical point and the
    origin is a critical point off the hyperbola."""
    backend = PhcpackBackend()
    [hyperbola] = backend.decompose(HYPERBOLA, 2, seed=1, timeout=60).components
    points = [(2, 0.5), (2j, -0.5j), (1, 1), (1, 2), (0, 0)]
    assert backend.membership(hyperbola, points, seed=1, timeout=60) == (
        True, True, True, False, False
    )
    assert backend.membership(hyperbola, [], seed=1, timeout=60) == ()
    assert_clean(capfd, scratch)


@pytest.mark.phcpack
def test_membership_tells_the_two_conics_apart():
    backend = PhcpackBackend()
    decomposition = backend.decompose(LINEAR_121, 4, seed=3, timeout=60)
    plus, minus = sorted(
        decomposition.components,
        key=lambda c: abs(c.points[0][0] - c.points[0][2]),
    )
    on_plus = (1, 1 / math.sqrt(3), 1, 1 / math.sqrt(3))  # |u|^2 = 4/3
    on_minus = (1j * math.sqrt(8 / 3), 0, -1j * math.sqrt(8 / 3), 0)  # |u|^2 = -8/3
    points = [on_plus, on_minus, (0, 0, 0, 0)]
    assert backend.membership(plus, points, seed=2, timeout=60) == (True, False, False)
    assert backend.membership(minus, points, seed=2, timeout=60) == (False, True, False)


# --- isolation (test doubles, no PHCpack) ----------------------------------------------------


def test_crashing_decomposition_raises_backend_crashed(capfd, scratch):
    with pytest.raises(BackendCrashed) as info:
        double("segfault").decompose(HYPERBOLA, 2, seed=1, timeout=30)
    assert info.value.exitcode == -11
    assert "SIGSEGV" in str(info.value)
    assert_clean(capfd, scratch)


def test_crashing_membership_raises_backend_crashed(capfd, scratch):
    with pytest.raises(BackendCrashed) as info:
        double("exit139").membership(FAKE_WITNESS, [(1, 1)], seed=1, timeout=30)
    assert info.value.exitcode == 139
    assert "STORAGE_ERROR" in info.value.log_tail
    assert_clean(capfd, scratch)


def test_decomposition_timeout_raises_backend_timeout(capfd, scratch, tmp_path):
    with pytest.raises(BackendTimeout) as info:
        double("sleep", str(tmp_path / "pids")).decompose(HYPERBOLA, 2, seed=1, timeout=1)
    assert info.value.timeout == 1
    assert_clean(capfd, scratch)


def test_membership_timeout_raises_backend_timeout(capfd, scratch, tmp_path):
    with pytest.raises(BackendTimeout):
        double("sleep", str(tmp_path / "pids")).membership(
            FAKE_WITNESS, [(1, 1)], seed=1, timeout=1
        )
    assert_clean(capfd, scratch)


@pytest.mark.parametrize("mode", ["spam", "bad-shape"])
def test_answer_of_the_wrong_shape_is_a_crash(capfd, scratch, mode):
    """A solve-shaped answer does not pass for a decomposition or membership answer."""
    with pytest.raises(BackendCrashed, match="does not follow the protocol"):
        double(mode).decompose(HYPERBOLA, 2, seed=1, timeout=30)
    with pytest.raises(BackendCrashed, match="does not follow the protocol"):
        double(mode).membership(FAKE_WITNESS, [(1, 1)], seed=1, timeout=30)
    assert_clean(capfd, scratch)


@pytest.mark.parametrize("topdim", [-1, 2, 1.0])
def test_refuses_a_topdim_out_of_range_before_starting(monkeypatch, topdim):
    monkeypatch.setattr(subprocess, "Popen", _refuse_to_start)
    with pytest.raises(BackendError, match=r"topdim must be an integer in 0\.\.1"):
        double("spam").decompose(HYPERBOLA, 2, seed=1, timeout=30, topdim=topdim)


@pytest.mark.parametrize("point", [(1,), (1, 2, 3), (1, math.nan), (math.inf, 0)])
def test_refuses_malformed_test_points_before_starting(monkeypatch, point):
    monkeypatch.setattr(subprocess, "Popen", _refuse_to_start)
    with pytest.raises(BackendError, match="points must have 2 finite coordinates"):
        double("spam").membership(FAKE_WITNESS, [(1, 1), point], seed=1, timeout=30)


# --- the worker's parsing of embedded systems (no PHCpack) -----------------------------------


# Copied from a PHCpack 2.4.86 witness set of the hyperbola gradient (seed 42).
EMBEDDED = [
    "2*x1*x2^2 - 2*x2 + (-9.99997867206361E-01-2.06532872194645E-03*i)*zz1;",
    "2*x1^2*x2 - 2*x1 + (9.88090856550520E-01 + 1.53871567228193E-01*i)*zz1;",
    " + (8.35038287622256E-02-9.96507456360488E-01*i)*x1 + (7.12523778788470E-01"
    "-7.01647963483826E-01*i)*x2 + (-3.31125495469317E-01-9.43586724286750E-01*i)*zz1"
    "+(9.14586621785451E-02 + 9.95808873786788E-01*i);",
]


def test_slices_are_the_last_equations_without_slack_terms():
    [hyperplane] = worker.affine_slices(EMBEDDED, 1, ["x1", "x2"])
    assert hyperplane == [
        complex(9.14586621785451e-02, 9.95808873786788e-01),
        complex(8.35038287622256e-02, -9.96507456360488e-01),
        complex(7.12523778788470e-01, -7.01647963483826e-01),
    ]


def test_slices_accept_real_coefficients_signs_and_missing_variables():
    embedded = ["x1^2 + zz1;", "x2 - 1 + zz1;", "- x1 + 2.5E-01*x2 - zz1 - 1.5E+00;"]
    assert worker.affine_slices(embedded, 1, ["x1", "x2"]) == [[-1.5, -1, 0.25]]
    embedded = ["x1^2 + zz1;", "x2 - 1 + zz1;", "(2.0E+00-3.0E+00*i)*x2 + 4;"]
    assert worker.affine_slices(embedded, 1, ["x1", "x2"]) == [[4, 0, 2 - 3j]]


@pytest.mark.parametrize(
    ("embedded", "fragment"),
    [
        (["x1 + zz1;", "x1 + x2;"], "has 2 equations, expected 3"),
        (["x1 + zz1;", "x2 + zz1;", "x1^2 + zz1 + 1;"], "is not linear"),
        (["x1 + zz1;", "x2 + zz1;", "x1*x2 + 1;"], "unreadable coefficient"),
        (["x1 + zz1;", "x2 + zz1;", "x1 + y + 1;"], "unknown 'y'"),
    ],
)
def test_slices_refuse_unexpected_embeddings(embedded, fragment):
    with pytest.raises(worker.EmbeddingFormatError, match=fragment):
        worker.affine_slices(embedded, 1, ["x1", "x2"])


def test_slack_names_are_found_in_numerical_order():
    embedded = ["x1 + zz10 + zz2;", "x2 + zz1;"]
    assert worker.slack_names(embedded, 3) == ["zz1", "zz2", "zz10"]
    with pytest.raises(worker.EmbeddingFormatError, match="expected 2 slack variables"):
        worker.slack_names(embedded, 2)


def test_worker_refuses_an_unknown_task(tmp_path):
    request, answer = tmp_path / "request.json", tmp_path / "answer.json"
    request.write_text(json.dumps({"task": "bogus", "log": str(tmp_path / "log")}))
    completed = subprocess.run(
        [sys.executable, str(worker.__file__), str(request), str(answer)], check=False
    )
    assert completed.returncode == 1
    assert json.loads(answer.read_text()) == {
        "ok": False,
        "error": "ValueError: unknown task 'bogus'; expected one of "
                 "['decompose', 'membership', 'solve', 'track']",
    }


def trace_table(passing: list[list[int]]):
    """A trace test under which exactly the label sets in `passing` are complete."""
    return lambda labels: 1e-15 if labels in passing else 0.5


def test_merge_by_traces_joins_the_parts_of_a_split_component():
    factors = [([1, 4], 1e-15), ([2], 0.12), ([3], 0.12)]
    assert worker.merge_by_traces(factors, trace_table([[2, 3]])) == [
        ([1, 4], 1e-15), ([2, 3], 1e-15)
    ]


def test_merge_by_traces_prefers_minimal_unions_and_keeps_leftovers():
    factors = [([1], 0.3), ([2], 0.7), ([3], 0.3), ([4, 5], 0.2), ([6], 0.9)]
    merged = worker.merge_by_traces(factors, trace_table([[1, 3], [2, 4, 5], [1, 2, 3, 4, 5]]))
    assert merged == [([1, 3], 1e-15), ([2, 4, 5], 1e-15), ([6], 0.9)]


def test_merge_by_traces_gives_up_on_too_many_uncertified_factors():
    factors = [([label], 0.5) for label in range(1, worker.MAX_MERGE_CANDIDATES + 2)]
    assert worker.merge_by_traces(factors, trace_table([[1, 2]])) == factors


def test_solution_strings_round_trip_through_the_parser():
    coordinates = [[0.1, -2.5e-300], [-3.0, 1e20]]
    text = worker.solution_string(["x2", "x1"], coordinates)
    assert worker.parse_solution(text, ["x2", "x1"])["coordinates"] == coordinates
