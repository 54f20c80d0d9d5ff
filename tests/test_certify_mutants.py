"""Tests that kill the mutants of the proof layer (`benchmarks/mutation.py`, target ``certify``).

Each expected value is derived by hand in the test: the zeros of small gradients, the spectra of
small symmetric matrices, the overlap of boxes given by their corners, and, for the radius
schedule, the documented rule of :func:`algmorse.engine.certify._certify_center` (a first box of
four Newton steps, at least ``2^-(bits - 12)`` times the point's scale, then radii growing by 64 up
to ``10^-2`` times the scale, at most ``_RADIUS_TRIES`` of them), which the radius then reports up to
a tiny allowance for the center's decimal rounding.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from flint import acb, arb, arb_mat, fmpq

from algmorse.engine import certify
from algmorse.engine.certify import (
    Certificate,
    CertifiedPoint,
    certify_point,
    disjoint_boxes,
    krawczyk,
)
from algmorse.model.network import FunctionProblem
from algmorse.model.precision import BallSystem, working_precision
from algmorse.model.system import build_system


def _balls(variables: str, expression: str) -> BallSystem:
    return BallSystem(build_system(FunctionProblem(tuple(variables), expression)))


# --- Krawczyk's test: existence, uniqueness, nondegeneracy -----------------------------------


def test_krawczyk_rejects_a_box_without_a_zero_and_accepts_one_around_it():
    # h = x^2/2 - x: gradient x - 1, Hessian 1; the only zero is x = 1
    balls = _balls("x", "x^2/2 - x")
    with working_precision(64):
        assert not krawczyk(balls, [arb(0)], 0.1)       # [-0.1, 0.1] does not hold 1
        assert not krawczyk(balls, [arb(2)], 0.5)       # [1.5, 2.5] neither
        assert krawczyk(balls, [arb(1)], 0.1)           # [0.9, 1.1] holds it, at its center
        assert krawczyk(balls, [arb("0.95").mid()], 0.1)      # [0.85, 1.05] holds it, off center


def test_krawczyk_rejects_a_box_holding_two_zeros():
    # h = x^3/3 - x/100: gradient x^2 - 1/100, zeros +-1/10; [-0.19, 0.21] holds both
    balls = _balls("x", "x^3/3 - x/100")
    with working_precision(64):
        assert not krawczyk(balls, [arb("0.01").mid()], 0.2)
        assert krawczyk(balls, [arb("0.1").mid()], 0.01)      # [0.09, 0.11] holds only 1/10


def test_krawczyk_rejects_a_double_zero_at_the_center():
    # h = x^3/3 (gradient x^2, a double zero at 0: the Hessian 2x vanishes there), and in two
    # unknowns h = x^3/3 + y^2 (Hessian diag(2x, 2), singular at the origin)
    with working_precision(64):
        assert not krawczyk(_balls("x", "x^3/3"), [arb(0)], 1e-3)
        assert not krawczyk(_balls("xy", "x^3/3 + y^2"), [arb(0), arb(0)], 1e-3)
        assert not krawczyk(_balls("x", "x^3/3"), [acb(0)], 1e-3)


# --- certify_point: where the start comes from, real and complex modes -----------------------


def test_a_start_known_beyond_double_precision_keeps_its_digits():
    # h = ((x - 1)^2 - 10^-40)^2 / 4: with u = x - 1, h' = u (u^2 - 10^-40), h'' = 3u^2 - 10^-40.
    # Zeros u = 0 (h'' < 0: a maximum, index 1, loss 10^-80 / 4) and u = +-10^-20 (h'' > 0: minima,
    # index 0, loss 0). 1 + 10^-20 rounds to 1.0 in double: only the ball start reaches the minimum.
    balls = _balls("x", "((x - 1)^2 - 1/10000000000000000000000000000000000000000)^2/4")
    with working_precision(256):
        start = [acb(arb(1 + fmpq(1, 10**20)))]
    minimum = certify_point(balls, start)
    assert minimum is not None and minimum.certificate.real is True
    assert minimum.certificate.morse_index == 0 and minimum.certificate.loss[0] <= 0 <= minimum.certificate.loss[1]
    maximum = certify_point(balls, np.array([1.0]))
    assert maximum is not None and maximum.certificate.morse_index == 1
    assert maximum.certificate.loss[0] <= 2.5e-81 <= maximum.certificate.loss[1]


def test_a_real_start_near_a_non_real_zero_falls_back_to_complex_arithmetic():
    # h = x^3/3 + x: gradient x^2 + 1, no real zero; the zeros are +-i
    point = certify_point(_balls("x", "x^3/3 + x"), np.array([0.1 + 1.1j]), real=True)
    assert point is not None and point.certificate.real is False and point.certificate.morse_index is None
    assert abs(point.center[0] - 1j) <= point.certificate.radius


def test_a_complex_box_that_meets_the_reals_is_undecided_and_one_that_does_not_is_non_real():
    # h = x^2/2 - x: the zero 1 is real. A complex box around 1 + 2^-100 i of radius 10^-3 holds
    # it (Krawczyk's test passes in complex arithmetic) but its imaginary part [-10^-3, 10^-3]
    # meets 0: realness is not decided. Around i (h = x^3/3 + x) the imaginary part excludes 0.
    balls = _balls("x", "x^2/2 - x")
    with working_precision(64):
        center = [acb(1, arb(2) ** -100)]
        assert krawczyk(balls, center, 1e-3)
        near_real = certify._certificate(balls, center, 1e-3, 64)
        assert near_real.certificate.real is None and near_real.certificate.morse_index is None
        assert near_real.lower[1] <= 0 <= near_real.upper[1]    # interleaved: [re x, im x]
        non_real = certify._certificate(_balls("x", "x^3/3 + x"), [acb(0, 1)], 1e-3, 64)
        assert non_real.certificate.real is False


def test_a_complex_start_near_a_real_zero_gets_a_real_certificate():
    # h = x^2/2 - x: the zero 1 is real, a minimum (index 0) with loss -1/2. A complex start
    # certifies a complex box around 1 that meets the reals; the real box of half its radius
    # (inside it) passes Krawczyk's test in real arithmetic, so the one zero is proven real.
    balls = _balls("x", "x^2/2 - x")
    point = certify_point(balls, np.array([1 + 1e-3j]))
    assert point is not None and point.certificate.real is True and point.certificate.morse_index == 0
    assert point.certificate.loss[0] <= -0.5 <= point.certificate.loss[1]
    assert all(isinstance(b, arb) for b in point.box)
    with working_precision(64):
        complex_box = certify._certify_center(balls, [acb(1)], 64)
    assert complex_box.certificate.real is None
    assert abs(point.certificate.radius / complex_box.certificate.radius - 0.5) < 1e-3
    assert certify._settle_realness(balls, point, 64) is point  # decided already: unchanged


def test_a_box_meeting_the_reals_around_a_non_real_zero_is_not_declared_real():
    # h = x^3/3 + x/100: gradient x^2 + 1/100 > 0 on the reals, zeros +-i/10. A complex box
    # around i/10 of radius 0.15 meets the reals; its real part holds no zero, so realness stays
    # undecided. A box around i/10 of radius 0.01 excludes the reals: non-real, left alone.
    balls = _balls("x", "x^3/3 + x/100")
    with working_precision(64):
        wide = certify._certificate(balls, [acb(0, arb("0.1").mid())], 0.15, 64)
        narrow = certify._certificate(balls, [acb(0, arb("0.1").mid())], 0.01, 64)
    assert wide.certificate.real is None and narrow.certificate.real is False
    assert certify._settle_realness(balls, wide, 64) is wide
    assert certify._settle_realness(balls, narrow, 64) is narrow


# --- enclosures: coordinates, loss, and the radius around the double center -------------------


@pytest.mark.parametrize("root, exponent", [(1, 79), (1000, 60), (Fraction(1, 2), 80)])
def test_the_decimal_center_is_within_the_radius_of_the_zero(root, exponent):
    # gradient x - v with v = root + 2^-exponent, a dyadic number: a box of radius 10^-60 around
    # v itself passes Krawczyk's test at 128 bits (the gradient vanishes at the center and the
    # Hessian is 1), so the certified radius is essentially the allowance for writing the center
    # in decimal. v has more digits than a 128-bit certificate writes (about 41): the decimal
    # center differs from v, and by no more than the radius. The allowance is 100 units of the
    # last written digit, relative to max(1, |v|) (the rounding of the last digit is at most half
    # a unit of it, relative to |v|).
    v = Fraction(root) + Fraction(1, 2**exponent)
    balls = _balls("x", f"x^2/2 - ({v.numerator}/{v.denominator})*x")
    with working_precision(128):
        center = [arb(fmpq(v.numerator, v.denominator))]  # exact: v has at most 80 significant bits
        assert krawczyk(balls, center, 1e-60)
        point = certify._certificate(balls, center, 1e-60, 128)
    text = point.certificate.center[0][0]
    written = Fraction(text)
    assert written != v and abs(written - v) <= Fraction(point.certificate.radius)
    digits = len(text.replace(".", "").lstrip("-0"))
    allowance = 10.0 ** -(digits - 2) * max(1, abs(float(v)))
    assert allowance <= point.certificate.radius <= 1e-60 + allowance * (1 + 1e-9)


def test_the_decimal_center_of_a_non_real_zero():
    # h = x^3/3 + x/9: gradient x^2 + 1/9, zeros +-i/3; the imaginary part 1/3 is not a double
    point = certify_point(_balls("x", "x^3/3 + x/9"), np.array([0.01 + 0.3j]))
    assert point is not None and point.certificate.real is False
    real, imag = (Fraction(text) for text in point.certificate.center[0])
    assert abs(real) <= Fraction(point.certificate.radius) and abs(imag - Fraction(1, 3)) <= point.certificate.radius


@pytest.mark.parametrize("bits", [64, 128, 256])
def test_the_decimal_center_carries_the_digits_of_the_precision(bits):
    # bits * log10(2) significant digits tell apart two centers at that precision; a few more are
    # a guard, many more would only write rounding noise
    balls = _balls("x", "x^2/2 - x/3")
    point = certify_point(balls, np.array([0.3]), precisions=(bits,))
    assert point.certificate.precision == bits
    significant = point.certificate.center[0][0].replace(".", "").lstrip("-0")
    assert int(bits * 0.30103) <= len(significant) <= int(bits * 0.30103) + 3
    assert point.certificate.center[0][1] == "0"

# --- enclosures: coordinates, loss, and the radius around the double center -------------------


@pytest.mark.parametrize("root", [Fraction(1, 3), Fraction(1000, 3), Fraction(-7, 3)])
def test_high_precision_boxes_enclose_the_zero_and_the_loss(root):
    # h = x^2/2 - r x: zero x = r (not a double), loss -r^2/2. At 128 bits the box (around the
    # full-precision center, given in decimal) is far narrower than a double's spacing, so the
    # outward rounding of the float bounds and the decimal center's digits are what make these
    # enclosures true.
    balls = _balls("x", f"x^2/2 - ({root.numerator}/{root.denominator})*x")
    point = certify_point(balls, np.array([float(root) + 1e-3]), precisions=(128,))
    assert point is not None and point.certificate.precision == 128
    c = point.certificate
    assert abs(Fraction(c.center[0][0]) - root) <= Fraction(c.radius) and Fraction(c.center[0][1]) == 0
    assert abs(Fraction(point.center[0].real) - root) <= Fraction(2.0**-52) * max(1, abs(root))  # a double
    assert Fraction(point.lower[0]) <= root <= Fraction(point.upper[0])
    assert point.lower[1] <= 0 <= point.upper[1]
    assert Fraction(c.loss[0]) <= -root**2 / 2 <= Fraction(c.loss[1])


@pytest.mark.parametrize("root, scale", [(Fraction(1, 2), 1), (Fraction(4), 4), (Fraction(-3), 3)])
def test_radius_of_an_exact_zero_is_the_smallest_box_plus_the_rounding_allowance(root, scale):
    # h = x^2/2 - r x with r a double: Newton lands on r exactly, the gradient there is exactly 0
    # (no Newton step), and the Hessian is constant, so the first box, 2^-(64 - 12) * scale at 64
    # bits, passes; the reported radius adds a tiny allowance (far below 2^-10 of it) for the
    # center's decimal rounding.
    balls = _balls("x", f"x^2/2 - ({root.numerator}/{root.denominator})*x")
    point = certify_point(balls, np.array([float(root) + 0.25]), precisions=(64,))
    assert point is not None and point.center[0] == float(root) and Fraction(point.certificate.center[0][0]) == root
    smallest = 2.0**-52 * scale
    assert smallest <= point.certificate.radius <= smallest * (1 + 2.0**-10)
    assert point.lower[0] < float(root) - smallest < float(root) + smallest < point.upper[0]


def test_radius_starts_at_four_newton_steps():
    # gradient x - 1/2 at the center 1/2 + 2^-30: the Newton step is exactly 2^-30 (Hessian 1),
    # the first box has radius 4 * 2^-30 = 2^-28 and passes (it holds 1/2 and the Hessian is
    # constant); the certificate adds a tiny allowance for the center's decimal rounding.
    balls = _balls("x", "x^2/2 - x/2")
    with working_precision(64):
        point = certify._certify_center(balls, [arb(0.5) + arb(2) ** -30], 64)
    assert point is not None and 2.0**-28 <= point.certificate.radius <= 2.0**-28 * (1 + 2.0**-20)
    assert point.lower[0] < 0.5 < point.upper[0] < 0.5 + 2.0**-27


def _schedule(monkeypatch, accept_from: float) -> tuple[list[float], CertifiedPoint | None]:
    """Radii that ``_certify_center`` tries for the gradient x - 1/2 at 1/2 + 2^-22 (x 4 for
    scale 4), when Krawczyk's test is replaced by "passes from ``accept_from`` on"."""
    tried: list[float] = []

    def fake(balls, center, radius):
        tried.append(radius)
        return radius >= accept_from

    monkeypatch.setattr(certify, "krawczyk", fake)
    with working_precision(64):
        point = certify._certify_center(_balls("x", "x^2/2 - 4*x"), [arb(4) + arb(2) ** -22], 64)
    return tried, point


def _record_radii(monkeypatch) -> list[float]:
    """Replace Krawczyk's test by one that fails and records the radii it is asked to try."""
    tried: list[float] = []

    def fake(balls, center, radius):
        tried.append(radius)
        return False

    monkeypatch.setattr(certify, "krawczyk", fake)
    return tried


def test_radius_schedule_grows_by_64_up_to_a_hundredth_of_the_scale(monkeypatch):
    # Newton step 2^-22: radii 2^-20, 2^-14, 2^-8; the next, 2^-2, exceeds 10^-2 * scale = 0.04
    tried, point = _schedule(monkeypatch, accept_from=np.inf)
    assert tried == [2.0**-20, 2.0**-14, 2.0**-8] and point is None
    tried, point = _schedule(monkeypatch, accept_from=2.0**-10)
    assert tried == [2.0**-20, 2.0**-14, 2.0**-8]
    assert 2.0**-8 <= point.certificate.radius <= 2.0**-8 * (1 + 2.0**-20)


def test_radius_schedule_tries_a_radius_equal_to_the_cap(monkeypatch):
    # gradient x at the center d = fl(10^-2) / 256 (a double, so every step below is exact): the
    # Newton step is d, the radii 4d = fl(10^-2) / 64 and 64 * 4d = fl(10^-2), which is not above
    # the cap 10^-2 * scale (scale 1) and is tried; 64 times more is
    d = 1e-2 / 256
    tried = _record_radii(monkeypatch)
    with working_precision(64):
        assert certify._certify_center(_balls("x", "x^2/2"), [arb(d)], 64) is None
    assert tried == [1e-2 / 64, 1e-2]


def test_radius_schedule_stops_after_eight_tries(monkeypatch):
    # an exact zero at 128 bits: no Newton step, first radius 2^-(128 - 12) = 2^-116; eight radii
    # 2^-116 * 64^k (k < 8, the last 2^-74) stay below 10^-2: the tries, not the cap, end it
    tried = _record_radii(monkeypatch)
    with working_precision(128):
        assert certify._certify_center(_balls("x", "x^2/2 - x/2"), [arb(0.5)], 128) is None
    assert tried == [2.0 ** (-116 + 6 * k) for k in range(8)]


# --- Morse index: Gershgorin intervals of the diagonalized Hessian ---------------------------


def _matrix(rows) -> list[list[arb]]:
    return [[v if isinstance(v, arb) else arb(v) for v in row] for row in rows]


@pytest.mark.parametrize("rows, index", [
    ([[1, 0, 0], [0, -2, 0], [0, 0, 3]], 1),          # diag(1, -2, 3)
    ([[1, 2], [2, 1]], 1),                            # eigenvalues 3, -1
    ([[-1, 3], [3, -1]], 1),                          # eigenvalues 2, -4
    ([[2, 1], [1, 2]], 0),                            # eigenvalues 3, 1
    ([[-2, 0, 0], [0, -3, 1], [0, 1, -3]], 3),        # eigenvalues -2, -2, -4
    ([[5]], 0), ([[-5]], 1),
])
def test_morse_index_of_hand_built_hessians(rows, index):
    assert certify._morse_index(_matrix(rows)) == index


@pytest.mark.parametrize("rows", [
    [[0]],                                            # singular
    [[arb(1, 1)]],                                    # [0, 2]: touches 0
    [[arb(-1, 1)]],                                   # [-2, 0]: touches 0
    [[arb(1, 2)]], [[arb(-1, 2)]],                    # [-1, 3], [-3, 1]: meet 0
    [[1, arb(0, 2)], [arb(0, 2), 1]],                 # holds [[1, 2], [2, 1]] (index 1) and I (0)
    [[-1, arb(0, 2)], [arb(0, 2), -1]],               # holds [[-1, 2], [2, -1]] (1) and -I (2)
    [[1, 0], [0, arb(1e-30, 1e-20)]],                 # nearly singular: holds diag(1, -10^-20)
])
def test_morse_index_is_not_claimed_when_an_interval_meets_zero(rows):
    assert certify._morse_index(_matrix(rows)) is None


@pytest.mark.parametrize("rows, signs", [
    ([[1, 3], [3, 1]], None),                         # intervals [-2, 4]: meet 0
    ([[-1, 3], [3, -1]], None),                       # [-4, 2]
    ([[5, 1], [1, -4]], [1, -1]),                     # [4, 6] and [-5, -3]
    ([[-5, 1, 1], [1, -4, 1], [1, 1, 3]], [-1, -1, 1]),  # [-7, -3], [-6, -2], [1, 5]
])
def test_gershgorin_intervals_of_hand_built_matrices(rows, signs):
    # the interval of row i is a_ii +- sum_{j != i} |a_ij|
    assert certify._gershgorin_signs(arb_mat(_matrix(rows))) == signs


# --- distinct boxes ---------------------------------------------------------------------------
# --- distinct boxes ---------------------------------------------------------------------------


def _box(lower, upper, balls: tuple = ()) -> CertifiedPoint:
    """A certified point with the given float corners ([re x1, im x1, re x2, im x2, ...]) and,
    optionally, the box itself as balls."""
    lower, upper = np.array(lower, dtype=float), np.array(upper, dtype=float)
    middle = (lower + upper) / 2
    certificate = Certificate(method="krawczyk", radius=float(np.max(upper - lower)) / 2, real=None,
                              morse_index=None, loss=None, precision=64)
    return CertifiedPoint(middle[0::2] + 1j * middle[1::2], certificate, lower, upper, balls)


def test_two_partially_overlapping_boxes_are_reported():
    # [0, 1] x [0, 1] and [0.5, 1.5] x [0.5, 1.5] share [0.5, 1] x [0.5, 1]
    assert disjoint_boxes([_box([0, 0], [1, 1]), _box([0.5, 0.5], [1.5, 1.5])]) == [(0, 1)]
    assert disjoint_boxes([_box([0.5, 0.5], [1.5, 1.5]), _box([0, 0], [1, 1])]) == [(0, 1)]


def test_boxes_apart_in_some_coordinate_are_not_reported():
    # same first coordinate, apart in the second (imaginary part), or in the first only
    assert disjoint_boxes([_box([0, 0], [1, 1]), _box([0, 2], [1, 3])]) == []
    assert disjoint_boxes([_box([0, 0], [1, 1]), _box([2, 0], [3, 1])]) == []
    assert disjoint_boxes([_box([0, 0], [1, 1])]) == []
    assert disjoint_boxes([]) == []


def test_closed_boxes_sharing_a_face_are_reported():
    # the bounds are closed: [0, 1] and [1, 2] (first coordinate) share the face x = 1, so the
    # pair is not counted as two distinct points
    assert disjoint_boxes([_box([0, 0], [1, 1]), _box([1, 0], [2, 1])]) == [(0, 1)]


def test_overlaps_are_found_whatever_the_order_of_the_other_coordinates():
    # R = [0, 1] x [0, 10] and S = [0.5, 1.5] x [3, 4] overlap; T = [5, 6] x [1, 2] meets neither.
    # Sorted by the second coordinate, T would sit between R and S.
    r, s, t = _box([0, 0], [1, 10]), _box([0.5, 3], [1.5, 4]), _box([5, 1], [6, 2])
    assert disjoint_boxes([t, r, s]) == [(1, 2)]
    # a box long in the first coordinate and short in the second still meets one inside it
    assert disjoint_boxes([_box([0, 0], [10, 1]), _box([5, 0], [6, 1])]) == [(0, 1)]


def test_boxes_closer_than_double_precision_are_told_apart_by_their_balls():
    # float bounds [1 - 2^-52, 1 + 2^-52] for both; the boxes themselves are 1 +- 10^-30 and
    # 1 + 10^-20 +- 10^-30 (disjoint), or 1 +- 10^-30 and 1 + 10^-31 +- 10^-30 (overlapping)
    corners = ([1 - 2.0**-52, 0], [1 + 2.0**-52, 0])
    with working_precision(256):
        tiny = arb(fmpq(1, 10**30))
        first = (arb(1).union(arb(1) + tiny).union(arb(1) - tiny),)
        apart = (first[0] + fmpq(1, 10**20),)
        near = (first[0] + fmpq(1, 10**31),)
    assert disjoint_boxes([_box(*corners, first), _box(*corners, apart)]) == []
    assert disjoint_boxes([_box(*corners, first), _box(*corners, near)]) == [(0, 1)]
    assert disjoint_boxes([_box(*corners, first), _box(*corners)]) == [(0, 1)]  # one box unknown: overlap
    # float bounds that are apart decide without the balls
    assert disjoint_boxes([_box([0, 0], [1, 1], first), _box([2, 0], [3, 1], first)]) == []


def test_certified_minima_closer_than_double_precision_are_distinct():
    # the two minima 1 +- 10^-20 of ((x - 1)^2 - 10^-40)^2 / 4 (see above) round to the same double
    balls = _balls("x", "((x - 1)^2 - 1/10000000000000000000000000000000000000000)^2/4")
    with working_precision(256):
        starts = [[acb(arb(1 + sign * fmpq(1, 10**20)))] for sign in (1, -1)]
    right, left = (certify_point(balls, start) for start in starts)
    assert right.center[0] == left.center[0] == 1.0
    assert Fraction(right.certificate.center[0][0]) - Fraction(left.certificate.center[0][0]) > Fraction(1, 10**20)
    assert disjoint_boxes([right, left]) == []
    assert disjoint_boxes([right, left, certify_point(balls, starts[0])]) == [(0, 2)]
