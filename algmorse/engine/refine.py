"""Newton refinement of backend endpoints against the exact gradient, and deduplication.

Nothing a backend returns is trusted as is: every endpoint is refined by Newton's method on our
own gradient (with the exact Hessian as Jacobian), accepted only when the residual is at the
rounding level of its evaluation scale, snapped to the real space when its imaginary part is
negligible (and re-refined in real arithmetic), and merged with points already found. Since the
loss has real coefficients and is invariant under its verified symmetries, the found set is
closed under complex conjugation and under the symmetry group: images of a found point are
critical points too, so a run that missed them cannot hide them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..model.numeric import NumericSystem
from ..model.options import Tolerances
from ..model.symmetry import SignedPermutation, orbit
from .certify import CertifiedPoint, disjoint_boxes, transported
from .rational_points import ExactPoint

__all__ = ["RefinedPoint", "newton", "refine_point", "relative_residual", "PointSet"]

_MAX_ITERATIONS = 80


@dataclass(frozen=True, slots=True)
class RefinedPoint:
    """A point accepted as critical.

    Attributes
    ----------
    coordinates : ndarray of complex, shape (n,)
        Exactly real (zero imaginary parts) when the point was recognised as real.
    is_real : bool
    residual : float
        ``max_j |dL/da_j| / scale_j``: the gradient relative to its evaluation scale.
    certified : CertifiedPoint or None
        The interval certificate of the point (see :mod:`algmorse.engine.certify`), if one was found.
    exact : ExactPoint or None
        An exact proof at a rational point (see :mod:`algmorse.engine.rational_points`), if one was found.
    """

    coordinates: np.ndarray
    is_real: bool
    residual: float
    certified: CertifiedPoint | None = None
    exact: ExactPoint | None = None

    @property
    def proven(self) -> bool:
        """Whether a certificate or an exact proof backs the point as an isolated critical point."""
        return self.certified is not None or (self.exact is not None and self.exact.dimension == 0)


def _exact_key(coordinates: np.ndarray) -> bytes:
    """The coordinates' bits, -0.0 read as 0.0: signed permutations and conjugation are exact in
    floating point, so one image reached along two words of the group has one key (an orbit of
    thousands of points is closed in linear time)."""
    return (np.asarray(coordinates, dtype=complex) + 0.0).tobytes()


def _image_point(refined: RefinedPoint, symmetry: SignedPermutation | None) -> RefinedPoint:
    """The image of a certified point under an exact symmetry (``None``: complex conjugation).

    Its residual is the point's: a signed permutation of the variables that leaves the loss
    unchanged permutes and negates the gradient's components and their evaluation scales alike,
    and conjugation conjugates them (real coefficients).
    """
    certified = transported(refined.certified, symmetry)
    coordinates = certified.center.real.astype(complex) if refined.is_real else certified.center
    return RefinedPoint(coordinates, refined.is_real, refined.residual, certified)


def relative_residual(numeric: NumericSystem, point: np.ndarray) -> float:
    """``max_j |g_j(a)| / s_j``: the gradient relative to its evaluation scale.

    ``s_j`` is the sum of ``|terms|`` of ``g_j`` at ``|a| + sqrt(eps) max(1, |a|)`` (see
    ``NumericSystem.scales``), so that a gradient made of one vanishing term (``3 x^2`` at
    ``x = 1e-17``) is not judged against its own value.
    """
    gradient = numeric.gradient(point)
    delta = np.sqrt(np.finfo(float).eps) * max(1.0, float(np.max(np.abs(point), initial=0.0)))
    scale, _ = numeric.scales(point, delta)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(scale > 0, np.abs(gradient) / np.where(scale > 0, scale, 1.0), 0.0)
    return float(np.max(ratios, initial=0.0))


def _newton_step(numeric: NumericSystem, point: np.ndarray) -> np.ndarray:
    """The minimum-norm Newton step ``D pinv(D H D) D g`` on the equilibrated Hessian.

    ``D`` is the diagonal row scaling of :func:`row_scaling`; singular values below
    ``1e-11`` of the largest are truncated, so that near a positive-dimensional component the
    step does not wander along it (a plain solve amplifies rounding along the null direction).
    """
    gradient, hessian = numeric.gradient_and_hessian(point)
    d = row_scaling(numeric, point)
    scaled = hessian * d[:, None] * d[None, :]
    return d * (np.linalg.pinv(scaled, rcond=1e-11, hermitian=not np.iscomplexobj(scaled)) @ (d * gradient))


def row_scaling(numeric: NumericSystem, point: np.ndarray) -> np.ndarray:
    """``D_i = 1 / sqrt(max_j s_ij)`` from the Hessian's evaluation scale on a ``sqrt(eps)`` ball."""
    delta = np.sqrt(np.finfo(float).eps) * max(1.0, float(np.max(np.abs(point), initial=0.0)))
    _, scale = numeric.scales(point, delta)
    rows = scale.max(axis=1)
    return np.where(rows > 0, 1.0 / np.sqrt(np.where(rows > 0, rows, 1.0)), 1.0)


def newton(numeric: NumericSystem, start: np.ndarray) -> tuple[np.ndarray, bool]:
    """Newton's method on ``grad L = 0`` from ``start``.

    Steps are minimum-norm (see :func:`_newton_step`), so the iteration also converges
    (linearly) to multiple points and to points on positive-dimensional components.

    Returns
    -------
    point : ndarray
        The last iterate whose step was decreasing.
    converged : bool
        Whether the steps reached the rounding level of the point.
    """
    point = np.array(start, dtype=complex if np.iscomplexobj(start) else float)
    previous_step = np.inf
    for _ in range(_MAX_ITERATIONS):
        if not np.all(np.isfinite(point)):
            return point, False
        try:
            step = _newton_step(numeric, point)
        except np.linalg.LinAlgError:
            return point, False
        size = float(np.max(np.abs(step), initial=0.0))
        magnitude = max(1.0, float(np.max(np.abs(point))))
        if size > 2 * previous_step and previous_step < 1e-6 * magnitude:
            break
        point = point - step
        if size <= 4 * np.finfo(float).eps * magnitude:
            return point, True
        previous_step = size
    converged = previous_step <= 1e-10 * max(1.0, float(np.max(np.abs(point))))
    return point, converged


def refine_point(numeric: NumericSystem, start: np.ndarray, tolerances: Tolerances) -> RefinedPoint | None:
    """Refine one endpoint; return ``None`` if it is not a critical point.

    The point is refined in complex arithmetic; if ``max |Im a_j| <= real_atol + real_rtol *
    max |a_j|`` its imaginary part is dropped and it is refined again in real arithmetic.
    """
    point, converged = newton(numeric, np.asarray(start, dtype=complex))
    if not converged or not np.all(np.isfinite(point)):
        return None
    size = float(np.max(np.abs(point), initial=0.0))
    if float(np.max(np.abs(point.imag), initial=0.0)) <= tolerances.real_atol + tolerances.real_rtol * size:
        real_point, real_converged = newton(numeric, point.real.copy())
        if real_converged and relative_residual(numeric, real_point) <= tolerances.residual_rtol:
            real = RefinedPoint(real_point.astype(complex), True, relative_residual(numeric, real_point))
            return _snap_zeros(numeric, real, tolerances)
    residual = relative_residual(numeric, point)
    if residual > tolerances.residual_rtol:
        return None
    return _snap_zeros(numeric, RefinedPoint(point, False, residual), tolerances)


def _snap_zeros(numeric: NumericSystem, refined: RefinedPoint, tolerances: Tolerances) -> RefinedPoint:
    """Set real or imaginary parts below ``1e-12 max(1, |a|)`` to exactly zero if the residual stays small.

    Points on a coordinate subspace that the gradient flow leaves invariant (a hidden unit
    with zero incoming and outgoing weights, see ``solving-strategy.md``) come back from a
    backend with coordinates like ``1e-90``; writing them as 0 is both truer and clearer.
    """
    point = refined.coordinates
    limit = 1e-12 * max(1.0, float(np.max(np.abs(point), initial=0.0)))
    real, imag = point.real, point.imag
    tiny_real = (np.abs(real) < limit) & (real != 0)
    tiny_imag = (np.abs(imag) < limit) & (imag != 0)
    if not (tiny_real.any() or tiny_imag.any()):
        return refined
    snapped = np.where(tiny_real, 0.0, real) + 1j * np.where(tiny_imag, 0.0, imag)
    residual = relative_residual(numeric, snapped)
    if residual > tolerances.residual_rtol:
        return refined
    return RefinedPoint(snapped, refined.is_real, residual)


class PointSet:
    """Distinct refined points.

    Certified points are told apart by their boxes: a certified point is new unless its box
    meets the box of a certified point already in the set, however close the two are (two
    disjoint boxes hold two distinct zeros), and it replaces the uncertified points within
    the tolerance below (approximations of it, or the midpoint of the cluster it belongs to).
    Other points are the same when ``max_j |a_j - b_j| <= dedup_atol + dedup_rtol * max(1,
    max_j |a_j|)``; :meth:`contains` uses that tolerance for every point.
    """

    def __init__(self, tolerances: Tolerances) -> None:
        self._tolerances = tolerances
        self.clear()

    def __len__(self) -> int:
        return len(self.points)

    def same(self, a: np.ndarray, b: np.ndarray) -> bool:
        """Whether ``a`` and ``b`` are the same point within tolerance."""
        tol = self._tolerances.dedup_atol + self._tolerances.dedup_rtol * max(1.0, float(np.max(np.abs(a))))
        return float(np.max(np.abs(a - b))) <= tol

    def contains(self, point: np.ndarray) -> bool:
        """Whether a point equal (within tolerance) to ``point`` is in the set."""
        if self._matrix is None or not len(self._matrix):
            return False
        tol = self._tolerances.dedup_atol + self._tolerances.dedup_rtol * max(1.0, float(np.max(np.abs(point))))
        return bool(np.any(np.max(np.abs(self._matrix - point), axis=1) <= tol))

    def clear(self) -> None:
        """Remove every point."""
        self.points = []
        self._matrix = None
        self._certified: list[int] = []
        self._lower: np.ndarray | None = None
        self._upper: np.ndarray | None = None

    def _boxes_meeting(self, certified: CertifiedPoint) -> list[int]:
        """Indices of the certified points whose float bounds meet ``certified``'s: the only ones
        whose boxes can overlap it (:func:`~algmorse.engine.certify.disjoint_boxes` decides)."""
        if self._lower is None:
            return []
        meets = np.all(self._lower <= certified.upper, axis=1) & np.all(certified.lower <= self._upper, axis=1)
        return [self._certified[k] for k in np.flatnonzero(meets)]

    def add(self, refined: RefinedPoint) -> bool:
        """Add a point unless already present (see the class notes); return whether it was new."""
        if refined.certified is None:
            if self.contains(refined.coordinates):
                return False
        else:
            if any(disjoint_boxes([self.points[i].certified, refined.certified])
                   for i in self._boxes_meeting(refined.certified)):
                return False
            self._remove_uncertified_near(refined.coordinates)
        self._append(refined)
        return True

    def remove(self, refined: RefinedPoint) -> None:
        """Remove one point (compared by identity)."""
        keep = [p for p in self.points if p is not refined]
        self.clear()
        for p in keep:
            self._append(p)

    def _remove_uncertified_near(self, point: np.ndarray) -> None:
        near = [p for p in self.points if p.certified is None and p.exact is None and self.same(point, p.coordinates)]
        for p in near:
            self.remove(p)

    def _append(self, refined: RefinedPoint) -> None:
        self.points.append(refined)
        row = refined.coordinates.reshape(1, -1)
        self._matrix = row if self._matrix is None else np.vstack([self._matrix, row])
        if refined.certified is not None:
            self._certified.append(len(self.points) - 1)
            lower, upper = refined.certified.lower.reshape(1, -1), refined.certified.upper.reshape(1, -1)
            self._lower = lower if self._lower is None else np.vstack([self._lower, lower])
            self._upper = upper if self._upper is None else np.vstack([self._upper, upper])

    def _certified_images(self, refined: RefinedPoint, symmetries: tuple[SignedPermutation, ...]) -> list[RefinedPoint]:
        """Every image of a certified point under the group ``symmetries`` and conjugation
        generate (the point itself left out), each with its transported certificate."""
        members = [refined]
        if not refined.is_real:
            members.append(_image_point(refined, None))
        seen = {_exact_key(m.coordinates) for m in members}
        frontier = list(members)
        while frontier:
            new = []
            for point in frontier:
                for g in symmetries:
                    image = _image_point(point, g)
                    key = _exact_key(image.coordinates)
                    if key not in seen:
                        seen.add(key)
                        members.append(image)
                        new.append(image)
            frontier = new
        return [m for m in members[1:] if not self.contains(m.coordinates)]

    def add_with_images(
        self,
        refined: RefinedPoint,
        numeric: NumericSystem,
        symmetries: tuple[SignedPermutation, ...],
        tolerances: Tolerances,
        refine: Callable[[np.ndarray], RefinedPoint | None] | None = None,
    ) -> int:
        """Add a point, its complex conjugate and all their images under ``symmetries``.

        The images of a certified point get its certificate, transported (see
        :func:`~algmorse.engine.certify.transported`: one Krawczyk test per orbit). Those of an
        uncertified one are re-refined (each is exactly critical in exact arithmetic; refinement
        only removes rounding), by ``refine`` if given, else by :func:`refine_point`. Returns
        the number of new points.
        """
        refine = refine or (lambda start: refine_point(numeric, start, tolerances))
        if not self.add(refined):
            return 0
        if refined.certified is not None:
            return 1 + sum(self.add(image) for image in self._certified_images(refined, symmetries))
        seeds = [refined.coordinates]
        if not refined.is_real:
            seeds.append(refined.coordinates.conj())
        added = 1
        for seed in seeds:
            for image in orbit(seed, symmetries, self.same):
                if self.contains(image):
                    continue
                image_refined = refine(image)
                if image_refined is not None and self.add(image_refined):
                    added += 1
        return added
