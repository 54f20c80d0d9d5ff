"""Seed 001 (forum thread): zero Hessian eigenvalues at the minimum of a tanh network, and L2
==========================================================================================

The claim (``shared/seeds/001_*.txt``; ``shared/notes/math.md``, "Seed 001"): at the minimum of an
unregularized one-hidden-layer tanh network the Hessian has zero eigenvalues; adding L2
regularization removes them.

Setting
-------
tanh is replaced by its cubic Taylor polynomial s(t) = t - t^3/3, so the loss is a polynomial.
Widths [1, 2, 1], no bias, parameters (a1, a2, b1, b2) = (w1_1_1, w1_2_1, w2_1_1, w2_1_2), data
x = (1, 2), y = (1, 1), L = 1/2 sum_i (f(x_i) - y_i)^2 (+ eps ``|params|^2`` with L2, eps = 1/10).
The same network with one hidden neuron, [1, 1, 1], on the single point x = 1, y = 1, is the
smallest case and is solved end to end, positive-dimensional components included.

Derivation (by hand)
--------------------
f(x) = b1 s(a1 x) + b2 s(a2 x) = P x - Q x^3 / 3 with P = a1 b1 + a2 b2, Q = a1^3 b1 + a2^3 b2.
Two data points with distinct x determine (P, Q) (here P = 7/6, Q = 1/2), so the data can be fit
exactly and the zero-loss set {P = 7/6, Q = 1/2} is a complete intersection of dimension
#params - #data = 4 - 2 = 2 (degree 2 * 4 = 8; irreducible: for generic a, b is determined
linearly). On it the residuals vanish, so the Hessian is J^T J with J the 2 x 4 Jacobian of
(f(x_1), f(x_2)): rank 2 at a generic point, hence exactly 2 zero eigenvalues, the tangent
directions of the surface. With b = 0 the critical points are a_j in {0, 1, -1} (there
dL/db_j = -(s(a_j) + s(2 a_j)) = -3 a_j (1 - a_j^2)): 9 points at loss 1, whose Hessian
[[0, C], [C, G]] has C = diag(9 a_j^2 - 3) invertible, so each is an index-2 saddle. Singular's
minimal primes show there is nothing else: the only minima are the zero-loss surface.
For [1, 1, 1]: the curve b (a - a^3/3) = 1 (dimension 2 - 1 = 1, one zero eigenvalue), plus
(0, 0) and (+-sqrt 3, 0), index-1 saddles at loss 1/2.

What is computed
----------------
* Without regularizer, [1, 2, 1]: the minimal primes of the critical ideal (Singular), and at
  exact rational points of the zero-loss surface (a chosen, b solved exactly) the exact Hessian
  rank (over QQ) and its eigenvalues. ``algmorse.analyze`` is not run on this case: it took
  1 to 5 minutes here (75-125 s of CPU in its refine stage, which examines each of the ~120
  endpoints that sample the surface), and one of three seeds split the surface wrongly.
* Without regularizer, [1, 1, 1]: ``algmorse.analyze`` (components included); the Hessian
  spectrum at the real points of the curve of minima.
* With L2 (eps = 1/10), both networks: ``algmorse.analyze`` with the exact cross-check (Singular
  and msolve prove the count and that every critical point has multiplicity 1, i.e. an
  invertible Hessian); the spectra at the minima.

What it shows, and what not: without L2 the number of zero eigenvalues at every sampled minimum
equals the dimension of the set of minima (2 for [1, 2, 1], 1 for [1, 1, 1]): the zeros come from
the data being fit exactly by a family of parameters (#params - #data dimensions), not only from
the discrete permutation and sign symmetries. With L2 every critical point of these two losses is
nondegenerate. This is a statement about these polynomial surrogates and data; standard L2 does
not remove continuous symmetries in general (seed 004's [2, 2, 2] factorization keeps a circle of
minimizers with one zero eigenvalue, see ``examples/seed004_deep_factorization.py``).

Run ``python3 examples/seed001_hessian_spectra.py [--out DIR]``; figures go to ``DIR`` (default
``figures/seed001``).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import numpy as np
import sympy

import algmorse
from algmorse.engine.exact import exact_check
from algmorse.progress import show_progress
from algmorse.results.catalog import Catalog
from algmorse.results.plot import critical_values_figure, hessian_spectra_figure, save_figure

TANH = algmorse.Activation.from_coefficients([0, 1, 0, "-1/3"])
"""s(t) = t - t^3/3, the cubic Taylor polynomial of tanh."""
EPS = Fraction(1, 10)
TWO_POINTS = algmorse.Dataset(x=((Fraction(1),), (Fraction(2),)), y=((Fraction(1),), (Fraction(1),)))
ONE_POINT = algmorse.Dataset(x=((Fraction(1),),), y=((Fraction(1),),))
SURFACE_SAMPLES = ((Fraction(1, 2), Fraction(-1)), (Fraction(1, 3), Fraction(2)), (Fraction(-3, 2), Fraction(1, 4)),
                   (Fraction(2), Fraction(1)), (Fraction(1), Fraction(-1, 2)), (Fraction(3, 4), Fraction(5, 4)))
"""Hidden weights (a1, a2) of the sampled zero-loss points (a1 a2 (a2^2 - a1^2) != 0)."""
ZERO_RTOL = 1e-9
"""An eigenvalue with |lambda| <= ZERO_RTOL * max |lambda| counts as zero."""


def tanh_problem(widths: tuple[int, ...], data: algmorse.Dataset, eps: Fraction | None) -> algmorse.NetworkProblem:
    """The tanh-surrogate network's loss, unregularized (``eps=None``) or with standard L2."""
    network = algmorse.Network(widths, TANH, bias=False)
    regularizer = algmorse.Regularizer("l2", eps) if eps is not None else algmorse.Regularizer("none")
    return algmorse.NetworkProblem(network, data, Fraction(1, 2), regularizer)


def cubic_fit(data: algmorse.Dataset) -> tuple[Fraction, Fraction]:
    """(P, Q) with P x_i - Q x_i^3 / 3 = y_i at two data points (exact).

    Raises
    ------
    ValueError
        Unless there are exactly two data points with distinct nonzero |x|.
    """
    if len(data) != 2:
        raise ValueError(f"cubic_fit needs two data points, got {len(data)}.")
    (x1,), (x2,) = data.x
    (y1,), (y2,) = data.y
    det = x1 * (-x2**3 / 3) - x2 * (-x1**3 / 3)
    if det == 0:
        raise ValueError("cubic_fit: the two inputs must have distinct nonzero absolute values.")
    return (y1 * (-x2**3 / 3) - y2 * (-x1**3 / 3)) / det, (x1 * y2 - x2 * y1) / det


def zero_loss_point(data: algmorse.Dataset, a: tuple[Fraction, Fraction]) -> tuple[Fraction, ...]:
    """The exact point (a1, a2, b1, b2) of the zero-loss surface over the hidden weights ``a``.

    Solves b1 a1 + b2 a2 = P, b1 a1^3 + b2 a2^3 = Q (Cramer's rule).
    """
    p, q = cubic_fit(data)
    a1, a2 = a
    det = a1 * a2**3 - a2 * a1**3
    if det == 0:
        raise ValueError(f"zero_loss_point: a = {a} needs a1 a2 (a2^2 - a1^2) != 0.")
    return a1, a2, (p * a2**3 - a2 * q) / det, (a1 * q - a1**3 * p) / det


def exact_hessian_rank(system: algmorse.PolynomialSystem, point: Sequence[Fraction]) -> int:
    """Rank over QQ of the exact Hessian at a rational point."""
    domain = system.ring.domain
    values = [domain(c.numerator, c.denominator) for c in point]
    matrix = sympy.Matrix([[domain.to_sympy(domain.convert(h(*values))) for h in row] for row in system.hessian])
    return int(matrix.rank())


def spectrum(system: algmorse.PolynomialSystem, point: Sequence[float]) -> np.ndarray:
    """Eigenvalues (ascending) of the exact Hessian evaluated in floating point at a real point."""
    return np.linalg.eigvalsh(system.numeric.hessian(np.asarray(point, dtype=float)))


def zero_count(eigenvalues: Sequence[float]) -> int:
    """Eigenvalues with |lambda| <= ZERO_RTOL * max |lambda|."""
    values = np.abs(np.asarray(eigenvalues, dtype=float))
    return int(np.sum(values <= ZERO_RTOL * values.max()))


def smallest_positive(eigenvalues: Sequence[float]) -> float:
    """Smallest eigenvalue above the zero threshold."""
    values = np.asarray(eigenvalues, dtype=float)
    return float(np.min(values[values > ZERO_RTOL * np.abs(values).max()]))


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the summary table."""

    network: str
    regularizer: str
    minima: str
    dimension: int
    spectra: list[np.ndarray]
    source: str

    def text(self) -> str:
        """The row: zero counts at the minima and the range of the smallest positive eigenvalue."""
        zeros = sorted({zero_count(s) for s in self.spectra})
        smallest = [smallest_positive(s) for s in self.spectra]
        low, high = min(smallest), max(smallest)
        span = f"{low:.4g}" if np.isclose(low, high, rtol=1e-6) else f"{low:.3g} .. {high:.3g}"
        return (f"{self.network:<9} {self.regularizer:<10} {self.minima:<38} {self.dimension:>3} "
                f"{'/'.join(map(str, zeros)):>6} {span:>15}  {self.source}")


def minima_spectra(catalog: Catalog) -> list[np.ndarray]:
    """Hessian eigenvalues at the catalog's isolated real minima."""
    return [np.array(sorted(e.real for e in p.hessian_eigenvalues)) for p in catalog.minima()]


def regularized_row(widths: tuple[int, ...], data: algmorse.Dataset, seed: int) -> tuple[Row, Catalog]:
    """Solve with L2 and the exact cross-check; the row for its minima."""
    started = time.perf_counter()
    catalog = algmorse.analyze(tanh_problem(widths, data, EPS), options=algmorse.SolveOptions(seed=seed, verify="exact"))
    exact = catalog.provenance.exact
    if catalog.summary.degenerate or catalog.verdict.complex_morse is not True:
        raise RuntimeError(f"{widths} with L2: expected a Morse function, got {catalog.verdict}.")
    source = (f"analyze: {len(catalog.critical_points)} critical points = Singular count {exact['count_without_multiplicity']}"
              f", all multiplicity 1 ({time.perf_counter() - started:.1f} s)")
    row = Row(str(list(widths)).replace(" ", ""), f"L2 {EPS}", f"{len(catalog.minima())} isolated minima", 0,
              minima_spectra(catalog), source)
    return row, catalog


def surface_row() -> Row:
    """[1, 2, 1] without regularizer: Singular's primes and exact points on the zero-loss surface."""
    started = time.perf_counter()
    system = algmorse.build_system(tanh_problem((1, 2, 1), TWO_POINTS, None))
    exact = exact_check(system.sparse_gradient(), system.num_variables)
    top = [c for c in exact.components if c[0] == exact.dimension]
    points = [zero_loss_point(TWO_POINTS, a) for a in SURFACE_SAMPLES]
    ranks = sorted({exact_hessian_rank(system, p) for p in points})
    spectra = [spectrum(system, [float(c) for c in p]) for p in points]
    losses = [float(system.numeric.loss(np.array([float(c) for c in p]))) for p in points]
    source = (f"Singular: primes {list(exact.components)}; exact Hessian rank {ranks} at {len(points)} rational "
              f"zero-loss points, loss {max(losses):.0e} ({time.perf_counter() - started:.1f} s)")
    return Row("[1,2,1]", "none", f"surface (dim {top[0][0]}, degree {top[0][1]}), {len(points)} pts",
               exact.dimension, spectra, source)


def curve_row(seed: int) -> Row:
    """[1, 1, 1] without regularizer, end to end: the component of minima and its real points."""
    started = time.perf_counter()
    problem = tanh_problem((1, 1, 1), ONE_POINT, None)
    catalog = algmorse.analyze(problem, options=algmorse.SolveOptions(seed=seed))
    system = algmorse.build_system(problem)
    at_zero = [c for c in catalog.components if c.real_points and c.loss is not None and abs(c.loss) < 1e-9]
    if len(at_zero) != 1:
        raise RuntimeError(f"[1,1,1] without regularizer: expected one real component at loss 0, got {catalog.components}.")
    component = at_zero[0]
    spectra = [spectrum(system, p) for p in component.real_points]
    source = (f"analyze: component (dim {component.dimension}, degree {component.degree}) at loss 0, "
              f"{len(catalog.saddles())} isolated saddles ({time.perf_counter() - started:.1f} s)")
    return Row("[1,1,1]", "none", f"curve (dim {component.dimension}, degree {component.degree}), "
               f"{len(component.real_points)} real pts", component.dimension, spectra, source)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every computation, print the table, write the figures; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("figures/seed001"), help="directory for the PNG figures")
    parser.add_argument("--seed", type=int, default=1, help="master seed of every solve")
    args = parser.parse_args(argv)
    show_progress()  # each solve's progress on stderr, flushed: a log shows life
    started = time.perf_counter()

    surface = surface_row()
    regularized, catalog_l2 = regularized_row((1, 2, 1), TWO_POINTS, args.seed)
    curve = curve_row(args.seed)
    small_l2, _ = regularized_row((1, 1, 1), ONE_POINT, args.seed)
    rows = [surface, regularized, curve, small_l2]

    print("s(t) = t - t^3/3; [1,2,1] on x = (1, 2), y = (1, 1); [1,1,1] on x = 1, y = 1; loss 1/2 sum (f - y)^2")
    print(f"{'network':<9} {'reg.':<10} {'minima':<38} {'dim':>3} {'zeros':>6} {'smallest pos.':>15}  how")
    for row in rows:
        print(row.text())
    print(f"\nzeros = number of zero Hessian eigenvalues at each minimum (|lambda| <= {ZERO_RTOL:g} max|lambda|); "
          "dim = dimension of the set of minima.\nWithout L2 the zeros equal that dimension (#params - #data); with "
          "L2 every critical point is nondegenerate.")

    spectra = {
        "[1,2,1], no reg.\n6 zero-loss points": surface.spectra,
        f"[1,2,1], L2 {EPS}\n{len(regularized.spectra)} minima": regularized.spectra,
        f"[1,1,1], no reg.\n{len(curve.spectra)} points of the curve": curve.spectra,
        f"[1,1,1], L2 {EPS}\n{len(small_l2.spectra)} minima": small_l2.spectra,
    }
    out = args.out
    written = [
        save_figure(hessian_spectra_figure(spectra, title="Hessian spectra at the minima (s(t) = t - t^3/3):\n"
                                                          "zero eigenvalues without L2, none with L2"),
                    out / "hessian_spectra.png"),
        save_figure(critical_values_figure(catalog_l2, title=f"[1,2,1], s(t) = t - t^3/3, L2 eps = {EPS}:\n"
                                                             "critical values by Morse index"),
                    out / "critical_values_l2.png"),
    ]
    print("\nFigures: " + ", ".join(str(p) for p in written))
    print(f"Total time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
