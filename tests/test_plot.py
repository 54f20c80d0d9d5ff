"""Pictures: each figure holds the data it claims to show (points, eigenvalues, loss values, lines);
files are written atomically; ``algmorse plot`` writes the catalog figures or fails cleanly."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import sympy
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet

from algmorse import SolveOptions, analyze
from algmorse.analysis.components import Component
from algmorse.cli import main
from algmorse.engine.backends.fake import FakeBackend
from algmorse.model.network import FunctionProblem
from algmorse.model.system import build_system
from algmorse.results.catalog import Catalog, write_catalog
from algmorse.results.library import load_case
from algmorse.results.plot import (
    critical_values_figure,
    hessian_spectra_figure,
    hessian_spectra_of,
    landscape_plane,
    loss_on_plane,
    save_figure,
    slice_figure,
    sweep_figure,
)

PNG = b"\x89PNG\r\n\x1a\n"
R, C = math.sqrt(9 / 5), math.sqrt(11 / 5)  # chain2_l2.toml: real points a = b = +-R, complex a = -b = +-iC


@pytest.fixture(scope="module")
def chain2() -> Catalog:
    """chain2_l2: minima (R, R), (-R, -R) at 19/50, saddle (0, 0) at 2, two complex points."""
    problem = load_case("chain2_l2").spec.problem
    points = [(0, 0), (R, R), (-R, -R), (1j * C, -1j * C), (-1j * C, 1j * C)]
    return analyze(problem, options=SolveOptions(seed=2, decompose="never"), backend=FakeBackend([points]))


@pytest.fixture(scope="module")
def circle() -> Catalog:
    """net121_lin_l2_circle: the origin (index-2 saddle, loss 2) and, by hand, three real points of the
    circle of minima u = v, |u|^2 = 4/3 (loss 10/9), in coordinates (w1_1_1, w1_2_1, w2_1_1, w2_1_2) = (u, v)."""
    problem = load_case("net121_lin_l2_circle").spec.problem
    catalog = analyze(problem, options=SolveOptions(seed=3, decompose="never"), backend=FakeBackend([[(0, 0, 0, 0)]]))
    r = math.sqrt(4 / 3)
    on_circle = tuple((r * math.cos(a), r * math.sin(a), r * math.cos(a), r * math.sin(a)) for a in (0.3, 2.0, 4.0))
    ring = Component(dimension=1, degree=2, witness_points=(), real_points=on_circle, loss=complex(10 / 9),
                     hessian_rank=3, kind="minima", description="conic of minima")
    ghost = Component(dimension=1, degree=2, witness_points=(), real_points=(), loss=complex(-14 / 9),
                      hessian_rank=3, kind="complex", description="complex conic")
    return replace(catalog, components=(ring, ghost))


def _scatter_points(ax, labels: tuple[str, ...]) -> dict[str, np.ndarray]:
    return {c.get_label(): np.asarray(c.get_offsets()) for c in ax.collections
            if isinstance(c, PathCollection) and c.get_label().startswith(labels)}


def test_critical_values_shows_every_real_point_at_its_index_and_loss(chain2):
    ax = critical_values_figure(chain2).axes[0]
    drawn = _scatter_points(ax, ("minimum", "saddle", "maximum", "degenerate", "undetermined"))
    assert sorted(drawn) == ["minimum (2)", "saddle (1)"]
    assert sum(len(xy) for xy in drawn.values()) == chain2.summary.real == 3
    minima, saddle = drawn["minimum (2)"], drawn["saddle (1)"]
    np.testing.assert_allclose(minima[:, 1], [19 / 50, 19 / 50])  # hand derivation in chain2_l2.toml
    np.testing.assert_allclose(saddle, [[1, 2]])
    assert np.all(np.abs(minima[:, 0]) <= 0.3) and minima[0, 0] != minima[1, 0]  # coinciding minima spread apart
    assert "\u00d72" in [t.get_text() for t in ax.texts]
    assert "2 complex not shown" in ax.get_xlabel()


def test_critical_values_columns_only_for_used_indices_and_count_labels_clear_of_everything(chain2):
    ax = critical_values_figure(chain2).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1"]  # of 0, 1, 2: index 2 has no point
    assert ax.get_xlim() == pytest.approx((-0.7, 1.7))
    # The equal minima (loss 19/50, the lowest) get a "x2" label; it must lie inside the axes, off
    # every marker and below the title, also when the minima are the highest points.
    flipped = replace(chain2, critical_points=tuple(
        replace(p, loss=complex(5.0)) if p.kind == "minimum" else p for p in chain2.critical_points))
    # A third minimum just above the pair (5 % of the loss range: its own cluster, right above
    # the pair's label place) must push the label elsewhere.
    pair = [replace(p, loss=complex(1.0)) for p in chain2.critical_points if p.kind == "minimum"]
    crowded = replace(chain2, critical_points=(*pair, replace(pair[0], loss=complex(1.05), coordinates=(0.5, 0.5)),
                                               *(replace(p, loss=complex(2.0)) for p in chain2.critical_points
                                                 if p.kind == "saddle")))
    for catalog in (chain2, flipped, crowded):
        figure = critical_values_figure(catalog)
        ax = figure.axes[0]
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        (label,) = [t for t in ax.texts if t.get_text() == "\u00d72"]
        box, frame = label.get_window_extent(renderer), ax.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
        assert not box.overlaps(ax.title.get_window_extent(renderer))
        assert not box.overlaps(ax.get_legend().get_window_extent(renderer))
        for collection in ax.collections:
            for x, y in ax.transData.transform(np.asarray(collection.get_offsets())):
                assert not (box.x0 - 4 < x < box.x1 + 4 and box.y0 - 4 < y < box.y1 + 4)


def test_near_equal_losses_in_a_column_are_set_side_by_side():
    from algmorse.results.plot import _spread

    # losses 1.30 and 1.35 (range 4) would draw one marker over the other; 5.3 and the other
    # column's 1.3 overlap nothing; the two equal saddles form a group of two
    offsets, groups = _spread([0, 0, 0, 1, 1, 1], [1.30, 1.35, 5.3, 1.3, 3.0, 3.0])
    assert offsets[0] < offsets[1] and offsets[2] == 0.0 and offsets[3] == 0.0
    assert offsets[4] != offsets[5]
    assert sorted(len(members) for members in groups.values()) == [1, 1, 1, 1, 2]


def test_critical_values_draws_components_with_real_points_only(circle):
    ax = critical_values_figure(circle).axes[0]
    bands = [line for line in ax.lines if line.get_label().startswith("component")]
    assert len(bands) == 1 and np.allclose(bands[0].get_ydata(), 10 / 9)
    assert "1 component(s) without real points not shown" in ax.get_xlabel()
    np.testing.assert_allclose(_scatter_points(ax, ("saddle",))["saddle (1)"], [[0, 2]])  # origin: loss 2, the only column
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2"]  # its Morse index; no empty columns 0, 1, 3, 4


def test_degenerate_points_get_their_own_column():
    # x^3 + y^2: the only critical point is the origin, Hessian diag(0, 2) is singular.
    problem = FunctionProblem(("x", "y"), "x^3 + y^2")
    catalog = analyze(problem, options=SolveOptions(seed=1, decompose="never"), backend=FakeBackend([[(0, 0)]]))
    ax = critical_values_figure(catalog).axes[0]
    drawn = _scatter_points(ax, ("degenerate", "undetermined"))
    (xy,) = drawn.values()
    np.testing.assert_allclose(xy, [[0, 0]])  # no point has a Morse index: "deg." is the only column
    assert [t.get_text() for t in ax.get_xticklabels()] == ["deg."]
    assert ax.get_xlim()[0] < 0 < ax.get_xlim()[1]


def test_hessian_spectra_of_catalog(chain2):
    spectra = hessian_spectra_of(chain2)
    # Hessians (chain2_l2.toml): saddle [[1/5, -2], [-2, 1/5]] -> 1/5 -+ 2; minima [[2, 8/5], [8/5, 2]] -> 2 -+ 8/5.
    # The two minima form one orbit of the sign flip: one column, labelled with show's numbers.
    assert list(spectra) == ["#0-1 min (L=0.38)", "#2 saddle (L=2)"]
    assert [chain2.critical_points[i].kind for i in (0, 1, 2)] == ["minimum", "minimum", "saddle"]
    np.testing.assert_allclose(spectra["#0-1 min (L=0.38)"], [2 / 5, 18 / 5], rtol=1e-9)
    np.testing.assert_allclose(spectra["#2 saddle (L=2)"], [-9 / 5, 11 / 5], rtol=1e-9)
    assert len(hessian_spectra_of(chain2, limit=1)) == 1


def test_hessian_spectra_figure_highlights_exactly_the_zero_eigenvalues():
    # p: max |lambda| = 3, so the zero threshold is 3e-8: 0 and 1e-12 are zero, -3 and 2 are not.
    # q: 1e-3 is far above 5e-8: not zero. r: two spectra in one column.
    figure = hessian_spectra_figure({"p": [-3, 0, 1e-12, 2], "q": [1e-3, 5], "r": [[1, 2], [1, 4]]})
    ax = figure.axes[0]
    drawn = _scatter_points(ax, ("positive", "negative", "zero"))
    (zero_label,) = [label for label in drawn if label.startswith("zero")]
    assert sorted(drawn[zero_label][:, 1]) == [0, 1e-12]
    assert np.all(np.abs(drawn[zero_label][:, 0]) < 0.5)  # both in column p
    assert drawn["negative"][:, 1].tolist() == [-3]
    assert sorted(drawn["positive"][:, 1]) == [1e-3, 1, 1, 2, 2, 4, 5]
    assert ax.get_yscale() == "symlog" and ax.yaxis.get_transform().linthresh == pytest.approx(1e-3)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["p", "q", "r"]


def test_hessian_spectra_ticks_are_plain_numbers_and_the_figure_fits_a_page():
    figure = hessian_spectra_figure({"p": [-30, -1, 0.02, 5e5], "q": [1e-3, 1]})
    figure.canvas.draw()
    ax = figure.axes[0]
    ticks = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())))
    assert ticks[-10.0] == "\u221210" and ticks[-1.0] == "\u22121" and ticks[0.0] == "0"
    assert ticks[0.01] == "0.01" and ticks[1.0] == "1" and ticks[1e5] == "$10^{5}$"
    assert "symlog" not in ax.get_ylabel() and ax.get_ylabel().endswith("< $10^{-3}$)")
    many = hessian_spectra_figure({f"#{k} min (L=1.23)": [1.0, 2.0, 3.0, 4.0] for k in range(24)})
    assert many.get_size_inches()[0] <= 8.0  # 24 columns of 4 eigenvalues: a page width, not 13 inches
    assert hessian_spectra_figure({"a": [1.0, 2.0]}).get_size_inches()[0] <= 4.5


def test_hessian_spectra_figure_rejects_complex_values():
    with pytest.raises(ValueError, match="spectra\\['p'\\]"):
        hessian_spectra_figure({"p": [1 + 1j, 2]})


def _gram_schmidt(a, b):
    u = a / np.linalg.norm(a)
    w = b - (b @ u) * u
    return u, w / np.linalg.norm(w)


def test_loss_on_plane_equals_the_exact_loss():
    # net121_lin_l2_circle written out by hand: L = 1/2 (w2_1_1 w1_1_1 + w2_1_2 w1_2_1 - 2)^2 + 1/3 |w|^2.
    w11, w12, w21, w22 = sympy.symbols("w11 w12 w21 w22")
    exact = (sympy.Rational(1, 2) * (w21 * w11 + w22 * w12 - 2) ** 2
             + sympy.Rational(1, 3) * (w11**2 + w12**2 + w21**2 + w22**2))
    system = build_system(load_case("net121_lin_l2_circle").spec.problem)
    rng = np.random.default_rng(7)
    center, a, b = rng.normal(size=(3, 4))
    s, t, values = loss_on_plane(system, center, (a, b), extent=1.5, resolution=31)
    u, v = _gram_schmidt(a, b)
    np.testing.assert_allclose(s, np.linspace(-1.5, 1.5, 31))
    for i, j in [(0, 0), (3, 17), (15, 15), (30, 2), (30, 30)]:
        point = center + s[j] * u + t[i] * v
        expected = float(exact.subs(dict(zip((w11, w12, w21, w22), map(sympy.Float, point)))))
        assert values[i, j] == pytest.approx(expected, rel=1e-11)
    _, _, by_callable = loss_on_plane(system.numeric.loss, center, (a, b), extent=1.5, resolution=31)
    np.testing.assert_allclose(by_callable, values, rtol=1e-11)


def test_slice_figure_contours_the_loss_and_projects_points_and_curves():
    loss = lambda p: p[0] ** 4 - 2 * p[0] ** 2 + p[1] ** 2 + p[2] ** 2  # noqa: E731  (double well in 3-D)
    center, directions = np.zeros(3), ([2.0, 0, 0], [1.0, 1.0, 0])  # Gram-Schmidt: u = e_x, v = e_y
    near, far = np.array([1.0, 0.0, 0.0]), np.array([-1.0, 0.5, 0.5])  # far: 0.5 > 0.05 * extent off the plane
    curve = np.array([[0.0, -1.0, 0.0], [0.0, 1.0, 0.0]])
    figure = slice_figure(loss, center, directions, extent=2.0, resolution=41, points=[near, far],
                          curves=[("y axis", curve)], labels=["x", "y", "z"])
    ax = figure.axes[0]
    (filled,) = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled]
    _, _, values = loss_on_plane(loss, center, directions, extent=2.0, resolution=41)
    # Grid corner (s, t) = (2, 2): 16 - 8 + 4 = 12; the minimum on the grid is at (+-1, 0): -1.
    assert values.max() == pytest.approx(12) and values.min() == pytest.approx(-1)
    assert filled.levels[0] == pytest.approx(-1) and filled.levels[-1] == pytest.approx(12)
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    np.testing.assert_allclose(np.vstack([p.get_offsets() for p in points]), [[1, 0], [-1, 0.5]])
    assert [p.get_alpha() for p in points] == [1.0, 0.35]
    (line,) = [line for line in ax.lines if line.get_label() == "y axis"]
    np.testing.assert_allclose(np.column_stack(line.get_data()), [[0, -1], [0, 1]])
    assert "faded" in " ".join(t.get_text() for t in figure.legends[0].get_texts())
    assert ax.get_xlabel() == "s along u = x" and ax.get_ylabel() == "t along v = y"


def _inside_and_apart(figure, artists) -> None:
    """Each artist lies inside the figure and no two of them overlap (measured after drawing)."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    page = figure.bbox
    boxes = [artist.get_window_extent(renderer) for artist in artists]
    for box in boxes:
        assert page.x0 - 0.5 <= box.x0 and box.x1 <= page.x1 + 0.5 and page.y0 - 0.5 <= box.y0 and box.y1 <= page.y1 + 0.5
    for i, first in enumerate(boxes):
        for second in boxes[i + 1:]:
            assert not first.overlaps(second)


def test_slice_axis_labels_fit_and_the_centre_is_ringed():
    names = [f"w{k}_1_{k}" for k in range(1, 7)]
    loss = lambda p: float(p @ p)  # noqa: E731
    directions = ([1.0, -0.9, 0.8, -0.7, 0.6, 0.5], [0.2, 0.3, -0.4, 0.5, 0.6, -0.7])
    figure = slice_figure(loss, np.ones(6), directions, resolution=11, labels=names, points=[("start", np.ones(6))],
                          mark=np.ones(6) + 0.5 * np.asarray(directions[0]) / np.linalg.norm(directions[0]),
                          center_label="centre: here")
    ax = figure.axes[0]
    for label in (ax.get_xlabel(), ax.get_ylabel()):
        assert "(2 more)" in label and max(len(line) for line in label.split("\n")) <= 55
    (ring,) = [line for line in ax.lines if line.get_label() == "centre: here"]
    np.testing.assert_allclose(np.column_stack(ring.get_data()), [[0.5, 0.0]], atol=1e-12)
    legend = figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["start", "centre: here"]
    _inside_and_apart(figure, [ax.xaxis.label, ax.yaxis.label, ax.title, legend, figure.axes[1].yaxis.label])
    # an unnamed vector is a "given point", never just "point"
    plain = slice_figure(loss, np.zeros(2), ([1, 0], [0, 1]), resolution=5, points=[np.zeros(2)])
    assert [t.get_text() for t in plain.legends[0].get_texts()] == ["given point", "centre c of the plane"]


@pytest.fixture(scope="module")
def wells() -> Catalog:
    """(x^2 - 1)^2 + (y^2 - 1)^2 + z^2: minima 0-3 at (+-1, +-1, 0), saddles 4-7, the maximum-like saddle 8 at 0."""
    problem = FunctionProblem(("x", "y", "z"), "(x^2 - 1)^2 + (y^2 - 1)^2 + z^2")
    return analyze(problem, options=SolveOptions(seed=1, decompose="never"),
                   backend=FakeBackend([[(1, 1, 0), (-1, 1, 0), (1, -1, 0), (0, 0, 0)]]))


def test_landscape_plane_through_two_points_or_along_two_parameters(wells):
    system = build_system(wells.problem)
    assert [tuple(map(float, p.coordinates)) for p in wells.critical_points[:3]] == [(-1, -1, 0), (-1, 1, 0), (1, -1, 0)]
    center, (u, v), extent = landscape_plane(wells, system, through=(1, 2))
    np.testing.assert_allclose(center, [-1, -1, 0])  # the lowest minimum (the first of the four)
    for point in ([-1, 1, 0], [1, -1, 0]):  # both points lie in the plane, inside the view
        d = np.array(point) - center
        np.testing.assert_allclose(d - (d @ u) * u - (d @ v) * v, 0, atol=1e-12)
        assert max(abs(d @ u), abs(d @ v)) < extent
    assert extent == pytest.approx(1.3 * 2)
    center, (u, v), extent = landscape_plane(wells, system, center=8, params=("x", "z"), extent=0.5)
    np.testing.assert_allclose(np.vstack([center, u, v]), [[0, 0, 0], [1, 0, 0], [0, 0, 1]])
    assert extent == 0.5
    with pytest.raises(ValueError, match="through: points 3 and 8 lie on one line"):
        landscape_plane(wells, system, through=(3, 8))  # (1, 1, 0), (0, 0, 0) and (-1, -1, 0)
    with pytest.raises(ValueError, match="params must be two distinct parameter names of x, y, z; got x, w"):
        landscape_plane(wells, system, params=("x", "w"))
    with pytest.raises(ValueError, match="center: there is no point 9"):
        landscape_plane(wells, system, center=9)


def test_catalog_slice_tags_the_plane_points(wells):
    from algmorse.results.plot import catalog_figures

    ax = catalog_figures(wells, through=(1, 2))["slice"].axes[0]
    assert ax.get_title().startswith("loss landscape on the plane through the lowest real minimum, #1 and #2")
    (ring,) = [line for line in ax.lines if line.get_label() == "centre: the lowest real minimum"]
    np.testing.assert_allclose(np.column_stack(ring.get_data()), [[0, 0]], atol=1e-12)
    tags = {t.get_text(): np.abs(t.xy) for t in ax.texts}
    assert sorted(tags) == ["#1", "#2"]
    for xy in tags.values():  # (0, 2, 0) and (2, 0, 0) from the centre, in some orthonormal (u, v)
        assert np.linalg.norm(xy) == pytest.approx(2)


def test_slice_figure_rejects_parallel_directions():
    with pytest.raises(ValueError, match="linearly independent"):
        slice_figure(lambda p: p @ p, [0, 0], ([1, 1], [2, 2]))


def test_landscape_plane_contains_the_circle_and_its_neighbours(circle):
    # All circle points and the origin lie in the plane {(a, b, a, b)}; the slice through the lowest
    # minimum (a circle point) must be that plane, so both directions are of the form (a, b, a, b).
    center, (u, v), extent = landscape_plane(circle, build_system(circle.problem))
    for d in (center, u, v):
        np.testing.assert_allclose(d[:2], d[2:], atol=1e-12)
    assert abs(u @ v) < 1e-12 and extent >= math.sqrt(8 / 3)  # |(u, u)| = sqrt(2 * 4/3): the ring radius


def test_sweep_figure_lines_and_marks():
    values = [0.1, 0.2, 0.5, 1.0]
    counts = {"real": [5, 5, 3, 1], "minima": [2, None, 2, 1]}
    ax = sweep_figure(values, counts, marks=[0.3, (0.75, "eps*")], title="sweep").axes[0]
    lines = {line.get_label(): line for line in ax.lines}
    np.testing.assert_allclose(lines["real"].get_xdata(), values)
    np.testing.assert_allclose(lines["real"].get_ydata(), [5, 5, 3, 1])
    np.testing.assert_allclose(lines["minima"].get_ydata(), [2, np.nan, 2, 1])
    verticals = sorted(line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == ":")
    assert verticals == [0.3, 0.75]
    assert [t.get_text() for t in ax.texts] == ["eps*"]
    assert lines["real"].get_drawstyle() == "default"
    with pytest.raises(ValueError, match="counts\\['real'\\] has 2 entries"):
        sweep_figure(values, {"real": [1, 2]})


def _line_pieces(line) -> list[list[tuple[float, float]]]:
    """The vertices of ``line`` split at its nan breaks."""
    pieces: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(line.get_xdata(), line.get_ydata()):
        if np.isnan(x):
            pieces.append([])
        else:
            pieces[-1].append((float(x), float(y)))
    return [piece for piece in pieces if piece]


def test_sweep_steps_at_the_exact_thresholds_and_never_across_a_jump():
    # seed 000's chain: counts change at eps = -2, 0, 2 exactly; the samples lie in between.
    values = [-2.3, -1.9, -0.1, 0.1, 1.9, 2.3]
    counts = {"real": [5, 3, 3, 3, 3, 1], "minima": [0, 0, 0, 2, 2, 1]}
    ax = sweep_figure(values, counts, step=True, thresholds=[-2.0, 0.0, 2.0], marks=[(2.0, "eps = 2")]).axes[0]
    lines = {line.get_label(): line for line in ax.lines if not line.get_label().startswith("_")}
    assert _line_pieces(lines["real"]) == [[(-2.3, 5), (-2.0, 5)], [(-2.0, 3), (-1.9, 3), (-0.1, 3), (0.1, 3),
                                                                     (1.9, 3), (2.0, 3)], [(2.0, 1), (2.3, 1)]]
    assert _line_pieces(lines["minima"]) == [[(-2.3, 0), (-1.9, 0), (-0.1, 0), (0.0, 0)], [(0.0, 2), (0.1, 2),
                                                                                           (1.9, 2), (2.0, 2)],
                                             [(2.0, 1), (2.3, 1)]]
    # markers at the samples only, not at the step ends
    real = lines["real"]
    assert [float(real.get_xdata()[i]) for i in real.get_markevery()] == values
    # one vertical line per threshold; the mark at 2 is not drawn twice
    verticals = sorted(float(line.get_xdata()[0]) for line in ax.lines if line.get_linestyle() == ":")
    assert verticals == [-2.0, 0.0, 2.0]
    assert not ax.patches  # every change lies at a threshold: nothing hatched


def test_sweep_without_thresholds_hatches_where_a_count_changes():
    ax = sweep_figure([1.0, 2.0, 3.0, 4.0], {"n": [2, 2, 1, 1]}, step=True).axes[0]
    (line,) = [line for line in ax.lines if line.get_label() == "n"]
    assert _line_pieces(line) == [[(1.0, 2), (2.0, 2)], [(3.0, 1), (4.0, 1)]]  # no invented midpoint 2.5
    (span,) = ax.patches
    assert (span.get_x(), span.get_x() + span.get_width()) == (2.0, 3.0) and span.get_hatch() == "///"
    assert "a count changes somewhere in here" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_sweep_lines_break_at_per_label_thresholds():
    # a continuous curve is joined across the threshold; a jumping one is not
    values = [0.8, 0.9, 1.1, 1.2]
    ax = sweep_figure(values, {"smooth": [3, 2, 1, 0], "jumps": [3, 3, 0, 0]}, thresholds={"jumps": [1.0]}).axes[0]
    lines = {line.get_label(): line for line in ax.lines}
    assert len(_line_pieces(lines["smooth"])) == 1
    assert _line_pieces(lines["jumps"]) == [[(0.8, 3), (0.9, 3)], [(1.1, 0), (1.2, 0)]]
    assert sorted(float(line.get_xdata()[0]) for line in ax.lines if line.get_linestyle() == ":") == [1.0]


def test_save_figure_is_atomic_and_writes_the_format(tmp_path, chain2):
    path = save_figure(critical_values_figure(chain2), tmp_path / "new" / "dir" / "values.png")
    assert path == tmp_path / "new" / "dir" / "values.png" and path.read_bytes().startswith(PNG)
    assert save_figure(sweep_figure([1, 2], {"n": [1, 2]}), tmp_path / "sweep").read_bytes().startswith(PNG)
    assert b"<svg" in save_figure(sweep_figure([1, 2], {"n": [1, 2]}), tmp_path / "s.svg").read_bytes()[:400]
    with pytest.raises(ValueError, match="unknown figure format 'xyz'"):
        save_figure(sweep_figure([1, 2], {"n": [1, 2]}), tmp_path / "s.xyz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "s.svg", "sweep.png"]
    assert [p.name for p in (tmp_path / "new" / "dir").iterdir()] == ["values.png"]


def test_failed_save_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("algmorse.results.plot.os.replace", broken_replace)
    with pytest.raises(OSError):
        save_figure(sweep_figure([1, 2], {"n": [1, 2]}), tmp_path / "s.png")
    assert list(tmp_path.iterdir()) == []


def test_cli_plot_writes_the_catalog_figures(tmp_path, chain2, capsys):
    catalog = write_catalog(chain2, tmp_path / "chain2.json")
    assert main(["plot", str(catalog), "--out", str(tmp_path / "figs")]) == 0
    names = ["chain2_critical_values.png", "chain2_hessian_spectra.png", "chain2_slice.png"]
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == names
    assert all((tmp_path / "figs" / name).read_bytes().startswith(PNG) for name in names)
    assert capsys.readouterr().out.split() == [str(tmp_path / "figs" / name) for name in names]
    assert main(["plot", str(catalog), "--format", "svg"]) == 0  # default: next to the catalog
    assert (tmp_path / "chain2_slice.svg").exists()


def test_cli_plot_chooses_the_slice_plane(tmp_path, wells, capsys):
    catalog = write_catalog(wells, tmp_path / "wells.json")
    assert main(["plot", str(catalog), "--out", str(tmp_path / "a"), "--plane-points", "1,2", "--extent", "3"]) == 0
    assert main(["plot", str(catalog), "--out", str(tmp_path / "b"), "--center", "8", "--plane-params", "x,z"]) == 0
    assert (tmp_path / "a" / "wells_slice.png").read_bytes().startswith(PNG)
    assert (tmp_path / "b" / "wells_slice.png").read_bytes().startswith(PNG)
    capsys.readouterr()
    for options, message in [(["--plane-points", "1"], "--plane-points 1: give two point numbers"),
                             (["--plane-points", "3,8"], "--plane-points: points 3 and 8 lie on one line"),
                             (["--plane-params", "x,w"], "--plane-params must be two distinct parameter names"),
                             (["--center", "20"], "--center: there is no point 20")]:
        assert main(["plot", str(catalog), "--out", str(tmp_path / "c"), *options]) == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("content, message", [(None, "no such file"), ("{not json", "not JSON"),
                                               ('{"schema": "other/9"}', "unsupported catalog schema"),
                                               ('{"schema": "algmorse.relu/1"}', "a relu analysis")])
def test_cli_plot_bad_catalog_exits_2_and_writes_nothing(tmp_path, capsys, content, message):
    path = tmp_path / "c.json"
    if content is not None:
        path.write_text(content)
    assert main(["plot", str(path), "--out", str(tmp_path / "figs")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "figs").exists()


def test_cli_plot_out_is_a_file(tmp_path, chain2, capsys):
    catalog = write_catalog(chain2, tmp_path / "chain2.json")
    (tmp_path / "taken").write_text("")
    assert main(["plot", str(catalog), "--out", str(tmp_path / "taken")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_a_sample_at_a_threshold_stands_alone_and_its_neighbours_step_there():
    # counts 5, 3, 5 with the exact threshold at the middle sample (a collision there): the line
    # runs at 5 up to the threshold from both sides, the 3 is a lone marker, nothing is hatched
    figure = sweep_figure([-0.3, -0.2, -0.1], {"isolated": [5, 3, 5]}, step=True, thresholds=[-0.2])
    line = figure.axes[0].lines[0]
    xs, ys = line.get_xdata(), line.get_ydata()
    segments = [list(zip(xs[k:k + 2], ys[k:k + 2])) for k in range(len(xs) - 1)
                if not (np.isnan(xs[k]) or np.isnan(xs[k + 1]))]
    assert sorted(segments) == [[(-0.3, 5.0), (-0.2, 5.0)], [(-0.2, 5.0), (-0.1, 5.0)]]
    assert not any(p.get_hatch() for p in figure.axes[0].patches)
