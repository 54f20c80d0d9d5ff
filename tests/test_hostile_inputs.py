"""Property tests: random specs, Python constructor calls and mutated catalogs either give a result
or an :class:`~algmorse.errors.AlgmorseError`, never another exception, and never run code; and
inputs known to be valid, drawn alongside the hostile ones, are accepted with the documented
result (fields equal to what was written, the polynomial sympy computes, catalogs written back
byte for byte), so that a parser refusing everything fails these tests."""

from __future__ import annotations

import builtins
import contextlib
import copy
import json
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from algmorse import SolveOptions, analyze
from algmorse.engine.backends.fake import FakeBackend
from algmorse.errors import AlgmorseError, CatalogError
from algmorse.model.expr import parse_polynomial
from algmorse.model.network import Dataset, FunctionProblem, Network, NetworkProblem, Regularizer
from algmorse.model.spec import parse_spec
from algmorse.results.catalog import Catalog, dumps
from algmorse.results.fields import parse_json
from algmorse.results.library import load_case

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
HOSTILE = None
"""The expected result of a hostile value: none (it may be accepted or refused)."""

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


def _spelled(q: Fraction, *, python: bool = False) -> st.SearchStrategy:
    """``(value, q)`` for the ways a spec (or, with ``python``, a script) may write the rational ``q``."""
    forms: list = [f"{q.numerator}/{q.denominator}", q]
    if q.denominator == 1:
        forms += [int(q), str(int(q))]
    if Fraction(repr(float(q))) == q:
        forms.append(float(q))
    if python:
        forms.append(sympy.Rational(q.numerator, q.denominator))
        if q.denominator == 1:
            forms.append(np.int64(int(q)))
    return st.sampled_from(forms).map(lambda value: (value, q))


def _rationals(*, positive: bool = False, python: bool = False) -> st.SearchStrategy:
    low = Fraction(1, 50) if positive else -100
    return st.fractions(min_value=low, max_value=100, max_denominator=50).flatmap(
        lambda q: _spelled(q, python=python))


def _coefficients(python: bool = False) -> st.SearchStrategy:
    """An activation's coefficients ``c0..cd`` (d >= 1, cd != 0) as written, and as Fractions."""
    written = st.lists(_rationals(python=python), min_size=2, max_size=4).filter(lambda cs: cs[-1][1] != 0)
    return written.map(lambda cs: ([v for v, _ in cs], tuple(q for _, q in cs)))


def _rows(count: int, width: int, python: bool = False) -> st.SearchStrategy:
    """``count`` rows of ``width`` rationals as written, and as tuples of Fractions."""
    row = st.lists(_rationals(python=python), min_size=width, max_size=width)
    rows = st.lists(row, min_size=count, max_size=count)
    return rows.map(lambda rs: ([[v for v, _ in r] for r in rs], tuple(tuple(q for _, q in r) for r in rs)))


# For each path, valid values (as written) and what the parsed spec then holds there.
VALID_VALUES = {
    ("network", "widths"): st.integers(1, 3).map(lambda k: ([1, k, 1], (1, k, 1))),
    ("network", "activation"): _coefficients(),
    ("network", "bias"): st.booleans().map(lambda b: (b, b)),
    ("data", "x"): _rows(2, 1),
    ("data", "y"): _rows(2, 1),
    ("loss", "scale"): _rationals(positive=True),
    ("regularizer", "kind"): st.sampled_from(["l2", "multiplicative"]).map(lambda k: (k, k)),
    ("regularizer", "eps"): _rationals(positive=True),
    ("solve", "seed"): st.integers(0, 2**63 - 1).map(lambda n: (n, n)),
    ("solve", "max_runs"): st.integers(1, 10_000).map(lambda n: (n, n)),
}
PARSED = {
    ("network", "widths"): lambda spec: spec.problem.network.widths,
    ("network", "activation"): lambda spec: spec.problem.network.activation.coefficients,
    ("network", "bias"): lambda spec: spec.problem.network.bias,
    ("data", "x"): lambda spec: spec.problem.data.x,
    ("data", "y"): lambda spec: spec.problem.data.y,
    ("loss", "scale"): lambda spec: spec.problem.scale,
    ("regularizer", "kind"): lambda spec: spec.problem.regularizer.kind,
    ("regularizer", "eps"): lambda spec: spec.problem.regularizer.eps,
    ("solve", "seed"): lambda spec: spec.solve.seed,
    ("solve", "max_runs"): lambda spec: spec.solve.max_runs,
}
BASE_PARSED = {("network", "widths"): (1, 2, 1), ("network", "activation"): (0, 1, 1), ("network", "bias"): False,
               ("data", "x"): ((1,), (2,)), ("data", "y"): ((2,), (1,)), ("loss", "scale"): Fraction(1, 2),
               ("regularizer", "kind"): "l2", ("regularizer", "eps"): Fraction(1, 10), ("solve", "seed"): 1,
               ("solve", "max_runs"): 2}
hostile_mutations = st.tuples(st.sampled_from(PATHS), values, st.just(HOSTILE))
valid_mutations = st.sampled_from(sorted(VALID_VALUES)).flatmap(
    lambda path: VALID_VALUES[path].map(lambda pair: (path, *pair)))


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
@given(st.lists(st.one_of(hostile_mutations, valid_mutations), min_size=1, max_size=3))
def test_mutated_specs_parse_or_fail_cleanly(mutations):
    spec = copy.deepcopy(NETWORK_SPEC)
    expected = dict(BASE_PARSED)
    for (table, key), value, parsed in mutations:
        spec.setdefault(table, {})[key] = value
        expected[(table, key)] = parsed
    valid = all(parsed is not HOSTILE for _, _, parsed in mutations)
    with _no_code_run():
        try:
            result = parse_spec(spec)
        except AlgmorseError as error:
            assert not valid, f"a valid spec was refused: {error}"
            return
    if valid:  # a spec still valid after the mutations holds exactly what was written
        assert {path: read(result) for path, read in PARSED.items()} == expected


ARGUMENTS = ("widths", "activation", "x", "y", "scale", "kind", "eps")
hostile_arguments = st.fixed_dictionaries({name: values for name in ARGUMENTS}).map(lambda a: (a, HOSTILE))


@st.composite
def valid_arguments(draw) -> tuple[dict, tuple]:
    """Arguments a script may pass (ints, Fractions, floats, strings, numpy and sympy numbers, lists,
    tuples, arrays), and the canonical problem fields they stand for."""
    n0, hidden, n_out, samples = (draw(st.integers(1, 2)) for _ in range(4))
    widths = [n0, hidden, n_out]
    container = draw(st.sampled_from([list, tuple, np.array]))
    activation, coefficients = draw(_coefficients(python=True))
    x, x_parsed = draw(_rows(samples, n0, python=True))
    y, y_parsed = draw(_rows(samples, n_out, python=True))
    scale, scale_parsed = draw(_rationals(positive=True, python=True))
    kind = draw(st.sampled_from(["none", "l2", "multiplicative"]))
    eps, eps_parsed = (None, None) if kind == "none" else draw(_rationals(positive=True, python=True))
    arguments = dict(widths=container(widths), activation=activation, x=x, y=y, scale=scale, kind=kind, eps=eps)
    return arguments, (tuple(widths), coefficients, x_parsed, y_parsed, scale_parsed, kind, eps_parsed)


@SETTINGS
@given(case=st.one_of(hostile_arguments, valid_arguments()))
def test_python_constructors_give_a_problem_or_a_spec_error(case):
    arguments, expected = case
    widths, activation, x, y, scale, kind, eps = (arguments[name] for name in ARGUMENTS)
    with _no_code_run():
        try:
            problem = NetworkProblem(Network(widths, activation), Dataset(x=x, y=y), scale, Regularizer(kind, eps))
        except AlgmorseError as error:
            assert expected is HOSTILE, f"valid arguments were refused: {error}"
            return
    # what was accepted is canonical: exact rationals in tuples, as the spec parser makes them
    assert all(isinstance(v, Fraction) for row in problem.data.x + problem.data.y for v in row)
    assert all(isinstance(w, int) and w >= 1 for w in problem.network.widths)
    if expected is not HOSTILE:
        network, regularizer = problem.network, problem.regularizer
        assert (network.widths, network.activation.coefficients, problem.data.x, problem.data.y, problem.scale,
                regularizer.kind, regularizer.eps) == expected


X, Y = sympy.symbols("x y")
_leaves = st.one_of(
    st.integers(0, 9).map(lambda n: (str(n), sympy.Integer(n))),
    st.sampled_from([("x", X), ("y", Y)]),
    st.fractions(min_value=-5, max_value=5, max_denominator=9).map(
        lambda q: (f"({q.numerator}/{q.denominator})", sympy.Rational(q.numerator, q.denominator))),
)


def _grow(inner: st.SearchStrategy) -> st.SearchStrategy:
    """Sums, differences, products, negations, powers (``^`` or ``**``) and divisions by integers."""
    pair = st.tuples(inner, inner)
    return st.one_of(
        pair.map(lambda ab: (f"({ab[0][0]} + {ab[1][0]})", ab[0][1] + ab[1][1])),
        pair.map(lambda ab: (f"({ab[0][0]} - {ab[1][0]})", ab[0][1] - ab[1][1])),
        pair.map(lambda ab: (f"{ab[0][0]}*{ab[1][0]}", ab[0][1] * ab[1][1])),
        inner.map(lambda a: (f"-{a[0]}", -a[1])),
        st.tuples(inner, st.integers(0, 3), st.sampled_from(["^", "**"])).map(
            lambda a: (f"({a[0][0]}){a[2]}{a[1]}", a[0][1] ** a[1])),
        st.tuples(inner, st.integers(1, 9)).map(lambda a: (f"({a[0][0]})/{a[1]}", a[0][1] / a[1])),
    )


def _as_polynomial(text_and_expr) -> tuple[str, dict]:
    text, expr = text_and_expr
    poly = sympy.Poly(sympy.expand(expr), X, Y)
    return text, {m: Fraction(int(c.p), int(c.q)) for m, c in poly.as_dict().items()}


polynomials = st.recursive(_leaves, _grow, max_leaves=8).filter(
    lambda te: sympy.Poly(te[1], X, Y).total_degree() <= 40).map(_as_polynomial)


@SETTINGS
@given(case=st.one_of(st.one_of(values, st.text(alphabet="xy0123456789+-*/^() .e_", max_size=40)).map(
    lambda e: (e, HOSTILE)), polynomials))
def test_function_expressions_parse_or_fail_cleanly(case):
    expression, expected = case
    with _no_code_run():
        try:
            problem = FunctionProblem(("x", "y"), expression)
        except AlgmorseError as error:
            assert expected is HOSTILE, f"a valid expression was refused: {error}"
            return
    if expected is not HOSTILE:  # the same polynomial as sympy's
        assert parse_polynomial(problem.expression, ("x", "y"), field="f") == expected


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


def _canonical(data) -> str:
    """The text :func:`dumps` writes for a catalog's JSON data."""
    return json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _load(raw: bytes) -> Catalog:
    return Catalog.from_dict(parse_json(raw, "<catalog>"), source="<catalog>")


finite_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**18, 10**18), st.floats(allow_nan=False, allow_infinity=False),
              st.text(max_size=12)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8)
# Edits a catalog stays valid under: free-form provenance options, and stage times (floats >= 0).
valid_edits = st.one_of(
    st.tuples(st.just(("provenance", "options")), st.text(min_size=1, max_size=8), finite_json),
    st.tuples(st.just(("provenance", "seconds")), st.sampled_from(["build", "solve", "extra"]),
              st.floats(min_value=0, max_value=1e9)),
)


@SETTINGS
@given(choice=st.integers(0, 10**6), value=values, edit=valid_edits)
def test_mutated_catalogs_load_or_fail_with_catalog_error(catalog_text, choice, value, edit):
    data = json.loads(catalog_text)
    paths = [p for p, _ in _paths(data) if p]
    path = paths[choice % len(paths)]
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    try:
        loaded = _load(json.dumps(data, allow_nan=True).encode())
    except CatalogError:
        pass
    else:
        dumps(loaded)  # what loads can be written back (finite, well-formed)
    # a valid edit loads, and is written back byte for byte
    data = json.loads(catalog_text)
    (table, field), key, new = edit
    data[table][field][key] = new
    assert dumps(_load(_canonical(data).encode())) == _canonical(data)


def test_a_written_catalog_loads_and_writes_back_byte_identical(catalog_text, tmp_path):
    from algmorse import load_catalog

    path = tmp_path / "c.json"
    path.write_text(catalog_text)
    assert dumps(load_catalog(path)) == path.read_text()


@SETTINGS
@given(raw=st.binary(max_size=200), indent=st.one_of(st.none(), st.integers(0, 4)), sort_keys=st.booleans(),
       ensure_ascii=st.booleans())
def test_random_bytes_are_catalog_errors(catalog_text, raw, indent, sort_keys, ensure_ascii):
    try:
        _load(raw)
    except CatalogError:
        pass
    # the same catalog in any JSON layout loads to the same catalog
    layout = json.dumps(json.loads(catalog_text), indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    assert dumps(_load(layout.encode())) == catalog_text


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
