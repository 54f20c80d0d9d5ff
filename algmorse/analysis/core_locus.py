"""The core locus of the multiplicative regularizer, stratum by stratum.

For ``R = eps * prod_k ||W_k||_F^2`` every linear stratum ``Z_S = {W_k = 0 for k in S}`` with
``|S| >= 2`` is a candidate degenerate locus (seed 000, ``shared/notes/math.md`` claim 3: each
factor vanishes to order 2 where its matrix vanishes, so ``R`` vanishes to order ``2|S|`` on
``Z_S``; with no biases and ``s(0) = 0`` every point with two or more zero matrices is critical,
and with three or more the data term's Hessian vanishes too). Nothing here assumes those
statements: for the given network each property is computed exactly from the polynomials,

* ``vanishing_order``: the smallest total degree, in the variables of the zeroed matrices, of a
  term of ``R`` (the order of vanishing of ``R`` at a generic point of ``Z_S``);
* ``critical``: whether the gradient of the regularized loss vanishes identically on ``Z_S``
  (for the given ``eps``), and ``critical_for_every_eps`` (data term and ``R`` separately);
* ``hessian_vanishes``: whether the whole Hessian of the regularized loss vanishes identically
  on ``Z_S``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from ..model.network import NetworkProblem, Problem
from ..model.system import PolynomialSystem

__all__ = ["Stratum", "core_locus"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Stratum:
    """One stratum ``{W_k = 0 for k in zero_matrices}``.

    Attributes
    ----------
    zero_matrices : tuple of int
        Layer indices (1-based) of the weight matrices set to zero.
    dimension : int
        Dimension of the stratum (the number of parameters left free).
    vanishing_order : int
        Order of vanishing of the regularizer at a generic point of the stratum.
    critical : bool
        Every point of the stratum is a critical point of the regularized loss.
    critical_for_every_eps : bool
        ... of ``L + eps R`` for every ``eps`` (both gradients vanish there).
    hessian_vanishes : bool
        The Hessian of the regularized loss vanishes identically on the stratum.
    components : tuple of int
        Indices of catalog components contained in this stratum (and in no smaller one).
    """

    zero_matrices: tuple[int, ...]
    dimension: int
    vanishing_order: int
    critical: bool
    critical_for_every_eps: bool
    hessian_vanishes: bool
    components: tuple[int, ...] = ()


def _restrict(poly, zero: set[int]) -> dict:
    """The terms of ``poly`` that survive setting the variables ``zero`` to 0."""
    return {exps: c for exps, c in poly.items() if all(exps[i] == 0 for i in zero)}


def _order_along(poly, zero: set[int]) -> int:
    return min((sum(exps[i] for i in zero) for exps in poly.keys()), default=0)


def core_locus(problem: Problem, system: PolynomialSystem) -> tuple[Stratum, ...]:
    """The strata where two or more weight matrices vanish, for a multiplicative regularizer.

    Parameters
    ----------
    problem : Problem
        Only a :class:`NetworkProblem` with ``regularizer.kind == "multiplicative"`` has a core
        locus; anything else gives ``()``.
    system : PolynomialSystem
        Its exact system.

    Returns
    -------
    tuple of Stratum
        Ordered by number of zero matrices, then lexicographically.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from algmorse.model.network import Activation, Dataset, Network, Regularizer
    >>> from algmorse.model.system import build_system
    >>> chain = NetworkProblem(Network((1, 1, 1, 1), Activation.from_coefficients([0, 1])),
    ...                        Dataset(((Fraction(1),),), ((Fraction(2),),)), Fraction(1, 2),
    ...                        Regularizer("multiplicative", Fraction(1, 10)))
    >>> [(s.zero_matrices, s.vanishing_order, s.critical, s.hessian_vanishes)
    ...  for s in core_locus(chain, build_system(chain))]
    [((1, 2), 4, True, False), ((1, 3), 4, True, False), ((2, 3), 4, True, False), ((1, 2, 3), 6, True, True)]
    """
    if not isinstance(problem, NetworkProblem) or problem.regularizer.kind != "multiplicative":
        return ()
    network = problem.network
    index = {name: i for i, name in enumerate(system.variables)}
    matrices = {
        k: {index[name] for row in network.weight_names(k) for name in row} for k in range(1, network.depth + 1)
    }
    gens = system.ring.gens
    regularizer = system.ring.one
    for k in matrices:
        regularizer *= sum((gens[i] ** 2 for i in matrices[k]), system.ring.zero)
    strata = []
    for size in range(2, network.depth + 1):
        for layers in combinations(sorted(matrices), size):
            zero = set().union(*(matrices[k] for k in layers))
            critical = all(not _restrict(g, zero) for g in system.gradient)
            reg_critical = all(not _restrict(regularizer.diff(x), zero) for x in gens)
            hessian_zero = all(not _restrict(h, zero) for row in system.hessian for h in row)
            strata.append(Stratum(
                zero_matrices=layers,
                dimension=len(system.variables) - len(zero),
                vanishing_order=_order_along(regularizer, zero),
                critical=critical,
                critical_for_every_eps=critical and reg_critical,
                hessian_vanishes=hessian_zero,
            ))
    return tuple(strata)
