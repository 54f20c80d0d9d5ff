"""Seed 003 (Boursier et al.): activation cones of two-layer ReLU networks with weight decay
=========================================================================================

Claims (``shared/seeds/003_*.txt``; ``shared/notes/math.md``, seed 003):

1. ``n`` data points in general position in ``R^d`` (no bias) have ``4 sum_{i=0}^{d-1} C(n-1, i)``
   non-empty neuron activation patterns. The factor 4 is 2 x 2: the regions of the central
   arrangement ``{u : u . x_i = 0}`` number ``2 sum_{i<d} C(n-1, i)`` (Cover 1965), and a neuron
   pattern is a region together with the sign of the neuron's output weight.
2. (Figure 1) As the width ``m`` grows past that count, almost every activation cone contains a
   global minimum of the L2-regularized loss, and the fraction of cones containing a spurious local
   minimum vanishes.

What is computed: the patterns are enumerated exactly (:mod:`algmorse.relu.arrangement`) and counted
against the formula for several ``(n, d)``; then, for widths ``m = 1..M``, the fraction of *all*
``P^m`` activation cones (``P`` neuron patterns; closed cones, see :mod:`algmorse.relu.cones`)

* containing a global minimum: the cone's minimum ``F*_T`` (a convex problem over the set ``T`` of
  its distinct neuron patterns) equals the width-``m`` global minimum ``min_{|T| <= m} F*_T``;
* containing a spurious local minimum: ``F*_T`` is larger and the cone's balanced minimiser is a
  local minimum of the loss (the convex optimality conditions hold in every closed cone
  containing it).

Every subset ``T`` is solved once and weighted by the number of cones with that pattern set, so the
fractions are exact sums, not samples. The structured answers are checked against the general
polynomial pipeline on the one-neuron cones in ``tests/test_relu.py``.

Run: ``python3 examples/seed003_activation_cones.py [--out DIR] [--max-width M]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from algmorse.model.spec import parse_spec
from algmorse.relu.arrangement import arrangement_regions
from algmorse.relu.cones import ConeFractions, cone_fractions, cone_problem, neuron_pattern_formula
from algmorse.results.plot import save_figure, sweep_figure

COUNT_CASES = ((3, 1), (5, 1), (3, 2), (4, 2), (6, 2), (4, 3), (6, 3), (8, 3), (7, 4))
CONE_CASES = {
    "n = 3, d = 1": {"x": [[1], [2], [-1]], "y": [1, 3, 2]},
    "n = 3, d = 2": {"x": [[2, 1], [-1, 2], [1, -3]], "y": [1, 2, 3]},
}
EPS = "1/20"  # weight decay eps |theta|^2 (lambda = 2 eps = 1/10)


def random_points(n: int, d: int, seed: int) -> list[list[int]]:
    """Integer points in general position (redrawn until every d of them are independent)."""
    rng = np.random.default_rng(seed)
    while True:
        points = [[int(v) for v in rng.integers(-30, 31, size=d)] for _ in range(n)]
        try:
            arrangement_regions(points)
            return points
        except ValueError:
            continue


def pattern_counts(cases=COUNT_CASES, seed: int = 3) -> list[tuple[int, int, int, int]]:
    """``(n, d, enumerated, formula)`` for random data in general position."""
    rows = []
    for n, d in cases:
        regions = arrangement_regions(random_points(n, d, seed + 10 * n + d))
        rows.append((n, d, 2 * len(regions), neuron_pattern_formula(n, d)))
    return rows


def fractions(case: dict, widths, iterations: int = 400) -> ConeFractions:
    """Exact fractions of cones of each width holding a global / spurious local minimum."""
    problem = parse_spec({"network": {"widths": [len(case["x"][0]), 1, 1], "activation": "relu"},
                          "data": case, "regularizer": {"kind": "l2", "eps": EPS}}).problem
    return cone_fractions(cone_problem(problem), widths, iterations=iterations)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="figures/seed003", help="directory for the figures")
    parser.add_argument("--max-width", type=int, default=40, help="largest width m")
    args = parser.parse_args(argv)
    out = Path(args.out)
    print("neuron activation patterns (region, output sign), enumerated exactly vs 4 sum_{i<d} C(n-1, i):")
    print(f"{'n':>3} {'d':>3} {'enumerated':>11} {'formula':>8}")
    for n, d, counted, formula in pattern_counts():
        print(f"{n:>3} {d:>3} {counted:>11} {formula:>8}")
    widths = list(range(1, args.max_width + 1))
    for label, case in CONE_CASES.items():
        started = time.perf_counter()
        result = fractions(case, widths)
        seconds = time.perf_counter() - started
        print(f"\n{label}: x = {case['x']}, y = {case['y']}, eps = {EPS}; {result.patterns} neuron patterns, "
              f"{2 ** result.patterns - 1} convex problems ({result.unresolved_subsets} unresolved), {seconds:.1f} s")
        print(f"{'m':>3} {'global':>8} {'spurious':>9} {'undecided':>9} {'L*(m)':>10}")
        for m, g, s, u, best in zip(result.widths, result.global_fraction, result.spurious_fraction,
                                    result.undecided_fraction, result.global_minimum):
            if m <= 6 or m % 5 == 0:
                print(f"{m:>3} {float(g):>8.4f} {float(s):>9.4f} {float(u):>9.4f} {best:>10.6f}")
        figure = sweep_figure(
            widths,
            {"contain a global minimum": [float(v) for v in result.global_fraction],
             "contain a spurious local minimum": [float(v) for v in result.spurious_fraction]},
            xlabel="width m", ylabel="fraction of all activation cones",
            marks=[(result.patterns, f"{result.patterns} neuron patterns")],
            title=f"seed 003, {label}, eps = {EPS}: exact fractions of all cones")
        path = save_figure(figure, out / f"cones_n{len(case['x'])}_d{len(case['x'][0])}.png")
        print(f"figure: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
