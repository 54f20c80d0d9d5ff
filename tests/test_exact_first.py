"""Positive-dimensional critical sets decided by exact algebra first (issue 18, item 1).

Every case is derived by hand (here or in the fixture's header) or from Singular run on its own
(the fixtures' sources). The backend used is a stub that fails the test if any path is tracked:
the exact stage needs none.
"""

from __future__ import annotations

from fractions import Fraction as F

from dataclasses import replace

import pytest

import algmorse.pipeline as pipeline_module
from algmorse import SolveOptions, analyze
from algmorse.engine.backends.fake import FakeBackend
from algmorse.errors import BackendTimeout
from algmorse.model.network import Activation, Dataset, FunctionProblem, Network, NetworkProblem
from algmorse.results.library import load_case

pytestmark = pytest.mark.exact


class NoTracking:
    """A backend that must not be used."""

    name = "none"

    def version(self) -> str:
        return "none"

    def __getattr__(self, name):
        def refuse(*args, **kwargs):
            raise AssertionError(f"the backend's {name} was called: paths were tracked")
        return refuse


def _solve(problem, **options):
    return analyze(problem, options=SolveOptions(seed=1, **options), backend=NoTracking(), progress_bar=False)


def test_a_hyperbola_of_minima_and_a_saddle_without_tracking_a_path():
    # (xy - 1)^2: gradient 2(xy - 1)(y, x); the hyperbola xy = 1 (loss 0, Hessian rank 1 with
    # eigenvalue 2(x^2 + y^2) > 0 across it: minima) and the origin (Hessian [[0, -2], [-2, 0]]:
    # eigenvalues -2, 2, an index-1 saddle at loss 1)
    catalog = _solve(FunctionProblem(("x", "y"), "(x*y - 1)^2"))
    (component,) = catalog.components
    assert (component.dimension, component.degree, component.kind) == (1, 2, "minima")
    assert component.loss == pytest.approx(0) and component.hessian_rank == 1
    assert component.real_points and all(abs(x * y - 1) < 1e-9 for x, y in component.real_points)
    (origin,) = catalog.critical_points
    assert origin.morse_index == 1 and origin.loss == pytest.approx(1) and max(map(abs, origin.coordinates)) < 1e-12
    assert catalog.verdict.completeness == "exact-count"
    assert catalog.verdict.morse is False and catalog.verdict.complex_morse is False
    record = catalog.provenance.decomposition
    assert record["status"] == "exact" and record["isolated_count"] == 1
    assert sorted((p["dimension"], p["degree"], p["loss_polynomial"]) for p in record["primes"]) == [
        (0, 1, ["-1", "1"]), (1, 2, ["0", "1"])]


def test_the_real_line_of_an_unregularized_cubic_network_is_real_and_its_origin_not_isolated():
    # [1,1,1], t^3, x = 1, y = 2: the curve w2 w1^3 = 2 (loss 0, real: minima) and the line w1 = 0
    # (loss 2, real, degenerate: the Hessian there is 0 along w2 and 0 across it, since the
    # gradient vanishes to second order in w1); no isolated critical point
    problem = NetworkProblem(Network((1, 1, 1), Activation.from_coefficients([0, 0, 0, 1]), bias=False),
                             Dataset(((F(1),),), ((F(2),),)), scale=F(1, 2))
    catalog = _solve(problem)
    assert catalog.critical_points == ()
    shapes = sorted((c.dimension, c.degree, round(c.loss.real, 12), bool(c.real_points)) for c in catalog.components)
    assert shapes == [(1, 1, 2.0, True), (1, 4, 0.0, True)]
    line = next(c for c in catalog.components if c.degree == 1)
    assert line.kind != "complex" and all(abs(w1) < 1e-12 for w1, _ in line.real_points)
    assert catalog.verdict.completeness == "exact-count"


def test_conjugate_conics_are_two_components_over_the_complex_numbers():
    # net121_lin_mult.toml: the surface u.v = 5/3, u || v (minima, loss 1/3), two complex conics
    # at loss 0 (one prime over QQ: Singular minAssGTZ (1, 4); absPrimdecGTZ: 2 conjugates), the
    # origin (index-2 saddle, loss 2)
    catalog = _solve(load_case("net121_lin_mult").spec.problem)
    shapes = sorted((c.dimension, c.degree, round(c.loss.real, 9), c.kind) for c in catalog.components)
    assert shapes == [(1, 2, 0.0, "complex"), (1, 2, 0.0, "complex"), (2, 4, round(1 / 3, 9), "minima")]
    (origin,) = catalog.critical_points
    assert origin.morse_index == 2 and origin.loss == pytest.approx(2)


def test_a_decomposition_out_of_time_hands_over_to_homotopy_continuation(monkeypatch):
    def too_slow(*args, **kwargs):
        raise BackendTimeout("exact decomposition: minAssGTZ did not finish within 1 s.", 1.0)

    monkeypatch.setattr(pipeline_module, "exact_decomposition", too_slow)
    lines: list[str] = []
    backend = FakeBackend([[(2.0, 0.5), (0.0, 0.0)]])
    catalog = analyze(FunctionProblem(("x", "y"), "(x*y - 1)^2"), options=SolveOptions(seed=1), backend=backend,
                      progress=lines.append, progress_bar=False)
    assert catalog.provenance.decomposition["status"] != "exact" and catalog.provenance.runs
    assert any(line.startswith("exact decomposition failed") for line in lines)
    assert catalog.verdict.completeness != "exact-count"  # the isolated count is no longer known


def test_decompose_never_skips_the_exact_decomposition_too():
    backend = FakeBackend([[(0.0, 0.0)]])
    catalog = analyze(FunctionProblem(("x", "y"), "(x*y - 1)^2"), options=SolveOptions(seed=1, decompose="never"),
                      backend=backend, progress_bar=False)
    assert catalog.components == () and "primes" not in catalog.provenance.decomposition


def test_a_real_point_found_by_newton_is_made_exact_by_slicing_through_it():
    import numpy as np

    from algmorse.analysis.exact_first import _real_through
    from algmorse.engine.exact_components import exact_decomposition
    from algmorse.model.system import build_system

    def prime(expression):
        system = build_system(FunctionProblem(("x", "y"), expression))
        (found,) = exact_decomposition(system.sparse_gradient(), 2).positive_dimensional
        return found

    circle, conic = prime("(x^2 + y^2 - 1)^2 + 0*x"), prime("(x^2 + y^2 + 1)^2")
    rng = np.random.default_rng(3)
    on_circle = np.array([np.cos(0.7), np.sin(0.7)])  # a point of the circle to double precision
    assert _real_through(circle, on_circle, rng, 10.0)
    assert not _real_through(circle, np.array([2.0, 0.0]), rng, 10.0)  # the circle's real points are far
    assert not _real_through(conic, np.array([0.5, 0.5]), rng, 10.0)  # x^2 + y^2 = -1: no real point


@pytest.mark.phcpack
@pytest.mark.parametrize("name", ["net111_lin_noreg_hyperbola", "net121_lin_l2_circle", "chain3_mult"])
def test_where_both_decompositions_run_they_agree_and_the_catalog_says_so(name):
    # decompose="always": PHCpack's numerical irreducible decomposition runs beside the exact one
    # (an independent method); on these fixtures both give the components derived by hand
    catalog = analyze(load_case(name).spec.problem, options=SolveOptions(seed=1, decompose="always"),
                      progress_bar=False)
    (reason,) = [r for r in catalog.verdict.reasons if r.code == "numerical-decomposition"]
    assert "agrees" in reason.message
    assert catalog.provenance.decomposition["status"] == "exact"
    assert catalog.provenance.decomposition["numerical_check"] == []


def test_a_numerical_decomposition_that_disagrees_is_said_and_decides_nothing(monkeypatch):
    from algmorse.analysis.decomposition import DecompositionOutcome

    def half(*args, **kwargs):  # a numerical decomposition that missed a branch of the hyperbola
        found = analyze(FunctionProblem(("x", "y"), "(x*y - 1)^2"), options=SolveOptions(seed=1),
                        progress_bar=False).components
        return DecompositionOutcome(components=[replace(c, degree=1) for c in found]), "ok"

    monkeypatch.setattr(pipeline_module, "_decompose", half)
    catalog = analyze(FunctionProblem(("x", "y"), "(x*y - 1)^2"), options=SolveOptions(seed=1, decompose="always"),
                      progress_bar=False)
    (reason,) = [r for r in catalog.verdict.reasons if r.code == "numerical-decomposition"]
    assert "disagrees" in reason.message and "total degree 2 (exact), 1 (numerical)" in reason.message
    assert [(c.dimension, c.degree) for c in catalog.components] == [(1, 2)]  # the exact one is reported
    assert catalog.verdict.morse_bott is True  # and decides


def _positive_dimensional_fixtures() -> list[str]:
    from algmorse.results.library import list_cases

    # net1221_lin_l2 (a prime of degree 32) and net222_lin_l2: PHCpack's decomposition exceeds its 600 s run
    # limit (the catalog then says it did not complete: see the test below)
    return [name for name in list_cases() if load_case(name).expected.get("components")
            and name not in ("net1221_lin_l2", "net222_lin_l2")]


@pytest.mark.slow
@pytest.mark.phcpack
@pytest.mark.parametrize("name", _positive_dimensional_fixtures())
def test_every_positive_dimensional_fixture_decomposes_the_same_both_ways(name):
    catalog = analyze(load_case(name).spec.problem, options=SolveOptions(seed=1, decompose="always"),
                      progress_bar=False)
    assert catalog.provenance.decomposition.get("numerical_check") == [], catalog.provenance.decomposition


def test_a_numerical_decomposition_out_of_time_is_said_not_taken_for_agreement(monkeypatch):
    def out_of_time(*args, **kwargs):
        from algmorse.analysis.decomposition import DecompositionOutcome

        return DecompositionOutcome(), "failed: PHCpack worker exceeded the time limit of 600.0 s"

    monkeypatch.setattr(pipeline_module, "_decompose", out_of_time)
    catalog = analyze(FunctionProblem(("x", "y"), "(x*y - 1)^2"), options=SolveOptions(seed=1, decompose="always"),
                      progress_bar=False)
    (reason,) = [r for r in catalog.verdict.reasons if r.code == "numerical-decomposition"]
    assert "did not complete" in reason.message and "disagrees" not in reason.message


@pytest.mark.parametrize("proof", ["none real", "a nearest point", "open, then Newton"])
def test_each_realness_proof_decides_a_component_whose_witness_points_do_not(proof):
    # the unit circle of (x^2 + y^2 - 1)^2, sliced by x = 2: witness points (2, +-i sqrt 3), not
    # real, with loss 0 (real, not below the lower bound 0): the cheap proofs say nothing, so the
    # nearest-point test's answer decides, and failing that a Newton point sliced exactly
    import numpy as np

    from algmorse.analysis.exact_first import _components_of
    from algmorse.engine.backends.base import WitnessSet
    from algmorse.engine.exact import exact_points
    from algmorse.engine.exact_components import exact_decomposition
    from algmorse.engine.real_components import RealPoints
    from algmorse.model.options import Tolerances
    from algmorse.model.system import build_system

    system = build_system(FunctionProblem(("x", "y"), "(x^2 + y^2 - 1)^2"))
    (circle,) = exact_decomposition(system.sparse_gradient(), 2, loss=system.sparse_loss()).positive_dimensional
    circle = replace(circle, conjugates=1)
    balls = exact_points(list(circle.generators) + [{(1, 0): F(1), (0, 0): F(-2)}], 2)
    witness = WitnessSet(dimension=1, points=tuple(tuple(complex(z) for z in p) for p in balls),
                         slices=((-2, 1, 0),), embedded_system=(), trace_error=None)
    proven = {"none real": RealPoints(False, []),
              "a nearest point": RealPoints(True, [np.array([1.0, 0.0])], [[]]),
              "open, then Newton": RealPoints(None, [])}[proof]
    ((component, _, loss),) = _components_of(system, circle, (witness, balls), proven, Tolerances(),
                                             np.random.default_rng(5), 0.0, 30.0)
    assert component.real is {"none real": False, "a nearest point": True, "open, then Newton": True}[proof]
    assert ("proven: no point nearest" in component.description) is (proof == "none real")
    assert loss[0] <= 0 <= loss[1]
