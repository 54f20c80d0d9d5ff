"""The Morse verdicts, the completeness statement, and the reasons behind them.

``complex_morse`` and ``morse`` are ``True``, ``False`` or ``None`` (undetermined):

* ``False`` needs a witness: a critical point whose Hessian is singular (for ``morse``, a real
  one). A witness is a fact about the found set and does not need completeness.
* ``True`` needs a proof that *every* critical point is isolated and nondegenerate: every found
  point nondegenerate, the isolated set complete, and the critical set zero-dimensional. The
  last holds when the count of found nondegenerate points reaches the total degree (refined
  Bezout theorem: the degrees of all components of the critical set add up to at most the total
  degree, so no room is left for a positive-dimensional one). Otherwise zero-dimensionality is
  not established here and the verdict stays ``None``.

``completeness`` says how the found isolated set was shown complete:

* ``"bound-attained"``: as many nondegenerate points as a proven upper bound on isolated
  solutions (total degree, a multihomogeneous or linear-product Bezout number, or the stable
  mixed volume, which bounds the isolated solutions in C^n);
* ``"stable-runs"``: ``k`` consecutive backend runs with fresh seeds added no point (evidence,
  not proof);
* ``"not-established"``: neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from .classify import CriticalPoint

__all__ = ["Reason", "Verdict", "Completeness", "decide_verdict", "BOUND_NAMES"]

Completeness = Literal["exact-count", "bound-attained", "stable-runs", "not-established"]

BOUND_NAMES: tuple[str, ...] = (
    "total_degree",
    "m_homogeneous_bezout",
    "linear_product_bezout",
    "stable_mixed_volume",
)
"""Root counts that bound the number of isolated solutions in C^n (with multiplicity)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """One machine-readable reason behind a verdict.

    Attributes
    ----------
    code : str
        E.g. ``"degenerate-point"``, ``"undetermined-point"``, ``"completeness"``,
        ``"zero-dimensionality-not-established"``.
    message : str
        One sentence for humans.
    points : tuple of int
        Indices into the catalog's ``critical_points``.
    """

    code: str
    message: str
    points: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """Whether the loss is Morse, over the reals and over the complex numbers."""

    morse: bool | None
    complex_morse: bool | None
    completeness: Completeness
    reasons: tuple[Reason, ...]


def decide_completeness(
    points: Sequence[CriticalPoint], root_counts: dict[str, int], stable: bool, stable_runs: int, failed_runs: int = 0
) -> tuple[Completeness, Reason]:
    """How complete the found isolated set is, with the reason (failed runs are mentioned)."""
    completeness, reason = _completeness(points, root_counts, stable, stable_runs)
    if failed_runs:
        reason = Reason(code=reason.code, message=f"{reason.message} {failed_runs} backend run(s) failed "
                        "(crash or timeout; see provenance.runs) and did not count.")
    return completeness, reason


def _completeness(
    points: Sequence[CriticalPoint], root_counts: dict[str, int], stable: bool, stable_runs: int
) -> tuple[Completeness, Reason]:
    regular = sum(1 for p in points if p.nondegenerate)
    all_regular = regular == len(points)
    for name in BOUND_NAMES:
        bound = root_counts.get(name)
        if all_regular and bound is not None and regular == bound:
            return "bound-attained", Reason(
                code="completeness",
                message=f"{regular} nondegenerate points found = {name.replace('_', ' ')} {bound}, "
                "an upper bound on the number of isolated critical points.",
            )
    bounds = ", ".join(f"{k.replace('_', ' ')} {root_counts[k]}" for k in BOUND_NAMES if k in root_counts)
    if stable:
        return "stable-runs", Reason(
            code="completeness",
            message=f"{stable_runs} consecutive runs with fresh seeds added no point (no root-count bound "
            f"attained: {bounds or 'none computed'}); evidence, not proof.",
        )
    return "not-established", Reason(
        code="completeness",
        message=f"the run limit was reached before {stable_runs} consecutive runs added nothing; the set may be "
        f"incomplete (root counts: {bounds or 'none computed'}).",
    )


def decide_verdict(
    points: Sequence[CriticalPoint],
    *,
    completeness: Completeness,
    completeness_reason: Reason,
    total_degree: int | None,
) -> Verdict:
    """Combine the classified points and the completeness statement into a verdict."""
    reasons = [completeness_reason]
    degenerate = tuple(i for i, p in enumerate(points) if p.nondegenerate is False)
    degenerate_real = tuple(i for i in degenerate if points[i].is_real)
    undetermined = tuple(i for i, p in enumerate(points) if p.nondegenerate is None)
    undetermined_real = tuple(i for i in undetermined if points[i].is_real)
    multiple = tuple(i for i in degenerate if points[i].isolated)
    unclosed = tuple(i for i in degenerate if not points[i].isolated)
    if multiple:
        orders = ", ".join(f"#{i}: {points[i].multiplicity}" for i in multiple)
        reasons.append(Reason(
            code="multiple-point",
            message=f"{len(multiple)} isolated critical point(s) of multiplicity > 1 (closed local dual space; "
            f"multiplicities {orders}).",
            points=multiple,
        ))
    if unclosed:
        reasons.append(Reason(
            code="degenerate-point",
            message=f"{len(unclosed)} critical point(s) with a singular Hessian whose local dual space does not close "
            "within the budget: most likely on a positive-dimensional component.",
            points=unclosed,
        ))
    if undetermined:
        reasons.append(Reason(
            code="undetermined-point",
            message=f"{len(undetermined)} point(s) whose Hessian is too close to singular to decide "
            "(smallest equilibrated singular value within a factor nondegenerate_margin of the noise level).",
            points=undetermined,
        ))
    regular = sum(1 for p in points if p.nondegenerate)
    zero_dimensional = total_degree is not None and regular == total_degree and not degenerate and not undetermined
    if not zero_dimensional and not degenerate:
        reasons.append(Reason(
            code="zero-dimensionality-not-established",
            message="positive-dimensional critical components are not ruled out "
            "(no root-count argument excludes them; needs a decomposition or an exact check).",
        ))
    complex_morse = _combine(bool(degenerate), bool(undetermined), zero_dimensional)
    morse = _combine(bool(degenerate_real), bool(undetermined_real), zero_dimensional)
    return Verdict(morse=morse, complex_morse=complex_morse, completeness=completeness, reasons=tuple(reasons))


def _combine(has_witness: bool, has_unknown: bool, proven: bool) -> bool | None:
    if has_witness:
        return False
    if has_unknown or not proven:
        return None
    return True
