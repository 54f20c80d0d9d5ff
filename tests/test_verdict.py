"""The verdict layer on hand-made points: every reason code, and the bases of true and false."""

from __future__ import annotations

from algmorse.analysis.classify import CriticalPoint
from algmorse.analysis.verdict import ModularEvidence, decide_completeness, decide_verdict
from algmorse.engine.certify import Certificate


def _point(*, real=True, nondegenerate=True, multiplicity=1, isolated=True, certified=True):
    certificate = Certificate(method="krawczyk", radius=1e-15, real=real if certified else None,
                              morse_index=0 if real else None, loss=(0.0, 0.0), precision=64) if certified else None
    return CriticalPoint(coordinates=(0j,) if real else (1j,), is_real=real, loss=0j, hessian_eigenvalues=(1 + 0j,),
                         hessian_rank=1 if nondegenerate else 0, hessian_min_singular_value=1.0,
                         hessian_noise_level=1e-16, nondegenerate=nondegenerate, morse_index=0 if real and nondegenerate
                         else None, multiplicity=multiplicity, isolated=isolated, residual=0.0, certificate=certificate)


def _verdict(points, modular_count=None, **kwargs):
    modular = None if modular_count is None else ModularEvidence((2147483629, 2147483587), 0, modular_count)
    completeness, reason = decide_completeness(points, {}, True, 2, modular=modular)
    return decide_verdict(points, completeness=completeness, completeness_reason=reason,
                          zero_dimensional="modular" if modular else None, modular=modular, **kwargs)


def test_complex_multiple_point_makes_complex_morse_false_while_morse_is_true():
    # one certified real point, one complex double point: counted 1 + 2 = 3 over F_p
    points = [_point(), _point(real=False, nondegenerate=False, multiplicity=2, certified=False)]
    v = _verdict(points, modular_count=3)
    assert v.completeness == "modular-count"
    assert (v.complex_morse, v.complex_morse_basis) == (False, "witness")
    assert (v.morse, v.morse_basis) == (True, "modular-count")
    assert [r.code for r in v.reasons if r.code == "multiple-point"] == ["multiple-point"]


def test_unclosed_degenerate_point_is_reported_with_its_code():
    v = _verdict([_point(nondegenerate=False, multiplicity=None, isolated=None, certified=False)])
    degenerate = [r for r in v.reasons if r.code == "degenerate-point"]
    assert degenerate and degenerate[0].points == (0,)
    assert v.morse is False and v.morse_basis == "witness"


def test_undetermined_point_leaves_the_verdict_undetermined():
    points = [_point(), _point(nondegenerate=None, multiplicity=None, isolated=None, certified=False)]
    v = _verdict(points, modular_count=2)
    assert [r.points for r in v.reasons if r.code == "undetermined-point"] == [(1,)]
    assert v.morse is None and v.complex_morse is None and v.morse_basis is None


def test_complex_undetermined_point_keeps_complex_morse_open_and_morse_needs_every_real_point_certified():
    points = [_point(), _point(real=False, nondegenerate=None, multiplicity=None, isolated=None, certified=False)]
    v = _verdict(points, modular_count=2)
    assert v.complex_morse is None
    assert v.morse is None  # the undetermined point is not proven non-real


def test_uncertified_points_never_make_a_proof():
    # numerically nondegenerate but not certified: counts match, yet nothing is proven
    v = _verdict([_point(certified=False), _point(certified=False)], modular_count=2)
    assert v.completeness == "modular-count"
    assert v.morse is None and v.complex_morse is None


def test_missing_points_are_said():
    v = _verdict([_point()], modular_count=3)
    assert v.completeness == "certified-lower-bound"
    (missing,) = [r for r in v.reasons if r.code == "missing-points"]
    assert "2 missing" in missing.message and v.complex_morse is None
