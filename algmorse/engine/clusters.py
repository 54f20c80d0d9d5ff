"""Near collisions resolved: certified points from split starts around an unresolved endpoint.

When two (or more) critical points lie closer than double precision can separate, a homotopy
ends its paths at the cluster's midpoint, where the Hessian is nearly singular: Newton stalls
there, the Krawczyk test fails, and the local dual space may even call the midpoint a double
point. It is none of these: the midpoint is not a critical point at all (its gradient is tiny,
not zero). The points are recovered by Newton in ball arithmetic, at a precision that resolves
the separation, from starts split off the midpoint along the Hessian's near-null directions
(and, for a real midpoint, along ``i`` times them, where a complex pair nearly meets the reals),
at distances from ``1e-1`` down to ``1e-33`` of the point's size (for a complex midpoint too:
Newton from a start on one real line through a pair can stay on that line for ever). Every result is certified
(:func:`~algmorse.engine.certify.certify_point`) before it is returned; nothing is taken on trust.
"""

from __future__ import annotations

import numpy as np
from flint import acb

from ..model.numeric import NumericSystem
from ..model.precision import BallSystem, working_precision
from .certify import CertifiedPoint, certify_point, disjoint_boxes

__all__ = ["split_cluster", "SPLIT_EXPONENTS"]

SPLIT_EXPONENTS: tuple[int, ...] = tuple(range(1, 34, 2))
"""Split distances ``10^-k`` (relative to the point's size), largest first."""

_NULL_RATIO = 1e-3
"""Singular values below this fraction of the largest span the near-null directions."""

_MAX_DIRECTIONS = 2


def split_cluster(balls: BallSystem, numeric: NumericSystem, point: np.ndarray, *,
                  real: bool) -> list[CertifiedPoint]:
    """Certified critical points near ``point`` found from split starts (pairwise disjoint boxes).

    Parameters
    ----------
    balls : BallSystem
    numeric : NumericSystem
    point : ndarray
        An endpoint that could not be certified (typically a cluster's midpoint).
    real : bool
        Whether ``point`` is real: the starts along the null directions are then tried in real
        arithmetic; those along ``i`` times them always in complex arithmetic.

    Returns
    -------
    list of CertifiedPoint
        Possibly empty; never two with overlapping boxes.
    """
    point = np.asarray(point, dtype=complex)
    if not np.all(np.isfinite(point)):
        return []
    directions = _null_directions(numeric, point.real if real else point)
    size = max(1.0, float(np.max(np.abs(point), initial=0.0)))
    found: list[CertifiedPoint] = []
    for exponent in SPLIT_EXPONENTS:
        bits = 128 + 8 * exponent  # Newton must see the separation: about 2 exponent digits plus margin
        for direction in directions:
            for turn in (1, -1, 1j, -1j):  # Newton from a start on one real line through a pair may never leave it
                start = _split_start(point, direction, turn * size * 10.0 ** -exponent, bits)
                certified = certify_point(balls, start, real=real and turn in (1, -1),
                                          precisions=(bits, 2 * bits))
                if certified is not None and not _inside_any(found, certified):
                    found.append(certified)
    return found


def _null_directions(numeric: NumericSystem, point: np.ndarray) -> list[np.ndarray]:
    """Right singular vectors of the Hessian for its smallest singular values (at most two), and,
    for two, their sum and difference."""
    hessian = numeric.hessian(point)
    if not np.all(np.isfinite(hessian)):
        return []
    _, sigma, vh = np.linalg.svd(hessian)
    largest = float(sigma[0]) if len(sigma) else 0.0
    chosen = [vh[k].conj() for k in range(len(sigma) - 1, -1, -1)
              if largest == 0.0 or sigma[k] <= _NULL_RATIO * largest][:_MAX_DIRECTIONS]
    if len(chosen) == 2:  # a cluster spread over a plane: its points lie off both axes too
        chosen += [(chosen[0] + chosen[1]) / np.sqrt(2), (chosen[0] - chosen[1]) / np.sqrt(2)]
    return chosen or [vh[-1].conj()]


def _split_start(point: np.ndarray, direction: np.ndarray, offset: complex, bits: int) -> list[acb]:
    """``point + offset * direction`` as balls at ``bits`` (so a tiny offset is not rounded away)."""
    with working_precision(bits):
        shift = acb(offset)
        return [acb(complex(p)) + shift * acb(complex(d)) for p, d in zip(point, direction)]


def _inside_any(found: list[CertifiedPoint], candidate: CertifiedPoint) -> bool:
    """Whether the candidate's box meets one already found (the same zero, found twice)."""
    return any(disjoint_boxes([other, candidate]) for other in found)
