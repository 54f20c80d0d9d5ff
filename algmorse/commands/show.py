"""``algmorse show CATALOG.json``: print a saved catalog (or relu analysis) as a table."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..catalog import format_table, load_catalog
from ..relu_result import RELU_SCHEMA, format_relu_table, load_relu_analysis

NAME = "show"
HELP = "print a catalog as a table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``show`` arguments."""
    parser.add_argument("catalog", help="catalog file (JSON)")


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    if _schema(args.catalog) == RELU_SCHEMA:
        print(format_relu_table(load_relu_analysis(args.catalog)))
    else:
        print(format_table(load_catalog(args.catalog)))
    return 0


def _schema(path: str) -> object:
    """The file's ``schema`` key, or ``None`` when it cannot be read (the loader then says why)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("schema") if isinstance(data, dict) else None
