"""Solution catalogs: the result of a solve, as Python objects and as versioned JSON.

A catalog is one JSON document with schema ``"algmorse.catalog/2"`` (``/1`` is still read); points are written in a
canonical order (real before complex, then by loss, then by coordinates) with sorted keys and
fixed indentation, so two solves that found the same set produce the same ``critical_points``
bytes. Complex numbers are ``[re, im]`` pairs. Files are written atomically (temporary file in
the target directory, then :func:`os.replace`): a failed write never leaves a partial catalog.
"""

from __future__ import annotations

import html
import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Integral
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np

from ..analysis.classify import CriticalPoint
from ..analysis.components import Component
from ..analysis.core_locus import Stratum
from ..analysis.verdict import COMPLETENESS_LEVELS, Reason, Verdict
from ..engine.backends.base import WitnessSet
from ..engine.certify import Certificate
from ..engine.rational_points import ExactPoint
from ..errors import AlgmorseError, CatalogError, check_type
from ..model.network import Problem, SystemProblem
from ..model.spec import parse_spec, problem_to_spec
from .fields import Fields, read_document
from .fileio import write_text_atomically

if TYPE_CHECKING:
    import pandas

__all__ = ["Catalog", "Summary", "Provenance", "RunRecord", "SCHEMA", "load_catalog", "write_catalog"]

SCHEMA = "algmorse.catalog/2"
READABLE_SCHEMAS = ("algmorse.catalog/1", SCHEMA)
"""Schemas :func:`load_catalog` reads: ``/2`` added the Morse-Bott verdicts (absent from ``/1``: read as None)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """Counts of the isolated critical points by type."""

    isolated: int
    real: int
    degenerate: int
    undetermined: int
    minima: int
    saddles: int
    maxima: int
    orbits: int
    components: int = 0
    certified: int = 0

    @classmethod
    def of(cls, points: tuple[CriticalPoint, ...], components: tuple | list = ()) -> Summary:
        """Count ``points`` (and ``components``)."""
        kinds = [p.kind for p in points]
        return cls(
            isolated=len(points),
            real=sum(p.is_real for p in points),
            degenerate=sum(p.nondegenerate is False for p in points),
            undetermined=sum(p.nondegenerate is None for p in points),
            minima=kinds.count("minimum"),
            saddles=kinds.count("saddle"),
            maxima=kinds.count("maximum"),
            orbits=len({p.orbit for p in points}),
            components=len(components),
            certified=sum(p.certified for p in points),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRecord:
    """One backend run: its seed and what it contributed."""

    seed: int
    endpoints: int
    new_points: int
    dropped_nonfinite: int
    paths_tracked: int | None
    seconds: float
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Everything needed to reproduce and judge a catalog."""

    algmorse_version: str
    backend: str
    backend_version: str
    python_version: str
    library_versions: dict[str, str]
    seed: int
    root_counts: dict[str, int]
    paths_tracked: int
    runs: tuple[RunRecord, ...]
    seconds: dict[str, float]
    options: dict[str, Any] = field(default_factory=dict)
    symmetries: tuple[str, ...] = ()
    exact: dict[str, Any] | None = None
    decomposition: dict[str, Any] | None = None
    modular: dict[str, Any] | None = None
    monodromy: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalog:
    """The isolated critical points of a regularized loss, classified, with a verdict.

    Attributes
    ----------
    problem : NetworkProblem or FunctionProblem
        The problem solved (random strengths resolved to the values used).
    variables : tuple of str
        Parameter names; coordinates of every point follow this order.
    critical_points : tuple of CriticalPoint
        In canonical order.
    components : tuple of Component
        Positive-dimensional components of the critical set (when a decomposition ran).
    core_locus : tuple of Stratum
        Strata of the multiplicative regularizer's core locus (empty for other regularizers).
    summary : Summary
    verdict : Verdict
    provenance : Provenance
    """

    problem: Problem
    variables: tuple[str, ...]
    critical_points: tuple[CriticalPoint, ...]
    components: tuple[Component, ...] = ()
    core_locus: tuple[Stratum, ...] = ()
    summary: Summary
    verdict: Verdict
    provenance: Provenance

    # -- queries ---------------------------------------------------------------------------
    def to_numpy(self, real: bool = True) -> np.ndarray:
        """The points' coordinates as an array, one row per point in catalog order.

        Parameters
        ----------
        real : bool
            True: a float array of the real points only; False: a complex array of all points.

        Returns
        -------
        numpy.ndarray
            Shape ``(points, parameters)``; columns follow :attr:`variables`.
        """
        if real:
            return np.array([[complex(z).real for z in p.coordinates] for p in self.real()],
                            dtype=float).reshape(-1, len(self.variables))
        return np.array([p.coordinates for p in self.critical_points], dtype=complex).reshape(-1, len(self.variables))

    def to_dataframe(self, real: bool = False) -> "pandas.DataFrame":
        """The points as a pandas DataFrame, with typed columns (pandas is optional: ``pip install pandas``).

        One row per point, in catalog order; the row labels (index named ``index``) are the
        points' catalog indices, the ``#`` of ``algmorse show`` (so with `real` they skip the
        complex points).

        Parameters
        ----------
        real : bool
            Real points only. Then ``loss`` and the coordinates are always float64, and
            ``frame.groupby("type")["loss"].describe()`` works.

        Returns
        -------
        pandas.DataFrame
            Columns, in this order:

            ``type`` (str)
                ``minimum``, ``saddle``, ``maximum``, ``degenerate``, ``undetermined``,
                ``complex`` (``regular`` for a square system's real solution).
            ``real``, ``certified`` (bool)
                Whether the point is real, and whether an interval box certifies it.
            ``morse_index`` (nullable ``Int64``)
                Number of negative Hessian eigenvalues; ``<NA>`` for complex, degenerate and
                undetermined points (and a square system's solutions).
            ``loss`` (float64 or complex128)
                ``NaN`` for a square system, which has no loss.
            ``min_abs_eigenvalue`` (float64)
                Smallest ``|eigenvalue|`` of the Hessian at the point (``NaN`` without a Hessian
                spectrum: a square system's solutions).
            ``min_sv_equilibrated`` (float64)
                Smallest singular value of the *equilibrated* Hessian ``D H D`` (the Jacobian for
                a square system), the units-free quantity the rank and degeneracy tests use; it
                is not ``min_abs_eigenvalue`` (see :mod:`algmorse.analysis.classify`).
            ``orbit`` (int64)
                Index of the point's symmetry orbit.
            ``certificate_radius`` (float64)
                Radius of the interval certificate's box; ``NaN`` when not certified.
            one column per parameter (float64 or complex128)
                Coordinates, in the order of :attr:`variables`.

            ``loss`` and the coordinates are float64 when every row is a real point (always
            with `real`; also without it when the catalog has no complex point), else
            complex128, so a column's type depends only on whether the frame holds a complex
            point, never on the values.

        Raises
        ------
        ImportError
            If pandas is not installed.

        Examples
        --------
        >>> frame = catalog.to_dataframe(real=True)                  # doctest: +SKIP
        >>> frame.groupby("type")["loss"].describe()                 # doctest: +SKIP
        >>> frame[frame["morse_index"] == 1]                         # doctest: +SKIP
        """
        try:
            import pandas
        except ImportError:
            raise ImportError("Catalog.to_dataframe needs pandas: pip install pandas") from None
        chosen = select_points(self, real=real)
        points = [p for _, p in chosen]
        number, dtype = (float, "float64") if all(p.is_real for p in points) else (complex, "complex128")
        has_loss = any(p.loss is not None for p in points)
        loss_type, loss_dtype = (number, dtype) if has_loss else (float, "float64")
        columns = {
            "type": [p.kind for p in points],
            "real": np.array([p.is_real for p in points], dtype=bool),
            "certified": np.array([p.certified for p in points], dtype=bool),
            "morse_index": pandas.array([p.morse_index for p in points], dtype="Int64"),
            "loss": np.array([np.nan if p.loss is None else loss_type(p.loss) for p in points], dtype=loss_dtype),
            "min_abs_eigenvalue": np.array([_nan_if_none(min_abs_eigenvalue(p)) for p in points], dtype=float),
            "min_sv_equilibrated": np.array([p.hessian_min_singular_value for p in points], dtype=float),
            "orbit": np.array([p.orbit for p in points], dtype=np.int64),
            "certificate_radius": np.array([_nan_if_none(certificate_radius(p)) for p in points], dtype=float),
        }
        coordinates = np.array([[number(z) for z in p.coordinates] for p in points],
                               dtype=dtype).reshape(-1, len(self.variables))
        names = [*columns, *self.variables]
        arrays = [*columns.values(), *coordinates.T]
        frame = pandas.DataFrame(dict(enumerate(arrays)), index=pandas.Index([i for i, _ in chosen], name="index"))
        frame.columns = names  # a parameter may share a fixed column's name: both are kept
        return frame

    def sample(self, component: int | Component, count: int, *, real: bool = False, seed: int = 0,
               backend: str = "phcpack", timeout: float = 60.0, max_moves: int | None = None) -> np.ndarray:
        """New points on a positive-dimensional component, from its stored witness set.

        Moves the witness set's slices (see :func:`algmorse.engine.sampling.sample_component`);
        works on a reloaded catalog. Every point is checked against the gradient and the
        component's loss.

        Parameters
        ----------
        component : int or Component
            An index into :attr:`components`, or one of them.
        count : int
            Number of points.
        real : bool
            Real points only (through real hyperplanes near the component's known real points).
        seed : int
            Same seed, same points.
        backend : str
            The tracker's name.
        timeout : float
            Seconds per backend call.
        max_moves : int, optional
            Slice moves before giving up (see :func:`~algmorse.engine.sampling.sample_component`).

        Returns
        -------
        ndarray
            Shape ``(count, len(variables))``, complex (float with `real`).

        Raises
        ------
        AlgmorseError
            For an argument out of range, a component without a witness set, or fewer than
            `count` points passing the checks.

        Examples
        --------
        With the PHCpack backend installed (``tests/test_sampling.py`` runs this)::

            circle = next(c for c in catalog.components if c.kind == "minima")
            catalog.sample(circle, 100, real=True)       # float array, shape (100, n)
        """
        from ..engine.backends import get_backend
        from ..engine.sampling import sample_component
        from ..model.system import build_system

        if isinstance(component, Integral) and not isinstance(component, bool):
            if not -len(self.components) <= component < len(self.components):
                raise AlgmorseError(f"component: index {component} out of range; this catalog has "
                                    f"{len(self.components)} component(s).")
            chosen = self.components[component]
        elif isinstance(component, Component) and component in self.components:
            chosen = component
        else:
            raise AlgmorseError(f"component: expected an index into catalog.components or one of them, "
                                f"got {component!r}.")
        if chosen.witness is None:
            raise AlgmorseError("component: it has no witness set (a catalog written before they were kept); "
                                "solve again to sample it.")
        return sample_component(build_system(self.problem), chosen.witness, count, backend=get_backend(backend),
                                seed=seed, real=real, anchors=chosen.real_points, timeout=timeout,
                                max_moves=max_moves)

    def real(self) -> tuple[CriticalPoint, ...]:
        """Real critical points."""
        return tuple(p for p in self.critical_points if p.is_real)

    def minima(self) -> tuple[CriticalPoint, ...]:
        """Real nondegenerate local minima."""
        return tuple(p for p in self.critical_points if p.kind == "minimum")

    def saddles(self, index: int | None = None) -> tuple[CriticalPoint, ...]:
        """Real nondegenerate saddles, optionally of a given Morse index."""
        return tuple(p for p in self.critical_points if p.kind == "saddle" and (index is None or p.morse_index == index))

    def maxima(self) -> tuple[CriticalPoint, ...]:
        """Real nondegenerate local maxima."""
        return tuple(p for p in self.critical_points if p.kind == "maximum")

    def degenerate(self) -> tuple[CriticalPoint, ...]:
        """Points with a singular (or undecidable) Hessian."""
        return tuple(p for p in self.critical_points if not p.nondegenerate)

    # -- conversion ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The catalog as plain JSON-ready data (schema ``algmorse.catalog/2``)."""
        return {
            "schema": SCHEMA,
            "problem": problem_to_spec(self.problem),
            "variables": list(self.variables),
            "critical_points": [point_to_dict(p) for p in self.critical_points],
            "components": [_component_to_dict(c) for c in self.components],
            "core_locus": [{**_record_to_dict(s), "zero_matrices": list(s.zero_matrices), "components": list(s.components)}
                           for s in self.core_locus],
            "summary": _record_to_dict(self.summary),
            "verdict": {
                "morse": self.verdict.morse,
                "complex_morse": self.verdict.complex_morse,
                "completeness": self.verdict.completeness,
                "morse_basis": self.verdict.morse_basis,
                "complex_morse_basis": self.verdict.complex_morse_basis,
                "morse_bott": self.verdict.morse_bott,
                "complex_morse_bott": self.verdict.complex_morse_bott,
                "morse_bott_basis": self.verdict.morse_bott_basis,
                "complex_morse_bott_basis": self.verdict.complex_morse_bott_basis,
                "all_minima_global": self.verdict.all_minima_global,
                "spurious_minima": self.verdict.spurious_minima,
                "strict_saddle": self.verdict.strict_saddle,
                "landscape_basis": self.verdict.landscape_basis,
                "reasons": [{"code": r.code, "message": r.message, "points": list(r.points),
                             "components": list(r.components)} for r in self.verdict.reasons],
            },
            "provenance": _provenance_to_dict(self.provenance),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "<catalog>") -> Catalog:
        """Rebuild a catalog from :meth:`to_dict` output.

        Raises
        ------
        CatalogError
            On an unknown schema or a missing or malformed field.
        """
        if not isinstance(data, dict):
            raise CatalogError(f"{source}: expected a JSON object at the top level.")
        schema = data.get("schema")
        if schema not in READABLE_SCHEMAS:
            raise CatalogError(f"{source}: unsupported catalog schema {schema!r}; this version of algmorse reads "
                               f"{' and '.join(map(repr, READABLE_SCHEMAS))}.")
        top = Fields(data, "", source)
        with reading_fields(source, "algmorse catalog"):
            problem = parse_spec(top.obj("problem").data, source=f"{source}:problem").problem
        variables = tuple(top.items("variables", length=len(problem.variables)))
        if variables != problem.variables:
            top.fail("variables", f"expected {list(problem.variables)}, the problem's parameters in order")
        n = len(variables)
        points = tuple(_point_from_fields(f, n) for f in top.objects("critical_points"))
        components = tuple(_component_from_fields(f, n) for f in top.objects("components"))
        strata = tuple(_stratum_from_fields(f, len(components)) for f in top.objects("core_locus"))
        summary = Summary.of(points, components)
        stored = top.obj("summary")
        for name in Summary.__slots__:
            if stored.integer(name, 0, optional=name == "certified") not in (getattr(summary, name), None):
                stored.fail(name, f"says {stored.data[name]}, but the catalog holds {getattr(summary, name)}")
        return cls(
            problem=problem,
            variables=variables,
            critical_points=points,
            components=components,
            core_locus=strata,
            summary=summary,
            verdict=_verdict_from_fields(top.obj("verdict"), len(points), len(components)),
            provenance=_provenance_from_fields(top.obj("provenance")),
        )

    # -- display ---------------------------------------------------------------------------
    def __str__(self) -> str:
        return format_summary(self)

    def __repr__(self) -> str:
        s = self.summary
        return f"<Catalog: {s.isolated} isolated critical points ({s.real} real), morse={self.verdict.morse}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{i}</td><td>{p.kind}</td><td>{_fmt_complex(p.loss)}</td><td>{_dash(p.morse_index)}</td>"
            f"<td>{p.hessian_rank}</td><td>{html.escape(_fmt_point(p.coordinates))}</td></tr>"
            for i, p in enumerate(self.critical_points)
        )
        header = html.escape(format_summary(self)).replace("\n", "<br>")
        return (f"<div><p>{header}</p><table><tr><th>#</th><th>type</th><th>loss</th><th>index</th>"
                f"<th>rank</th><th>coordinates</th></tr>{rows}</table></div>")



@contextmanager
def reading_fields(source: str, what: str) -> Iterator[None]:
    """Turn a missing or malformed field met while rebuilding ``what`` into one :class:`CatalogError`.

    Parameters
    ----------
    source : str
        The file (or other origin) named in the message.
    what : str
        What is being read, e.g. ``"algmorse catalog"``.
    """
    try:
        yield
    except KeyError as exc:
        raise CatalogError(f"{source}: missing field {exc.args[0]!r}; the file is not a complete {what}.") from None
    except AlgmorseError as exc:
        raise CatalogError(f"{source}: {exc}") from None
    except (TypeError, ValueError, IndexError) as exc:
        raise CatalogError(f"{source}: malformed {what} ({exc}).") from None


def min_abs_eigenvalue(point: CriticalPoint) -> float | None:
    """The smallest ``|eigenvalue|`` of the Hessian at ``point``.

    Parameters
    ----------
    point : CriticalPoint

    Returns
    -------
    float or None
        None for a square system's solution, which has no Hessian spectrum.
    """
    return min((abs(complex(e)) for e in point.hessian_eigenvalues), default=None)


def certificate_radius(point: CriticalPoint) -> float | None:
    """The radius of ``point``'s interval certificate, None when it is not certified."""
    return None if point.certificate is None else point.certificate.radius


def _nan_if_none(value: float | None) -> float:
    return np.nan if value is None else value


def _fmt_complex(z: complex | None, digits: int = 6) -> str:
    if z is None:
        return "-"
    if z.imag == 0:
        return f"{z.real:.{digits}g}"
    return f"{z.real:.{digits}g}{z.imag:+.{digits}g}i"


def _fmt_point(coords: tuple[complex, ...], digits: int = 4) -> str:
    return "(" + ", ".join(_fmt_complex(c, digits) for c in coords) + ")"


def _dash(value: object) -> str:
    return "-" if value is None else str(value)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    """``"1 point"``, ``"2 points"``."""
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _critical_point_lines(catalog: Catalog, orbits: str) -> list[str]:
    """The head lines of a loss's catalog: counts by type, verdicts, certified points."""
    s, v = catalog.summary, catalog.verdict
    return [
        f"Catalog: {_plural(s.isolated, 'isolated critical point')} ({s.real} real, {s.isolated - s.real} complex)",
        f"  minima {s.minima}, saddles {s.saddles}, maxima {s.maxima}, degenerate {s.degenerate}, "
        f"undetermined {s.undetermined}{orbits}; {_plural(s.components, 'positive-dimensional component')}",
        f"  morse: {_verdict_word(v.morse, v.morse_basis)}   "
        f"complex_morse: {_verdict_word(v.complex_morse, v.complex_morse_basis)}   completeness: {v.completeness}",
        f"  morse_bott: {_verdict_word(v.morse_bott, v.morse_bott_basis)}   "
        f"complex_morse_bott: {_verdict_word(v.complex_morse_bott, v.complex_morse_bott_basis)}",
        f"  all local minima global: {_verdict_word(v.all_minima_global, v.landscape_basis)}   "
        f"strict saddle: {_verdict_word(v.strict_saddle, v.landscape_basis)}",
        f"  certified: {s.certified} of {s.isolated} points (interval boxes, each holding exactly one "
        "nondegenerate critical point)",
    ]


def format_summary(catalog: Catalog) -> str:
    """A few lines: counts by type, verdict, completeness, seed."""
    s, v, prov = catalog.summary, catalog.verdict, catalog.provenance
    orbits = (f"; {_plural(s.orbits, 'symmetry orbit')} ({_plural(len(prov.symmetries), 'verified symmetry', 'verified symmetries')})"
              if prov.symmetries else "")
    if isinstance(catalog.problem, SystemProblem):
        regular = sum(p.kind == "regular" for p in catalog.critical_points)
        lines = [
            f"System: {_plural(s.isolated, 'isolated solution')} ({s.real} real, {s.isolated - s.real} complex)",
            f"  regular (real, invertible Jacobian) {regular}, degenerate {s.degenerate}, undetermined {s.undetermined}; "
            f"{_plural(s.components, 'positive-dimensional component')}; completeness: {v.completeness}",
            f"  certified: {s.certified} of {s.isolated} solutions (interval boxes, each holding exactly one regular "
            "solution)",
        ]
    else:
        lines = _critical_point_lines(catalog, orbits)
    lines += [f"  - {r.message}" for r in v.reasons]
    if catalog.core_locus:
        lines.append("  core locus of the multiplicative regularizer (strata W_k = 0 for k in S):")
        for stratum in catalog.core_locus:
            lines.append(
                f"    S = {{{', '.join(map(str, stratum.zero_matrices))}}}: dimension {stratum.dimension}, R vanishes to order "
                f"{stratum.vanishing_order}, critical: {_yes(stratum.critical)}, Hessian vanishes: {_yes(stratum.hessian_vanishes)}"
                + (f"; contains component(s) {', '.join(map(str, stratum.components))}" if stratum.components else "")
            )
    counts = ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in sorted(prov.root_counts.items()))
    runs = f"{len(prov.runs)} run{'' if len(prov.runs) == 1 else 's'}"
    if prov.monodromy is not None:
        strata = prov.monodromy.get("strata", [])
        runs = (f"monodromy on {len(strata)} support strat{'um' if len(strata) == 1 else 'a'} "
                f"({prov.monodromy.get('generic_count')} generic points)" + ("" if len(prov.runs) == 1 else
                                                                            f", then {len(prov.runs) - 1} blackbox runs"))
    lines.append(f"  seed {prov.seed}; {runs}, {prov.paths_tracked} paths; root counts: {counts or 'none'}")
    return "\n".join(lines)


def select_points(catalog: Catalog, *, real: bool = False, kinds: tuple[str, ...] = (),
                  limit: int | None = None) -> list[tuple[int, CriticalPoint]]:
    """``(index, point)`` pairs in catalog order: real points only, of the given kinds
    (``minimum``, ``saddle``, ``maximum``, ``degenerate``, ``undetermined``, ``complex``), at most
    ``limit`` of them. Indices are the catalog's, the same in every view and figure."""
    chosen = [(i, p) for i, p in enumerate(catalog.critical_points)
              if (not real or p.is_real) and (not kinds or p.kind in kinds)]
    return chosen if limit is None else chosen[:limit]


_LOSS_WIDTH = 24


def _fmt_loss(z: complex) -> str:
    """A loss in a fixed-width column: 10 significant digits when real, else ``re+im i``."""
    z = complex(z)
    text = f"{z.real:.10g}" if z.imag == 0 else f"{z.real:.6g}{z.imag:+.3e}i"
    return f"{text:>{_LOSS_WIDTH}}"


def format_table(catalog: Catalog, *, real: bool = False, kinds: tuple[str, ...] = (), limit: int | None = None) -> str:
    """The summary followed by one fixed-width line per critical point (see :func:`select_points`)."""
    lines = [format_summary(catalog), ""]
    system = isinstance(catalog.problem, SystemProblem)  # no loss or index: those columns are left out
    if catalog.components:
        lines.append("Components:")
        loss = "" if system else f"{'loss':>{_LOSS_WIDTH}}  "
        lines.append(f"{'#':>4}  {'dim':>3}  {'deg':>3}  {'kind':<10} {loss}{'rank':>4}  {'stratum':<8} real points")
        for i, c in enumerate(catalog.components):
            real_points = "; ".join(_fmt_point(tuple(complex(x) for x in p)) for p in c.real_points[:2]) or "none found"
            stratum = "-" if c.stratum is None else "{" + ",".join(map(str, c.stratum)) + "}"
            loss = "" if system else (f"{'?':>{_LOSS_WIDTH}}" if c.loss is None else _fmt_loss(c.loss)) + "  "
            lines.append(f"{i:>4}  {c.dimension:>3}  {c.degree:>3}  {c.kind:<10} {loss}{_dash(c.hessian_rank):>4}  "
                         f"{stratum:<8} {real_points}")
        lines.append("")
    chosen = select_points(catalog, real=real, kinds=kinds, limit=limit)
    shown = len(chosen)
    total = len(select_points(catalog, real=real, kinds=kinds))
    lines.append(("Isolated solutions" if system else "Isolated critical points")
                 + ("" if shown == len(catalog.critical_points) else
                    f" ({shown} of {total} selected, {len(catalog.critical_points)} in all)") + ":")
    loss_and_index = "" if system else f"{'loss':>{_LOSS_WIDTH}}  {'index':>5}  "
    spectrum = "" if system else f"{'min |eig|':>9}  "
    lines.append(f"{'#':>4}  {'type':<12} {loss_and_index}{'rank':>4}  {spectrum}{'min sv (eq)':>11}  {'cert':<5}  "
                 f"coordinates ({', '.join(catalog.variables)})")
    for i, p in chosen:
        loss_and_index = "" if system else f"{_fmt_loss(p.loss)}  {_dash(p.morse_index):>5}  "
        spectrum = "" if system else f"{_fmt_small(min_abs_eigenvalue(p)):>9}  "
        lines.append(
            f"{i:>4}  {p.kind:<12} {loss_and_index}{p.hessian_rank:>4}  {spectrum}"
            f"{p.hessian_min_singular_value:>11.2e}  {_proof_word(p):<5}  {_fmt_point(p.coordinates)}"
        )
    lines.append(_TABLE_LEGEND["system" if system else "loss"])
    return "\n".join(lines)


_TABLE_LEGEND = {
    "loss": "min |eig|: smallest |eigenvalue| of the Hessian. min sv (eq): smallest singular value of the "
            "equilibrated Hessian D H D, which decides rank and degeneracy.",
    "system": "min sv (eq): smallest singular value of the equilibrated Jacobian D J D, which decides rank and "
              "regularity.",
}
"""The line under the points table that says what its two small-number columns are."""


def _fmt_small(value: float | None) -> str:
    return "-" if value is None else f"{value:.2e}"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _proof_word(p: CriticalPoint) -> str:
    """``yes`` (interval certificate), ``exact`` (exact proof at a rational point, with its
    multiplicity when above 1, e.g. ``x17``) or ``no``."""
    if p.certified:
        return "yes"
    if p.exact_point is not None:
        multiplicity = p.exact_point.multiplicity
        return "exact" if multiplicity in (None, 1) else f"x{multiplicity}"
    return "no"


def _verdict_word(value: bool | None, basis: str | None = None) -> str:
    word = "undetermined" if value is None else str(value).lower()
    return f"{word} ({basis})" if basis else word


def _pair(z: complex) -> list[float]:
    return [float(z.real), float(z.imag)]


def point_to_dict(p: CriticalPoint) -> dict[str, Any]:
    return {
        "coordinates": [_pair(c) for c in p.coordinates],
        "is_real": p.is_real,
        "loss": None if p.loss is None else _pair(p.loss),
        "hessian_eigenvalues": [_pair(e) for e in p.hessian_eigenvalues],
        "hessian_rank": p.hessian_rank,
        "hessian_min_singular_value": p.hessian_min_singular_value,
        "hessian_noise_level": p.hessian_noise_level,
        "nondegenerate": p.nondegenerate,
        "morse_index": p.morse_index,
        "multiplicity": p.multiplicity,
        "isolated": p.isolated,
        "residual": p.residual,
        "orbit": p.orbit,
        "type": p.kind,
        "certified": p.certified,
        "certificate": None if p.certificate is None else {
            "method": p.certificate.method, "radius": p.certificate.radius, "real": p.certificate.real,
            "morse_index": p.certificate.morse_index,
            "loss": None if p.certificate.loss is None else list(p.certificate.loss),
            "precision": p.certificate.precision,
            "center": None if p.certificate.center is None else [list(pair) for pair in p.certificate.center]},
        "exact_point": None if p.exact_point is None else {
            "method": p.exact_point.method, "coordinates": [str(c) for c in p.exact_point.coordinates],
            "dimension": p.exact_point.dimension, "multiplicity": p.exact_point.multiplicity},
    }


def point_from_dict(d: dict[str, Any], nvars: int | None = None, *, source: str = "<catalog>",
                    path: str = "point") -> CriticalPoint:
    """Rebuild a point from :func:`point_to_dict` output, checking every field.

    Raises
    ------
    CatalogError
        Naming the first malformed field (``nvars``, when given, fixes the number of coordinates).
    """
    fields = Fields(d, path, source)
    if nvars is None:
        nvars = len(fields.items("coordinates"))
    return _point_from_fields(fields, nvars)


def _point_from_fields(f: Fields, n: int) -> CriticalPoint:
    certificate = f.obj("certificate", optional=True)
    eigenvalues = f.complex_pairs("hessian_eigenvalues")
    if len(eigenvalues) not in (0, n):  # none for a square system's solution
        f.fail("hessian_eigenvalues", f"expected {n} entries (or none), got {len(eigenvalues)}")
    gradient = bool(eigenvalues)  # a square system's solution has no spectrum and no loss
    if not gradient:
        _no_loss(f, "a point without Hessian eigenvalues (a square system's solution) has no loss")
    return CriticalPoint(
        coordinates=f.complex_pairs("coordinates", n),
        is_real=f.boolean("is_real"),
        loss=f.complex_pair("loss") if gradient else None,
        hessian_eigenvalues=eigenvalues,
        hessian_rank=f.integer("hessian_rank", 0, n),
        hessian_min_singular_value=f.number("hessian_min_singular_value", low=0.0),
        hessian_noise_level=f.number("hessian_noise_level", low=0.0),
        nondegenerate=f.boolean("nondegenerate", optional=True),
        morse_index=f.integer("morse_index", 0, n, optional=True),
        multiplicity=f.integer("multiplicity", 1, optional=True),
        isolated=f.boolean("isolated", optional=True),
        residual=f.number("residual", low=0.0),
        orbit=f.integer("orbit", 0),
        certificate=None if certificate is None else _certificate_from_fields(certificate, n, gradient),
        exact_point=_exact_point_from_fields(f.obj("exact_point", optional=True), n),
    )


_RATIONAL = re.compile(r"-?[0-9]{1,4000}(/[1-9][0-9]{0,3999})?")


def _exact_point_from_fields(f: Fields | None, n: int) -> ExactPoint | None:
    """A point's exact proof (absent in catalogs written before it existed)."""
    if f is None:
        return None
    texts = f.texts("coordinates")
    if len(texts) != n:
        f.fail("coordinates", f"expected {n} rationals, got {len(texts)}")
    for i, text in enumerate(texts):
        if not _RATIONAL.fullmatch(text):
            f.fail(f"coordinates[{i}]", f"expected a rational such as -3/4, got {text[:40]!r}")
    dimension = f.integer("dimension", 0, n)
    multiplicity = f.integer("multiplicity", 1, optional=True)
    if (multiplicity is None) != (dimension > 0):
        f.fail("multiplicity", "expected a multiplicity exactly when the local dimension is 0")
    return ExactPoint(tuple(Fraction(t) for t in texts), dimension, multiplicity,
                      f.text("method", choices=("singular-local",)))


def _no_loss(f: Fields, why: str) -> None:
    """Refuse a loss where there is none.

    Square-system catalogs written before their losses were dropped hold a zero loss (``[0, 0]``
    on a point, the enclosure of 0 in a certificate): that reads as no loss.
    """
    given = f.items("loss", optional=True)
    if given is None:
        return
    values = f.numbers("loss", 2)
    if not values[0] <= 0.0 <= values[1] or max(abs(v) for v in values) > 1e-300:
        f.fail("loss", f"{why}; expected null")


def _certificate_from_fields(f: Fields, n: int, gradient: bool) -> Certificate:
    """A point's certificate; a square system's (``gradient`` false) encloses no loss."""
    loss = f.numbers("loss", 2) if gradient else None
    if not gradient:
        _no_loss(f, "a square system's solution has no loss")
    if loss is not None and loss[0] > loss[1]:
        f.fail("loss", f"expected low <= high, got [{loss[0]}, {loss[1]}]")
    return Certificate(method=f.text("method", choices=("krawczyk",)), radius=f.number("radius", low=0.0),
                       real=f.boolean("real", optional=True), morse_index=f.integer("morse_index", 0, n, optional=True),
                       loss=None if loss is None else tuple(loss), precision=f.integer("precision", 1, 1 << 20),
                       center=_center_from_fields(f, n))


_DECIMAL = re.compile(r"[+-]?([0-9]{1,9000}\.?[0-9]{0,9000}|\.[0-9]{1,9000})([eE][+-]?[0-9]{1,9})?")


def _center_from_fields(f: Fields, n: int) -> tuple[tuple[str, str], ...] | None:
    """A certificate's full-precision center (absent in catalogs written before it existed)."""
    rows = f.items("center", optional=True)
    if rows is None:
        return None
    if len(rows) != n:
        f.fail("center", f"expected {n} [re, im] pairs, got {len(rows)}")
    for i, row in enumerate(rows):
        if not (isinstance(row, list) and len(row) == 2 and all(isinstance(t, str) and _DECIMAL.fullmatch(t)
                                                                for t in row)):
            f.fail(f"center[{i}]", "expected a pair of decimal strings such as [\"1.5e-3\", \"0\"]")
    return tuple((row[0], row[1]) for row in rows)


def _component_to_dict(c: Component) -> dict[str, Any]:
    return {
        "dimension": c.dimension,
        "degree": c.degree,
        "witness_points": [[_pair(z) for z in p] for p in c.witness_points],
        "real_points": [list(p) for p in c.real_points],
        "loss": None if c.loss is None else _pair(c.loss),
        "hessian_rank": c.hessian_rank,
        "kind": c.kind,
        "description": c.description,
        "stratum": None if c.stratum is None else list(c.stratum),
        "trace_error": c.trace_error,
        "real": c.real,
        "normal_index": c.normal_index,
        "prime": list(c.prime),
        "loss_polynomial": list(c.loss_polynomial),
        "witness": None if c.witness is None else {
            "dimension": c.witness.dimension,
            "points": [[_pair(z) for z in p] for p in c.witness.points],
            "slices": [[_pair(z) for z in s] for s in c.witness.slices],
            "embedded_system": list(c.witness.embedded_system),
            "trace_error": c.witness.trace_error,
        },
    }


def _component_from_fields(f: Fields, n: int) -> Component:
    return Component(
        dimension=f.integer("dimension", 1, n),
        degree=f.integer("degree", 1),
        witness_points=f.pair_rows("witness_points", n),
        real_points=f.number_rows("real_points", n),
        loss=f.complex_pair("loss", optional=True),
        hessian_rank=f.integer("hessian_rank", 0, n, optional=True),
        kind=f.text("kind"),
        description=f.text("description"),
        stratum=f.integers("stratum", 1, optional=True),
        trace_error=f.number("trace_error", optional=True),
        witness=_witness_from_fields(f.obj("witness", optional=True), n),
        real=f.boolean("real", optional=True),
        normal_index=f.integer("normal_index", 0, n, optional=True),
        prime=f.texts("prime"),
        loss_polynomial=f.texts("loss_polynomial"),
    )


def _witness_from_fields(f: Fields | None, n: int) -> WitnessSet | None:
    if f is None:
        return None
    dimension = f.integer("dimension", 1, n - 1)
    points = f.pair_rows("points", n)
    slices = f.pair_rows("slices", n + 1)
    embedded = f.texts("embedded_system")
    if not points or len(slices) != dimension or len(embedded) != n + dimension:
        f.fail("", f"a witness set of dimension {dimension} needs points, {dimension} slices and "
                   f"{n + dimension} embedded equations")
    return WitnessSet(dimension=dimension, points=points, slices=slices, embedded_system=embedded,
                      trace_error=f.number("trace_error", optional=True))


def _stratum_from_fields(f: Fields, components: int) -> Stratum:
    return Stratum(zero_matrices=f.integers("zero_matrices", 1), dimension=f.integer("dimension", 0),
                   vanishing_order=f.integer("vanishing_order", 0), critical=f.boolean("critical"),
                   critical_for_every_eps=f.boolean("critical_for_every_eps"),
                   hessian_vanishes=f.boolean("hessian_vanishes"),
                   components=f.integers("components", 0, components - 1))


def _verdict_from_fields(f: Fields, points: int, components: int) -> Verdict:
    reasons = tuple(Reason(code=r.text("code"), message=r.text("message"), points=r.integers("points", 0, points - 1),
                           components=r.integers("components", 0, components - 1)) for r in f.objects("reasons"))
    return Verdict(morse=f.boolean("morse", optional=True), complex_morse=f.boolean("complex_morse", optional=True),
                   completeness=f.text("completeness", choices=COMPLETENESS_LEVELS),
                   morse_basis=f.text("morse_basis", optional=True),
                   complex_morse_basis=f.text("complex_morse_basis", optional=True), reasons=reasons,
                   morse_bott=f.boolean("morse_bott", optional=True),
                   complex_morse_bott=f.boolean("complex_morse_bott", optional=True),
                   morse_bott_basis=f.text("morse_bott_basis", optional=True),
                   complex_morse_bott_basis=f.text("complex_morse_bott_basis", optional=True),
                   all_minima_global=f.boolean("all_minima_global", optional=True),
                   spurious_minima=f.integer("spurious_minima", 0, points, optional=True),
                   strict_saddle=f.boolean("strict_saddle", optional=True),
                   landscape_basis=f.text("landscape_basis", optional=True))


def _record_to_dict(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}


def _provenance_to_dict(p: Provenance) -> dict[str, Any]:
    data = _record_to_dict(p)
    data["runs"] = [_record_to_dict(r) for r in p.runs]
    data["symmetries"] = list(p.symmetries)
    return data


def _provenance_from_fields(f: Fields) -> Provenance:
    runs = tuple(RunRecord(seed=r.integer("seed", 0), endpoints=r.integer("endpoints", 0),
                           new_points=r.integer("new_points", 0), dropped_nonfinite=r.integer("dropped_nonfinite", 0),
                           paths_tracked=r.integer("paths_tracked", 0, optional=True),
                           seconds=r.number("seconds", low=0.0), error=r.text("error", optional=True))
                 for r in f.objects("runs"))
    versions, counts, seconds = f.obj("library_versions"), f.obj("root_counts"), f.obj("seconds")
    return Provenance(
        algmorse_version=f.text("algmorse_version"), backend=f.text("backend"),
        backend_version=f.text("backend_version"), python_version=f.text("python_version"),
        library_versions={k: versions.text(k) for k in versions.data},
        seed=f.integer("seed", 0), root_counts={k: counts.integer(k, 0) for k in counts.data},
        paths_tracked=f.integer("paths_tracked", 0), runs=runs,
        seconds={k: seconds.number(k, low=0.0) for k in seconds.data},
        options=_json_object(f, "options"),
        symmetries=f.texts("symmetries"),
        exact=_json_object(f, "exact", optional=True), decomposition=_json_object(f, "decomposition", optional=True),
        modular=_json_object(f, "modular", optional=True),
        monodromy=_json_object(f, "monodromy", optional=True),
    )


def _json_object(f: Fields, key: str, *, optional: bool = False) -> dict | None:
    value = f.obj(key, optional=optional)
    if value is None:
        return None
    f.json_safe(key)
    return value.data


def dumps(catalog: Catalog) -> str:
    """The catalog's canonical JSON text."""
    return json.dumps(catalog.to_dict(), indent=2, sort_keys=True, allow_nan=False) + "\n"


def write_catalog(catalog: Catalog, path: str | os.PathLike) -> Path:
    """Write ``catalog`` to ``path`` atomically (temporary file, then rename).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    SpecError
        If ``catalog`` is not a :class:`Catalog`.
    CatalogError
        If ``path`` cannot take the file: its folder is missing or not writable, or it exists
        and is not a regular file (a folder, a device such as ``/dev/null``, a pipe), which
        the rename would replace.
    """
    check_type(catalog, Catalog, "catalog", "Pass the Catalog that algmorse.analyze returned (or load_catalog read).")
    return write_text_atomically(path, dumps(catalog), error=CatalogError)


def load_catalog(path: str | os.PathLike) -> Catalog:
    """Read a catalog written by :func:`write_catalog`.

    Raises
    ------
    CatalogError
        If the file is missing, larger than :data:`~algmorse.results.fields.MAX_DOCUMENT_BYTES`
        (an endless input such as ``/dev/zero`` is refused after that many bytes), not JSON, or
        not a catalog of a supported schema.
    """
    return Catalog.from_dict(read_document(path, "catalog"), source=os.fspath(path))
