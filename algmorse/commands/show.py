"""``algmorse show CATALOG.json``: print a saved catalog (or relu analysis) as a table."""

from __future__ import annotations

import argparse

from ..catalog import format_table, load_catalog
from ..relu_result import RELU_SCHEMA, file_schema, format_relu_table, load_relu_analysis

NAME = "show"
HELP = "print a catalog as a table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``show`` arguments."""
    parser.add_argument("catalog", help="catalog file (JSON)")


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    if file_schema(args.catalog) == RELU_SCHEMA:
        print(format_relu_table(load_relu_analysis(args.catalog)))
    else:
        print(format_table(load_catalog(args.catalog)))
    return 0

