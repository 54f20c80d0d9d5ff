"""Where both decompositions ran, do they agree? The exact one against PHCpack's numerical one.

The exact decomposition decides; the numerical irreducible decomposition (witness sets,
monodromy, trace test) is run beside it on request (``decompose="always"``) as an independent
check, and any difference is said in the catalog, never silently dropped. What is compared is
what both can say reliably:

* the total degree of the components of each dimension (a component split in two, a missing
  or extra one, a wrong degree, all change it), and
* the loss values they carry, weighted by degree (to 1e-6 relative), where both give them.

The numbers of components are not compared: over QQ a prime whose split over CC was not
computed in time is reported as one part per loss value, which may be several components.
"""

from __future__ import annotations

from typing import Sequence

from .components import Component

__all__ = ["decomposition_differences"]

_TOLERANCE = 1e-6


def decomposition_differences(exact: Sequence[Component], numerical: Sequence[Component]) -> list[str]:
    """What differs between the exact components and the numerical ones (empty: they agree).

    Examples
    --------
    >>> from algmorse.analysis.components import Component
    >>> conic = Component(dimension=1, degree=2, witness_points=(), real_points=(), loss=1 + 0j, hessian_rank=1,
    ...                   kind="minima", description="a conic")
    >>> decomposition_differences([conic], [conic])
    []
    >>> decomposition_differences([conic], [])
    ['dimension 1: total degree 2 (exact), 0 (numerical)']
    """
    differences = []
    for dimension in sorted({c.dimension for c in (*exact, *numerical)}, reverse=True):
        ours = [c for c in exact if c.dimension == dimension]
        theirs = [c for c in numerical if c.dimension == dimension]
        degrees = sum(c.degree for c in ours), sum(c.degree for c in theirs)
        if degrees[0] != degrees[1]:
            differences.append(f"dimension {dimension}: total degree {degrees[0]} (exact), {degrees[1]} (numerical)")
            continue
        if all(c.loss is not None for c in (*ours, *theirs)) and not _same_losses(ours, theirs):
            differences.append(f"dimension {dimension}: loss values (with degree) {_text(ours)} (exact), "
                               f"{_text(theirs)} (numerical)")
    return differences


def _same_losses(ours: Sequence[Component], theirs: Sequence[Component]) -> bool:
    """Whether the losses, each repeated by its component's degree, pair up within 1e-6 relative."""
    left = [complex(c.loss) for c in ours for _ in range(c.degree)]
    right = [complex(c.loss) for c in theirs for _ in range(c.degree)]
    for value in left:
        match = next((k for k, other in enumerate(right)
                      if abs(value - other) <= _TOLERANCE * max(1.0, abs(value))), None)
        if match is None:
            return False
        right.pop(match)
    return not right


def _text(components: Sequence[Component]) -> str:
    return ", ".join(f"{complex(c.loss):.6g} x{c.degree}" for c in components)
