"""ReLU networks: activation patterns, pattern polynomials, cone-by-cone solves, seeds 002 and 003."""

from __future__ import annotations

import json
from fractions import Fraction as F
from math import comb

import numpy as np
import pytest
from _examples import load_example

from algmorse import SolveOptions, SpecError, analyze
from algmorse.cli import main
from algmorse.model.spec import parse_spec
from algmorse.model.system import build_system
from algmorse.relu.analyze import (
    analyze_relu,
    cone_status,
    network_patterns,
    neuron_regions,
    pattern_loss,
    relu_loss,
)
from algmorse.relu.arrangement import arrangement_regions, region_count_formula, sign_vector
from algmorse.relu.cones import (
    cone_fractions,
    cone_problem,
    local_minimum_test,
    neuron_pattern_count,
    neuron_pattern_formula,
    solve_subsets,
    surjections,
)
from algmorse.relu.result import ReluAnalysis, load_relu_analysis, write_relu_analysis
from algmorse.results.library import list_cases, load_case
from algmorse.testing import assert_matches_expected


def relu_problem(x, y, width, *, reg=None, bias=False):
    spec = {"network": {"widths": [len(x[0]) if isinstance(x[0], list) else 1, width, 1], "activation": "relu",
                        "bias": bias},
            "data": {"x": x, "y": y}}
    if reg is not None:
        spec["regularizer"] = reg
    return parse_spec(spec).problem


# -- the spec -------------------------------------------------------------------------------------

def test_relu_spec_loads_and_round_trips():
    problem = relu_problem([1, -1], [2, 1], 2, reg={"kind": "l2", "eps": "1/4"})
    assert problem.network.is_relu and problem.network.activation.text == "relu"
    from algmorse.model.spec import problem_to_spec
    assert parse_spec(problem_to_spec(problem)).problem == problem


@pytest.mark.parametrize("widths", [[1, 2, 2, 1], [1, 1]])
def test_relu_spec_rejects_other_depths(widths):
    with pytest.raises(SpecError) as info:
        parse_spec({"network": {"widths": widths, "activation": "relu"}, "data": {"x": [1], "y": [[1]] * 1}})
    assert info.value.field == "network.widths"
    assert "two-layer" in str(info.value)


def test_relu_spec_rejects_multiplicative_regularizer():
    with pytest.raises(SpecError) as info:
        relu_problem([1, -1], [2, 1], 2, reg={"kind": "multiplicative", "eps": 1})
    assert info.value.field == "regularizer.kind"


def test_polynomial_pipeline_refuses_relu_with_a_pointer():
    with pytest.raises(SpecError, match="analyze_relu"):
        analyze(relu_problem([1, -1], [2, 1], 1))


# -- pattern enumeration ----------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "d", "seed"), [(3, 2, 0), (4, 2, 1), (5, 3, 2), (2, 3, 3), (6, 3, 4), (4, 1, 5)])
def test_regions_match_the_formula_and_random_sampling(n, d, seed):
    rng = np.random.default_rng(seed)
    x = [[int(v) for v in rng.integers(-9, 10, size=d)] for _ in range(n)]
    regions = arrangement_regions(x)
    # Cover's count 2 sum_{i<d} C(n-1, i) (n points in general position in R^d):
    assert len(regions) == region_count_formula(n, d) == 2 * sum(comb(n - 1, i) for i in range(d))
    assert all(sign_vector(r.interior_point, x) == r.signs for r in regions)
    sampled = {tuple(int(s) for s in np.sign(np.array(x, float) @ u)) for u in rng.standard_normal((40000, d))}
    enumerated = {r.signs for r in regions}
    assert sampled <= enumerated
    if d <= 2:  # small regions of 3-D arrangements are easily missed by sampling; 2-D ones are not
        assert sampled == enumerated


def test_one_dimensional_data_without_bias_has_two_patterns():
    regions = arrangement_regions([[2], [-1], [3]])
    assert [r.active for r in regions] == [(0, 2), (1,)]       # u > 0: the positive points
    assert [r.rays for r in regions] == [((F(1),),), ((F(-1),),)]


def test_dependent_data_are_rejected():
    with pytest.raises(SpecError) as info:
        arrangement_regions([[1, 2], [2, 4], [1, 0]])
    assert info.value.field == "data.x" and "points 1, 2" in str(info.value)


def test_seed003_counts_match_the_formula():
    rng = np.random.default_rng(7)
    for n, d in [(3, 1), (4, 2), (5, 2), (6, 3), (7, 3)]:
        x = [[int(v) for v in rng.integers(-20, 21, size=d)] for _ in range(n)]
        assert neuron_pattern_count(x) == neuron_pattern_formula(n, d) == 4 * sum(comb(n - 1, i) for i in range(d))


def test_patterns_up_to_permutation_count_orbits():
    problem = relu_problem([1, -1, 2], [1, 2, 3], 3)
    listed = network_patterns(problem, neuron_regions(problem))
    # 2 regions, 3 neurons: multisets {000, 001, 011, 111} with orbits 1, 3, 3, 1 = 2^3 ordered patterns.
    assert [size for _, size in listed] == [1, 3, 3, 1]
    genl2 = relu_problem([1, -1, 2], [1, 2, 3], 3, reg={"kind": "generalized-l2"})
    assert len(network_patterns(genl2, neuron_regions(genl2))) == 8


# -- the polynomial of a pattern ---------------------------------------------------------------------

@pytest.mark.parametrize("bias", [False, True])
def test_pattern_polynomial_equals_relu_loss_inside_its_cone(bias):
    problem = relu_problem([[1, 2], [-1, 1], [2, -1], [0, 1]], [1, -2, 3, 1], 2,
                           reg={"kind": "generalized-l2"}, bias=bias)
    from dataclasses import replace
    problem = replace(problem, regularizer=problem.regularizer.resolved(len(problem.variables), 3))
    regions = neuron_regions(problem)
    rng = np.random.default_rng(0)
    names = problem.network.parameter_names
    n0 = 2
    for pattern in [(0, 1), (2, len(regions) - 1), (1, 1)]:
        loss = pattern_loss(problem, regions, pattern)
        system = build_system(loss.problem)
        for _ in range(3):
            values = {name: F(int(rng.integers(-9, 10)), 7) for name in names}
            for j, r in enumerate(pattern):  # put neuron j strictly inside region r: a positive combination of rays
                weights = [F(int(rng.integers(1, 5)))] * len(regions[r].rays)
                point = [sum((w * ray[k] for w, ray in zip(weights, regions[r].rays)), F(0)) for k in range(n0 + bias)]
                for k in range(n0):
                    values[f"w1_{j + 1}_{k + 1}"] = point[k]
                if bias:
                    values[f"b1_{j + 1}"] = point[n0]
            theta = [values[name] for name in names]
            assert cone_status(problem, regions, pattern, [float(t) for t in theta]) == "inside"
            exact = system.loss(*[values[v] for v in system.variables])  # a QQ element (gmpy, flint or python)
            assert F(int(exact.numerator), int(exact.denominator)) == relu_loss(problem, theta)


def test_blocks_split_the_sides_of_one_dimensional_data():
    problem = relu_problem([1, 2, -1], [1, 1, 1], 3)
    regions = neuron_regions(problem)
    loss = pattern_loss(problem, regions, (0, 0, 1))
    assert [b.variables for b in loss.blocks] == [("w1_1_1", "w1_2_1", "w2_1_1", "w2_1_2"), ("w1_3_1", "w2_1_3")]
    assert loss.constant == 0 and loss.dead == ()


def test_dead_neuron_and_constant_term():
    # x = (1, 2): the region u < 0 is inactive on both points (a dead neuron); nothing fits y, so
    # the data term of the all-dead pattern is the constant 1/2 (1 + 4).
    problem = relu_problem([1, 2], [1, 2], 1)
    regions = neuron_regions(problem)
    loss = pattern_loss(problem, regions, (1,))
    assert loss.dead == (0,) and loss.blocks == () and loss.constant == F(5, 2) and loss.problem is None


def test_cone_status():
    problem = relu_problem([1, -1], [2, 1], 1)
    regions = neuron_regions(problem)
    assert cone_status(problem, regions, (0,), [1.5, 3.0]) == "inside"
    assert cone_status(problem, regions, (0,), [0.0, 3.0]) == "boundary"
    assert cone_status(problem, regions, (0,), [-1.0, 3.0]) == "outside"


# -- solving cone by cone: the fixtures (hand derivations in their comments) -------------------------

@pytest.mark.phcpack
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if load_case(n).slow else n
                                  for n in list_cases("relu")])
def test_relu_case_matches_expected(name):
    case = load_case(name)
    analysis = analyze_relu(case.spec.problem, options=SolveOptions(seed=1))
    assert_matches_expected(analysis, case)


@pytest.mark.phcpack
def test_sign_filtering_and_boundary_points_width_one_l2():
    # relu_111_l2 (hand derivation in the fixture): the polynomial of the cone u > 0 has three real
    # critical points: u = w = sqrt(3/2) (inside), the origin (boundary), u = w = -sqrt(3/2) (outside, dropped).
    analysis = analyze_relu(load_case("relu_111_l2").spec.problem, options=SolveOptions(seed=3))
    positive = next(p for p in analysis.patterns if p.active == ((1,),))
    assert [tuple(round(c.real, 9) for c in q.coordinates) for q in positive.critical_points] == \
        [(round(1.5 ** 0.5, 9),) * 2]
    assert [q.coordinates for q in positive.boundary_points] == [(0j, 0j)]
    assert positive.critical_points[0].kind == "minimum"
    assert analysis.global_minimum == pytest.approx(11 / 8)


@pytest.mark.phcpack
def test_seed002_dimension_two_without_regularizer_width_two():
    # relu_121_noreg: global minima {u1 w1 = 2, u1 > 0} x {u2 w2 = -1, u2 < 0}: dimension 2m - 2 = 2; the
    # Hessian has rank 2 there (the loss depends on (u1 w1, u2 w2) only), nullity 4 - 2 = 2.
    analysis = analyze_relu(load_case("relu_121_noreg").spec.problem, options=SolveOptions(seed=2))
    assert analysis.global_minimum_dimension == 2
    (best,) = [c for p in analysis.patterns for c in p.components if abs(c.loss) < 1e-9]
    assert best.hessian_nullity == 2 and best.kind == "minima"
    u1, u2, w1, w2 = best.point
    assert u1 > 0 > u2 and u1 * w1 == pytest.approx(2) and u2 * w2 == pytest.approx(-1)


# -- results: JSON and the command line -------------------------------------------------------------

@pytest.mark.phcpack
def test_json_round_trip_and_cli(tmp_path, capsys):
    spec = tmp_path / "relu.toml"
    spec.write_text('[network]\nwidths = [1, 1, 1]\nactivation = "relu"\n[data]\nx = [1, -1]\ny = [2, 1]\n'
                    '[regularizer]\nkind = "l2"\neps = "1/4"\n[solve]\nseed = 1\n', encoding="utf-8")
    out = tmp_path / "relu.json"
    assert main(["solve", str(spec), "-o", str(out), "--quiet"]) == 0
    assert "ReluAnalysis: 2 neuron patterns" in capsys.readouterr().out
    analysis = load_relu_analysis(out)
    assert analysis.global_minimum == pytest.approx(11 / 8)
    again = tmp_path / "again.json"
    write_relu_analysis(ReluAnalysis.from_dict(analysis.to_dict()), again)
    assert json.loads(again.read_text()) == json.loads(out.read_text())
    assert main(["show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "pattern 0: active sets {1}" in shown and "boundary" in shown


def test_loading_a_catalog_as_relu_analysis_fails_clearly(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"schema": "algmorse.catalog/1"}))
    from algmorse.errors import CatalogError
    with pytest.raises(CatalogError, match="algmorse.relu/1"):
        load_relu_analysis(path)


# -- seed 003: the cone experiment ---------------------------------------------------------------------

CONE_DATA = {"x": [[2, 1], [-1, 2], [1, -3]], "y": [1, 2, 3]}


def cone_data(width=1, eps="1/20"):
    return relu_problem(CONE_DATA["x"], CONE_DATA["y"], width, reg={"kind": "l2", "eps": eps})


def test_surjections():
    # 3 neurons onto 2 patterns: 2^3 - 2 = 6; onto more patterns than neurons: none.
    assert surjections(3, 2) == 6 and surjections(2, 3) == 0 and surjections(4, 1) == 1


def test_one_neuron_cone_by_hand_one_dimensional():
    # d = 1, x = (1, -1), y = (2, 1), scale 1/2, eps = 1/4 (lambda = 1/2). The cone (u >= 0, a >= 0):
    # z = a u >= 0 fits x = 1: min 1/2 (z - 2)^2 + 1/2 * 1 + z/2 at z = 3/2, value 7/8 + 1/2 = 11/8 (the
    # relu_111_l2 minimum). The cone (u >= 0, a <= 0): z <= 0, minimum at z = 0, value 5/2.
    cp = cone_problem(relu_problem([1, -1], [2, 1], 1, reg={"kind": "l2", "eps": "1/4"}))
    subsets = np.eye(len(cp.patterns), dtype=bool)
    solved = solve_subsets(cp, subsets, iterations=300)
    values = {cp.patterns[k]: v for k, v in enumerate(solved.values)}
    assert solved.verified.all()
    assert values[(0, 1)] == pytest.approx(11 / 8, abs=1e-12) and values[(0, -1)] == pytest.approx(5 / 2, abs=1e-12)
    assert values[(1, 1)] == pytest.approx(19 / 8, abs=1e-12)  # u <= 0, a >= 0: 1/2 (z - 1)^2 + 2 + z/2 at z = 1/2
    # The minimiser of (u >= 0, a <= 0) is the origin; a neuron can grow there into (u >= 0, a >= 0): not a local min.
    k = cp.patterns.index((0, -1))
    assert local_minimum_test(cp, solved.z[k], solved.residuals[k], subsets[k]) is False
    k = cp.patterns.index((0, 1))  # z = 3/2 inside: its only neighbouring cones are its own
    assert local_minimum_test(cp, solved.z[k], solved.residuals[k], subsets[k]) is True


@pytest.mark.phcpack
def test_structured_cone_minima_agree_with_the_pipeline():
    """Width 1, d = 2: where the cone's convex minimiser is interior, the pattern polynomial (solved by
    the general pipeline) has exactly one real critical point strictly inside the open cone, a minimum
    with the same loss; where it is on the boundary, none."""
    problem = cone_data()
    cp = cone_problem(problem)
    regions = neuron_regions(problem)
    subsets = np.eye(len(cp.patterns), dtype=bool)
    solved = solve_subsets(cp, subsets, iterations=400)
    assert solved.verified.all()
    checked = {"interior": 0, "boundary": 0}
    for k, (region, sigma) in enumerate(cp.patterns):
        loss = pattern_loss(problem, regions, (region,))
        if loss.problem is None or not loss.blocks:
            continue
        catalog = analyze(loss.problem, options=SolveOptions(seed=k + 1))
        inside = [p for p in catalog.real()
                  if cone_status(problem, regions, (region,), [c.real for c in p.coordinates]) == "inside"
                  and p.coordinates[2].real * sigma > 0]
        z = solved.z[k][k]
        rows = cp.constraint_rows[k]
        interior = np.linalg.norm(z) > 1e-9 and np.all(rows @ z > 1e-9 * np.linalg.norm(z))
        if interior:
            assert len(inside) == 1 and inside[0].kind == "minimum"
            assert inside[0].loss.real == pytest.approx(solved.values[k], rel=1e-9)
        else:
            assert inside == []
        checked["interior" if interior else "boundary"] += 1
    assert checked["interior"] >= 2 and checked["boundary"] >= 2


def _support_fraction(cp, m, iterations=300):
    """Fraction of the P^m cones whose patterns include the support of the widest problem's minimiser,
    by inclusion-exclusion: sum_i (-1)^i C(s, i) ((P - i) / P)^m (s = support size)."""
    count = len(cp.patterns)
    widest = solve_subsets(cp, np.ones((1, count), dtype=bool), iterations=iterations)
    support = int(np.sum(np.linalg.norm(widest.z[0], axis=-1) > 1e-9))
    return sum(F((-1) ** i * comb(support, i) * (count - i) ** m, count ** m) for i in range(support + 1)), widest


@pytest.mark.parametrize("width", [1, 2, 3, 8])
def test_cone_fractions_one_dimensional(width):
    # d = 1, x = (1, 2, -1), y = (1, 3, 2), scale 1/2, eps = 1/10 (lambda = 1/5): 2 regions, 4 neuron
    # patterns (u >< 0, a >< 0), 15 subsets. By hand: the side x > 0 is fitted by z = a u >= 0 minimising
    # 1/2 ((z - 1)^2 + (2 z - 3)^2) + z/5, i.e. 5 z - 7 + 1/5 = 0, z = 34/25, value 13/125 + 34/125 = 47/125;
    # the side x = -1 by t = -a u >= 0 (u < 0, a > 0) minimising 1/2 (t - 2)^2 + t/5: t = 9/5, value
    # 1/50 + 9/25 = 19/50. L*(m) = 47/125 + 19/50 = 189/250 from m = 2 on, reached exactly by the cones
    # holding both patterns (u > 0, a > 0) and (u < 0, a > 0): a fraction 1 - 2 (3/4)^m + (1/2)^m.
    problem = relu_problem([1, 2, -1], [1, 3, 2], width, reg={"kind": "l2", "eps": "1/10"})
    cp = cone_problem(problem)
    assert len(cp.patterns) == neuron_pattern_formula(3, 1) == 4
    fractions = cone_fractions(cp, [width], iterations=300)
    assert fractions.unresolved_subsets == 0 and fractions.undecided_fraction == (0,)
    if width >= 2:
        assert fractions.global_minimum[0] == pytest.approx(189 / 250, rel=1e-10)
        assert fractions.global_fraction[0] == 1 - 2 * F(3, 4) ** width + F(1, 2) ** width
    else:  # one neuron fits one side only: the better is x > 0, 47/125 + 1/2 * 2^2 (not 19/50 + 1/2 (1 + 9))
        assert fractions.global_minimum[0] == pytest.approx(47 / 125 + 2, rel=1e-10)
        assert fractions.global_fraction[0] == F(1, 4)
        # spurious (seed 003's other fraction), by hand: the cone (u < 0, a > 0) has its minimum at
        # t = 9/5 > 0, strictly inside it, so a local minimum (loss 19/50 + 5) that is not global;
        # the cones (u > 0, a < 0) and (u < 0, a < 0) have theirs at the zero neuron, which the cone
        # (u > 0, a > 0) improves on: not a local minimum. Spurious fraction 1/4.
        assert fractions.spurious_fraction[0] == F(1, 4)


@pytest.mark.slow
def test_cone_fractions_two_dimensional():
    problem = cone_data()
    cp = cone_problem(problem)
    assert len(cp.patterns) == neuron_pattern_formula(3, 2) == 12
    fractions = cone_fractions(cp, [1, 2, 60], iterations=400)
    assert fractions.unresolved_subsets == 0
    # Width 1: exactly the cones of the best single neuron pattern hold the global minimum.
    solved = solve_subsets(cp, np.eye(12, dtype=bool), iterations=400)
    best = np.min(solved.values)
    assert fractions.global_fraction[0] == F(int(np.sum(np.abs(solved.values - best) <= 1e-8)), 12)
    assert fractions.global_minimum[0] == pytest.approx(best, rel=1e-10)
    # From the width of the optimal support on, the global cones are those holding the support.
    expected, widest = _support_fraction(cp, 60, iterations=400)
    assert fractions.global_minimum[2] == pytest.approx(widest.values[0], rel=1e-10)
    assert fractions.global_fraction[2] == expected and expected > F(95, 100)
    assert fractions.spurious_fraction[2] < F(1, 1000)


# -- the examples -------------------------------------------------------------------------------------

seed002 = load_example("seed002_relu_minima_dimension")
seed003 = load_example("seed003_activation_cones")


def test_seed002_hand_minima():
    # x = (1, 2, -1, -3), y = (1, 3, 2, 1). No regularizer: slopes 7/5 (x > 0) and -5/10 = -1/2 (x < 0);
    # residuals (2/5, -1/5) and (-3/2, 1/2): 1/2 (1/5) + 1/2 (10/4) = 1/10 + 5/4 = 27/20.
    assert seed002.exact_minimum(l2=False) == F(27, 20)
    # L2 with beta = 2 eps = 1/5: slopes (7 - 1/5)/5 = 34/25 and -(5 - 1/5)/10 = -12/25; data terms 13/125 and
    # 313/250, penalties 34/125 and 12/125: total 47/125 + 337/250 = 431/250.
    assert seed002.exact_minimum(l2=True) == F(431, 250)


@pytest.mark.phcpack
@pytest.mark.parametrize(("l2", "dimension"), [(False, 2), (True, 0)])
def test_seed002_width_two(l2, dimension):
    analysis, computed, nullity = seed002.minimum_dimension(2, l2=l2)
    assert computed == nullity == dimension  # 2m - 2 and m - 2 at m = 2
    assert analysis.global_minimum == pytest.approx(float(seed002.exact_minimum(l2=l2)), abs=1e-9)


@pytest.mark.slow
@pytest.mark.phcpack
@pytest.mark.parametrize(("l2", "dimension"), [(False, 4), (True, 1)])
def test_seed002_width_three(l2, dimension):
    """The seed's formulas 2m - 2 (no regularizer) and m - 2 (L2) at m = 3 (about 30 s together)."""
    analysis, computed, nullity = seed002.minimum_dimension(3, l2=l2)
    assert computed == nullity == dimension
    assert analysis.global_minimum == pytest.approx(float(seed002.exact_minimum(l2=l2)), abs=1e-9)


def test_seed003_pattern_counts():
    assert all(counted == formula for _, _, counted, formula in seed003.pattern_counts())


def test_seed003_one_dimensional_fractions():
    # x = (1, 2, -1), y = (1, 3, 2): both sides are fitted by a positive output (as in
    # test_cone_fractions_one_dimensional), so from width 2 on the global cones are those holding both
    # patterns (u > 0, a > 0) and (u < 0, a > 0).
    result = seed003.fractions(seed003.CONE_CASES["n = 3, d = 1"], [2, 5])
    assert result.global_fraction == tuple(1 - 2 * F(3, 4) ** m + F(1, 2) ** m for m in (2, 5))


@pytest.mark.slow
@pytest.mark.phcpack
@pytest.mark.parametrize("module, figures", [
    (seed002, ["width2_noreg_slice.png", "width2_l2_slice.png"]),
    (seed003, ["cones_n3_d1.png", "cones_n3_d2.png"]),
])
def test_example_runs_end_to_end(module, figures, tmp_path, capsys):
    assert module.main(["--out", str(tmp_path)]) == 0
    for name in figures:
        assert (tmp_path / name).stat().st_size > 10_000
    assert "figure:" in capsys.readouterr().out
