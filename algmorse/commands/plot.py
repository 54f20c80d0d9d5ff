"""``algmorse plot CATALOG.json [--out DIR] [--format png|svg|pdf]``: draw a catalog's standard figures."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import AlgmorseError
from ..model.network import SystemProblem
from ..relu.result import RELU_SCHEMA, file_schema
from ..results.catalog import load_catalog

NAME = "plot"
HELP = "draw a catalog: critical values by Morse index, Hessian spectra, a loss slice"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``plot`` arguments."""
    parser.add_argument("catalog", help="catalog file (JSON) written by `algmorse solve`")
    parser.add_argument("--out", help="directory for the figures (default: the catalog's directory)")
    parser.add_argument("--format", choices=("png", "svg", "pdf"), default="png", help="image format (default: png)")


def run(args: argparse.Namespace) -> int:
    """Load the catalog, write the figures, print their paths."""
    from ..results.plot import write_catalog_figures

    source = Path(args.catalog)
    if file_schema(source) == RELU_SCHEMA:
        raise AlgmorseError(f"{source}: a relu analysis; `algmorse plot` draws catalogs of polynomial losses only "
                            "(one per pattern block is not drawn yet). `algmorse show` prints it as a table.")
    catalog = load_catalog(source)
    if isinstance(catalog.problem, SystemProblem):
        raise AlgmorseError(f"{source}: the solutions of a square system have no loss or Hessian to draw. "
                            "`algmorse show` lists them; `algmorse export --to csv` writes them for other plots.")
    directory = Path(args.out) if args.out is not None else source.parent
    if directory.exists() and not directory.is_dir():
        raise AlgmorseError(f"--out {directory}: exists and is not a directory; give a directory for the figures.")
    try:
        paths = write_catalog_figures(catalog, directory, stem=source.stem, format=args.format)
    except OSError as exc:
        raise AlgmorseError(f"--out {directory}: cannot write the figures ({exc.strerror or exc}).") from None
    for path in paths:
        print(path)
    return 0
