"""The decomposition stage: components of the critical set, and what they mean for the points.

Runs the backend's numerical irreducible decomposition and then

* describes every component (:mod:`algmorse.analysis.components`), with real points confirmed by the
  backend's membership test;
* tests every refined endpoint that is not proven isolated (singular Hessian, open dual space)
  against every component: a member is a sample of that component, not an isolated point;
* rejects reported components whose witness points refine to nondegenerate critical points
  (junk from the cascade: a genuine component has a singular Hessian everywhere), and those
  with a witness point that damped Newton in 512-bit ball arithmetic cannot bring onto the
  critical set (a near-curve: double precision cannot tell it from a curve, 512-bit arithmetic
  can; see :meth:`algmorse.model.precision.BallSystem.stalls_off_the_critical_set`);
* validates the decomposition's dimension-0 output, which is known to contain junk: a
  candidate is kept only if Newton converges on it, it is on no component, and its local dual
  space closes (proof of isolation); otherwise it is dropped and counted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from typing import Sequence

import numpy as np

from ..engine.backends.base import Backend, Decomposition, WitnessSet
from ..engine.refine import PointSet, RefinedPoint, refine_point
from ..model.options import Tolerances
from ..model.system import PolynomialSystem
from .classify import classify_refined
from .components import Component, describe_component, real_point_candidates
from .multiplicity import local_structure

__all__ = ["off_critical_set", "DecompositionOutcome", "decompose"]


@dataclass(slots=True)
class DecompositionOutcome:
    """What the decomposition stage established.

    Attributes
    ----------
    components : list of Component
    on_components : dict
        Index (into the singular samples) of each sample that lies on a component -> component index.
    unexplained : list of RefinedPoint
        Singular samples on no component found: kept as isolated points whose status is open.
    new_isolated : list of RefinedPoint
        Validated isolated points that the blackbox runs had missed.
    dropped_candidates : int
        Dimension-0 candidates rejected as junk.
    dropped_components : int
        Reported components rejected: a witness point refined to a proven-isolated critical
        point (on a genuine positive-dimensional component the Hessian is singular everywhere,
        its tangent directions being in the kernel). Their witness points are kept as candidates.
    seconds : float
    seed : int
    """

    components: list[Component] = field(default_factory=list)
    on_components: dict[int, int] = field(default_factory=dict)
    unexplained: list[RefinedPoint] = field(default_factory=list)
    new_isolated: list[RefinedPoint] = field(default_factory=list)
    dropped_candidates: int = 0
    dropped_components: int = 0
    seconds: float = 0.0
    seed: int = 0


def _members(backend: Backend, witness: WitnessSet, points: list[np.ndarray], seed: int, timeout: float) -> list[bool]:
    if not points:
        return []
    return list(backend.membership(witness, [tuple(complex(c) for c in p) for p in points], seed=seed, timeout=timeout))


def decompose(
    system: PolynomialSystem,
    backend: Backend,
    found: PointSet,
    singular: PointSet,
    *,
    seed: int,
    timeout: float,
    tolerances: Tolerances,
    real_hints: Sequence[np.ndarray] = (),
) -> DecompositionOutcome:
    """Run the decomposition and reconcile it with the points found by the blackbox runs.

    ``real_hints`` are real points known to lie on the critical set off the isolated points
    (e.g. rational points proven exactly to lie on a component); each is tested for membership
    in every component, besides the real points Newton finds.

    Raises
    ------
    BackendError
        If the decomposition or a membership test fails (the caller records it).
    """
    started = time.perf_counter()
    numeric = system.numeric
    n = system.num_variables
    result: Decomposition = backend.decompose(system.sparse_gradient(), n, seed=seed, timeout=timeout)
    outcome = DecompositionOutcome(seed=seed)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xC0]))

    unproven = list(range(len(singular.points)))
    components, stray = _genuine_components(system, result.components, tolerances)
    outcome.dropped_components = len(result.components) - len(components)
    hints = [np.asarray(h, dtype=float) for h in real_hints]
    placed = _place_hints(numeric, backend, components, hints, seed, timeout)
    for index, witness in enumerate(components):
        candidates = real_point_candidates(numeric, witness, rng=rng)
        member = _members(backend, witness, candidates, seed, timeout)
        real_points = ([h for h, where in zip(hints, placed) if where == index]
                       + [p for p, ok in zip(candidates, member) if ok])[:5]
        outcome.components.append(describe_component(numeric, witness, real_points, tolerances))
        still = [i for i in unproven if i not in outcome.on_components]
        on = _members(backend, witness, [singular.points[i].coordinates for i in still], seed, timeout)
        for i, ok in zip(still, on):
            if ok:
                outcome.on_components[i] = index

    for candidate in list(result.isolated_candidates) + stray:
        refined = refine_point(numeric, np.asarray(candidate, dtype=complex), tolerances)
        if refined is None or found.contains(refined.coordinates):
            outcome.dropped_candidates += refined is None
            continue
        on_some = any(any(_members(backend, w, [refined.coordinates], seed, timeout)) for w in components)
        if on_some or not local_structure(numeric, refined.coordinates).isolated:
            outcome.dropped_candidates += 1
            continue
        outcome.new_isolated.append(refined)
    outcome.unexplained = _distinct([p for i, p in enumerate(singular.points) if i not in outcome.on_components],
                                    tolerances)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _place_hints(numeric, backend: Backend, components: list[WitnessSet], hints: list[np.ndarray], seed: int,
                 timeout: float) -> list[int | None]:
    """The component each real hint lies on: by the membership test, or, where that says none
    (a non-reduced component defeats it), the only component whose loss is the hint's."""
    losses = [_witness_loss(numeric, w) for w in components]
    placed: list[int | None] = []
    for hint in hints:
        members = [i for i, w in enumerate(components) if any(_members(backend, w, [hint], seed, timeout))]
        if not members and numeric.symmetric:
            value = float(numeric.loss(hint).real)
            members = [i for i, loss in enumerate(losses)
                       if loss is not None and abs(loss - value) <= 1e-9 * max(1.0, abs(value))]
        placed.append(members[0] if len(members) == 1 else None)
    return placed


def _witness_loss(numeric, witness: WitnessSet) -> complex | None:
    """The loss on a component (constant there), from its first witness point."""
    if not witness.points or not numeric.symmetric:
        return None
    return complex(numeric.loss(np.asarray(witness.points[0], dtype=complex)))


def _genuine_components(
    system: PolynomialSystem, components: tuple[WitnessSet, ...], tolerances: Tolerances
) -> tuple[list[WitnessSet], list[tuple[complex, ...]]]:
    """Split reported components into genuine ones and the witness points of rejected ones."""
    numeric = system.numeric
    genuine, stray = [], []
    for witness in components:
        isolated = False
        for p in witness.points:
            refined = refine_point(numeric, np.asarray(p, dtype=complex), tolerances)
            if refined is not None and classify_refined(numeric, refined, tolerances).nondegenerate:
                isolated = True
                break
        if not isolated and witness.points and off_critical_set(system, np.asarray(witness.points[0], dtype=complex)):
            isolated = True  # not a sample of a critical set: the component is an artefact
        if isolated:
            stray.extend(witness.points)
        else:
            genuine.append(witness)
    return genuine, stray


def off_critical_set(system: PolynomialSystem, point: np.ndarray) -> bool:
    """Whether higher precision shows ``point`` is not near the critical set (a near-curve sample)."""
    scale = float(np.max(system.numeric.scales(np.asarray(point, dtype=complex))[0], initial=0.0))
    return system.balls.stalls_off_the_critical_set(point, scale)


def _distinct(points: list[RefinedPoint], tolerances: Tolerances) -> list[RefinedPoint]:
    kept = PointSet(tolerances)
    for p in points:
        kept.add(p)
    return kept.points
