"""``algmorse show CATALOG.json``: print a saved catalog (or relu analysis) as a table, CSV or JSON."""

from __future__ import annotations

import argparse
import json

from ..errors import SpecError
from ..relu.result import RELU_SCHEMA, file_schema, format_relu_table, load_relu_analysis
from ..results.catalog import format_table, load_catalog, point_to_dict, select_points
from ..results.exports import points_csv
from ._types import positive_int

NAME = "show"
HELP = "print a catalog as a table (or its points as CSV or JSON)"
KINDS = ("minimum", "saddle", "maximum", "degenerate", "undetermined", "complex")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``show`` arguments."""
    parser.add_argument("catalog", help="catalog file (JSON)")
    parser.add_argument("--real", action="store_true",
                        help="real points only (in CSV: a real loss and one column per coordinate)")
    parser.add_argument("--type", action="append", choices=KINDS, dest="kinds",
                        help="only points of this type (repeat for several)")
    parser.add_argument("--limit", type=positive_int, help="at most this many points")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table",
                        help="table (default: summary and one fixed-width line per point, with the smallest "
                             "|eigenvalue| of the Hessian and the smallest singular value of the equilibrated "
                             "Hessian), csv or json (points only)")


def run(args: argparse.Namespace) -> int:
    """Print the table, or the selected points as CSV or JSON."""
    if file_schema(args.catalog) == RELU_SCHEMA:
        if args.real or args.kinds or args.limit or args.format != "table":
            raise SpecError("show", "--real, --type, --limit and --format apply to polynomial catalogs.",
                            "Show a relu analysis without them.")
        print(format_relu_table(load_relu_analysis(args.catalog)))
        return 0
    catalog = load_catalog(args.catalog)
    kinds = tuple(args.kinds or ())
    if args.format == "table":
        print(format_table(catalog, real=args.real, kinds=kinds, limit=args.limit))
    elif args.format == "json":
        chosen = select_points(catalog, real=args.real, kinds=kinds, limit=args.limit)
        print(json.dumps([{"index": i, **point_to_dict(p)} for i, p in chosen], indent=1, allow_nan=False))
    else:
        chosen = {i for i, _ in select_points(catalog, real=args.real, kinds=kinds, limit=args.limit)}
        rows = points_csv(catalog, real_only=args.real).splitlines()
        print("\n".join([rows[0]] + [row for row in rows[1:] if int(row.split(",", 1)[0]) in chosen]))
    return 0
