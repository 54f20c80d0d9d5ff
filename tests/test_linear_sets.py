"""Affine-linear sets solved by exact linear algebra, against hand derivations and against msolve."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algmorse.engine import exact
from algmorse.engine.linear_sets import affine_solution, is_affine, nearest_affine_point


def _affine(coefficients, constant):
    """``sum c_i x_i + constant`` as a sparse polynomial."""
    n = len(coefficients)
    polynomial = {tuple(int(k == i) for k in range(n)): F(c) for i, c in enumerate(coefficients) if c}
    if constant:
        polynomial[(0,) * n] = F(constant)
    return polynomial


def test_affine_means_total_degree_at_most_one():
    assert is_affine([_affine([1, 2], -3), {(0, 0): F(5)}])
    assert not is_affine([{(1, 1): F(1)}])  # xy
    assert is_affine([{(1, 1): F(0), (1, 0): F(1)}])  # a zero coefficient does not count


def test_a_unique_solution_an_empty_set_and_a_line():
    assert affine_solution([_affine([1, 1], -3), _affine([1, -1], -1)], 2) == [F(2), F(1)]
    assert affine_solution([_affine([1, 1], -3), _affine([2, 2], -5)], 2) is None  # parallel lines
    assert affine_solution([_affine([1, 1], -3)], 2) is None  # a line
    assert affine_solution([_affine([1, 1], -3), _affine([2, 2], -6), _affine([1, 0], 0)], 2) == [F(0), F(3)]
    assert affine_solution([], 0) == [] and affine_solution([], 1) is None  # no unknown: one (empty) solution


def test_the_nearest_point_of_a_plane_and_of_the_empty_set():
    # the plane x + y + z = 1 and the point (1, 1, 1): the foot of the normal, (1, 1, 1) - (2/3)(1, 1, 1)
    assert nearest_affine_point([_affine([1, 1, 1], -1)], 3, [F(1)] * 3) == [F(1, 3)] * 3
    # the line x = 1, y = 2 in space (a redundant third equation) and the origin
    assert nearest_affine_point([_affine([1, 0, 0], -1), _affine([0, 1, 0], -2), _affine([1, 1, 0], -3)], 3,
                                [F(0)] * 3) == [F(1), F(2), F(0)]
    assert nearest_affine_point([_affine([1, 0], -1), _affine([1, 0], -2)], 2, [F(0)] * 2) is None
    assert nearest_affine_point([], 2, [F(3), F(4)]) == [F(3), F(4)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(-5, 5), min_size=4, max_size=4), min_size=1, max_size=3),
       st.lists(st.integers(-9, 9), min_size=3, max_size=3))
def test_the_nearest_point_is_on_the_set_and_the_offset_is_normal_to_it(rows, point):
    equations = [_affine(row[:3], row[3]) for row in rows]
    nearest = nearest_affine_point(equations, 3, [F(v) for v in point])
    matrix = np.array([row[:3] for row in rows], dtype=float)
    consistent = np.linalg.matrix_rank(matrix) == np.linalg.matrix_rank(np.array(rows, dtype=float))
    assert (nearest is not None) == consistent
    if nearest is None:
        return
    for row in rows:  # on the set, exactly
        assert sum(F(c) * x for c, x in zip(row[:3], nearest)) + row[3] == 0
    offset = [F(a) - x for a, x in zip(point, nearest)]
    # a - x lies in the row space: orthogonal to every direction of the set (the null space)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int(np.sum(singular > 1e-9))
    for direction in vt[rank:]:
        assert abs(float(np.dot(direction, [float(v) for v in offset]))) < 1e-9


@pytest.mark.exact
def test_exact_points_of_affine_equations_agree_with_msolve(monkeypatch):
    equations = [_affine([2, 1, 0], -1), _affine([0, 3, -1], 4), _affine([1, 1, 1], -7)]
    (ours,) = exact.exact_points(equations, 3)
    monkeypatch.setattr(exact, "is_affine", lambda polynomials: False)  # the msolve path
    (theirs,) = exact.exact_points(equations, 3)
    assert exact.is_proven_real(ours) and exact.is_proven_real(theirs)
    for a, b in zip(ours, theirs):
        assert a.overlaps(b)
    assert exact.exact_points([_affine([1, 1], -1), _affine([1, 1], -2)], 2) == []


def test_exact_points_of_affine_equations_never_pass_a_line_off_as_empty():
    from algmorse.errors import BackendCrashed

    assert exact.exact_points([_affine([1, 1], -1), _affine([1, 1], -2)], 2) == []  # parallel lines: no point
    with pytest.raises(BackendCrashed, match="not zero-dimensional"):
        exact.exact_points([_affine([1, 1], -1)], 2)  # a line: not a finite set, never "no point"
    (point,) = exact.exact_points([_affine([1, 0], -1), _affine([0, 3], -1)], 2)
    assert exact.is_proven_real(point) and point[0].real.contains(1)
    assert abs(float(point[1].real.mid()) - 1 / 3) < 1e-15 and float(point[1].real.rad()) < 1e-15


def test_only_an_exactly_zero_imaginary_part_is_real():
    from flint import acb, arb

    assert exact.is_proven_real([acb(1), acb(arb(1, 1e-10))])
    assert not exact.is_proven_real([acb(1, 2)])  # exact, but not zero
    assert not exact.is_proven_real([acb(1, arb(0, 1e-30))])  # holds 0, not exactly 0
