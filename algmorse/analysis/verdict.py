"""The Morse verdicts, the completeness statement, and the reasons behind them: one decision.

:func:`decide` is the only place where a claim is made, as a function of typed evidence
(:class:`Evidence`): the points, each proven or not; the components; what algebra says
(:class:`AlgebraicEvidence`, over QQ or over two primes); what the search did
(:class:`SearchEvidence`). A point is *proven* when an interval certificate holds it (a distinct,
nondegenerate critical point) or an exact proof at a rational point gives its multiplicity;
nothing else is counted, and nothing else is a witness.

``complex_morse`` and ``morse`` are ``True``, ``False`` or ``None`` (undetermined), and each
names what backs it (``morse_basis``, ``complex_morse_basis``, one of :data:`VERDICT_BASES`).

``False`` needs a named witness (basis ``"witness"``) or algebra alone:

* an exactly proven multiple point, or a rational point proven to lie on a component (also
  ``morse`` when real, which they are);
* a numerical component, when algebra gives the critical set a positive dimension (``morse``
  too when a real point on it is known);
* algebra alone (``"exact-algebra"``/``"modular-algebra"``): positive dimension or a non-radical
  ideal for ``complex_morse``; a real multiple point of a primary decomposition over QQ for
  ``morse``.

``True`` needs a proof that every critical point (every real one, for ``morse``) is
nondegenerate: a finite critical set with a complete set (``exact-count``, ``modular-count`` or
``bound-attained``) of certified points (basis: that level); or a radical zero-dimensional ideal
(basis: the algebra's level); for ``morse`` also: every simple point certified and every
multiple one non-real by the primary decomposition.

``completeness`` says how the found isolated set was shown complete, strongest first:

* ``"exact-count"``: proven distinct points as many as the distinct count over QQ, or proven
  multiplicities adding up to the count with multiplicity over QQ. A proof.
* ``"modular-count"``: the same against the counts over two large prime fields, which equal
  those over QQ unless both primes are unlucky. Correct with overwhelming probability.
* ``"bound-attained"``: every point certified, as many as a proven upper bound on the isolated
  solutions (total degree, a Bezout number, the stable mixed volume of the exact supports).
* ``"certified-lower-bound"``: the proven points show that at least that many exist.
* ``"stable-runs"``: ``k`` consecutive backend runs with fresh seeds added no point (evidence,
  not proof).
* ``"not-established"``: neither.
"""

from __future__ import annotations

import math
from fractions import Fraction

from dataclasses import dataclass, field, replace
from typing import Literal, Sequence

from ..engine.exact import MultipleSet
from ..engine.rational_points import ExactPoint
from .classify import CriticalPoint
from .components import Component

__all__ = ["Reason", "Verdict", "Completeness", "AlgebraicEvidence", "SearchEvidence", "MorseBottEvidence",
           "ComponentEvidence", "Evidence",
           "decide",
           "square_system_verdict", "BOUND_NAMES", "COMPLETENESS_LEVELS", "VERDICT_BASES"]

Completeness = Literal["exact-count", "modular-count", "bound-attained", "certified-lower-bound", "stable-runs",
                       "not-established"]

COMPLETENESS_LEVELS: tuple[str, ...] = ("exact-count", "modular-count", "bound-attained", "certified-lower-bound",
                                        "stable-runs", "not-established")
"""The completeness levels, strongest first."""

VERDICT_BASES: tuple[str, ...] = ("witness", "exact-algebra", "modular-algebra") + COMPLETENESS_LEVELS[:3]
"""What may back a decided verdict: a named witness, algebra over QQ or over two primes alone, or
a proven completeness level (with every point certified)."""

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
    morse_bott, complex_morse_bott : bool or None
        Whether the critical set is a disjoint union of smooth components along which the
        Hessian is nondegenerate in the normal directions (over the reals; over the complex
        numbers). A Morse loss is Morse-Bott; so is the standard L2 loss of a linear network
        whose circles of minima are smooth and normally nondegenerate.
    morse_bott_basis, complex_morse_bott_basis : str or None
        ``"exact-algebra"`` (the tests of :mod:`algmorse.engine.morse_bott` on the minimal
        primes over QQ), or, for a finite critical set, the basis of the Morse verdict (there
        the two notions agree); ``None`` when undetermined.
    all_minima_global : bool or None
        The landscape question: is every real local minimum a global minimum? Decided only when
        every real critical point and component is known and classified with proofs, and the
        global minimum is known to be attained: by a coercive regularizer (L2 or generalized L2),
        or by a local minimum whose loss is proven to equal a lower bound of the loss (0 for a
        squared loss); without a local minimum at all it is vacuously true. False is also
        decided, alone, by a certified local minimum whose loss is above the loss at another
        proven real point (``landscape_basis: "witness"``).
    spurious_minima : int or None
        The number of real local minima above the global minimum (points; a symmetry orbit
        counts each of its points), when ``all_minima_global`` is decided with everything known.
    strict_saddle : bool or None
        Whether every real critical point that is not a local minimum has a negative Hessian
        eigenvalue: true when every real critical point is proven nondegenerate and the set is
        complete and finite.
    landscape_basis : str or None
        The completeness level that backs the landscape verdicts, with what makes the minimum
        attained for the first (``"coercive+exact-count"``, ``"attained+exact-count"``), or
        ``"witness"`` for a spurious minimum proven on its own.
    """

    morse: bool | None
    complex_morse: bool | None
    completeness: Completeness
    reasons: tuple[Reason, ...]
    morse_basis: str | None = None
    complex_morse_basis: str | None = None
    morse_bott: bool | None = None
    complex_morse_bott: bool | None = None
    morse_bott_basis: str | None = None
    complex_morse_bott_basis: str | None = None
    all_minima_global: bool | None = None
    spurious_minima: int | None = None
    strict_saddle: bool | None = None
    landscape_basis: str | None = None

    def __repr__(self) -> str:
        def word(value: bool | None, basis: str | None) -> str:
            return "undetermined" if value is None else f"{str(value).lower()} ({basis})"
        return (f"<Verdict morse: {word(self.morse, self.morse_basis)}, complex_morse: "
                f"{word(self.complex_morse, self.complex_morse_basis)}, morse_bott: "
                f"{word(self.morse_bott, self.morse_bott_basis)}, completeness: {self.completeness}, "
                f"{len(self.reasons)} reason{'' if len(self.reasons) == 1 else 's'}>")

    def _repr_html_(self) -> str:
        import html

        items = "".join(f"<li><b>{html.escape(r.code)}</b>: {html.escape(r.message)}</li>" for r in self.reasons)
        return f"<code>{html.escape(repr(self))}</code><ul>{items}</ul>"


@dataclass(frozen=True, slots=True, kw_only=True)
class AlgebraicEvidence:
    """What algebra says about the critical set (Singular/msolve over QQ, or over two primes).

    Attributes
    ----------
    level : {"exact", "modular"}
        ``"exact"``: computed over QQ (a proof); ``"modular"``: over the prime fields
        ``primes``, which all agreed (equal to QQ's answer unless every prime is unlucky).
    dimension : int
        Krull dimension of the critical set (-1: no critical point).
    count_with_multiplicity : int or None
        Number of complex critical points counted with multiplicity (dimension 0 only).
    count_distinct : int or None
        Number of distinct complex critical points (dimension 0 only), when computed.
    rational_count : int or None
        At the modular level, the count with multiplicity over QQ when that also finished (it
        agreed with the primes): a proof of that count, and of dimension 0.
    primes : tuple of int
    multiple : tuple of MultipleSet or None
        The multiple points by primary decomposition over QQ (exact, whatever ``level``), when it
        ran and finished: how many conjugate points, their multiplicity, how many are real.
    isolated_distinct : int or None
        The number of distinct isolated critical points by the exact decomposition over QQ (the
        degrees of its zero-dimensional minimal primes; exact whatever ``level`` and whatever the
        dimension of the critical set), when it ran and finished.
    """

    level: Literal["exact", "modular"]
    dimension: int
    count_with_multiplicity: int | None = None
    count_distinct: int | None = None
    rational_count: int | None = None
    primes: tuple[int, ...] = ()
    multiple: tuple[MultipleSet, ...] | None = None
    isolated_distinct: int | None = None

    @property
    def finite(self) -> bool:
        """Whether the critical set is finite (dimension 0 or empty)."""
        return self.dimension <= 0

    @property
    def finite_over_qq(self) -> bool:
        """Whether finiteness is proven over QQ (not only over the primes)."""
        return self.finite and (self.level == "exact" or self.rational_count is not None)

    @property
    def radical(self) -> bool | None:
        """Whether every complex critical point has multiplicity 1 (``None``: not known)."""
        if self.dimension < 0:
            return True
        if self.dimension > 0 or self.count_distinct is None or self.count_with_multiplicity is None:
            return None
        return self.count_distinct == self.count_with_multiplicity

    @property
    def basis(self) -> str:
        """The verdict basis of a decision by this algebra alone."""
        return "exact-algebra" if self.level == "exact" else "modular-algebra"


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchEvidence:
    """What the numerical search did (it proves nothing by itself; it finds what is proven).

    Attributes
    ----------
    root_counts : dict
        Proven upper bounds on the number of isolated solutions (:data:`BOUND_NAMES`).
    stable : bool
        Whether the runs' stopping rule held.
    stable_runs : int
    failed_runs : int
    doubtful : int
        Refined endpoints reported nowhere (neither proven nor a critical point, see the
        ``doubtful-endpoints`` reason).
    decomposition_clean : bool
        The numerical irreducible decomposition ran and found no positive-dimensional
        component (probability one, not a proof: said, never used to decide).
    """

    root_counts: dict[str, int] = field(default_factory=dict)
    stable: bool = False
    stable_runs: int = 2
    failed_runs: int = 0
    doubtful: int = 0
    decomposition_clean: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MorseBottEvidence:
    """The exact Morse-Bott tests on the minimal primes (:func:`algmorse.engine.morse_bott.morse_bott_test`).

    Attributes
    ----------
    complex_morse_bott : bool
        No obstruction over the complex numbers.
    morse_bott : bool or None
        Over the reals: True with no obstruction (or none with a real point, each proven
        without), False when an obstruction has a proven real point, None otherwise.
    obstructions : tuple of str
        One line per obstruction, for the reasons.
    """

    complex_morse_bott: bool
    morse_bott: bool | None
    obstructions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ComponentEvidence:
    """What is proven of one component for the landscape verdicts.

    Attributes
    ----------
    real : bool or None
        Whether it has real points (proven either way), or None.
    indices : tuple of int or None
        The certified number of negative Hessian eigenvalues (its normal Morse index) at a proven
        real point on each connected piece of its real part that was met; None when not certified.
    loss : (float, float) or None
        An interval holding the loss on it (the loss is constant on a component).
    exact_loss : Fraction or None
        The loss on it, when rational (exact algebra: a linear loss polynomial).
    """

    real: bool | None
    indices: tuple[int, ...] | None = None
    loss: tuple[float, float] | None = None
    exact_loss: Fraction | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Everything a verdict may rest on, typed by what backs it.

    Attributes
    ----------
    points : sequence of CriticalPoint
        The isolated points as reported. Only proven ones (:attr:`CriticalPoint.proven`)
        count: a certificate proves a distinct nondegenerate point (boxes pairwise disjoint,
        less ``overlapping``), an exact proof a rational point and its multiplicity.
    components : sequence of Component
        Positive-dimensional components from the numerical decomposition (witnesses only when
        algebra gives the critical set a positive dimension).
    algebra : AlgebraicEvidence or None
    search : SearchEvidence
    overlapping : int
        Certified points whose boxes overlap another's (they do not count as distinct).
    non_isolated : sequence of ExactPoint
        Rational critical points proven (exact local dimension > 0) to lie on a
        positive-dimensional component: each is a degenerate real critical point.
    morse_bott : MorseBottEvidence or None
        The exact Morse-Bott tests, when they ran and finished.
    coercive : bool or None
        Whether the loss tends to infinity at infinity (so that it attains its minimum): True for
        an L2 or generalized-L2 regularizer with positive strengths; None when not known.
    component_evidence : tuple of ComponentEvidence or None
        One per component, from the exact stage; None when the components came from numerics.
    loss_lower_bound : float or None
        A number the loss never goes below on real points (0 for a squared loss with a
        non-negative regularizer); a local minimum whose loss is proven to equal it is global.
    numerical_check : tuple of str or None
        When the numerical decomposition ran beside the exact one: how they differ (empty: they
        agree). It decides nothing; the verdict says it (reason ``numerical-decomposition``).
    """

    points: Sequence[CriticalPoint]
    components: Sequence[Component] = ()
    algebra: AlgebraicEvidence | None = None
    search: SearchEvidence = field(default_factory=SearchEvidence)
    overlapping: int = 0
    non_isolated: Sequence[ExactPoint] = ()
    morse_bott: MorseBottEvidence | None = None
    coercive: bool | None = None
    component_evidence: tuple[ComponentEvidence, ...] | None = None
    loss_lower_bound: float | None = None
    numerical_check: tuple[str, ...] | None = None

    @property
    def certified(self) -> int:
        """Certified points in pairwise disjoint boxes."""
        return sum(1 for p in self.points if p.certified) - self.overlapping

    @property
    def exact_isolated(self) -> tuple[int, ...]:
        """Indices of points proven isolated by an exact proof only (not certified)."""
        return tuple(i for i, p in enumerate(self.points) if not p.certified and p.proven)

    @property
    def proven_distinct(self) -> int:
        """Distinct isolated critical points proven to exist."""
        return self.certified + len(self.exact_isolated)

    @property
    def proven_with_multiplicity(self) -> int:
        """The proven points counted with their proven multiplicities (1 for a certified point)."""
        return self.certified + sum(self.points[i].exact_point.multiplicity for i in self.exact_isolated)


def decide(evidence: Evidence) -> Verdict:
    """The completeness level and both verdicts, with their reasons, from typed evidence.

    The one place where claims are decided. Only proven facts back a completeness level above
    ``stable-runs`` or a decided verdict: certified points, exact proofs at rational points,
    and algebra (over QQ, or over two primes at the ``modular`` level). A point that is neither
    certified nor proven is reported as undetermined and never counted, and never a witness.
    """
    completeness, completeness_reason = _completeness(evidence)
    reasons = [completeness_reason] + _point_reasons(evidence) + _set_reasons(evidence)
    complex_morse, complex_basis = _complex_morse(evidence, completeness)
    morse, morse_basis = _morse(evidence, completeness, complex_morse, complex_basis)
    complex_bott, complex_bott_basis = _morse_bott(evidence, complex_morse, complex_basis, over_reals=False)
    bott, bott_basis = _morse_bott(evidence, morse, morse_basis, over_reals=True)
    if evidence.morse_bott is not None:
        reasons.append(_morse_bott_reason(evidence.morse_bott))
    landscape = _landscape(evidence, completeness)
    reasons.append(landscape.reason)
    if evidence.numerical_check is not None:
        reasons.append(_numerical_check_reason(evidence.numerical_check))
    return Verdict(morse=morse, complex_morse=complex_morse, completeness=completeness, reasons=tuple(reasons),
                   morse_basis=morse_basis, complex_morse_basis=complex_basis, morse_bott=bott,
                   complex_morse_bott=complex_bott, morse_bott_basis=bott_basis,
                   complex_morse_bott_basis=complex_bott_basis, all_minima_global=landscape.all_minima_global,
                   spurious_minima=landscape.spurious, strict_saddle=landscape.strict_saddle,
                   landscape_basis=landscape.basis)


@dataclass(frozen=True, slots=True)
class _Landscape:
    all_minima_global: bool | None
    spurious: int | None
    strict_saddle: bool | None
    basis: str | None
    reason: Reason


INCOMPLETE_CHECK = "the numerical decomposition did not complete"

_LANDSCAPE_LEVELS = ("exact-count", "modular-count", "bound-attained")


def _index(point: CriticalPoint) -> int | None:
    """The Morse index: the certificate's (proven), else the classification's."""
    if point.certificate is not None and point.certificate.morse_index is not None:
        return point.certificate.morse_index
    return point.morse_index


def _loss_enclosure(point: CriticalPoint) -> tuple[float, float]:
    """An interval holding the loss at the point: its certificate's, or, at an exactly proven
    rational point, the loss itself widened by its rounding to double."""
    if point.certificate is not None and point.certificate.loss is not None:
        return point.certificate.loss
    value = float(complex(point.loss).real)
    slack = 4 * math.ulp(value) + 1e-300
    return value - slack, value + slack


def _landscape(e: Evidence, completeness: str) -> _Landscape:
    """All local minima global? Strict saddle? Decided only on proven facts: a complete set of
    isolated points, all real ones certified, and every component proven real or not, with a
    certified normal index on each real piece met (see :class:`ComponentEvidence`)."""
    real = [p for p in e.points if p.is_real]
    open_because = _landscape_open(e, completeness, real)
    if open_because is not None:
        spurious = _spurious_witness(e, real)
        if spurious is not None:
            return _Landscape(False, None, None, "witness", Reason(code="landscape", message=f"{spurious}; how many "
                              f"spurious minima there are, and strict saddle, are undetermined: {open_because}.",
                              points=()))
        return _Landscape(None, None, None, None, Reason(code="landscape", message=f"landscape undetermined: "
                                                         f"{open_because}."))
    # minima: isolated points of index 0 (grouped by symmetry orbit), components with a piece of index 0
    minima = {("point", i): _loss_enclosure(p) for i, p in enumerate(e.points) if p.is_real and _index(p) == 0}
    for k, c in enumerate(e.component_evidence or ()):
        if c.real and 0 in c.indices:
            minima[("component", k)] = c.loss
    strict = f"strict saddle: every real critical point that is not a minimum has a negative eigenvalue ({completeness})"
    if not minima:
        return _Landscape(True, 0, True, completeness, Reason(code="landscape", message=f"no real local minimum: all "
                          f"local minima are global (vacuously; the infimum is not attained); {strict}."))
    points = tuple(i for kind, i in minima if kind == "point")
    attained = e.loss_lower_bound is not None and any(high <= e.loss_lower_bound for _, high in minima.values())
    if e.coercive is not True and not attained:
        return _Landscape(None, None, True, completeness, Reason(code="landscape", message=f"{strict}; whether every "
                          "local minimum is global is undetermined: the loss may not attain its minimum (no coercive "
                          "regularizer), so the global minimum may lie at infinity.", points=points))
    ceiling = min(high for _, high in minima.values())  # the global minimum is at most this
    candidates = [key for key, (low, _) in minima.items() if low <= ceiling]
    spurious = [key for key, (low, _) in minima.items() if low > ceiling]  # proven above another minimum
    groups = {("orbit", e.points[i].orbit) if kind == "point" else (kind, i) for kind, i in candidates}
    exact = {e.component_evidence[i].exact_loss if kind == "component" else None for kind, i in candidates}
    if len(groups) > 1 and (len(exact) > 1 or None in exact):  # overlapping, neither symmetric nor exactly equal
        return _Landscape(None, None, True, completeness, Reason(code="landscape", message=f"{strict}; local minima "
                          "not related by a verified symmetry have overlapping loss enclosures: which are global is "
                          "not decided.", points=tuple(i for kind, i in candidates if kind == "point")))
    lowest = min(minima[key][0] for key in candidates)
    basis = f"{'coercive' if e.coercive else 'attained'}+{completeness}"
    why = ("the regularizer makes the loss coercive, so it attains its minimum at a critical point" if e.coercive else
           f"a local minimum attains the loss's lower bound {e.loss_lower_bound:g}")
    if not spurious:
        message = (f"all {len(minima)} local minima (points and components) are global (loss {lowest:.6g}; "
                   f"{why}); {strict}.")
        return _Landscape(True, 0, True, basis, Reason(code="landscape", message=message, points=points))
    listed = ", ".join(f"{minima[key][0]:.6g}" for key in spurious)
    message = (f"{len(spurious)} spurious local minima (points and components; losses {listed}) above the global "
               f"minimum {lowest:.6g} ({why}); {strict}.")
    return _Landscape(False, len(spurious), True, basis, Reason(code="landscape", message=message,
                                                               points=tuple(i for kind, i in spurious if kind == "point")))


def _spurious_witness(e: Evidence, real: list[CriticalPoint]) -> str | None:
    """A local minimum that is proven not global, whatever else is unknown: a real isolated point
    certified nondegenerate of index 0 whose loss is above the loss at another proven real point
    (a proven real critical point, or a component proven real, on which the loss is constant)."""
    with_loss = [p for p in real if p.proven and (p.loss is not None or (p.certificate is not None
                                                                      and p.certificate.loss is not None))]
    minima = [(i, _loss_enclosure(p)) for i, p in enumerate(e.points)
              if p in with_loss and p.nondegenerate is True and _index(p) == 0]
    attained = [_loss_enclosure(p)[1] for p in with_loss]
    attained += [c.loss[1] for c in e.component_evidence or () if c.real and c.loss is not None]
    if not minima or not attained:
        return None
    ceiling = min(attained)
    above = [(i, low) for i, (low, _) in minima if low > ceiling]
    if not above:
        return None
    return (f"not all local minima are global: the certified local minimum {above[0][0]} has loss at least "
            f"{above[0][1]:.6g}, above the loss {ceiling:.6g} attained at a proven real point")


def _landscape_open(e: Evidence, completeness: str, real: list[CriticalPoint]) -> str | None:
    """Why the landscape cannot be decided, or None."""
    if completeness not in _LANDSCAPE_LEVELS:
        return f"the critical points are not proven complete ({completeness})"
    if e.components or e.non_isolated or (e.algebra is not None and e.algebra.dimension > 0):
        evidence = e.component_evidence
        if evidence is None or len(evidence) != len(e.components):
            return ("the critical set has positive-dimensional components not described by exact algebra, whose "
                    "Hessian signs are measured at sample points (evidence, not proof)")
        if any(c.real is None for c in evidence):
            return "a component is not proven to have real points or none"
        if any(c.real and (c.indices is None or c.loss is None) for c in evidence):
            return ("the normal Hessian signs of a real component are not certified (its rank is not proven to be "
                    "its codimension, or no proven real point on it)")
    if any(not p.proven or p.nondegenerate is not True or _index(p) is None for p in real):
        return "a real critical point is not proven nondegenerate"
    return None


def _morse_bott(e: Evidence, morse: bool | None, basis: str | None, *, over_reals: bool) -> tuple[bool | None, str | None]:
    """Morse-Bott from the exact tests; else from the Morse verdict where the notions agree: a
    Morse loss is Morse-Bott, and on a finite critical set Morse-Bott is Morse."""
    if e.morse_bott is not None:
        value = e.morse_bott.morse_bott if over_reals else e.morse_bott.complex_morse_bott
        return value, None if value is None else "exact-algebra"
    finite = e.algebra is not None and e.algebra.finite and not e.non_isolated
    if morse is True or (morse is False and finite):
        return morse, basis
    return None, None


def _numerical_check_reason(differences: tuple[str, ...]) -> Reason:
    """Both decompositions ran: say whether PHCpack's numerical one agrees with the exact one."""
    if not differences:
        return Reason(code="numerical-decomposition", message="PHCpack's numerical irreducible decomposition, run "
                      "beside the exact one, agrees with it (total degree and loss values in each dimension).")
    if differences[0].startswith(INCOMPLETE_CHECK):
        return Reason(code="numerical-decomposition", message="PHCpack's numerical irreducible decomposition, run "
                      f"beside the exact one, {differences[0][len('the numerical decomposition '):]}: nothing to "
                      "compare (the exact one is reported).")
    return Reason(code="numerical-decomposition", message="PHCpack's numerical irreducible decomposition, run beside "
                  "the exact one, disagrees with it (the exact one is reported and decides): " + "; ".join(differences)
                  + ".")


def _morse_bott_reason(test: MorseBottEvidence) -> Reason:
    if not test.obstructions:
        return Reason(code="morse-bott", message="every component of the critical set is smooth, the components are "
                      "disjoint, and the Hessian has rank equal to the codimension everywhere on each (exact tests on "
                      "the minimal primes over QQ): Morse-Bott over the complex numbers and the reals.")
    return Reason(code="morse-bott", message="not Morse-Bott over the complex numbers (exact tests on the minimal "
                  "primes over QQ, numbered from 1 as in provenance.decomposition.primes): "
                  + "; ".join(test.obstructions) + ".")


def _completeness(e: Evidence) -> tuple[Completeness, Reason]:
    completeness, reason = _level(e)
    if e.search.failed_runs:
        reason = Reason(code=reason.code, message=f"{reason.message} {e.search.failed_runs} backend run(s) failed "
                        "(crash or timeout; see provenance.runs) and did not count.")
    return completeness, reason


def _level(e: Evidence) -> tuple[Completeness, Reason]:
    algebra, proven, certified = e.algebra, e.proven_distinct, e.certified
    counted = e.proven_with_multiplicity
    finite = algebra is not None and algebra.finite and e.overlapping == 0
    if finite and algebra.level == "exact" and algebra.count_distinct is not None and proven == algebra.count_distinct:
        return "exact-count", Reason(code="completeness", message=f"{proven} proven distinct points = the exact number "
                                     "of distinct complex critical points over QQ.")
    if algebra is not None and algebra.isolated_distinct is not None and e.overlapping == 0:
        known = algebra.isolated_distinct
        basis = (f"the exact number of isolated critical points over QQ ({known}: the zero-dimensional minimal primes "
                 "of Singular's decomposition; the positive-dimensional components are listed apart)")
        if proven == known:
            return "exact-count", Reason(code="completeness", message=f"{proven} proven distinct points = {basis}.")
        return "certified-lower-bound", Reason(code="completeness", message=f"{proven} of the {known} isolated points "
                                               f"proven ({certified} certified); {basis}.")
    over_qq = algebra.rational_count if algebra is not None and algebra.level == "modular" else \
        algebra.count_with_multiplicity if algebra is not None else None
    if finite and over_qq is not None and counted == over_qq:
        return "exact-count", Reason(code="completeness", message=f"{proven} proven distinct points ({certified} "
                                     f"certified), {counted} with their proven multiplicities = the number of complex "
                                     "critical points over QQ counted with multiplicity (Singular std/vdim): none is "
                                     "missing.")
    if finite and algebra.level == "modular":
        primes = " and ".join(map(str, algebra.primes))
        if algebra.count_distinct is not None and proven == algebra.count_distinct:
            return "modular-count", Reason(code="completeness", message=f"{proven} proven distinct points "
                                           f"({certified} certified) = the number of distinct complex critical points "
                                           f"over the prime fields F_p, p = {primes} (equal to the count over QQ "
                                           "unless both primes are unlucky).")
        if counted == algebra.count_with_multiplicity:
            return "modular-count", Reason(code="completeness", message=f"{proven} proven distinct points "
                                           f"({certified} certified), {counted} with their proven multiplicities = the "
                                           f"number of complex critical points with multiplicity over the prime fields "
                                           f"F_p, p = {primes} (equal to the count over QQ unless both primes are "
                                           "unlucky).")
    root_counts = e.search.root_counts
    all_certified = certified == len(e.points)
    for name in BOUND_NAMES:
        bound = root_counts.get(name)
        if all_certified and bound is not None and certified == bound:
            return "bound-attained", Reason(code="completeness", message=f"{certified} certified distinct points found "
                                            f"= {name.replace('_', ' ')} {bound}, an upper bound on the number of "
                                            "isolated critical points.")
    bounds = ", ".join(f"{k.replace('_', ' ')} {root_counts[k]}" for k in BOUND_NAMES if k in root_counts)
    runs = (f"{e.search.stable_runs} consecutive runs with fresh seeds added no point" if e.search.stable else
            f"the run limit was reached before {e.search.stable_runs} consecutive runs added nothing")
    if proven > 0:
        return "certified-lower-bound", Reason(code="completeness", message=f"{proven} of {len(e.points)} "
                                               f"point{'' if len(e.points) == 1 else 's'} proven ({certified} certified "
                                               f"by interval arithmetic in disjoint boxes): at least {proven} critical "
                                               f"point{' exists' if proven == 1 else 's exist'}; {runs} (root counts: "
                                               f"{bounds or 'none computed'}).")
    if e.search.stable:
        return "stable-runs", Reason(code="completeness", message=f"{e.search.stable_runs} consecutive runs with fresh "
                                     f"seeds added no point (no root-count bound attained: {bounds or 'none computed'});"
                                     " evidence, not proof.")
    return "not-established", Reason(code="completeness", message=f"the run limit was reached before "
                                     f"{e.search.stable_runs} consecutive runs added nothing; the set may be incomplete "
                                     f"(root counts: {bounds or 'none computed'}).")


def _multiple(e: Evidence) -> tuple[int, ...]:
    """Points proven (exactly) to have multiplicity > 1."""
    return tuple(i for i in e.exact_isolated if (e.points[i].exact_point.multiplicity or 1) > 1)


def _undetermined(e: Evidence) -> tuple[int, ...]:
    return tuple(i for i, p in enumerate(e.points) if not p.proven)


def _positive_dimension(e: Evidence) -> bool:
    """Whether algebra, or an exact point on a component, proves a positive-dimensional critical set."""
    return bool(e.non_isolated) or (e.algebra is not None and e.algebra.dimension > 0)


def _point_reasons(e: Evidence) -> list[Reason]:
    reasons = []
    multiple, undetermined = _multiple(e), _undetermined(e)
    if multiple:
        orders = ", ".join(f"#{i}: {e.points[i].exact_point.multiplicity}" for i in multiple)
        reasons.append(Reason(code="multiple-point", message=f"{len(multiple)} isolated critical point(s) of "
                              f"multiplicity > 1, proven exactly at rational points (Singular's local standard basis "
                              f"over QQ; multiplicities {orders}).", points=multiple))
    if e.non_isolated:
        where = "; ".join("(" + ", ".join(map(str, p.coordinates)) + f") on a component of dimension >= {p.dimension}"
                          for p in e.non_isolated[:4])
        reasons.append(Reason(code="non-isolated-point", message=f"{len(e.non_isolated)} real rational critical "
                              f"point(s) proven exactly to lie on a positive-dimensional component (local dimension "
                              f"> 0 over QQ), so degenerate: {where}."))
    if undetermined:
        reasons.append(Reason(code="undetermined-point", message=f"{len(undetermined)} point(s) neither certified nor "
                              "proven exactly: reported as found, never counted, never a witness (a near collision "
                              "not resolved, a multiple point that is not rational, or an ill-conditioned point).",
                              points=undetermined))
    return reasons


def _set_reasons(e: Evidence) -> list[Reason]:
    reasons = []
    for i, component in enumerate(e.components):
        reasons.append(Reason(code="positive-dimensional-component", message=f"component {i}: {component.description}.",
                              components=(i,)))
    algebra = e.algebra
    certified_all = e.certified == len(e.points)
    if algebra is not None and algebra.finite:
        basis = ("exact algebra gives dimension 0" if algebra.finite_over_qq else "Groebner bases over two large "
                 "prime fields give dimension 0 (the dimension over QQ unless both primes are unlucky)")
        reasons.append(Reason(code="zero-dimensional", message=f"the critical set is finite: {basis}."))
    elif algebra is not None:
        over = "over QQ" if algebra.level == "exact" else "over two large prime fields"
        reasons.append(Reason(code="positive-dimensional", message=f"the critical set has dimension "
                              f"{algebra.dimension} {over}."))
    elif certified_all and len(e.points) == e.search.root_counts.get("total_degree", -1):
        reasons.append(Reason(code="zero-dimensional", message="the critical set is finite: the count of "
                              "nondegenerate points reaches the total degree (refined Bezout)."))
    elif not e.components:
        clean = (" The numerical decomposition found no component (probability one, not a proof)."
                 if e.search.decomposition_clean else "")
        reasons.append(Reason(code="zero-dimensionality-not-established", message="positive-dimensional critical "
                              "components are not ruled out (no exact check, modular count or root-count argument "
                              f"excludes them).{clean}"))
    if algebra is not None and algebra.radical is not None and algebra.dimension == 0:
        source = "over QQ" if algebra.level == "exact" else "over the prime fields"
        word = "every complex critical point has multiplicity 1" if algebra.radical else "some complex critical " \
            "point has multiplicity > 1"
        reasons.append(Reason(code="exact" if algebra.level == "exact" else "modular", message=f"{source}: {word} "
                              f"({algebra.count_distinct} distinct, {algebra.count_with_multiplicity} with "
                              "multiplicity)."))
    if algebra is not None and algebra.multiple:
        sets = "; ".join(f"{m.points} conjugate point{'s' if m.points > 1 else ''} of multiplicity {m.multiplicity}, "
                         + ("reality not decided" if m.real_points is None else f"{m.real_points} real")
                         for m in algebra.multiple)
        reasons.append(Reason(code="multiple-points-exact", message=f"primary decomposition over QQ (Singular "
                              f"primdecGTZ): {sets}."))
    if algebra is not None and algebra.dimension == 0:
        target = algebra.count_distinct if algebra.count_distinct is not None else algebra.count_with_multiplicity
        found = e.proven_distinct if algebra.count_distinct is not None else e.proven_with_multiplicity
        if target is not None and found < target:
            what = "distinct" if algebra.count_distinct is not None else "with multiplicity"
            reasons.append(Reason(code="missing-points", message=f"the count {'over QQ' if algebra.level == 'exact' else 'over prime fields'} "
                                  f"is {target} {what}; the proven points account for {found}: {target - found} "
                                  "missing (not found, or found but not proven)."))
    if e.search.doubtful:
        reasons.append(Reason(code="doubtful-endpoints", message=f"{e.search.doubtful} refined endpoint(s) were "
                              "neither certified nor proven, and either the proven points already account for the "
                              "whole count, the critical set is finite (modular count), or higher precision shows "
                              "them off the critical set: they are not reported as critical points."))
    return reasons


def _complex_morse(e: Evidence, completeness: Completeness) -> tuple[bool | None, str | None]:
    algebra = e.algebra
    if _multiple(e) or e.non_isolated:
        return False, "witness"
    if algebra is not None and algebra.dimension > 0:
        return False, "witness" if e.components else algebra.basis
    if algebra is not None and algebra.radical is False:
        return False, algebra.basis
    all_certified = e.certified == len(e.points)
    complete = completeness in ("exact-count", "modular-count", "bound-attained")
    finite = (algebra is not None and algebra.finite) or (algebra is None and completeness == "bound-attained"
                                                           and len(e.points) == e.search.root_counts.get("total_degree"))
    if finite and complete and all_certified:
        return True, completeness
    if algebra is not None and algebra.radical is True:
        return True, algebra.basis
    return None, None


def _morse(e: Evidence, completeness: Completeness, complex_morse: bool | None,
           complex_basis: str | None) -> tuple[bool | None, str | None]:
    real_multiple = [i for i in _multiple(e) if e.points[i].is_real]
    real_components = _positive_dimension(e) and any(c.real_points for c in e.components)
    if real_multiple or e.non_isolated or real_components:
        return False, "witness"
    if complex_morse:
        return True, complex_basis
    algebra = e.algebra
    multiple = algebra.multiple if algebra is not None else None
    if multiple and any(m.real_points for m in multiple):
        return False, "exact-algebra"
    if multiple is not None and all(m.real_points == 0 for m in multiple) and algebra.count_distinct is not None \
            and e.overlapping == 0 and e.certified == algebra.count_distinct - sum(m.points for m in multiple):
        return True, algebra.basis  # every simple point certified; every multiple one non-real
    # (without algebra, a finite set proven by the total degree already made complex_morse true)
    finite = algebra is not None and algebra.finite
    complete = completeness in ("exact-count", "modular-count", "bound-attained")
    if finite and complete and not _real_doubt(e.points):
        return True, completeness
    return None, None


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
                   morse_bott=None, complex_morse_bott=None, morse_bott_basis=None, complex_morse_bott_basis=None,
                   all_minima_global=None, spurious_minima=None, strict_saddle=None, landscape_basis=None,
                   reasons=tuple(r for r in reasons if r.code != "landscape"))


def _real_doubt(points: Sequence[CriticalPoint]) -> bool:
    """Whether some point is not proven nondegenerate (a certificate, or exact multiplicity 1).

    Such a point may be real and degenerate for all that is proven, which leaves ``morse`` open.
    """
    return any(not p.certified and not (p.exact_point is not None and p.exact_point.multiplicity == 1)
               for p in points)
