"""``algmorse export CATALOG|SPEC --to FORMAT -o FILE``: the system (and points) for another tool."""

from __future__ import annotations

import argparse
from fractions import Fraction
from pathlib import Path

from ..errors import SpecError
from ..model.parametrized import parametrized_gradient
from ..model.spec import load_spec
from ..model.system import build_system
from ..results.catalog import load_catalog
from ..results.exports import (FORMATS, PARAMETER_FORMATS, bertini_parameter_files, hcjl_parameter_script,
                               points_csv, system_text)
from ..results.fileio import check_writable, write_text_atomically

NAME = "export"
HELP = "write the gradient system (and points) for phc, Singular, msolve, Macaulay2, Bertini, HC.jl, or CSV"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``export`` options."""
    parser.add_argument("source", help="a catalog (.json) or a spec (.toml)")
    parser.add_argument("--to", required=True, choices=FORMATS, help="the target tool's format")
    parser.add_argument("-o", "--output", required=True,
                        help="file to write (a folder for --to bertini --parameters: its input files)")
    parser.add_argument("--points", action="store_true",
                        help="also write the catalog's points (phc: as start solutions; hcjl: a vector; "
                             "bertini with --parameters: the start file)")
    parser.add_argument("--real", action="store_true",
                        help="real points only (with --to csv, real coordinates; with --points, the real points)")
    parser.add_argument("--parameters", metavar="NAMES",
                        help="comma-separated problem parameters kept symbolic, for a parameter homotopy "
                             "(hcjl, bertini): eps, eps_J, scale, x_I_K, y_I_K (1-based)")
    parser.add_argument("--target", metavar="VALUES",
                        help="comma-separated rational target values of --parameters, in order (e.g. 1/5,2; "
                             "--target=-1/5,2 when the first is negative)")


def run(args: argparse.Namespace) -> int:
    """Write the export."""
    folder = args.parameters is not None and args.to == "bertini"
    reason = _check_folder(args.output) if folder else check_writable(args.output, inputs=(args.source,))
    if reason is not None:
        raise SpecError("-o/--output", reason + ".")
    if args.real and not (args.points or args.to == "csv"):
        raise SpecError("--real", "it selects points, and this export writes none.",
                        "Add --points, or use --to csv.")
    if args.parameters is not None and args.to not in PARAMETER_FORMATS:
        raise SpecError("--parameters", f"the {args.to} export writes the system at fixed parameter values.",
                        f"Use --to {' or --to '.join(PARAMETER_FORMATS)} for a parameter homotopy, "
                        "or drop --parameters.")
    if args.target is not None and args.parameters is None:
        raise SpecError("--target", "target values need the parameters they belong to.",
                        "Add --parameters NAMES (e.g. --parameters eps --target 1/5).")
    is_catalog = args.source.endswith(".json")
    catalog = load_catalog(args.source) if is_catalog else None
    if (args.points or args.to == "csv") and catalog is None:
        raise SpecError("source", "points come from a catalog; a spec has none.",
                        "Solve first (algmorse solve SPEC -o catalog.json), then export the catalog.")
    if args.to == "csv":
        write_text_atomically(args.output, points_csv(catalog, real_only=args.real))
        print(f"csv export written to {args.output}")
        return 0
    problem = catalog.problem if catalog is not None else load_spec(args.source).problem
    chosen = catalog.real() if args.real else catalog.critical_points if args.points else ()
    points = [p.coordinates for p in chosen]
    if args.parameters is None:
        write_text_atomically(args.output, system_text(build_system(problem), args.to, points=points))
        print(f"{args.to} export written to {args.output}")
        return 0
    names = [name.strip() for name in args.parameters.split(",")]
    system = parametrized_gradient(problem, names, field="--parameters")
    target = None if args.target is None else _rationals(args.target)
    if args.to == "hcjl":
        write_text_atomically(args.output, hcjl_parameter_script(system, points=points, target=target))
        print(f"hcjl export with parameters {', '.join(names)} written to {args.output}")
        return 0
    files = bertini_parameter_files(system, points=points, target=target)
    folder = Path(args.output)
    for name in files:  # e.g. a spec saved as run/input
        reason = check_writable(folder / name, inputs=(args.source,)) if folder.is_dir() else None
        if reason is not None:
            raise SpecError("-o/--output", reason + ".")
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        write_text_atomically(folder / name, text)
    print(f"bertini parameter homotopy ({', '.join(names)}) written to {folder}/: {', '.join(files)}")
    return 0


def _check_folder(path: str) -> str | None:
    """Why ``path`` cannot be (or become) the folder of Bertini's files, or ``None`` if it can."""
    target = Path(path)
    if not path.strip():
        return "the path is empty; give a folder name such as bertini_run"
    if target.is_dir():
        return None
    if target.exists():
        return f"{target} exists and is not a folder; --to bertini --parameters writes its files into a folder"
    if not target.parent.is_dir():
        return f"the folder {target.parent} does not exist; create it first"
    return None


def _rationals(text: str) -> list[Fraction]:
    """Comma-separated rationals (``1/5``, ``0.2``, ``-3``), parsed without evaluating anything."""
    try:
        return [Fraction(piece.strip()) for piece in text.split(",")]
    except (ValueError, ZeroDivisionError):
        raise SpecError("--target", f"{text!r} is not a comma-separated list of rationals.",
                        "Write the values as integers, decimals or p/q, e.g. --target 1/5,2.") from None
