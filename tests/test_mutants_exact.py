"""Exact counts and msolve's answers, checked against facts derived by hand (issue 16, item 6).

Each test pins down a piece of the count and comparison logic of :mod:`algmorse.engine.exact`
that the broader tests leave loose: the agreement of the primes, the distinct count's linear
form, msolve's header and variable order, the parametrization's last coordinate, and the
fallback real count by elimination. Every expected value is derived in the comment next to it.
"""

from __future__ import annotations

import re
import time
from fractions import Fraction

import pytest

from algmorse.engine import exact
from algmorse.engine.exact import (
    INSTALL_HINT,
    MODULAR_PRIMES,
    available_exact_tools,
    exact_points,
    local_structure_at,
    modular_count,
    rational_count,
)
from algmorse.errors import BackendCrashed, BackendTimeout, BackendUnavailable

F = Fraction
TOOLS = available_exact_tools()
needs_singular = pytest.mark.skipif("singular" not in TOOLS, reason="Singular not installed")
needs_msolve = pytest.mark.skipif("msolve" not in TOOLS, reason="msolve not installed")
P1, P2 = MODULAR_PRIMES

# grad of x^3 + y^2 = (3x^2, 2y): the origin only, local ring <x^2, y>: dimension 0, 2 with
# multiplicity, 1 distinct
CUSP = [{(2, 0): F(3)}, {(0, 1): F(2)}]
# grad of (x^2 - 1)^2 + (y^2 - 1)^2 + z^2 = (4x(x^2 - 1), 4y(y^2 - 1), 2z): x, y in {0, +-1},
# z = 0: 9 simple points, all with the same last coordinate
NINE_3D = [{(3, 0, 0): F(4), (1, 0, 0): F(-4)}, {(0, 3, 0): F(4), (0, 1, 0): F(-4)}, {(0, 0, 1): F(2)}]
# grad of x^4 + (y^2 - 1)^2 + z^2 = (4x^3, 4y(y^2 - 1), 2z): x = 0 (local ring <x^3>), y in
# {0, +-1}, z = 0: 3 distinct points, each of multiplicity 3, 9 in all
TRIPLES_3D = [{(3, 0, 0): F(4)}, {(0, 3, 0): F(4), (0, 1, 0): F(-4)}, {(0, 0, 1): F(2)}]
# (xy - 1) y, (xy - 1) x: the hyperbola xy = 1 and the origin: dimension 1
HYPERBOLA = [{(1, 2): F(2), (0, 1): F(-2)}, {(2, 1): F(2), (1, 0): F(-2)}]
# 1 = 0: no solution
EMPTY = [{(0, 0): F(1)}, {(0, 1): F(1)}]


def _mid(ball) -> complex:
    return complex(float(ball.real.mid()), float(ball.imag.mid()))


# --------------------------------------------------------------------------------------------
# Reading values


def test_int_value_reads_the_first_value_and_refuses_a_missing_or_bad_one():
    assert exact._int_value({"DIM": ["3", "7"]}, "DIM", "stage") == 3
    with pytest.raises(BackendCrashed, match="cannot read VDIM"):
        exact._int_value({"DIM": ["3"]}, "VDIM", "stage")
    with pytest.raises(BackendCrashed, match="cannot read DIM"):
        exact._int_value({"DIM": ["three"]}, "DIM", "stage")


def test_squarefree_degree_counts_distinct_roots():
    # low to high: 1 - 2t + t^2 = (t - 1)^2: one root; t^2 (t + 1): two; (t-1)(t-2)(t-3): three
    assert exact._squarefree_degree([1, -2, 1]) == 1
    assert exact._squarefree_degree([0, 0, 1, 1]) == 2
    assert exact._squarefree_degree([-6, 11, -6, 1]) == 3


def test_components_are_sorted_by_decreasing_dimension_then_degree():
    assert exact._components(["1 2", "0 1", "1 3", "2 1"]) == ((2, 1), (1, 3), (1, 2), (0, 1))
    with pytest.raises(BackendCrashed, match="no prime"):
        exact._components([])
    bad = [f"bad{k}" for k in range(25)]
    with pytest.raises(BackendCrashed, match="cannot read minAssGTZ") as error:
        exact._components(bad)
    # the log carries the last 20 lines: bad5 .. bad24
    assert error.value.log_tail.splitlines() == bad[5:]


# --------------------------------------------------------------------------------------------
# msolve's answer


def _zero_dimensional(characteristic=0, one=1, elimination=(2, [-2, 0, 1]), marker=1, points=2):
    # x^2 - 2, y: eliminating polynomial t^2 - 2 (two simple roots), two real points
    header = [characteristic, 2, 2, ["x1", "x2"], [1, 0],
              [one, [list(elimination), [1, [0, 2]], [[[0, [0]], 1]]]]]
    return [0, header, [marker, [[[1, 2], [0, 0]]] * points]]


def test_interpret_msolve_reads_the_three_kinds_of_answer():
    assert exact._interpret_msolve([-1]) == exact._MsolveAnswer(-1, 0, 0, 0)
    assert exact._interpret_msolve([1, 2, -1, []]) == exact._MsolveAnswer(1, None, None, None)
    assert exact._interpret_msolve(_zero_dimensional()) == exact._MsolveAnswer(0, 2, 2, 2)
    # eliminating polynomial (t - 1)^2 t = t^3 - 2t^2 + t: 2 distinct of 3; no real point listed
    answer = exact._interpret_msolve(_zero_dimensional(elimination=(3, [0, 1, -2, 1]), points=0))
    assert answer == exact._MsolveAnswer(0, 2, 2, 0)


@pytest.mark.parametrize("data", [
    [1, 2, -1],                                            # positive-dimensional needs 4 entries
    [2, 2, -1, []],                                        # unknown class
    [0, 1],                                                # no real solutions entry
    _zero_dimensional(characteristic=7),                   # over a prime field
    _zero_dimensional(one=0),
    _zero_dimensional(elimination=(3, [-2, 0, 1])),        # degree 3 with 3 coefficients
    _zero_dimensional(elimination=(1, [-2, 0, 1])),
    _zero_dimensional(marker=0),
])
def test_interpret_msolve_refuses_unexpected_shapes(data):
    with pytest.raises(ValueError):
        exact._interpret_msolve(data)


def test_compare_accepts_agreement_and_raises_on_every_disagreement():
    agree = exact._MsolveAnswer(0, 5, 4, 3)
    exact._compare(agree, 5, 4)
    exact._compare(agree, 5, None)  # no distinct count from Singular: nothing to compare
    with pytest.raises(BackendCrashed, match="distinct solutions"):
        exact._compare(agree, 5, 5)
    with pytest.raises(BackendCrashed, match="with multiplicity: Singular vdim = 6, msolve = 5"):
        exact._compare(agree, 6, 4)
    with pytest.raises(BackendCrashed, match="msolve finds no solution"):
        exact._compare(exact._MsolveAnswer(-1, 0, 0, 0), 0, 0)
    with pytest.raises(BackendCrashed, match="msolve finds infinitely many solutions"):
        exact._compare(exact._MsolveAnswer(1), 5, None)


# --------------------------------------------------------------------------------------------
# msolve's variable order and parametrization


def test_msolve_order_maps_msolve_names_back_to_ours():
    # all variables parametrized, msolve's order reversed: x1 is msolve's third
    assert exact._msolve_order(["x3", "x2", "x1"], 3, 3, [0, 0, 1]) == [2, 1, 0]
    # an added variable A for the linear form, after ours
    assert exact._msolve_order(["x2", "x1", "A"], 2, 2, [1, 1, 1]) == [1, 0]
    # n - 1 parametrized: the last coordinate follows from the form, whose last entry is nonzero
    assert exact._msolve_order(["x1", "x2", "x3"], 3, 2, [5, 5, 1]) == [0, 1, 2]
    assert exact._msolve_order(["x1", "x2", "x3"], 3, 2, [5, 5, 0]) is None
    assert exact._msolve_order(["x1", "x2", "x3"], 3, 2, [5, 5]) is None
    assert exact._msolve_order(["x1", "x2", "x3"], 3, 1, [5, 5, 1]) is None
    assert exact._msolve_order(["x1", "x2", "x3"], 3, 4, [5, 5, 1]) is None
    assert exact._msolve_order(["x1", "y", "x3"], 3, 3, [0, 0, 1]) is None


def _fake_msolve(monkeypatch, text, stderr=""):
    def call(path, flags, polynomials, nvars, cwd, timeout):
        return exact._Output(0, "", stderr), text

    monkeypatch.setattr(exact, "_call_msolve", call)


# t = 2 x1 + x2 + 3 x3, w(t) = (t - 3)(t - 7) = 21 - 10t + t^2, d = w' = -10 + 2t.
# x1 = (t - 1)/2 (1 at t = 3, 3 at t = 7) = -v1/(2 d) with v1 = 2 (t - 5)(t - 1) mod w... written
#   as v1 = 2 (16 - 4t) [(t-5)(t-1) = t^2 - 6t + 5 = w + 4t - 16]: at t = 3, v1 = 8, d = -4: x1 = 1.
# x2 = 5 = -v2/(1 d) with v2 = -5 d = 50 - 10t.
# x3 = (t - 2 x1 - x2)/3 = (3 - 2 - 5)/3 = -4/3 at t = 3, (7 - 6 - 5)/3 = -4/3 at t = 7.
_TWO_PARAMETRIZED = """[0, [0,
3,
2,
['x1', 'x2', 'x3'],
[2, 1, 3],
[1,
[[2, [21, -10, 1]],
[1, [-10, 2]],
[
[[1, [32, -8]],
2],
[[1, [50, -10]],
1]
]]]],[1,
[]
]]:
"""


@needs_msolve
def test_the_last_coordinate_follows_from_the_linear_form(monkeypatch):
    _fake_msolve(monkeypatch, _TWO_PARAMETRIZED)
    points = exact_points([{(2, 0, 0): F(1)}], 3)  # the system is not read: the output is scripted
    got = sorted((tuple(_mid(c) for c in p) for p in points), key=lambda q: q[0].real)
    assert len(got) == 2
    for point, expected in zip(got, [(1, 5, -4 / 3), (3, 5, -4 / 3)]):
        assert point == pytest.approx(expected, abs=1e-12)


@needs_msolve
def test_an_empty_answer_has_no_point_and_a_bad_shape_is_a_crash(monkeypatch):
    _fake_msolve(monkeypatch, "[-1]:\n")
    assert exact_points([{(2, 0): F(1)}], 2) == []
    _fake_msolve(monkeypatch, _TWO_PARAMETRIZED.replace("'x1', 'x2', 'x3'", "'y1', 'y2', 'y3'"))
    with pytest.raises(BackendCrashed, match="unexpected shape"):
        exact_points([{(2, 0, 0): F(1)}], 3)
    lines = [f"line{k}" for k in range(30)]
    _fake_msolve(monkeypatch, "\n".join(lines), stderr="ERR")
    with pytest.raises(BackendCrashed, match="cannot read msolve's parametrization") as error:
        exact_points([{(2, 0, 0): F(1)}], 3)
    assert error.value.log_tail.splitlines() == lines[10:]  # the last 20 lines
    _fake_msolve(monkeypatch, "nonsense", stderr="ERR")
    with pytest.raises(BackendCrashed) as error:
        exact_points([{(2, 0, 0): F(1)}], 3)
    assert error.value.log_tail.splitlines() == ["ERR", "nonsense"]


@needs_msolve
def test_exact_points_through_an_added_variable_and_a_reversed_order():
    # x^2 - 2, y^2 - 3: (+-sqrt 2, +-sqrt 3); msolve adds a variable A = x + y
    points = exact_points([{(2, 0): F(1), (0, 0): F(-2)}, {(0, 2): F(1), (0, 0): F(-3)}], 2)
    got = sorted((round(_mid(x).real, 12), round(_mid(y).real, 12)) for x, y in points)
    r2, r3 = round(2 ** 0.5, 12), round(3 ** 0.5, 12)
    assert got == [(-r2, -r3), (-r2, r3), (r2, -r3), (r2, r3)]
    # the default 256 bits: balls far tighter than double precision
    assert all(float(c.rad()) < 1e-60 for p in points for c in p)
    # x^2 - 9, y - 2, z - 5: msolve's order is [x3, x2, x1]; ours comes back
    points = exact_points([{(2, 0, 0): F(1), (0, 0, 0): F(-9)}, {(0, 1, 0): F(1), (0, 0, 0): F(-2)},
                           {(0, 0, 1): F(1), (0, 0, 0): F(-5)}], 3)
    assert sorted(tuple(round(_mid(c).real, 9) for c in p) for p in points) == [(-3, 2, 5), (3, 2, 5)]
    # x^2 + y^2 - 5, xy - 2: msolve parametrizes x by t = y: (1, 2), (2, 1), (-1, -2), (-2, -1)
    points = exact_points([{(2, 0): F(1), (0, 2): F(1), (0, 0): F(-5)}, {(1, 1): F(1), (0, 0): F(-2)}], 2)
    got = sorted((round(_mid(x).real, 9), round(_mid(y).real, 9)) for x, y in points)
    assert got == [(-2, -1), (-1, -2), (1, 2), (2, 1)]


def test_exact_points_without_msolve_is_unavailable(monkeypatch):
    monkeypatch.setattr(exact, "_msolve_path", lambda: None)
    with pytest.raises(BackendUnavailable) as error:
        exact_points(CUSP, 2)
    assert str(error.value) == "exact points: msolve is not installed. " + INSTALL_HINT


# --------------------------------------------------------------------------------------------
# Counts over the primes and over QQ


@needs_singular
def test_modular_count_on_hand_counted_systems():
    before = time.monotonic()
    cusp = modular_count(CUSP, 2)
    assert (cusp.dimension, cusp.count_with_multiplicity, cusp.count_distinct) == (0, 2, None)
    assert cusp.primes == MODULAR_PRIMES and 0 <= cusp.seconds <= time.monotonic() - before
    cusp = modular_count(CUSP, 2, distinct=True, timeout=0.9)
    assert (cusp.dimension, cusp.count_with_multiplicity, cusp.count_distinct) == (0, 2, 1)
    # one prime is enough to run (the answers then agree trivially)
    single = modular_count(NINE_3D, 3, primes=(P1,), distinct=True)
    assert (single.primes, single.dimension, single.count_with_multiplicity, single.count_distinct) == \
        ((P1,), 0, 9, 9)
    # the linear form must mix every variable: the nine points share z = 0, and x or y alone
    # takes only three values
    triples = modular_count(TRIPLES_3D, 3, distinct=True)
    assert (triples.dimension, triples.count_with_multiplicity, triples.count_distinct) == (0, 9, 3)
    curve = modular_count(HYPERBOLA, 2, distinct=True)
    assert (curve.dimension, curve.count_with_multiplicity, curve.count_distinct) == (1, None, None)
    empty = modular_count(EMPTY, 2, distinct=True)
    assert (empty.dimension, empty.count_with_multiplicity, empty.count_distinct) == (-1, 0, 0)


def _scripted_count(monkeypatch, answers):
    def count(singular, polynomials, nvars, characteristic, directory, timeout, what, distinct=False):
        return answers[characteristic]

    monkeypatch.setattr(exact, "_count", count)


def test_two_primes_that_disagree_raise_and_conclude_nothing(monkeypatch):
    _scripted_count(monkeypatch, {P1: (0, 2, None), P2: (0, 3, None)})
    with pytest.raises(BackendCrashed) as error:
        modular_count(CUSP, 2)
    assert str(error.value) == (f"modular count: the primes {P1}, {P2} disagree (dimension, count) "
                                "[(0, 2), (0, 3)]: one of them is unlucky; nothing is concluded.")


def test_primes_that_agree_on_the_count_but_not_the_distinct_count_give_no_distinct_count(monkeypatch):
    _scripted_count(monkeypatch, {P1: (0, 4, 3), P2: (0, 4, 2)})
    count = modular_count(CUSP, 2, distinct=True)
    assert (count.dimension, count.count_with_multiplicity, count.count_distinct) == (0, 4, None)
    _scripted_count(monkeypatch, {P1: (0, 4, 3), P2: (0, 4, 3)})
    assert modular_count(CUSP, 2, distinct=True).count_distinct == 3


@needs_singular
def test_modular_count_time_limit():
    with pytest.raises(ValueError, match="timeout must be positive"):
        modular_count(CUSP, 2, timeout=0)
    with pytest.raises(BackendTimeout, match=f"modular count: Singular's std over F_{P1} did not finish"):
        modular_count(CUSP, 2, timeout=1e-4)


def test_counts_without_singular_are_unavailable(monkeypatch):
    monkeypatch.setattr(exact, "_singular_path", lambda: None)
    for call, name in [(lambda: modular_count(CUSP, 2), "modular count"),
                       (lambda: rational_count(CUSP, 2), "rational count"),
                       (lambda: local_structure_at(CUSP, 2, [0, 0]), "local structure")]:
        with pytest.raises(BackendUnavailable) as error:
            call()
        assert str(error.value) == f"{name}: Singular is not installed. " + INSTALL_HINT


@needs_singular
def test_rational_count_over_qq():
    before = time.monotonic()
    dimension, count, seconds = rational_count(CUSP, 2)
    assert (dimension, count) == (0, 2) and 0 <= seconds <= time.monotonic() - before
    assert rational_count(HYPERBOLA, 2)[:2] == (1, None)
    assert rational_count(EMPTY, 2)[:2] == (-1, 0)
    # 2x - 1, 3y - 2 over QQ: the single point (1/2, 2/3)
    assert rational_count([{(1, 0): F(2), (0, 0): F(-1)}, {(0, 1): F(3), (0, 0): F(-2)}], 2)[:2] == (0, 1)


@needs_singular
def test_count_computes_the_distinct_count_only_when_asked(tmp_path):
    singular = exact._singular_path()
    assert exact._count(singular, CUSP, 2, 0, str(tmp_path), 10.0, "test") == (0, 2, None)
    assert exact._count(singular, CUSP, 2, P1, str(tmp_path), 10.0, "test", distinct=True) == (0, 2, 1)
    assert exact._count(singular, HYPERBOLA, 2, P1, str(tmp_path), 10.0, "test", distinct=True) == (1, None, None)
    assert exact._count(singular, EMPTY, 2, P1, str(tmp_path), 10.0, "test", distinct=True) == (-1, 0, 0)


# --------------------------------------------------------------------------------------------
# Local structure


@needs_singular
def test_local_structure_is_local():
    # x^3/3 - x + y^2: grad (x^2 - 1, 2y): (1, 0) and (-1, 0), both simple; globally 2
    gradient = [{(2, 0): F(1), (0, 0): F(-1)}, {(0, 1): F(2)}]
    before = time.monotonic()
    at_one = local_structure_at(gradient, 2, [1, 0])
    assert (at_one.point, at_one.dimension, at_one.multiplicity) == ((F(1), F(0)), 0, 1)
    assert 0 <= at_one.seconds <= time.monotonic() - before
    # the cusp's origin: local ring <x^2, y>, multiplicity 2; the hyperbola through (1, 1): dim 1
    assert local_structure_at(CUSP, 2, [0, 0]).multiplicity == 2
    curve = local_structure_at(HYPERBOLA, 2, [1, 1])
    assert (curve.dimension, curve.multiplicity) == (1, None)
    with pytest.raises(ValueError, match="expected 2 coordinates, got 3"):
        local_structure_at(CUSP, 2, [0, 0, 0])


# --------------------------------------------------------------------------------------------
# The real count by elimination (Singular without msolve)

# Three points (0, 0), (6, -5), (9, 8): x (x - 6)(x - 9) = 0 and y = -77/18 x + 31/54 x^2.
# The form x + 2y separates them (0, -4, 25); the two random forms tried next, (25, 30) and
# (24, -27) (random.Random(2)), do not: (6, -5) is orthogonal to the first, (9, 8) to the second.
THREE_POINTS = [{(3, 0): F(1), (2, 0): F(-15), (1, 0): F(54)},
                {(0, 1): F(1), (1, 0): F(77, 18), (2, 0): F(-31, 54)}]
# Two points (2, 0) and (0, 1): x + 2y - 2 = 0, y^2 - y = 0. The form x + 2y takes 2 at both.
TWO_POINTS = [{(1, 0): F(1), (0, 1): F(2), (0, 0): F(-2)}, {(0, 2): F(1), (0, 1): F(-1)}]


@needs_singular
def test_real_count_by_elimination_tries_the_fixed_form_first_then_random_ones():
    notes: list[str] = []
    assert exact._real_count_by_elimination(THREE_POINTS, 2, 3, lambda: 30.0, notes) == 3
    assert notes == ["real count from Singular's eliminant of the separating form [1, 2] and exact real "
                     "root isolation (sympy)"]
    notes = []
    assert exact._real_count_by_elimination(TWO_POINTS, 2, 2, lambda: 30.0, notes) == 2
    assert "[1, 2]" not in notes[0] and notes[0].startswith("real count from")
    # a wrong distinct count is never matched: no real count
    notes = []
    assert exact._real_count_by_elimination(TWO_POINTS, 2, 3, lambda: 30.0, notes) is None
    assert notes == ["no real count: no separating linear form found in 3 tries"]
    notes = []
    assert exact._real_count_by_elimination(TWO_POINTS, 2, None, lambda: 30.0, notes) is None
    assert notes == ["no real count: it needs the number of distinct solutions"]
    notes = []
    assert exact._real_count_by_elimination(TWO_POINTS, 2, 2, lambda: 0.0, notes) is None
    assert len(notes) == 1 and re.fullmatch(r"elimination for the real count timed out after 0\.\d s", notes[0])
