"""Certified folds (:mod:`algmorse.probes.folds`): by hand, and against independent solves.

By hand: ``L = x^3/3 - x + eps x`` has ``L' = x^2 - 1 + eps``: two real critical points
``+-sqrt(1 - eps)`` for ``eps < 1``, none for ``eps > 1``; they meet at ``x = 0`` when ``eps = 1``
(``L'' = 2x = 0`` there): a quadratic fold, a regular zero of the fold system.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from algmorse import SolveOptions, analyze
from algmorse.model.network import FunctionProblem, Regularizer
from algmorse.model.parameters import problem_parameter, with_parameter
from algmorse.model.spec import load_spec
from algmorse.probes.folds import certified_thresholds, fold_system

CUBIC = FunctionProblem(("x",), "x^3/3 - x", Regularizer("polynomial", Fraction(1, 2), "x"))


def test_the_fold_of_a_cubic_is_enclosed_tightly_around_the_hand_value():
    eps = problem_parameter(CUBIC, "eps")
    starts = [(Fraction(1, 2), [np.array([np.sqrt(0.5)]), np.array([-np.sqrt(0.5)])])]
    (fold,) = certified_thresholds(CUBIC, eps, starts)
    assert fold.low <= 1 <= fold.high and fold.high - fold.low < 1e-12
    assert abs(fold.point[0]) < 1e-12
    # an interval that excludes it keeps nothing
    assert certified_thresholds(CUBIC, eps, starts, interval=(0.0, 0.9)) == ()


def test_the_fold_system_is_the_hand_system():
    system = fold_system(CUBIC, problem_parameter(CUBIC, "eps"), [Fraction(2)])
    assert [str(f) for f in system.gradient] == ["x**2 + eps - 1", "2*x*kernel_1", "2*kernel_1 - 1"]
    assert system.is_gradient is False and len(system.hessian) == 3


@pytest.mark.phcpack
def test_a_certified_fold_of_the_readme_example_separates_independent_counts():
    # eps_2 of examples/net121_genl2.toml: 19 real points at 1/5, 17 at 1/4 (two solves of the
    # pipeline); the fold found between them must separate solves on either side of its value
    problem = load_spec("examples/net121_genl2.toml").problem
    eps2 = problem_parameter(problem, "eps_2")

    def real_points(value: Fraction):
        catalog = analyze(with_parameter(problem, eps2, value), options=SolveOptions(seed=2), progress=lambda s: None)
        return catalog, [np.asarray(p.coordinates).real for p in catalog.critical_points if p.is_real]

    (low_catalog, low_points), (high_catalog, high_points) = real_points(Fraction(1, 5)), real_points(Fraction(1, 4))
    assert (low_catalog.summary.real, high_catalog.summary.real) == (19, 17)
    folds = certified_thresholds(problem, eps2, [(Fraction(1, 5), low_points), (Fraction(1, 4), high_points)],
                                 interval=(0.2, 0.25))
    assert len(folds) == 1
    below, above = (Fraction(folds[0].low) - Fraction(1, 10**6), Fraction(folds[0].high) + Fraction(1, 10**6))
    counts = [analyze(with_parameter(problem, eps2, v), options=SolveOptions(seed=3), progress=lambda s: None).summary
              for v in (below, above)]
    assert [(c.real, c.minima, c.saddles) for c in counts] == [(19, 6, 13), (17, 5, 12)]


@pytest.mark.phcpack
@pytest.mark.exact
def test_a_sweep_draws_exact_thresholds_else_certified_folds(tmp_path, monkeypatch):
    import json

    import algmorse.probes.discriminant as discriminant_module
    from algmorse.errors import BackendTimeout
    from algmorse.sweep import sweep

    values = (Fraction(1, 2), Fraction(3, 4), Fraction(5, 4), Fraction(3, 2))
    exact = sweep(CUBIC, None, tmp_path / "exact", vary=[("eps", values)], options=SolveOptions(seed=1))
    assert [(t.value, t.kind, t.enclosure) for t in exact.thresholds] == [(1.0, "collision", None)]
    assert [r.real for r in exact.rows] == [2, 2, 0, 0]

    def out_of_time(*args, **kwargs):
        raise BackendTimeout("discriminant: Singular's elimination did not finish within the 1 s limit", 1.0)

    monkeypatch.setattr(discriminant_module, "discriminant", out_of_time)
    certified = sweep(CUBIC, None, tmp_path / "certified", vary=[("eps", values)], options=SolveOptions(seed=1))
    (fold,) = certified.thresholds
    assert fold.kind == "certified-fold" and fold.enclosure[0] <= 1 <= fold.enclosure[1]
    assert "other exceptional values may exist" in certified.thresholds_note
    assert "did not finish" in certified.thresholds_note
    summary = json.loads((tmp_path / "certified" / "summary.json").read_text())
    assert summary["thresholds"][0]["kind"] == "certified-fold"


def test_two_folds_are_both_kept_and_each_enclosure_holds_its_certificate_box():
    # L = x^4/4 - 3x^2/2 - eps x: L' = x^3 - 3x - eps, L'' = 3x^2 - 3; folds at x = +-1, where
    # eps = x^3 - 3x = -+2. From eps = 0 (points 0, +-sqrt 3) both are reached.
    from algmorse.engine.certify import certify_point

    quartic = FunctionProblem(("x",), "x^4/4 - 3*x^2/2", Regularizer("polynomial", Fraction(1), "-x"))
    eps = problem_parameter(quartic, "eps")
    starts = [(Fraction(0), [np.array([0.0]), np.array([np.sqrt(3)]), np.array([-np.sqrt(3)])])]
    folds = certified_thresholds(quartic, eps, starts)
    assert [round(f.value, 12) for f in folds] == [-2.0, 2.0]
    assert [round(f.point[0], 12) for f in folds] == [1.0, -1.0]
    for fold in folds:  # the enclosure is at least the certificate's box (never narrower)
        system = fold_system(quartic, eps, [Fraction(1)])
        box = certify_point(system.balls, np.array([fold.point[0], 1.0, fold.value], dtype=complex), real=True)
        center, radius = float(box.center[-1].real), box.certificate.radius
        assert fold.low <= center - radius and center + radius <= fold.high


def test_each_point_is_followed_to_where_its_path_turns_back():
    # L' = x^2 - 1 + eps: from eps = 0 (x = +-1) toward 3/2 in 16 steps of 3/32, the points
    # +-sqrt(1 - eps) exist up to eps = 15/16 (step 10) and not at 33/32: the starts are there,
    # at x = +-1/4, with the Hessian's kernel direction (the only one)
    from algmorse.probes.folds import _turning_points

    starts = _turning_points(CUBIC, problem_parameter(CUBIC, "eps"), Fraction(0),
                             [np.array([1.0]), np.array([-1.0])], 1.5)
    assert [p for p, _ in starts] == [0.9375, 0.9375]
    assert sorted(round(float(w[0]), 9) for _, (w, _) in starts) == [-0.25, 0.25]
    assert all(abs(abs(float(v[0])) - 1) < 1e-12 for _, (_, v) in starts)
