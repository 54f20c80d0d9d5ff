"""The pipeline with a known-answer backend: stopping rule, completeness, verdict, seeds."""

from __future__ import annotations

import math

import pytest

import algmorse.pipeline as pipeline_module
from algmorse import SolveOptions, analyze
from algmorse.engine.backends.fake import FakeBackend
from algmorse.errors import BackendCrashed, SpecError
from algmorse.model.network import FunctionProblem
from algmorse.results.library import load_case

# chain2_l2 by hand: origin, a = b = +-sqrt(9/5), a = -b = +-i sqrt(11/5)
R, C = math.sqrt(9 / 5), math.sqrt(11 / 5)
CHAIN2 = [(0, 0), (R, R), (-R, -R), (1j * C, -1j * C), (-1j * C, 1j * C)]


def _perturbed(points, delta=1e-5):
    return [tuple(c + delta * (1 + 1j) for c in p) for p in points]


def test_hand_derived_chain_classification_through_the_pipeline():
    problem = load_case("chain2_l2").spec.problem
    # one run with every point (slightly off, so refinement matters), plus a NaN endpoint
    backend = FakeBackend([_perturbed(CHAIN2) + [(float("nan"), 0)]], root_counts={"stable_mixed_volume": 5})
    catalog = analyze(problem, options=SolveOptions(seed=3, decompose="never", proof="none"), backend=backend)
    s = catalog.summary
    assert (s.isolated, s.real, s.minima, s.saddles, s.maxima, s.degenerate) == (5, 3, 2, 1, 0, 0)
    assert [p.loss.real for p in catalog.minima()] == pytest.approx([19 / 50, 19 / 50], rel=1e-12)
    (saddle,) = catalog.saddles()
    assert saddle.morse_index == 1 and saddle.loss.real == pytest.approx(2, rel=1e-14)
    assert max(abs(c) for c in saddle.coordinates) < 1e-14
    assert sorted(e.real for e in saddle.hessian_eigenvalues) == pytest.approx([1 / 5 - 2, 1 / 5 + 2])
    assert catalog.verdict.completeness == "bound-attained"
    # the total degree is 9 > 5, so without a decomposition zero-dimensionality is not proven
    assert catalog.verdict.morse is None and catalog.verdict.complex_morse is None
    assert len(catalog.provenance.runs) == 1  # the bound was attained: no second run
    # a numerical decomposition that finds no positive-dimensional component is said, but it is
    # a probability-one method, not a proof: the verdicts stay undetermined
    proven = FakeBackend([_perturbed(CHAIN2)], root_counts={"stable_mixed_volume": 5})
    decomposed = analyze(problem, options=SolveOptions(seed=3, proof="none"), backend=proven)
    assert decomposed.verdict.morse is None and decomposed.verdict.complex_morse is None
    assert any(r.code == "zero-dimensionality-not-established" and "decomposition found no component" in r.message
               and "not a proof" in r.message for r in decomposed.verdict.reasons)
    # ... but stable runs alone are evidence, not proof
    unproven = analyze(problem, options=SolveOptions(seed=3, proof="none"), backend=FakeBackend([_perturbed(CHAIN2)]))
    # (the points are certified, so the level is the certified lower bound, not a count)
    assert unproven.verdict.completeness == "certified-lower-bound" and unproven.verdict.morse is None
    assert "at least 5 critical points exist" in unproven.verdict.reasons[0].message


def test_symmetry_and_conjugation_fill_in_missed_points():
    problem = load_case("chain2_l2").spec.problem
    # The run reports one point per orbit; the hidden-unit flip (a, b) -> (-a, -b) of the odd
    # activation t (verified on the loss) and complex conjugation recreate the other two.
    backend = FakeBackend([_perturbed([(0, 0), (R, R), (1j * C, -1j * C)])])
    catalog = analyze(problem, options=SolveOptions(seed=1, stable_runs=2), backend=backend)
    assert catalog.summary.isolated == 5
    assert catalog.provenance.symmetries == ("flip hidden unit 1 of layer 1",)
    assert catalog.summary.orbits == 3


def test_runs_repeat_until_stable_and_union_is_taken():
    problem = FunctionProblem(("x",), "x^4/4 - 5*x^2/2 + 2")  # x^3 - 5x: 0, +-sqrt(5)
    s5 = math.sqrt(5)
    runs = [[(0.01,)], [(s5 + 0.01,)], [(0.0,)], [(0.0,)], [(0.0,)]]
    backend = FakeBackend(runs)
    catalog = analyze(problem, options=SolveOptions(seed=5, stable_runs=2, max_runs=10, proof="none"), backend=backend)
    # run 2 adds sqrt(5) and, by the flip symmetry, -sqrt(5); runs 3 and 4 add nothing -> stop
    assert [r.new_points for r in catalog.provenance.runs] == [1, 2, 0, 0]
    assert catalog.verdict.completeness == "bound-attained" or catalog.verdict.completeness == "stable-runs"
    # total degree 3 = number of nondegenerate points found: complete and zero-dimensional
    assert catalog.summary.isolated == 3
    assert catalog.verdict.morse is True and catalog.verdict.complex_morse is True


def test_run_limit_without_stability_is_not_established():
    problem = FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^4 - 3*y^2 + x*y")
    backend = FakeBackend([[]])  # a backend that never finds anything
    catalog = analyze(problem, options=SolveOptions(seed=5, stable_runs=3, max_runs=2, proof="none"), backend=backend)
    assert catalog.verdict.completeness == "not-established"
    assert catalog.verdict.morse is None


def test_degenerate_point_is_a_witness_against_morse():
    problem = FunctionProblem(("x", "y"), "x^3 + y^2")  # origin: Hessian diag(0, 2)
    catalog = analyze(problem, options=SolveOptions(seed=1), backend=FakeBackend([[(1e-3, 0.01)]]))
    assert catalog.summary.isolated == 1 and catalog.summary.degenerate == 1
    assert catalog.verdict.morse is False and catalog.verdict.complex_morse is False
    assert any(r.code == "multiple-point" and r.points == (0,) and "#0: 2" in r.message for r in catalog.verdict.reasons)
    assert catalog.critical_points[0].multiplicity == 2


@pytest.mark.phcpack
@pytest.mark.exact
def test_a_critical_surface_with_no_isolated_point_is_found_and_decides_the_verdict():
    # grad(x^2 y^2 z^2 + x^2) = 2x (y^2 z^2 + 1, x y z^2, x y^2 z): x = 0 is critical, and x != 0
    # would need y z^2 = 0 and y^2 z^2 = -1 at once. So the critical set is the plane x = 0
    # (dimension 2, degree 1) with no isolated point; the modular dimension 2 sends the solve to
    # the decomposition, whose component is the witness that the loss is not Morse.
    catalog = analyze(FunctionProblem(("x", "y", "z"), "x^2*y^2*z^2 + x^2"), options=SolveOptions(seed=1))
    assert catalog.provenance.modular["dimension"] == 2
    assert catalog.summary.isolated == 0
    assert [(c.dimension, c.degree) for c in catalog.components] == [(2, 1)]
    assert catalog.verdict.morse is False and catalog.verdict.morse_basis == "witness"


def test_no_critical_points_at_all():
    catalog = analyze(FunctionProblem(("x", "y"), "x + y^2"), options=SolveOptions(seed=1), backend=FakeBackend([[]]))
    assert catalog.summary.isolated == 0 and catalog.provenance.runs == ()
    assert catalog.verdict.morse is True and catalog.verdict.complex_morse is True


def test_variable_missing_from_loss_is_a_clear_error():
    with pytest.raises(SpecError, match="does not depend on y"):
        analyze(FunctionProblem(("x", "y"), "x^2"), options=SolveOptions(seed=1), backend=FakeBackend([[]]))


class _AlwaysCrashing(FakeBackend):
    def solve(self, polynomials, nvars, *, seed, timeout):
        raise BackendCrashed("worker died with signal 11", exitcode=-11)


def test_every_run_failing_raises_the_backend_error():
    with pytest.raises(BackendCrashed, match="signal 11"):
        analyze(FunctionProblem(("x",), "x^4 - x^2"), options=SolveOptions(seed=1, max_runs=3), backend=_AlwaysCrashing([[]]))


def test_seed_fixes_the_catalog_and_none_draws_a_recorded_seed():
    problem = load_case("chain2_l2").spec.problem
    first = analyze(problem, options=SolveOptions(seed=11), backend=FakeBackend([_perturbed(CHAIN2)]))
    second = analyze(problem, options=SolveOptions(seed=11), backend=FakeBackend([_perturbed(CHAIN2)]))
    assert first.critical_points == second.critical_points
    assert [r.seed for r in first.provenance.runs] == [r.seed for r in second.provenance.runs]
    drawn = analyze(problem, backend=FakeBackend([_perturbed(CHAIN2)]))
    assert isinstance(drawn.provenance.seed, int) and drawn.provenance.options["seed"] == drawn.provenance.seed


class _FailsEveryOtherRun(FakeBackend):
    def solve(self, polynomials, nvars, *, seed, timeout):
        self.calls = getattr(self, "calls", 0) + 1
        if self.calls % 2:
            raise BackendCrashed("worker died with signal 11", exitcode=-11)
        return super().solve(polynomials, nvars, seed=seed, timeout=timeout)


def test_failed_runs_are_recorded_and_do_not_count_towards_stability():
    problem = FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^4 - 3*y^2 + x*y")
    backend = _FailsEveryOtherRun([[(1.2, 1.3)]])
    catalog = analyze(problem, options=SolveOptions(seed=1, stable_runs=2, max_runs=8, proof="none"), backend=backend)
    errors = [r.error for r in catalog.provenance.runs]
    assert errors[0] == errors[2] == errors[4] == "worker died with signal 11"
    assert errors[1] is None and errors[3] is None and errors[5] is None
    assert len(errors) == 6  # successes at runs 2, 4, 6; the last two added nothing
    assert "3 backend run(s) failed" in catalog.verdict.reasons[0].message


def test_exact_mismatch_fails_loudly(monkeypatch):
    """If the numerical set disagrees with exact algebra the solve raises, naming both numbers."""
    import algmorse.pipeline
    from algmorse.engine.exact import ExactResult
    from algmorse.errors import VerificationFailed

    lying = ExactResult(tool="singular", tool_versions={}, dimension=0, count_with_multiplicity=6,
                        count_without_multiplicity=6, real_count=3, components=None, seconds=0.0, notes=())
    monkeypatch.setattr(algmorse.pipeline, "exact_check", lambda *a, **k: lying)
    problem = load_case("chain2_l2").spec.problem
    with pytest.raises(VerificationFailed, match="5 distinct critical points found, exact count 6") as info:
        analyze(problem, options=SolveOptions(seed=1, verify="exact", max_runs=3),
                backend=FakeBackend([_perturbed(CHAIN2)]))
    assert info.value.catalog.summary.isolated == 5
    # the runs went on looking for the 6th point until max_runs
    assert len(info.value.catalog.provenance.runs) == 3


def test_exact_count_makes_completeness_exact_and_stops_the_search(monkeypatch):
    import algmorse.pipeline
    from algmorse.engine.exact import ExactResult

    truth = ExactResult(tool="singular", tool_versions={}, dimension=0, count_with_multiplicity=5,
                        count_without_multiplicity=5, real_count=3, components=None, seconds=0.0, notes=())
    monkeypatch.setattr(algmorse.pipeline, "exact_check", lambda *a, **k: truth)
    catalog = analyze(load_case("chain2_l2").spec.problem, options=SolveOptions(seed=1, verify="exact"),
                      backend=FakeBackend([_perturbed(CHAIN2)]))
    assert catalog.verdict.completeness == "exact-count" and len(catalog.provenance.runs) == 1
    assert catalog.verdict.morse is True and catalog.verdict.complex_morse is True


def test_decomposition_moves_component_samples_out_and_describes_the_component(monkeypatch):
    """h = (xy - 1)^2: the hyperbola xy = 1 (global minima, loss 0) and the origin (index-1 saddle).

    The numerical decomposition stage, as it runs when the exact one is out of reach.
    """
    from algmorse.engine.backends.base import Decomposition, WitnessSet

    monkeypatch.setattr(pipeline_module, "_exact_first", lambda *args: None)

    hyperbola = WitnessSet(dimension=1, points=((2.0, 0.5), (-2.0, -0.5)), slices=((0, 1, -4),),
                           embedded_system=(), trace_error=0.0)
    backend = FakeBackend(
        [[(2.0, 0.5), (0.5, 2.0), (-1.0, -1.0), (1e-6, -1e-6)]],
        decomposition=Decomposition(components=(hyperbola,), isolated_candidates=((0.0, 0.0),), seed=1,
                                    seconds=0.0, log_tail=""),
        member=lambda witness, p: abs(p[0] * p[1] - 1) < 1e-8,
    )
    catalog = analyze(FunctionProblem(("x", "y"), "(x*y - 1)^2"), options=SolveOptions(seed=1), backend=backend)
    assert catalog.summary.isolated == 1 and catalog.saddles(index=1)[0].loss.real == pytest.approx(1)
    (component,) = catalog.components
    assert (component.dimension, component.degree, component.kind) == (1, 2, "minima")
    assert component.loss == pytest.approx(0) and component.hessian_rank == 1
    assert component.real_points and all(abs(x * y - 1) < 1e-8 for x, y in component.real_points)
    assert catalog.verdict.morse is False and catalog.verdict.complex_morse is False
    assert any(r.code == "positive-dimensional-component" and r.components == (0,) for r in catalog.verdict.reasons)
    # the three samples are rational: each is proven exactly (local dimension 1 over QQ) to lie on
    # a component, so none is listed as isolated, and they are the component's first real points
    (on_component,) = [r for r in catalog.verdict.reasons if r.code == "non-isolated-point"]
    assert on_component.message.startswith("3 real rational critical point(s)")
    assert {(2.0, 0.5), (0.5, 2.0), (-1.0, -1.0)} <= set(component.real_points)


def test_a_reported_component_through_regular_critical_points_is_rejected():
    """Cascade junk: a 'component' whose witness points are nondegenerate critical points."""
    from algmorse.engine.backends.base import Decomposition, WitnessSet

    s5 = math.sqrt(5)
    fake = WitnessSet(dimension=1, points=((s5, 0.0), (-s5, 0.0)), slices=((0, 0, 1),), embedded_system=(),
                      trace_error=None)
    backend = FakeBackend([[(0.0, 0.0), (s5, 0.0)]],
                          decomposition=Decomposition(components=(fake,), isolated_candidates=(), seed=1,
                                                      seconds=0.0, log_tail=""),
                          member=lambda witness, p: True)
    problem = FunctionProblem(("x", "y"), "x^4/4 - 5*x^2/2 + y^2")  # 0, +-sqrt(5) on y = 0
    catalog = analyze(problem, options=SolveOptions(seed=1, decompose="always"), backend=backend)
    assert catalog.components == () and catalog.provenance.decomposition["dropped_components"] == 1
    assert catalog.summary.isolated == 3 and catalog.verdict.complex_morse is not False


@pytest.mark.phcpack
@pytest.mark.exact
def test_exact_check_compares_component_degrees_and_isolated_points():
    """The hyperbola ab = 2 (degree 2) plus the origin (by hand, and Singular's minAssGTZ): a
    catalog whose decomposition got a degree or an isolated point wrong must fail the check."""
    from dataclasses import replace

    import algmorse.pipeline
    from algmorse.engine.exact import ExactResult
    from algmorse.errors import VerificationFailed

    catalog = analyze(load_case("net111_lin_noreg_hyperbola").spec.problem,
                      options=SolveOptions(seed=1, verify="exact"))
    exact = ExactResult(**{**catalog.provenance.exact, "components": tuple(map(tuple,
                           catalog.provenance.exact["components"])), "notes": ()})
    assert sorted(exact.components) == [(0, 1), (1, 2)]
    algmorse.pipeline._verify(catalog, exact)  # the true catalog passes
    (curve,) = catalog.components
    wrong_degree = replace(catalog, components=(replace(curve, degree=1),))
    with pytest.raises(VerificationFailed, match="dimension 1 have total degree 1, exact 2"):
        algmorse.pipeline._verify(wrong_degree, exact)
    split = replace(catalog, components=(replace(curve, degree=1), replace(curve, degree=1)))
    algmorse.pipeline._verify(split, exact)  # two lines of total degree 2: a split over CC is allowed
    stray = replace(catalog, critical_points=catalog.critical_points * 2)
    with pytest.raises(VerificationFailed, match="2 isolated critical points found, exact 1"):
        algmorse.pipeline._verify(stray, exact)
