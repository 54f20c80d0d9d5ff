"""The ``algmorse`` command line.

``algmorse solve SPEC.toml -o CATALOG.json [--seed N] [--jobs N] [--timeout S]`` solves a spec,
prints a short summary and writes the catalog; ``algmorse show CATALOG.json`` prints a saved
catalog as a table. Errors in the input (or a failed backend) print one message to stderr and
exit with status 2; no traceback, no catalog written.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from typing import Sequence

from . import __version__
from .pipeline import analyze
from .catalog import format_table, load_catalog, write_catalog
from .errors import AlgmorseError
from .spec import load_spec

__all__ = ["main"]


def _bounded(kind: type, minimum: float, *, strict: bool, what: str):
    """An argparse type: ``kind(text)`` that is ``> minimum`` (strict) or ``>= minimum``."""

    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum or (strict and value == minimum) or value != value:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text}")
        return value

    return convert


_positive_int = _bounded(int, 1, strict=False, what="a positive integer")
_seed = _bounded(int, 0, strict=False, what="a non-negative integer")
_positive_float = _bounded(float, 0.0, strict=True, what="a positive number of seconds")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(prog="algmorse", description="Critical points and Morse verdicts of polynomial losses.")
    parser.add_argument("--version", action="version", version=f"algmorse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    solve = commands.add_parser("solve", help="solve a TOML spec and write a catalog")
    solve.add_argument("spec", help="problem specification (TOML)")
    solve.add_argument("-o", "--output", required=True, help="catalog file to write (JSON)")
    solve.add_argument("--seed", type=_seed, help="master seed (default: the spec's, else random and recorded)")
    solve.add_argument("--jobs", type=_positive_int, help="backend runs in parallel worker processes")
    solve.add_argument("--timeout", type=_positive_float, help="seconds allowed per backend run")
    solve.add_argument("--stable-runs", type=_positive_int, help="stop after this many runs in a row add nothing")
    solve.add_argument("--max-runs", type=_positive_int, help="maximum number of backend runs")
    solve.add_argument("--decompose", choices=("auto", "always", "never"),
                       help="numerical irreducible decomposition of the critical set (default: auto)")
    solve.add_argument("--verify", choices=("none", "exact"),
                       help="cross-check with exact algebra (Singular/msolve); a mismatch is an error")
    solve.add_argument("--quiet", action="store_true", help="no progress lines on stderr")

    show = commands.add_parser("show", help="print a catalog as a table")
    show.add_argument("catalog", help="catalog file (JSON)")
    return parser


def _solve(args: argparse.Namespace) -> int:
    spec = load_spec(args.spec)
    overrides = {
        name: value
        for name, value in (("seed", args.seed), ("jobs", args.jobs), ("timeout", args.timeout),
                            ("stable_runs", args.stable_runs), ("max_runs", args.max_runs),
                            ("decompose", args.decompose), ("verify", args.verify))
        if value is not None
    }
    options = replace(spec.solve, **overrides)

    def progress(line: str) -> None:
        if not args.quiet:
            print(f"  {line}", file=sys.stderr, flush=True)

    catalog = analyze(spec.problem, options=options, progress=progress)
    write_catalog(catalog, args.output)
    print(catalog)
    print(f"catalog written to {args.output}")
    return 0


def _show(args: argparse.Namespace) -> int:
    print(format_table(load_catalog(args.catalog)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return _solve(args) if args.command == "solve" else _show(args)
    except AlgmorseError as exc:
        print(f"algmorse: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `algmorse show c.json | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("algmorse: interrupted", file=sys.stderr)
        return 130
