"""Pictures of catalogs and loss landscapes (matplotlib, object-oriented, never a window).

Every function returns a :class:`matplotlib.figure.Figure` built directly (no :mod:`pyplot`
state, so figures can be made from threads and in scripts without a display); save it with
:func:`save_figure`, which writes atomically. matplotlib is imported by this module only, so the
rest of algmorse does not pay for it.

* :func:`critical_values_figure`: loss values of the real critical points by Morse index.
* :func:`hessian_spectra_figure` (with :func:`hessian_spectra_of`): Hessian eigenvalues per point.
* :func:`slice_figure` (with :func:`loss_on_plane`): the loss on a 2-D plane through parameter space.
* :func:`sweep_figure`: counts (or any numbers) against a swept parameter.
* :func:`catalog_figures`, :func:`write_catalog_figures`: the standard pictures of a catalog
  (what ``algmorse plot`` writes).
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Union

import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator
from numpy.polynomial import chebyshev

from ..analysis.classify import CriticalPoint
from ..analysis.components import Component
from ..model.network import NetworkProblem, Problem
from ..model.numeric import NumericSystem
from ..model.system import PolynomialSystem, build_system
from .catalog import Catalog
from .fileio import write_atomically

__all__ = [
    "critical_values_figure",
    "hessian_spectra_of",
    "hessian_spectra_figure",
    "loss_on_plane",
    "slice_figure",
    "sweep_figure",
    "sweep_map_figure",
    "save_figure",
    "catalog_figures",
    "landscape_plane",
    "write_catalog_figures",
]

LossFunction = Union[Callable[[np.ndarray], float], PolynomialSystem, NumericSystem]
"""A loss for :func:`slice_figure`: a callable on parameter vectors, or an exact system."""

# Marker and colour of each point type (``CriticalPoint.kind``), and of component kinds.
_KIND_STYLE: dict[str, dict[str, Any]] = {
    "minimum": {"marker": "v", "color": "tab:blue"},
    "saddle": {"marker": "X", "color": "tab:orange"},
    "maximum": {"marker": "^", "color": "tab:red"},
    "degenerate": {"marker": "D", "color": "tab:purple"},
    "undetermined": {"marker": "s", "color": "tab:gray"},
    "point": {"marker": "o", "color": "white"},
    "component": {"marker": "d", "color": "white"},
}
_COMPONENT_COLOR = {"minima": "tab:blue", "saddles": "tab:orange", "maxima": "tab:red",
                    "degenerate": "tab:purple", "complex": "tab:gray"}
_SHORT_KIND = {"minimum": "min", "saddle": "saddle", "maximum": "max", "degenerate": "deg",
               "undetermined": "undet"}


def _new_figure(**kwargs: Any) -> Figure:
    """A figure drawn by the Agg canvas (no GUI, no pyplot registry)."""
    figure = Figure(**kwargs)
    FigureCanvasAgg(figure)
    return figure


# -- critical values ----------------------------------------------------------------------------

def critical_values_figure(catalog: Catalog, *, title: str | None = None) -> Figure:
    """Loss values of the real critical points, grouped by Morse index.

    Parameters
    ----------
    catalog : Catalog
    title : str, optional
        Default: a short description of the problem.

    Returns
    -------
    matplotlib.figure.Figure
        One column per Morse index that some real point has (labelled with the index; indices
        no point has get no column), y the loss. Degenerate and undetermined points (no Morse
        index) sit in a last column ``deg.``, when there are any. Points that coincide are spread
        sideways and labelled with their count (``x2``), above the group where that is free,
        else below or beside it; labels stay inside the axes. Positive-dimensional components
        with real points are horizontal lines at their loss; complex points and components
        without real points are only counted in the footnote.
    """
    real = catalog.real()
    indices = sorted({p.morse_index for p in real if p.morse_index is not None})
    has_degenerate = any(p.morse_index is None for p in real)
    position = {index: k for k, index in enumerate(indices)}
    degenerate_column = len(indices)
    columns = [position[p.morse_index] if p.morse_index is not None else degenerate_column for p in real]
    losses = [p.loss.real for p in real]
    offsets, groups = _spread(columns, losses)
    count = len(indices) + has_degenerate

    width = min(7.0, max(4.5, 2.0 + 0.9 * count))
    figure = _new_figure(figsize=(width, 4.2), layout="constrained")
    ax = figure.add_subplot()
    for kind in ("minimum", "saddle", "maximum", "degenerate", "undetermined"):
        chosen = [i for i, p in enumerate(real) if p.kind == kind]
        if chosen:
            style = _KIND_STYLE[kind]
            ax.scatter([columns[i] + offsets[i] for i in chosen], [losses[i] for i in chosen], s=70,
                       marker=style["marker"], color=style["color"], edgecolors="black", linewidths=0.6,
                       zorder=3, label=f"{kind} ({len(chosen)})")
    labels = []
    for (column, loss), members in groups.items():
        if len(members) > 1:
            centre = column + float(np.mean([offsets[i] for i in members]))
            labels.append(ax.annotate(f"\u00d7{len(members)}", (centre, loss), xytext=(0, 7),
                                      textcoords="offset points", ha="center", va="bottom", fontsize=8))

    drawn = [c for c in catalog.components if c.real_points and c.loss is not None]
    for c in drawn:
        color = _COMPONENT_COLOR.get(c.kind, "tab:gray")
        ax.axhline(c.loss.real, color=color, linewidth=6, alpha=0.25, zorder=1,
                   label=f"component dim {c.dimension} ({c.kind}), L = {c.loss.real:.4g}")
        ax.annotate(f"component dim {c.dimension}", (1.0, c.loss.real), xycoords=("axes fraction", "data"),
                    xytext=(-4, 3), textcoords="offset points", ha="right", va="bottom", fontsize=8, color=color)

    if has_degenerate and indices:
        ax.axvline(degenerate_column - 0.5, color="0.6", linewidth=0.8, linestyle=":")
    ax.set_xlim(-0.7, max(count, 1) - 0.3)
    ax.margins(y=0.15)
    ax.set_xticks(range(count))
    ax.set_xticklabels([str(k) for k in indices] + (["deg."] if has_degenerate else []))
    hidden = len(catalog.critical_points) - len(real)
    hidden_components = len(catalog.components) - len(drawn)
    note = f"{len(real)} real of {len(catalog.critical_points)} isolated points"
    if hidden:
        note += f"; {hidden} complex not shown"
    if hidden_components:
        note += f"; {hidden_components} component(s) without real points not shown"
    ax.set_xlabel(f"Morse index (number of negative Hessian eigenvalues)\n{note}", fontsize=9)
    ax.set_ylabel("loss L")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(_wrapped(title if title is not None else _describe_problem(catalog.problem), width), fontsize=10)
    if labels:
        _place_count_labels(figure, ax, labels)
    if not real and not drawn:
        ax.text(0.5, 0.5, "no real critical points", transform=ax.transAxes, ha="center", va="center")
    else:
        ax.legend(fontsize=8, loc="best")
    return figure


_LABEL_PLACES = (((0, 7), "center", "bottom"), ((0, -8), "center", "top"), ((9, 0), "left", "center"),
                 ((-9, 0), "right", "center"), ((0, 17), "center", "bottom"), ((0, -18), "center", "top"))


def _place_count_labels(figure: Figure, ax, labels: list) -> None:
    """Move each ``xN`` label to the first of :data:`_LABEL_PLACES` (above, below, right, left
    of its group, then farther above or below) where it overlaps no marker, no label placed
    before it and stays inside the axes; a label with no free place keeps the first place.

    The y limits are widened first so that the labels above the highest points fit; the
    layout is then fixed (drawn once) to measure in display coordinates.
    """
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    label_height = 14 * figure.dpi / 72  # 7 points of offset and a line of size 8
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + (high - low) * label_height / max(frame.height - label_height, 1.0))
    figure.canvas.draw()
    frame = ax.get_window_extent(renderer)
    radius = np.sqrt(70) / 2 * figure.dpi / 72 + 1
    markers = [ax.transData.transform(xy) for collection in ax.collections
               for xy in np.asarray(collection.get_offsets())]
    taken: list = []
    for label in labels:
        for k, (offset, ha, va) in enumerate(_LABEL_PLACES):
            label.set_position(offset)
            label.set_ha(ha)
            label.set_va(va)
            box = label.get_window_extent(renderer).expanded(1.05, 1.1)
            inside = (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1)
            hits = any(box.x0 - radius < x < box.x1 + radius and box.y0 - radius < y < box.y1 + radius
                       for x, y in markers)
            if inside and not hits and not any(box.overlaps(other) for other in taken):
                break
        else:
            offset, ha, va = _LABEL_PLACES[0]
            label.set_position(offset)
            label.set_ha(ha)
            label.set_va(va)
        taken.append(label.get_window_extent(renderer))


def _spread(columns: Sequence[int], values: Sequence[float]) -> tuple[list[float], dict[tuple[int, float], list[int]]]:
    """Sideways offsets for points that would overlap, and the groups of coinciding points.

    In each column, points closer in value than a marker's height (3 % of the loss range) form
    a cluster and get one slot each, side by side in value order, so that near-equal losses
    stay distinguishable; points with equal loss (within 1e-6 of the range) are a group (its
    key is ``(column, loss)``, its value the indices), whose size the figure prints above it.
    """
    span = (max(values) - min(values)) if values else 0.0
    tol = 1e-6 * max(span, max((abs(v) for v in values), default=0.0), 1e-12)
    members: dict[tuple[int, float], list[int]] = {}
    for i, (column, value) in enumerate(zip(columns, values)):
        key = next((k for k in members if k[0] == column and abs(k[1] - value) <= tol), (column, value))
        members.setdefault(key, []).append(i)
    offsets = [0.0] * len(values)
    overlap = max(0.03 * span, tol)
    for column in set(columns):
        order = sorted((i for i, c in enumerate(columns) if c == column), key=lambda i: values[i])
        cluster: list[int] = []
        for i in order + [None]:
            if i is not None and cluster and values[i] - values[cluster[-1]] <= overlap:
                cluster.append(i)
                continue
            width = min(0.36, 0.09 * (len(cluster) - 1))
            for j, dx in zip(cluster, np.linspace(-width, width, len(cluster))):
                offsets[j] = float(dx)
            cluster = [] if i is None else [i]
    return offsets, members


def _describe_problem(problem: Problem, limit: int = 70) -> str:
    """A short one-line description of ``problem`` (used as default title)."""
    if isinstance(problem, NetworkProblem):
        net = problem.network
        text = (f"network {list(net.widths)}, s(t) = {net.activation.text}{', bias' if net.bias else ''}, "
                f"{len(problem.data)} data point{'s' if len(problem.data) != 1 else ''}")
    else:
        text = f"f = {problem.expression}"
        if len(text) > limit - 25:
            text = text[: limit - 26] + "\u2026"
    reg = problem.regularizer
    if reg.kind == "none":
        return text
    if reg.kind == "generalized-l2":
        return f"{text}; generalized L2"
    if reg.kind == "polynomial":
        return f"{text}; polynomial regularizer"
    eps = reg.eps if isinstance(reg.eps, Fraction) else None
    strength = f", eps = {eps}" if eps is not None else ""
    return f"{text}; {'L2' if reg.kind == 'l2' else reg.kind}{strength}"


# -- Hessian spectra ----------------------------------------------------------------------------

SPECTRA_COLUMNS = 24
"""Most columns :func:`hessian_spectra_of` gives (the figure stays readable)."""


def hessian_spectra_of(catalog: Catalog, *, limit: int = SPECTRA_COLUMNS,
                       system: PolynomialSystem | None = None) -> dict[str, list[float]]:
    """Hessian eigenvalues of the real critical points, one column per symmetry orbit.

    Points of one orbit share their spectrum (the symmetries are signed permutations), so each
    orbit is one column, labelled with ``algmorse show``'s point numbers, e.g.
    ``"#0-3 min (L=1.21)"``. Components with real points follow (``"comp 0 minima (L=1.11)"``),
    their spectrum taken at their first real point, when ``system`` (the catalog's exact system)
    is given: there the zero eigenvalues of the tangent directions show.

    Parameters
    ----------
    catalog : Catalog
    limit : int
        Most columns, in catalog order (points first, then components).
    system : PolynomialSystem, optional

    Returns
    -------
    dict of str to list of float
        Eigenvalues ascending.
    """
    orbits: dict[int, list[int]] = {}
    for index, point in enumerate(catalog.critical_points):
        if point.is_real:
            orbits.setdefault(point.orbit, []).append(index)
    spectra: dict[str, list[float]] = {}
    for indices in orbits.values():
        point = catalog.critical_points[indices[0]]
        label = f"#{_index_ranges(indices)} {_SHORT_KIND.get(point.kind, point.kind)} (L={complex(point.loss).real:.3g})"
        spectra[label] = sorted(complex(e).real for e in point.hessian_eigenvalues)
    if system is not None:
        for number, component in enumerate(catalog.components):
            if component.real_points and component.loss is not None:
                hessian = system.numeric.hessian(np.array(component.real_points[0], dtype=complex)).real
                label = f"comp {number} {component.kind} (L={complex(component.loss).real:.3g})"
                spectra[label] = sorted(np.linalg.eigvalsh((hessian + hessian.T) / 2).tolist())
    return dict(list(spectra.items())[:limit])


def _index_ranges(indices: Sequence[int]) -> str:
    """``[0, 1, 2, 3, 7]`` as ``"0-3,7"``."""
    parts, start = [], None
    for position, index in enumerate(indices):
        if start is None:
            start = index
        if position + 1 == len(indices) or indices[position + 1] != index + 1:
            parts.append(str(start) if start == index else f"{start}-{index}")
            start = None
    return ",".join(parts)


def hessian_spectra_figure(spectra: Mapping[str, Sequence[float] | Sequence[Sequence[float]]], *,
                           title: str | None = None, zero_tol: float = 1e-8, xlabel: str | None = None) -> Figure:
    """Hessian eigenvalues as columns of dots, one column per label.

    Parameters
    ----------
    spectra : mapping of str to eigenvalues
        Each value is one spectrum (a sequence of real numbers) or several spectra (a sequence of
        sequences, drawn side by side in the same column, e.g. the points of one orbit).
    title : str, optional
    zero_tol : float, default 1e-8
        An eigenvalue with ``|lambda| <= zero_tol * max |lambda|`` (maximum over its own spectrum)
        counts as zero: it is drawn as a hollow red circle.
    xlabel : str, optional
        What the columns are (no axis label by default).

    Returns
    -------
    matplotlib.figure.Figure
        Symmetric-log y axis (linear within the smallest nonzero ``|lambda|``, rounded down to a
        power of ten; ticks labelled ``-1``, ``0.1``, ``100``, ``10^5``), a horizontal line at
        zero; negative eigenvalues orange, positive blue. At most 8 inches wide.

    Raises
    ------
    ValueError
        If an eigenvalue is complex or not finite.
    """
    groups = {label: _as_spectra(label, value) for label, value in spectra.items()}
    xs: dict[str, list[float]] = {"positive": [], "negative": [], "zero": []}
    ys: dict[str, list[float]] = {"positive": [], "negative": [], "zero": []}
    smallest_nonzero = np.inf
    for column, group in enumerate(groups.values()):
        shifts = np.linspace(-0.15, 0.15, len(group)) if len(group) > 1 else [0.0]
        for shift, spectrum in zip(shifts, group):
            threshold = zero_tol * float(np.max(np.abs(spectrum), initial=0.0))
            for value, dx in zip(spectrum, _repeat_offsets(spectrum)):
                sign = "zero" if abs(value) <= threshold else ("negative" if value < 0 else "positive")
                if sign != "zero":
                    smallest_nonzero = min(smallest_nonzero, abs(value))
                xs[sign].append(column + shift + dx)
                ys[sign].append(value)

    width = min(8.0, max(4.5, 1.5 + 0.32 * len(groups)))  # a page width at most
    figure = _new_figure(figsize=(width, 4.6), layout="constrained")
    ax = figure.add_subplot()
    linthresh = 10.0 ** np.floor(np.log10(smallest_nonzero)) if np.isfinite(smallest_nonzero) else 1.0
    ax.set_yscale("symlog", linthresh=linthresh, linscale=0.6)
    ax.yaxis.set_major_formatter(FuncFormatter(_signed_power))
    ax.axhline(0.0, color="black", linewidth=0.8, zorder=1)
    styles = {
        "positive": {"s": 36, "color": "tab:blue", "zorder": 3, "label": "positive"},
        "negative": {"s": 36, "color": "tab:orange", "zorder": 3, "label": "negative"},
        "zero": {"s": 80, "facecolors": "none", "edgecolors": "red", "linewidths": 1.6, "zorder": 4,
                 "label": f"zero (|\u03bb| \u2264 {zero_tol:g}\u00b7max|\u03bb|)"},
    }
    for sign, style in styles.items():
        if xs[sign]:
            ax.scatter(xs[sign], ys[sign], **style)
    ax.set_xticks(range(len(groups)))
    slanted = len(groups) > 3
    ax.set_xticklabels(list(groups), rotation=45 if slanted else 0, ha="right" if slanted else "center",
                       rotation_mode="anchor" if slanted else "default", fontsize=8)
    ax.set_xlim(-0.6, len(groups) - 0.4)
    ax.set_ylabel(f"Hessian eigenvalue\n(log scale; linear for |\u03bb| < {_signed_power(linthresh)})", fontsize=9)
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    if groups:
        ax.legend(fontsize=8, loc="best")
    ax.set_title(_wrapped(title if title is not None else "Hessian spectra", width), fontsize=10)
    return figure


def _signed_power(value: float, _position: Any = None) -> str:
    """A tick label of the symmetric-log axis: ``0``, ``-1``, ``0.01``, ``100``; powers of ten
    outside ``[0.01, 1000]`` as ``10^k`` (with a true minus sign)."""
    if value == 0:
        return "0"
    exponent = int(np.round(np.log10(abs(value))))
    sign = "\u2212" if value < 0 else ""
    if abs(abs(value) - 10.0**exponent) > 1e-9 * abs(value):
        return f"{sign}{abs(value):g}"
    if -2 <= exponent <= 3:
        return f"{sign}{10.0**exponent:g}"
    return f"{sign}$10^{{{exponent}}}$"


def _wrapped(text: str, width_inches: float) -> str:
    """``text`` broken into lines that fit a figure ``width_inches`` wide at font size 10."""
    return "\n".join(line for paragraph in text.split("\n")
                     for line in textwrap.wrap(paragraph, width=max(20, int(width_inches * 11))) or [""])


def _as_spectra(label: str, value: Sequence[float] | Sequence[Sequence[float]]) -> list[np.ndarray]:
    items = list(value)
    nested = bool(items) and np.ndim(items[0]) > 0
    out = []
    for spectrum in (items if nested else [items]):
        array = np.real_if_close(np.asarray(spectrum, dtype=complex), tol=1000)
        if np.iscomplexobj(array) or not np.all(np.isfinite(array)):
            raise ValueError(f"spectra[{label!r}]: eigenvalues must be finite real numbers, got {list(spectrum)!r}.")
        out.append(np.sort(array.astype(float)))
    return out


def _repeat_offsets(spectrum: np.ndarray) -> list[float]:
    """Small sideways offsets so repeated eigenvalues in one column stay visible."""
    scale = float(np.max(np.abs(spectrum), initial=0.0)) or 1.0
    offsets, run = [], 0
    for k, value in enumerate(spectrum):
        run = run + 1 if k and abs(value - spectrum[k - 1]) <= 1e-9 * scale else 0
        offsets.append(0.07 * ((run + 1) // 2) * (1 if run % 2 else -1))
    return offsets


# -- loss slices --------------------------------------------------------------------------------

def loss_on_plane(loss: LossFunction, center: Sequence[float], directions: Sequence[Sequence[float]], *,
                  extent: float = 2.0, resolution: int = 161) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The loss on the grid ``center + s u + t v``, ``s, t`` in ``[-extent, extent]``.

    Parameters
    ----------
    loss : callable, PolynomialSystem or NumericSystem
        A callable is called once per grid point with a parameter vector; a system's loss is
        restricted to the plane exactly (interpolation at ``(D + 1)^2`` Chebyshev nodes, ``D``
        its degree) and evaluated on the grid from that, in milliseconds.
    center : sequence of float
    directions : pair of sequences of float
        Orthonormalised by Gram-Schmidt (``u`` along the first, ``v`` in their span).
    extent : float, default 2.0
    resolution : int, default 161
        Grid points per axis.

    Returns
    -------
    s, t : ndarray, shape (resolution,)
    values : ndarray, shape (resolution, resolution)
        ``values[i, j] = L(center + s[j] u + t[i] v)``.

    Raises
    ------
    ValueError
        If the directions are not two independent vectors of the center's length, or
        ``extent``/``resolution`` are not positive.

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem
    >>> from algmorse.model.system import build_system
    >>> system = build_system(FunctionProblem(("x", "y"), "x^4 - 2*x^2 + y^2"))
    >>> s, t, values = loss_on_plane(system, [0, 0], ([1, 0], [0, 1]), extent=1.0, resolution=3)
    >>> s.tolist()
    [-1.0, 0.0, 1.0]
    >>> (values.round(12) + 0.0).tolist()  # rows t = -1, 0, 1; columns s = -1, 0, 1
    [[0.0, 1.0, 0.0], [-1.0, 0.0, -1.0], [0.0, 1.0, 0.0]]
    """
    c, (u, v) = _plane(center, directions)
    if not extent > 0 or resolution < 2:
        raise ValueError(f"extent must be positive and resolution at least 2, got {extent!r} and {resolution!r}.")
    s = np.linspace(-extent, extent, resolution)
    t = np.linspace(-extent, extent, resolution)
    numeric = loss.numeric if isinstance(loss, PolynomialSystem) else loss
    if isinstance(numeric, NumericSystem):
        if numeric.num_variables != c.size:
            raise ValueError(f"center has {c.size} coordinates but the system has {numeric.num_variables} variables.")
        return s, t, _polynomial_on_plane(numeric, c, u, v, extent, s, t)
    grid_s, grid_t = np.meshgrid(s, t)
    points = c + grid_s.reshape(-1, 1) * u + grid_t.reshape(-1, 1) * v
    values = np.array([float(np.real(loss(p))) for p in points])
    return s, t, values.reshape(resolution, resolution)


def _polynomial_on_plane(numeric: NumericSystem, c: np.ndarray, u: np.ndarray, v: np.ndarray, extent: float,
                         s: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The loss on the grid ``s x t`` of the plane, through its restriction to the plane.

    ``L(c + s u + t v)`` is a polynomial of degree at most ``D`` (the loss's degree) in ``s``
    and in ``t``, so it equals its tensor Chebyshev interpolant on ``(D + 1)^2`` Chebyshev
    nodes of ``[-extent, extent]^2``; the grid is then two small matrix products. Rounding
    error: a few machine epsilons times the largest ``|L|`` on the square.
    """
    keep = numeric.loss_coeffs != 0
    degree = int(numeric.exponents[keep].sum(axis=1).max(initial=0))
    nodes = np.cos(np.pi * (np.arange(degree + 1) + 0.5) / (degree + 1))
    node_s, node_t = np.meshgrid(nodes * extent, nodes * extent, indexing="ij")
    at_nodes = c + node_s.reshape(-1, 1) * u + node_t.reshape(-1, 1) * v
    samples = np.array([numeric.loss(x) for x in at_nodes]).reshape(degree + 1, degree + 1)
    basis = np.linalg.inv(chebyshev.chebvander(nodes, degree))
    coefficients = basis @ samples @ basis.T
    return chebyshev.chebvander(t / extent, degree) @ coefficients.T @ chebyshev.chebvander(s / extent, degree).T


_Plane = tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]  # a point and two orthonormal directions


def _plane(center: Sequence[float], directions: Sequence[Sequence[float]]) -> _Plane:
    c = np.asarray(center, dtype=float).ravel()
    if len(directions) != 2:
        raise ValueError(f"directions must be two vectors (u, v), got {len(directions)}.")
    d1, d2 = (np.asarray(d, dtype=float).ravel() for d in directions)
    if d1.size != c.size or d2.size != c.size:
        raise ValueError(f"directions must have {c.size} coordinates like center, got {d1.size} and {d2.size}.")
    u = d1 / np.linalg.norm(d1) if np.linalg.norm(d1) > 0 else d1
    w = d2 - (d2 @ u) * u
    if np.linalg.norm(d1) == 0 or np.linalg.norm(w) <= 1e-12 * np.linalg.norm(d2):
        raise ValueError("directions must be two linearly independent nonzero vectors.")
    return c, (u, w / np.linalg.norm(w))


def slice_figure(loss: LossFunction, center: Sequence[float], directions: Sequence[Sequence[float]], *,
                 extent: float = 2.0, resolution: int = 161, points: Sequence[Any] = (), curves: Sequence[Any] = (),
                 title: str | None = None, labels: Sequence[str] | None = None,
                 mark: Sequence[float] | None = None, center_label: str = "centre c of the plane",
                 tags: Sequence[tuple[str, Sequence[float]]] = ()) -> Figure:
    """Filled contour plot of the loss on the plane ``center + s u + t v``.

    Parameters
    ----------
    loss : callable, PolynomialSystem or NumericSystem
        See :func:`loss_on_plane`.
    center : sequence of float
    directions : pair of sequences of float
        Orthonormalised by Gram-Schmidt; the axes are labelled with their nonzero components.
    extent : float, default 2.0
        The plot shows ``s, t`` in ``[-extent, extent]``.
    resolution : int, default 161
    points : sequence
        Drawn at their orthogonal projection onto the plane. Each item is a parameter vector (a
        white dot, "given point" in the legend), a ``(name, vector)`` pair (named so in the
        legend), a :class:`CriticalPoint` (marker by type; complex points are skipped) or a
        :class:`Component` (its real points, as small diamonds). Points farther than
        ``0.05 * extent`` from the plane are drawn faded (the legend says so).
    curves : sequence
        Arrays of parameter vectors (shape ``(k, n)``) drawn as lines, or ``(label, array)`` pairs.
    title : str, optional
    labels : sequence of str, optional
        Parameter names for the axis labels (default: a system's variables, else ``x1, x2, ...``).
    mark : sequence of float, optional
        The point marked by a white ring (at its projection onto the plane); default ``center``
        (``s = t = 0``).
    center_label : str, default "centre c of the plane"
        Legend entry of the ring.
    tags : sequence of (str, vector)
        Text written next to the projection of each vector, e.g. ``("#3", point)``.

    Returns
    -------
    matplotlib.figure.Figure
        With a colourbar in loss units; axis labels name the directions (their four largest
        components), wrapped so that they fit. When the loss range is wide (max - min more than four
        times median - min) the contour levels are equally spaced in
        ``log(1 + (L - L_min)/delta)``, ``delta = median - min``, and the colourbar label says so.

    Raises
    ------
    ValueError
        See :func:`loss_on_plane`; also if ``labels`` has the wrong length.
    """
    c, (u, v) = _plane(center, directions)
    if labels is None:
        labels = loss.variables if isinstance(loss, PolynomialSystem) else [f"x{j + 1}" for j in range(c.size)]
    if len(labels) != c.size:
        raise ValueError(f"labels must name the {c.size} parameters, got {len(labels)}.")
    s, t, values = loss_on_plane(loss, c, (u, v), extent=extent, resolution=resolution)

    figure = _new_figure(figsize=(6.4, 6.0), layout="constrained")
    ax = figure.add_subplot()
    norm, levels, how = _loss_norm(values)
    filled = ax.contourf(s, t, values, levels=levels, norm=norm, cmap="viridis", extend="neither")
    ax.contour(s, t, values, levels=levels[::3], colors="black", linewidths=0.4, alpha=0.45,
               negative_linestyles="solid")
    bar = figure.colorbar(filled, ax=ax, shrink=0.9)
    bar.set_label(f"loss L{how}", fontsize=9)
    ticks = _tick_levels(levels)
    bar.set_ticks(ticks, labels=[f"{x:.3g}" if abs(x) > 1e-9 * (levels[-1] - levels[0]) else "0" for x in ticks])
    bar.ax.tick_params(labelsize=8)

    fade = 0.05 * extent
    faded_any = False
    for item in points:
        for vector, kind, name in _point_items(item):
            offset = vector - c
            ps, pt = offset @ u, offset @ v
            faded = np.linalg.norm(offset - ps * u - pt * v) > fade
            faded_any |= faded
            ax.scatter([ps], [pt], s=45 if kind == "component" else 80, **_KIND_STYLE[kind], edgecolors="black",
                       linewidths=0.8, alpha=0.35 if faded else 1.0, zorder=4, label=name)
    marked = np.zeros(2) if mark is None else (np.asarray(mark, dtype=float).ravel() - c) @ np.column_stack((u, v))
    ax.plot(marked[:1], marked[1:], linestyle="", marker="o", markersize=17, markeredgewidth=2.0,
            markerfacecolor="none", markeredgecolor="white", zorder=5,
            label=center_label, path_effects=[patheffects.Stroke(linewidth=3.5, foreground="black"),
                                              patheffects.Normal()])
    for name, vector in tags:
        offset = np.asarray(vector, dtype=float).ravel() - c
        ax.annotate(name, (offset @ u, offset @ v), xytext=(7, 7), textcoords="offset points", fontsize=9,
                    color="white", zorder=6, path_effects=[patheffects.withStroke(linewidth=2.5, foreground="black")])
    for item in curves:
        labelled = isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
        name, array = item if labelled else ("curve", item)
        offsets = np.asarray(array, dtype=float).reshape(-1, c.size) - c
        ax.plot(offsets @ u, offsets @ v, color="white", linewidth=1.8, linestyle="--", zorder=3, label=name,
                path_effects=[patheffects.Stroke(linewidth=3.0, foreground="black"), patheffects.Normal()])

    handles, names = _unique_legend(ax)
    if faded_any:
        handles.append(Line2D([], [], linestyle="", marker="o", color="white", markeredgecolor="black", alpha=0.35))
        names.append(f"faded: > {fade:.2g} off the plane")
    if handles:  # below the axes, so it hides nothing of the landscape
        # on grey: the white markers and curves (the centre ring, curves of minima) show
        figure.legend(handles, names, fontsize=8, loc="outside lower center", ncols=2, facecolor="0.8", edgecolor="none",
                      framealpha=1.0)
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal")
    # wrapped to the axes' side (about 55 characters at size 9), so no label runs off the figure
    ax.set_xlabel("\n".join(textwrap.wrap(f"s along u = {_direction_text(u, labels)}", 55)), fontsize=9)
    ax.set_ylabel("\n".join(textwrap.wrap(f"t along v = {_direction_text(v, labels)}", 55)), fontsize=9)
    if title is None:
        title = "loss on the plane c + s u + t v"
        if c.size <= 4:
            title += f", c = ({', '.join(f'{x:.3g}' for x in c)})"
    ax.set_title(_wrapped(title, 6.4), fontsize=10)
    return figure


def _loss_norm(values: np.ndarray) -> tuple[Normalize, np.ndarray, str]:
    """Colour normalisation, contour levels and a colourbar note for the loss ``values``.

    Wide ranges (more than four times the median above the minimum) get levels equally spaced
    in ``log(1 + (L - L_min)/delta)`` (``delta``: the 10th percentile above the minimum) and
    one colour per band, so the low-lying structure keeps its
    colours; the colourbar is then uniform in bands, labelled with loss values.
    """
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high <= low:
        high = low + max(1.0, abs(low)) * 1e-6
    typical = float(np.median(finite)) - low if finite.size else 0.0
    if typical > 0 and high - low > 4 * typical:
        delta = max(float(np.percentile(finite, 10)) - low, 1e-6 * (high - low))
        levels = low + delta * np.expm1(np.linspace(0.0, np.log1p((high - low) / delta), 25))
        levels[0], levels[-1] = low, high
        return (BoundaryNorm(levels, 256), levels,
                f" (levels equally spaced in log(1 + (L \u2212 L_min)/\u03b4), \u03b4 = {delta:.3g})")
    levels = np.linspace(low, high, 25)
    return Normalize(vmin=low, vmax=high), levels, ""


def _tick_levels(levels: np.ndarray) -> np.ndarray:
    """Seven of the contour levels, for colourbar ticks (inside the range: ticks outside would widen it)."""
    return levels[np.linspace(0, len(levels) - 1, 7).round().astype(int)]


def _point_items(item: Any) -> list[tuple[np.ndarray, str, str]]:
    """``(vector, kind, legend name)`` of each real point an item of ``slice_figure(points=...)`` stands for."""
    if isinstance(item, CriticalPoint):
        return [(np.array([z.real for z in item.coordinates]), item.kind, item.kind)] if item.is_real else []
    if isinstance(item, Component):
        return [(np.asarray(p, dtype=float), "component", "real point of a component") for p in item.real_points]
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        return [(np.asarray(item[1], dtype=float).ravel(), "point", item[0])]
    return [(np.asarray(item, dtype=float).ravel(), "point", "given point")]


def _unique_legend(ax) -> tuple[list, list[str]]:
    handles, names = [], []
    for handle, name in zip(*ax.get_legend_handles_labels()):
        if name not in names:
            handles.append(handle)
            names.append(name)
        elif (handles[names.index(name)].get_alpha() or 1.0) < 1.0 and (handle.get_alpha() or 1.0) == 1.0:
            handles[names.index(name)] = handle  # the legend shows an unfaded marker
    return handles, names


def _direction_text(direction: np.ndarray, labels: Sequence[str], terms: int = 4) -> str:
    """``0.707·a \u2212 0.707·b + …``: the ``terms`` largest components of ``direction``."""
    scale = float(np.max(np.abs(direction)))
    parts = [(abs(x), x, name) for x, name in zip(direction, labels) if abs(x) > 1e-9 * scale]
    parts.sort(key=lambda part: -part[0])
    text = ""
    for k, (size, coef, name) in enumerate(parts[:terms]):
        sign = ("\u2212" if coef < 0 else "") if k == 0 else (" \u2212 " if coef < 0 else " + ")
        text += sign + (name if abs(size - 1) < 5e-4 else f"{size:.3g}\u00b7{name}")
    return text + (f" + \u2026 ({len(parts) - terms} more)" if len(parts) > terms else "")


# -- sweeps -------------------------------------------------------------------------------------

def sweep_figure(values: Sequence[float], counts: Mapping[str, Sequence[float | None]], *, xlabel: str = "eps",
                 ylabel: str = "count", marks: Sequence[float | tuple[float, str]] = (),
                 title: str | None = None, step: bool = False,
                 thresholds: Sequence[float] | Mapping[str, Sequence[float]] = ()) -> Figure:
    """One line with markers per label against a swept parameter.

    Parameters
    ----------
    values : sequence of float
        The swept parameter (x). A logarithmic x axis is used when all values are positive and
        span at least two decades.
    counts : mapping of str to sequence of float
        y values, one per entry of ``values`` (``None`` leaves a gap).
    xlabel, ylabel : str
    marks : sequence of float or of (float, str)
        Vertical dotted lines, optionally labelled.
    title : str, optional
    step : bool
        Draw each count as a step function, as counts of critical points are, instead of joining
        the values by sloped lines. Two neighbouring samples with equal counts are joined by a
        horizontal line. Where the count changes, the line is never drawn across the change: at
        a threshold lying between the two samples it steps there (the line stops at the
        threshold and resumes on the other side, with no vertical connector); with no threshold
        between them, where it changes is not known from the samples, and the interval between
        them is hatched instead.
    thresholds : sequence of float, or mapping of str to sequence of float
        Exact values of the swept parameter at which the values may jump (exceptional values,
        thresholds), drawn as vertical dotted lines (unless a mark is drawn there already). A
        sequence applies to every label, a mapping to the labels it names. With ``step`` they
        are the step positions; without it, a line is not joined across them.

    Returns
    -------
    matplotlib.figure.Figure
        One :class:`~matplotlib.lines.Line2D` per label, whose data are the samples (and, with
        ``step`` or ``thresholds``, the step ends, with ``nan`` where the line is broken);
        markers are drawn at the samples only.

    Raises
    ------
    ValueError
        If a sequence in ``counts`` does not have one entry per value.

    Examples
    --------
    >>> figure = sweep_figure([1, 2, 3], {"minima": [2, 2, 1]}, marks=[(2.5, "eps*")])
    >>> figure.axes[0].lines[0].get_ydata().tolist()
    [2.0, 2.0, 1.0]
    >>> line = sweep_figure([1, 2, 3], {"minima": [2, 2, 1]}, step=True, thresholds=[2.5]).axes[0].lines[0]
    >>> line.get_xdata().tolist()  # steps at the threshold 2.5, broken there
    [1.0, 2.0, 2.5, nan, 2.5, 3.0]
    """
    x = np.asarray(values, dtype=float)
    if isinstance(thresholds, Mapping):
        cuts = {label: sorted(float(t) for t in thresholds.get(label, ())) for label in counts}
        every = sorted({t for ts in cuts.values() for t in ts})
    else:
        every = sorted(float(t) for t in thresholds)
        cuts = {label: every for label in counts}
    figure = _new_figure(figsize=(7.0, 4.0), layout="constrained")
    ax = figure.add_subplot()
    integers = True
    unknown: set[tuple[float, float]] = set()
    for label, ys in counts.items():
        if len(ys) != len(x):
            raise ValueError(f"counts[{label!r}] has {len(ys)} entries, expected one per value ({len(x)}).")
        y = np.array([np.nan if value is None else float(value) for value in ys])
        integers &= bool(np.all(np.isnan(y) | (y == np.round(y))))
        if not step and not cuts[label]:
            ax.plot(x, y, marker="o", markersize=4, linewidth=1.5, label=label)
            continue
        px, py, samples, gaps = _broken_line(x, y, cuts[label], step)
        unknown.update(gaps)
        ax.plot(px, py, marker="o", markersize=4, linewidth=1.5, label=label, markevery=samples)
    if x.size and np.all(x > 0) and x.max() >= 100 * x.min():
        ax.set_xscale("log")
    for low, high in sorted(unknown):
        ax.axvspan(low, high, facecolor="none", edgecolor="0.8", hatch="///", linewidth=0.0, zorder=0,
                   label="a count changes somewhere in here" if (low, high) == min(unknown) else None)
    drawn = []
    for mark in marks:
        position, name = mark if isinstance(mark, tuple) else (mark, None)
        drawn.append(float(position))
        ax.axvline(float(position), color="0.3", linestyle=":", linewidth=1.2)
        if name:
            ax.annotate(name, (float(position), 1.0), xycoords=("data", "axes fraction"), xytext=(3, -3),
                        textcoords="offset points", rotation=90, va="top", fontsize=8, color="0.3")
    for position in every:
        if not any(abs(position - d) <= 1e-12 * max(1.0, abs(d)) for d in drawn):
            ax.axvline(position, color="0.3", linestyle=":", linewidth=1.2)
    if integers:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.margins(y=0.1)
    if counts:  # outside the axes: sweep lines run across the whole width, so no corner is free
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    if title is not None:
        ax.set_title(title, fontsize=10)
    return figure


def _broken_line(x: np.ndarray, y: np.ndarray, cuts: Sequence[float],
                 step: bool) -> tuple[list[float], list[float], list[int], list[tuple[float, float]]]:
    """The vertices of one sweep line, the indices of its samples among them, and the intervals
    where a step count changes at an unknown place (see :func:`sweep_figure`).

    A sample at a threshold (within 1e-9 relative) stands alone: its count holds at that value
    only, and the counts on either side step at it.
    """
    px: list[float] = []
    py: list[float] = []
    samples: list[int] = []
    gaps: list[tuple[float, float]] = []

    def at_cut(value: float) -> bool:
        return any(abs(t - value) <= 1e-9 * max(1.0, abs(value)) for t in cuts)

    def brk() -> None:
        px.append(np.nan)
        py.append(np.nan)

    order = [i for i in np.argsort(x, kind="stable")]
    for position, i in enumerate(order):
        if position:
            a, b = order[position - 1], i
            inside = [t for t in cuts if x[a] < t < x[b]]
            ends = at_cut(float(x[a])), at_cut(float(x[b]))
            if np.isnan(y[a]) or np.isnan(y[b]):
                brk()
            elif not step:
                if inside or any(ends):
                    brk()
            elif not inside and not any(ends):
                if y[a] != y[b]:
                    brk()
                    gaps.append((float(x[a]), float(x[b])))
            elif inside and not any(ends) and y[a] == y[b]:
                pass  # the same count on both sides: joined across the thresholds between
            else:
                if not ends[0]:  # the left count holds up to the first threshold
                    px.append(inside[0] if inside else float(x[b]))
                    py.append(float(y[a]))
                brk()
                if not ends[1]:  # the right count holds from the last threshold
                    px.append(inside[-1] if inside else float(x[a]))
                    py.append(float(y[b]))
        samples.append(len(px))
        px.append(float(x[i]))
        py.append(float(y[i]))
    return px, py, samples, gaps


# -- saving -------------------------------------------------------------------------------------

def save_figure(figure: Figure, path: str | os.PathLike, *, dpi: int = 150) -> Path:
    """Write ``figure`` to ``path`` atomically and close it.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    path : str or path-like
        The format follows the suffix (``.png``, ``.svg``, ``.pdf``, ...); without a suffix,
        ``.png`` is appended. Missing parent directories are created.
    dpi : int, default 150

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        If matplotlib cannot write the suffix's format.
    """
    target = Path(path)
    if not target.suffix:
        target = target.with_suffix(".png")
    fmt = target.suffix[1:].lower()
    supported = figure.canvas.get_supported_filetypes()
    if fmt not in supported:
        raise ValueError(f"cannot write {target.name}: unknown figure format {fmt!r}; "
                         f"use one of {', '.join(sorted(supported))}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, lambda handle: figure.savefig(handle, format=fmt, dpi=dpi))
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # a figure made with pyplot stays registered until closed
        pyplot.close(figure)
    return target


# -- the standard pictures of a catalog ---------------------------------------------------------

def catalog_figures(catalog: Catalog, *, center: int | None = None, through: tuple[int, int] | None = None,
                    params: tuple[str, str] | None = None, extent: float | None = None) -> dict[str, Figure]:
    """The standard figures of a catalog.

    Parameters
    ----------
    catalog : Catalog
    center, through, params, extent : optional
        The plane of the slice, see :func:`landscape_plane`: through real point number
        ``center`` (default: the lowest real minimum), through two more real points
        ``through = (i, j)``, or along two parameters ``params = (name1, name2)``.

    Returns
    -------
    dict of str to Figure
        ``"critical_values"`` (always); ``"hessian_spectra"`` (when there are real points);
        ``"slice"`` (when there is a real point and at least two parameters): the loss, rebuilt
        exactly from ``catalog.problem``, on the chosen plane, its centre point ringed. By
        default the plane goes through the lowest real minimum (isolated or on a component),
        spanned by the directions to its nearest real critical neighbours, or by the Hessian
        eigenvectors with the smallest eigenvalues there when there are too few neighbours; the
        view is centred on those neighbours.

    Raises
    ------
    ValueError
        If the plane cannot be chosen as asked (see :func:`landscape_plane`).
    """
    figures = {"critical_values": critical_values_figure(catalog)}
    system = build_system(catalog.problem)
    spectra = hessian_spectra_of(catalog, system=system)
    if spectra:
        orbits = len({p.orbit for p in catalog.real()})
        columns = orbits + sum(bool(c.real_points) for c in catalog.components)
        shown = "" if columns <= len(spectra) else f" (first {len(spectra)} of {columns} columns)"
        per = "symmetry orbit" if orbits < len(catalog.real()) else "point"
        figures["hessian_spectra"] = hessian_spectra_figure(
            spectra, title=f"Hessian eigenvalues at the real critical points, one column per {per}{shown}",
            xlabel="critical points (catalog numbers), type and loss L")
    if len(catalog.variables) >= 2:
        plane = landscape_plane(catalog, system, center=center, through=through, params=params, extent=extent)
        if plane is not None:
            origin, directions, size = plane
            if center is not None:
                point = catalog.critical_points[center]
                anchor = f"point #{center} ({point.kind}, L = {point.loss.real:.4g})"
            else:
                has_minimum = bool(catalog.minima()) or any(c.kind == "minima" and c.real_points
                                                            for c in catalog.components)
                anchor = f"the lowest real {'minimum' if has_minimum else 'critical point'}"
            if through is not None:
                where = f"on the plane through {anchor}, #{through[0]} and #{through[1]}"
            elif params is not None:
                where = f"on the ({params[0]}, {params[1]}) coordinate plane through {anchor}"
            else:
                where = f"through {anchor}"
            figures["slice"] = slice_figure(
                system, origin, directions, extent=size, points=[*catalog.real(), *catalog.components],
                mark=_plane_anchor(catalog, center), center_label=f"centre: {anchor}",
                tags=[(f"#{k}", _real_point(catalog, k, "through")) for k in (through or ())]
                + ([(f"#{center}", _plane_anchor(catalog, center))] if center is not None else []),
                title=f"loss landscape {where}\n{_describe_problem(catalog.problem)}")
    return figures


def landscape_plane(
    catalog: Catalog, system: PolynomialSystem, *, center: int | None = None,
    through: tuple[int, int] | None = None, params: tuple[str, str] | None = None, extent: float | None = None,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], float] | None:
    """Center, directions and extent of a plane through a real critical point of ``catalog``.

    Parameters
    ----------
    catalog : Catalog
    system : PolynomialSystem
        The catalog's system (for the Hessian at the centre).
    center : int, optional
        The number of a real critical point (as ``algmorse show`` numbers them) to put the plane
        through. Default: the lowest real minimum, isolated or on a component (without a real
        minimum, the lowest real point).
    through : (int, int), optional
        Numbers of two real critical points: the plane through the centre and these two points,
        centred at the centre point, large enough to show both.
    params : (str, str), optional
        Two parameter names: the plane through the centre along these two coordinates, large
        enough to show where both are zero.
    extent : float, optional
        Half the side of the square shown (overrides the automatic choice).

    Returns
    -------
    tuple (center, (u, v), extent) or None
        Orthonormal ``u, v``; ``None`` when the catalog has no real point (isolated or on a
        component). Without ``through`` or ``params``, see :func:`catalog_figures` for the choice
        of directions; the view is then centred on the centre and its neighbours in the plane.

    Raises
    ------
    ValueError
        If ``center`` or a point of ``through`` is not the number of a real critical point, the
        two points of ``through`` and the centre are collinear, ``params`` does not name two
        distinct parameters, both ``through`` and ``params`` are given, or ``extent`` is not
        positive.
    """
    if through is not None and params is not None:
        raise ValueError("give through (two points) or params (two parameters), not both.")
    if extent is not None and not extent > 0:
        raise ValueError(f"extent must be positive, got {extent!r}.")
    anchors = _anchors(catalog)
    base = _plane_anchor(catalog, center)
    if base is None:
        return None
    if through is not None:
        first, second = (_real_point(catalog, k, "through") - base for k in through)
        try:
            _, (u, v) = _plane(base, (first, second))
        except ValueError:
            raise ValueError(f"through: points {through[0]} and {through[1]} lie on one line with the centre; "
                             "they span no plane.") from None
        reach = max(abs(d @ w) for d in (first, second) for w in (u, v))
        return base, (u, v), extent if extent is not None else 1.3 * max(reach, 1e-3)
    if params is not None:
        names = list(catalog.variables)
        unknown = [name for name in params if name not in names]
        if unknown or len(params) != 2 or params[0] == params[1]:
            raise ValueError(f"params must be two distinct parameter names of {', '.join(names)}; "
                             f"got {', '.join(map(str, params))}.")
        u, v = (np.eye(base.size)[names.index(name)] for name in params)
        reach = max(abs(base[names.index(name)]) for name in params)
        return base, (u, v), extent if extent is not None else max(1.0, 1.3 * reach)
    tiny = 1e-6 * (1.0 + np.linalg.norm(base))
    others = sorted((a[0] - base for a in anchors if np.linalg.norm(a[0] - base) > tiny), key=np.linalg.norm)
    eigenvalues, eigenvectors = np.linalg.eigh(system.numeric.hessian(base))
    candidates = list(others) + [eigenvectors[:, k] for k in np.argsort(eigenvalues)]
    u = candidates[0] / np.linalg.norm(candidates[0])
    v = None
    for k, d in enumerate(candidates[1:], start=1):
        rest = d - (d @ u) * u
        if np.linalg.norm(rest) > (0.2 if k < len(others) else 0.3) * np.linalg.norm(d):
            v = rest / np.linalg.norm(rest)
            break
    if v is None:  # every candidate is parallel to u: take the coordinate axis most orthogonal to it
        axis = np.eye(base.size)[int(np.argmin(np.abs(u)))]
        rest = axis - (axis @ u) * u
        v = rest / np.linalg.norm(rest)
    near = [np.zeros(base.size)] + [d for d in others
                                     if np.linalg.norm(d - (d @ u) * u - (d @ v) * v) <= 0.1 * np.linalg.norm(d)]
    st = np.array([[d @ u, d @ v] for d in near])
    middle = (st.max(axis=0) + st.min(axis=0)) / 2
    half = float(np.max(st.max(axis=0) - st.min(axis=0))) / 2
    if extent is None:
        extent = 1.5 * half if half > 0 else max(1.0, 0.5 * float(np.linalg.norm(base)))
    return base + middle[0] * u + middle[1] * v, (u, v), extent


def _anchors(catalog: Catalog) -> list[tuple[np.ndarray, float, bool]]:
    """``(coordinates, loss, is a minimum)`` of every real point, isolated or on a component."""
    anchors = [(np.array([z.real for z in p.coordinates]), p.loss.real, p.kind == "minimum") for p in catalog.real()]
    anchors += [(np.asarray(x, dtype=float), c.loss.real if c.loss is not None else np.inf, c.kind == "minima")
                for c in catalog.components for x in c.real_points]
    return anchors


def _plane_anchor(catalog: Catalog, center: int | None) -> np.ndarray | None:
    """Real point number ``center``, or the lowest real minimum (else real point); ``None``
    when there is no real point."""
    if center is not None:
        return _real_point(catalog, center, "center")
    anchors = _anchors(catalog)
    if not anchors:
        return None
    minima = [a for a in anchors if a[2]] or anchors
    return min(minima, key=lambda a: a[1])[0]


def _real_point(catalog: Catalog, number: int, what: str) -> np.ndarray:
    """The coordinates of critical point ``number`` of ``catalog``, which must be real."""
    count = len(catalog.critical_points)
    if not 0 <= number < count:
        raise ValueError(f"{what}: there is no point {number}; the catalog's points are numbered 0 to {count - 1}.")
    point = catalog.critical_points[number]
    if not point.is_real:
        raise ValueError(f"{what}: point {number} is complex; a plane of real parameters goes through real points "
                         f"only (algmorse show --real lists them).")
    return np.array([z.real for z in point.coordinates])


def write_catalog_figures(catalog: Catalog, directory: str | os.PathLike, *, stem: str,
                          format: str = "png", **plane: Any) -> list[Path]:
    """Write :func:`catalog_figures` as ``<directory>/<stem>_<name>.<format>``.

    All figures are drawn before the first file is written; if a write fails, the files this
    call already wrote are removed again.

    Parameters
    ----------
    catalog : Catalog
    directory : str or path-like
        Created if missing.
    stem : str
        File name prefix, e.g. the catalog's file stem.
    format : str, default "png"
        Any format matplotlib writes (``png``, ``svg``, ``pdf``, ...).
    **plane
        ``center``, ``through``, ``params``, ``extent``: the plane of the slice, passed to
        :func:`catalog_figures`.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    figures = catalog_figures(catalog, **plane)
    written: list[Path] = []
    try:
        for name, figure in figures.items():
            written.append(save_figure(figure, Path(directory) / f"{stem}_{name}.{format}"))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written




# -- two-parameter sweeps -----------------------------------------------------------------------

def sweep_map_figure(x_values: Sequence[float], y_values: Sequence[float],
                     counts: Mapping[str, Sequence[Sequence[float | None]]], *, xlabel: str, ylabel: str,
                     title: str | None = None, points: Sequence[tuple[float, float]] = (),
                     points_label: str = "certified fold") -> Figure:
    """Counts on a grid of two swept parameters: one map per label, the count written in each cell.

    Each cell is one sample, centred on its pair of values; where a count changes between two
    samples is not known from them (a cell's edges are not thresholds).

    Parameters
    ----------
    x_values, y_values : sequence of float
        The two axes' values.
    counts : mapping of str to 2-D sequence
        ``counts[label][i][j]`` at ``(x_values[i], y_values[j])`` (``None``: not solved).
    xlabel, ylabel : str
    title : str, optional
    points : sequence of (float, float)
        Points of the plane to mark on every map (e.g. certified exceptional values along the
        grid's lines), placed between the samples by linear interpolation of the axes.
    points_label : str
        Their name in the legend.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If a grid does not have ``len(x_values)`` rows of ``len(y_values)`` entries.

    Examples
    --------
    >>> figure = sweep_map_figure([1, 2], [0, 1, 2], {"minima": [[1, 1, 2], [1, 2, 2]]}, xlabel="eps_1",
    ...                           ylabel="x_1_1")
    >>> [t.get_text() for t in figure.axes[0].texts]
    ['1', '1', '2', '1', '2', '2']
    """
    x, y = np.asarray(x_values, dtype=float), np.asarray(y_values, dtype=float)
    grids = {}
    for label, grid in counts.items():
        values = np.array([[np.nan if v is None else float(v) for v in row] for row in grid], dtype=float)
        if values.shape != (x.size, y.size):
            raise ValueError(f"counts[{label!r}] has shape {values.shape}, expected ({x.size}, {y.size}).")
        grids[label] = values
    columns = min(3, max(1, len(grids)))
    rows = -(-len(grids) // columns) if grids else 1
    figure = _new_figure(figsize=(3.4 * columns + 0.6, 3.0 * rows + 0.5), layout="constrained")
    cell = max(0.0, min(1.0, 12.0 / max(x.size, y.size, 1)))  # font scale: numbers fit their cells
    for k, (label, values) in enumerate(grids.items()):
        ax = figure.add_subplot(rows, columns, k + 1)
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        # one colour per count: bins centred on the integers (a constant map gets one bin, not a
        # continuous bar around it)
        present = np.unique(finite) if finite.size else np.array([0.0])
        edges = np.concatenate([[present[0] - 0.5], (present[:-1] + present[1:]) / 2, [present[-1] + 0.5]])
        norm = BoundaryNorm(edges, 256)  # one colour per count that occurs
        mesh = ax.pcolormesh(np.arange(x.size + 1) - 0.5, np.arange(y.size + 1) - 0.5, values.T,
                             cmap="viridis", norm=norm, shading="flat")
        if low < high:  # a constant map needs no colour scale: its cells say it
            colorbar = figure.colorbar(mesh, ax=ax, shrink=0.9)
            colorbar.set_ticks(present if present.size <= 8 else
                               [t for t in MaxNLocator(integer=True, nbins=6).tick_values(low, high) if low <= t <= high])
        middle = (low + high) / 2
        if cell >= 0.3:
            for i in range(x.size):
                for j in range(y.size):
                    if np.isfinite(values[i, j]):
                        ax.text(i, j, f"{values[i, j]:g}", ha="center", va="center", fontsize=8 * cell + 2,
                                color="black" if values[i, j] > middle else "white")
        ax.set_xticks(_tick_positions(x.size), [f"{x[i]:.4g}" for i in _tick_positions(x.size)], rotation=45)
        ax.set_yticks(_tick_positions(y.size), [f"{y[j]:.4g}" for j in _tick_positions(y.size)])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(label if low < high or not finite.size else f"{label} (all {low:g})", fontsize=10)
        if len(points):
            ax.plot(_index_position(x, [p[0] for p in points]), _index_position(y, [p[1] for p in points]),
                    linestyle="", marker="X", markersize=5, color="white", markeredgecolor="black",
                    label=points_label)
    if len(points) and grids:
        figure.legend(*figure.axes[0].get_legend_handles_labels(), loc="outside lower center", fontsize=8)
    if title is not None:
        figure.suptitle(title, fontsize=10)
    return figure


def _index_position(axis: np.ndarray, values: Sequence[float]) -> np.ndarray:
    """Where ``values`` fall on a map whose sample ``k`` of ``axis`` sits at ``k``."""
    order = np.argsort(axis)
    return np.interp(np.asarray(values, dtype=float), axis[order], np.arange(axis.size, dtype=float)[order])


def _tick_positions(count: int, most: int = 8) -> list[int]:
    """Indices of at most ``most`` evenly spread samples (first and last included)."""
    if count <= most:
        return list(range(count))
    return sorted({round(k * (count - 1) / (most - 1)) for k in range(most)})
