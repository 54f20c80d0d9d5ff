"""The Morse verdicts, the completeness statement, and the reasons behind them.

``complex_morse`` and ``morse`` are ``True``, ``False`` or ``None`` (undetermined).

``False`` needs a witness, which does not depend on completeness:

* a positive-dimensional component of the critical set (``complex_morse``; also ``morse`` when a
  real point on it was found);
* an isolated point of multiplicity > 1, or a point with a singular Hessian (``morse`` when it is
  real).

``True`` needs a proof that every critical point is nondegenerate:

* ``complex_morse``: the critical set is zero-dimensional and every complex critical point has
  multiplicity 1. The exact check proves both at once (dimension 0 and equal counts with and
  without multiplicity). Numerically: zero-dimensionality (total-degree bound attained, exact
  dimension 0, or a decomposition with no positive-dimensional component) plus a proven-complete
  isolated set (``exact-count`` or ``bound-attained``) of nondegenerate points.
* ``morse``: as ``complex_morse``, but only the real points need to be nondegenerate.

``completeness`` says how the found isolated set was shown complete:

* ``"exact-count"``: the number of distinct points equals the exact count (Singular/msolve);
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
from .components import Component

__all__ = ["Reason", "Verdict", "Completeness", "decide_completeness", "decide_verdict", "BOUND_NAMES"]

Completeness = Literal["exact-count", "bound-attained", "stable-runs", "not-established"]
ZeroDimensionalBasis = Literal["total-degree", "exact", "decomposition"]

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
        E.g. ``"positive-dimensional-component"``, ``"multiple-point"``, ``"degenerate-point"``,
        ``"undetermined-point"``, ``"completeness"``, ``"zero-dimensional"``,
        ``"zero-dimensionality-not-established"``, ``"exact"``.
    message : str
        One sentence for humans.
    points : tuple of int
        Indices into the catalog's ``critical_points``.
    components : tuple of int
        Indices into the catalog's ``components``.
    """

    code: str
    message: str
    points: tuple[int, ...] = ()
    components: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """Whether the loss is Morse, over the reals and over the complex numbers."""

    morse: bool | None
    complex_morse: bool | None
    completeness: Completeness
    reasons: tuple[Reason, ...]


def decide_completeness(
    points: Sequence[CriticalPoint],
    root_counts: dict[str, int],
    stable: bool,
    stable_runs: int,
    failed_runs: int = 0,
    exact_distinct: int | None = None,
) -> tuple[Completeness, Reason]:
    """How complete the found isolated set is, with the reason (failed runs are mentioned)."""
    completeness, reason = _completeness(points, root_counts, stable, stable_runs, exact_distinct)
    if failed_runs:
        reason = Reason(code=reason.code, message=f"{reason.message} {failed_runs} backend run(s) failed "
                        "(crash or timeout; see provenance.runs) and did not count.")
    return completeness, reason


def _completeness(
    points: Sequence[CriticalPoint], root_counts: dict[str, int], stable: bool, stable_runs: int,
    exact_distinct: int | None,
) -> tuple[Completeness, Reason]:
    if exact_distinct is not None and len(points) == exact_distinct:
        return "exact-count", Reason(
            code="completeness",
            message=f"{len(points)} distinct points found = the exact number of distinct complex critical points.",
        )
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
    components: Sequence[Component] = (),
    *,
    completeness: Completeness,
    completeness_reason: Reason,
    zero_dimensional: ZeroDimensionalBasis | None,
    exact_radical: bool = False,
) -> Verdict:
    """Combine points, components, completeness and the exact check into a verdict.

    Parameters
    ----------
    points : sequence of CriticalPoint
        The isolated critical points (points on components excluded).
    components : sequence of Component
        Positive-dimensional components found.
    completeness, completeness_reason
        From :func:`decide_completeness`.
    zero_dimensional : {"total-degree", "exact", "decomposition"} or None
        How the absence of positive-dimensional components was established, if it was.
    exact_radical : bool
        The exact check proved that every complex critical point has multiplicity 1.
    """
    reasons = [completeness_reason]
    multiple = tuple(i for i, p in enumerate(points) if p.nondegenerate is False and p.isolated)
    unclosed = tuple(i for i, p in enumerate(points) if p.nondegenerate is False and not p.isolated)
    undetermined = tuple(i for i, p in enumerate(points) if p.nondegenerate is None)
    degenerate = multiple + unclosed
    real_components = tuple(i for i, c in enumerate(components) if c.real_points)
    for i, component in enumerate(components):
        reasons.append(Reason(
            code="positive-dimensional-component",
            message=f"component {i}: {component.description}.",
            components=(i,),
        ))
    if multiple:
        orders = ", ".join(f"#{i}: {points[i].multiplicity}" for i in multiple)
        reasons.append(Reason(code="multiple-point", message=f"{len(multiple)} isolated critical point(s) of "
                              f"multiplicity > 1 (closed local dual space; multiplicities {orders}).", points=multiple))
    if unclosed:
        reasons.append(Reason(code="degenerate-point", message=f"{len(unclosed)} critical point(s) with a singular "
                              "Hessian whose local dual space does not close within the budget: most likely on a "
                              "positive-dimensional component.", points=unclosed))
    if undetermined:
        reasons.append(Reason(code="undetermined-point", message=f"{len(undetermined)} point(s) whose Hessian is too "
                              "close to singular to decide (smallest equilibrated singular value within a factor "
                              "nondegenerate_margin of its noise level).", points=undetermined))
    if zero_dimensional is not None:
        basis = {"total-degree": "the count of nondegenerate points reaches the total degree (refined Bezout)",
                 "exact": "exact algebra gives dimension 0",
                 "decomposition": "the numerical irreducible decomposition found no positive-dimensional "
                                  "component (probability-one numerical method)"}[zero_dimensional]
        reasons.append(Reason(code="zero-dimensional", message=f"the critical set is finite: {basis}."))
    elif not components:
        reasons.append(Reason(code="zero-dimensionality-not-established", message="positive-dimensional critical "
                              "components are not ruled out (no decomposition, exact check or root-count argument "
                              "excludes them)."))
    if exact_radical:
        reasons.append(Reason(code="exact", message="exact algebra: every complex critical point has multiplicity 1 "
                              "(equal counts with and without multiplicity)."))

    proven_complete = completeness in ("exact-count", "bound-attained")
    finite = zero_dimensional is not None and not components
    if components or degenerate:
        complex_morse: bool | None = False
    elif finite and (exact_radical or (proven_complete and not undetermined)):
        complex_morse = True
    else:
        complex_morse = None

    real_degenerate = tuple(i for i in degenerate if points[i].is_real)
    real_undetermined = tuple(i for i in undetermined if points[i].is_real)
    if real_components or real_degenerate:
        morse: bool | None = False
    elif complex_morse:
        morse = True
    elif finite and proven_complete and not real_undetermined:
        morse = True
    else:
        morse = None
    return Verdict(morse=morse, complex_morse=complex_morse, completeness=completeness, reasons=tuple(reasons))
