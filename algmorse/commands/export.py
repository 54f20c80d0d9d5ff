"""``algmorse export CATALOG|SPEC --to FORMAT -o FILE``: the system (and points) for another tool."""

from __future__ import annotations

import argparse

from ..errors import SpecError
from ..model.spec import load_spec
from ..model.system import build_system
from ..results.catalog import load_catalog
from ..results.exports import FORMATS, points_csv, system_text
from ..results.fileio import check_writable, write_text_atomically

NAME = "export"
HELP = "write the gradient system (and points) for phc, Singular, msolve, Macaulay2, Bertini, HC.jl, or CSV"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``export`` options."""
    parser.add_argument("source", help="a catalog (.json) or a spec (.toml)")
    parser.add_argument("--to", required=True, choices=FORMATS, help="the target tool's format")
    parser.add_argument("-o", "--output", required=True, help="file to write")
    parser.add_argument("--points", action="store_true",
                        help="also write the catalog's points (phc: as start solutions; hcjl: a vector)")
    parser.add_argument("--real", action="store_true",
                        help="real points only (with --to csv, real coordinates; with --points, the real points)")


def run(args: argparse.Namespace) -> int:
    """Write the export."""
    reason = check_writable(args.output, inputs=(args.source,))
    if reason is not None:
        raise SpecError("-o/--output", reason + ".")
    if args.real and not (args.points or args.to == "csv"):
        raise SpecError("--real", "it selects points, and this export writes none.",
                        "Add --points, or use --to csv.")
    is_catalog = args.source.endswith(".json")
    catalog = load_catalog(args.source) if is_catalog else None
    if (args.points or args.to == "csv") and catalog is None:
        raise SpecError("source", "points come from a catalog; a spec has none.",
                        "Solve first (algmorse solve SPEC -o catalog.json), then export the catalog.")
    if args.to == "csv":
        text = points_csv(catalog, real_only=args.real)
    else:
        problem = catalog.problem if catalog is not None else load_spec(args.source).problem
        chosen = catalog.real() if args.real else catalog.critical_points if args.points else ()
        points = [p.coordinates for p in chosen]
        text = system_text(build_system(problem), args.to, points=points)
    write_text_atomically(args.output, text)
    print(f"{args.to} export written to {args.output}")
    return 0
