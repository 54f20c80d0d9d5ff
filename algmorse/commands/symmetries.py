"""``algmorse symmetries SPEC.toml [--json]``: the continuous rotational symmetries of a loss."""

from __future__ import annotations

import argparse
import json
import secrets
from dataclasses import replace

from ..model.spec import load_spec
from ..probes.rotations import rotation_algebra
from ._types import seed

NAME = "symmetries"
HELP = "the Lie algebra of infinitesimal rotations that leave the loss invariant"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``symmetries`` arguments."""
    parser.add_argument("spec", help="problem specification (TOML)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--seed", type=seed,
                        help="seed for random generalized-L2 strengths (default: the spec's, else random and printed)")


def run(args: argparse.Namespace) -> int:
    """Compute the algebra and print it."""
    spec = load_spec(args.spec)
    problem = spec.problem
    regularizer = problem.regularizer
    drawn = regularizer.kind == "generalized-l2" and regularizer.eps is None
    used_seed = None
    if drawn:  # as algmorse.pipeline.analyze does, so both see the same strengths for a seed
        used_seed = args.seed if args.seed is not None else spec.solve.seed
        if used_seed is None:
            used_seed = secrets.randbelow(2**31 - 1) + 1
        problem = replace(problem, regularizer=regularizer.resolved(len(problem.variables), used_seed))
    algebra = rotation_algebra(problem)
    if args.json:
        print(json.dumps({**algebra.to_dict(), "seed": used_seed}))
        return 0
    print(f"{args.spec}: rotation algebra of dimension {algebra.dimension} "
          f"(skew A with grad L(a) . (A a) = 0 identically, each basis element rechecked exactly)")
    if drawn:
        print(f"generalized-L2 strengths drawn from seed {used_seed}")
    for k, text in enumerate(algebra.generators, start=1):
        print(f"  X{k} = {text}")
    return 0
