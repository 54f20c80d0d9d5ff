"""``algmorse sweep SPEC.toml --vary NAME=START:STOP:N -o DIR``: counts of critical points along one
number of the spec (a strength eps_J, the loss scale, a data value x_I_K or y_I_K), on a grid of two
(a second --vary), along the common scale of every strength (--eps-scale), or across data sets
(--data-sets); exact exceptional values are drawn where Singular computes them in time."""

from __future__ import annotations

import argparse
from dataclasses import replace

from ..errors import SpecError
from ..model.network import NetworkProblem
from ..model.spec import load_data_sets, load_spec
from ..progress import stderr_lines
from ..sweep import parse_values, parse_vary, sweep
from ._types import positive_int, positive_seconds, seed

NAME = "sweep"
HELP = "solve along a parameter, a grid of two, the eps scale or data sets from one generic solve"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``sweep`` options."""
    parser.add_argument("spec", help="problem specification (TOML); with --eps-scale it needs a regularizer")
    swept = parser.add_mutually_exclusive_group(required=True)
    swept.add_argument("--vary", action="append", metavar="NAME=START:STOP:N|NAME=A,B,...",
                       help="a number of the spec and its values: eps (l2, multiplicative, polynomial), eps_J "
                            "(J-th generalized-L2 strength), scale, x_I_K or y_I_K (data point I, coordinate K), "
                            "e.g. eps_2=1/20:1/2:10; give --vary twice for a grid")
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
    parser.add_argument("--discriminant-timeout", type=float, default=60.0, metavar="SECONDS",
                        help="seconds for the exact exceptional values of a one-parameter sweep (Singular; default "
                             "60; 0 skips them)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def run(args: argparse.Namespace) -> int:
    """Run the sweep and print its table."""
    spec = load_spec(args.spec)
    values = parse_values(args.eps_scale) if args.eps_scale is not None else None
    vary = [parse_vary(text) for text in args.vary] if args.vary is not None else None
    if not args.discriminant_timeout >= 0 or args.discriminant_timeout == float("inf"):
        raise SpecError("--discriminant-timeout", f"must be a finite number of seconds >= 0, got "
                        f"{args.discriminant_timeout!r}.", "e.g. --discriminant-timeout 60, or 0 to skip.")
    data_sets = None
    if args.data_sets is not None:
        if not isinstance(spec.problem, NetworkProblem):
            raise SpecError("--data-sets", "data sets need a [network] spec.", "Use --eps-scale for a [function] spec.")
        data_sets = load_data_sets(args.data_sets, spec.problem.network)
    overrides = {name: value for name, value in (("seed", args.seed), ("jobs", args.jobs), ("timeout", args.timeout))
                 if value is not None}
    options = replace(spec.solve, **overrides)

    result = sweep(spec.problem, values, args.output, data_sets=data_sets, vary=vary, options=options,
                   scheduler=args.scheduler, progress=stderr_lines(args.quiet), progress_bar=not args.quiet,
                   discriminant_timeout=args.discriminant_timeout or None)
    print(f"generic count {result.generic_count}; {len(result.rows)} values")
    name = "data set" if data_sets is not None else "eps scale" if values is not None else result.parameter
    width = max(10, len(name), *(len(row.value) for row in result.rows))
    print(f"{name:>{width}} {'isolated':>8} {'real':>5} {'minima':>6} {'saddles':>7} {'maxima':>6} {'escaped':>7} "
          f"{'collided':>8}  completeness")
    for row in result.rows:
        print(f"{row.value:>{width}} {row.isolated:>8} {row.real:>5} {row.minima:>6} {row.saddles:>7} {row.maxima:>6} "
              f"{row.escaped:>7} {row.collided:>8}  {row.completeness}")
    if result.exceptional:
        print("exceptional values (count differs from the generic one, or paths escaped or collided): "
              + ", ".join(result.exceptional))
    if result.thresholds:
        print(f"exceptional values of {name}, {result.thresholds_note}:")
        for t in result.thresholds:
            where = "" if t.line is None else f"along {t.line[0]} = {t.line[1]}: "
            print(f"  {where}{t.value:.12g}  " + (f"{t.kind}, root of {t.polynomial}" if t.enclosure is None else
                                                    f"{t.kind}, in [{t.enclosure[0]!r}, {t.enclosure[1]!r}]"))
    elif result.thresholds_note:
        print(f"exceptional values: {result.thresholds_note}")
    print(f"sweep written to {args.output} (summary.json, counts.png, one catalog per value)")
    return 0
