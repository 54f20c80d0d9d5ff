"""``algmorse discriminant SPEC.toml [--parameter NAME]``: the strengths (or values of another number of the
spec: ``eps_J``, ``scale``, ``x_I_K``, ``y_I_K``) at which the loss is not Morse over C."""

from __future__ import annotations

import argparse
import json

from ..model.spec import load_spec
from ..probes.discriminant import discriminant
from ._types import positive_seconds, seed

NAME = "discriminant"
HELP = "exceptional strengths or data values (critical points collide or form a curve)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``discriminant`` options."""
    parser.add_argument("spec", help="problem specification (TOML) with a regularizer; its strength is ignored")
    parser.add_argument("--parameter", metavar="NAME",
                        help="vary this number of the spec instead of the strength: eps_J (J-th generalized-L2 "
                             "strength), scale (loss scale), x_I_K or y_I_K (data point I, coordinate K), eps")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--timeout", type=positive_seconds, default=120.0,
                        help="seconds allowed for Singular (default: 120)")
    parser.add_argument("--seed", type=seed,
                        help="seed of random generalized-L2 strengths (default: the spec's, else random and recorded)")


def run(args: argparse.Namespace) -> int:
    """Compute and print the exceptional values."""
    spec = load_spec(args.spec)
    chosen = args.seed if args.seed is not None else spec.solve.seed
    result = discriminant(spec.problem, seed=chosen, timeout=args.timeout, parameter=args.parameter)
    if args.json:
        print(json.dumps(result.to_dict(), sort_keys=True, allow_nan=False))
    else:
        print(result)
    return 0
