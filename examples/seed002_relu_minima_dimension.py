"""Seed 002 (Eshima-Yamada): the set of global minima of a two-layer ReLU network on 1-D data
==========================================================================================

Claim (``shared/seeds/002_*.txt``; ``shared/notes/math.md``, seed 002): for
``f(x) = sum_j w_j max(x u_j, 0)`` (width ``m``, no bias) and the squared loss
``1/2 sum_i (f(x_i) - y_i)^2`` on data with points on both sides of 0 (sets S: x > 0, S^c: x < 0), the
set of global minima has dimension ``2m - 2`` without regularizer and ``m - 2`` with
``beta/2 sum_j (u_j^2 + w_j^2)``.

Why (the computation below does not assume it): a neuron with ``u_j > 0`` acts on S, one with
``u_j < 0`` on S^c, and the fit on each side depends only on ``a = sum u_j w_j`` over its neurons.
Without regularizer each side's minimisers are the quadric ``sum_{p neurons} u_j w_j = a*`` (dimension
``2p - 1``), so ``(2p - 1) + (2q - 1) = 2m - 2`` when ``p + q = m``. With L2, ``beta sum (u_j^2 + w_j^2)/2 >=
beta |a|`` with equality iff ``w_j = sign(a) u_j``: the minimisers are ``sum_P u_j^2 = |a*|`` (a sphere
``S^(p-1)``), and ``(p - 1) + (q - 1) = m - 2`` (the paper's Theta* also has neurons at ``u_j = w_j = 0``,
lower-dimensional pieces on cone boundaries).

What is computed: :func:`algmorse.relu.analyze.analyze_relu` on each width, up to neuron permutations and
restricted to the cones with neurons on both sides (a cone with an empty side leaves ``f = 0``
there and loses ``1/2 sum y_i^2 > 0`` against the fitted side, whatever the other neurons do, since
each side's optimum does not depend on how many neurons it has). Each cone's polynomial splits into
an S block and an S^c block, solved by the general pipeline (PHCpack, numerical irreducible
decomposition); the dimension is that of the global-minimum component strictly inside a cone, and
is cross-checked against the Hessian nullity (number of parameters minus rank) at a real point of it.

Run: ``python3 examples/seed002_relu_minima_dimension.py [--out DIR] [--widths 2,3,4] [--l2-widths 2,3,4]``
(about 70 s on an idle 2-core machine; the L2 blocks' critical sets contain circles and spheres,
the rotations mixing the neurons of one side, and take most of it; several times longer when the
machine is shared).
"""

from __future__ import annotations

import argparse
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from algmorse.model.network import NetworkProblem
from algmorse.model.options import SolveOptions
from algmorse.model.spec import parse_spec
from algmorse.progress import show_progress
from algmorse.relu.analyze import analyze_relu, relu_loss
from algmorse.relu.result import ReluAnalysis
from algmorse.results.plot import save_figure, slice_figure

X = (1, 2, -1, -3)
Y = (1, 3, 2, 1)
EPS = Fraction(1, 10)  # the L2 term eps * |theta|^2, i.e. beta = 2 eps = 1/5


def seed002_problem(width: int, *, l2: bool, x=X, y=Y, eps: Fraction = EPS) -> NetworkProblem:
    """``f(x) = sum_j w2_1_j max(w1_j_1 x, 0)`` with loss ``1/2 sum (f - y)^2 (+ eps |theta|^2)``."""
    spec = {"network": {"widths": [1, width, 1], "activation": "relu"}, "data": {"x": list(x), "y": list(y)},
            "regularizer": {"kind": "l2", "eps": str(eps)} if l2 else {"kind": "none"}}
    return parse_spec(spec).problem


def both_sides(active: tuple[tuple[int, ...], ...], x=X) -> bool:
    """A cone with at least one neuron on each side of 0."""
    sides = {x[a[0]] > 0 for a in active if a}
    return sides == {True, False}


def minimum_dimension(width: int, *, l2: bool, seed: int = 1) -> tuple[ReluAnalysis, int | None, int | None]:
    """The analysis, the dimension of the global minima inside cones and the Hessian nullity there."""
    analysis = analyze_relu(seed002_problem(width, l2=l2), options=SolveOptions(seed=seed), patterns=both_sides)
    dimension = analysis.global_minimum_dimension
    best = analysis.global_minimum
    nullity = None
    for pattern in analysis.patterns:
        for component in pattern.components:
            if component.dimension == dimension and abs(component.loss - best) <= 1e-8 * max(1.0, abs(best)):
                nullity = component.hessian_nullity
        for point in pattern.critical_points:
            if dimension == 0 and abs(point.loss.real - best) <= 1e-8 * max(1.0, abs(best)):
                nullity = len(point.coordinates) - point.hessian_rank
    return analysis, dimension, nullity


def exact_minimum(*, l2: bool, x=X, y=Y, eps: Fraction = EPS) -> Fraction:
    """The global minimum by hand: each side fits ``f(x) = a x`` with the slope of :func:`exact_slope`."""
    total = Fraction(0)
    for positive in (True, False):
        a = exact_slope(l2, positive=positive, x=x, y=y, eps=eps)
        total += sum((a * Fraction(u) - w) ** 2 for u, w in zip(x, y) if (u > 0) == positive) / 2
        total += 2 * eps * abs(a) if l2 else 0
    return total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="figures/seed002", help="directory for the figures")
    parser.add_argument("--widths", default="2,3,4", help="widths without regularizer (comma separated)")
    parser.add_argument("--l2-widths", default="2,3,4", help="widths with L2 (comma separated)")
    args = parser.parse_args(argv)
    show_progress()  # each solve's progress on stderr, flushed: a log shows life
    out = Path(args.out)
    rows = []
    for l2, widths in ((False, args.widths), (True, args.l2_widths)):
        for width in (int(w) for w in widths.split(",") if w):
            started = time.perf_counter()
            analysis, dimension, nullity = minimum_dimension(width, l2=l2)
            expected = width - 2 if l2 else 2 * width - 2
            rows.append((width, "L2" if l2 else "none", expected, dimension, nullity, analysis.global_minimum,
                         float(exact_minimum(l2=l2)), time.perf_counter() - started))
    print(f"data x = {X}, y = {Y}; L2: eps |theta|^2 with eps = {EPS} (beta = {2 * EPS})")
    print(f"{'m':>2}  {'reg':<4}  {'expected':>8}  {'computed':>8}  {'nullity':>7}  {'global min':>12}  "
          f"{'by hand':>12}  {'seconds':>7}")
    for width, reg, expected, dimension, nullity, best, exact, seconds in rows:
        print(f"{width:>2}  {reg:<4}  {expected:>8}  {str(dimension):>8}  {str(nullity):>7}  {best:>12.8f}  "
              f"{exact:>12.8f}  {seconds:>7.1f}")
    for path in write_figures(out):
        print(f"figure: {path}")
    return 0


def write_figures(out: Path) -> list[Path]:
    """The loss on the (u_1, w_1) plane through a global minimum of width 2, without and with L2."""
    paths = []
    for l2 in (False, True):
        problem = seed002_problem(2, l2=l2)
        a_plus = float(exact_slope(l2, positive=True))
        a_minus = float(exact_slope(l2, positive=False))
        root = np.sqrt(abs(a_plus))
        center = np.array([root, -np.sqrt(abs(a_minus)), root * np.sign(a_plus), np.sqrt(abs(a_minus)) * -np.sign(a_minus)])
        directions = ([1, 0, 0, 0], [0, 0, 1, 0])
        loss = lambda theta, p=problem: float(relu_loss(p, theta))  # noqa: E731
        curves = []
        if not l2:  # the minimising curve of this slice: u_1 w_1 = a+ (u_1 > 0)
            u = np.linspace(0.35, root + 2.0, 200)
            curve = np.tile(center, (len(u), 1))
            curve[:, 0], curve[:, 2] = u, a_plus / u
            curves.append((f"u1 w1 = {a_plus:g} (global minima)", curve))
        title = f"seed 002, m = 2, {'L2' if l2 else 'no reg.'}: slice through a global minimum"
        figure = slice_figure(loss, center, directions, extent=2.0, curves=curves, title=title,
                              labels=("w1_1_1", "w1_2_1", "w2_1_1", "w2_1_2"),
                              center_label="centre: a global minimum")
        paths.append(save_figure(figure, out / f"width2_{'l2' if l2 else 'noreg'}_slice.png"))
    return paths


def exact_slope(l2: bool, *, positive: bool, x=X, y=Y, eps: Fraction = EPS) -> Fraction:
    """Optimal ``a = sum u_j w_j`` on one side (least squares, soft-thresholded by ``beta`` with L2)."""
    pairs = [(Fraction(v), Fraction(w)) for v, w in zip(x, y) if (v > 0) == positive]
    xy, xx = sum(a * b for a, b in pairs), sum(a * a for a, _ in pairs)
    if not l2:
        return xy / xx
    return (abs(xy) - 2 * eps) / xx * (1 if xy > 0 else -1)


if __name__ == "__main__":
    raise SystemExit(main())
