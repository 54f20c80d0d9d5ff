"""Seed 000: how regularization affects the geometry of loss functions
===================================================================

The claims (``shared/seeds/000_*.txt``; restated as computations in ``shared/notes/math.md``):

1. generalized L2 (distinct strengths ``eps_j``) makes the loss Morse, for any architecture and
   activation;
2. standard L2 keeps the rotational symmetry of linear networks, so the critical set has
   positive-dimensional components (the circle of minima of the [1, 2, 1] network);
3. the multiplicative regularizer ``eps * prod_k ||W_k||^2`` fails, for linear and nonlinear
   networks: its core locus (strata where weight matrices vanish) and degenerate critical loci;
4. two open questions, as computations: the exceptional strengths ``eps`` at which
   ``L + eps R`` stops being Morse (:func:`algmorse.probes.discriminant.discriminant`), and which losses
   keep a continuous rotational symmetry (:func:`algmorse.probes.rotations.rotation_algebra`;
   the paper's Conjecture 5.6 says none does for a nonlinear activation and >= 2 data points).

Every problem solved here is a fixture of ``algmorse.polynomials`` whose expected classification
was derived by hand or by Singular (see the fixture files). Run::

    python3 examples/seed000_regularizers.py [--out DIR] [--seed N]

It prints four tables and writes three figures to ``DIR`` (default ``figures/seed000``):
``circle_slice.png`` (the circle of minima of standard L2), ``critical_values_genl2.png`` (a
Morse loss: critical values by Morse index) and ``exceptional_strengths.png`` (critical counts
of a depth-2 chain against the L2 strength, with the exceptional strengths marked).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import numpy as np

from algmorse import (
    Activation,
    Dataset,
    FunctionProblem,
    Network,
    NetworkProblem,
    Regularizer,
    SolveOptions,
    analyze,
)
from algmorse.model.system import build_system
from algmorse.probes.discriminant import discriminant
from algmorse.probes.rotations import rotation_algebra
from algmorse.progress import show_progress
from algmorse.results.catalog import Catalog
from algmorse.results.library import load_case
from algmorse.results.plot import critical_values_figure, save_figure, slice_figure, sweep_figure

# (fixture, architecture, regularizer, verify exactly?) -- exact verification is what turns
# "no degenerate point found" into a proof of Morse-ness; a False verdict needs no proof beyond
# the real degenerate witness (a component with real points) that the catalog names.
REGULARIZER_CASES: tuple[tuple[str, str, str, bool], ...] = (
    ("net121_lin_l2_circle", "[1,2,1] linear, 1 point", "standard L2", False),
    ("net121_lin_genl2", "[1,2,1] linear, 1 point", "generalized L2", True),
    ("net121_lin_mult", "[1,2,1] linear, 1 point", "multiplicative", False),
    ("net121_sq_l2", "[1,2,1] t^2, 3 points", "standard L2", True),
    ("net121_sq_genl2", "[1,2,1] t^2, 3 points", "generalized L2", True),
    ("chain3_l2", "[1,1,1,1] linear, 1 point", "standard L2", True),
    ("chain3_mult", "[1,1,1,1] linear, 1 point", "multiplicative", False),
    ("chain3_quad_mult", "[1,1,1,1] t+t^2, 2 points", "multiplicative", False),
)


def solve_case(name: str, *, seed: int, verify: bool) -> Catalog:
    """Solve one fixture of the library with the given seed (exact verification on request)."""
    spec = load_case(name).spec
    options = replace(spec.solve, seed=seed, verify="exact" if verify else "none")
    return analyze(spec.problem, options=options)


def _verdict_word(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "undetermined"}[value]


def _components_text(catalog: Catalog) -> str:
    if not catalog.components:
        return "none"
    parts = []
    for component in catalog.components:
        loss = "?" if component.loss is None else f"{round(component.loss.real, 10):.4g}"
        parts.append(f"{component.dimension}/{component.degree} {component.kind} L={loss}")
    return "; ".join(parts)


def regularizer_table(catalogs: dict[str, Catalog]) -> list[tuple[str, ...]]:
    """One row per solved case: architecture, regularizer, counts, components, verdicts."""
    rows = []
    for name, architecture, regularizer, _ in REGULARIZER_CASES:
        catalog = catalogs[name]
        summary = catalog.summary
        rows.append((architecture, regularizer, str(summary.isolated), str(summary.real),
                     _components_text(catalog), _verdict_word(catalog.verdict.morse),
                     _verdict_word(catalog.verdict.complex_morse), catalog.verdict.completeness))
    return rows


def core_locus_rows(catalogs: dict[str, Catalog]) -> list[tuple[str, ...]]:
    """The multiplicative regularizer's core-locus strata of every multiplicative case."""
    rows = []
    for name, architecture, regularizer, _ in REGULARIZER_CASES:
        for stratum in catalogs[name].core_locus:
            zero = ", ".join(f"W{k}" for k in stratum.zero_matrices)
            rows.append((architecture, f"{{{zero} = 0}}", str(stratum.dimension), str(stratum.vanishing_order),
                         _yes(stratum.critical_for_every_eps), _yes(stratum.hessian_vanishes),
                         str(len(stratum.components))))
    return rows


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _network(widths: Sequence[int], activation: Sequence[int | Fraction], xs: Sequence, ys: Sequence,
             regularizer: Regularizer, *, bias: bool = False, scale: Fraction = Fraction(1, 2)) -> NetworkProblem:
    def rows(values):
        return tuple(tuple(Fraction(v) for v in (value if isinstance(value, (tuple, list)) else (value,)))
                     for value in values)

    return NetworkProblem(network=Network(widths=tuple(widths), activation=Activation.from_coefficients(list(activation)),
                                          bias=bias),
                          data=Dataset(x=rows(xs), y=rows(ys)), scale=scale, regularizer=regularizer)


LINEAR = (0, 1)
TANH_SURROGATE = (0, 1, 0, Fraction(-1, 3))
L2 = Regularizer("l2", Fraction(1, 10))
GENERALIZED_L2 = Regularizer("generalized-l2")  # distinct random strengths, drawn from the seed


def symmetry_problems() -> list[tuple[str, str, NetworkProblem]]:
    """The networks probed for continuous rotational symmetries (Conjecture 5.6)."""
    cases = []
    for label, widths in (("[1,2,1]", (1, 2, 1)), ("[1,3,1]", (1, 3, 1)), ("[1,2,2,1]", (1, 2, 2, 1))):
        for regularizer_label, regularizer in (("standard L2", L2), ("generalized L2", GENERALIZED_L2)):
            cases.append((f"{label} linear, 1 point", regularizer_label,
                          _network(widths, LINEAR, [1], [2], regularizer)))
    for activation_label, activation in (("t^2", (0, 0, 1)), ("t^3", (0, 0, 0, 1)), ("t - t^3/3", TANH_SURROGATE)):
        cases.append((f"[1,2,1] {activation_label}, 3 points", "standard L2",
                      _network((1, 2, 1), activation, [1, 2, 3], [2, 1, 3], L2)))
        cases.append((f"[1,2,1] {activation_label}, 3 points", "none",
                      _network((1, 2, 1), activation, [1, 2, 3], [2, 1, 3], Regularizer())))
    cases.append(("[2,2,1] t^2, 3 points in general position", "standard L2",
                  _network((2, 2, 1), (0, 0, 1), [(1, 0), (0, 1), (1, 1)], [2, 1, 3], L2)))
    cases.append(("[2,2,1] t^2 + bias, 2 points e1, e2", "standard L2",
                  _network((2, 2, 1), (0, 0, 1), [(1, 0), (0, 1)], [2, 1], L2, bias=True)))
    return cases


def symmetry_table(seed: int) -> list[tuple[str, str, str]]:
    """Dimension of the Lie algebra of infinitesimal rotations preserving each loss."""
    rows = []
    for architecture, regularizer_label, problem in symmetry_problems():
        resolved = replace(problem, regularizer=problem.regularizer.resolved(len(problem.variables), seed))
        rows.append((architecture, regularizer_label, str(rotation_algebra(resolved).dimension)))
    return rows


def chain2(eps: Fraction) -> FunctionProblem:
    """``(a b - 2)^2 + eps (a^2 + b^2)``: the depth-2 scalar chain of seed 004, seen by seed 000.

    Regularizer strengths are positive; a strength <= 0 (seed 000's question of which eps make
    ``h + eps R`` Morse covers every real eps) is written into the expression instead.
    """
    if eps > 0:
        return FunctionProblem(variables=("a", "b"), expression="(a*b - 2)^2", regularizer=Regularizer("l2", eps))
    return FunctionProblem(variables=("a", "b"),
                           expression=f"(a*b - 2)^2 + ({eps.numerator}/{eps.denominator})*(a^2 + b^2)")


DISCRIMINANT_CASES: tuple[tuple[str, object], ...] = (
    ("(ab - 2)^2 + eps (a^2 + b^2)", chain2(Fraction(1))),
    ("chain depth 3, L2 (chain3_l2)", "chain3_l2"),
    ("chain depth 2, generalized L2 (chain2_genl2)", "chain2_genl2"),
    ("[1,2,1] linear, L2 (circle)", "net121_lin_l2_circle"),
    ("[1,2,1] t^2, 3 points, L2", "net121_sq_l2"),
)


def discriminant_table() -> list[tuple[str, str, str]]:
    """Exceptional strengths of each case, one row per irreducible factor of the eliminant."""
    rows = []
    for label, case in DISCRIMINANT_CASES:
        problem = load_case(case).spec.problem if isinstance(case, str) else case
        result = discriminant(problem)
        if result.all_eps:
            rows.append((label, "every eps", "positive-dimensional for all eps"))
            continue
        for factor in result.factors:
            real = sorted(r.real for r in factor.roots if abs(r.imag) <= 1e-12 * max(1.0, abs(r)))
            complex_count = len(factor.roots) - len(real)
            values = ", ".join(f"{v:.6g}" for v in real) + (f" + {complex_count} complex" if complex_count else "")
            rows.append((label, values, factor.kind))
            label = ""
    return rows


def real_counts_against_eps(values: Sequence[float], *, seed: int) -> dict[str, list[int]]:
    """Real minima and saddles of ``(ab - 2)^2 + eps (a^2 + b^2)`` on a grid of strengths."""
    counts: dict[str, list[int]] = {"real critical points": [], "minima": [], "saddles": []}
    for value in values:
        catalog = analyze(chain2(Fraction(value).limit_denominator(1000)), options=SolveOptions(seed=seed))
        counts["real critical points"].append(catalog.summary.real)
        counts["minima"].append(catalog.summary.minima)
        counts["saddles"].append(catalog.summary.saddles)
    return counts


def circle_figure(catalog: Catalog):
    """The [1,2,1] standard-L2 landscape on the plane u = v, where the circle of minima lies."""
    system = build_system(catalog.problem)
    # Parameters (u1, u2, v1, v2); the plane {u = v} is spanned by (1,0,1,0) and (0,1,0,1).
    directions = (np.array([1.0, 0.0, 1.0, 0.0]) / np.sqrt(2), np.array([0.0, 1.0, 0.0, 1.0]) / np.sqrt(2))
    angles = np.linspace(0.0, 2.0 * np.pi, 200)
    radius = np.sqrt(4.0 / 3.0)  # |u|^2 = 4/3 on the circle (math.md)
    circle = np.array([[radius * np.cos(t), radius * np.sin(t)] * 2 for t in angles])
    return slice_figure(system, np.zeros(4), directions, extent=2.4, points=list(catalog.critical_points),
                        curves=[("circle of minima |u|^2 = 4/3, u = v (loss 10/9)", circle)],
                        labels=catalog.variables, center_label="centre: the origin",
                        title="[1,2,1] linear, standard L2 (eps = 1/3): a circle of global minima")


def _print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the example; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="figures/seed000", help="directory for the figures")
    parser.add_argument("--seed", type=int, default=1, help="master seed of every solve")
    args = parser.parse_args(argv)
    show_progress()  # each solve's progress on stderr, flushed: a log shows life
    out = Path(args.out)
    start = time.perf_counter()

    def lap(what: str) -> None:
        print(f"  ({what}: {time.perf_counter() - start:.1f} s so far)", file=sys.stderr, flush=True)

    catalogs = {name: solve_case(name, seed=args.seed, verify=verify) for name, _, _, verify in REGULARIZER_CASES}
    _print_table("Claims 1-3: Morse or not, by regularizer (components: dimension/degree kind loss)",
                 ("architecture", "regularizer", "isolated", "real", "components", "Morse", "complex-Morse",
                  "completeness"), regularizer_table(catalogs))
    lap("solves")
    _print_table("Claim 3: core locus of the multiplicative regularizer",
                 ("architecture", "stratum", "dim", "vanishing order", "critical for every eps",
                  "Hessian vanishes", "components in it"), core_locus_rows(catalogs))
    _print_table("Open question 1: exceptional strengths eps (L + eps R not Morse)",
                 ("loss", "exceptional eps (real)", "kind"), discriminant_table())
    lap("discriminants")
    _print_table("Open question 2 (Conjecture 5.6): dimension of the Lie algebra of rotations preserving L",
                 ("network", "regularizer", "dimension"), symmetry_table(args.seed))
    lap("rotation algebras")

    written = [
        save_figure(circle_figure(catalogs["net121_lin_l2_circle"]), out / "circle_slice.png"),
        save_figure(critical_values_figure(catalogs["net121_sq_genl2"],
                                           title="[1,2,1] t^2, generalized L2: a Morse loss (33 points, 17 real)"),
                    out / "critical_values_genl2.png"),
    ]
    strengths = [round(v, 3) for v in np.linspace(-2.9, 2.9, 20)]  # avoids the exceptional values themselves
    exceptional = sorted(v.real for v in discriminant(chain2(Fraction(1))).values if abs(v.imag) < 1e-12)
    written.append(save_figure(
        sweep_figure(strengths, real_counts_against_eps(strengths, seed=args.seed), xlabel="eps",
                     ylabel="number of real critical points",
                     marks=[(v, f"eps = {v:g}") for v in exceptional], thresholds=exceptional,
                     title="(ab - 2)^2 + eps (a^2 + b^2): counts change only at the exceptional strengths",
                     step=True),
        out / "exceptional_strengths.png"))
    print("\nfigures:", ", ".join(str(path) for path in written))
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
