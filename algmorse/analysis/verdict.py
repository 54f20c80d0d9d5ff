"""The Morse verdicts, the completeness statement, and the reasons behind them.

``complex_morse`` and ``morse`` are ``True``, ``False`` or ``None`` (undetermined), and each
names what backs it (``morse_basis``, ``complex_morse_basis``).

``False`` needs a witness (basis ``"witness"``), which does not depend on completeness:

* a positive-dimensional component of the critical set (``complex_morse``; also ``morse`` when a
  real point on it was found);
* an isolated point of multiplicity > 1, or a point with a singular Hessian (``morse`` when it is
  real).

``True`` needs a proof that every critical point is nondegenerate:

* ``complex_morse``: the critical set is finite and every complex critical point has
  multiplicity 1. Exact algebra over QQ proves both at once (dimension 0 and equal counts with
  and without multiplicity; basis ``"exact-algebra"``). Otherwise: a finite critical set (exact
  or modular dimension 0, the total-degree bound attained, or a decomposition with no
  positive-dimensional component) plus a complete isolated set (``exact-count``,
  ``modular-count`` or ``bound-attained``) of points that each carry an interval certificate
  (which proves multiplicity 1); the basis is then that completeness level.
* ``morse``: as ``complex_morse``, but only the real points need to be nondegenerate.

``completeness`` says how the found isolated set was shown complete, strongest first:

* ``"exact-count"``: the number of distinct points equals the exact count over QQ
  (Singular/msolve), or certified distinct points are as many as the count with multiplicity
  over QQ (Singular ``std``/``vdim``, tried within a short time box by default). A proof.
* ``"modular-count"``: the points found, counted with multiplicity (1 for a certified point),
  add up to the number of solutions over two large prime fields, which equals the count over QQ
  unless both primes are unlucky. Correct with overwhelming probability, said as such.
* ``"bound-attained"``: as many certified, pairwise distinct points as a proven upper bound on
  the isolated solutions (total degree, a multihomogeneous or linear-product Bezout number, or
  the stable mixed volume, all computed for the exact supports). A proof.
* ``"certified-lower-bound"``: the certified points (disjoint boxes) prove that at least that
  many critical points exist; nothing bounds the count from above.
* ``"stable-runs"``: ``k`` consecutive backend runs with fresh seeds added no point (evidence,
  not proof).
* ``"not-established"``: neither.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Sequence

from .classify import CriticalPoint
from .components import Component

__all__ = ["Reason", "Verdict", "Completeness", "ModularEvidence", "decide_completeness", "decide_verdict",
           "square_system_verdict", "BOUND_NAMES", "COMPLETENESS_LEVELS"]

Completeness = Literal["exact-count", "modular-count", "bound-attained", "certified-lower-bound", "stable-runs",
                       "not-established"]
ZeroDimensionalBasis = Literal["total-degree", "exact", "modular", "decomposition"]

COMPLETENESS_LEVELS: tuple[str, ...] = ("exact-count", "modular-count", "bound-attained", "certified-lower-bound",
                                        "stable-runs", "not-established")
"""The completeness levels, strongest first."""

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
    """Whether the loss is Morse, over the reals and over the complex numbers.

    Attributes
    ----------
    morse, complex_morse : bool or None
    completeness : str
        One of :data:`COMPLETENESS_LEVELS`.
    reasons : tuple of Reason
    morse_basis, complex_morse_basis : str or None
        What backs each verdict: ``"witness"`` (a named component or point, for ``False``),
        ``"exact-algebra"``, or the completeness level that proved ``True``; ``None`` when the
        verdict is undetermined.
    """

    morse: bool | None
    complex_morse: bool | None
    completeness: Completeness
    reasons: tuple[Reason, ...]
    morse_basis: str | None = None
    complex_morse_basis: str | None = None

    def __repr__(self) -> str:
        def word(value: bool | None, basis: str | None) -> str:
            return "undetermined" if value is None else f"{str(value).lower()} ({basis})"
        return (f"<Verdict morse: {word(self.morse, self.morse_basis)}, complex_morse: "
                f"{word(self.complex_morse, self.complex_morse_basis)}, completeness: {self.completeness}, "
                f"{len(self.reasons)} reason{'' if len(self.reasons) == 1 else 's'}>")

    def _repr_html_(self) -> str:
        import html

        items = "".join(f"<li><b>{html.escape(r.code)}</b>: {html.escape(r.message)}</li>" for r in self.reasons)
        return f"<code>{html.escape(repr(self))}</code><ul>{items}</ul>"


@dataclass(frozen=True, slots=True)
class ModularEvidence:
    """A count over prime fields, as the verdict uses it (see :func:`algmorse.engine.exact.modular_count`).

    ``rational_count`` is the count with multiplicity over QQ when Singular's ``std`` over QQ
    finished within its time box (:func:`algmorse.engine.exact.rational_count`), else ``None``.
    """

    primes: tuple[int, ...]
    dimension: int
    count_with_multiplicity: int | None
    rational_count: int | None = None


def decide_completeness(
    points: Sequence[CriticalPoint],
    root_counts: dict[str, int],
    stable: bool,
    stable_runs: int,
    failed_runs: int = 0,
    exact_distinct: int | None = None,
    modular: ModularEvidence | None = None,
    overlapping: int = 0,
) -> tuple[Completeness, Reason]:
    """How complete the found isolated set is, with the reason (failed runs are mentioned).

    Parameters
    ----------
    points : sequence of CriticalPoint
    root_counts : dict
        Upper bounds on the number of isolated solutions (see :data:`BOUND_NAMES`).
    stable : bool
        Whether the runs' stopping rule held.
    stable_runs : int
    failed_runs : int
    exact_distinct : int, optional
        Distinct complex critical points by exact algebra over QQ.
    modular : ModularEvidence, optional
        Dimension and count with multiplicity over prime fields.
    overlapping : int
        Certified points whose boxes overlap another's (they do not count as distinct).
    """
    completeness, reason = _completeness(points, root_counts, stable, stable_runs, exact_distinct, modular,
                                         overlapping)
    if failed_runs:
        reason = Reason(code=reason.code, message=f"{reason.message} {failed_runs} backend run(s) failed "
                        "(crash or timeout; see provenance.runs) and did not count.")
    return completeness, reason


def _completeness(
    points: Sequence[CriticalPoint], root_counts: dict[str, int], stable: bool, stable_runs: int,
    exact_distinct: int | None, modular: ModularEvidence | None, overlapping: int,
) -> tuple[Completeness, Reason]:
    if exact_distinct is not None and len(points) == exact_distinct:
        return "exact-count", Reason(
            code="completeness",
            message=f"{len(points)} distinct points found = the exact number of distinct complex critical points.",
        )
    certified = sum(1 for p in points if p.certified) - overlapping
    all_certified = certified == len(points)
    if modular is not None and modular.rational_count is not None and all_certified \
            and certified == modular.rational_count:
        return "exact-count", Reason(
            code="completeness",
            message=f"{certified} certified distinct points = the number of complex critical points over QQ counted "
            "with multiplicity (Singular std/vdim): none is missing and each has multiplicity 1.",
        )
    multiplicities = [1 if p.certified else p.multiplicity for p in points]
    if modular is not None and modular.dimension <= 0 and None not in multiplicities \
            and overlapping == 0 and sum(multiplicities) == modular.count_with_multiplicity:
        primes = " and ".join(map(str, modular.primes))
        return "modular-count", Reason(
            code="completeness",
            message=f"{len(points)} points found ({certified} certified), {sum(multiplicities)} with multiplicity = "
            f"the number of complex critical points over the prime fields F_p, p = {primes} (equal to the count "
            "over QQ unless both primes are unlucky).",
        )
    for name in BOUND_NAMES:
        bound = root_counts.get(name)
        if all_certified and bound is not None and certified == bound:
            return "bound-attained", Reason(
                code="completeness",
                message=f"{certified} certified distinct points found = {name.replace('_', ' ')} {bound}, "
                "an upper bound on the number of isolated critical points.",
            )
    bounds = ", ".join(f"{k.replace('_', ' ')} {root_counts[k]}" for k in BOUND_NAMES if k in root_counts)
    runs = (f"{stable_runs} consecutive runs with fresh seeds added no point" if stable else
            f"the run limit was reached before {stable_runs} consecutive runs added nothing")
    if certified > 0:
        return "certified-lower-bound", Reason(
            code="completeness",
            message=f"{certified} of {len(points)} point{'' if len(points) == 1 else 's'} certified by interval "
            f"arithmetic in disjoint boxes: at least {certified} critical point{'' if certified == 1 else 's'} "
            f"exist{'s' if certified == 1 else ''}; {runs} (root counts: {bounds or 'none computed'}).",
        )
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
    modular: ModularEvidence | None = None,
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
    zero_dimensional : {"total-degree", "exact", "modular", "decomposition"} or None
        How the absence of positive-dimensional components was established, if it was.
    exact_radical : bool
        The exact check proved that every complex critical point has multiplicity 1.
    modular : ModularEvidence, optional
        The count over prime fields; when it exceeds what was found, a ``"missing-points"``
        reason says by how much.
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
                 "modular": "Groebner bases over two large prime fields give dimension 0 (the dimension over QQ "
                            "unless both primes are unlucky)",
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

    if modular is not None and modular.dimension == 0 and modular.count_with_multiplicity is not None:
        counted = sum(1 if p.certified else (p.multiplicity or 1) for p in points)
        if counted < modular.count_with_multiplicity:
            reasons.append(Reason(code="missing-points", message=f"the count over prime fields is "
                                  f"{modular.count_with_multiplicity} with multiplicity; the points found account for "
                                  f"{counted}: {modular.count_with_multiplicity - counted} missing (not found, or "
                                  "multiplicities not established)."))

    proven_complete = completeness in ("exact-count", "modular-count", "bound-attained")
    finite = zero_dimensional is not None and not components
    uncertified = tuple(i for i, p in enumerate(points) if not p.certified)
    complex_basis = morse_basis = None
    if components or degenerate:
        complex_morse: bool | None = False
        complex_basis = "witness"
    elif finite and exact_radical:
        complex_morse, complex_basis = True, "exact-algebra"
    elif finite and proven_complete and not uncertified:
        complex_morse, complex_basis = True, completeness
    else:
        complex_morse = None

    real_degenerate = tuple(i for i in degenerate if points[i].is_real)
    if real_components or real_degenerate:
        morse: bool | None = False
        morse_basis = "witness"
    elif complex_morse:
        morse, morse_basis = True, complex_basis
    elif finite and proven_complete and not _real_doubt(points, undetermined):
        morse, morse_basis = True, completeness
    else:
        morse = None
    return Verdict(morse=morse, complex_morse=complex_morse, completeness=completeness, reasons=tuple(reasons),
                   morse_basis=morse_basis, complex_morse_basis=complex_basis)


# The reasons speak of a loss's critical points; a square system's are its solutions.
_SYSTEM_WORDS = (("critical points", "solutions"), ("critical point", "solution"), ("critical set", "solution set"),
                 ("critical components", "solution components"), ("Hessian", "Jacobian"))


def square_system_verdict(verdict: Verdict, points: Sequence[CriticalPoint]) -> Verdict:
    """The verdict of a square system that is not a gradient: completeness stands, Morse questions do not apply.

    The Morse fields become ``None`` with a ``"not-a-gradient"`` reason, and the other reasons
    speak of solutions and the Jacobian instead of critical points and the Hessian.
    """
    reasons = []
    for reason in verdict.reasons:
        message = reason.message
        for loss_word, system_word in _SYSTEM_WORDS:
            message = message.replace(loss_word, system_word)
        reasons.append(replace(reason, message=message))
    regular = sum(p.nondegenerate is True for p in points)
    reasons.append(Reason(code="not-a-gradient",
                          message=f"a square system, not a gradient: no loss, Hessian or Morse verdict; {regular} of "
                          f"{len(points)} solutions are regular (invertible Jacobian)."))
    return replace(verdict, morse=None, complex_morse=None, morse_basis=None, complex_morse_basis=None,
                   reasons=tuple(reasons))


def _real_doubt(points: Sequence[CriticalPoint], undetermined: tuple[int, ...]) -> bool:
    """Whether a point that is or may be real lacks a proof of nondegeneracy.

    A point counts as surely non-real only when its certificate proves it (``real`` false);
    every other point must be certified (or, for a non-real point by the numerical test only,
    not undetermined).
    """
    for i, p in enumerate(points):
        if p.certified:
            continue
        if p.is_real or i in undetermined:
            return True
    return False
