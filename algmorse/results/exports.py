"""The gradient system, and the points, in the input formats of the field's other tools.

``phc`` (PHCpack, ``phc -b`` input), ``singular`` (a ring and ``ideal grad``), ``msolve`` (its
input file), ``m2`` (Macaulay2), ``bertini`` (an input file), ``hcjl`` (a HomotopyContinuation.jl
script) and ``csv`` (the points). Coefficients are the exact rationals of the gradient (cleared of
denominators where a tool wants integers: Singular, msolve). Variables are written ``x1..xn``
(names that every tool accepts: PHCpack crashes on names starting with ``e`` or ``i``, Macaulay2
reads ``w1_1`` as a subscript), and a comment says which parameter each one is, where the format
has comments.
"""

from __future__ import annotations

import csv
import io
import math
from fractions import Fraction
from typing import Mapping, Sequence

from ..errors import SpecError
from ..model.expr import format_polynomial
from ..model.system import PolynomialSystem
from .catalog import Catalog, certificate_radius, min_abs_eigenvalue

__all__ = ["FORMATS", "system_text", "points_csv"]

FORMATS = ("phc", "singular", "msolve", "m2", "bertini", "hcjl", "csv")
"""Export formats, as ``algmorse export --to`` takes them."""

Sparse = Mapping[tuple[int, ...], Fraction]


def _names(count: int) -> list[str]:
    return [f"x{i + 1}" for i in range(count)]


def _text(polynomial: Sparse, names: Sequence[str], *, cleared: bool = False) -> str:
    """One polynomial in :func:`algmorse.model.expr.format_polynomial`'s form without spaces (exact
    ``p/q`` coefficients), or, ``cleared``, times the lcm of its denominators (the same ideal, for
    tools that want integers)."""
    if cleared and polynomial:
        scale = math.lcm(*(Fraction(c).denominator for c in polynomial.values()))
        polynomial = {e: Fraction(c) * scale for e, c in polynomial.items()}
    return format_polynomial(polynomial, names).replace(" ", "")


def _mapping(variables: Sequence[str], prefix: str) -> str:
    names = _names(len(variables))
    return "".join(f"{prefix} {name} = {variable}\n" for name, variable in zip(names, variables))


def system_text(system: PolynomialSystem, to: str, *, points: Sequence[Sequence[complex]] = ()) -> str:
    """The gradient system (and, for ``phc`` and ``hcjl``, start ``points``) as text for a tool.

    Parameters
    ----------
    system : PolynomialSystem
    to : {"phc", "singular", "msolve", "m2", "bertini", "hcjl"}
    points : sequence of sequence of complex, optional
        Appended as PHCpack solutions (``phc``) or as a Julia vector ``points`` (``hcjl``).

    Returns
    -------
    str

    Raises
    ------
    SpecError
        For an unknown format, or points with a format that cannot hold them.

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem
    >>> from algmorse.model.system import build_system
    >>> print(system_text(build_system(FunctionProblem(("a", "b"), "a^2*b/3 + b^2")), "singular"), end="")
    // x1 = a
    // x2 = b
    ring r = 0, (x1,x2), dp;
    ideal grad =
      2*x1*x2,
      x1^2+6*x2;
    """
    polynomials = system.sparse_gradient()
    names = _names(system.num_variables)
    n = system.num_variables
    if points and to not in ("phc", "hcjl"):
        raise SpecError("--points", f"the {to} format holds no points.", "Use --to phc, hcjl or csv for points.")
    if to == "phc":
        text = f"{n}\n" + "".join(_text(p, names) + ";\n" for p in polynomials)
        return text + (_phc_solutions(points, names) if points else "")
    if to == "singular":
        generators = ",\n  ".join(_text(p, names, cleared=True) for p in polynomials)
        return _mapping(system.variables, "//") + f"ring r = 0, ({','.join(names)}), dp;\nideal grad =\n  {generators};\n"
    if to == "msolve":
        return ",".join(names) + "\n0\n" + ",\n".join(_text(p, names, cleared=True) for p in polynomials) + "\n"
    if to == "m2":
        generators = ",\n  ".join(_text(p, names) for p in polynomials)
        return _mapping(system.variables, "--") + f"R = QQ[{','.join(names)}];\ngrad = ideal(\n  {generators});\n"
    if to == "bertini":
        functions = "".join(f"f{i + 1} = {_text(p, names)};\n" for i, p in enumerate(polynomials))
        return (_mapping(system.variables, "%") + "CONFIG\nEND;\nINPUT\n"
                f"variable_group {','.join(names)};\nfunction {','.join(f'f{i + 1}' for i in range(n))};\n"
                f"{functions}END;\n")
    if to == "hcjl":
        equations = ",\n    ".join(_text(p, names).replace("/", "//") for p in polynomials)  # Julia's exact rationals
        text = (_mapping(system.variables, "#") + "using HomotopyContinuation\n"
                f"@var {' '.join(names)}\nF = System([\n    {equations}\n], variables = [{', '.join(names)}])\n"
                "result = solve(F)\n")
        if points:
            rows = ",\n    ".join("[" + ", ".join(f"{z.real!r} + {z.imag!r}im" for z in map(complex, p)) + "]"
                                   for p in points)
            text += f"points = [\n    {rows}\n]\n"
        return text
    raise SpecError("--to", f"unknown format {to!r}.", f"Choose one of {', '.join(FORMATS)}.")


def _phc_solutions(points: Sequence[Sequence[complex]], names: Sequence[str]) -> str:
    """Points in PHCpack's solution-list format (as ``phc`` reads start solutions)."""
    blocks = []
    for index, point in enumerate(points, 1):
        lines = [f"solution {index} :", "t :  1.00000000000000E+00   0.00000000000000E+00", "m : 1",
                 "the solution for t :"]
        lines += [f" {name} : {complex(z).real: .16E}  {complex(z).imag: .16E}" for name, z in zip(names, point)]
        lines.append("== err :  0.000E+00 = rco :  1.000E+00 = res :  0.000E+00 ==")
        blocks.append("\n".join(lines))
    separator = "=" * 60
    return (f"\nTHE SOLUTIONS :\n{len(points)} {len(names)}\n{separator}\n"
            + f"\n{separator}\n".join(blocks) + "\n")


def points_csv(catalog: Catalog, *, real_only: bool = False) -> str:
    """The catalog's points as CSV: one row per point, in catalog order.

    Parameters
    ----------
    catalog : Catalog
    real_only : bool
        Real points only: then the loss and coordinates are real numbers, one column each.

    Returns
    -------
    str
        Columns: ``index`` (the point's catalog index), ``type``, ``real``, ``certified``,
        ``morse_index`` (empty when there is none), ``loss`` (its real part) and, unless
        `real_only`, ``loss_imag``; then ``min_abs_eigenvalue`` (smallest ``|eigenvalue|`` of the
        Hessian), ``min_sv_equilibrated`` (smallest singular value of the equilibrated Hessian,
        which decides rank and degeneracy), ``orbit`` and ``certificate_radius`` (empty when not
        certified); then one column per parameter with `real_only`, else ``<name>_re`` and
        ``<name>_im`` per parameter. A square system has no loss or Hessian spectrum: those
        cells are empty. The columns are those of :meth:`Catalog.to_dataframe`, with complex
        numbers split in two.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    coordinates = list(catalog.variables) if real_only else [f"{v}_{part}" for v in catalog.variables
                                                              for part in ("re", "im")]
    loss = ["loss"] if real_only else ["loss", "loss_imag"]
    writer.writerow(["index", "type", "real", "certified", "morse_index", *loss, "min_abs_eigenvalue",
                     "min_sv_equilibrated", "orbit", "certificate_radius", *coordinates])
    for index, point in enumerate(catalog.critical_points):
        if real_only and not point.is_real:
            continue
        writer.writerow([index, point.kind, point.is_real, point.certified, _cell(point.morse_index),
                         *_number_cells(point.loss, real_only), _cell(min_abs_eigenvalue(point)),
                         repr(point.hessian_min_singular_value), point.orbit, _cell(certificate_radius(point)),
                         *(cell for z in point.coordinates for cell in _number_cells(z, real_only))])
    return buffer.getvalue()


def _cell(value: int | float | None) -> str:
    """A CSV cell: ``repr`` of the number (exact round trip), empty for None."""
    return "" if value is None else repr(value)


def _number_cells(z: complex | None, real: bool) -> list[str]:
    """The real part (and the imaginary part unless ``real``) of ``z`` as CSV cells; empty for None."""
    if z is None:
        return [""] if real else ["", ""]
    z = complex(z)
    return [repr(z.real)] if real else [repr(z.real), repr(z.imag)]
