"""Monodromy on support strata, against exact counts (Singular over QQ) and hand formulas."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from algmorse import SolveOptions, analyze, load_spec
from algmorse.engine import monodromy
from algmorse.engine.backends import get_backend
from algmorse.engine.backends.base import Leg
from algmorse.engine.backends.phcpack import format_system
from algmorse.engine.certify import certify_point
from algmorse.engine.exact import rational_count
from algmorse.engine.family import StratumFamily
from algmorse.engine.monodromy import solve_generic, track_to_target
from algmorse.engine.strata import support_strata
from algmorse.errors import BackendUnavailable
from algmorse.methods import stratum_families
from algmorse.model.network import (
    Dataset,
    FunctionProblem,
    Network,
    NetworkProblem,
    Regularizer,
)
from algmorse.model.precision import BallSystem
from algmorse.model.symmetry import SignedPermutation
from algmorse.model.system import build_system
from algmorse.results.library import load_case
from algmorse.testing import assert_matches_expected

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _net1221():
    problem = load_spec(EXAMPLES / "net1221_genl2.toml").problem
    return problem, build_system(problem)


def _generic_1221(seed: int):
    problem, system = _net1221()
    families = [StratumFamily(system, s) for s in support_strata(problem, system)]
    return system, families, solve_generic(families, get_backend("phcpack"), seed=seed)


def _torus_count_over_qq(family: StratumFamily, c: list[Fraction]) -> int:
    """Solutions with no zero coordinate of the stratum's member at rational ``c``: Singular over QQ,
    with z * prod(w) = 1 added (the code under test counts over prime fields instead)."""
    size = family.size
    polynomials = []
    for j, polynomial in enumerate(family.base):
        shifted = {e + (0,): v for e, v in polynomial.items()}
        linear = tuple(1 if k == j else 0 for k in range(size)) + (0,)
        shifted[linear] = shifted.get(linear, Fraction(0)) + c[j]
        polynomials.append(shifted)
    polynomials.append({(1,) * (size + 1): Fraction(1), (0,) * (size + 1): Fraction(-1)})
    dimension, count, _ = rational_count(polynomials, size + 1, timeout=60)
    assert dimension <= 0
    return count


def test_strata_of_a_deep_linear_network_are_unit_deletions():
    problem, system = _net1221()
    strata = support_strata(problem, system)
    # 4 single deletions, the 4 (layer-1 unit, layer-2 unit) pairs, and the origin (a whole layer gone)
    assert [len(s.support) for s in strata] == [8, 5, 5, 5, 5, 3, 3, 3, 3, 0]
    assert strata[0].dead_units == () and strata[-1].support == ()
    # a deletion is kept only if the zeroed gradient components vanish on the subspace: they do here
    for stratum in strata:
        zeroed = set(range(8)) - set(stratum.support)
        point = np.zeros(8, dtype=complex)
        point[list(stratum.support)] = np.random.default_rng(0).normal(size=len(stratum.support))
        gradient = system.numeric.gradient(point)
        assert np.allclose(gradient[list(zeroed)], 0)


def test_functions_and_biased_units_with_nonzero_activation_have_the_whole_space_only():
    function = FunctionProblem(("x", "y"), "x^4 + y^4 - x*y")
    assert [s.label for s in support_strata(function, build_system(function))] == ["all units"]
    shifted = NetworkProblem(Network((1, 2, 1), "1 + t"), Dataset(((1,),), ((2,),)), regularizer=Regularizer("l2", "1/10"))
    assert len(support_strata(shifted, build_system(shifted))) == 1


@pytest.mark.phcpack
@pytest.mark.exact
def test_monodromy_finds_every_stratum_count_of_the_1221_network():
    system, families, generic = _generic_1221(3)
    found = {r.label: r.found for r in generic.records}
    # a stratum with one unit per hidden layer is a depth-3 scalar chain: 1 + (2L - 2) 2^(L-1) = 17
    # critical points, 16 of them with no zero coordinate (math.md)
    for label in ("without units 1.1, 2.1", "without units 1.1, 2.2", "without units 1.2, 2.1", "without units 1.2, 2.2"):
        assert found[label] == 16
    assert found["without units 1.1, 1.2"] == 1  # the origin
    # every stratum against Singular over QQ at other random rational parameters
    rng = np.random.default_rng(11)
    for family, record in zip(families, generic.records):
        if family.size:
            c = [Fraction(int(rng.integers(1, 1000)), int(rng.integers(1, 50))) for _ in range(family.size)]
            assert record.found == _torus_count_over_qq(family, c), record.label
    # and the total against the loss's own exact count
    dimension, total, _ = rational_count(system.sparse_gradient(), 8, timeout=60)
    assert dimension == 0 and generic.count == total == 129
    assert generic.complete and all(r.complete for r in generic.records)
    # one path per orbit of the 16 sign flips: far fewer paths than points
    assert generic.paths < 2 * generic.count


@pytest.mark.phcpack
@pytest.mark.exact
def test_a_stratum_the_loops_cannot_finish_falls_back_to_the_blackbox(monkeypatch):
    monkeypatch.setattr(monodromy, "MAX_LOOPS", 0)
    problem = load_case("net121_sq_genl2").spec.problem
    system = build_system(problem)
    families = [StratumFamily(system, s) for s in support_strata(problem, system)][:1]
    (record,) = solve_generic(families, get_backend("phcpack"), seed=2).records
    assert record.method == "blackbox" and record.loops == 0
    c = [Fraction(k, 7) for k in range(3, 3 + families[0].size)]
    assert record.found == record.expected == _torus_count_over_qq(families[0], c) and record.complete


@pytest.mark.phcpack
@pytest.mark.exact
def test_monodromy_solve_is_certified_complete_and_matches_the_fixture():
    case = load_case("net121_sq_genl2")
    catalog = analyze(case.spec.problem, options=SolveOptions(seed=4, method="monodromy"))
    assert_matches_expected(catalog, case)
    record = catalog.provenance.monodromy
    assert record is not None and record["complete"] and record["escaped"] == record["collided"] == 0
    assert catalog.summary.certified == catalog.summary.isolated
    assert catalog.verdict.completeness == "exact-count"


@pytest.mark.phcpack
@pytest.mark.exact
def test_auto_uses_monodromy_when_the_bezout_number_dwarfs_the_count(tmp_path):
    problem, _ = _net1221()
    catalog = analyze(problem, options=SolveOptions(seed=1))
    assert catalog.provenance.monodromy is not None
    assert catalog.summary.isolated == catalog.summary.certified == 129  # Singular over QQ: 129
    assert catalog.verdict.completeness == "exact-count" and catalog.verdict.morse is True
    # a fixture whose Bezout number is small next to its count keeps the blackbox: 3 runs of 9
    # paths against 4 x 5 + 200 monodromy paths
    small = analyze(load_case("chain2_l2").spec.problem, options=SolveOptions(seed=1))
    assert small.provenance.root_counts["total_degree"] == 9 and small.summary.isolated == 5
    assert small.provenance.monodromy is None


def test_monodromy_needs_a_backend_that_tracks_paths():
    problem = load_case("chain2_l2").spec.problem
    from algmorse.engine.backends.fake import FakeBackend

    with pytest.raises(BackendUnavailable, match="needs a backend that tracks paths"):
        analyze(problem, options=SolveOptions(seed=1, method="monodromy"), backend=FakeBackend([[(0, 0)]]))


@pytest.mark.phcpack
def test_track_moves_roots_along_a_parameter_homotopy():
    # x^2 - c from c = 1 (roots +-1) to c = 4 (roots +-2), and y - 3 with a complex coefficient
    start = [{(2, 0): Fraction(1), (0, 0): Fraction(-1)}, {(0, 1): 1j, (0, 0): -3j}]
    target = [{(2, 0): Fraction(1), (0, 0): Fraction(-4)}, {(0, 1): Fraction(1), (0, 0): Fraction(-3)}]
    tracked = get_backend("phcpack").track([Leg(start, target, 0.6 + 0.8j)], [(1, 3), (-1, 3)], 2, seed=1, timeout=60)
    ends = [np.array(e.coordinates) for e in tracked.endpoints]
    assert np.allclose(ends[0], [2, 3]) and np.allclose(ends[1], [-2, 3])
    assert all(e.t == pytest.approx(1.0) for e in tracked.endpoints)


def test_complex_coefficients_are_written_for_phcpack():
    assert format_system([{(1,): 0.5 - 2j, (0,): Fraction(1)}], 1) == [
        "+(+5.0000000000000000E-01-2.0000000000000000E+00*i)*x1 +1.0000000000000000E+00;"]


@pytest.mark.phcpack
@pytest.mark.exact
def test_the_numpy_finish_follows_the_same_path_as_phcpack():
    system, families, generic = _generic_1221(5)
    family, parameters, points = generic.families[0], generic.parameters[0], generic.points[0]
    gamma = complex(np.exp(0.7j))
    phc = get_backend("phcpack").track([Leg(family.member(parameters), family.target, gamma)], list(points[:3]),
                                       family.size, seed=1, timeout=60)
    for point, end in zip(points[:3], phc.endpoints):
        finished = family.finish_path(point, 0.0, parameters, gamma)  # the whole path, in numpy
        assert finished is not None and end.t == pytest.approx(1.0)
        assert np.allclose(finished, np.array(end.coordinates), atol=1e-6 * (1 + np.linalg.norm(finished)))
    target = track_to_target(generic, get_backend("phcpack"), seed=6)
    assert target.escaped == target.collided == 0
    for point in target.points:
        assert np.linalg.norm(system.numeric.gradient(point)) < 1e-6 * (1 + np.linalg.norm(point)) ** 5


def test_method_is_checked_in_python_and_in_the_spec():
    from algmorse import parse_spec
    from algmorse.errors import SpecError

    with pytest.raises(SpecError, match="solve.method"):
        SolveOptions(method="newton")
    spec = {"function": {"variables": ["x"], "expression": "x^4 - x^2"}, "solve": {"method": "monodromy"}}
    assert parse_spec(spec).solve.method == "monodromy"
    with pytest.raises(SpecError, match="solve.method"):
        parse_spec({**spec, "solve": {"method": 3}})


@pytest.mark.phcpack
@pytest.mark.exact
def test_supports_no_stratum_covers_are_not_called_complete():
    # x^3 + y^2 + x*y^2 as a function: the whole space is its only stratum, but at generic c the
    # critical points of grad h + c * w have y = 0, outside the stratum's torus
    problem = FunctionProblem(("x", "y"), "x^3 + y^2 + x*y^2")
    system = build_system(problem)
    generic = solve_generic([StratumFamily(system, s) for s in support_strata(problem, system)],
                            get_backend("phcpack"), seed=1)
    assert all(r.complete for r in generic.records) and generic.total and generic.count < generic.total
    assert not generic.complete


@pytest.mark.phcpack
@pytest.mark.exact
def test_an_offset_family_holds_the_points_with_zero_coordinates():
    # the same function: grad h + c * (w - a) with a random rational a has no special coordinate
    # hyperplane, so its one family counts and finds every critical point, y = 0 included
    problem = FunctionProblem(("x", "y"), "x^3 + y^2 + x*y^2")
    system = build_system(problem)
    (family,) = stratum_families(problem, system, seed=1)
    assert not family.torus and len(family.signs) == 1
    generic = solve_generic([family], get_backend("phcpack"), seed=1)
    assert generic.complete and generic.total == generic.count == generic.records[0].expected
    catalog = analyze(problem, options=SolveOptions(seed=1, method="monodromy"))
    # by hand: 3x^2 + y^2 = 0 and 2y(1 + x) = 0 give the origin and (-1, +-i sqrt 3)
    found = sorted((round(p.coordinates[0].real, 9), round(p.coordinates[1].imag, 9)) for p in catalog.critical_points)
    assert found == [(-1.0, round(-3 ** 0.5, 9)), (-1.0, round(3 ** 0.5, 9)), (0.0, 0.0)]
    assert len(catalog.provenance.runs) == 1  # the monodromy alone: no blackbox run followed


@pytest.mark.phcpack
@pytest.mark.exact
def test_a_network_whose_activation_misses_zero_is_solved_by_monodromy_alone():
    # sigma(t) = 1 + t^2 has no support strata: before the offset, monodromy found the 16 points
    # with no zero weight and blackbox runs had to find the other 17
    problem = NetworkProblem(Network((1, 2, 1), "1 + t^2"), Dataset(((1,), (3,), (-1,)), ((2,), (1,), (0,))),
                             regularizer=Regularizer("l2", "1/10"))
    system = build_system(problem)
    dimension, total, _ = rational_count(system.sparse_gradient(), system.num_variables, timeout=60)
    assert dimension == 0 and total == 33
    catalog = analyze(problem, options=SolveOptions(seed=3, method="monodromy"))
    record = catalog.provenance.monodromy
    assert record["complete"] and [s["method"] for s in record["strata"]] == ["monodromy"]
    assert record["generic_total"] == record["generic_count"] == 33
    assert len(catalog.provenance.runs) == 1 and catalog.summary.isolated == catalog.summary.certified == 33
    assert catalog.verdict.completeness == "exact-count"


def test_the_offset_family_is_one_system_numerically_and_exactly():
    problem = NetworkProblem(Network((1, 2, 1), "1 + t"), Dataset(((1,), (2,)), ((2,), (1,))),
                             regularizer=Regularizer("l2", "1/10"))
    system = build_system(problem)
    (family,) = stratum_families(problem, system, seed=5)
    rng = np.random.default_rng(0)
    point, c = family.start_pair(rng)
    value, jacobian = family.residual_and_jacobian(point, c)
    assert np.linalg.norm(value) < 1e-12  # a start pair is a solution
    shift = np.array([complex(a) for a in family.offset])
    # the residual is grad L + c * (w - a) and its Jacobian the Hessian plus diag(c)
    gradient, hessian = system.numeric.gradient_and_hessian(point)
    assert np.allclose(value, gradient + c * (point - shift)) and np.allclose(jacobian, hessian + np.diag(c))
    # the exact member at rational c is the same polynomial system as the complex one
    rational = [Fraction(k + 1, 3) for k in range(family.size)]
    x = rng.normal(size=family.size)

    def evaluate(polynomials):
        return np.array([sum(complex(v) * np.prod(x ** np.array(e)) for e, v in p.items()) for p in polynomials])

    exact, numeric = evaluate(family.rational_member(rational)), evaluate(family.member([complex(r) for r in rational]))
    assert np.allclose(exact, numeric)
    assert np.allclose(exact, family.residual_and_jacobian(x.astype(complex), np.array([complex(r) for r in rational]))[0])
    # and where the gradient has no linear term of its own (d/dx of x^3 + y^2 + x y^2)
    function = FunctionProblem(("x", "y"), "x^3 + y^2 + x*y^2")
    (bare,) = stratum_families(function, build_system(function), seed=5)
    c = [Fraction(2), Fraction(-1, 3)]
    x = rng.normal(size=2)
    expected = bare.residual_and_jacobian(x.astype(complex), np.array([complex(v) for v in c]))[0]
    assert np.allclose(evaluate(bare.member([complex(v) for v in c])), expected)
    assert np.allclose(evaluate(bare.rational_member(c)), expected)
    assert family.with_target(system).offset == family.offset
    # a network with strata keeps the offset-free families and their sign flips
    linear = load_spec(EXAMPLES / "net1221_genl2.toml").problem
    assert all(f.torus for f in stratum_families(linear, build_system(linear), seed=5))


def test_newton_accepts_solutions_by_the_size_of_their_terms_and_rejects_the_rest(monkeypatch):
    # f = x^6/6 - 3e10 x: f'(x) = x^5 - 3e10 vanishes at x = 124.57..., where its terms are 3e10:
    # no double is a root, and the nearest leaves a residual of about 2e-5
    function = FunctionProblem(("x",), "x^6/6 - 30000000000*x")
    system = build_system(function)
    (family,) = stratum_families(function, system, seed=2)
    zero, root = np.zeros(1), 3e10 ** 0.2
    assert np.allclose(family.newton(np.array([root + 0.01]), zero), [root], rtol=1e-12)
    monkeypatch.setattr("algmorse.engine.family._NEWTON_STEPS", 0)  # judge the start point itself
    assert family.newton(np.array([root + 0j]), zero) is not None
    assert family.newton(np.array([root + 1e-6j]), zero) is None  # residual 0.1: no solution
    # a coordinate at zero: another stratum's point in a torus family, an ordinary one with an offset
    square = FunctionProblem(("x", "y"), "x^2 + y^2")
    torus = StratumFamily(build_system(square), support_strata(square, build_system(square))[0])
    (offset,) = stratum_families(square, build_system(square), seed=2)
    origin = np.zeros(2, dtype=complex)
    assert torus.newton(origin, np.ones(2)) is None and offset.newton(origin, np.zeros(2)) is not None


@pytest.mark.phcpack
@pytest.mark.exact
def test_a_stratum_that_is_the_image_of_another_is_mapped_not_solved():
    # t^2 [1,2,1] with L2: swapping the hidden units maps "without unit 1.1" onto "without unit 1.2"
    problem = load_case("net121_sq_l2").spec.problem
    system = build_system(problem)
    families = stratum_families(problem, system, seed=1)
    assert [f.stratum.label for f in families] == ["all units", "without unit 1.1", "without unit 1.2",
                                                   "without units 1.1, 1.2"]
    images = monodromy.symmetric_strata(families)
    assert list(images) == [2] and images[2][0] == 1
    # products of symmetries act as the composition they name: first h, then g
    g, h = SignedPermutation((1, 2, 0), (1, -1, 1)), SignedPermutation((0, 2, 1), (-1, 1, 1))
    a = np.array([1.0, 2.0, 3.0])
    assert np.array_equal(monodromy._compose(g, h).apply(a), g.apply(h.apply(a)))
    generic = solve_generic(families, get_backend("phcpack"), seed=1)
    mapped, solved = generic.records[2], generic.records[1]
    assert mapped.method == "symmetry of without unit 1.1" and mapped.paths == mapped.loops == 0
    # the images are solutions of the mapped stratum's own family at its parameters, all distinct
    family, parameters, points = families[2], generic.parameters[2], generic.points[2]
    for point in points:
        assert np.linalg.norm(family.residual_and_jacobian(point, parameters)[0]) < 1e-8
    orbits = np.vstack([family.orbit(p) for p in points])
    assert len(np.unique(np.round(orbits, 8), axis=0)) == mapped.found == solved.found
    # and their number is the stratum's own count, by Singular over QQ
    c = [Fraction(k + 2, 5) for k in range(family.size)]
    assert mapped.found == _torus_count_over_qq(family, c) and mapped.complete and generic.complete


@pytest.mark.phcpack
@pytest.mark.exact
def test_images_that_fall_into_one_orbit_make_the_mapped_stratum_incomplete(monkeypatch):
    # were a symmetry to map two orbits of the solved stratum into one orbit of its image, the
    # image would hold fewer points than the source: counted as they are, and not complete
    problem = load_case("net121_sq_l2").spec.problem
    system = build_system(problem)
    families = stratum_families(problem, system, seed=1)
    plain = monodromy._image_stratum

    def merged(solution, source, symmetry, family):
        parameters, points = plain(solution, source, symmetry, family)
        return parameters, np.vstack([points[:-1], family.orbit(points[0])[-1:]])  # last = an image of the first

    monkeypatch.setattr(monodromy, "_image_stratum", merged)
    generic = solve_generic(families, get_backend("phcpack"), seed=1)
    mapped, solved = generic.records[2], generic.records[1]
    assert solved.complete and mapped.found < solved.found and not mapped.complete and not generic.complete


def _stopped_path():
    """A path of the [1,4,4,1] network's full-support stratum that PHCpack stopped at s = 0.9945."""
    data = json.loads((Path(__file__).parent / "data" / "stopped_path_1441.json").read_text())
    problem = load_spec(ROOT / "benchmarks" / "cases" / "lin_1441.toml").problem
    system = build_system(problem)
    (family, *_) = stratum_families(problem, system, seed=7)
    complex_of = lambda pairs: np.array([complex(a, b) for a, b in pairs])  # noqa: E731
    return (system, family, complex_of(data["point"]), data["t"], complex_of(data["parameters"]),
            complex(*data["gamma"]))


@pytest.mark.phcpack
def test_a_path_rounding_keeps_from_a_1e_8_newton_is_finished_at_1e_6_and_certified(monkeypatch):
    # its endpoint has norm 257 and coordinates from 0.36 to 113: Newton's corrections stay above
    # a relative 1e-8 near s = 1, so the first tolerance gives the path up and the second ends it
    system, family, point, t, parameters, gamma = _stopped_path()
    assert family.size == 24 and 0.99 < t < 1
    monkeypatch.setattr("algmorse.engine.family._FINISH_STEPS", 300)  # enough at 1e-6; spares time at 1e-8
    finished = family.finish_path(point, t, parameters, gamma)
    assert finished is not None and np.linalg.norm(finished) > 200
    certified = certify_point(BallSystem(system), family.lift(finished))
    assert certified is not None  # a critical point, proven, in the stratum (no coordinate zero)
    assert np.min(np.abs(certified.center[family.support])) > 0.1
    monkeypatch.setattr("algmorse.engine.family._FINISH_TOLERANCES", (1e-8,))
    assert family.finish_path(point, t, parameters, gamma) is None
