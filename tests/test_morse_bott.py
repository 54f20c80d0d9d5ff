"""Morse-Bott verdicts (issue 18, item 3): exact tests on hand-derived losses, true, false and open."""

from __future__ import annotations

import pytest

from algmorse import SolveOptions, analyze
from algmorse.analysis.verdict import AlgebraicEvidence, Evidence, MorseBottEvidence, decide
from algmorse.engine.exact_components import exact_decomposition
from algmorse.engine.morse_bott import morse_bott_test
from algmorse.model.network import FunctionProblem
from algmorse.model.system import build_system

pytestmark = pytest.mark.exact


def _test(variables, expression):
    system = build_system(FunctionProblem(variables, expression))
    primes = exact_decomposition(system.sparse_gradient(), system.num_variables).components
    return morse_bott_test(system.sparse_gradient(), system.num_variables, primes)


@pytest.mark.parametrize("variables, expression", [
    (("x", "y"), "(x*y - 1)^2"),  # a smooth hyperbola, Hessian (y, x)(y, x)^T of rank 1; the origin a saddle
    (("x", "y"), "(x^2 + y^2 - 1)^2"),  # the unit circle, Hessian of rank 1 across; the origin a maximum
    (("x",), "x^4/4 - x^2/2"),  # three nondegenerate points: Morse, hence Morse-Bott
    (("x", "y", "z"), "(x^2 + y^2 - 1)^2 + z^2"),  # the circle again, one more normal direction
])
def test_smooth_normally_nondegenerate_critical_sets_are_morse_bott(variables, expression):
    found = _test(variables, expression)
    assert found.obstructions == () and found.complex_morse_bott is True and found.morse_bott is True


@pytest.mark.parametrize("variables, expression, kinds", [
    (("x", "y"), "(x*y)^2", {"meeting", "degenerate"}),  # the axes cross at the origin, Hessian 0 there
    (("x", "y"), "(y^2 - x^3)^2", {"degenerate"}),  # the cusp: singular, hence degenerate, at the origin
    (("x",), "x^4", {"degenerate"}),  # an isolated degenerate point
    (("x", "y"), "(x^2 - y^2)^2", {"meeting", "degenerate"}),  # two real lines through the origin
])
def test_a_real_obstruction_makes_it_not_morse_bott(variables, expression, kinds):
    found = _test(variables, expression)
    assert {o.kind for o in found.obstructions} == kinds
    assert found.complex_morse_bott is False and found.morse_bott is False
    # each degenerate set contains the real origin; a meeting set's realness is left open (it lies in one)
    assert all(o.real is (True if o.kind == "degenerate" else None) for o in found.obstructions)


def test_the_principal_minor_filter_never_decides_a_complex_obstruction_alone():
    # (x^2 + y^2 + z)^2: the critical set is the smooth paraboloid g = 0, g = x^2 + y^2 + z, with
    # Hessian 2 grad(g) grad(g)^T of rank 1 everywhere (grad(g) has a last entry 1): Morse-Bott
    # over CC and RR. Its trace e_1 = 2 (4 x^2 + 4 y^2 + 1) vanishes on the complex circle
    # x^2 + y^2 = -1/4, z = 1/4, where the rank is still 1: the minors must clear it.
    found = _test(("x", "y", "z"), "(x^2 + y^2 + z)^2")
    assert found.obstructions == () and found.complex_morse_bott is True and found.morse_bott is True


def test_an_obstruction_without_a_provable_real_point_leaves_the_real_verdict_open():
    # (x^2 + y^2 + 1)^3: gradient 6 (x^2 + y^2 + 1)^2 (x, y). The critical set is the origin
    # (Hessian 6 I: a minimum) and the complex conic x^2 + y^2 = -1, on which the Hessian vanishes
    # (a double factor): not Morse-Bott over CC. Its real part is the origin alone, so over the
    # reals it is Morse-Bott, but a conic without real points is not a proof the tests can give.
    found = _test(("x", "y"), "(x^2 + y^2 + 1)^3")
    assert found.complex_morse_bott is False and found.morse_bott is None
    assert [(o.kind, o.dimension, o.real) for o in found.obstructions] == [("degenerate", 1, None)]


def test_the_solve_reports_morse_bott_with_its_basis():
    catalog = analyze(FunctionProblem(("x", "y"), "(x*y - 1)^2"), options=SolveOptions(seed=1), progress_bar=False)
    verdict = catalog.verdict
    assert verdict.morse is False and verdict.morse_bott is True and verdict.morse_bott_basis == "exact-algebra"
    assert verdict.complex_morse_bott is True and any(r.code == "morse-bott" for r in verdict.reasons)


def _evidence(**kwargs) -> Evidence:
    return Evidence(points=(), **kwargs)


def test_the_verdict_takes_the_exact_tests_when_they_ran():
    open_ = decide(_evidence(algebra=AlgebraicEvidence(level="exact", dimension=1),
                             morse_bott=MorseBottEvidence(complex_morse_bott=False, morse_bott=None,
                                                          obstructions=("x",))))
    assert (open_.morse_bott, open_.morse_bott_basis) == (None, None)
    assert (open_.complex_morse_bott, open_.complex_morse_bott_basis) == (False, "exact-algebra")
    proven = decide(_evidence(algebra=AlgebraicEvidence(level="exact", dimension=1),
                              morse_bott=MorseBottEvidence(complex_morse_bott=True, morse_bott=True)))
    assert (proven.morse_bott, proven.morse_bott_basis) == (True, "exact-algebra")


def test_without_the_tests_morse_bott_follows_morse_only_where_the_notions_agree():
    # a positive-dimensional set without the tests: not complex-Morse, Morse-Bott unknown either way
    positive = decide(_evidence(algebra=AlgebraicEvidence(level="exact", dimension=1)))
    assert positive.complex_morse is False and positive.complex_morse_bott is None and positive.morse_bott is None
    # no critical point at all: Morse, hence Morse-Bott, with the same basis
    empty = decide(_evidence(algebra=AlgebraicEvidence(level="exact", dimension=-1, count_with_multiplicity=0,
                                                       count_distinct=0)))
    assert empty.morse is True and (empty.morse_bott, empty.morse_bott_basis) == (True, empty.morse_basis)
    # a finite set with a multiple point (not radical): not Morse, and on a finite set not Morse-Bott
    multiple = decide(_evidence(algebra=AlgebraicEvidence(level="exact", dimension=0, count_with_multiplicity=2,
                                                          count_distinct=1)))
    assert multiple.complex_morse is False
    assert (multiple.complex_morse_bott, multiple.complex_morse_bott_basis) == (False, multiple.complex_morse_basis)


def test_degenerate_points_without_a_real_one_leave_it_morse_bott_over_the_reals():
    # (x^2 + 1)^3 + y^2: the gradient (6x (x^2 + 1)^2, 2y) vanishes at the origin (Hessian
    # diag(6, 2): a minimum) and at (+-i, 0), where d^2/dx^2 = 6 (x^2 + 1)^2 + 24 x^2 (x^2 + 1) = 0:
    # degenerate, but not real. Not Morse-Bott over CC; over the reals the origin alone: Morse-Bott.
    found = _test(("x", "y"), "(x^2 + 1)^3 + y^2")
    assert [(o.kind, o.dimension, o.real) for o in found.obstructions] == [("degenerate", 0, False)]
    assert found.complex_morse_bott is False and found.morse_bott is True


def test_a_real_line_of_degenerate_points_on_a_plane_makes_it_not_morse_bott():
    # (x y z)^2: the three coordinate planes (codimension 1); on x = 0 the Hessian is 2 y^2 z^2 E_xx,
    # of rank 1 except on the lines y = 0 and z = 0 of the plane, where it vanishes: degenerate sets
    # of dimension 1, real (a slice of one meets it in a real point)
    found = _test(("x", "y", "z"), "(x*y*z)^2")
    degenerate = [o for o in found.obstructions if o.kind == "degenerate"]
    assert len(degenerate) == 3 and all(o.dimension == 1 and o.real is True for o in degenerate)
    assert found.complex_morse_bott is False and found.morse_bott is False


def test_a_meeting_set_takes_its_realness_from_the_degenerate_set_of_the_lower_component():
    from algmorse.engine.morse_bott import _obstructions

    # prime 1 (a curve) has the degenerate set {x^2 + 1 = 0, y = 0}: no real point; it meets the
    # surface, prime 2, there. Written as Singular would print them: "k j exponents coefficient".
    values = {"TEST": ["degenerate 1 0 0", "degenerate 2 0 -1", "meeting 1 2 0"],
              "DEGENERATE": ["1 1 2,0 1", "1 1 0,0 1", "1 2 0,1 1"]}
    found = _obstructions(values, 2, [1, 2], timeout=30)
    assert [(o.kind, o.primes, o.real) for o in found] == [("degenerate", (1,), False), ("meeting", (1, 2), False)]
    # were the surface the lower one, its (empty) degenerate set says nothing: left open
    found = _obstructions(values, 2, [2, 1], timeout=30)
    assert [(o.kind, o.primes, o.real) for o in found] == [("degenerate", (1,), False), ("meeting", (1, 2), None)]
    # equal dimensions: the first prime's degenerate set holds it
    assert _obstructions(values, 2, [1, 1], timeout=30)[1].real is False
    # a third prime (an isolated point) changes nothing: the pair's own dimensions decide
    assert _obstructions(values, 2, [1, 2, 0], timeout=30)[1].real is False
