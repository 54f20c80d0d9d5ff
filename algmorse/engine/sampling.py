"""New points on a positive-dimensional component, by moving its witness set's slices.

A witness set of a ``d``-dimensional component ``Z`` of ``V(F)`` is ``Z ∩ L`` for ``d`` generic
affine hyperplanes ``L``: ``deg Z`` points. A homotopy that moves ``L`` to new hyperplanes
``L'`` carries them to ``Z ∩ L'``, again ``deg Z`` points; this is how HomotopyContinuation.jl's
``sample`` and Bertini's sampler work. Here ``F`` is the gradient (``n`` equations in ``n``
unknowns), which with the slices is overdetermined, so it is first randomized to ``n - d``
equations ``R F`` (``R`` a random complex matrix). For generic ``R`` every ``d``-dimensional
component of ``V(F)`` is still a component of ``V(R F)`` (Bertini's theorem), so the tracked paths
stay on ``Z``.

Every returned point is checked against ``F`` itself, not the randomized system: Gauss-Newton on
``F = 0, L' = 0`` must converge, the gradient must vanish relative to its evaluation scale, and
on a gradient system the loss must equal the component's (it is constant on a component of the
critical set). A move whose endpoints coincide (a path jumped) is dropped whole.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Sequence

import numpy as np

from ..errors import AlgmorseError, BackendCrashed, BackendTimeout
from ..model.options import Tolerances
from ..model.system import PolynomialSystem
from .backends.base import Backend, ComplexPolynomial, Leg, WitnessSet
from .family import random_complex, random_gamma
from .refine import relative_residual, row_scaling

__all__ = ["sample_component"]

_POLISH_ITERATIONS = 12


def sample_component(
    system: PolynomialSystem,
    witness: WitnessSet,
    count: int,
    *,
    backend: Backend,
    seed: int = 0,
    real: bool = False,
    anchors: Sequence[Sequence[float]] = (),
    timeout: float = 60.0,
    max_moves: int | None = None,
) -> np.ndarray:
    """``count`` new points on the component that `witness` represents.

    Parameters
    ----------
    system : PolynomialSystem
        The system the witness set belongs to (for a catalog, ``build_system(catalog.problem)``).
    witness : WitnessSet
        The component's witness set, e.g. ``catalog.components[k].witness``.
    count : int
        How many points to return (at least 1).
    backend : Backend
        The tracker (``get_backend("phcpack")``).
    seed : int
        Fixes the randomization, the slices and the backend's seeds: the same seed gives the
        same points.
    real : bool
        Return real points only: the new slices are real hyperplanes through points near
        `anchors`, and only the real intersections are kept.
    anchors : sequence of sequence of float
        Known real points of the component (``Component.real_points``); required with `real`.
    timeout : float
        Seconds per backend call.
    max_moves : int, optional
        Slice moves before giving up (default ``20 + 10 * ceil(count / degree)``).

    Returns
    -------
    ndarray
        Shape ``(count, n)``: complex, or float with `real`. Coordinates in the order of
        ``system.variables``.

    Raises
    ------
    AlgmorseError
        If the arguments do not fit together (a witness set of another system, ``real``
        without anchors), or if fewer than `count` points passed the checks within
        `max_moves` moves (then nothing is returned: a shortfall is not silent).
    BackendUnavailable
        Without a backend that can track.
    """
    n, d = system.num_variables, witness.dimension
    _check_integer("count", count, 1)
    _check_integer("seed", seed, 0)
    if max_moves is not None:
        _check_integer("max_moves", max_moves, 1)
    if not isinstance(real, bool):
        raise AlgmorseError(f"real: expected True or False, got {real!r}.")
    if not isinstance(timeout, Real) or isinstance(timeout, bool) or not timeout > 0:
        raise AlgmorseError(f"timeout: expected a positive number of seconds, got {timeout!r}.")
    if len(witness.points[0]) != n or any(len(s) != n + 1 for s in witness.slices):
        raise AlgmorseError(f"witness: its points have {len(witness.points[0])} coordinates but the system has "
                            f"{n} variables; pass the system the witness set was computed for.")
    if real and not anchors:
        raise AlgmorseError("anchors: real samples need a known real point of the component (its real_points); "
                            "this component has none, so ask for complex samples (real=False).")
    rng = np.random.default_rng(seed)
    randomized = _randomize(system, n - d, rng)
    start = randomized + [_slice_polynomial(s, n) for s in witness.slices]
    reference = system.numeric.loss(np.asarray(witness.points[0], dtype=complex)) if system.is_gradient else None
    moves = max_moves if max_moves is not None else 20 + 10 * math.ceil(count / len(witness.points))
    found: list[np.ndarray] = []
    lost = 0  # moves whose backend call timed out or crashed
    for _ in range(moves):
        slices = _real_slices(anchors, d, n, rng) if real else random_complex(rng, d * (n + 1)).reshape(d, n + 1)
        leg = Leg(start, randomized + [_slice_polynomial(s, n) for s in slices], random_gamma(rng))
        try:
            tracked = backend.track([leg], witness.points, n, seed=int(rng.integers(1, 2**31 - 1)), timeout=timeout)
        except (BackendCrashed, BackendTimeout):
            lost += 1
            continue
        points = [_polish(system, end.coordinates, slices) for end in tracked.endpoints
                  if end is not None and end.t is not None and end.t >= 1.0 - 1e-9]
        points = [p for p in points if p is not None and _on_component(system, p, reference)]
        if _has_coincident(points):
            continue
        if real:
            points = [p.real for p in points if np.max(np.abs(p.imag)) <= 1e-8 * max(1.0, np.max(np.abs(p)))]
        found.extend(points)
        if len(found) >= count:
            return np.array(found[:count])
    if lost:
        hint = f"{lost} of them ended in a backend timeout or crash: raise timeout (now {timeout} s)"
    elif real:
        hint = "real slices near the anchors may miss the real part: raise max_moves or give closer anchors"
    else:
        hint = "the endpoints failed the checks: raise max_moves, or check the witness set belongs to this system"
    raise AlgmorseError(f"sampling: {len(found)} of {count} points passed the checks after {moves} slice moves; "
                        f"{hint}.")


def _check_integer(name: str, value: object, least: int) -> None:
    if not isinstance(value, Integral) or isinstance(value, bool) or value < least:
        raise AlgmorseError(f"{name}: expected an integer of at least {least}, got {value!r}.")


def _randomize(system: PolynomialSystem, rows: int, rng: np.random.Generator) -> list[ComplexPolynomial]:
    """``rows`` random complex combinations of the system's equations."""
    matrix = random_complex(rng, rows * system.num_variables).reshape(rows, system.num_variables)
    equations = system.sparse_gradient()
    combined = []
    for weights in matrix:
        poly: dict[tuple[int, ...], complex] = {}
        for weight, equation in zip(weights, equations):
            for exps, c in equation.items():
                poly[exps] = poly.get(exps, 0j) + complex(weight) * float(c)
        combined.append(poly)
    return combined


def _slice_polynomial(coefficients: Sequence[complex], n: int) -> ComplexPolynomial:
    """``c0 + c1 x1 + ... + cn xn`` as a sparse polynomial."""
    poly = {(0,) * n: complex(coefficients[0])}
    for k in range(n):
        poly[tuple(int(j == k) for j in range(n))] = complex(coefficients[k + 1])
    return poly


def _real_slices(anchors: Sequence[Sequence[float]], d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """``d`` real random hyperplanes through one point near a random anchor."""
    anchor = np.asarray(anchors[rng.integers(len(anchors))], dtype=float)
    centre = anchor + 0.25 * max(1.0, float(np.linalg.norm(anchor))) / math.sqrt(n) * rng.normal(size=n)
    normals = rng.normal(size=(d, n))
    return np.column_stack([-(normals @ centre), normals]).astype(complex)


def _polish(system: PolynomialSystem, start: Sequence[complex], slices: np.ndarray) -> np.ndarray | None:
    """Gauss-Newton on ``grad = 0, slices = 0`` (overdetermined); ``None`` unless it converges."""
    point = np.asarray(start, dtype=complex)
    numeric = system.numeric
    size = np.inf
    for _ in range(_POLISH_ITERATIONS):
        if not np.all(np.isfinite(point)):
            return None
        gradient, jacobian = numeric.gradient_and_hessian(point)
        scaling = row_scaling(numeric, point)
        rows = np.concatenate([scaling * gradient, slices[:, 0] + slices[:, 1:] @ point])
        matrix = np.vstack([scaling[:, None] * jacobian, slices[:, 1:]])
        step = np.linalg.lstsq(matrix, rows, rcond=None)[0]
        point = point - step
        size = float(np.max(np.abs(step)))
        if size <= 1e-13 * max(1.0, float(np.max(np.abs(point)))):
            return point
    return point if size <= 1e-10 * max(1.0, float(np.max(np.abs(point)))) else None


def _on_component(system: PolynomialSystem, point: np.ndarray, reference: complex | None) -> bool:
    if relative_residual(system.numeric, point) > Tolerances().residual_rtol:
        return False
    if reference is None:
        return True
    loss = system.numeric.loss(point)
    return abs(loss - reference) <= 1e-8 * max(1.0, abs(reference), abs(loss))


def _has_coincident(points: list[np.ndarray]) -> bool:
    for i, p in enumerate(points):
        for q in points[:i]:
            if np.max(np.abs(p - q)) <= 1e-8 * max(1.0, float(np.max(np.abs(p)))):
                return True
    return False
