"""Property tests: random specs, Python constructor calls and mutated catalogs either give a result
or an :class:`~algmorse.errors.AlgmorseError`, never another exception, and never run code."""

from __future__ import annotations

import builtins
import contextlib
import json
import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from algmorse import SolveOptions, analyze
from algmorse.engine.backends.fake import FakeBackend
from algmorse.errors import AlgmorseError, CatalogError
from algmorse.model.network import Dataset, FunctionProblem, Network, NetworkProblem, Regularizer
from algmorse.model.spec import parse_spec
from algmorse.results.catalog import Catalog, dumps
from algmorse.results.fields import parse_json
from algmorse.results.library import load_case

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values a hand-edited or hostile file (or a careless script) may put anywhere.
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.integers(10**30, 10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["1/10", "0.25", "1e-3", "-1/0", "t + t^2", "relu", "__import__('os')", "x**2", "1e1000",
                     "l2", "generalized-l2", "multiplicative", "polynomial", "none", "w1_1_1^2"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)

NETWORK_SPEC = {
    "network": {"widths": [1, 2, 1], "activation": "t + t^2", "bias": False},
    "data": {"x": [[1], [2]], "y": [[2], [1]]},
    "loss": {"scale": "1/2"},
    "regularizer": {"kind": "l2", "eps": "1/10"},
    "solve": {"seed": 1, "max_runs": 2},
}
PATHS = [(t, k) for t, table in NETWORK_SPEC.items() for k in table] + [
    ("regularizer", "expression"), ("function", "variables"), ("function", "expression")]


@contextlib.contextmanager
def _no_code_run():
    """Fail if anything calls eval or exec while the block runs (input must never be executed)."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("eval/exec was called on the way")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "eval", refuse)
        patch.setattr(builtins, "exec", refuse)
        yield


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(PATHS), values), min_size=1, max_size=3))
def test_mutated_specs_parse_or_fail_cleanly(mutations):
    spec = json.loads(json.dumps(NETWORK_SPEC))
    for (table, key), value in mutations:
        spec.setdefault(table, {})[key] = value
    with _no_code_run():
        try:
            parse_spec(spec)
        except AlgmorseError:
            pass


@SETTINGS
@given(widths=values, activation=values, x=values, y=values, scale=values, kind=values, eps=values)
def test_python_constructors_give_a_problem_or_a_spec_error(widths, activation, x, y, scale, kind, eps):
    with _no_code_run():
        try:
            problem = NetworkProblem(Network(widths, activation), Dataset(x=x, y=y), scale, Regularizer(kind, eps))
        except AlgmorseError:
            return
    # what was accepted is canonical: exact rationals in tuples, as the spec parser makes them
    assert all(isinstance(v, Fraction) for row in problem.data.x + problem.data.y for v in row)
    assert all(isinstance(w, int) and w >= 1 for w in problem.network.widths)


@SETTINGS
@given(expression=st.one_of(values, st.text(alphabet="xy0123456789+-*/^() .e_", max_size=40)))
def test_function_expressions_parse_or_fail_cleanly(expression):
    with _no_code_run():
        try:
            FunctionProblem(("x", "y"), expression)
        except AlgmorseError:
            pass


@pytest.fixture(scope="module")
def catalog_text() -> str:
    problem = load_case("chain2_l2").spec.problem
    r, c = math.sqrt(9 / 5), math.sqrt(11 / 5)
    points = [(0, 0), (r, r), (-r, -r), (1j * c, -1j * c), (-1j * c, 1j * c)]
    return dumps(analyze(problem, options=SolveOptions(seed=1, proof="none"), backend=FakeBackend([points])))


def _paths(data, prefix=()):
    """Every (path, value) in a JSON document."""
    yield prefix, data
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, prefix + (i,))


@SETTINGS
@given(choice=st.integers(0, 10**6), value=values)
def test_mutated_catalogs_load_or_fail_with_catalog_error(catalog_text, choice, value):
    data = json.loads(catalog_text)
    paths = [p for p, _ in _paths(data) if p]
    path = paths[choice % len(paths)]
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    try:
        raw = json.dumps(data, allow_nan=True).encode()
        loaded = Catalog.from_dict(parse_json(raw, "<mutated>"), source="<mutated>")
    except CatalogError:
        return
    dumps(loaded)  # what loads can be written back (finite, well-formed)


@SETTINGS
@given(raw=st.binary(max_size=200))
def test_random_bytes_are_catalog_errors(raw):
    try:
        Catalog.from_dict(parse_json(raw, "<bytes>"), source="<bytes>")
    except CatalogError:
        pass


def test_a_required_object_set_to_null_is_a_catalog_error(tmp_path):
    # found by the mutation test above: "library_versions": null used to fail deep inside
    from algmorse import load_catalog, write_catalog
    from algmorse.engine.backends.fake import FakeBackend
    from algmorse.errors import CatalogError
    from algmorse.results.library import load_case

    catalog = analyze(load_case("chain2_l2").spec.problem, options=SolveOptions(seed=1, proof="none", decompose="never"),
                      backend=FakeBackend([[(0, 0)]]))
    path = tmp_path / "c.json"
    write_catalog(catalog, path)
    data = json.loads(path.read_text())
    data["provenance"]["library_versions"] = None
    path.write_text(json.dumps(data))
    with pytest.raises(CatalogError, match="library_versions"):
        load_catalog(path)
