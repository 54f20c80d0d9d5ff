"""The critical set from its exact decomposition: components sliced exactly, isolated points solved exactly.

When the critical set is positive-dimensional, homotopy continuation spends most of its time
tracking paths that end on the components, and the numerical decomposition then rebuilds what
exact algebra gives in seconds (:mod:`algmorse.engine.exact_components`). From the minimal
primes over QQ this stage produces, without any path tracking:

* the isolated critical points: every point of every zero-dimensional prime, from msolve's
  rational parametrization (:func:`algmorse.engine.exact.exact_points`), for the caller to
  refine and certify;
* the components over CC of every positive-dimensional prime: its witness points are the points
  of the prime cut by ``dimension`` random rational hyperplanes (solved the same exact way;
  their number must equal the prime's degree, else other hyperplanes are drawn), split among
  its conjugate components (``absPrimdecGTZ``, time-boxed; failing that, by loss value); the
  loss (exact when the prime's loss polynomial is linear) and generic Hessian rank come from
  them;
* whether each has real points, proven either way where the nearest-point test of
  :mod:`algmorse.engine.real_components` finishes (``Component.real``), with the nearest real
  points as samples; when the test leaves it open, real points from real Newton iterations on the
  gradient, kept when every generator of the prime vanishes there to working precision.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Sequence

import numpy as np

from ..engine import processes
from ..engine.backends.base import WitnessSet
from ..engine.exact import exact_points, is_proven_real
from ..engine.exact_components import ExactDecomposition, PrimeComponent, conjugate_components
from ..engine.morse_bott import MorseBottTest
from ..engine.real_components import RealPoints, real_points_of
from ..errors import BackendError
from ..model.expr import format_polynomial, format_rational
from ..model.options import Tolerances
from ..model.precision import working_precision
from ..model.system import PolynomialSystem
from .components import Component, describe_component, real_point_candidates
from .normal_inertia import certified_inertia, loss_enclosure
from .verdict import ComponentEvidence, MorseBottEvidence

__all__ = ["ExactCriticalSet", "exact_critical_set", "component_evidence"]

_SLICE_TRIES = 3
_OPTIONAL_FLOOR = 1.5  # seconds: the time box of the conjugates and the nearest-point test is this,
_OPTIONAL_FACTOR = 2.0  # or this many times the decomposition's time when that is more
_LOSS_BITS = 256
_Piece = tuple[Component, list, 'tuple[float, float] | None']  # a component, its proven real balls, its loss


@dataclass(frozen=True, slots=True)
class ExactCriticalSet:
    """Starts of the isolated points, the components, and what could not be sliced.

    Attributes
    ----------
    isolated_starts : list of ndarray
        Every point of the zero-dimensional primes (complex, to double precision from balls of
        256 bits), for the caller to refine and certify.
    isolated_count : int
        Their number (the sum of the zero-dimensional primes' degrees): the exact number of
        distinct isolated critical points.
    components : list of Component
    unsliced : int
        Positive-dimensional primes for which no hyperplanes gave the degree's number of points
        (they are reported by dimension and degree only, in the notes).
    primes : tuple of PrimeComponent
        The decomposition it came from.
    samples : list of (int, list, (float, float) or None)
        For each component: the position (from 1) of its prime in ``primes``, its proven real
        points as ``arb`` balls (one on each connected piece of its real part met), and an
        interval holding the real part of the loss on it (enclosed at a witness point).
    morse_bott : MorseBottEvidence or None
        The exact Morse-Bott tests on those primes, once run (by the caller).
    landscape : tuple of ComponentEvidence or None
        What is proven of each component for the landscape verdicts, once the Morse-Bott tests
        tell where the Hessian's rank is known (see :func:`component_evidence`).
    """

    isolated_starts: list[np.ndarray]
    isolated_count: int
    components: list[Component]
    unsliced: int
    primes: tuple[PrimeComponent, ...]
    samples: list[tuple[int, list, tuple[float, float] | None]]
    morse_bott: MorseBottEvidence | None = None
    landscape: tuple[ComponentEvidence, ...] | None = None


def exact_critical_set(system: PolynomialSystem, decomposition: ExactDecomposition, tolerances: Tolerances, *,
                       seed: int, timeout: float, loss_lower_bound: float | None = None) -> ExactCriticalSet:
    """Points and components of the critical set from its minimal primes (see the module).

    ``loss_lower_bound``, when the loss is known to be at least that on real points, proves a
    component whose loss is below it to have no real point.

    Raises
    ------
    BackendError
        If msolve cannot solve a zero-dimensional prime (the caller then falls back to homotopy
        continuation).
    """
    n = system.num_variables
    box = min(timeout, max(_OPTIONAL_FLOOR, _OPTIONAL_FACTOR * decomposition.seconds))
    positive = [(position, prime) for position, prime in enumerate(decomposition.components, 1) if prime.dimension]
    primes = [prime for _, prime in positive]
    streams = np.random.SeedSequence(seed).spawn(len(positive) + 2)  # each prime's slices: any order
    cheap_first = sorted(range(len(primes)), key=lambda k: (primes[k].degree, len(primes[k].generators)))
    tasks = [functools.partial(exact_points, prime.generators, n, timeout=timeout) for prime in decomposition.isolated]
    tasks += [functools.partial(_witness_set, prime, n, np.random.default_rng(stream), timeout)
              for prime, stream in zip(primes, streams)]
    tasks.append(functools.partial(_conjugates_within, [primes[k] for k in cheap_first], n, box))
    tasks.append(functools.partial(_real_points, [primes[k] for k in cheap_first], n,
                                   np.random.default_rng(streams[-2]), box))
    results = processes.thread_map(lambda task: task(), tasks, workers=processes.SOLVER_THREADS)
    isolated, slices = results[:len(decomposition.isolated)], results[len(decomposition.isolated):-2]
    absolute, proofs = [None] * len(primes), [None] * len(primes)
    for k, with_conjugates, proven in zip(cheap_first, results[-2], results[-1]):
        absolute[k], proofs[k] = with_conjugates, proven
    starts = [np.array([complex(z) for z in point], dtype=complex) for points in isolated for point in points]
    newton = np.random.default_rng(streams[-1])
    components, samples, unsliced = [], [], 0
    for (position, _), sliced, prime, proven in zip(positive, slices, absolute, proofs):
        if sliced is None:
            unsliced += 1
            continue
        for component, balls, loss in _components_of(system, prime, sliced, proven, tolerances, newton,
                                                     loss_lower_bound, box):
            components.append(component)
            samples.append((position, balls, loss))
    return ExactCriticalSet(starts, sum(p.degree for p in decomposition.isolated), components, unsliced,
                            decomposition.components, samples)


def component_evidence(system: PolynomialSystem, found: ExactCriticalSet,
                       test: MorseBottTest | None) -> tuple[ComponentEvidence, ...]:
    """What is proven of each component for the landscape: real or not, and, where the Hessian's
    rank is proven to be the codimension (no ``degenerate`` obstruction on its prime), the
    certified normal index at each proven real sample and the loss enclosed there."""
    degenerate = None if test is None else {o.primes[0] for o in test.obstructions if o.kind == "degenerate"}
    evidence = []
    for component, (position, balls, piece_loss) in zip(found.components, found.samples):
        codimension = system.num_variables - component.dimension
        indices = loss = None
        if component.real:  # a real loss: the real part's interval holds it
            loss = _exact_enclosure(found.primes[position - 1]) or piece_loss or \
                (loss_enclosure(system, balls[0]) if balls else None)
        if component.real and balls:
            if degenerate is not None and position not in degenerate:
                inertia = [certified_inertia(system, ball, codimension) for ball in balls]
                indices = None if any(i is None for i in inertia) else tuple(negative for _, negative in inertia)
        evidence.append(ComponentEvidence(real=component.real, indices=indices, loss=loss,
                                          exact_loss=found.primes[position - 1].rational_loss))
    return tuple(evidence)


def _texts(prime: PrimeComponent, variables: Sequence[str]) -> tuple[str, ...]:
    return tuple(format_polynomial(g, variables) for g in prime.generators)


def _exact_enclosure(prime: PrimeComponent) -> tuple[float, float] | None:
    """The loss on the prime as a tight interval when it is rational (a linear loss polynomial)."""
    value = prime.rational_loss
    if value is None:
        return None
    nearest = float(value)
    if Fraction(nearest) == value:
        return nearest, nearest
    return nearest - 2 * math.ulp(nearest), nearest + 2 * math.ulp(nearest)


def _components_of(system: PolynomialSystem, prime: PrimeComponent, sliced: tuple[WitnessSet, list],
                   proven: RealPoints, tolerances: Tolerances, rng: np.random.Generator,
                   lower_bound: float | None, timeout: float) -> list[_Piece]:
    """The components over CC of one positive-dimensional prime (with its conjugates, when they were
    computed), with their real points (and the proven ones among them as balls).

    Each is decided real or not by the cheapest proof that applies: a witness point that is real
    (a real point on it); a loss that is not real, or below ``lower_bound`` (no real point); the
    nearest-point test on the whole prime (``proven``: it gives a point on each connected piece of
    the real part, which the landscape verdicts need); failing those, a real point found near it by
    Newton's method, made exact by slicing the prime through it (:func:`_real_through`).
    """
    witness, witness_balls = sliced
    ball_of = {id(point): ball for point, ball in zip(witness.points, witness_balls)}
    real_witnesses = [np.array([float(z.real.mid()) for z in ball]) for ball in witness_balls if is_proven_real(ball)]
    pieces, remark = _pieces(system, prime, witness, real_witnesses)
    verdicts = [_cheap_realness(system, [ball_of[id(p)] for p in piece.points], lower_bound) for piece, _ in pieces]
    real = list(proven.points) + real_witnesses
    if proven.real is None:  # undecided: real Newton may still find (unproven) real points on it
        real += [p for p in real_point_candidates(system.numeric, witness, rng=rng) if _on_prime(prime.generators, p)]
    pieces, _ = _pieces(system, prime, witness, real)
    whole = len(pieces) == 1
    components = []
    for (piece, piece_real), verdict in zip(pieces, verdicts):
        met = any(_same(p, q) for p in piece_real for q in proven.points)
        if verdict is not None and (verdict[0] or not met):
            status, note = verdict
        elif verdict is not None:  # two proofs disagree: claim nothing
            status, note = None, ""
        elif proven.real is False:
            status, note = False, "no point nearest to a random point is real"
        elif proven.real and (whole or met):
            status, note = True, ""
        elif piece_real and _real_through(prime, piece_real[0], rng, timeout):
            status, note = True, ""
        else:
            status, note = None, ""
        component = describe_component(system.numeric, piece, piece_real if status is not False else [], tolerances,
                                       exact_loss=_exact_loss(prime), remark=remark)
        if status is False:
            component = replace(component, description=component.description.replace(
                ", no real point found", f", no real point (proven: {note})"))
        balls = [ball for point, ball in zip(proven.points, proven.balls) if any(point is q for q in piece_real)]
        components.append((replace(component, witness=None, real=status, prime=_texts(prime, system.variables),
                                   loss_polynomial=tuple(format_rational(c) for c in prime.loss_polynomial or ())),
                           balls, _real_interval(_loss_ball(system, [ball_of[id(p)] for p in piece.points]))))
        # no embedded system: the generators test membership
    return components


def _real_through(prime: PrimeComponent, point: np.ndarray, rng: np.random.Generator, timeout: float) -> bool:
    """Whether the prime has a real point next to ``point`` (a real point near it, from Newton's
    method), proven: cut by ``dimension`` hyperplanes with random integer normals through a
    rational point within about 1e-12 of ``point``, the prime leaves finitely many points, and one
    of them is real (exactly, :func:`~algmorse.engine.exact.is_proven_real`) and within 1e-6 of it."""
    n = len(point)
    offsets = [Fraction(float(v)).limit_denominator(10**12) for v in point]
    slices = []
    for _ in range(prime.dimension):
        normal = [int(c) for c in rng.integers(-9, 10, size=n)]
        slices.append([-sum(c * v for c, v in zip(normal, offsets))] + normal)
    try:
        found = exact_points(list(prime.generators) + [_affine(c, n) for c in slices], n, timeout=timeout)
    except BackendError:
        return False
    scale = max(1.0, float(np.max(np.abs(point))))
    return any(is_proven_real(q) and max(abs(float(z.real.mid()) - v) for z, v in zip(q, point)) <= 1e-6 * scale
               for q in found)


def _pieces(system: PolynomialSystem, prime: PrimeComponent, witness: WitnessSet,
            real: list[np.ndarray]) -> tuple[list[tuple[WitnessSet, list[np.ndarray]]], str]:
    """The prime's conjugate components over CC (or its parts by loss value, or the prime whole),
    each with its witness points and the points of ``real`` on it, and the remark they carry."""
    pieces = _conjugates(prime, witness, real)
    if pieces is not None:
        return pieces, _loss_values(prime)
    if prime.conjugates is None and prime.degree > 1 and (pieces := _by_loss(system, prime, witness, real)):
        return pieces, ("; the part with this loss of a set irreducible over QQ, whose split over the complex "
                        "numbers was not computed in time (absPrimdecGTZ)")
    if prime.conjugates is None and prime.degree > 1:
        remark = "; irreducible over QQ, not known to be over the complex numbers (absPrimdecGTZ timed out)"
    else:
        remark = "" if prime.conjugates in (None, 1) else \
            f"; {prime.conjugates} conjugate components over the complex numbers, not separated"
    return [(witness, real)], remark


def _cheap_realness(system: PolynomialSystem, balls: list, lower_bound: float | None) -> tuple[bool, str] | None:
    """Whether a component has a real point, when its witness points prove it: one of them is real
    (True), or the loss there (constant on the component, enclosed in ball arithmetic) is not
    real or is below ``lower_bound`` (False, with the reason); None when they do not tell."""
    if any(is_proven_real(ball) for ball in balls):
        return True, ""
    loss = _loss_ball(system, balls)
    if loss is None:
        return None
    if not loss.imag.contains(0):
        return False, f"its loss {_complex_text(loss)} is not real"
    if lower_bound is not None and loss.real < lower_bound:
        return False, f"its loss {float(loss.real.mid()):.6g} is below {lower_bound:g}, the least loss at a real point"
    return None


def _loss_ball(system: PolynomialSystem, balls: list):
    """The loss at the first of ``balls`` (witness points of one component, on which it is
    constant) as an ``acb`` ball; None without a point or a loss (a square system)."""
    if not balls or not system.is_gradient:
        return None
    with working_precision(_LOSS_BITS):
        loss, _, _ = system.balls.evaluate(balls[0])
    return loss


def _real_interval(value) -> tuple[float, float] | None:
    """Doubles enclosing the real part of an ``acb`` ball (None for None)."""
    if value is None:
        return None
    middle, radius = float(value.real.mid()), float(value.real.rad())
    slack = radius + 2 * math.ulp(middle) + 1e-300
    return middle - slack, middle + slack


def _complex_text(value) -> str:
    """``a+bi`` (as the components' descriptions write complex losses), from an ``acb`` ball's midpoint."""
    return f"{float(value.real.mid()):.6g}{float(value.imag.mid()):+.6g}i"


def _conjugates_within(primes: list[PrimeComponent], n: int, timeout: float) -> list[PrimeComponent]:
    """The primes with their conjugate components over CC where ``absPrimdecGTZ`` finishes in time;
    the others as they are (``conjugates`` None: reported whole, or by loss value, saying so)."""
    try:
        return conjugate_components(primes, n, timeout=timeout)
    except BackendError:
        return primes


def _real_points(primes: list[PrimeComponent], n: int, rng: np.random.Generator, timeout: float) -> list[RealPoints]:
    """The nearest-point test from a random rational point, and from a second one for the primes
    the first leaves open (a positive-dimensional set of candidates)."""
    def draw() -> list[Fraction]:
        return [Fraction(int(k), 7) for k in rng.integers(-20, 21, size=n)]

    try:
        found = real_points_of(primes, n, points=[draw() for _ in primes], timeout=timeout)
        again = [k for k, f in enumerate(found) if f.infinite]
        if again:
            for k, f in zip(again, real_points_of([primes[k] for k in again], n, points=[draw() for _ in again],
                                                  timeout=timeout)):
                found[k] = f
    except BackendError:
        return [RealPoints(None, []) for _ in primes]
    return found


def _same(p: np.ndarray, q: np.ndarray) -> bool:
    return bool(np.max(np.abs(np.asarray(p) - np.asarray(q))) <= 1e-9 * max(1.0, float(np.max(np.abs(q)))))


def _witness_set(prime: PrimeComponent, n: int, rng: np.random.Generator,
                 timeout: float) -> tuple[WitnessSet, list] | None:
    """The prime cut by ``dimension`` random rational hyperplanes, if the cut has ``degree`` points,
    with those points as ``acb`` balls (256 bits; a real one has imaginary parts exactly zero)."""
    for _ in range(_SLICE_TRIES):
        slices = [tuple(int(c) for c in rng.integers(-9, 10, size=n + 1)) for _ in range(prime.dimension)]
        equations = list(prime.generators) + [_affine(c, n) for c in slices]
        try:
            points = exact_points(equations, n, timeout=timeout)
        except BackendError:
            continue
        if len(points) == prime.degree:
            return WitnessSet(dimension=prime.dimension,
                              points=tuple(tuple(complex(z) for z in p) for p in points),
                              slices=tuple(tuple(complex(c) for c in s) for s in slices),
                              embedded_system=(), trace_error=None), points
    return None


def _affine(coefficients: Sequence[int | Fraction], n: int) -> dict[tuple[int, ...], Fraction]:
    """``c0 + c1 x1 + ... + cn xn`` as a sparse polynomial."""
    polynomial = {(0,) * n: Fraction(coefficients[0])}
    for i in range(n):
        polynomial[tuple(int(k == i) for k in range(n))] = Fraction(coefficients[i + 1])
    return {e: c for e, c in polynomial.items() if c}


def _on_prime(generators: Sequence[dict], point: np.ndarray) -> bool:
    """Every generator is zero at ``point`` up to the rounding of its terms."""
    return _residual(generators, point) <= 1e-9


def _residual(generators: Sequence[dict], point: np.ndarray) -> float:
    """The largest of ``|g(point)| / (sum of |terms of g| at point)`` over the generators."""
    worst = 0.0
    for generator in generators:
        terms = np.array([complex(float(c)) * np.prod(point ** np.array(e)) for e, c in generator.items()])
        worst = max(worst, float(abs(np.sum(terms)) / max(1e-300, float(np.sum(np.abs(terms))))))
    return worst


def _conjugates(prime: PrimeComponent, witness: WitnessSet,
                real: list[np.ndarray]) -> list[tuple[WitnessSet, list[np.ndarray]]] | None:
    """The prime's conjugate components over CC, each with its witness points and real points.

    Each root ``a_j`` of the minimal polynomial in ``prime.absolute`` gives one conjugate; a point
    belongs to the one whose generators it satisfies best. None for a prime that is one
    component (``conjugates == 1``) and when the points do not split into ``conjugates`` groups
    of ``degree / conjugates`` (the caller then keeps the prime whole and says so).
    """
    if prime.conjugates in (None, 1):
        return None
    minimal = [g for g in prime.absolute if all(not any(e[:-1]) for e in g)]
    if len(minimal) != 1:
        return None
    coefficients = [0.0] * (max(e[-1] for e in minimal[0]) + 1)
    for e, c in minimal[0].items():
        coefficients[e[-1]] = float(c)
    roots = np.roots(coefficients[::-1])
    others = [g for g in prime.absolute if g is not minimal[0]]

    def piece(point: np.ndarray) -> tuple[int, float]:
        scores = [_residual(others, np.append(point, root)) for root in roots]
        return int(np.argmin(scores)), min(scores)

    groups: list[list] = [[] for _ in roots]
    for point in witness.points:
        groups[piece(np.asarray(point))[0]].append(point)
    if len(roots) != prime.conjugates or any(len(g) != prime.degree // prime.conjugates for g in groups):
        return None
    found: list[list[np.ndarray]] = [[] for _ in roots]
    for point in real:
        index, score = piece(point)
        if score <= 1e-8:
            found[index].append(point)
    return [(replace(witness, points=tuple(group)), points) for group, points in zip(groups, found)]


def _exact_loss(prime: PrimeComponent) -> complex | None:
    """The loss on the prime when its loss polynomial is linear (the same on every piece)."""
    value = prime.rational_loss
    return None if value is None else complex(float(value))


def _by_loss(system: PolynomialSystem, prime: PrimeComponent, witness: WitnessSet,
             real: list[np.ndarray]) -> list[tuple[WitnessSet, list[np.ndarray]]] | None:
    """The prime's points grouped by the root of its loss polynomial they attain (each group a
    union of conjugate components over CC); None when the loss polynomial is linear or absent."""
    if prime.loss_polynomial is None or len(prime.loss_polynomial) <= 2:
        return None
    roots = np.roots([float(c) for c in prime.loss_polynomial[::-1]])

    def nearest(point) -> int:
        return int(np.argmin(np.abs(roots - complex(system.numeric.loss(np.asarray(point, dtype=complex))))))

    groups: list[list] = [[] for _ in roots]
    for point in witness.points:
        groups[nearest(point)].append(point)
    found: list[list[np.ndarray]] = [[] for _ in roots]
    for point in real:
        found[nearest(point)].append(point)
    return [(replace(witness, points=tuple(g)), f) for g, f in zip(groups, found) if g]


def _loss_values(prime: PrimeComponent) -> str:
    """A remark on a conjugate component: how many there are and the loss values they share."""
    values = None if prime.loss_polynomial is None else len(prime.loss_polynomial) - 1
    losses = "" if values is None or values == 1 else \
        f", with {values} loss values (the roots of a degree-{values} rational polynomial)"
    return f"; one of {prime.conjugates} conjugate components over the complex numbers{losses}"
