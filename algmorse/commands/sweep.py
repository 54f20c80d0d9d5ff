"""``algmorse sweep SPEC.toml --eps-scale START:STOP:N -o DIR`` (or ``--data-sets FILE``): counts along the
regularization strength, or across data sets."""

from __future__ import annotations

import argparse
from dataclasses import replace

from ..errors import SpecError
from ..model.network import NetworkProblem
from ..model.spec import load_data_sets, load_spec
from ..progress import stderr_lines
from ..sweep import parse_values, sweep
from ._types import positive_int, positive_seconds, seed

NAME = "sweep"
HELP = "solve at many eps-scale values or data sets from one generic solve (catalog per value, summary, plot)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``sweep`` options."""
    parser.add_argument("spec", help="problem specification (TOML) with a regularizer")
    swept = parser.add_mutually_exclusive_group(required=True)
    swept.add_argument("--eps-scale", metavar="START:STOP:N|A,B,...",
                       help="values multiplying every regularization strength, e.g. 1/2:2:20 or 1/2,1,2")
    swept.add_argument("--data-sets", metavar="FILE.toml",
                       help="a TOML file of [[data]] tables (x, y): the loss on each data set")
    parser.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="directory for value-NNN.json, summary.json, counts.png (an unfinished sweep resumes)")
    parser.add_argument("--seed", type=seed, help="master seed (default: the spec's, else random and recorded)")
    parser.add_argument("--jobs", type=positive_int, help="values solved at once, in worker processes")
    parser.add_argument("--timeout", type=positive_seconds, help="seconds allowed per backend call")
    parser.add_argument("--scheduler", metavar="local|ADDRESS",
                        help="run the values on Dask: 'local' (a local cluster of --jobs workers) or a scheduler "
                             "address such as tcp://host:8786")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def run(args: argparse.Namespace) -> int:
    """Run the sweep and print its table."""
    spec = load_spec(args.spec)
    values = parse_values(args.eps_scale) if args.eps_scale is not None else None
    data_sets = None
    if args.data_sets is not None:
        if not isinstance(spec.problem, NetworkProblem):
            raise SpecError("--data-sets", "data sets need a [network] spec.", "Use --eps-scale for a [function] spec.")
        data_sets = load_data_sets(args.data_sets, spec.problem.network)
    overrides = {name: value for name, value in (("seed", args.seed), ("jobs", args.jobs), ("timeout", args.timeout))
                 if value is not None}
    options = replace(spec.solve, **overrides)

    result = sweep(spec.problem, values, args.output, data_sets=data_sets, options=options, scheduler=args.scheduler,
                   progress=stderr_lines(args.quiet), progress_bar=not args.quiet)
    print(f"generic count {result.generic_count}; {len(result.rows)} values")
    print(f"{'data set' if data_sets is not None else 'value':>10} {'isolated':>8} {'real':>5} {'minima':>6} {'saddles':>7} {'maxima':>6} {'escaped':>7} "
          f"{'collided':>8}  completeness")
    for row in result.rows:
        print(f"{row.value:>10} {row.isolated:>8} {row.real:>5} {row.minima:>6} {row.saddles:>7} {row.maxima:>6} "
              f"{row.escaped:>7} {row.collided:>8}  {row.completeness}")
    if result.exceptional:
        print("exceptional values (count differs from the generic one, or paths escaped or collided): "
              + ", ".join(result.exceptional))
    print(f"sweep written to {args.output} (summary.json, counts.png, one catalog per value)")
    return 0
