"""Results of a ReLU analysis (:func:`algmorse.relu.analyze.analyze_relu`), and their JSON form.

One JSON document with ``schema = "algmorse.relu/1"`` (a different kind from the polynomial
catalogs' ``"algmorse.catalog/2"``), keys sorted, written atomically. ``algmorse show`` prints it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Sequence

from ..analysis.classify import CriticalPoint
from ..analysis.verdict import COMPLETENESS_LEVELS
from ..errors import CatalogError
from ..model.network import NetworkProblem
from ..model.spec import parse_spec, problem_to_spec
from ..results.catalog import point_from_dict, point_to_dict, reading_fields
from ..results.fields import read_document
from ..results.fileio import write_text_atomically
from .arrangement import Region

__all__ = ["ReluComponent", "PatternResult", "ReluMinimum", "ReluAnalysis", "RELU_SCHEMA", "write_relu_analysis",
           "load_relu_analysis", "weakest_completeness", "format_relu_table"]

RELU_SCHEMA = "algmorse.relu/1"

_COMPLETENESS_ORDER = COMPLETENESS_LEVELS
_LOSS_RTOL = 1e-8


def weakest_completeness(values: Sequence[str]) -> str:
    """The weakest completeness statement among ``values`` (``"exact-count"`` for none)."""
    return max(values, key=_COMPLETENESS_ORDER.index, default="exact-count")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReluComponent:
    """A positive-dimensional set of critical points with a real point strictly inside its cone.

    Attributes
    ----------
    dimension : int
        Dimension of the critical set there: the sum over the independent blocks, plus the free
        directions of dead neurons without a regularizer (``dead_dimension``).
    degree : int
        Product of the blocks' component degrees.
    loss : float
        The loss on it (constant on a component of the critical set).
    hessian_rank, hessian_nullity : int
        Rank of the pattern polynomial's Hessian at ``point`` and ``number of parameters - rank``
        (equal to ``dimension`` when the component is nondegenerate in the normal directions).
    kind : str
        ``"minima"``, ``"maxima"``, ``"saddles"`` (signs of the nonzero Hessian eigenvalues at
        ``point``), or ``"degenerate"`` (nullity differs from the dimension).
    point : tuple of float
        A real point on it strictly inside the cone (all parameters, canonical order).
    dead_dimension : int
        Free directions contributed by dead neurons (no regularizer only).
    """

    dimension: int
    degree: int
    loss: float
    hessian_rank: int
    hessian_nullity: int
    kind: str
    point: tuple[float, ...]
    dead_dimension: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PatternResult:
    """What one activation cone holds.

    Attributes
    ----------
    regions : tuple of int
        Region index (into ``ReluAnalysis.regions``) of each hidden neuron.
    active : tuple of tuple of int
        For each neuron, the 1-based data points where it is active.
    orbit_size : int
        Number of ordered patterns this one stands for (neuron permutations), 1 without quotient.
    dead_neurons : tuple of int
        1-based neurons active on no data point.
    critical_points : tuple of CriticalPoint
        Real critical points strictly inside the cone, classified with the pattern polynomial's
        Hessian (which is the loss's Hessian there).
    boundary_points : tuple of CriticalPoint
        Real critical points of the pattern polynomial on the cone's boundary (some
        ``u_j . x_i + b_j = 0``): the loss need not be differentiable there; the classification
        fields describe the polynomial, not the loss.
    components : tuple of ReluComponent
        Positive-dimensional critical sets with a real point strictly inside.
    completeness : str
        The weakest completeness statement of the block solves (see :mod:`algmorse.analysis.verdict`).
    seconds : float
    """

    regions: tuple[int, ...]
    active: tuple[tuple[int, ...], ...]
    orbit_size: int
    dead_neurons: tuple[int, ...]
    critical_points: tuple[CriticalPoint, ...]
    boundary_points: tuple[CriticalPoint, ...]
    components: tuple[ReluComponent, ...]
    completeness: str
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ReluMinimum:
    """A local minimum inside a cone: an isolated point (dimension 0) or a component of minima."""

    pattern: int
    loss: float
    dimension: int
    point: tuple[float, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReluAnalysis:
    """The result of :func:`algmorse.relu.analyze.analyze_relu`.

    Attributes
    ----------
    problem : NetworkProblem
    variables : tuple of str
        Parameter names (canonical order); every coordinate tuple follows it.
    regions : tuple of Region
        The activation patterns of one neuron (regions of the data's hyperplane arrangement).
    patterns : tuple of PatternResult
    quotient : bool
        Whether patterns are listed up to permutations of the hidden neurons.
    provenance : dict
        Seed, options, number of block solves, seconds.
    """

    problem: NetworkProblem
    variables: tuple[str, ...]
    regions: tuple[Region, ...]
    patterns: tuple[PatternResult, ...]
    quotient: bool
    provenance: dict[str, Any] = field(default_factory=dict)

    # -- queries ---------------------------------------------------------------------------
    def local_minima(self) -> tuple[ReluMinimum, ...]:
        """Nondegenerate local minima and components of minima strictly inside cones, by loss."""
        out = []
        for number, result in enumerate(self.patterns):
            out += [ReluMinimum(pattern=number, loss=p.loss.real, dimension=0, point=tuple(c.real for c in p.coordinates))
                    for p in result.critical_points if p.kind == "minimum"]
            out += [ReluMinimum(pattern=number, loss=c.loss, dimension=c.dimension, point=c.point)
                    for c in result.components if c.kind == "minima"]
        return tuple(sorted(out, key=lambda m: (m.loss, -m.dimension, m.pattern)))

    @property
    def global_minimum(self) -> float | None:
        """Least loss over the points found: critical points and components inside cones, boundary points."""
        values = [p.loss.real for r in self.patterns for p in r.critical_points + r.boundary_points]
        values += [c.loss for r in self.patterns for c in r.components]
        return min(values, default=None)

    def global_minima(self) -> tuple[ReluMinimum, ...]:
        """The local minima inside cones whose loss is the global minimum (relative tolerance 1e-8)."""
        best = self.global_minimum
        if best is None:
            return ()
        return tuple(m for m in self.local_minima() if abs(m.loss - best) <= _LOSS_RTOL * max(1.0, abs(best)))

    @property
    def global_minimum_dimension(self) -> int | None:
        """Largest dimension of the global minima inside cones (``None`` if the minimum is only on boundaries)."""
        minima = self.global_minima()
        return max((m.dimension for m in minima), default=None)

    @property
    def completeness(self) -> str:
        """The weakest completeness statement over the patterns."""
        return weakest_completeness([r.completeness for r in self.patterns])

    # -- conversion ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (schema ``algmorse.relu/1``)."""
        return {
            "schema": RELU_SCHEMA,
            "problem": problem_to_spec(self.problem),
            "variables": list(self.variables),
            "regions": [{"signs": list(r.signs), "rays": [[str(c) for c in ray] for ray in r.rays],
                         "interior_point": [str(c) for c in r.interior_point]} for r in self.regions],
            "quotient": self.quotient,
            "patterns": [_pattern_to_dict(p) for p in self.patterns],
            "global_minimum": self.global_minimum,
            "global_minimum_dimension": self.global_minimum_dimension,
            "local_minima": [{"pattern": m.pattern, "loss": m.loss, "dimension": m.dimension, "point": list(m.point)}
                             for m in self.local_minima()],
            "provenance": self.provenance,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "<relu analysis>") -> ReluAnalysis:
        """Rebuild from :meth:`to_dict` output (derived keys, ``global_minimum`` and ``local_minima``, are recomputed).

        Raises
        ------
        CatalogError
            On another schema or a missing or malformed field.
        """
        if not isinstance(data, dict) or data.get("schema") != RELU_SCHEMA:
            got = data.get("schema") if isinstance(data, dict) else None
            raise CatalogError(f"{source}: expected a relu analysis (schema {RELU_SCHEMA!r}), got schema {got!r}.")
        with reading_fields(source, "relu analysis"):
            return cls(
                problem=parse_spec(data["problem"], source=f"{source}:problem").problem,
                variables=tuple(data["variables"]),
                regions=tuple(Region(tuple(r["signs"]), tuple(tuple(Fraction(c) for c in ray) for ray in r["rays"]),
                                     tuple(Fraction(c) for c in r["interior_point"])) for r in data["regions"]),
                patterns=tuple(_pattern_from_dict(p) for p in data["patterns"]),
                quotient=bool(data["quotient"]),
                provenance=dict(data["provenance"]),
            )

    # -- display ---------------------------------------------------------------------------
    def __str__(self) -> str:
        return format_relu_summary(self)

    def __repr__(self) -> str:
        return (f"<ReluAnalysis: {len(self.patterns)} patterns, {len(self.local_minima())} local minima inside cones, "
                f"global minimum {self.global_minimum}>")


def _pattern_to_dict(p: PatternResult) -> dict[str, Any]:
    return {
        "regions": list(p.regions),
        "active": [list(a) for a in p.active],
        "orbit_size": p.orbit_size,
        "dead_neurons": list(p.dead_neurons),
        "critical_points": [point_to_dict(q) for q in p.critical_points],
        "boundary_points": [point_to_dict(q) for q in p.boundary_points],
        "components": [{"dimension": c.dimension, "degree": c.degree, "loss": c.loss, "hessian_rank": c.hessian_rank,
                        "hessian_nullity": c.hessian_nullity, "kind": c.kind, "point": list(c.point),
                        "dead_dimension": c.dead_dimension} for c in p.components],
        "completeness": p.completeness,
        "seconds": p.seconds,
    }


def _pattern_from_dict(d: dict[str, Any]) -> PatternResult:
    return PatternResult(
        regions=tuple(int(r) for r in d["regions"]),
        active=tuple(tuple(int(i) for i in a) for a in d["active"]),
        orbit_size=int(d["orbit_size"]),
        dead_neurons=tuple(int(j) for j in d["dead_neurons"]),
        critical_points=tuple(point_from_dict(q) for q in d["critical_points"]),
        boundary_points=tuple(point_from_dict(q) for q in d["boundary_points"]),
        components=tuple(ReluComponent(dimension=int(c["dimension"]), degree=int(c["degree"]), loss=float(c["loss"]),
                                       hessian_rank=int(c["hessian_rank"]), hessian_nullity=int(c["hessian_nullity"]),
                                       kind=str(c["kind"]), point=tuple(float(x) for x in c["point"]),
                                       dead_dimension=int(c["dead_dimension"])) for c in d["components"]),
        completeness=str(d["completeness"]),
        seconds=float(d["seconds"]),
    )


def _fmt(values: Sequence[float], digits: int = 4) -> str:
    return "(" + ", ".join(f"{v:.{digits}g}" for v in values) + ")"


def _pattern_label(p: PatternResult) -> str:
    return " ".join("{" + ",".join(map(str, a)) + "}" for a in p.active)


def format_relu_summary(analysis: ReluAnalysis) -> str:
    """A few lines: patterns, counts, global minimum and its dimension, completeness."""
    patterns = analysis.patterns
    inside = sum(len(p.critical_points) for p in patterns)
    boundary = sum(len(p.boundary_points) for p in patterns)
    components = sum(len(p.components) for p in patterns)
    minima = analysis.local_minima()
    best = analysis.global_minimum
    ordered = sum(p.orbit_size for p in patterns)
    quotient = f" up to neuron permutations ({ordered} ordered)" if analysis.quotient else ""
    lines = [
        f"ReluAnalysis: {len(analysis.regions)} neuron patterns, {len(patterns)} network patterns{quotient}",
        f"  inside cones: {inside} critical points, {components} positive-dimensional components; "
        f"{len(minima)} local minima; {boundary} boundary points",
        f"  global minimum (least loss found): {'none' if best is None else f'{best:.6g}'}; dimension of the set of "
        f"global minima inside cones: {analysis.global_minimum_dimension if analysis.global_minimum_dimension is not None else '-'}",
        f"  completeness (weakest block): {analysis.completeness}; seed {analysis.provenance.get('seed')}; "
        f"{analysis.provenance.get('block_solves')} block solves, {analysis.provenance.get('seconds')} s",
    ]
    return "\n".join(lines)


def format_relu_table(analysis: ReluAnalysis) -> str:
    """The summary, then one block per pattern with its points and components."""
    lines = [format_relu_summary(analysis), ""]
    lines.append(f"coordinates: ({', '.join(analysis.variables)})")
    for number, p in enumerate(analysis.patterns):
        dead = f", dead neurons {list(p.dead_neurons)}" if p.dead_neurons else ""
        lines.append(f"pattern {number}: active sets {_pattern_label(p)} (orbit {p.orbit_size}{dead}; {p.completeness})")
        for q in p.critical_points:
            lines.append(f"    point      {q.kind:<11} loss {q.loss.real:.6g}  index {q.morse_index}  "
                         f"{_fmt([c.real for c in q.coordinates])}")
        for c in p.components:
            lines.append(f"    component  {c.kind:<11} loss {c.loss:.6g}  dimension {c.dimension} (degree {c.degree}, "
                         f"Hessian nullity {c.hessian_nullity})  through {_fmt(c.point)}")
        for q in p.boundary_points:
            lines.append(f"    boundary   {'':<11} loss {q.loss.real:.6g}  {_fmt([c.real for c in q.coordinates])}")
    return "\n".join(lines)


def write_relu_analysis(analysis: ReluAnalysis, path: str | os.PathLike) -> Path:
    """Write ``analysis`` as JSON, atomically."""
    text = json.dumps(analysis.to_dict(), indent=2, sort_keys=True, allow_nan=False) + "\n"
    return write_text_atomically(path, text, error=CatalogError)


def file_schema(path: str | os.PathLike) -> object:
    """The ``schema`` key of a JSON file, or ``None`` when it cannot be read (the loader then says why).

    Tells a relu analysis (:data:`RELU_SCHEMA`) from a catalog before loading either.
    """
    try:
        data = read_document(path, "JSON file")
    except CatalogError:
        return None
    return data.get("schema") if isinstance(data, dict) else None


def load_relu_analysis(path: str | os.PathLike) -> ReluAnalysis:
    """Read a file written by :func:`write_relu_analysis`.

    Raises
    ------
    CatalogError
        If the file is missing, larger than :data:`~algmorse.results.fields.MAX_DOCUMENT_BYTES`,
        not JSON, or not a relu analysis.
    """
    return ReluAnalysis.from_dict(read_document(path, "relu analysis"), source=os.fspath(path))
