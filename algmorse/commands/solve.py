"""``algmorse solve SPEC.toml -o CATALOG.json``: solve a spec, print a summary, write the catalog.

A relu network (``activation = "relu"``) is solved cone by cone by :func:`algmorse.relu.analyze.analyze_relu`
and written as a relu analysis (schema ``algmorse.relu/1``), which ``algmorse show`` also reads.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from ..errors import SpecError
from ..model.network import NetworkProblem
from ..model.spec import load_spec
from ..pipeline import analyze
from ..progress import stderr_lines
from ..relu.analyze import analyze_relu
from ..relu.result import write_relu_analysis
from ..results.catalog import write_catalog
from ..results.fileio import check_writable
from ._types import positive_int, positive_seconds, seed

NAME = "solve"
HELP = "solve a TOML spec and write a catalog"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``solve`` options."""
    parser.add_argument("spec", help="problem specification (TOML)")
    parser.add_argument("-o", "--output", required=True, help="catalog file to write (JSON)")
    parser.add_argument("--seed", type=seed, help="master seed (default: the spec's, else random and recorded)")
    parser.add_argument("--jobs", type=positive_int, help="backend runs in parallel worker processes")
    parser.add_argument("--timeout", type=positive_seconds, help="seconds allowed per backend run")
    parser.add_argument("--stable-runs", type=positive_int, help="stop after this many runs in a row add nothing")
    parser.add_argument("--max-runs", type=positive_int, help="maximum number of backend runs")
    parser.add_argument("--decompose", choices=("auto", "always", "never"),
                        help="numerical irreducible decomposition of the critical set (default: auto)")
    parser.add_argument("--verify", choices=("none", "exact"),
                        help="cross-check with exact algebra (Singular/msolve); a mismatch is an error")
    parser.add_argument("--proof", choices=("auto", "none"),
                        help="count the critical points over prime fields to decide the verdicts (default: auto)")
    parser.add_argument("--proof-timeout", type=positive_seconds, help="seconds allowed for the modular count")
    parser.add_argument("--method", choices=("auto", "blackbox", "monodromy"),
                        help="blackbox runs or monodromy on support strata (default: auto, by estimated paths)")
    parser.add_argument("--scheduler", metavar="local|ADDRESS",
                        help="send the path tracking and blackbox runs to Dask: 'local' (a local cluster of "
                             "--jobs workers) or a scheduler's address (tcp://host:8786); same results")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def run(args: argparse.Namespace) -> int:
    """Solve, print the summary, write the catalog."""
    spec = load_spec(args.spec)
    reason = check_writable(args.output, inputs=(args.spec,))
    if reason is not None:  # before the solve: a late failure would lose the finished work
        raise SpecError("-o/--output", reason + ".")
    overrides = {
        name: value
        for name, value in (("seed", args.seed), ("jobs", args.jobs), ("timeout", args.timeout),
                            ("stable_runs", args.stable_runs), ("max_runs", args.max_runs),
                            ("decompose", args.decompose), ("verify", args.verify),
                            ("proof", args.proof), ("proof_timeout", args.proof_timeout),
                             ("method", args.method))
        if value is not None
    }
    options = replace(spec.solve, **overrides)

    progress = stderr_lines(args.quiet)
    if isinstance(spec.problem, NetworkProblem) and spec.problem.network.is_relu:
        if args.scheduler is not None:
            raise SpecError("--scheduler", "a relu network is solved cone by cone in this process.",
                            "Leave --scheduler out.")
        result = analyze_relu(spec.problem, options=options, progress=progress)
        write_relu_analysis(result, args.output)
        print(result)
        print(f"relu analysis written to {args.output}")
        return 0
    catalog = analyze(spec.problem, options=options, progress=progress, progress_bar=not args.quiet,
                      scheduler=args.scheduler)
    write_catalog(catalog, args.output)
    print(catalog)
    print(f"catalog written to {args.output}")
    return 0
