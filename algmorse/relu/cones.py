"""Activation cones of two-layer ReLU networks with weight decay (seed 003, Boursier et al.).

Setting (``shared/notes/math.md``, seed 003): widths ``[d, m, 1]``, no bias,
``f(x) = sum_j a_j max(u_j . x, 0)`` (``a_j = w2_1_j``, ``u_j`` row ``j`` of ``W1``) and
``L(theta) = s sum_i (f(x_i) - y_i)^2 + eps |theta|^2`` (standard L2; ``lambda = 2 eps``).

**Neuron activation patterns.** A neuron's pattern is the region ``R`` of the arrangement
``{u : u . x_i = 0}`` containing ``u_j`` together with the sign ``sigma`` of ``a_j``. In general
position there are ``2 sum_{i<d} C(n-1, i)`` regions (:mod:`algmorse.relu.arrangement`), hence
``4 sum_{i<d} C(n-1, i)`` neuron patterns: the factor 4 of seed 003 is 2 (a central arrangement's
regions come in antipodal pairs: ``2 sum C(n-1, i)``, Cover 1965) times 2 (the output sign).

**Activation cones.** For a network pattern ``A = ((R_1, sigma_1), ..., (R_m, sigma_m))`` the cone is
the *closed* polyhedral cone ``C^A = {theta : sigma_j a_j >= 0, u_j in closure(R_j)}``; the cones
cover the parameter space. (In an open cone a critical point needs ``|2 s X_R^T r| = lambda`` for
every region ``R`` present, ``r`` the residual, ``X_R`` the rows of the points active in ``R``: ``n``
unknowns, one equation per distinct region, so for generic data a cone with more than ``n`` distinct
regions contains no critical point at all, and a wide random open cone none.)

**Reduction** (proved in the Notes of :func:`solve_subsets`). With ``z_j = a_j u_j``,
``L >= F(z) = s |sum_j D_j X z_j - y|^2 + lambda sum_j |z_j|`` on ``C^A`` (``D_j`` the diagonal 0/1
matrix of ``R_j``), with equality iff ``|a_j| = |u_j|``; neurons with the same ``(R, sigma)`` merge
(``sum |z_j| >= |sum z_j|``). So ``min_{C^A} L = F*_T``, the minimum of the convex problem over the set
``T`` of distinct neuron patterns of ``A`` with ``z_k in sigma_k closure(R_k)``; every local minimum of
``L`` restricted to ``C^A`` attains it; and a point of ``C^A`` is a local minimum of ``L`` iff it
minimises ``L`` on every closed cone containing it, i.e. iff the convex optimality (KKT)
conditions hold, with its residual, for every neuron and every neuron pattern whose closed cone
contains that neuron. How a cone is judged:

* it *contains a global minimum* iff ``F*_T = L*(m)``, the global minimum of the width-``m`` loss,
  ``L*(m) = min_{|T| <= m} F*_T``;
* it *contains a spurious local minimum* iff ``F*_T > L*(m)`` and the cone's minimiser (``z*`` of the
  convex problem, split evenly over the neurons of each pattern, balanced: ``|a_j| = |u_j|``) is a
  local minimum of ``L`` by the KKT test above.

Every cone with the same ``T`` gets the same answers, so the fraction of all ``P^m`` cones
(``P`` neuron patterns) is a sum over subsets ``T`` weighted by the number of maps of ``m`` neurons
onto ``T``: :func:`cone_fractions` computes it exactly over all cones (no sampling).

**Numerics.** The convex problems are solved in a batch by accelerated proximal gradient (the
proximal map of ``lambda |z|`` plus the cone constraint is the projection onto the cone followed by
shrinking), then polished by Newton's method on the identified faces and verified by the KKT
conditions; a problem whose verification fails is reported as unresolved, never guessed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from math import comb

import numpy as np

from ..errors import SpecError
from ..model.network import NetworkProblem
from .arrangement import Region, arrangement_regions, region_count_formula

__all__ = ["ConeProblem", "SubsetSolutions", "cone_problem", "neuron_pattern_count", "neuron_pattern_formula",
           "solve_subsets", "local_minimum_test", "surjections", "cone_fractions", "ConeFractions"]

_FISTA_ITERATIONS = 400
_VALUE_RTOL = 1e-8
_KKT_RTOL = 1e-7


def neuron_pattern_formula(n: int, d: int) -> int:
    """``4 sum_{i=0}^{d-1} C(n-1, i)``: seed 003's count of non-empty neuron activation patterns.

    Examples
    --------
    >>> neuron_pattern_formula(3, 2), neuron_pattern_formula(5, 1)
    (12, 4)
    """
    return 2 * region_count_formula(n, d)


def neuron_pattern_count(x) -> int:
    """Neuron activation patterns (region, sign of the output weight) of data ``x``, enumerated exactly.

    Examples
    --------
    >>> neuron_pattern_count([[1, 0], [0, 1], [1, 1]])
    12
    """
    return 2 * len(arrangement_regions(x))


@dataclass(frozen=True, slots=True)
class ConeProblem:
    """The data of the cone experiment (see the module notes).

    Attributes
    ----------
    x : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    scale : float
        ``s`` in ``s sum (f(x_i) - y_i)^2``.
    lam : float
        ``lambda = 2 eps``.
    regions : tuple of Region
    patterns : tuple of (int, int)
        Neuron pattern ``k`` = (region index, sign of the output weight), signs +1 then -1.
    """

    x: np.ndarray
    y: np.ndarray
    scale: float
    lam: float
    regions: tuple[Region, ...]
    patterns: tuple[tuple[int, int], ...]

    @property
    def masks(self) -> np.ndarray:
        """``D_k`` diagonals: ``masks[k, i] = 1`` when pattern ``k`` is active on point ``i``."""
        return np.array([[1.0 if s > 0 else 0.0 for s in self.regions[r].signs] for r, _ in self.patterns])

    @property
    def constraint_rows(self) -> np.ndarray:
        """``A_k`` with ``sigma_k closure(R_k) = {z : A_k z >= 0}``, shape (P, n, d)."""
        return np.array([sigma * np.array(self.regions[r].signs, dtype=float)[:, None] * self.x
                         for r, sigma in self.patterns])


def cone_problem(problem: NetworkProblem) -> ConeProblem:
    """The cone experiment's data from a relu network problem.

    Raises
    ------
    SpecError
        Unless widths are ``[d, m, 1]`` with a relu activation, no bias, standard L2, and data in
        general position.
    """
    network = problem.network
    if not network.is_relu or len(network.widths) != 3 or network.widths[2] != 1 or network.bias:
        raise SpecError("network", "the cone experiment needs a relu network with widths [d, m, 1] and no bias.")
    if problem.regularizer.kind != "l2":
        raise SpecError("regularizer.kind", "the cone experiment is for weight decay: kind = \"l2\".")
    regions = arrangement_regions(problem.data.x)
    if len(problem.data.x) < network.widths[0]:
        raise SpecError("data.x", f"the cone experiment needs at least d = {network.widths[0]} data points (pointed "
                        f"cones), got {len(problem.data.x)}.")
    patterns = tuple((r, sigma) for sigma in (1, -1) for r in range(len(regions)))
    return ConeProblem(
        x=np.array([[float(v) for v in row] for row in problem.data.x]),
        y=np.array([float(row[0]) for row in problem.data.y]),
        scale=float(problem.scale),
        lam=2 * float(problem.regularizer.eps),
        regions=regions,
        patterns=patterns,
    )


# -- batched convex solves -------------------------------------------------------------------------

def _face_projectors(x: np.ndarray) -> np.ndarray:
    """Projections onto ``{z : x_i . z = 0, i in E}`` for ``|E| < d``, plus the identity and zero."""
    n, d = x.shape
    mats = [np.eye(d), np.zeros((d, d))]
    for size in range(1, d):
        for subset in itertools.combinations(range(n), size):
            rows = x[list(subset)]
            mats.append(np.eye(d) - rows.T @ np.linalg.solve(rows @ rows.T, rows))
    return np.array(mats)


class _Projector:
    """Euclidean projection onto the cones ``sigma_k closure(R_k)`` of all neuron patterns at once.

    In dimension ``d <= 2`` a cone is a half-line or a wedge spanned by two unit rays ``e1, e2``:
    ``v`` is kept if its coordinates in ``(e1, e2)`` are nonnegative, otherwise the projection is
    the better of ``max(0, v . e) e``. In higher dimension the projection lies in the relative
    interior of some face and is the projection onto that face's span: among the projections onto
    the spans ``{z : x_i . z = 0, i in E}`` (``|E| < d``), plus ``v`` and 0, the feasible one closest to
    ``v``.
    """

    def __init__(self, cp: ConeProblem) -> None:
        self.rows = cp.constraint_rows
        self.row_norms = np.sqrt(np.sum(self.rows * self.rows, axis=-1))
        d = cp.x.shape[1]
        self.small = d <= 2
        if self.small:
            rays = []
            for region, sigma in cp.patterns:
                vectors = [sigma * np.array([float(c) for c in ray]) for ray in cp.regions[region].rays]
                vectors = [v / np.linalg.norm(v) for v in vectors]
                rays.append(np.array(vectors * (3 - len(vectors)) if d == 2 else vectors * 2)[:2])
            self.rays = np.array(rays)  # (P, 2, d)
            basis = np.swapaxes(self.rays, 1, 2)
            self.inverse = np.array([np.linalg.pinv(b) for b in basis])  # (P, 2, d)
        else:
            self.projectors = _face_projectors(cp.x)

    def __call__(self, v: np.ndarray) -> np.ndarray:
        """Project ``v`` of shape (B, P, d)."""
        if self.small:
            coefficients = np.einsum("kjd,bkd->bkj", self.inverse, v)
            inside = np.all(coefficients >= 0, axis=-1) & np.all(np.abs(np.einsum("kjd,bkj->bkd", self.rays, coefficients) - v)
                                                                 <= 1e-12 * (1 + np.abs(v)), axis=-1)
            along = np.maximum(np.einsum("kjd,bkd->bkj", self.rays, v), 0.0)  # (B, P, 2)
            first = along[..., 0] >= along[..., 1]
            ray = np.where(first[..., None], self.rays[None, :, 0, :], self.rays[None, :, 1, :])
            length = np.where(first, along[..., 0], along[..., 1])[..., None]
            return np.where(inside[..., None], v, length * ray)
        candidates = np.tensordot(v, self.projectors, axes=([2], [2]))  # (B, P, c, d)
        slack = np.matmul(candidates, np.swapaxes(self.rows, 1, 2)[None])  # (B, P, c, n)
        lengths = np.sqrt(np.sum(candidates * candidates, axis=-1))
        feasible = np.all(slack >= -1e-12 * lengths[..., None] * self.row_norms[None, :, None, :], axis=-1)
        gaps = candidates - v[:, :, None, :]
        distance = np.where(feasible, np.sum(gaps * gaps, axis=-1), np.inf)
        best = np.argmin(distance, axis=-1)
        return np.take_along_axis(candidates, best[:, :, None, None], axis=2)[:, :, 0, :]


@dataclass(frozen=True, slots=True)
class SubsetSolutions:
    """Minimisers of the convex cone problems of a batch of pattern subsets.

    Attributes
    ----------
    subsets : ndarray of bool, shape (B, P)
    values : ndarray, shape (B,)
        ``F*_T``.
    z : ndarray, shape (B, P, d)
        Minimisers (zero outside the subset).
    residuals : ndarray, shape (B, n)
        ``f(x_i) - y_i`` at the minimiser.
    verified : ndarray of bool, shape (B,)
        Whether the KKT conditions hold at the polished minimiser (else the problem is unresolved).
    """

    subsets: np.ndarray
    values: np.ndarray
    z: np.ndarray
    residuals: np.ndarray
    verified: np.ndarray


def _objective(cp: ConeProblem, masks: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    prediction = np.sum((z @ cp.x.T) * masks, axis=1)
    residual = prediction - cp.y
    return cp.scale * np.sum(residual ** 2, axis=1) + cp.lam * np.sum(np.linalg.norm(z, axis=-1), axis=1), residual


def _fista(cp: ConeProblem, project: _Projector, subsets: np.ndarray, z: np.ndarray, iterations: int) -> np.ndarray:
    """Accelerated proximal gradient with adaptive restart, from ``z``, for a batch of subsets."""
    masks = cp.masks
    stacked = np.concatenate([masks[k][:, None] * cp.x for k in range(len(cp.patterns))], axis=1)
    step = 1.0 / (2 * cp.scale * np.linalg.norm(stacked, 2) ** 2)
    on = subsets[:, :, None].astype(float)
    momentum = z.copy()
    t = np.ones(len(z))
    value, _ = _objective(cp, masks, z)
    for _ in range(iterations):
        _, residual = _objective(cp, masks, momentum)
        gradient = 2 * cp.scale * ((residual[:, None, :] * masks[None]) @ cp.x)
        projected = project(momentum - step * gradient)
        norms = np.sqrt(np.sum(projected * projected, axis=-1, keepdims=True))
        shrunk = projected * np.maximum(0.0, 1.0 - step * cp.lam / np.maximum(norms, 1e-300)) * on
        new_value, _ = _objective(cp, masks, shrunk)
        restart = new_value > value
        t_next = np.where(restart, 1.0, (1 + np.sqrt(1 + 4 * t * t)) / 2)
        factor = np.where(restart, 0.0, (t - 1) / t_next)[:, None, None]
        momentum = shrunk + factor * (shrunk - z)
        z, value, t = shrunk, new_value, t_next
    return z


def solve_subsets(cp: ConeProblem, subsets: np.ndarray, *, iterations: int = _FISTA_ITERATIONS) -> SubsetSolutions:
    """Solve ``min F`` over ``z_k in sigma_k closure(R_k)``, ``k in T``, for every subset ``T`` of a batch.

    Parameters
    ----------
    cp : ConeProblem
    subsets : ndarray of bool, shape (B, P)
        Row ``b`` marks the neuron patterns in ``T_b``.
    iterations : int
        Accelerated proximal-gradient iterations before the first polish; problems that fail
        verification get four times as many more, once.

    Returns
    -------
    SubsetSolutions

    Notes
    -----
    Why ``min_{C^A} L = F*_T``: on ``C^A``, ``eps (a_j^2 + |u_j|^2) >= 2 eps |a_j| |u_j| = lambda |z_j|`` and
    ``a_j max(u_j . x_i, 0) = [i in R_j] z_j . x_i``, so ``L(theta) >= F(z(theta))``, with equality at
    balanced points; conversely ``z_j in sigma_j closure(R_j)`` is realised by the balanced
    ``a_j = sigma_j |z_j|^(1/2)``, ``u_j = sigma_j z_j / |z_j|^(1/2)``, which depends continuously on ``z``.
    A local minimum ``theta`` of ``L`` on ``C^A`` is balanced (rescaling ``(a_j, u_j) -> (c a_j, u_j / c)``
    stays in the cone); if ``F(z(theta)) > F*`` the segment towards a minimiser lifts to a path in
    ``C^A`` along which ``L`` decreases, so local minima on ``C^A`` attain ``F*_T``.
    """
    project = _Projector(cp)
    subsets = np.asarray(subsets, dtype=bool)
    z = np.zeros((len(subsets), len(cp.patterns), cp.x.shape[1]))
    verified = np.zeros(len(subsets), dtype=bool)
    todo = np.arange(len(subsets))
    for rounds in (iterations, 4 * iterations):
        z[todo] = _fista(cp, project, subsets[todo], z[todo], rounds)
        for b in todo:
            z[b], verified[b] = _polish(cp, project, subsets[b], z[b])
        todo = np.nonzero(~verified)[0]
        if not len(todo):
            break
    values, residuals = _objective(cp, cp.masks, z)
    return SubsetSolutions(subsets, values, z, residuals, verified)


def _null_basis(rows: np.ndarray, d: int) -> np.ndarray:
    if len(rows) == 0:
        return np.eye(d)
    _, sigma, vh = np.linalg.svd(rows)
    rank = int(np.sum(sigma > 1e-12 * sigma[0]))
    return vh[rank:].T


def _polish(cp: ConeProblem, project: _Projector, subset: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, bool]:
    """Newton's method on the faces the iterate identifies, then the KKT check."""
    masks, d, rows = cp.masks, cp.x.shape[1], project.rows
    scale = max(1e-300, float(np.max(np.linalg.norm(z, axis=-1), initial=0.0)))
    blocks, bases = [], []
    for k in np.nonzero(subset)[0]:
        if np.linalg.norm(z[k]) <= 1e-6 * scale:
            continue
        active = np.abs(rows[k] @ z[k]) <= 1e-6 * project.row_norms[k] * np.linalg.norm(z[k])
        basis = _null_basis(rows[k][active], d)
        if basis.shape[1] == 0:
            return z, False
        blocks.append(k)
        bases.append(basis)
    coefficients = np.concatenate([b.T @ z[k] for k, b in zip(blocks, bases)]) if blocks else np.zeros(0)
    sizes = np.cumsum([0] + [b.shape[1] for b in bases])
    big = np.concatenate([masks[k][:, None] * cp.x @ b for k, b in zip(blocks, bases)], axis=1) if blocks else None

    def value(c: np.ndarray) -> float:
        residual = big @ c - cp.y
        return cp.scale * float(residual @ residual) + cp.lam * sum(
            float(np.linalg.norm(c[sizes[i]:sizes[i + 1]])) for i in range(len(blocks)))

    for _ in range(40 if blocks else 0):
        residual = big @ coefficients - cp.y
        gradient = 2 * cp.scale * big.T @ residual
        hessian = 2 * cp.scale * big.T @ big
        for i in range(len(blocks)):
            q = coefficients[sizes[i]:sizes[i + 1]]
            norm = np.linalg.norm(q)
            gradient[sizes[i]:sizes[i + 1]] += cp.lam * q / norm
            hessian[sizes[i]:sizes[i + 1], sizes[i]:sizes[i + 1]] += cp.lam * (np.eye(len(q)) - np.outer(q, q) / norm ** 2) / norm
        delta = np.linalg.lstsq(hessian, gradient, rcond=1e-12)[0]
        current, step = value(coefficients), 1.0
        while step > 1e-8 and not value(coefficients - step * delta) <= current:
            step /= 2
        if step <= 1e-8:
            break
        coefficients = coefficients - step * delta
        if np.max(np.abs(step * delta)) <= 1e-15 * max(1.0, float(np.max(np.abs(coefficients)))):
            break
    polished = np.zeros_like(z)
    for i, (k, basis) in enumerate(zip(blocks, bases)):
        polished[k] = basis @ coefficients[sizes[i]:sizes[i + 1]]
    residual = np.sum((polished @ cp.x.T) * masks, axis=0) - cp.y
    margins = _margins(cp, project, residual, polished, [(k, k) for k in np.nonzero(subset)[0]])
    return polished, bool(min(margins, default=1.0) >= -_KKT_RTOL)


def _margins(cp: ConeProblem, project: _Projector, residual: np.ndarray, z: np.ndarray,
             pairs: list[tuple[int, int]]) -> list[float]:
    """Margins of the optimality condition of block ``z[k]`` read in the cone of pattern ``other``.

    For a zero block: ``(lambda - |P_C(-g)|) / lambda`` (``g`` the data gradient of ``other``'s
    pattern). For a nonzero block: the equality ``g + lambda z / |z| = A_E^T mu`` on the active rows
    ``E`` must hold (else the margin is -1) and the margin is ``min(mu) / lambda`` (1 without active
    rows). Nonnegative margins mean the condition holds.
    """
    gradients = 2 * cp.scale * ((residual[None, :] * cp.masks) @ cp.x)  # (P, d)
    projected = project(-gradients[None])[0]
    lam, rows = cp.lam, project.rows
    out = []
    for k, other in pairs:
        norm = np.linalg.norm(z[k])
        if norm == 0:
            out.append((lam - float(np.linalg.norm(projected[other]))) / lam)
            continue
        scale = project.row_norms[other] * norm
        slack = rows[other] @ z[k]
        if np.any(slack < -_KKT_RTOL * scale):
            out.append(-1.0)
            continue
        active = np.abs(slack) <= 1e-9 * scale
        target = gradients[other] + lam * z[k] / norm
        if not np.any(active):
            out.append(1.0 if np.linalg.norm(target) <= _KKT_RTOL * lam else -1.0)
            continue
        multipliers, *_ = np.linalg.lstsq(rows[other][active].T, target, rcond=None)
        if np.linalg.norm(rows[other][active].T @ multipliers - target) > _KKT_RTOL * lam:
            out.append(-1.0)
        else:
            out.append(float(np.min(multipliers)) / lam)
    return out


def local_minimum_test(cp: ConeProblem, z: np.ndarray, residual: np.ndarray, subset: np.ndarray) -> bool | None:
    """Whether the balanced point realising ``z`` (split evenly per pattern) is a local minimum of ``L``.

    For every pattern ``k`` in the subset and every neuron pattern whose closed cone contains that
    neuron (all of them for a zero neuron; for a nonzero one the same sign and the regions whose
    closure contains its direction), the convex optimality condition must hold with the common
    residual (see :func:`_margins`). ``None`` when the smallest margin is within the tolerance.
    """
    return _local_minimum(cp, _Projector(cp), z, residual, subset)


def _local_minimum(cp: ConeProblem, project: _Projector, z: np.ndarray, residual: np.ndarray,
                   subset: np.ndarray) -> bool | None:
    pairs = []
    for k in np.nonzero(subset)[0]:
        region, sigma = cp.patterns[k]
        direction = sigma * z[k]
        size = np.linalg.norm(direction)
        values = cp.x @ direction
        nonzero = np.abs(values) > 1e-9 * np.linalg.norm(cp.x, axis=1) * size
        for other, (other_region, other_sigma) in enumerate(cp.patterns):
            if size > 0:
                signs = np.array(cp.regions[other_region].signs)
                if other_sigma != sigma or np.any(np.sign(values[nonzero]) != signs[nonzero]):
                    continue
            pairs.append((k, other))
    worst = min(_margins(cp, project, residual, z, pairs), default=1.0)
    if abs(worst) <= 1e3 * _KKT_RTOL:
        return None
    return worst > 0


# -- fractions over all cones ----------------------------------------------------------------------

def surjections(m: int, k: int) -> int:
    """Maps of ``m`` neurons onto ``k`` given patterns: ``sum_i (-1)^i C(k, i) (k - i)^m``.

    Examples
    --------
    >>> surjections(3, 2), surjections(2, 3)
    (6, 0)
    """
    return sum((-1) ** i * comb(k, i) * (k - i) ** m for i in range(k + 1))


@dataclass(frozen=True, slots=True)
class ConeFractions:
    """Fractions of all ``P^m`` activation cones (see the module notes), per width.

    Attributes
    ----------
    widths : tuple of int
    global_fraction, spurious_fraction, undecided_fraction : tuple of Fraction
        Cones containing a global minimum; a spurious local minimum; cones whose answer rests on
        an unresolved solve or a margin within tolerance.
    global_minimum : tuple of float
        ``L*(m)``.
    patterns : int
        ``P``, the number of neuron patterns.
    unresolved_subsets : int
        Convex problems whose KKT verification failed.
    """

    widths: tuple[int, ...]
    global_fraction: tuple[Fraction, ...]
    spurious_fraction: tuple[Fraction, ...]
    undecided_fraction: tuple[Fraction, ...]
    global_minimum: tuple[float, ...]
    patterns: int
    unresolved_subsets: int


def cone_fractions(cp: ConeProblem, widths, *, iterations: int = _FISTA_ITERATIONS) -> ConeFractions:
    """Exact fractions, over all cones of each width, containing a global / a spurious local minimum.

    Every non-empty subset ``T`` of the ``P`` neuron patterns is solved once (``2^P - 1`` convex
    problems, batched), so keep ``P <= 14`` or so.

    Parameters
    ----------
    cp : ConeProblem
    widths : iterable of int
    iterations : int

    Returns
    -------
    ConeFractions
    """
    count = len(cp.patterns)
    if count > 16:
        raise SpecError("data.x", f"{count} neuron patterns: enumerating all {2 ** count} subsets is too expensive.",
                        "Use fewer data points or a smaller input dimension.")
    subsets = np.array([[(bits >> k) & 1 for k in range(count)] for bits in range(1, 2 ** count)], dtype=bool)
    solutions = solve_subsets(cp, subsets, iterations=iterations)
    sizes = subsets.sum(axis=1)
    project = _Projector(cp)
    local = [_local_minimum(cp, project, solutions.z[b], solutions.residuals[b], subsets[b]) if solutions.verified[b]
             else None for b in range(len(subsets))]
    widths = tuple(widths)
    glob, spur, undecided, best = [], [], [], []
    for m in widths:
        usable = sizes <= m
        lowest = float(np.min(solutions.values[usable]))
        tolerance = _VALUE_RTOL * max(1.0, abs(lowest))
        unsure_minimum = bool(np.any(~solutions.verified[usable] & (solutions.values[usable] <= lowest + 1e-4)))
        counts = [0, 0, 0]
        for b in np.nonzero(usable)[0]:
            weight = surjections(m, int(sizes[b]))
            if not solutions.verified[b] or unsure_minimum:
                counts[2] += weight
            elif solutions.values[b] <= lowest + tolerance:
                counts[0] += weight
            elif local[b] is None:
                counts[2] += weight
            elif local[b]:
                counts[1] += weight
        total = count ** m
        glob.append(Fraction(counts[0], total))
        spur.append(Fraction(counts[1], total))
        undecided.append(Fraction(counts[2], total))
        best.append(lowest)
    return ConeFractions(widths, tuple(glob), tuple(spur), tuple(undecided), tuple(best), count,
                         int(np.sum(~solutions.verified)))
