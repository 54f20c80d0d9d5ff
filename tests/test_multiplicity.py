"""Multiplicity and local dimension from the local dual space, against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from algmorse.analysis.multiplicity import local_structure
from algmorse.engine.refine import refine_point
from algmorse.model.network import FunctionProblem
from algmorse.model.options import Tolerances
from algmorse.model.system import build_system


def _numeric(expression, variables):
    return build_system(FunctionProblem(tuple(variables), expression)).numeric


@pytest.mark.parametrize("expression,variables,multiplicity", [
    ("x^2 + y^2", "xy", 1),                 # regular
    ("x^3 + y^2", "xy", 2),                 # <x^2, y>: 1, x
    ("x^4 + y^2", "xy", 3),                 # <x^3, y>: 1, x, x^2
    ("x^3 + y^3", "xy", 4),                 # <x^2, y^2>: 1, x, y, xy
    ("x^3*y + x*y^3 + z^2", "xyz", 9),      # two cubics meeting transversally: 3 * 3
])
def test_isolated_multiplicity_at_origin(expression, variables, multiplicity):
    structure = local_structure(_numeric(expression, variables), np.zeros(len(variables)))
    assert structure.isolated is True and structure.multiplicity == multiplicity


def test_breadth_is_the_hessian_corank():
    # <x^2, y^2>: Hessian of x^3 + y^3 vanishes at 0, corank 2 -> dim D_1 = 3
    assert local_structure(_numeric("x^3 + y^3", "xy"), np.zeros(2)).dual_dimensions[:2] == (1, 3)


@pytest.mark.parametrize("expression,point", [
    ("(x*y - 1)^2", [2.0, 0.5]),   # on the hyperbola xy = 1
    ("x^2*y^2", [0.0, 0.0]),       # the crossing of the two axes, both critical lines
])
def test_point_on_a_curve_never_closes(expression, point):
    structure = local_structure(_numeric(expression, "xy"), np.array(point))
    assert structure.isolated is None and structure.multiplicity is None
    assert all(b > a for a, b in zip(structure.dual_dimensions, structure.dual_dimensions[1:]))


def test_multiplicity_at_a_refined_point_away_from_the_origin():
    numeric = _numeric("(x-1)^3 + (y-2)^2", "xy")
    refined = refine_point(numeric, np.array([1.01, 2.01], dtype=complex), Tolerances())
    assert local_structure(numeric, refined.coordinates).multiplicity == 2
