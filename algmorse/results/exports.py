"""The gradient system, and the points, in the input formats of the field's other tools.

``phc`` (PHCpack, ``phc -b`` input), ``singular`` (a ring and ``ideal grad``), ``msolve`` (its
input file), ``m2`` (Macaulay2), ``bertini`` (an input file), ``hcjl`` (a HomotopyContinuation.jl
script) and ``csv`` (the points). Coefficients are the exact rationals of the gradient (cleared of
denominators where a tool wants integers: Singular, msolve). Variables are written ``x1..xn``
(names that every tool accepts: PHCpack crashes on names starting with ``e`` or ``i``, Macaulay2
reads ``w1_1`` as a subscript), and a comment says which parameter each one is, where the format
has comments.

For a parameter homotopy, :func:`hcjl_parameter_script` and :func:`bertini_parameter_files` write
the gradient as a polynomial in the unknowns and in chosen problem parameters
(:mod:`algmorse.model.parametrized`), which are written ``p1..pm``.
"""

from __future__ import annotations

import csv
import io
import math
from fractions import Fraction
from typing import Mapping, Sequence

from ..errors import SpecError
from ..model.expr import format_polynomial, format_rational
from ..model.parametrized import ParametrizedGradient
from ..model.system import PolynomialSystem
from .catalog import Catalog, certificate_radius, min_abs_eigenvalue

__all__ = ["FORMATS", "PARAMETER_FORMATS", "system_text", "hcjl_parameter_script", "bertini_parameter_files",
           "points_csv"]

FORMATS = ("phc", "singular", "msolve", "m2", "bertini", "hcjl", "csv")
"""Export formats, as ``algmorse export --to`` takes them."""

PARAMETER_FORMATS = ("hcjl", "bertini")
"""Formats that take ``algmorse export --parameters`` (a parameter homotopy's input)."""

Sparse = Mapping[tuple[int, ...], Fraction]
Points = Sequence[Sequence[complex]]


def _names(count: int, letter: str = "x") -> list[str]:
    return [f"{letter}{i + 1}" for i in range(count)]


def _text(polynomial: Sparse, names: Sequence[str], *, cleared: bool = False) -> str:
    """One polynomial in :func:`algmorse.model.expr.format_polynomial`'s form without spaces (exact
    ``p/q`` coefficients), or, ``cleared``, times the lcm of its denominators (the same ideal, for
    tools that want integers)."""
    if cleared and polynomial:
        scale = math.lcm(*(Fraction(c).denominator for c in polynomial.values()))
        polynomial = {e: Fraction(c) * scale for e, c in polynomial.items()}
    return format_polynomial(polynomial, names).replace(" ", "")


def _mapping(variables: Sequence[str], prefix: str, letter: str = "x") -> str:
    names = _names(len(variables), letter)
    return "".join(f"{prefix} {name} = {variable}\n" for name, variable in zip(names, variables))


def _julia_vector(values: Sequence[complex]) -> str:
    return "[" + ", ".join(f"{z.real!r} + {z.imag!r}im" for z in map(complex, values)) + "]"


def _julia_rationals(values: Sequence[Fraction]) -> str:
    return "[" + ", ".join(format_rational(v).replace("/", "//") for v in values) + "]"


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
        raise SpecError("--points", f"the {to} format holds no points.",
                        "Use --to phc, hcjl or csv for points (or --to bertini with --parameters: its start file).")
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
                "result = solve(F)\ncertify(F, result)\n")
        return text + (_julia_points(points) if points else "")
    raise SpecError("--to", f"unknown format {to!r}.", f"Choose one of {', '.join(FORMATS)}.")


def _julia_points(points: Points) -> str:
    return "points = [\n    " + ",\n    ".join(_julia_vector(p) for p in points) + "\n]\n"


def _parametrized(system: ParametrizedGradient, prefix: str) -> tuple[list[str], list[str], str]:
    """The polynomials' texts in ``x1..xn, p1..pm``, the names ``p1..pm``, and comments naming all of them."""
    unknowns, parameters = _names(len(system.variables)), _names(len(system.parameters), "p")
    texts = [_text(g, unknowns + parameters) for g in system.sparse_gradient()]
    labels = [f"{name} (problem value {format_rational(value)})"
              for name, value in zip(system.parameters, system.values)]
    return texts, parameters, _mapping(system.variables, prefix) + _mapping(labels, prefix, "p")


def _check_target(system: ParametrizedGradient, target: Sequence[Fraction] | None) -> None:
    if target is not None and len(target) != len(system.parameters):
        raise SpecError("--target", f"{len(target)} values for {len(system.parameters)} parameters.",
                        f"Give one value per parameter, in order: {', '.join(system.parameters)}.")


def hcjl_parameter_script(system: ParametrizedGradient, *, points: Points = (),
                          target: Sequence[Fraction] | None = None) -> str:
    """A HomotopyContinuation.jl script for the gradient with parameters, ready for a parameter homotopy.

    The script declares ``System(...; variables, parameters)``, solves it at the problem's parameter
    values ``p_spec`` (or, given ``points``, takes them as its solutions there), certifies the
    solutions with ``certify(F, ..., p_spec)``, then follows them to ``p_target`` with
    ``solve(F, start; start_parameters = p_spec, target_parameters = p_target)`` and certifies
    again. Without ``target`` those last lines are comments to fill in.

    Parameters
    ----------
    system : ParametrizedGradient
    points : sequence of sequence of complex, optional
        The critical points at the problem's parameter values (a catalog's).
    target : sequence of Fraction, optional
        Target parameter values, one per parameter.

    Returns
    -------
    str

    Raises
    ------
    SpecError
        Naming ``--target`` if it has the wrong length.
    """
    _check_target(system, target)
    texts, parameters, comments = _parametrized(system, "#")
    unknowns = _names(len(system.variables))
    equations = ",\n    ".join(t.replace("/", "//") for t in texts)  # Julia's exact rationals
    text = (comments + "using HomotopyContinuation\n"
            f"@var {' '.join(unknowns + parameters)}\n"
            f"F = System([\n    {equations}\n], variables = [{', '.join(unknowns)}], "
            f"parameters = [{', '.join(parameters)}])\n"
            f"p_spec = {_julia_rationals(system.values)}  # {', '.join(system.parameters)}\n")
    if points:
        text += _julia_points(points) + "certify(F, points, p_spec)\nstart = points\n"
    else:
        text += ("result = solve(F; target_parameters = p_spec)\ncertify(F, result, p_spec)\n"
                 "start = solutions(result)\n")
    follow = (f"p_target = {_julia_rationals(system.values if target is None else target)}\n"
              "moved = solve(F, start; start_parameters = p_spec, target_parameters = p_target)\n"
              "certify(F, moved, p_target)\n")
    if target is None:
        follow = "# to follow the solutions to other parameter values, set p_target and uncomment:\n" + "".join(
            f"# {line}\n" for line in follow.splitlines())
    return text + follow


def bertini_parameter_files(system: ParametrizedGradient, *, points: Points = (),
                            target: Sequence[Fraction] | None = None) -> dict[str, str]:
    """Bertini 1 parameter-homotopy files for the gradient with parameters: file name to text.

    ``input_step1`` (``ParameterHomotopy: 1``) solves at random complex parameters and writes
    ``start_parameters`` and ``nonsingular_solutions``; ``input`` (``ParameterHomotopy: 2``)
    follows the points of ``start`` from ``start_parameters`` to ``final_parameters``. Given
    ``points`` (the critical points at the problem's parameter values), ``start`` holds them and
    ``start_parameters`` those values, so step 1 can be skipped; given ``target``,
    ``final_parameters`` holds it. Points and parameter files are in Bertini's format: a count, a
    blank line, then one ``real imaginary`` line per coordinate (points separated by blank lines).
    Step 2 follows the straight segment between the two parameter values; between real values it
    may meet a singular system, which starting from step 1's random complex parameters avoids.

    Parameters
    ----------
    system : ParametrizedGradient
    points : sequence of sequence of complex, optional
    target : sequence of Fraction, optional
        One value per parameter.

    Returns
    -------
    dict of str to str

    Raises
    ------
    SpecError
        Naming ``--target`` if it has the wrong length.
    """
    _check_target(system, target)
    texts, parameters, comments = _parametrized(system, "%")
    n = len(system.variables)
    body = (f"INPUT\nvariable_group {','.join(_names(n))};\nparameter {','.join(parameters)};\n"
            f"function {','.join(f'f{i + 1}' for i in range(n))};\n"
            + "".join(f"f{i + 1} = {t};\n" for i, t in enumerate(texts)) + "END;\n")
    steps = ("% step 1: bertini input_step1 (then cp nonsingular_solutions start);\n"
             "% step 2: bertini input (reads start, start_parameters, final_parameters)\n")
    files = {name: comments + steps + f"CONFIG\nParameterHomotopy: {step};\nEND;\n" + body
             for name, step in (("input_step1", 1), ("input", 2))}
    if points:
        files["start"] = _bertini_points(points)
        files["start_parameters"] = _bertini_points([[complex(v)] for v in system.values], blocks=False)
    if target is not None:
        files["final_parameters"] = _bertini_points([[complex(v)] for v in target], blocks=False)
    return files


def _bertini_points(points: Points, *, blocks: bool = True) -> str:
    """Bertini's point-list format; ``blocks=False`` for a parameter file (one value a line, no blank lines)."""
    rows = ["\n".join(f"{complex(z).real!r} {complex(z).imag!r}" for z in point) for point in points]
    return f"{len(points)}\n\n" + ("\n\n" if blocks else "\n").join(rows) + "\n"


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
