"""Monodromy solve: every critical point at generic parameters, one stratum at a time.

For each support stratum (:mod:`algmorse.engine.strata`) the family ``grad L + c * w`` has a start pair
for free (:mod:`algmorse.engine.family`). Loops in the complex parameter space (``c -> c1 -> c``, each
leg a parameter homotopy with its own random ``gamma``) move the known solutions to other
solutions of the same member; new ones are added until the stratum's count is reached. The
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
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Sequence

import numpy as np

from ..errors import AlgmorseError, BackendError
from ..model.system import PolynomialSystem
from . import processes
from .backends.base import Backend, Endpoint, Leg
from .exact import available_exact_tools, modular_count
from .family import StratumFamily, random_complex, random_gamma
from .strata import is_invariant

__all__ = ["NotInFamily", "StratumRecord", "GenericSolution", "solve_generic", "track_to_target", "torus_count", "TargetEndpoints"]

Progress = Callable[[str], None]

MAX_LOOPS = 200
"""Loops per stratum before the blackbox fallback, whatever the count says."""
_SAME = 1e-6


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
        Monodromy loops run and paths tracked (fallback paths included).
    complete : bool
        ``found == expected``.
    seconds : float
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
        Without a count, loops in a row that add nothing before a stratum is taken as complete.
    timeout : float
        Seconds allowed to each backend call.
    count_timeout : float
        Seconds allowed to each stratum's modular count.
    counts : bool
        Whether to compute the strata's modular counts (the stopping rule); without them the
        loops stop after ``quiet_loops`` quiet loops and no stratum is complete.
    report : callable
        Receives one line per stratum.
    on_stratum : callable
        Called with the number of strata finished, after each one (e.g. to move a progress bar).

    Returns
    -------
    GenericSolution
    """
    rng = np.random.default_rng(seed)
    solution = GenericSolution([], [], [])
    for family in families:
        started = time.perf_counter()
        record = StratumRecord(family.stratum.label, family.size, None)
        if family.size == 0:
            record.expected, record.found, record.method, record.complete = 1, 1, "origin", True
            parameters, points = np.zeros(0, dtype=complex), np.zeros((1, 0), dtype=complex)
        else:
            record.expected = torus_count(family, rng, count_timeout) if counts else None
            if record.expected == 0:
                record.method, record.complete = "empty", True
                parameters, points = np.zeros(family.size, dtype=complex), np.zeros((0, family.size), dtype=complex)
            else:
                parameters, points = _monodromy(family, backend, rng, record, jobs, quiet_loops, timeout)
                if not record.complete and record.expected is not None:
                    parameters, points = _blackbox(family, backend, rng, record, timeout)
        record.seconds = round(time.perf_counter() - started, 4)
        report(f"stratum {record.label}: {record.found} of "
               f"{'?' if record.expected is None else record.expected} points by {record.method} "
               f"({record.loops} loops, {record.paths} paths, {record.seconds:.2f} s)")
        solution.families.append(family)
        solution.parameters.append(parameters)
        solution.points.append(points)
        solution.records.append(record)
        on_stratum(len(solution.records))
    whole = [f for f in families if f.size == f.system.num_variables]
    if counts and whole:
        solution.total = _modular_family_count(whole[0], rng, count_timeout, torus=False)
    return solution


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


def _monodromy(family: StratumFamily, backend: Backend, rng: np.random.Generator, record: StratumRecord,
               jobs: int, quiet_loops: int, timeout: float) -> tuple[np.ndarray, np.ndarray]:
    point, parameters = family.start_pair(rng)
    orbits = _Orbits(family)
    orbits.add(point)
    base = family.member(parameters)
    scale = float(np.mean(np.abs(parameters)))
    quiet = 0
    while record.loops < MAX_LOOPS:
        if record.expected is not None and len(orbits) >= record.expected:
            break
        if record.expected is None and quiet >= quiet_loops:
            break
        c1 = scale * random_complex(rng, family.size)
        legs = [Leg(base, family.member(c1), random_gamma(rng)), Leg(family.member(c1), base, random_gamma(rng))]
        representatives = list(orbits.representatives)
        endpoints = track_in_parallel(backend, legs, representatives, family.size, rng, jobs, timeout)
        record.loops += 1
        record.paths += 2 * len(representatives)
        new = 0
        for endpoint in endpoints:
            if endpoint is None:
                continue
            refined = family.newton(np.array(endpoint.coordinates, dtype=complex), parameters)
            if refined is not None and orbits.add(refined):
                new += 1
        quiet = 0 if new else quiet + 1
        if record.expected is not None and quiet >= 4 * quiet_loops:
            break  # the loops are stuck: let the fallback decide
    record.found = len(orbits)
    record.complete = record.expected is not None and record.found == record.expected
    return parameters, np.array(orbits.representatives)


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
                      rng: np.random.Generator, jobs: int, timeout: float) -> list[Endpoint | None]:
    """Track ``points`` through ``legs``, split over ``jobs`` worker processes, in order.

    A failed worker (crash or timeout) gives ``None`` endpoints for its share.
    """
    if not points:
        return []
    chunks = [list(points[i::jobs]) for i in range(min(jobs, len(points)))]
    seeds = [int(s) for s in rng.integers(1, 2**31 - 2, size=len(chunks))]

    def run(chunk: list[np.ndarray], chunk_seed: int) -> list[Endpoint | None]:
        try:
            return list(backend.track(legs, [tuple(p) for p in chunk], nvars, seed=chunk_seed, timeout=timeout).endpoints)
        except BackendError:
            return [None] * len(chunk)

    results = processes.thread_map(run, chunks, seeds, workers=len(chunks))
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
    """

    points: list[np.ndarray]
    paths: int = 0
    finished: int = 0
    escaped: int = 0
    collided: int = 0


MAX_RETRACKS = 2
"""Extra tries, each with a fresh gamma, for a path that failed or collided."""


def track_to_target(solution: GenericSolution, backend: Backend, *, seed: int, jobs: int = 1,
                    timeout: float = 600.0) -> TargetEndpoints:
    """Take every stratum's generic points to each family's target member (one parameter homotopy).

    Distinct generic orbits go to distinct target orbits unless the target is exceptional; a path
    that fails, or ends in an orbit another path already reached, is tracked again with a fresh
    gamma (at most :data:`MAX_RETRACKS` times) and counted as escaped or collided if it still does.

    Parameters
    ----------
    solution : GenericSolution
    backend : Backend
    seed : int
    jobs : int
    timeout : float

    Returns
    -------
    TargetEndpoints
    """
    rng = np.random.default_rng(seed)
    result = TargetEndpoints([])
    for family, parameters, points in zip(solution.families, solution.parameters, solution.points):
        if family.size == 0:
            result.points.extend(family.lift(p) for p in points)
            continue
        pending = list(range(len(points)))
        arrived: dict[int, np.ndarray] = {}
        escaped: set[int] = set()
        collided: set[int] = set()
        for _ in range(1 + MAX_RETRACKS):
            if not pending:
                break
            gamma = random_gamma(rng)
            leg = Leg(family.member(parameters), family.target, gamma)
            try:
                ends = track_in_parallel(backend, [leg], [points[i] for i in pending], family.size, rng, jobs, timeout)
            except BackendError:  # the target itself cannot be sent (e.g. a variable it lacks)
                ends = [None] * len(pending)
            result.paths += len(pending)
            retry = []
            for index, end in zip(pending, ends):
                escaped.discard(index)
                collided.discard(index)
                finished = None if end is None else np.array(end.coordinates, dtype=complex)
                if end is not None and end.t is not None and end.t < 1:
                    result.finished += 1
                    finished = family.finish_path(finished, end.t, parameters, gamma)
                if finished is None:
                    escaped.add(index)
                    retry.append(index)
                    continue
                polished = family.polish_at_target(finished)
                if any(_in_orbit(family, polished, other) for other in arrived.values()):
                    collided.add(index)
                    retry.append(index)
                    continue
                arrived[index] = polished
            pending = retry
        result.escaped += len(escaped)
        result.collided += len(collided)
        result.points.extend(family.lift(point) for point in arrived.values())
    return result


def _in_orbit(family: StratumFamily, point: np.ndarray, other: np.ndarray) -> bool:
    """Whether ``point`` is (numerically) a sign-flip image of ``other``."""
    distances = np.linalg.norm(family.orbit(other) - point, axis=1)
    return bool(np.min(distances) <= 1e-6 * (1 + np.linalg.norm(point)))
