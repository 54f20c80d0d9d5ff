"""Interval certificates for isolated critical points (Krawczyk's test on the exact gradient).

A numerical endpoint is a guess. A *certificate* is a box ``X`` around it (a product of real
intervals, or of complex rectangles) for which the Krawczyk operator

    K(X) = x - Y g(x) + (I - Y H(X)) (X - x),

with ``x`` the box's center, ``Y`` an approximate inverse of the Hessian ``H(x)``, ``g`` the exact
gradient and ``H(X)`` the exact Hessian evaluated over the whole box in ball arithmetic, lies in
the interior of ``X``. Then ``X`` holds exactly one zero of ``g`` (Krawczyk 1969, Moore 1977; the
form of Breiding, Rose and Timme, "Certifying zeros of polynomial systems using interval
arithmetic", 2020, which HomotopyContinuation.jl's ``certify`` implements), and every matrix in
``H(X)`` is invertible, so that zero is a nondegenerate critical point (multiplicity 1).

What a certificate proves, and how:

* **existence and uniqueness** in the box: the test above;
* **realness**: the test run in real arithmetic on a real box proves a real zero, unique among
  the real points of the box (it says nothing of non-real zeros near it: those would be other
  points, each needing a box of its own to be counted); a complex box whose imaginary parts
  exclude 0 in some coordinate proves a non-real zero; a complex box that meets the reals and
  contains a real box that passes the real test holds exactly one zero, which is real;
* **distinctness**: boxes that are pairwise disjoint hold distinct zeros
  (:func:`disjoint_boxes`), so ``k`` certified disjoint boxes prove at least ``k`` critical points;
* **Morse index** of a real point: the Hessian over the box is congruent, through a float matrix
  ``Q`` of approximate eigenvectors (proven nonsingular), to ``M = Q^T H(X) Q``; when the
  Gershgorin intervals of ``M`` all exclude 0, the number of negative ones is the number of
  negative eigenvalues of every symmetric matrix in ``H(X)`` (Sylvester's law of inertia and
  Gershgorin's theorem), hence the Morse index of the zero;
* an **enclosure of the loss** at the zero: the loss evaluated over the box.

Points whose double-precision refinement is doubtful (ill-conditioned, slowly converging) are
refined again in higher precision (:mod:`algmorse.model.precision`) before the test, at 64, 128, 256
and 512 bits in turn. A point that fails at every precision stays uncertified: it may be a
multiple point, a point of a curve, or too ill-conditioned; nothing is claimed about it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
from flint import acb, acb_mat, arb, arb_mat

from ..model.precision import PRECISIONS, BallSystem, working_precision
from ..model.symmetry import SignedPermutation

__all__ = ["Certificate", "CertifiedPoint", "certify_point", "disjoint_boxes", "krawczyk", "transported"]

_RADIUS_TRIES = 8
"""Radii tried per precision: from a few Newton steps up, by factors of 64."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Certificate:
    """What a box proved about the one critical point it holds (the catalog's ``certificate``).

    Attributes
    ----------
    method : str
        ``"krawczyk"``.
    radius : float
        Half-width of the box around the point's coordinates in every coordinate (real and
        imaginary parts alike), absolute.
    real : bool or None
        ``True``: the point is real (proven in real arithmetic); ``False``: proven non-real;
        ``None``: not decided (the box meets the reals and the test was complex).
    morse_index : int or None
        Proven number of negative Hessian eigenvalues (real points only; ``None`` when the
        Gershgorin test did not separate the spectrum from 0).
    loss : tuple of float or None
        ``(low, high)`` enclosing the loss at the point (its real part for a complex point);
        ``None`` for a square system, which has no loss.
    precision : int
        Bits of the ball arithmetic that proved it.
    center : tuple of (str, str) or None
        The box's center to full precision (decimal real and imaginary parts, enough digits for
        ``precision``): the box is ``center +/- radius``. Points closer than double precision
        can resolve have distinct centers here, while their coordinates round to the same
        doubles. ``None`` in catalogs written before it existed: the box is then
        ``coordinates +/- radius``.
    """

    method: str
    radius: float
    real: bool | None
    morse_index: int | None
    loss: tuple[float, float] | None
    precision: int
    center: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True, slots=True, eq=False)
class CertifiedPoint:
    """A certified box: its center (rounded to double), certificate, and outward float bounds.

    ``lower`` and ``upper`` hold the box's real and imaginary parts interleaved, rounded
    outward, for :func:`disjoint_boxes`; ``box`` holds the box itself as balls (``arb`` or
    ``acb``), which tells apart boxes whose float bounds overlap.
    """

    center: np.ndarray
    certificate: Certificate
    lower: np.ndarray
    upper: np.ndarray
    box: tuple = ()


def transported(certified: CertifiedPoint, symmetry: SignedPermutation | None) -> CertifiedPoint:
    """The certified box of the image of a certified point: under ``symmetry``, an exact symmetry
    of the system, or (``None``) under complex conjugation (the coefficients are rational).

    Both map zeros to zeros and the Hessian (or Jacobian) to an invertible one, bijectively and
    linearly, so the image box holds exactly one zero, nondegenerate, and the same proven facts:
    realness, Morse index (the Hessian at ``P a`` is ``P H P^T``) and the loss's real part. The
    map is exact on the box (a signed permutation or a conjugation of balls), and the float
    bounds are permuted and negated as the coordinates are, so nothing is rounded: no Krawczyk
    test is run again.

    Examples
    --------
    >>> from algmorse.model.symmetry import SignedPermutation
    >>> proof = Certificate(method="krawczyk", radius=0.1, real=False, morse_index=None, loss=None,
    ...                     precision=64, center=(("1", "2"), ("-3", "0")))
    >>> box = CertifiedPoint(np.array([1 + 2j, -3 + 0j]), proof, np.array([0.9, 1.9, -3.1, -0.1]),
    ...                      np.array([1.1, 2.1, -2.9, 0.1]))
    >>> image = transported(box, SignedPermutation((1, 0), (1, -1)))
    >>> image.center, image.certificate.center
    (array([-3.+0.j, -1.-2.j]), (('-3', '0'), ('-1', '-2')))
    >>> image.lower, image.upper
    (array([-3.1, -0.1, -1.1, -2.1]), array([-2.9,  0.1, -0.9, -1.9]))
    >>> transported(box, None).lower
    array([ 0.9, -2.1, -3.1, -0.1])
    """
    n = len(certified.center)
    source = list(symmetry.source) if symmetry is not None else list(range(n))
    re_signs = np.asarray(symmetry.signs if symmetry is not None else [1] * n, dtype=float)
    im_signs = re_signs if symmetry is not None else -re_signs
    signs = np.column_stack([re_signs, im_signs]).ravel()
    parts = np.column_stack([2 * np.asarray(source), 2 * np.asarray(source) + 1]).ravel()
    lower, upper = certified.lower[parts], certified.upper[parts]
    new_lower = np.where(signs > 0, lower, -upper)
    new_upper = np.where(signs > 0, upper, -lower)
    center = certified.center[source] * re_signs
    if symmetry is None:
        center = center.conj()
    text = certified.certificate.center
    if text is not None:
        text = tuple((_signed(text[j][0], r), _signed(text[j][1], i)) for j, r, i in zip(source, re_signs, im_signs))
    box = tuple(_image_ball(certified.box[j], r, symmetry is None) for j, r in zip(source, re_signs)) \
        if certified.box else ()
    return CertifiedPoint(center, replace(certified.certificate, center=text), new_lower, new_upper, box)


def _signed(text: str, sign: float) -> str:
    """A decimal string times ``sign`` (exact: the sign character only; zero stays unsigned)."""
    if sign > 0 or float(text) == 0:
        return text
    return text[1:] if text.startswith("-") else "-" + text


def _image_ball(ball, sign: float, conjugate: bool):
    """``sign * ball``, conjugated if asked (both exact in ball arithmetic)."""
    image = ball if sign > 0 else -ball
    return image.conjugate() if conjugate and isinstance(image, acb) else image


def krawczyk(balls: BallSystem, center: Sequence, radius: float) -> bool:
    """Whether the box of ``radius`` around ``center`` passes Krawczyk's test.

    Parameters
    ----------
    balls : BallSystem
    center : sequence of arb or acb
        Exact midpoints (real for a real box).
    radius : float
        Half-width in every coordinate (and in real and imaginary parts).

    Returns
    -------
    bool
        ``True`` proves a unique zero of the gradient in the box and an invertible Hessian over
        it. Use inside :func:`~algmorse.model.precision.working_precision`.
    """
    real = all(isinstance(c, arb) for c in center)
    n = balls.n
    offset = arb(0, radius)
    box = [c + offset if real else c + acb(offset, offset) for c in center]
    _, g_center, h_center = balls.evaluate(center)
    _, _, h_box = balls.evaluate(box)
    mat = arb_mat if real else acb_mat
    try:
        y = mat(h_center).mid().inv().mid()
    except (ZeroDivisionError, ValueError):
        return False
    identity = mat(n, n)
    for i in range(n):
        identity[i, i] = 1
    deviation = identity - y * mat(h_box)
    widths = mat(n, 1, [offset if real else acb(offset, offset)] * n)
    image = mat(n, 1, list(center)) - y * mat(n, 1, g_center) + deviation * widths
    return all(box[i].contains_interior(image[i, 0]) for i in range(n))


def certify_point(balls: BallSystem, point: np.ndarray, *, real: bool | None = None,
                  precisions: Sequence[int] = PRECISIONS) -> CertifiedPoint | None:
    """Refine ``point`` in ball arithmetic and try to certify it, precision by precision.

    Parameters
    ----------
    balls : BallSystem
    point : ndarray or sequence of acb
        Approximate critical point (complex dtype allowed), or balls whose midpoints carry more
        than double precision (e.g. from :func:`algmorse.engine.exact.exact_points`).
    real : bool, optional
        Certify in real arithmetic (default: when ``point`` has no imaginary part). A real
        certificate that fails is retried in complex arithmetic.
    precisions : sequence of int
        Bits to try in turn.

    Returns
    -------
    CertifiedPoint or None
        ``None`` when no precision and radius passed (nothing is then proven about the point).
    """
    if not (len(point) and isinstance(point[0], acb)):
        point = np.asarray(point, dtype=complex)
    if real is None:
        real = not any(_as_complex(v).imag if isinstance(v, acb) else complex(v).imag for v in point)
    modes = [True, False] if real else [False]
    for bits in precisions:
        for in_reals in modes:
            center, converged = balls.newton(point, in_reals, bits)
            if not converged:
                continue
            with working_precision(bits):
                certificate = _certify_center(balls, center, bits)
            if certificate is not None:
                return _settle_realness(balls, certificate, bits)
    return None


def _settle_realness(balls: BallSystem, certified: CertifiedPoint, bits: int) -> CertifiedPoint:
    """A complex box that meets the reals (``real`` undecided): try to prove its zero real.

    The real box of half the radius around the real part of the center lies inside the complex
    box (whose imaginary parts contain 0). If Krawczyk's test in real arithmetic passes on it,
    it holds a real zero; the complex box holds exactly one zero, so that one is real, and the
    real certificate is returned. Otherwise the complex one is, undecided.
    """
    if certified.certificate.real is not None or not certified.box:
        return certified
    with working_precision(bits):
        if not all(b.imag.contains(0) for b in certified.box):
            return certified
        radius = min(min(float(b.real.rad()), float(b.imag.rad())) for b in certified.box) / 2
        center = [b.real.mid() for b in certified.box]
        if radius > 0 and krawczyk(balls, center, radius):
            return _certificate(balls, center, radius, bits)
    return certified


def _certify_center(balls: BallSystem, center: list, bits: int) -> CertifiedPoint | None:
    real = all(isinstance(c, arb) for c in center)
    mat = arb_mat if real else acb_mat
    _, gradient, hessian = balls.evaluate(center)
    try:
        inverse = mat(hessian).mid().inv().mid()
    except (ZeroDivisionError, ValueError):
        return None
    step = inverse * mat(balls.n, 1, gradient)  # the Newton step, with the gradient's rounding
    size = max(_upper_magnitude(step[k, 0]) for k in range(balls.n))
    scale = max(1.0, max(abs(complex(_as_complex(c))) for c in center))
    radius = max(4 * size, 2.0 ** -(bits - 12) * scale)
    for _ in range(_RADIUS_TRIES):
        if krawczyk(balls, center, radius):
            return _certificate(balls, center, radius, bits)
        radius *= 64
        if radius > 1e-2 * scale:
            break
    return None


def _upper_magnitude(value) -> float:
    """An upper bound of ``|value|`` for a ball (as a float)."""
    return float(abs(value).upper())


def _certificate(balls: BallSystem, center: list, radius: float, bits: int) -> CertifiedPoint:
    real = all(isinstance(c, arb) for c in center)
    offset = arb(0, radius)
    box = [c + offset if real else c + acb(offset, offset) for c in center]
    loss, _, hessian = balls.evaluate(box)
    values = [_as_complex(c) for c in center]
    if real:
        realness: bool | None = True
        index = _morse_index(hessian) if balls.symmetric else None
        loss_part = loss
    else:
        realness = False if any(not b.imag.contains(0) for b in box) else None
        index = None
        loss_part = loss.real
    parts = []
    for b in box:
        parts.extend([b] if real else [b.real, b.imag])
    lower = np.nextafter(np.array([float(p.lower()) for p in parts]), -np.inf)
    upper = np.nextafter(np.array([float(p.upper()) for p in parts]), np.inf)
    loss_bounds = (float(np.nextafter(float(loss_part.lower()), -np.inf)),
                   float(np.nextafter(float(loss_part.upper()), np.inf))) if balls.symmetric else None
    if real:  # a real box is the complex box with zero-width imaginary parts
        lower = np.column_stack([lower, np.zeros_like(lower)]).ravel()
        upper = np.column_stack([upper, np.zeros_like(upper)]).ravel()
    digits = int(bits * 0.30103) + 3
    decimal = 10.0 ** -(digits - 2) * max(1.0, max(abs(v) for v in values))  # the center's decimal rounding
    center_text = tuple(_decimal_pair(c, digits) for c in center)
    certificate = Certificate(method="krawczyk", radius=float(np.nextafter(radius + decimal, np.inf)), real=realness,
                              morse_index=index, loss=loss_bounds, precision=bits, center=center_text)
    return CertifiedPoint(np.array(values, dtype=complex), certificate, lower, upper, tuple(box))


def _decimal_pair(value, digits: int) -> tuple[str, str]:
    """Real and imaginary parts of a ball's midpoint as decimal strings of ``digits`` digits."""
    real, imag = (value, arb(0)) if isinstance(value, arb) else (value.real, value.imag)
    return (real.mid().str(digits, radius=False), imag.mid().str(digits, radius=False))


def _as_complex(value) -> complex:
    if isinstance(value, arb):
        return complex(float(value.mid()))
    return complex(float(value.real.mid()), float(value.imag.mid()))


def _morse_index(hessian: list[list[arb]]) -> int | None:
    """Proven number of negative eigenvalues of every symmetric matrix in ``hessian`` (or None)."""
    n = len(hessian)
    middle = np.array([[float(h.mid()) for h in row] for row in hessian])
    if not np.all(np.isfinite(middle)):
        return None
    _, vectors = np.linalg.eigh((middle + middle.T) / 2)
    q = arb_mat(n, n, [arb(float(v)) for v in vectors.ravel()])
    gram = q.transpose() * q
    if _gershgorin_signs(gram) != [1] * n:  # Q^T Q positive definite: Q is nonsingular
        return None
    signs = _gershgorin_signs(q.transpose() * arb_mat(hessian) * q)
    if signs is None:
        return None
    return signs.count(-1)


def _gershgorin_signs(matrix: arb_mat) -> list[int] | None:
    """Signs of the Gershgorin intervals of a symmetric ball matrix, or None if one meets 0."""
    n = matrix.nrows()
    signs = []
    for i in range(n):
        radius = sum((abs(matrix[i, j]) for j in range(n) if j != i), arb(0))
        low, high = matrix[i, i] - radius, matrix[i, i] + radius
        if low > 0:
            signs.append(1)
        elif high < 0:
            signs.append(-1)
        else:
            return None
    return signs


def disjoint_boxes(certificates: Sequence[CertifiedPoint]) -> list[tuple[int, int]]:
    """Pairs of certified points whose boxes overlap (empty: all hold distinct zeros).

    Boxes are compared through their outward-rounded float bounds, and, where those overlap,
    through the boxes themselves in ball arithmetic (two boxes closer than double precision
    resolves are still told apart).
    """
    if len(certificates) < 2:
        return []
    lower = np.array([c.lower for c in certificates])
    upper = np.array([c.upper for c in certificates])
    order = np.argsort(lower[:, 0])
    overlaps = []
    for position, i in enumerate(order):
        for j in order[position + 1:]:
            if lower[j, 0] > upper[i, 0]:
                break
            if np.all(lower[j] <= upper[i]) and np.all(lower[i] <= upper[j]) \
                    and _balls_overlap(certificates[i].box, certificates[j].box):
                overlaps.append((int(min(i, j)), int(max(i, j))))
    return overlaps


def _balls_overlap(first: tuple, second: tuple) -> bool:
    """Whether two boxes (tuples of balls) meet in every coordinate (``True`` when one is unknown)."""
    if not first or not second:
        return True
    return all(acb(a).overlaps(acb(b)) for a, b in zip(first, second))
