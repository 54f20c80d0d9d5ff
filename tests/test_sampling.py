"""Sampling a component again from its stored witness set (engine.sampling, Catalog.sample).

The fixture net121_lin_l2_circle is derived by hand (polynomials/net121_lin_l2_circle.toml):
with u = W1 and v = W2^T its components are the real circle u = v, u.u = 4/3 (minima, loss
10/9) and the complex conic u = -v, u.u = -8/3 (loss -14/9); the origin is an isolated saddle.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from algmorse import SolveOptions, analyze, load_catalog, write_catalog
from algmorse.engine.backends.base import Endpoint, TrackedPaths
from algmorse.engine.sampling import sample_component
from algmorse.errors import AlgmorseError, BackendTimeout
from algmorse.model.network import FunctionProblem
from algmorse.model.system import build_system
from algmorse.results.library import load_case

pytestmark = pytest.mark.phcpack


@pytest.fixture(scope="module")
def circle(tmp_path_factory):
    catalog = analyze(load_case("net121_lin_l2_circle").spec.problem, options=SolveOptions(seed=1, proof="none"))
    path = tmp_path_factory.mktemp("sampling") / "circle.json"
    write_catalog(catalog, path)
    return load_catalog(path)  # sampled after a reload, as a user would


def _component(catalog, kind):
    return next(c for c in catalog.components if c.kind == kind)


def _split(points):
    return points[:, :2], points[:, 2:]  # u = (w1_1_1, w1_2_1), v = (w2_1_1, w2_1_2)


def test_complex_samples_lie_on_each_conic(circle):
    assert circle.variables == ("w1_1_1", "w1_2_1", "w2_1_1", "w2_1_2")
    for kind, sign, norm in (("minima", 1, 4 / 3), ("complex", -1, -8 / 3)):
        component = _component(circle, kind)
        points = circle.sample(component, 9, seed=5)
        assert points.shape == (9, 4) and points.dtype == complex
        u, v = _split(points)
        np.testing.assert_allclose(v, sign * u, atol=1e-10)
        np.testing.assert_allclose(np.sum(u * u, axis=1), norm, atol=1e-10)
        # new points: pairwise distinct and none of them a stored witness point
        old = np.array(component.witness.points)
        everything = np.vstack([points, old])
        gaps = np.abs(everything[:, None, :] - everything[None, :, :]).max(axis=2) + np.eye(len(everything))
        assert gaps.min() > 1e-6


def test_real_samples_lie_on_the_real_circle(circle):
    points = circle.sample(_component(circle, "minima"), 8, real=True, seed=2)
    assert points.shape == (8, 4) and points.dtype == float
    u, v = _split(points)
    np.testing.assert_allclose(u, v, atol=1e-10)
    np.testing.assert_allclose(np.sum(u * u, axis=1), 4 / 3, atol=1e-10)
    assert len({tuple(np.round(p, 6)) for p in points}) == 8


def test_the_seed_fixes_the_samples(circle):
    first = circle.sample(0, 4, seed=11)
    np.testing.assert_array_equal(first, circle.sample(0, 4, seed=11))
    assert np.abs(first - circle.sample(0, 4, seed=12)).max() > 1e-3


def test_real_samples_need_a_real_point(circle):
    with pytest.raises(AlgmorseError, match="anchors"):
        circle.sample(_component(circle, "complex"), 3, real=True)


class _Jumping:
    """A tracker whose first path ends at `target` (it jumped, or the tracker went wrong) and
    whose other paths fail, so that only the checks on each point can reject it."""

    def __init__(self, target):
        self.target = tuple(target)

    def track(self, legs, points, nvars, *, seed, timeout):
        ends = [Endpoint(coordinates=self.target, t=1.0)] + [None] * (len(points) - 1)
        return TrackedPaths(endpoints=tuple(ends), seconds=0.0)


@pytest.mark.parametrize("where", ["origin", "other conic", "off the critical set"])
def test_endpoints_off_the_component_are_rejected_not_returned(circle, where):
    # The origin is critical but its loss is 2, the other conic's is -14/9, a random point is
    # not critical: sampling the circle of minima must refuse all three, and say so.
    system = build_system(circle.problem)
    minima, other = _component(circle, "minima"), _component(circle, "complex")
    target = {"origin": (0, 0, 0, 0), "other conic": other.witness.points[0],
              "off the critical set": (0.3, 0.1, -0.2, 0.5)}[where]
    with pytest.raises(AlgmorseError, match="0 of 2 points passed the checks after 3 slice moves"):
        sample_component(system, minima.witness, 2, backend=_Jumping(target), max_moves=3)


def test_a_witness_set_of_another_system_is_refused(circle):
    small = build_system(FunctionProblem(("x", "y"), "(x^2 + y^2 - 1)^2"))
    with pytest.raises(AlgmorseError, match="4 coordinates but the system has 2 variables"):
        sample_component(small, _component(circle, "minima").witness, 1, backend=_Jumping((0, 0)))


@pytest.mark.parametrize("call, message", [
    (lambda c: c.sample(7, 1), "component: index 7 out of range; this catalog has 2 component"),
    (lambda c: c.sample("0", 1), "component: expected an index"),
    (lambda c: c.sample(0, 2.5), "count: expected an integer of at least 1, got 2.5"),
    (lambda c: c.sample(0, 0), "count: expected an integer of at least 1, got 0"),
    (lambda c: c.sample(0, True), "count: expected an integer"),
    (lambda c: c.sample(0, 2, seed=-1), "seed: expected an integer of at least 0"),
    (lambda c: c.sample(0, 2, real="yes"), "real: expected True or False"),
    (lambda c: c.sample(0, 2, timeout=0), "timeout: expected a positive number of seconds"),
    (lambda c: c.sample(0, 2, backend="fake"), "backend 'fake' cannot be built from these options"),
])
def test_bad_arguments_get_a_message_naming_them(circle, call, message):
    with pytest.raises(AlgmorseError, match=re.escape(message)):
        call(circle)


def test_a_numpy_index_is_an_index(circle):
    assert circle.sample(np.int64(0), 1, seed=1).shape == (1, 4)


class _TimingOut:
    def track(self, legs, points, nvars, *, seed, timeout):
        raise BackendTimeout(f"killed after {timeout} s", timeout)


def test_timeouts_are_named_as_the_cause_of_a_shortfall(circle):
    system = build_system(circle.problem)
    with pytest.raises(AlgmorseError, match="3 of them ended in a backend timeout or crash: raise timeout"):
        sample_component(system, circle.components[0].witness, 2, backend=_TimingOut(), max_moves=3, timeout=0.5)
