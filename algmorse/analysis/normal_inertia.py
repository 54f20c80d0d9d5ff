"""The signs of the Hessian across a component, certified at a real point known as balls.

On a component of codimension ``c`` along which the Hessian has rank exactly ``c`` (proven by
the Morse-Bott tests of :mod:`algmorse.engine.morse_bott`), the Hessian at each point has ``n - c``
zero eigenvalues (the tangent directions) and ``c`` nonzero ones, whose signs are constant on each
connected piece of the real part. At a real point ``x*`` of the component held in balls, the
Hessian evaluated in ball arithmetic is a midpoint matrix ``M`` plus a radius matrix ``R`` that
contains ``H(x*)``; by Weyl's inequality each ordered eigenvalue of ``H(x*)`` lies within
``delta = ||R||_F + (rounding of M and of the eigenvalue solver)`` of the corresponding one of
``M``. When exactly ``n - c`` of those intervals contain 0 (they hold the known zeros) and the
others exclude it, the counts of positive and negative eigenvalues of ``H(x*)`` are proven.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..model.precision import working_precision
from ..model.system import PolynomialSystem

__all__ = ["certified_inertia", "loss_enclosure"]

_BITS = 256


def certified_inertia(system: PolynomialSystem, point: Sequence, codimension: int) -> tuple[int, int] | None:
    """``(positive, negative)`` eigenvalue counts of the Hessian at the real point in ``point``
    (``flint.arb`` balls), given that its rank there is exactly ``codimension``; None when the
    balls are too wide to tell."""
    with working_precision(_BITS):
        _, _, hessian = system.balls.evaluate(list(point))
    middle = np.array([[float(h.mid()) for h in row] for row in hessian])
    radius = np.array([[float(h.rad()) for h in row] for row in hessian])
    n = len(middle)
    symmetric = (middle + middle.T) / 2
    values = np.linalg.eigvalsh(symmetric)
    eps = np.finfo(float).eps
    scale = float(np.linalg.norm(symmetric, 2))
    delta = (float(np.linalg.norm(radius, "fro")) + float(np.linalg.norm(middle - middle.T, "fro"))
             + 2 * eps * float(np.linalg.norm(middle, "fro")) + 8 * n * eps * scale + 1e-300)
    straddling = int(np.sum(np.abs(values) <= delta))
    if straddling != n - codimension:
        return None
    return int(np.sum(values > delta)), int(np.sum(values < -delta))


def loss_enclosure(system: PolynomialSystem, point: Sequence) -> tuple[float, float]:
    """An interval of doubles holding the loss at the real point in ``point`` (``arb`` balls)."""
    with working_precision(_BITS):
        loss, _, _ = system.balls.evaluate(list(point))
    middle, radius = float(loss.mid()), float(loss.rad())
    slack = radius + 2 * np.spacing(abs(middle)) + 1e-300
    return middle - slack, middle + slack
