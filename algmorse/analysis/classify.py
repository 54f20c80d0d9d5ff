"""Classification of isolated critical points: Hessian spectrum, rank, Morse index.

Rank with scaling and a noise bound
-----------------------------------
A relative singular-value threshold on the raw Hessian calls regular points degenerate when the
coordinates have very different sizes (``shared/notes/phcpack-backend-facts.md``, "rank
pitfall": at ``w = (-0.0698, -16.2)`` the Hessian's singular values differ by 1e-7, yet the point
is regular). So the decision compares the Hessian with a bound on its own error:

* the error matrix ``E``: rounding (``64 eps`` times each entry's evaluation scale, the sum of the
  absolute values of its terms) plus the effect of the point's uncertainty ``delta``, bounded by
  the growth of the evaluation scale from ``|a|`` to ``|a| + delta``. The uncertainty is the
  first-order forward error ``|H^-1| (|g| + rounding of g)`` (times 10): near a singular Hessian
  a root is poorly determined (a double root is only known to ``sqrt(eps)``), and the noise bound
  says so;
* equilibration ``S = D H D``, ``N = D E D`` with ``D_i = 1 / sqrt(max_j s_ij)`` (``s`` the scale
  at ``|a| + delta``), which makes the comparison independent of the variables' units
  (singularity and inertia are invariant under this congruence);
* a noise level per singular value: to first order an error ``N`` moves ``sigma_k`` by
  ``u_k^T N v_k``, so ``nu_k = |u_k|^T |N| |v_k|`` (at least ``n eps``) bounds it. A single row
  dominated by noise then only makes its own direction look zero.

The rank counts singular values with ``sigma_k > noise_factor * nu_k``. A point is degenerate
(numerically singular Hessian) when some ``sigma_k <= noise_factor * nu_k``, nondegenerate when
every ``sigma_k > noise_factor * nondegenerate_margin * nu_k``, and undetermined (``None``) in
between.
The Morse index is the number of negative eigenvalues of ``S``, equal to that of ``H``
(Sylvester's law of inertia).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import networkx
import numpy as np
from flint import acb

from ..engine.certify import Certificate
from ..engine.rational_points import ExactPoint
from ..engine.refine import RefinedPoint
from ..model.numeric import NumericSystem
from ..model.options import Tolerances
from ..model.system import PolynomialSystem
from .multiplicity import local_structure

__all__ = ["CriticalPoint", "classify_point", "classify_refined", "classify_points", "equilibrated_hessian"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CriticalPoint:
    """One isolated critical point and its classification.

    Attributes
    ----------
    coordinates : tuple of complex
        In the order of the catalog's ``variables``.
    is_real : bool
    loss : complex, float or None
        ``L`` at the point (a float for real points); ``None`` for a square system's solution
        (there is no loss).
    hessian_eigenvalues : tuple of complex
        Eigenvalues of the Hessian (real and ascending for real points, where the Hessian is
        symmetric; sorted by real then imaginary part otherwise).
    hessian_rank : int
        Numerical rank of the equilibrated Hessian (see module notes).
    hessian_min_singular_value : float
        Smallest singular value of the equilibrated Hessian.
    hessian_noise_level : float
        Error bound of the singular value closest to its own noise (see module notes); the
        point is nondegenerate when every singular value is far above its bound.
    nondegenerate : bool or None
        ``None`` when the smallest singular value is in the undetermined band.
    morse_index : int or None
        Number of negative Hessian eigenvalues; ``None`` unless real and nondegenerate.
    multiplicity : int or None
        1 for a nondegenerate point; for a degenerate or undetermined one, the dimension of
        its local dual space when that closes (see :mod:`algmorse.analysis.multiplicity`); ``None``
        when it does not close within the computation budget (typically a point on a
        positive-dimensional component).
    isolated : bool or None
        ``True`` when the point is proven isolated (invertible Hessian, or closed dual space);
        ``None`` when not established.
    residual : float
        Gradient size relative to its evaluation scale after refinement.
    orbit : int
        Index of the symmetry orbit (points related by a verified symmetry share it).
    certificate : Certificate or None
        The interval proof that a box around the point holds exactly one critical point, which
        is nondegenerate (see :mod:`algmorse.engine.certify`); ``None`` when not certified.
    exact_point : ExactPoint or None
        An exact proof at a rational point: its coordinates, local dimension and multiplicity
        (see :mod:`algmorse.engine.rational_points`); ``None`` when there is none.
    """

    coordinates: tuple[complex, ...]
    is_real: bool
    loss: complex | None
    hessian_eigenvalues: tuple[complex, ...]
    hessian_rank: int
    hessian_min_singular_value: float
    hessian_noise_level: float
    nondegenerate: bool | None
    morse_index: int | None
    multiplicity: int | None
    isolated: bool | None
    residual: float
    orbit: int = 0
    certificate: Certificate | None = None
    exact_point: ExactPoint | None = None

    def __post_init__(self) -> None:
        """A real point has float coordinates, loss and Hessian eigenvalues (no ``.real`` needed)."""
        if self.is_real:
            object.__setattr__(self, "coordinates", tuple(float(complex(z).real) for z in self.coordinates))
            if self.loss is not None:
                object.__setattr__(self, "loss", float(complex(self.loss).real))
            if all(complex(e).imag == 0 for e in self.hessian_eigenvalues):
                object.__setattr__(self, "hessian_eigenvalues",
                                   tuple(float(complex(e).real) for e in self.hessian_eigenvalues))

    def __repr__(self) -> str:
        index = "" if self.morse_index is None else f", index {self.morse_index}"
        coordinates = ", ".join(f"{complex(z).real:.4g}" if self.is_real else f"{complex(z):.3g}"
                                for z in self.coordinates[:6]) + (", ..." if len(self.coordinates) > 6 else "")
        if self.loss is None:
            loss = ""
        else:
            loss = f", loss {self.loss:.6g}" if self.is_real else f", loss {complex(self.loss):.4g}"
        return (f"<CriticalPoint {self.kind}{index}{loss}, {'certified' if self.certified else 'not certified'}"
                f", at ({coordinates})>")

    def _repr_html_(self) -> str:
        import html

        return f"<code>{html.escape(repr(self))}</code>"

    @property
    def certified(self) -> bool:
        """Whether an interval certificate proves the point (and its nondegeneracy)."""
        return self.certificate is not None

    @property
    def proven(self) -> bool:
        """Whether the point is proven an isolated critical point (certificate or exact proof)."""
        return self.certificate is not None or (self.exact_point is not None and self.exact_point.dimension == 0)

    @property
    def kind(self) -> str:
        """``"minimum"``, ``"maximum"``, ``"saddle"`` (real nondegenerate points), ``"degenerate"``,
        ``"undetermined"`` or ``"complex"``; ``"regular"`` for a real nondegenerate solution of a
        square system that is not a gradient."""
        if not self.is_real:
            return "complex"
        if self.nondegenerate is None:
            return "undetermined"
        if not self.nondegenerate:
            return "degenerate"
        if self.morse_index is None:
            return "regular"  # a real nondegenerate solution of a square system (no Morse index)
        if self.morse_index == 0:
            return "minimum"
        if self.morse_index == len(self.coordinates):
            return "maximum"
        return "saddle"


def equilibrated_hessian(numeric: NumericSystem, point: np.ndarray, *, rcond: float = 1e-15) -> tuple[np.ndarray, np.ndarray]:
    """The equilibrated Hessian ``S = D H D`` at ``point`` and the bound ``N`` on its error.

    See the module notes for the error model. Rows whose scale is zero are exact zero rows of
    ``H`` and are left unscaled. ``rcond`` is passed to :func:`_position_uncertainty`.
    """
    _, scaled, noise = _equilibrated(numeric, point, rcond)
    return scaled, noise


def _equilibrated(numeric: NumericSystem, point: np.ndarray, rcond: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Hessian, and :func:`equilibrated_hessian`'s ``S`` and ``N``, from one evaluation of
    the gradient and Hessian and one of their scales at the point."""
    eps = np.finfo(float).eps
    size = max(1.0, float(np.max(np.abs(point), initial=0.0)))
    gradient, hessian = numeric.gradient_and_hessian(point)
    gradient_scale, scale_here = numeric.scales(point)
    delta = _position_uncertainty(gradient, hessian, gradient_scale, scale_here, point, rcond=rcond)
    _, scale_ball = numeric.scales(point, np.minimum(delta, size))
    error = (scale_ball - scale_here) + 64 * eps * scale_here
    d = _row_scaling(scale_ball)
    congruence = d[:, None] * d[None, :]
    return hessian, hessian * congruence, error * congruence


def _row_scaling(scale: np.ndarray) -> np.ndarray:
    rows = scale.max(axis=1)
    return np.where(rows > 0, 1.0 / np.sqrt(np.where(rows > 0, rows, 1.0)), 1.0)


def _position_uncertainty(gradient: np.ndarray, hessian: np.ndarray, gradient_scale: np.ndarray,
                          hessian_scale: np.ndarray, point: np.ndarray, rcond: float = 1e-15) -> np.ndarray:
    """Per-coordinate bound on how far the true critical point may be from ``point``, given the
    gradient, Hessian and their evaluation scales there.

    The gradient is known only up to its residual plus rounding (``64 eps`` times its
    evaluation scale); to first order the root moves by ``|H^-1|`` times that (computed as
    ``D |S^+| D`` in the equilibrated frame, so bad units do not inflate it). Near a singular
    Hessian this is large, as it should be: the point is then poorly determined. The result is
    multiplied by 10 for safety and is at least ``eps max(1, |a|)``. Directions whose equilibrated
    Hessian singular value is below ``rcond`` times the largest are left out of the inverse: the
    default keeps all but exact null directions (an isolated point); a point on a component
    passes a larger ``rcond``, since moving along the component does not move it off the set.
    """
    eps = np.finfo(float).eps
    d = _row_scaling(hessian_scale)
    scaled = hessian * d[:, None] * d[None, :]
    inverse = np.abs(np.linalg.pinv(scaled, rcond=rcond))
    uncertainty = d * (inverse @ (d * (np.abs(gradient) + 64 * eps * gradient_scale)))
    size = max(1.0, float(np.max(np.abs(point), initial=0.0)))
    return np.maximum(10.0 * uncertainty, eps * size)


def singular_values_with_noise(scaled: np.ndarray, noise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Singular values ``sigma_k`` of ``scaled`` and first-order bounds ``nu_k`` on their errors."""
    u, sigma, vh = np.linalg.svd(scaled)
    bounds = np.einsum("ik,ij,kj->k", np.abs(u), noise, np.abs(vh))
    return sigma, np.maximum(bounds, len(sigma) * np.finfo(float).eps)


def classify_point(
    numeric: NumericSystem,
    point: np.ndarray,
    *,
    is_real: bool,
    residual: float,
    tolerances: Tolerances,
    orbit: int = 0,
    certificate: Certificate | None = None,
) -> CriticalPoint:
    """Classify a refined critical point.

    Parameters
    ----------
    numeric : NumericSystem
        Evaluator of the loss and its derivatives.
    point : ndarray
        Refined coordinates (exactly real if ``is_real``).
    is_real : bool
    residual : float
    tolerances : Tolerances
    orbit : int
    certificate : Certificate, optional
        An interval certificate of the point: it proves nondegeneracy (and, when it has one,
        the Morse index), whatever the double-precision noise model says.

    Returns
    -------
    CriticalPoint

    Examples
    --------
    >>> from algmorse.model.network import FunctionProblem
    >>> from algmorse.model.system import build_system
    >>> numeric = build_system(FunctionProblem(("x", "y"), "x^2 - y^2")).numeric
    >>> p = classify_point(numeric, np.zeros(2), is_real=True, residual=0.0, tolerances=Tolerances())
    >>> p.kind, p.morse_index, p.hessian_rank
    ('saddle', 1, 2)
    """
    value: complex | None = complex(numeric.loss(point))
    hessian, scaled, noise = _equilibrated(numeric, point, 1e-15)
    sigma, bounds = singular_values_with_noise(scaled, noise)
    ratios = sigma / (tolerances.noise_factor * bounds)
    rank = int(np.sum(ratios > 1))
    if np.all(ratios > tolerances.nondegenerate_margin):
        nondegenerate: bool | None = True
    elif np.any(ratios <= 1):
        nondegenerate = False
    else:
        nondegenerate = None
    if certificate is not None:
        nondegenerate, rank = True, len(point)
        if certificate.loss is not None:  # the enclosure is tighter than double precision's cancellation
            value = complex(sum(certificate.loss) / 2, value.imag)
    weakest = int(np.argmin(ratios))
    if not numeric.symmetric:  # a square system's Jacobian: rank and multiplicity, no spectrum or index
        eigenvalues: tuple[complex, ...] = ()
        morse_index = None
        value = None
    elif is_real:
        real_hessian = hessian.real
        eigenvalues = tuple(complex(v) for v in np.linalg.eigvalsh((real_hessian + real_hessian.T) / 2))
        inertia = np.linalg.eigvalsh((scaled.real + scaled.real.T) / 2)
        morse_index = int(np.sum(inertia < 0)) if nondegenerate else None
        if certificate is not None and certificate.morse_index is not None:
            morse_index = certificate.morse_index
        value = complex(value.real)
    else:
        eigenvalues = tuple(sorted((complex(v) for v in np.linalg.eigvals(hessian)), key=lambda z: (z.real, z.imag)))
        morse_index = None
    structure = None if nondegenerate else local_structure(numeric, point)
    return CriticalPoint(
        coordinates=tuple(complex(c) for c in point),
        is_real=is_real,
        loss=value,
        hessian_eigenvalues=eigenvalues,
        hessian_rank=rank,
        hessian_min_singular_value=float(sigma.min()),
        hessian_noise_level=float(bounds[weakest]),
        nondegenerate=nondegenerate,
        morse_index=morse_index,
        multiplicity=1 if nondegenerate else structure.multiplicity,
        isolated=True if nondegenerate else structure.isolated,
        residual=residual,
        orbit=orbit,
        certificate=certificate,
    )


def classify_refined(numeric: NumericSystem, refined: RefinedPoint, tolerances: Tolerances, orbit: int = 0) -> CriticalPoint:
    """:func:`classify_point` of a refined point (real arithmetic for real points)."""
    point = refined.coordinates.real if refined.is_real else refined.coordinates
    certificate = refined.certified.certificate if refined.certified is not None else None
    return classify_point(numeric, point, is_real=refined.is_real, residual=refined.residual,
                          tolerances=tolerances, orbit=orbit, certificate=certificate)


def classify_points(system: PolynomialSystem, refined: list[RefinedPoint], tolerances: Tolerances) -> tuple[CriticalPoint, ...]:
    """Classify refined points, in canonical order, with their symmetry orbits numbered.

    Canonical order: real before complex, then by loss, then by coordinates (rounded to 8
    digits, so that two solves that found the same set list it identically).
    """
    numeric = system.numeric
    order = sorted(range(len(refined)), key=lambda i: _canonical_key(numeric, refined[i]))
    ordered = [refined[i] for i in order]
    orbit_of = _orbits(system, ordered, tolerances)
    first: dict[int, int] = {}
    points: list[CriticalPoint] = []
    for i, p in enumerate(ordered):
        known = first.setdefault(orbit_of[i], i)
        if known != i and p.certified is not None and ordered[known].certified is not None:
            points.append(_certified_image(points[known], p, numeric))
        else:
            points.append(_as_proven(classify_refined(numeric, p, tolerances, orbit=orbit_of[i]), p.exact))
    return tuple(points)


def _certified_image(classified: CriticalPoint, image: RefinedPoint, numeric: NumericSystem) -> CriticalPoint:
    """The classification of a certified point's certified image under a symmetry of the loss.

    A signed permutation ``g`` is orthogonal and ``H(g a) = g H(a) g^T``: the image has the same
    loss, Hessian spectrum, rank, singular values and Morse index, so only what belongs to the
    image itself is taken from it: coordinates, residual, certificate (which proves it
    nondegenerate on its own, and its Morse index when it has one) and the certified loss.
    """
    certificate = image.certified.certificate
    loss = classified.loss
    if loss is not None and certificate.loss is not None:
        loss = complex(sum(certificate.loss) / 2, complex(numeric.loss(image.coordinates)).imag)  # real: made real
    morse_index = classified.morse_index if certificate.morse_index is None else certificate.morse_index
    return replace(classified, coordinates=tuple(complex(c) for c in image.coordinates), loss=loss,
                   residual=image.residual, certificate=certificate, morse_index=morse_index)


def _as_proven(point: CriticalPoint, exact: ExactPoint | None) -> CriticalPoint:
    """What the catalog may say of a point: degeneracy, multiplicity and isolation only when proven.

    A certified point keeps its classification (the certificate proves it nondegenerate). An
    exact proof at a rational point gives its multiplicity. Any other point is undetermined:
    its Hessian's numerical rank and smallest singular value are kept for the reader, but no
    degeneracy, multiplicity, isolation or Morse index is claimed for it.
    """
    if point.certificate is not None:
        return point
    if exact is not None and exact.dimension == 0 and exact.multiplicity is not None:
        simple = exact.multiplicity == 1
        return replace(point, exact_point=exact, multiplicity=exact.multiplicity, isolated=True,
                       nondegenerate=simple, morse_index=point.morse_index if simple else None)
    return replace(point, nondegenerate=None, multiplicity=None, isolated=None, morse_index=None)


def _canonical_key(numeric: NumericSystem, point: RefinedPoint) -> tuple:
    loss = complex(numeric.loss(point.coordinates))
    coords = tuple((round(c.real, 8), round(c.imag, 8)) for c in point.coordinates)
    return (not point.is_real, round(loss.real, 8), round(loss.imag, 8), coords)


def _boxes_tell_apart(g, p: RefinedPoint, q: RefinedPoint) -> bool:
    """Whether certified boxes prove ``g p`` and ``q`` distinct (points closer than the tolerance,
    e.g. 1 + 1e-16 and 1 - 1e-16, are still two orbits when their boxes say so)."""
    if p.certified is None or q.certified is None or not p.certified.box or not q.certified.box:
        return False
    image = [p.certified.box[g.source[k]] if g.signs[k] > 0 else -p.certified.box[g.source[k]]
             for k in range(len(g.source))]  # negation is exact; a product would round to 53 bits
    return not all(acb(a).overlaps(acb(b)) for a, b in zip(image, q.certified.box))


def _orbits(system: PolynomialSystem, points: list[RefinedPoint], tolerances: Tolerances) -> list[int]:
    """Orbit number of each point (orbits numbered by first appearance).

    The points within the tolerance of an image are looked up among those whose real part in
    one coordinate (the most spread) is within it: a sorted column and two binary searches, so
    7681 points with 8 generators take a fraction of a second instead of comparing every image
    with every point.
    """
    if not points or not len(system.variables):
        return [0] * len(points)
    graph = networkx.Graph()
    graph.add_nodes_from(range(len(points)))
    matrix = np.array([p.coordinates for p in points])
    column = int(np.argmax(np.ptp(matrix.real, axis=0)))
    order = np.argsort(matrix[:, column].real, kind="stable")
    keys = matrix[order, column].real
    for i, p in enumerate(points):
        for g in system.symmetries:
            image = g.apply(p.coordinates)
            tol = tolerances.dedup_atol + tolerances.dedup_rtol * max(1.0, float(np.max(np.abs(image))))
            lower = np.searchsorted(keys, image[column].real - tol, side="left")
            upper = np.searchsorted(keys, image[column].real + tol, side="right")
            candidates = order[lower:upper]
            matches = candidates[np.max(np.abs(matrix[candidates] - image), axis=1) <= tol]
            for j in matches:
                if _boxes_tell_apart(g, p, points[int(j)]):
                    continue
                graph.add_edge(i, int(j))
    orbit_of = [0] * len(points)
    components = sorted(networkx.connected_components(graph), key=min)
    for number, component in enumerate(components):
        for i in component:
            orbit_of[i] = number
    return orbit_of
