"""Two-layer ReLU networks, one activation pattern at a time.

A network with widths ``[n0, m, n_out]`` and the rectifier ``s(t) = max(t, 0)`` computes
``f(x) = W2 s(W1 x + b1) + b2``. Hidden neuron ``j`` (input weights ``u_j``, row ``j`` of ``W1``, and
bias ``b_j``) is active on the data points with ``u_j . x_i + b_j > 0``; the set of such points is
its *activation pattern*. The patterns the data allow are the open regions of the central
hyperplane arrangement ``{(u, b) : u . x_i + b = 0}`` (:mod:`algmorse.relu.arrangement`); a network
pattern is one neuron pattern per neuron, and its *cone* is the open set of parameters realising it.

On a cone the loss (``shared/notes/math.md``, seeds 002 and 003) is the polynomial obtained by
replacing ``s(u_j . x_i + b_j)`` by ``u_j . x_i + b_j`` on the active points and by 0 elsewhere, so

* every critical point of the ReLU loss inside a cone is a critical point of that cone's
  polynomial satisfying the pattern's *strict* sign conditions, with the polynomial's Hessian;
* a critical point of the polynomial satisfying the conditions with some equality
  (``u_j . x_i + b_j = 0``) lies on the cone's boundary, where the loss need not be differentiable:
  it is reported as a *boundary point*, never as a critical point;
* a positive-dimensional component of the polynomial's critical set is kept when it has a real
  point strictly inside the cone (its real points from the decomposition are checked, then real
  Newton iterations from random points inside the cone, matched by loss and Hessian rank).

**Dead neurons.** A neuron whose pattern is empty (inactive on every data point) does not enter the
data term. Its parameters are left out of the polynomial solve: without a regularizer the loss is
constant along them and every critical point comes with the whole open region for ``(u_j, b_j)``
and any ``w2_:j``, so it is reported as a component whose dimension includes those
``n0 (+1) + n_out`` free directions; with ``l2``/``generalized-l2`` they must vanish, which puts the
point on the cone's boundary (``u_j = 0``), so it is a boundary point.

**Independent blocks.** The polynomial of a pattern is a sum of polynomials in disjoint sets of
variables (e.g. the neurons active on ``x > 0`` and those active on ``x < 0`` for 1-D data without
bias). Each block is solved once by :func:`algmorse.pipeline.analyze` (and cached, up to renaming of
its variables), and the pattern's critical set is the product of the blocks' critical sets.

**Symmetry.** With no regularizer or standard L2 the loss is invariant under permuting hidden
neurons, and patterns are enumerated up to that permutation (``quotient=True``): each
:class:`PatternResult` then carries the number of ordered patterns in its orbit. Generalized L2
with distinct strengths breaks the symmetry, and every ordered pattern is solved.

**Not covered.** Local minima at points where the loss is not differentiable and which are not
critical points of any pattern polynomial (kinks) are not searched for; ``global_minimum`` is the
least loss over the points found (critical points inside cones and boundary points). For 1-D data
without bias and a (generalized) L2 regularizer the cone boundaries are ``u_j = 0`` only, where the
critical points of the loss restricted to the boundary are exactly the boundary points, so nothing
is missed there.
"""

from __future__ import annotations

import itertools
import time
import zlib
from collections import Counter
from dataclasses import asdict, dataclass, replace
from fractions import Fraction
from math import factorial, prod
from typing import Callable, Iterable, Sequence

import numpy as np

from ..analysis.classify import CriticalPoint, classify_point
from ..analysis.components import hessian_signature
from ..engine.refine import newton, relative_residual
from ..errors import SpecError
from ..model.network import FunctionProblem, NetworkProblem, Regularizer, check_problem
from ..model.options import SolveOptions, Tolerances, check_option_groups
from ..model.system import PolynomialSystem, build_system
from ..pipeline import analyze
from ..results.catalog import Catalog
from .arrangement import Region, arrangement_regions
from .result import PatternResult, ReluAnalysis, ReluComponent, weakest_completeness

__all__ = [
    "PatternLoss",
    "neuron_vectors",
    "neuron_regions",
    "network_patterns",
    "pattern_loss",
    "relu_loss",
    "cone_status",
    "analyze_relu",
    "MAX_PATTERNS",
]

MAX_PATTERNS = 5000
"""Most network patterns :func:`analyze_relu` solves in one call (each is a polynomial solve)."""

SIGN_ATOL = 1e-10
SIGN_RTOL = 1e-9
"""``u . x_i + b`` counts as zero when ``|u . x_i + b| <= SIGN_ATOL + SIGN_RTOL * (sum_k |u_k x_ik| + |b|)``."""

_INSIDE_STARTS = 24
"""Random starting points inside a cone for finding a real point of a component strictly inside."""

BlockSolver = Callable[[FunctionProblem, SolveOptions], Catalog]


# -- patterns -----------------------------------------------------------------------------------

def _check_relu(problem: NetworkProblem) -> None:
    check_problem(problem)
    if not isinstance(problem, NetworkProblem) or not problem.network.is_relu:
        raise SpecError("network.activation", "analyze_relu needs a network with activation = \"relu\".",
                        "Use algmorse.analyze for polynomial activations.")
    if len(problem.network.widths) != 3:
        raise SpecError("network.widths", f"relu networks are supported with one hidden layer (widths [n0, m, n_out]), "
                        f"got {list(problem.network.widths)}.")
    if problem.regularizer.kind not in ("none", "l2", "generalized-l2"):
        raise SpecError("regularizer.kind", f"a relu network takes the regularizers none, l2, generalized-l2, got "
                        f"{problem.regularizer.kind!r}.")


def neuron_vectors(problem: NetworkProblem) -> tuple[tuple[Fraction, ...], ...]:
    """The normals ``v_i`` of the neuron arrangement: ``x_i``, or ``(x_i, 1)`` with biases."""
    extra = (Fraction(1),) if problem.network.bias else ()
    return tuple(tuple(row) + extra for row in problem.data.x)


def neuron_regions(problem: NetworkProblem) -> tuple[Region, ...]:
    """The activation patterns one hidden neuron can have on the data (exact; see :mod:`algmorse.relu.arrangement`).

    Raises
    ------
    SpecError
        If the data are not in general position (``data.x``).

    Examples
    --------
    1-D data without bias: a neuron with ``u > 0`` is active on the positive points, one with
    ``u < 0`` on the negative points.

    >>> from algmorse.model.spec import parse_spec
    >>> problem = parse_spec({"network": {"widths": [1, 2, 1], "activation": "relu"},
    ...                       "data": {"x": [1, 2, -1], "y": [1, 1, 1]}}).problem
    >>> [r.active for r in neuron_regions(problem)]
    [(0, 1), (2,)]
    """
    _check_relu(problem)
    return arrangement_regions(neuron_vectors(problem), field="data.x")


def _permutation_symmetric(problem: NetworkProblem) -> bool:
    reg = problem.regularizer
    return reg.kind in ("none", "l2")


def network_patterns(problem: NetworkProblem, regions: Sequence[Region], *, quotient: bool | None = None
                     ) -> list[tuple[tuple[int, ...], int]]:
    """Network activation patterns: a region index per hidden neuron, with the size of its orbit.

    Parameters
    ----------
    problem : NetworkProblem
    regions : sequence of Region
        From :func:`neuron_regions`.
    quotient : bool, optional
        List patterns up to permutations of the hidden neurons (sorted region indices, each with
        the number of ordered patterns it stands for). Default: when the loss is symmetric
        (no regularizer or standard L2). Refused for generalized L2, which breaks the symmetry.

    Returns
    -------
    list of (tuple of int, int)
    """
    width = problem.network.widths[1]
    symmetric = _permutation_symmetric(problem)
    if quotient is None:
        quotient = symmetric
    if quotient and not symmetric:
        raise SpecError("regularizer.kind", "generalized L2 with distinct strengths is not invariant under permuting "
                        "hidden neurons, so patterns cannot be listed up to permutation.",
                        "Use quotient=False (the default for this regularizer).")
    if quotient:
        out = []
        for combo in itertools.combinations_with_replacement(range(len(regions)), width):
            counts = Counter(combo).values()
            out.append((combo, factorial(width) // prod(factorial(c) for c in counts)))
        return out
    return [(combo, 1) for combo in itertools.product(range(len(regions)), repeat=width)]


# -- the polynomial of a pattern -----------------------------------------------------------------

def _text(q: Fraction) -> str:
    return f"({q.numerator}/{q.denominator})" if q.denominator != 1 else f"({q.numerator})"


@dataclass(frozen=True, slots=True)
class PatternLoss:
    """The loss on one activation cone, as polynomials.

    Attributes
    ----------
    active : tuple of tuple of int
        For each hidden neuron, the (0-based) data points where it is active.
    dead : tuple of int
        Neurons (0-based) active on no data point.
    live_variables : tuple of str
        Parameters the data term depends on, in canonical order.
    constant : Fraction
        The data term of the residuals that involve no parameter (``scale * |y_i|^2`` for points
        where no neuron is active, without output bias).
    blocks : tuple of FunctionProblem
        Variable-disjoint summands; their sum plus ``constant`` is the loss restricted to the
        live variables (each carries the regularizer of its own variables).
    problem : FunctionProblem or None
        The whole pattern loss: in the live variables without a regularizer, in all parameters
        with one (the dead neurons' parameters then enter through the regularizer only); ``None``
        when it has no variable (no regularizer, no live parameter).
    """

    active: tuple[tuple[int, ...], ...]
    dead: tuple[int, ...]
    live_variables: tuple[str, ...]
    constant: Fraction
    blocks: tuple[FunctionProblem, ...]
    problem: FunctionProblem | None


def _restricted(reg: Regularizer, all_variables: Sequence[str], variables: Sequence[str]) -> Regularizer:
    if reg.kind == "generalized-l2":
        index = {name: i for i, name in enumerate(all_variables)}
        return replace(reg, eps=tuple(reg.eps[index[v]] for v in variables))
    return reg


def pattern_loss(problem: NetworkProblem, regions: Sequence[Region], pattern: Sequence[int]) -> PatternLoss:
    """Build the polynomial loss of the cone where neuron ``j`` has region ``pattern[j]``.

    Parameters
    ----------
    problem : NetworkProblem
        A two-layer relu network (generalized-L2 strengths already drawn).
    regions : sequence of Region
        From :func:`neuron_regions`.
    pattern : sequence of int
        One region index per hidden neuron.

    Returns
    -------
    PatternLoss

    Examples
    --------
    >>> from algmorse.model.spec import parse_spec
    >>> problem = parse_spec({"network": {"widths": [1, 2, 1], "activation": "relu"},
    ...                       "data": {"x": [1, -1], "y": [2, 1]}}).problem
    >>> loss = pattern_loss(problem, neuron_regions(problem), (0, 1))
    >>> [b.variables for b in loss.blocks]
    [('w1_1_1', 'w2_1_1'), ('w1_2_1', 'w2_1_2')]
    >>> loss.blocks[0].expression
    '(1/2)*((w2_1_1*((1)*w1_1_1) - (2))^2)'
    """
    network = problem.network
    n0, width, n_out = network.widths
    names = network.parameter_names
    active = tuple(regions[r].active for r in pattern)
    dead = tuple(j for j in range(width) if not active[j])
    w1 = network.weight_names(1)
    w2 = network.weight_names(2)
    b1 = network.bias_names(1)
    b2 = network.bias_names(2)
    residuals: list[tuple[str, set[str]]] = []
    constant = Fraction(0)
    for i, (x, y) in enumerate(zip(problem.data.x, problem.data.y)):
        for o in range(n_out):
            terms, used = [], set()
            for j in range(width):
                if i not in active[j]:
                    continue
                pre = " + ".join(f"{_text(x[k])}*{w1[j][k]}" for k in range(n0))
                used.update(w1[j])
                if b1:
                    pre += f" + {b1[j]}"
                    used.add(b1[j])
                terms.append(f"{w2[o][j]}*({pre})")
                used.add(w2[o][j])
            if b2:
                terms.append(b2[o])
                used.add(b2[o])
            if terms:
                residuals.append((f"({' + '.join(terms)} - {_text(y[o])})^2", used))
            else:
                constant += problem.scale * y[o] ** 2
    groups = _connected(residuals)
    live = tuple(name for name in names if any(name in used for _, used in residuals))
    reg = problem.regularizer
    blocks = []
    for group in groups:
        variables = tuple(name for name in names if name in group)
        body = " + ".join(text for text, used in residuals if used <= group)
        blocks.append(FunctionProblem(variables, f"{_text(problem.scale)}*({body})", _restricted(reg, names, variables)))
    system_variables = names if reg.kind != "none" else live
    whole = None
    if system_variables:
        body = " + ".join(text for text, _ in residuals) or "0"
        whole = FunctionProblem(system_variables, f"{_text(problem.scale)}*({body}) + {_text(constant)}",
                                _restricted(reg, names, system_variables))
    return PatternLoss(active, dead, live, constant, tuple(blocks), whole)


def _connected(residuals: list[tuple[str, set[str]]]) -> list[set[str]]:
    """Variable sets of the connected components of "appear in the same residual"."""
    groups: list[set[str]] = []
    for _, used in residuals:
        merged = set(used)
        rest = []
        for group in groups:
            if group & merged:
                merged |= group
            else:
                rest.append(group)
        groups = rest + [merged]
    return groups


def relu_loss(problem: NetworkProblem, theta: Sequence) -> object:
    """The ReLU loss at ``theta`` (parameters in canonical order), with exact arithmetic for Fractions.

    ``scale * sum_i |W2 max(W1 x_i + b1, 0) + b2 - y_i|^2 + R(theta)``.

    Examples
    --------
    >>> from algmorse.model.spec import parse_spec
    >>> problem = parse_spec({"network": {"widths": [1, 1, 1], "activation": "relu"},
    ...                       "data": {"x": [1, -1], "y": [2, 1]}}).problem
    >>> relu_loss(problem, [Fraction(2), Fraction(1)])   # f(1) = 2, f(-1) = 0
    Fraction(1, 2)
    """
    network = problem.network
    n0, width, n_out = network.widths
    values = dict(zip(network.parameter_names, theta))
    total = 0 * theta[0]
    for x, y in zip(problem.data.x, problem.data.y):
        hidden = []
        for j in range(width):
            pre = sum((values[f"w1_{j + 1}_{k + 1}"] * x[k] for k in range(n0)), 0 * theta[0])
            if network.bias:
                pre = pre + values[f"b1_{j + 1}"]
            hidden.append(pre if pre > 0 else 0 * pre)
        for o in range(n_out):
            out = sum((values[f"w2_{o + 1}_{j + 1}"] * hidden[j] for j in range(width)), 0 * theta[0])
            if network.bias:
                out = out + values[f"b2_{o + 1}"]
            total = total + (out - y[o]) ** 2
    total = total * problem.scale
    reg = problem.regularizer
    if reg.kind == "l2":
        total = total + reg.eps * sum(t * t for t in theta)
    elif reg.kind == "generalized-l2":
        total = total + sum(e * t * t for e, t in zip(reg.eps, theta))
    return total


# -- signs -----------------------------------------------------------------------------------------

def cone_status(problem: NetworkProblem, regions: Sequence[Region], pattern: Sequence[int],
                point: Sequence[float], neurons: Iterable[int] | None = None) -> str:
    """Where a real parameter point lies relative to a cone: ``"inside"``, ``"boundary"`` or ``"outside"``.

    ``"inside"``: every ``u_j . x_i + b_j`` has the pattern's sign strictly; ``"boundary"``: none has
    the wrong sign but some vanish (within ``SIGN_ATOL + SIGN_RTOL * scale``); ``"outside"`` otherwise.

    Parameters
    ----------
    point : sequence of float
        Values of all parameters in canonical order.
    neurons : iterable of int, optional
        Only check these neurons (0-based).
    """
    network = problem.network
    n0, width, _ = network.widths
    values = dict(zip(network.parameter_names, point))
    vectors = neuron_vectors(problem)
    status = "inside"
    for j in (range(width) if neurons is None else neurons):
        weights = [float(values[f"w1_{j + 1}_{k + 1}"]) for k in range(n0)]
        if network.bias:
            weights.append(float(values[f"b1_{j + 1}"]))
        for v, sign in zip(vectors, regions[pattern[j]].signs):
            terms = [w * float(c) for w, c in zip(weights, v)]
            value = sum(terms)
            if abs(value) <= SIGN_ATOL + SIGN_RTOL * sum(abs(t) for t in terms):
                status = "boundary"
            elif (value > 0) != (sign > 0):
                return "outside"
    return status


# -- solving ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Item:
    """A real point or component of one block's critical set, inside or on the boundary of its cone."""

    status: str
    coordinates: tuple[float, ...]
    dimension: int
    degree: int


class _Solver:
    """Solves the blocks of the patterns, caching them up to renaming of variables."""

    def __init__(self, problem, regions, options, tolerances, solver, report):
        self.problem, self.regions, self.options, self.tolerances = problem, regions, options, tolerances
        self.solver, self.report = solver, report
        self.cache: dict[tuple, Catalog] = {}
        self.block_solves = 0
        self.completeness: dict[tuple, str] = {}

    def catalog(self, block: FunctionProblem) -> tuple[Catalog, tuple]:
        key = _canonical_key(block)
        if key not in self.cache:
            seed = int(np.random.SeedSequence([self.options.seed, zlib.crc32(repr(key).encode())]).generate_state(1)[0])
            started = time.perf_counter()
            self.cache[key] = self.solver(block, replace(self.options, seed=seed % (2**31 - 2) + 1))
            self.block_solves += 1
            self.report(f"block in {', '.join(block.variables)}: {len(self.cache[key].critical_points)} isolated points, "
                        f"{len(self.cache[key].components)} components ({time.perf_counter() - started:.1f} s)")
        return self.cache[key], key


def _canonical_key(block: FunctionProblem) -> tuple:
    text = block.expression
    for i, name in sorted(enumerate(block.variables), key=lambda item: -len(item[1])):
        text = text.replace(name, f"#{i}#")
    reg = block.regularizer
    return (text, reg.kind, reg.eps)


def _neurons_of(variables: Sequence[str]) -> set[int]:
    """Hidden neurons (0-based) whose input weights are among ``variables``."""
    out = set()
    for name in variables:
        if name.startswith("w1_") or name.startswith("b1_"):
            out.add(int(name.split("_")[1]) - 1)
    return out


def _embed(names: Sequence[str], partial: dict[str, float]) -> tuple[float, ...]:
    return tuple(float(partial.get(name, 0.0)) for name in names)


def _random_inside(problem, regions, pattern, variables, rng) -> np.ndarray:
    """A random real point of ``variables`` whose neurons lie strictly inside their regions."""
    n0 = problem.network.widths[0]
    values = {name: float(rng.normal()) for name in variables}
    for j in _neurons_of(variables):
        region = regions[pattern[j]]
        rays = np.array([[float(c) for c in ray] for ray in region.rays]) if region.rays else \
            np.array([[float(c) for c in region.interior_point]])
        direction = rng.uniform(0.2, 1.0, size=len(rays)) @ rays
        direction *= np.exp(rng.normal(scale=0.5)) / np.linalg.norm(direction)
        for k in range(n0):
            values[f"w1_{j + 1}_{k + 1}"] = float(direction[k])
        if problem.network.bias:
            values[f"b1_{j + 1}"] = float(direction[n0])
    return np.array([values[name] for name in variables])


def _block_items(solver: _Solver, block: FunctionProblem, pattern, rng) -> list[_Item]:
    """Real points (inside or on the boundary) and components with a real point inside, of one block."""
    problem, regions = solver.problem, solver.regions
    catalog, key = solver.catalog(block)
    solver.completeness[key] = catalog.verdict.completeness
    names = problem.network.parameter_names
    neurons = _neurons_of(block.variables)

    def status(coords) -> str:
        full = _embed(names, dict(zip(block.variables, coords)))
        return cone_status(problem, regions, pattern, full, neurons)

    items = []
    for point in catalog.real():
        coords = tuple(c.real for c in point.coordinates)
        where = status(coords)
        if where != "outside":
            items.append(_Item(where, coords, 0, 1))
    components = [c for c in catalog.components if c.real_points or c.loss is not None and c.loss.imag == 0]
    if not components:
        return items
    numeric = build_system(block).numeric
    candidates = None
    for component in components:
        inside = next((p for p in component.real_points if status(p) == "inside"), None)
        if inside is None:
            if candidates is None:
                candidates = _inside_critical_points(numeric, block, pattern, solver, rng, status)
            inside = next((p for p in candidates if _on_component(numeric, p, component, solver.tolerances)), None)
        if inside is not None:
            items.append(_Item("inside", tuple(float(c) for c in inside), component.dimension, component.degree))
    return items


def _inside_critical_points(numeric, block, pattern, solver, rng, status) -> list[tuple[float, ...]]:
    found = []
    for _ in range(_INSIDE_STARTS):
        start = _random_inside(solver.problem, solver.regions, pattern, block.variables, rng)
        point, converged = newton(numeric, start)
        if converged and np.all(np.isfinite(point)) and status(point) == "inside":
            found.append(tuple(float(c) for c in point))
    return found


def _on_component(numeric, point, component, tolerances: Tolerances) -> bool:
    """Same loss and a Hessian nullity equal to the component's dimension (no membership test is available)."""
    if component.loss is None:
        return False
    value = float(numeric.loss(np.array(point)))
    if abs(value - component.loss.real) > 1e-8 * max(1.0, abs(value)):
        return False
    positive, negative = hessian_signature(numeric, np.array(point), tolerances)
    return numeric.num_variables - positive - negative == component.dimension


def _solve_pattern(solver: _Solver, pattern: tuple[int, ...], orbit_size: int, rng) -> PatternResult:
    started = time.perf_counter()
    problem, regions, tolerances = solver.problem, solver.regions, solver.tolerances
    names = problem.network.parameter_names
    loss = pattern_loss(problem, regions, pattern)
    regularized = problem.regularizer.kind != "none"
    n0, _, n_out = problem.network.widths
    dead_dimension = 0 if regularized else len(loss.dead) * (n0 + int(problem.network.bias) + n_out)
    per_block = [_block_items(solver, block, pattern, rng) for block in loss.blocks]
    keys = [_canonical_key(b) for b in loss.blocks]
    completeness = weakest_completeness([solver.completeness[k] for k in keys])
    system = build_system(loss.problem) if loss.problem is not None else None
    dead_point = _dead_coordinates(problem, regions, pattern, loss.dead) if not regularized else {}
    points, boundary, components = [], [], []
    for combo in itertools.product(*per_block):
        values = {**dead_point}
        for block, item in zip(loss.blocks, combo):
            values.update(zip(block.variables, item.coordinates))
        full = _embed(names, values)
        on_boundary = any(item.status == "boundary" for item in combo) or (regularized and bool(loss.dead))
        dimension = sum(item.dimension for item in combo) + dead_dimension
        if dimension == 0:
            point = _classify(system, loss.problem, full, names, tolerances)
            (boundary if on_boundary else points).append(point)
        elif not on_boundary:
            components.append(_component(system, loss, full, names, combo, dimension, problem, tolerances))
    return PatternResult(
        regions=tuple(pattern),
        active=tuple(tuple(i + 1 for i in a) for a in loss.active),
        orbit_size=orbit_size,
        dead_neurons=tuple(j + 1 for j in loss.dead),
        critical_points=tuple(sorted(points, key=lambda p: (p.loss.real, p.coordinates))),
        boundary_points=tuple(sorted(boundary, key=lambda p: (p.loss.real, p.coordinates))),
        components=tuple(sorted(components, key=lambda c: (-c.dimension, c.loss))),
        completeness=completeness,
        seconds=round(time.perf_counter() - started, 4),
    )


def _dead_coordinates(problem, regions, pattern, dead) -> dict[str, float]:
    """Without a regularizer a dead neuron is free in its region: put it at the region's interior point."""
    n0 = problem.network.widths[0]
    values = {}
    for j in dead:
        point = [float(c) for c in regions[pattern[j]].interior_point]
        for k in range(n0):
            values[f"w1_{j + 1}_{k + 1}"] = point[k]
        if problem.network.bias:
            values[f"b1_{j + 1}"] = point[n0]
    return values


def _system_point(problem: FunctionProblem | None, full, names) -> np.ndarray:
    if problem is None:
        return np.zeros(0)
    index = {name: i for i, name in enumerate(names)}
    return np.array([full[index[v]] for v in problem.variables])


def _classify(system: PolynomialSystem | None, problem, full, names, tolerances) -> CriticalPoint:
    """The pattern polynomial's classification at a point (coordinates: all parameters)."""
    point = _system_point(problem, full, names)
    classified = classify_point(system.numeric, point, is_real=True, residual=relative_residual(system.numeric, point),
                                tolerances=tolerances)
    return replace(classified, coordinates=tuple(complex(c) for c in full))


def _component(system, loss: PatternLoss, full, names, combo, dimension, problem, tolerances) -> ReluComponent:
    point = _system_point(loss.problem, full, names)
    if system is None:  # no variable: the data term is constant on the cone
        value, rank, positive, negative = float(loss.constant), 0, 0, 0
    else:
        value = float(system.numeric.loss(point))
        positive, negative = hessian_signature(system.numeric, point, tolerances)
        rank = positive + negative
    nullity = len(names) - rank
    if nullity != dimension:
        kind = "degenerate"
    elif negative == 0:
        kind = "minima"
    elif positive == 0:
        kind = "maxima"
    else:
        kind = "saddles"
    return ReluComponent(
        dimension=dimension,
        degree=prod(item.degree for item in combo),
        loss=value,
        hessian_rank=rank,
        hessian_nullity=nullity,
        kind=kind,
        point=tuple(float(c) for c in full),
        dead_dimension=dimension - sum(item.dimension for item in combo),
    )


def _default_solver(block: FunctionProblem, options: SolveOptions) -> Catalog:
    return analyze(block, options=options, progress_bar=False)


def analyze_relu(
    problem: NetworkProblem,
    *,
    options: SolveOptions = SolveOptions(),
    tolerances: Tolerances = Tolerances(),
    quotient: bool | None = None,
    patterns: Callable[[tuple[tuple[int, ...], ...]], bool] | None = None,
    solver: BlockSolver | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReluAnalysis:
    """Critical points, boundary points and components of a two-layer ReLU loss, cone by cone.

    Parameters
    ----------
    problem : NetworkProblem
        Widths ``[n0, m, n_out]``, ``activation = relu``, data in general position (see
        :mod:`algmorse.relu.arrangement`), regularizer none, l2 or generalized-l2.
    options : SolveOptions
        Passed to :func:`algmorse.pipeline.analyze` for every block (each with a seed derived from
        ``options.seed`` and the block).
    tolerances : Tolerances
    quotient : bool, optional
        Enumerate patterns up to neuron permutations (default: when the loss is symmetric).
    patterns : callable, optional
        Keep only the patterns for which ``patterns(active_sets)`` is true, where
        ``active_sets[j]`` are the 0-based data indices where neuron ``j`` is active (e.g. to skip
        patterns that cannot hold a global minimum by a hand argument).
    solver : callable, optional
        ``solver(function_problem, options) -> Catalog`` for the blocks (default :func:`analyze`).
    progress : callable, optional
        Receives one line per block solve.

    Returns
    -------
    ReluAnalysis

    Raises
    ------
    SpecError
        If ``problem``, ``options`` or ``tolerances`` is not of the type above, the network is not
        a two-layer relu network, the data are not in general position, or there are more than
        :data:`MAX_PATTERNS` patterns.
    """
    _check_relu(problem)
    check_option_groups(options, tolerances)
    started = time.perf_counter()
    seed = options.seed if options.seed is not None else int(np.random.SeedSequence().generate_state(1)[0]) % (2**31 - 2) + 1
    options = replace(options, seed=seed)
    problem = replace(problem, regularizer=problem.regularizer.resolved(len(problem.variables), seed))
    regions = neuron_regions(problem)
    listed = network_patterns(problem, regions, quotient=quotient)
    if patterns is not None:
        listed = [(p, k) for p, k in listed if patterns(tuple(regions[r].active for r in p))]
    if len(listed) > MAX_PATTERNS:
        raise SpecError("network.widths", f"{len(listed)} activation patterns to solve; at most {MAX_PATTERNS} are "
                        "supported in one call.", "Use fewer hidden neurons or data points, or a `patterns` filter.")
    block_solver = _Solver(problem, regions, options, tolerances, solver or _default_solver, progress or (lambda _: None))
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5E1]))
    results = tuple(_solve_pattern(block_solver, pattern, size, rng) for pattern, size in listed)
    return ReluAnalysis(
        problem=problem,
        variables=problem.network.parameter_names,
        regions=regions,
        patterns=results,
        quotient=bool(quotient if quotient is not None else _permutation_symmetric(problem)),
        provenance={
            "seed": seed,
            "options": {**asdict(options), "tolerances": asdict(tolerances)},
            "block_solves": block_solver.block_solves,
            "patterns_listed": len(listed),
            "seconds": round(time.perf_counter() - started, 4),
        },
    )
