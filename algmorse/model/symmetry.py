"""Discrete symmetries of a loss: signed permutations of the parameters.

A signed permutation ``g`` acts by ``(g a)_i = s_i a_(p(i))``. If ``L(g a) = L(a)`` for all ``a``,
then ``g`` maps critical points to critical points (``g`` is orthogonal), preserving loss
values and Hessian spectra. The network's candidates are the hidden-unit permutations of each
layer and, for odd or even activations, the hidden-unit sign flips
(``shared/notes/solving-strategy.md``, "Discrete symmetry"); for a bare function, every
transposition and single sign flip of the variables, and the flip of all of them. A candidate is kept only if it preserves
the loss exactly (the regularizer may break it: generalized L2 breaks permutations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .network import FunctionProblem, NetworkProblem, Problem

__all__ = ["SignedPermutation", "candidate_symmetries", "orbit"]


@dataclass(frozen=True, slots=True)
class SignedPermutation:
    """The map ``a -> (s_i a_(p(i)))_i``.

    Parameters
    ----------
    source : tuple of int
        ``p``: coordinate ``i`` of the image is taken from coordinate ``source[i]``.
    signs : tuple of int
        ``s_i`` in ``{1, -1}``.
    label : str
        Human-readable description, e.g. ``"swap hidden units 1,2 of layer 1"``.

    Examples
    --------
    >>> g = SignedPermutation((1, 0), (1, -1), "swap")
    >>> g.apply(np.array([1.0, 2.0]))
    array([ 2., -1.])
    """

    source: tuple[int, ...]
    signs: tuple[int, ...]
    label: str = ""

    def apply(self, point: np.ndarray) -> np.ndarray:
        """Image of a point (array of shape ``(n,)`` or ``(m, n)``)."""
        return point[..., list(self.source)] * np.asarray(self.signs)

    def preserves(self, poly) -> bool:
        """Whether ``poly(g a) == poly(a)`` identically (exact check on a sparse ring element).

        The term ``c prod_i a_i^(e_i)`` of ``poly`` becomes ``c prod_i (s_i a_(p(i)))^(e_i)``.
        """
        n = len(self.source)
        image = {}
        for exps, coeff in poly.items():
            new = [0] * n
            sign = 1
            for i in range(n):
                new[self.source[i]] = exps[i]
                if self.signs[i] < 0 and exps[i] % 2:
                    sign = -sign
            image[tuple(new)] = coeff * sign
        return image == dict(poly.items())


def candidate_symmetries(problem: Problem) -> Iterator[SignedPermutation]:
    """Yield the candidate symmetry generators of ``problem`` (to be verified by the caller)."""
    if isinstance(problem, FunctionProblem):
        yield from _function_candidates(len(problem.variables))
    else:
        yield from _network_candidates(problem)


def _function_candidates(n: int) -> Iterator[SignedPermutation]:
    identity = tuple(range(n))
    if n > 1:
        yield SignedPermutation(identity, (-1,) * n, "flip all variables")
    for i in range(n):
        signs = tuple(-1 if k == i else 1 for k in range(n))
        yield SignedPermutation(identity, signs, f"flip variable {i + 1}")
    for i in range(n):
        for j in range(i + 1, n):
            source = list(identity)
            source[i], source[j] = j, i
            yield SignedPermutation(tuple(source), (1,) * n, f"swap variables {i + 1},{j + 1}")


def _unit_coordinates(problem: NetworkProblem, layer: int, unit: int) -> tuple[list[int], list[int]]:
    """Indices of (incoming weights + bias, outgoing weights) of hidden ``unit`` (1-based) of ``layer``."""
    network = problem.network
    index = {name: i for i, name in enumerate(problem.variables)}
    incoming = [index[name] for name in network.weight_names(layer)[unit - 1]]
    if network.bias:
        incoming.append(index[network.bias_names(layer)[unit - 1]])
    outgoing = [index[row[unit - 1]] for row in network.weight_names(layer + 1)]
    return incoming, outgoing


def _network_candidates(problem: NetworkProblem) -> Iterator[SignedPermutation]:
    network = problem.network
    n = len(problem.variables)
    activation = network.activation
    for layer in range(1, network.depth):
        width = network.widths[layer]
        for unit in range(1, width + 1):
            incoming, outgoing = _unit_coordinates(problem, layer, unit)
            if activation.is_odd:
                flipped = set(incoming) | set(outgoing)
            elif activation.is_even:
                flipped = set(incoming)
            else:
                continue
            signs = tuple(-1 if k in flipped else 1 for k in range(n))
            yield SignedPermutation(tuple(range(n)), signs, f"flip hidden unit {unit} of layer {layer}")
        for unit in range(1, width):
            a_in, a_out = _unit_coordinates(problem, layer, unit)
            b_in, b_out = _unit_coordinates(problem, layer, unit + 1)
            source = list(range(n))
            for p, q in zip(a_in + a_out, b_in + b_out):
                source[p], source[q] = q, p
            yield SignedPermutation(tuple(source), (1,) * n, f"swap hidden units {unit},{unit + 1} of layer {layer}")


def orbit(point: np.ndarray, generators: tuple[SignedPermutation, ...], same) -> list[np.ndarray]:
    """All images of ``point`` under the group generated by ``generators``.

    Parameters
    ----------
    point : ndarray
        A point, shape ``(n,)``.
    generators : tuple of SignedPermutation
    same : callable
        ``same(a, b) -> bool``, the tolerance test used to recognise a point already seen.

    Returns
    -------
    list of ndarray
        The orbit, starting with ``point`` itself.
    """
    members = [point]
    frontier = [point]
    while frontier:
        new_frontier = []
        for p in frontier:
            for g in generators:
                image = g.apply(p)
                if not any(same(image, m) for m in members):
                    members.append(image)
                    new_frontier.append(image)
        frontier = new_frontier
    return members
