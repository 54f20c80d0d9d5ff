"""``algmorse show CATALOG.json``: print a saved catalog as a table."""

from __future__ import annotations

import argparse

from ..catalog import format_table, load_catalog

NAME = "show"
HELP = "print a catalog as a table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``show`` arguments."""
    parser.add_argument("catalog", help="catalog file (JSON)")


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    print(format_table(load_catalog(args.catalog)))
    return 0
