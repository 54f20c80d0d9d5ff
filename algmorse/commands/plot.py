"""``algmorse plot CATALOG.json [--out DIR] [--format png|svg|pdf] [--center K] [--plane-points I,J |
--plane-params A,B] [--extent X]``: draw a catalog's standard figures."""

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
    slice_plane = parser.add_argument_group(
        "slice plane", "the plane of the loss slice (default: through the lowest real minimum and its nearest "
                       "real critical neighbours); points are numbered as `algmorse show` numbers them")
    slice_plane.add_argument("--center", type=int, metavar="K",
                             help="put the plane through real point K (default: the lowest real minimum); "
                                  "it is ringed in the figure")
    choice = slice_plane.add_mutually_exclusive_group()
    choice.add_argument("--plane-points", metavar="I,J",
                        help="the plane through the centre and real points I and J")
    choice.add_argument("--plane-params", metavar="NAME1,NAME2",
                        help="the coordinate plane of two parameters through the centre, e.g. w1_1_1,w2_1_1")
    slice_plane.add_argument("--extent", type=float, metavar="X",
                             help="show s, t in [-X, X] (default: large enough for the points of the plane)")


def _pair(text: str | None, option: str, convert):
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",")]
    try:
        if len(parts) != 2 or not all(parts):
            raise ValueError
        return tuple(convert(part) for part in parts)
    except ValueError:
        what = "two point numbers" if convert is int else "two parameter names"
        raise AlgmorseError(f"{option} {text}: give {what} separated by a comma, e.g. "
                            f"{'3,7' if convert is int else 'w1_1_1,w2_1_1'}.") from None


def run(args: argparse.Namespace) -> int:
    """Load the catalog, write the figures, print their paths."""
    from ..results.plot import write_catalog_figures

    source = Path(args.catalog)
    through = _pair(args.plane_points, "--plane-points", int)
    params = _pair(args.plane_params, "--plane-params", str)
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
    plane = {"center": args.center, "through": through, "params": params, "extent": args.extent}
    if len(catalog.variables) < 2 and any(value is not None for value in plane.values()):
        raise AlgmorseError(f"{source}: one parameter; there is no plane to choose (no slice is drawn).")
    try:
        paths = write_catalog_figures(catalog, directory, stem=source.stem, format=args.format, **plane)
    except OSError as exc:
        raise AlgmorseError(f"--out {directory}: cannot write the figures ({exc.strerror or exc}).") from None
    except ValueError as exc:  # the plane options (landscape_plane names the option)
        raise AlgmorseError(f"{source}: {_option_name(str(exc))}") from None
    for path in paths:
        print(path)
    return 0


def _option_name(message: str) -> str:
    """landscape_plane's message with its parameter names spelled as this command's options."""
    for name, option in (("center", "--center"), ("through", "--plane-points"), ("params", "--plane-params"),
                         ("extent", "--extent")):
        if message.startswith(f"{name}:") or message.startswith(f"{name} "):
            return option + message[len(name):]
    return message
