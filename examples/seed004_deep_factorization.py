"""Seed 004 (Kamber and Parhi): deep factorization with L2 regularization, computed exactly
========================================================================================

The claims (``shared/seeds/004_*.txt``; ``shared/notes/math.md``, "Seed 004"): for
L2-regularized deep factorization the end-to-end minimizer is unique for generic targets, the
layers of every minimizer are balanced, the Hessian spectrum is the same at every minimizer of a
scalar chain, the Frobenius norm of each layer is the same at every minimizer of a matrix
factorization, and above a threshold of the regularization the minimizer collapses to zero. For
the scalar chain, math.md adds: 1 + (2L-2) 2^(L-1) complex critical points (5, 17, 49, 129 for
L = 2..5), all nondegenerate, for standard and generalized L2.

Normalization
-------------
Scalar chain of depth L with target m (widths [1, ..., 1], linear, no bias, one data point
x = 1, y = m)::

    L(w) = 1/2 (w_1 w_2 ... w_L - m)^2 + (lam/2) (w_1^2 + ... + w_L^2),

which is algmorse's standard L2 ``eps * sum_j a_j^2`` with ``eps = lam / 2`` (the fixtures
``chain*_l2`` use eps = 1/10, i.e. lam = 1/5, and m = 2).

Derivations (by hand; the tests check them against the computations)
--------------------------------------------------------------------
*Balance.* w_i dL/dw_i = (p - m) p + lam w_i^2 with p = w_1 ... w_L, so at every critical point
w_i^2 = (m - p) p / lam is the same for all i: every real critical point is balanced.

*Hessian at the minimizers.* At w_i = s_i r (signs s_i with prod s_i = sign m) the Hessian is
D H' D with D = diag(s_i) and H' = r^(2L-2) 11^T - lam (11^T - I) + lam I, the same matrix for
every sign pattern (stationarity gives ``r^(L-2) (|m| - r^L) = lam``). Its eigenvalues are 2 lam
(L - 1 times) and L r^(2L-2) - (L - 2) lam: one spectrum for all 2^(L-1) global minimizers.

*Collapse threshold.* For a fixed product p, sum w_i^2 >= ``L |p|^(2/L)`` (AM-GM, equality iff the
``|w_i|`` are equal), so min L = min over rho >= 0 of

    ``phi(rho) = 1/2 (rho - |m|)^2 + (lam L / 2) rho^(2/L)``.

For L = 2, phi is a quadratic with minimizer ``rho = |m| - lam``: the two nonzero minima merge into
the origin continuously at ``lam* = |m|``. For L >= 3 the origin is always a local minimizer; the
global minimizer jumps to 0 at the lam where some rho > 0 has phi(rho) = phi(0) and
phi'(rho) = 0. Solving the two equations: ``rho* = |m| (L-2)/(L-1)`` and

    ``lam* = (1/L) (L |m| / (L-1))^(2(L-1)/L) ((L-2)/L)^((L-2)/L)``

(the L = 2 value ``|m|`` too, reading 0^0 = 1). For L = 3, ``lam* = (|m|/2)^(4/3)``: with m = 2, lam* = 1
exactly (phi(1) = phi(0) = 2 and phi'(1) = 0). The paper's threshold
``tau = (|m| / ((1 - q/2)(1 - q)^((q-1)/(2-q))))^(2-q)``, q = 2/L, is mu*/c for the 1-D objective
``c (rho - |m|)^2 + mu rho^q``; here c = 1/2 and mu = lam L / 2, so tau = L lam*: the paper's tau is
the threshold on lam L (for L = 2, ``tau = 2|m|``). We compare lam* with tau / L.

What is computed
----------------
1. Scalar chains L = 2..4 (5 with ``--max-depth 5``): all complex critical points with
   ``algmorse.analyze`` (``verify="exact"``: counts proven by Singular/msolve), standard and
   generalized L2; balance and the Hessian spectrum at the global minimizers, against the
   formulas above.
2. Matrix factorization, M = diag(3, 1), data x_i = e_i, y_i = M e_i, eps = 1/4 (lam = 1/2):
   widths [2, 1, 2] (rank-1 factorization; 4 parameters) with ``analyze``: layer norms,
   W1 W1^T = W2^T W2 and the end-to-end product at the minimizers. Widths [2, 2, 2] (8
   parameters) keep the O(2) symmetry W1 -> Q W1, W2 -> W2 Q^T, so its minimizers form two
   circles; ``analyze`` did not finish within 15 minutes on it (refine stage on the endpoints that
   sample the curves), so it is treated by exact algebra (Singular minimal primes) and real points
   W1 = Q D, W2 = D Q^T, D^2 = M - lam I, constructed by hand and checked against the exact
   gradient.
3. The collapse threshold: a sweep over lam / lam* in [0.53, 1.43] for L = 2, 3, 4 (the global
   minimizer = the real critical point of least loss), then bisection (14 halvings) of the
   bracketing grid interval.

Run ``python3 examples/seed004_deep_factorization.py [--out DIR] [--max-depth 5]``; figures go to
``DIR`` (default ``figures/seed004``).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import numpy as np

import algmorse
from algmorse.engine.exact import exact_check
from algmorse.progress import show_progress
from algmorse.results.catalog import Catalog
from algmorse.results.plot import (
    critical_values_figure,
    hessian_spectra_figure,
    save_figure,
    sweep_figure,
)

TARGET = Fraction(2)
"""m of the scalar chains (as in the fixtures chain*_l2)."""
LAM = Fraction(1, 5)
"""lam of the count and spectrum runs (eps = 1/10 as in the fixtures)."""
MATRIX = ((Fraction(3), Fraction(0)), (Fraction(0), Fraction(1)))
MATRIX_EPS = Fraction(1, 4)
SWEEP_RATIOS = tuple(round(0.53 + 0.1 * k, 2) for k in range(10))
"""lam / lam* of the sweep: 0.53, 0.63, ..., 1.43. Neither these nor the bisection midpoints of
(0.93, 1.03) are ever exactly 1, where two global minimizers tie (L >= 3) or the origin is a
degenerate critical point (L = 2)."""
ZERO_NORM = 1e-8
"""A global minimizer with norm below this is the origin."""


# -- the scalar chain -----------------------------------------------------------------------------

def chain_problem(depth: int, target: Fraction, lam: Fraction, *, generalized: bool = False) -> algmorse.NetworkProblem:
    """The scalar chain 1/2 (w_1...w_L - m)^2 + (lam/2) sum w_i^2 as a linear network.

    With ``generalized=True`` the regularizer is generalized L2 with random strengths drawn from
    the solve seed (``lam`` is then unused).
    """
    network = algmorse.Network((1,) * (depth + 1), algmorse.Activation.from_coefficients([0, 1]), bias=False)
    data = algmorse.Dataset(x=((Fraction(1),),), y=((Fraction(target),),))
    regularizer = algmorse.Regularizer("generalized-l2") if generalized else algmorse.Regularizer("l2", Fraction(lam) / 2)
    return algmorse.NetworkProblem(network, data, Fraction(1, 2), regularizer)


def complex_count(depth: int) -> int:
    """math.md's number of complex critical points of the regularized chain, 1 + (2L-2) 2^(L-1)."""
    return 1 + (2 * depth - 2) * 2 ** (depth - 1)


def collapse_threshold(depth: int, target: float) -> float:
    """lam* of the module docstring: above it the global minimizer of the chain is 0."""
    m, L = abs(float(target)), depth
    return (L * m / (L - 1)) ** (2 * (L - 1) / L) * ((L - 2) / L) ** ((L - 2) / L) / L


def paper_tau(depth: int, target: float) -> float:
    """Kamber-Parhi's tau = (|m| / ((1 - q/2)(1 - q)^((q-1)/(2-q))))^(2-q), q = 2/L (equals L lam*)."""
    q = 2 / depth
    return (abs(float(target)) / ((1 - q / 2) * (1 - q) ** ((q - 1) / (2 - q)))) ** (2 - q)


def phi(rho: np.ndarray, depth: int, target: float, lam: float) -> np.ndarray:
    """The balanced 1-D objective 1/2 (rho - |m|)^2 + (lam L/2) rho^(2/L)."""
    rho = np.asarray(rho, dtype=float)
    return 0.5 * (rho - abs(target)) ** 2 + lam * depth / 2 * rho ** (2 / depth)


def minimizer_radius(depth: int, target: float, lam: float) -> float:
    """|w_i| at the balanced nonzero local minimizer: the largest positive root of
    r^(2L-2) - |m| r^(L-2) + lam = 0 (i.e. r^(L-2) (|m| - r^L) = lam).

    Raises
    ------
    ValueError
        If there is no positive root (lam above the range where nonzero minima exist).
    """
    coefficients = np.zeros(2 * depth - 1)
    coefficients[0] = 1.0
    coefficients[depth] = -abs(float(target))
    coefficients[-1] += float(lam)
    roots = [z.real for z in np.roots(coefficients) if abs(z.imag) < 1e-9 and z.real > 0]
    if not roots:
        raise ValueError(f"no nonzero minimizer of the depth-{depth} chain at lam = {lam}.")
    return max(roots)


def minimizer_spectrum(depth: int, target: float, lam: float) -> list[float]:
    """Hessian eigenvalues at every nonzero balanced minimizer (module docstring), ascending."""
    r = minimizer_radius(depth, target, lam)
    return sorted([2 * lam] * (depth - 1) + [depth * r ** (2 * depth - 2) - (depth - 2) * lam])


def global_minimizers(catalog: Catalog, *, rtol: float = 1e-9) -> list[algmorse.CriticalPoint]:
    """The real critical points of least loss (the loss is coercive, so they are the global minimizers).

    Assumes the catalog is complete (checked by the callers against the exact count).
    """
    real = catalog.real()
    best = min(p.loss.real for p in real)
    return [p for p in real if p.loss.real <= best + rtol * max(1.0, abs(best))]


def coordinates(point: algmorse.CriticalPoint) -> np.ndarray:
    """Real coordinates of a real critical point."""
    return np.array([c.real for c in point.coordinates])


def balance_deviation(catalog: Catalog) -> float:
    """max over real critical points of max_i w_i^2 - min_i w_i^2 (0 when all are balanced)."""
    return max(float(np.ptp(coordinates(p) ** 2)) for p in catalog.real())


def spectrum_deviation(points: Sequence[algmorse.CriticalPoint], reference: Sequence[float]) -> float:
    """max over points and eigenvalues of |sorted Hessian eigenvalue - reference|."""
    ref = np.sort(np.asarray(reference, dtype=float))
    return max(float(np.max(np.abs(np.sort([e.real for e in p.hessian_eigenvalues]) - ref))) for p in points)


@dataclass(frozen=True, slots=True)
class ChainRow:
    """One scalar-chain solve."""

    depth: int
    regularizer: str
    found: int
    exact: int | None
    real: int
    degenerate: int
    complex_morse: bool | None
    seconds: float


def solve_chain(depth: int, target: Fraction, lam: Fraction, *, seed: int, generalized: bool = False) -> tuple[Catalog, ChainRow]:
    """All critical points of the chain, with the exact cross-check (counts proven by Singular/msolve)."""
    started = time.perf_counter()
    catalog = algmorse.analyze(chain_problem(depth, target, lam, generalized=generalized),
                               options=algmorse.SolveOptions(seed=seed, verify="exact"))
    exact = catalog.provenance.exact
    row = ChainRow(depth, "generalized L2" if generalized else "L2", len(catalog.critical_points),
                   exact["count_without_multiplicity"] if exact else None, catalog.summary.real,
                   catalog.summary.degenerate, catalog.verdict.complex_morse, time.perf_counter() - started)
    return catalog, row


# -- the collapse sweep ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SweepPoint:
    """The chain at one lam: real minima and the global minimizer."""

    lam: float
    real_minima: int
    minimizer_norm: float
    minimum_loss: float

    @property
    def collapsed(self) -> bool:
        """The global minimizer is the origin."""
        return self.minimizer_norm < ZERO_NORM


def sweep_point(depth: int, target: Fraction, lam: float, *, seed: int) -> SweepPoint:
    """Solve the chain at ``lam`` (as an exact rational) and locate its global minimizer.

    Raises
    ------
    RuntimeError
        If fewer critical points than the exact count were found (the minimum would be unproven).
    """
    exact_lam = Fraction(lam).limit_denominator(10**9)
    catalog = algmorse.analyze(chain_problem(depth, target, exact_lam), options=algmorse.SolveOptions(seed=seed, verify="exact"))
    if len(catalog.critical_points) != complex_count(depth):
        raise RuntimeError(f"depth {depth}, lam {lam}: {len(catalog.critical_points)} critical points found, "
                           f"expected {complex_count(depth)}.")
    best = global_minimizers(catalog)[0]
    return SweepPoint(float(exact_lam), len(catalog.minima()), float(np.linalg.norm(coordinates(best))), best.loss.real)


def sweep(depth: int, target: Fraction, lams: Sequence[float], *, seed: int) -> list[SweepPoint]:
    """:func:`sweep_point` at each lam."""
    return [sweep_point(depth, target, lam, seed=seed) for lam in lams]


def first_collapse(points: Sequence[SweepPoint]) -> tuple[float, float]:
    """(last lam whose minimizer is nonzero, first lam whose minimizer is 0), in sweep order.

    Raises
    ------
    ValueError
        If the sweep does not cross the threshold.
    """
    for before, after in zip(points, points[1:]):
        if not before.collapsed and after.collapsed:
            return before.lam, after.lam
    raise ValueError("the sweep does not bracket the collapse: widen the range of lam.")


def bisect_threshold(depth: int, target: Fraction, low: float, high: float, *, steps: int, seed: int) -> tuple[float, float]:
    """Halve the bracket [low, high] (nonzero minimizer at low, zero at high) ``steps`` times."""
    for _ in range(steps):
        middle = (low + high) / 2
        if sweep_point(depth, target, middle, seed=seed).collapsed:
            high = middle
        else:
            low = middle
    return low, high


# -- matrix factorization -------------------------------------------------------------------------

def factorization_problem(hidden: int) -> algmorse.NetworkProblem:
    """1/2 ||W2 W1 - M||_F^2 + eps (||W1||^2 + ||W2||^2), widths [2, hidden, 2], data x_i = e_i, y_i = M e_i."""
    network = algmorse.Network((2, hidden, 2), algmorse.Activation.from_coefficients([0, 1]), bias=False)
    x = ((Fraction(1), Fraction(0)), (Fraction(0), Fraction(1)))
    y = tuple(tuple(MATRIX[row][i] for row in range(2)) for i in range(2))
    return algmorse.NetworkProblem(network, algmorse.Dataset(x=x, y=y), Fraction(1, 2), algmorse.Regularizer("l2", MATRIX_EPS))


def layers(widths: Sequence[int], point: Sequence[float]) -> list[np.ndarray]:
    """Split a parameter vector (no biases) into W_1, W_2, ... (shapes n_k x n_(k-1), row-major)."""
    out, start = [], 0
    for rows, cols in zip(widths[1:], widths[:-1]):
        out.append(np.asarray(point[start:start + rows * cols], dtype=float).reshape(rows, cols))
        start += rows * cols
    return out


@dataclass(frozen=True, slots=True)
class FactorizationCheck:
    """Norms, balance and end-to-end product at one minimizer of a depth-2 factorization."""

    norms: tuple[float, float]
    imbalance: float
    product: np.ndarray


def check_factorization(widths: Sequence[int], point: Sequence[float]) -> FactorizationCheck:
    """||W1||_F^2, ||W2||_F^2, ||W1 W1^T - W2^T W2||_max and W2 W1 at ``point``."""
    w1, w2 = layers(widths, point)
    imbalance = float(np.max(np.abs(w1 @ w1.T - w2.T @ w2)))
    return FactorizationCheck((float(np.sum(w1**2)), float(np.sum(w2**2))), imbalance, w2 @ w1)


def rotation_minimizers(count: int) -> list[np.ndarray]:
    """``count`` real points on the two minimizer circles of [2, 2, 2]: W1 = Q D, W2 = D Q^T.

    D = diag(sqrt(3 - lam), sqrt(1 - lam)), lam = 2 eps, so that D^2 = M - lam I and the gradient
    (W2 W1 - M) W1^T + lam W2 = (D^2 - M + lam I) D Q^T vanishes (and symmetrically for W1); Q
    alternates between rotations (even k) and reflections (odd k).
    """
    lam = 2 * float(MATRIX_EPS)
    d = np.diag([math.sqrt(float(MATRIX[0][0]) - lam), math.sqrt(float(MATRIX[1][1]) - lam)])
    points = []
    for k in range(count):
        angle = 2 * math.pi * k / count + 0.3
        rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        q = rotation if k % 2 == 0 else rotation @ np.diag([1.0, -1.0])
        points.append(np.concatenate([(q @ d).ravel(), (d @ q.T).ravel()]))
    return points


# -- main -----------------------------------------------------------------------------------------

def _spectrum(point: algmorse.CriticalPoint) -> list[float]:
    return sorted(e.real for e in point.hessian_eigenvalues)


def chain_section(max_depth: int, seed: int, spectra: dict) -> dict[int, Catalog]:
    """Counts for L = 2..max_depth, balance and spectra at the minimizers; return the L2 catalogs."""
    m, lam = TARGET, LAM
    print(f"1. Scalar chains 1/2 (w_1...w_L - {m})^2 + (lam/2) sum w_i^2, lam = {lam} (eps = {lam / 2}); "
          "generalized L2 with random strengths")
    print(f"{'L':>2} {'regularizer':<15} {'formula':>7} {'found':>5} {'exact':>5} {'real':>4} {'degen.':>6} "
          f"{'complex-Morse':>13} {'seconds':>7}")
    chains: dict[int, Catalog] = {}
    for depth in range(2, max_depth + 1):
        for generalized in (False, True):
            catalog, row = solve_chain(depth, m, lam, seed=seed, generalized=generalized)
            if not generalized:
                chains[depth] = catalog
            print(f"{depth:>2} {row.regularizer:<15} {complex_count(depth):>7} {row.found:>5} {row.exact!s:>5} "
                  f"{row.real:>4} {row.degenerate:>6} {row.complex_morse!s:>13} {row.seconds:>7.2f}")
    print("\n   Balance (all real critical points) and Hessian spectrum at the global minimizers, standard L2")
    print(f"{'L':>2} {'minimizers':>10} {'|w_i| (formula)':>15} {'max balance dev.':>16} "
          f"{'spectrum (formula)':<20} {'max spectrum dev.':>17}")
    for depth, catalog in chains.items():
        best = global_minimizers(catalog)
        expected = minimizer_spectrum(depth, float(m), float(lam))
        radius = minimizer_radius(depth, float(m), float(lam))
        spectra[f"chain, depth {depth}\n{len(best)} global min."] = [_spectrum(p) for p in best]
        distinct = ", ".join(f"{e:.4g}" for e in sorted(set(np.round(expected, 10))))
        print(f"{depth:>2} {len(best):>10} {radius:>15.6f} {balance_deviation(catalog):>16.1e} {distinct:<20} "
              f"{spectrum_deviation(best, expected):>17.1e}")
    return chains


def factorization_section(seed: int, spectra: dict) -> None:
    """[2, 1, 2] with the pipeline; [2, 2, 2] by exact algebra and constructed minimizers."""
    print(f"\n2. Matrix factorization, M = diag(3, 1), eps = {MATRIX_EPS} (lam = {2 * MATRIX_EPS})")
    started = time.perf_counter()
    rank_one = algmorse.analyze(factorization_problem(1), options=algmorse.SolveOptions(seed=seed, verify="exact"))
    best = global_minimizers(rank_one)
    print(f"   widths [2, 1, 2]: {len(rank_one.critical_points)} critical points ({rank_one.summary.real} real), "
          f"complex-Morse {rank_one.verdict.complex_morse}; {len(best)} global minimizers at loss "
          f"{best[0].loss.real:.6g} ({time.perf_counter() - started:.2f} s)")
    for p in best:
        c = check_factorization((2, 1, 2), coordinates(p))
        print(f"     ||W1||^2 = {c.norms[0]:.6g}, ||W2||^2 = {c.norms[1]:.6g}, max|W1 W1^T - W2^T W2| = "
              f"{c.imbalance:.1e}, W2 W1 = {np.round(c.product, 6).tolist()}")
    spectra["[2,1,2]\n2 global min."] = [_spectrum(p) for p in best]

    started = time.perf_counter()
    system = algmorse.build_system(factorization_problem(2))
    exact = exact_check(system.sparse_gradient(), system.num_variables)
    print(f"   widths [2, 2, 2]: Singular: critical set of dimension {exact.dimension}, minimal primes over QQ "
          f"(dim, degree): {list(exact.components)} ({time.perf_counter() - started:.2f} s)")
    points = rotation_minimizers(6)
    checks = [check_factorization((2, 2, 2), p) for p in points]
    eigenvalues = [np.linalg.eigvalsh(system.numeric.hessian(p)) for p in points]
    zeros = sorted({int(np.sum(np.abs(e) <= 1e-9 * np.max(np.abs(e)))) for e in eigenvalues})
    smallest = min(float(np.min(e[np.abs(e) > 1e-9 * np.max(np.abs(e))])) for e in eigenvalues)
    norms = np.array([c.norms for c in checks])
    print(f"     {len(points)} real points W1 = Q D, W2 = D Q^T on the two minimizer circles (Q rotations and "
          f"reflections):\n"
          f"     max |grad L| {max(float(np.max(np.abs(system.numeric.gradient(p)))) for p in points):.1e}; "
          f"loss {float(system.numeric.loss(points[0])):.6g} (spread "
          f"{float(np.ptp([system.numeric.loss(p) for p in points])):.1e})\n"
          f"     ||W1||^2 = {norms[0, 0]:.6g}, ||W2||^2 = {norms[0, 1]:.6g} (spread {float(np.ptp(norms, axis=0).max()):.1e}); "
          f"max|W1 W1^T - W2^T W2| {max(c.imbalance for c in checks):.1e}; W2 W1 = "
          f"{np.round(checks[0].product, 6).tolist()} (spread "
          f"{max(float(np.max(np.abs(c.product - checks[0].product))) for c in checks):.1e})\n"
          f"     zero Hessian eigenvalues: {zeros} (the circle's tangent); smallest nonzero {smallest:.4g}")
    spectra["[2,2,2]\n6 pts on min. circles"] = [sorted(e) for e in eigenvalues]


def threshold_section(seed: int, depths: Sequence[int], steps: int) -> dict[int, list[SweepPoint]]:
    """Sweep and bisection against the closed form; return the sweeps."""
    m = TARGET
    print(f"\n3. Collapse threshold lam* (the global minimizer is 0 above it), m = {m}")
    print(f"{'L':>2} {'lam* closed form':>16} {'tau/L (paper)':>13} {'sweep bracket':>18} "
          f"{'bisection bracket':>24} {'rel. width':>10} {'seconds':>7}")
    results: dict[int, list[SweepPoint]] = {}
    for depth in depths:
        started = time.perf_counter()
        threshold = collapse_threshold(depth, float(m))
        points = sweep(depth, m, [r * threshold for r in SWEEP_RATIOS], seed=seed)
        results[depth] = points
        low, high = first_collapse(points)
        b_low, b_high = bisect_threshold(depth, m, low, high, steps=steps, seed=seed)
        sweep_text = f"({low:.4f}, {high:.4f}]"
        bisect_text = f"({b_low:.7f}, {b_high:.7f}]"
        print(f"{depth:>2} {threshold:>16.7f} {paper_tau(depth, float(m)) / depth:>13.7f} {sweep_text:>18} "
              f"{bisect_text:>24} {(b_high - b_low) / threshold:>10.1e} {time.perf_counter() - started:>7.1f}")
    return results


def write_figures(out: Path, chains: dict[int, Catalog], spectra: dict, results: dict[int, list[SweepPoint]]) -> list[Path]:
    """The five figures of the module docstring."""
    m = TARGET
    ratios = list(SWEEP_RATIOS)
    depth, threshold = 3, collapse_threshold(3, float(m))
    rho = np.linspace(0.0, 2.5, 51)
    curves = {f"lam = {r} lam*": phi(rho, depth, float(m), r * threshold) - phi(0.0, depth, float(m), r * threshold)
              for r in (0.8, 1.0, 1.2)}
    rho_star = float(m) * (depth - 2) / (depth - 1)
    deepest = max(chains)
    figures = {
        # "L" is the depth in this example's tables; in the figures it is spelled out, since the
        # other figures (and the critical values' y axis) call the loss L.
        "sweep_minima.png": sweep_figure(
            ratios, {f"depth {d}": [p.real_minima for p in points] for d, points in results.items()},
            xlabel="lam / lam*(depth)", ylabel="number of real local minima (origin included)",
            marks=[(1.0, "lam*")], thresholds=[1.0],
            title=f"Scalar chains, m = {m}: real local minima against the regularization", step=True),
        "sweep_norm.png": sweep_figure(
            ratios, {f"depth {d}": [p.minimizer_norm for p in points] for d, points in results.items()},
            xlabel="lam / lam*(depth)", ylabel="norm of the global minimizer", marks=[(1.0, "lam*")],
            thresholds={f"depth {d}": [1.0] for d in results if d >= 3},  # the jump; depth 2 is continuous
            title="Collapse at lam*: continuous for depth 2, a jump to 0 for depth >= 3"),
        "phi_L3.png": sweep_figure(
            rho, curves, xlabel="rho = |w_1 w_2 w_3|", ylabel="phi(rho) - phi(0)",
            marks=[(rho_star, "rho* = |m|(depth-2)/(depth-1)")],
            title=f"depth 3, m = {m}: phi(rho) = 1/2 (rho - |m|)^2 + (3 lam/2) rho^(2/3)"),
        "hessian_minimizers.png": hessian_spectra_figure(
            spectra, title="Hessian spectra at the global minimizers: the same at every minimizer"),
        f"critical_values_chain{deepest}.png": critical_values_figure(
            chains[deepest], title=f"Chain of depth {deepest}, m = {m}, lam = {LAM}: critical values by Morse index"),
    }
    return [save_figure(figure, out / name) for name, figure in figures.items()]


def main(argv: Sequence[str] | None = None) -> int:
    """Run every computation, print the tables, write the figures; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("figures/seed004"), help="directory for the PNG figures")
    parser.add_argument("--seed", type=int, default=1, help="master seed of every solve")
    parser.add_argument("--max-depth", type=int, default=4, choices=(4, 5), help="deepest scalar chain counted")
    args = parser.parse_args(argv)
    show_progress()  # each solve's progress on stderr, flushed: a log shows life
    started = time.perf_counter()
    spectra: dict[str, list[list[float]]] = {}
    chains = chain_section(args.max_depth, args.seed, spectra)
    factorization_section(args.seed, spectra)
    results = threshold_section(args.seed, (2, 3, 4), steps=14)
    written = write_figures(args.out, chains, spectra, results)
    print("\nFigures: " + ", ".join(str(p) for p in written))
    print(f"Total time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
