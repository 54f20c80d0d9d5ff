"""Monodromy solve: every critical point at generic parameters, one stratum at a time.

For each support stratum (:mod:`algmorse.engine.strata`) the family ``grad L + c * w`` has a start pair
for free (:mod:`algmorse.engine.family`). Loops in the complex parameter space (``c -> c1 -> c``, each
leg a parameter homotopy with its own random ``gamma``) move the known solutions to other
solutions of the same member; new ones are added until the stratum's count is reached. The loops
are the cycles of a graph on two parameter points, and every solution goes along every edge at
most once, so that the paths tracked grow with the number of solutions, not with the loops. The
count is Singular's over two prime fields, at random rational parameters, of the solutions with
no zero coordinate (``z * prod(w) = 1`` added). Without it, the loops stop after
``quiet_loops`` loops in a row that add nothing (evidence, not proof). A stratum the loops do
not complete falls back to PHCpack's blackbox solver at random rational parameters.

Only one point per orbit of the loss's sign flips is tracked; the orbit is closed by applying
the flips, which commute with every homotopy of the family.

:func:`track_to_target` then takes the points of every stratum to the member ``c = 0`` (the
user's loss, or any target system with the same strata) with one parameter homotopy.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Sequence

import numpy as np

from ..errors import AlgmorseError, BackendError
from ..model.symmetry import SignedPermutation
from ..model.system import PolynomialSystem
from ..progress import Progress, ProgressEvent, seconds_left, throttled, with_time_left
from . import processes
from .backends.base import Backend, Endpoint, Leg
from .exact import available_exact_tools, modular_count
from .family import StratumFamily, random_gamma
from .strata import is_invariant

__all__ = ["NotInFamily", "StratumRecord", "GenericSolution", "solve_generic", "symmetric_strata", "track_to_target",
           "torus_count", "TargetEndpoints"]

MAX_LOOPS = 200
"""Loops per stratum (see :func:`_monodromy`) before the blackbox fallback, whatever the count
says; with fewer than the first node's two, none is tried."""
_SAME = 1e-6
_MIN_BATCH = 16
"""Fewest paths tracked in a round of the monodromy graph (fewer rounds, each with worker start-up)."""


class NotInFamily(ValueError):
    """A target system does not share the strata of the generic solution it was to start from."""


@dataclass(slots=True)
class StratumRecord:
    """How one stratum's generic solutions were found (stored in the catalog's provenance).

    Attributes
    ----------
    label : str
        Which hidden units are deleted (see :class:`~algmorse.engine.strata.SupportStratum`).
    free : int
        Number of free coordinates.
    expected : int or None
        Modular count of the solutions with no zero coordinate at random parameters (None: not
        computed).
    found : int
        Distinct solutions found at the stratum's generic parameters.
    method : str
        ``"monodromy"``, ``"blackbox"`` (fallback), ``"origin"`` (the single point 0) or
        ``"empty"`` (the count is 0).
    loops, paths : int
        Loops the monodromy graph closed (edges out times edges back, see :func:`_monodromy`)
        and paths tracked (one per point and edge; fallback paths included).
    complete : bool
        ``found == expected``.
    seconds : float
    backend_errors : int
        Backend calls that failed (a crash or a timeout of the worker; PHCpack's blackbox crashes
        on some ``t^2`` systems): their paths count as failed, nothing else is lost.
    """

    label: str
    free: int
    expected: int | None
    found: int = 0
    method: str = "monodromy"
    loops: int = 0
    paths: int = 0
    complete: bool = False
    seconds: float = 0.0
    backend_errors: int = 0


@dataclass
class GenericSolution:
    """Every stratum's solutions at its generic parameters.

    Attributes
    ----------
    families : list of StratumFamily
    parameters : list of ndarray
        The generic parameters ``c`` of each stratum.
    points : list of ndarray
        Per stratum, one row per tracked point (one per sign-flip orbit), in free coordinates.
    records : list of StratumRecord
    total : int or None
        The modular count of all solutions of the whole family at random rational parameters
        (None: not computed, or the whole space is not among the strata).
    """

    families: list[StratumFamily]
    parameters: list[np.ndarray]
    points: list[np.ndarray]
    records: list[StratumRecord] = field(default_factory=list)
    total: int | None = None

    def retargeted(self, target: "PolynomialSystem") -> "GenericSolution":
        """The same generic points, with every family ending at ``target`` instead.

        Raises
        ------
        NotInFamily
            If a stratum is not a stratum of ``target`` (a zeroed gradient component of
            ``target`` does not vanish on it).
        """
        families, points = [], []
        for family, representatives in zip(self.families, self.points):
            if not is_invariant(target, family.stratum.support):
                raise NotInFamily(f"stratum {family.stratum.label!r} is not invariant for the target system")
            retargeted = family.with_target(target)
            if len(retargeted.signs) < len(family.signs):  # fewer symmetries: track whole orbits
                representatives = _distinct_rows(np.vstack([family.orbit(p) for p in representatives])) \
                    if len(representatives) else representatives
            families.append(retargeted)
            points.append(representatives)
        return GenericSolution(families, self.parameters, points, self.records, self.total)

    @property
    def count(self) -> int:
        """Total number of generic solutions found (orbits closed)."""
        return sum(r.found for r in self.records)

    @property
    def complete(self) -> bool:
        """Whether every stratum reached its modular count and the strata's counts add up to the
        whole family's (so that no support was left out, e.g. for a function or biases)."""
        return all(r.complete for r in self.records) and self.total == self.count

    @property
    def paths(self) -> int:
        return sum(r.paths for r in self.records)


def torus_count(family: StratumFamily, rng: np.random.Generator, timeout: float) -> int | None:
    """Modular count of a stratum's solutions with no zero coordinate, at random rational
    parameters (None when Singular is missing, fails, or says the set is not finite)."""
    return _modular_family_count(family, rng, timeout, torus=True)


def _modular_family_count(family: StratumFamily, rng: np.random.Generator, timeout: float, *,
                          torus: bool) -> int | None:
    """Modular count (with multiplicity) of the family's solutions at random rational parameters:
    all of them, or (``torus``) those with no zero coordinate, by adding ``z * prod(w) = 1``."""
    if "singular" not in available_exact_tools():
        return None
    size = family.size
    member = family.rational_member(_random_rationals(rng, size))
    if torus:
        member = [{e + (0,): c for e, c in p.items()} for p in member]
        member.append({(1,) * (size + 1): Fraction(1), (0,) * (size + 1): Fraction(-1)})
    try:
        count = modular_count(member, size + torus, timeout=timeout)
    except AlgmorseError:
        return None
    return count.count_with_multiplicity if count.dimension <= 0 else None


def _count(family: StratumFamily, rng: np.random.Generator, timeout: float, torus: bool) -> int | None:
    """:func:`torus_count`, or the count of all solutions (``torus=False``)."""
    return torus_count(family, rng, timeout) if torus else _modular_family_count(family, rng, timeout, torus=False)


def _random_rationals(rng: np.random.Generator, size: int) -> list[Fraction]:
    """Random nonzero rationals of both signs (generic parameters for counts and the fallback)."""
    return [Fraction(int(rng.integers(1, 2**12)), int(rng.integers(1, 2**6))) * (1 if rng.random() < .5 else -1)
            for _ in range(size)]


def solve_generic(families: Sequence[StratumFamily], backend: Backend, *, seed: int, jobs: int = 1,
                  quiet_loops: int = 3, timeout: float = 600.0, count_timeout: float = 60.0,
                  counts: bool = True, report: Progress = lambda _line: None,
                  on_stratum: Callable[[int], None] = lambda _done: None) -> GenericSolution:
    """Find every stratum's solutions at generic parameters by monodromy (blackbox fallback).

    Parameters
    ----------
    families : sequence of StratumFamily
        One per stratum (see :func:`algmorse.engine.strata.support_strata`).
    backend : Backend
        Must implement ``track`` (and ``solve`` for the fallback).
    seed : int
        Fixes the start pairs, loops, gammas and backend seeds.
    jobs : int
        Worker processes tracking paths at once.
    quiet_loops : int
        Without a count, edges added in a row that find nothing new before a stratum is taken
        as complete (with a count, twice as many before the fallback).
    timeout : float
        Seconds allowed to each backend call.
    count_timeout : float
        Seconds allowed to each stratum's modular count.
    counts : bool
        Whether to compute the strata's modular counts (the stopping rule); without them the
        loops stop after ``quiet_loops`` quiet loops and no stratum is complete.
    report : callable
        Receives one line per stratum, and ticks (see :class:`~algmorse.progress.ProgressEvent`,
        stage ``"monodromy"``; at most one every :data:`~algmorse.progress.TICK_SECONDS`) after
        batches of paths: the stratum's points found so far of its count.
    on_stratum : callable
        Called with the number of strata finished, after each one (e.g. to move a progress bar).

    Returns
    -------
    GenericSolution

    Notes
    -----
    Every count (one per stratum, and the whole family's) is started at once, on
    :data:`~algmorse.engine.processes.SOLVER_THREADS` threads, so that a stratum's loops run while
    the next strata are counted.
    """
    rng = np.random.default_rng(seed)
    report = throttled(report)  # a batch of paths can take less than a second
    solution = GenericSolution([], [], [])
    images = symmetric_strata(families)
    whole = [f for f in families if f.size == f.system.num_variables and f.torus][:1] if counts else []
    tasks = [(f, f.torus) for k, f in enumerate(families) if f.size and counts and k not in images] + \
        [(f, False) for f in whole]
    rngs = [np.random.default_rng(int(s)) for s in rng.integers(1, 2**62, size=len(tasks))]
    with processes.started_in_threads(_count, [f for f, _ in tasks], rngs, [count_timeout] * len(tasks),
                                      [torus for _, torus in tasks], workers=processes.SOLVER_THREADS) as futures:
        expected = iter(futures)
        for family in families:
            started = time.perf_counter()
            record = StratumRecord(family.stratum.label, family.size, None)
            if family.size == 0:
                record.expected, record.found, record.method, record.complete = 1, 1, "origin", True
                parameters, points = np.zeros(0, dtype=complex), np.zeros((1, 0), dtype=complex)
            elif len(solution.records) in images:
                source, symmetry = images[len(solution.records)]
                parameters, points = _image_stratum(solution, source, symmetry, family)
                known = solution.records[source]
                closed = np.vstack([family.orbit(p) for p in points]) if len(points) else points
                record.expected, record.found = known.expected, len(_distinct_rows(closed))
                record.complete = known.complete and record.found == known.found  # orbits map to orbits
                record.method = f"symmetry of {known.label}"
            else:
                record.expected = next(expected).result() if counts else None
                if record.expected == 0:
                    record.method, record.complete = "empty", True
                    parameters, points = np.zeros(family.size, dtype=complex), np.zeros((0, family.size), dtype=complex)
                else:
                    parameters, points = _monodromy(family, backend, rng, record, jobs, quiet_loops, timeout,
                                                    report)
                    if not record.complete and record.expected is not None:
                        parameters, points = _blackbox(family, backend, rng, record, timeout)
            record.seconds = round(time.perf_counter() - started, 4)
            report(ProgressEvent(f"stratum {record.label}: {record.found} of "
                                 f"{'?' if record.expected is None else record.expected} points by {record.method} "
                                 f"({record.loops} loops, {record.paths} paths, {record.seconds:.2f} s)",
                                 stage="monodromy", done=record.found, total=record.expected, unit="points"))
            solution.families.append(family)
            solution.parameters.append(parameters)
            solution.points.append(points)
            solution.records.append(record)
            on_stratum(len(solution.records))
        if whole:
            solution.total = futures[-1].result()
        elif counts and len(families) == 1 and not families[0].torus:  # all solutions in one family
            solution.total = solution.records[0].expected
    return solution


def symmetric_strata(families: Sequence[StratumFamily]) -> dict[int, tuple[int, SignedPermutation]]:
    """The strata that are images of earlier ones under the loss's symmetries.

    Returns ``{k: (i, g)}``: stratum ``k``'s support is the image under ``g`` (a product of the
    verified generators) of the support of stratum ``i < k``, which is not an image itself.
    Only families without an offset take part (see :class:`~algmorse.engine.family.StratumFamily`).
    """
    position = {frozenset(f.stratum.support): k for k, f in enumerate(families) if f.torus and f.size}
    images: dict[int, tuple[int, SignedPermutation]] = {}
    for k, family in enumerate(families):
        if k in images or frozenset(family.stratum.support) not in position:
            continue
        generators = family.system.symmetries
        n = family.system.num_variables
        start = frozenset(family.stratum.support)
        element = SignedPermutation(tuple(range(n)), (1,) * n)
        reached, frontier = {start}, [(start, element)]
        while frontier:
            support, element = frontier.pop()
            for generator in generators:
                product = _compose(generator, element)
                image = frozenset(i for i in range(n) if product.source[i] in support)
                if image in reached:
                    continue
                reached.add(image)
                frontier.append((image, product))
                other = position.get(image)
                if other is not None and other > k and other not in images:
                    images[other] = (k, product)
    return images


def _compose(g: SignedPermutation, h: SignedPermutation) -> SignedPermutation:
    """``g h``: first ``h``, then ``g`` (``(g h a)_i = s^g_i s^h_(p_g(i)) a_(p_h(p_g(i)))``)."""
    return SignedPermutation(tuple(h.source[g.source[i]] for i in range(len(g.source))),
                             tuple(g.signs[i] * h.signs[g.source[i]] for i in range(len(g.source))))


def _image_stratum(solution: GenericSolution, source: int, symmetry: SignedPermutation,
                   family: StratumFamily) -> tuple[np.ndarray, np.ndarray]:
    """A stratum's generic parameters and points, from those of the stratum ``symmetry`` maps to it.

    ``grad L(g w) = g grad L(w)`` for a symmetry ``g`` of the loss, and ``c * w`` goes to
    ``c' * g w`` with ``c'_i = c_(p(i))`` (the signs cancel), so ``g`` maps the solutions at
    ``c`` to the solutions at ``c'``.
    """
    known = solution.families[source]
    full = np.zeros(family.system.num_variables, dtype=complex)
    full[known.support] = solution.parameters[source]
    parameters = full[list(symmetry.source)][family.support]
    points = np.array([symmetry.apply(known.lift(p))[family.support] for p in solution.points[source]],
                      dtype=complex).reshape(-1, family.size)
    return parameters, points


class _Orbits:
    """Known solutions (orbits closed) and one representative per orbit."""

    def __init__(self, family: StratumFamily) -> None:
        self.family = family
        self.members = np.zeros((0, family.size), dtype=complex)
        self.representatives: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.members)

    def add(self, point: np.ndarray) -> bool:
        if self._known(point):
            return False
        self.members = np.vstack([self.members, _distinct_rows(self.family.orbit(point))])
        self.representatives.append(point)
        return True

    def _known(self, point: np.ndarray) -> bool:
        if not len(self.members):
            return False
        distances = np.linalg.norm(self.members - point, axis=1)
        return bool(np.min(distances) <= _SAME * (1 + np.linalg.norm(point)))


def _distinct_rows(rows: np.ndarray) -> np.ndarray:
    """The rows, each kept once (numerically)."""
    kept: list[np.ndarray] = []
    for row in rows:
        if not any(np.linalg.norm(row - k) <= _SAME * (1 + np.linalg.norm(k)) for k in kept):
            kept.append(row)
    return np.array(kept)


@dataclass
class _Node:
    """A parameter point of the monodromy graph and the solutions known there."""

    parameters: np.ndarray
    system: list
    orbits: _Orbits


@dataclass(frozen=True)
class _Edge:
    """A parameter homotopy from one node to another (``gamma`` fixes the path)."""

    source: int
    target: int
    gamma: complex


def _monodromy(family: StratumFamily, backend: Backend, rng: np.random.Generator, record: StratumRecord,
               jobs: int, quiet_loops: int, timeout: float,
               report: Progress = lambda _line: None) -> tuple[np.ndarray, np.ndarray]:
    """Monodromy on a graph of parameter points: the base and random points joined to it.

    Every solution known at a node is tracked once along every edge leaving it, and what
    arrives is refined at the other node; a path along an edge and one back close a loop, so a
    node with ``f`` edges out of the base and ``b`` edges back gives ``f * b`` loops for
    ``f + b`` paths per solution. The graph starts with one node, one edge out and two back.
    Work is done first in, first out, in batches of paths tracked in parallel, and stops as soon
    as a node holds the stratum's count: every node is a generic member (drawn as the base is),
    and its points and parameters are returned. When every solution has been along every edge,
    a new node is joined to the base (two edges out, one back): all of a node's loops lie in one
    complex line of the parameter space, and one line can leave the monodromy group intransitive
    where another does not; and where some of the base's solutions are too ill-conditioned to
    refine (met on ``t + t^2`` networks: norm 90, condition 1e9), the new node's two edges can
    bring it every solution. After ``quiet_loops`` new nodes in a row that make the largest
    node no larger (``2 * quiet_loops`` with a count: then it is stuck, and the fallback
    decides), or :data:`MAX_LOOPS` loops, it stops. ``report`` receives a tick after each batch.
    """
    point, parameters = family.start_pair(rng)
    nodes: list[_Node] = []
    edges: list[_Edge] = []
    queue: deque[tuple[int, np.ndarray]] = deque()

    def add_node(out: int, back: int) -> None:
        c = family.start_pair(rng)[1]  # drawn as the base is: no coordinate near a degenerate value
        nodes.append(_Node(c, family.member(c), _Orbits(family)))
        for source, target in [(0, len(nodes) - 1)] * out + [(len(nodes) - 1, 0)] * back:
            edges.append(_Edge(source, target, random_gamma(rng)))
            queue.extend((len(edges) - 1, rep) for rep in nodes[source].orbits.representatives)

    def add_solution(index: int, solution: np.ndarray) -> None:
        if nodes[index].orbits.add(solution):
            queue.extend((e, solution) for e, edge in enumerate(edges) if edge.source == index)

    nodes.append(_Node(parameters, family.member(parameters), _Orbits(family)))
    add_solution(0, point)
    add_node(out=1, back=2)
    quiet, size_at_last_node = 0, 1
    while True:
        loops = _loops(edges)
        best = max(nodes, key=lambda node: len(node.orbits))
        if (record.expected is not None and len(best.orbits) >= record.expected) or loops > MAX_LOOPS:
            break
        if not queue:
            quiet = quiet + 1 if len(best.orbits) == size_at_last_node else 0
            size_at_last_node = len(best.orbits)
            if quiet >= (quiet_loops if record.expected is None else 2 * quiet_loops) or loops == MAX_LOOPS:
                break
            add_node(out=2, back=1)
            continue
        missing = len(best.orbits) if record.expected is None else record.expected - len(best.orbits)
        batch = [queue.popleft() for _ in range(min(len(queue), max(_MIN_BATCH, missing)))]
        record.paths, record.loops = record.paths + len(batch), loops
        errors: list[str] = []
        ends = _track_edges(backend, edges, nodes, batch, family.size, rng, jobs, timeout, errors)
        record.backend_errors += len(errors)
        for (e, _), end in zip(batch, ends):
            if end is not None:
                target = edges[e].target
                refined = family.newton(np.array(end.coordinates, dtype=complex), nodes[target].parameters)
                if refined is not None:
                    add_solution(target, refined)
        report(_monodromy_tick(record, max(len(node.orbits) for node in nodes)))
    record.found = len(best.orbits)
    record.complete = record.expected is not None and record.found == record.expected
    return best.parameters, np.array(best.orbits.representatives)


def _monodromy_tick(record: StratumRecord, found: int) -> ProgressEvent:
    """A stratum's points found so far of its count, as a tick."""
    return ProgressEvent(f"monodromy, stratum {record.label}: {found} of "
                         f"{'?' if record.expected is None else record.expected} points at generic parameters so far "
                         f"({record.paths} paths tracked)",
                         stage="monodromy", done=found, total=record.expected, unit="points", tick=True)


def _loops(edges: Sequence[_Edge]) -> int:
    """Loops the graph closes at the base: per node, edges out times edges back."""
    out = Counter(e.target for e in edges if e.source == 0)
    back = Counter(e.source for e in edges if e.target == 0)
    return sum(out[node] * back[node] for node in out)


def _track_edges(backend: Backend, edges: Sequence[_Edge], nodes: Sequence[_Node],
                 batch: Sequence[tuple[int, np.ndarray]], nvars: int, rng: np.random.Generator, jobs: int,
                 timeout: float, errors: list[str]) -> list[Endpoint | None]:
    """Track each ``(edge, point)`` of the batch along its edge; endpoints in the batch's order
    (``None`` for the points of a failed call, whose error is appended to ``errors``)."""
    by_edge: dict[int, list[int]] = {}
    for position, (e, _) in enumerate(batch):
        by_edge.setdefault(e, []).append(position)
    tasks = []
    for e, positions in by_edge.items():
        edge = edges[e]
        leg = Leg(nodes[edge.source].system, nodes[edge.target].system, edge.gamma)
        pieces = max(1, min(jobs, round(jobs * len(positions) / len(batch))))
        tasks.extend((leg, positions[i::pieces]) for i in range(pieces) if positions[i::pieces])
    seed = int(rng.integers(1, 2**31 - 2))  # one draw, whatever ``jobs`` is: the same run for any

    def run(task: tuple[Leg, list[int]]) -> list[Endpoint | None]:
        leg, positions = task
        try:
            return list(backend.track([leg], [tuple(batch[p][1]) for p in positions], nvars,
                                      seed=seed, timeout=timeout).endpoints)
        except BackendError as exc:
            errors.append(str(exc))
            return [None] * len(positions)

    endpoints: list[Endpoint | None] = [None] * len(batch)
    for (_, positions), result in zip(tasks, processes.thread_map(run, tasks, workers=jobs)):
        for p, end in zip(positions, result):
            endpoints[p] = end
    return endpoints


def _blackbox(family: StratumFamily, backend: Backend, rng: np.random.Generator, record: StratumRecord,
              timeout: float) -> tuple[np.ndarray, np.ndarray]:
    """The fallback: PHCpack's blackbox at random rational parameters, until the count is reached
    (at most three runs); keeps every solution with no zero coordinate."""
    values = _random_rationals(rng, family.size)
    member = family.rational_member(values)
    parameters = np.array([complex(v) for v in values])
    orbits = _Orbits(family)
    for _ in range(3):
        try:
            raw = backend.solve(member, family.size, seed=int(rng.integers(1, 2**31 - 2)), timeout=timeout)
        except BackendError:
            record.backend_errors += 1
            continue
        record.paths += raw.paths_tracked or len(raw.endpoints)
        for endpoint in raw.endpoints:
            refined = family.newton(np.array(endpoint.coordinates, dtype=complex), parameters)
            if refined is not None:
                orbits.add(refined)
        if len(orbits) >= record.expected:
            break
    record.method = "blackbox"
    record.found = len(orbits)
    record.complete = record.found == record.expected
    return parameters, np.array(orbits.representatives).reshape(-1, family.size)


def track_in_parallel(backend: Backend, legs: Sequence[Leg], points: Sequence[np.ndarray], nvars: int,
                      rng: np.random.Generator, jobs: int, timeout: float,
                      errors: list[str] | None = None) -> list[Endpoint | None]:
    """Track ``points`` through ``legs``, split over ``jobs`` worker processes, in order.

    A failed worker (crash or timeout) gives ``None`` endpoints for its share, and its error is
    appended to ``errors`` (if given).
    """
    if not points:
        return []
    chunks = [list(points[i::jobs]) for i in range(min(jobs, len(points)))]
    seed = int(rng.integers(1, 2**31 - 2))  # one draw, whatever ``jobs`` is: the same run for any

    def run(chunk: list[np.ndarray]) -> list[Endpoint | None]:
        try:
            return list(backend.track(legs, [tuple(p) for p in chunk], nvars, seed=seed, timeout=timeout).endpoints)
        except BackendError as exc:
            if errors is not None:
                errors.append(str(exc))
            return [None] * len(chunk)

    results = processes.thread_map(run, chunks, workers=len(chunks))
    endpoints: list[Endpoint | None] = [None] * len(points)
    for offset, result in enumerate(results):
        endpoints[offset::len(chunks)] = result
    return endpoints


@dataclass
class TargetEndpoints:
    """The endpoints of the parameter homotopy to a target member.

    Attributes
    ----------
    points : list of ndarray
        Full-length finite endpoints (zeros outside each stratum's support), polished by a few
        Newton steps on the target; one per tracked point that arrived, symmetry orbits not closed.
    paths : int
        Paths tracked, retries included.
    escaped : int
        Tracked points whose path failed or diverged on every try (points escaping to infinity at
        the target, typically).
    finished : int
        Paths PHCpack stopped short of the target that the numpy tracker finished
        (:meth:`~algmorse.engine.family.StratumFamily.finish_path`).
    collided : int
        Tracked points whose path ended, on every try, in the orbit another path had reached
        (several generic points merging into one multiple point, or path jumping).
    backend_errors : int
        Backend calls that failed (crash or timeout); their paths were tracked again as failed ones.
    """

    points: list[np.ndarray]
    paths: int = 0
    finished: int = 0
    escaped: int = 0
    collided: int = 0
    backend_errors: int = 0


MAX_RETRACKS = 2
"""Extra tries, each with a fresh gamma, for a path that failed or collided."""


def track_to_target(solution: GenericSolution, backend: Backend, *, seed: int, jobs: int = 1,
                    timeout: float = 600.0, expected: int | None = None,
                    report: Progress = lambda _line: None) -> TargetEndpoints:
    """Take every stratum's generic points to each family's target member (one parameter homotopy).

    Distinct generic orbits go to distinct target orbits unless the target is exceptional; a path
    that fails, or ends in an orbit another path already reached, is tracked again with a fresh
    gamma (at most :data:`MAX_RETRACKS` times) and counted as escaped or collided if it still does,
    unless the points arrived (orbits closed) already number ``expected``.

    Parameters
    ----------
    solution : GenericSolution
    backend : Backend
    seed : int
    jobs : int
    timeout : float
    expected : int, optional
        The number of distinct target points (e.g. the modular count): once reached, no path is
        tracked again. It only saves work; nothing is claimed from it.
    report : callable
        Receives a tick (stage ``"track"``, see :class:`~algmorse.progress.ProgressEvent`) after
        each stratum's paths: the paths tracked of those to track in this try.

    Returns
    -------
    TargetEndpoints
    """
    rng = np.random.default_rng(seed)
    result = TargetEndpoints([])
    strata = [_TargetStratum(family, parameters, list(range(len(points))), points)
              for family, parameters, points in zip(solution.families, solution.parameters, solution.points)]
    for stratum in strata:
        if stratum.family.size == 0:  # the origin: nothing to track
            stratum.arrived.update(enumerate(stratum.points))
            stratum.pending = []
    for attempt in range(1 + MAX_RETRACKS):
        if attempt and expected is not None and sum(s.arrived_points() for s in strata) >= expected:
            break
        to_track, tracked, started = sum(len(s.pending) for s in strata), 0, time.perf_counter()
        for stratum in strata:
            if stratum.pending:
                result.paths += len(stratum.pending)
                tracked += len(stratum.pending)
                result.finished += stratum.track(backend, rng, jobs, timeout)
                report(_track_tick(attempt, tracked, to_track, time.perf_counter() - started))
    for stratum in strata:
        result.escaped += len(stratum.escaped)
        result.collided += len(stratum.collided)
        result.backend_errors += len(stratum.errors)
        result.points.extend(stratum.family.lift(point) for point in stratum.arrived.values())
    return result


def _track_tick(attempt: int, tracked: int, total: int, elapsed: float) -> ProgressEvent:
    """Paths tracked to the target so far in one try, as a tick."""
    left = seconds_left(tracked, total, elapsed)
    what = "paths to the loss" if attempt == 0 else f"paths to the loss tracked again (try {attempt + 1})"
    return ProgressEvent(with_time_left(f"parameter homotopy: {tracked} of {total} {what}", left),
                         stage="track", done=tracked, total=total, unit="paths", seconds_left=left, tick=True)


@dataclass
class _TargetStratum:
    """One stratum's paths to the target: which arrived, which failed, which are still to track."""

    family: StratumFamily
    parameters: np.ndarray
    pending: list[int]
    points: np.ndarray
    arrived: dict[int, np.ndarray] = field(default_factory=dict)
    escaped: set[int] = field(default_factory=set)
    collided: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    def arrived_points(self) -> int:
        """Points arrived, every sign-flip orbit closed."""
        return sum(len(_distinct_rows(self.family.orbit(p))) for p in self.arrived.values())

    def track(self, backend: Backend, rng: np.random.Generator, jobs: int, timeout: float) -> int:
        """Track the pending points with a fresh gamma; returns the paths finished in numpy."""
        family = self.family
        gamma = random_gamma(rng)
        leg = Leg(family.member(self.parameters), family.target, gamma)
        try:
            ends = track_in_parallel(backend, [leg], [self.points[i] for i in self.pending], family.size, rng,
                                     jobs, timeout, self.errors)
        except BackendError as exc:  # the target itself cannot be sent (e.g. a variable it lacks)
            self.errors.append(str(exc))
            ends = [None] * len(self.pending)
        retry, finished_in_numpy = [], 0
        for index, end in zip(self.pending, ends):
            self.escaped.discard(index)
            self.collided.discard(index)
            finished = None if end is None else np.array(end.coordinates, dtype=complex)
            if end is not None and end.t is not None and end.t < 1:
                finished_in_numpy += 1
                finished = family.finish_path(finished, end.t, self.parameters, gamma)
            if finished is None:
                self.escaped.add(index)
                retry.append(index)
                continue
            polished = family.polish_at_target(finished)
            if any(_in_orbit(family, polished, other) for other in self.arrived.values()):
                self.collided.add(index)
                retry.append(index)
                continue
            self.arrived[index] = polished
        self.pending = retry
        return finished_in_numpy


def _in_orbit(family: StratumFamily, point: np.ndarray, other: np.ndarray) -> bool:
    """Whether ``point`` is (numerically) a sign-flip image of ``other``."""
    distances = np.linalg.norm(family.orbit(other) - point, axis=1)
    return bool(np.min(distances) <= 1e-6 * (1 + np.linalg.norm(point)))
