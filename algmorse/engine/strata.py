"""Support strata: the coordinate subspaces of dead hidden units that the gradient keeps.

For a network whose activation has ``sigma(0) = 0``, zeroing the incoming weights (and bias) and
the outgoing weights of a set of hidden units gives a sub-network; every weight that no longer lies
on a path from an input to an output is zero too. When the gradient components of all zeroed
coordinates vanish identically on that coordinate subspace (checked exactly, term by term), the
critical points of the sub-network are critical points of the network, and at generic parameters
of the family ``grad L(w) + c * w`` every critical point has exactly the support of one such
stratum (``shared/notes/solving-strategy.md``). Each stratum's all-nonzero critical points form
one irreducible family, which monodromy can enumerate (:mod:`algmorse.engine.monodromy`).

The strata are enumerated on a :mod:`networkx` graph of units (nodes) and weights (edges).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Iterator

import networkx as nx

from ..model.network import NetworkProblem, Problem
from ..model.system import PolynomialSystem

__all__ = ["SupportStratum", "network_graph", "support_strata", "is_invariant", "MAX_HIDDEN_UNITS"]

MAX_HIDDEN_UNITS = 14
"""Networks with more hidden units get the full-support stratum only (2^units candidate sets)."""


@dataclass(frozen=True, slots=True)
class SupportStratum:
    """A coordinate subspace that the gradient maps into itself, and the family on it.

    Attributes
    ----------
    support : tuple of int
        Indices of the coordinates that are free (nonzero at a generic point of the stratum);
        all others are zero.
    dead_units : tuple of (int, int)
        ``(layer, unit)`` of the hidden units deleted (1-based), ``()`` for the whole network.
    label : str
        E.g. ``"all units"`` or ``"without units 1.2, 2.1"`` (layer.unit).
    """

    support: tuple[int, ...]
    dead_units: tuple[tuple[int, int], ...]
    label: str


def network_graph(problem: NetworkProblem) -> nx.DiGraph:
    """The network as a directed graph: one node per unit, one edge per weight.

    Nodes are ``(layer, unit)`` with layer 0 the input and units 1-based; a node carries
    ``bias`` (the coordinate index of its bias, or None). Edge ``(layer - 1, j) -> (layer, i)``
    carries ``index``, the coordinate of ``w{layer}_{i}_{j}``.

    Examples
    --------
    >>> from algmorse.model.network import Network, NetworkProblem, Dataset, Regularizer
    >>> problem = NetworkProblem(Network((1, 2, 1), "t"), Dataset(((1,),), ((2,),)),
    ...                          regularizer=Regularizer("l2", "1/10"))
    >>> sorted(network_graph(problem).edges(data="index"))
    [((0, 1), (1, 1), 0), ((0, 1), (1, 2), 1), ((1, 1), (2, 1), 2), ((1, 2), (2, 1), 3)]
    """
    network = problem.network
    index = {name: i for i, name in enumerate(problem.variables)}
    graph = nx.DiGraph()
    for layer, width in enumerate(network.widths):
        for unit in range(1, width + 1):
            bias = index[network.bias_names(layer)[unit - 1]] if network.bias and layer > 0 else None
            graph.add_node((layer, unit), bias=bias)
    for layer in range(1, len(network.widths)):
        for i, row in enumerate(network.weight_names(layer), 1):
            for j, name in enumerate(row, 1):
                graph.add_edge((layer - 1, j), (layer, i), index=index[name])
    return graph


def support_strata(problem: Problem, system: PolynomialSystem) -> tuple[SupportStratum, ...]:
    """Every support stratum of the problem's gradient, the whole space first.

    Parameters
    ----------
    problem : NetworkProblem, FunctionProblem or SystemProblem
    system : PolynomialSystem
        Its exact system; each candidate is kept only if every gradient component of a zeroed
        coordinate vanishes identically on the subspace.

    Returns
    -------
    tuple of SupportStratum
        Distinct supports, by decreasing size; the whole space (no unit deleted) first. A
        function, a network whose activation does not vanish at 0, or one with more than
        :data:`MAX_HIDDEN_UNITS` hidden units has the whole space only. The empty support
        (the origin) is included when the origin is critical.

    Examples
    --------
    >>> from algmorse.model.network import Network, NetworkProblem, Dataset, Regularizer
    >>> from algmorse.model.system import build_system
    >>> problem = NetworkProblem(Network((1, 2, 1), "t"), Dataset(((1,),), ((2,),)),
    ...                          regularizer=Regularizer("generalized-l2", ("1/10", "1/5", "3/10", "2/5")))
    >>> [s.label for s in support_strata(problem, build_system(problem))]
    ['all units', 'without unit 1.1', 'without unit 1.2', 'without units 1.1, 1.2']
    """
    whole = SupportStratum(tuple(range(system.num_variables)), (), "all units")
    if not isinstance(problem, NetworkProblem) or problem.network.is_relu \
            or not problem.network.activation.vanishes_at_zero:
        return (whole,)
    graph = network_graph(problem)
    hidden = [node for node in graph if 0 < node[0] < len(problem.network.widths) - 1]
    if len(hidden) > MAX_HIDDEN_UNITS:
        return (whole,)
    found: dict[tuple[int, ...], SupportStratum] = {}
    for dead in _unit_subsets(hidden):
        support = _live_coordinates(graph, dead, problem.network.bias)
        if support in found or not is_invariant(system, support):
            continue
        found[support] = SupportStratum(support, dead, _label(dead))
    return tuple(sorted(found.values(), key=lambda s: (-len(s.support), s.dead_units)))


def _unit_subsets(hidden: list[tuple[int, int]]) -> Iterator[tuple[tuple[int, int], ...]]:
    """All subsets of the hidden units, smallest first."""
    for size in range(len(hidden) + 1):
        yield from combinations(sorted(hidden), size)


def _live_coordinates(graph: nx.DiGraph, dead: tuple[tuple[int, int], ...], bias: bool) -> tuple[int, ...]:
    """Coordinates of the weights (and biases) still on a path that carries signal to an output."""
    pruned = graph.copy()
    pruned.remove_nodes_from(dead)
    last = max(layer for layer, _ in graph)
    outputs = [node for node in pruned if node[0] == last]
    sources = [node for node in pruned if node[0] == 0 or (bias and node[0] > 0)]
    reach_output = set(outputs).union(*(nx.ancestors(pruned, node) for node in outputs))
    carry_signal = set(sources).union(*(nx.descendants(pruned, node) for node in sources))
    live = reach_output & carry_signal
    kept = {index for u, v, index in pruned.edges(data="index") if u in live and v in live}
    kept |= {pruned.nodes[node]["bias"] for node in live if pruned.nodes[node]["bias"] is not None}
    return tuple(sorted(kept))


def is_invariant(system: PolynomialSystem, support: tuple[int, ...]) -> bool:
    """Whether every gradient component outside ``support`` vanishes identically where the
    coordinates outside ``support`` are zero."""
    zeroed = [k for k in range(system.num_variables) if k not in set(support)]
    for k in zeroed:
        if any(all(exponents[z] == 0 for z in zeroed) for exponents in system.gradient[k].keys()):
            return False
    return True


def _label(dead: tuple[tuple[int, int], ...]) -> str:
    if not dead:
        return "all units"
    units = ", ".join(f"{layer}.{unit}" for layer, unit in dead)
    return f"without unit{'s' if len(dead) > 1 else ''} {units}"
