"""The critical set decomposed by exact algebra: its minimal primes over QQ, each with the loss on it.

When the critical set is positive-dimensional, Singular's ``minAssGTZ`` gives the minimal
associated primes of the gradient ideal over the rationals, often in seconds where a numerical
irreducible decomposition takes minutes. For each prime ``P`` this module reports

* its dimension and degree (``vdim`` for a point set, ``mult`` of a degree-ordered standard basis
  otherwise: the number of points on a generic affine slice of complementary dimension);
* its reduced standard basis (the generators, exact rationals), so that the component can be
  sliced, sampled and tested later without any numerical doubt;
* the minimal polynomial over QQ of the loss on it: the loss is constant on each irreducible
  component of the critical set (its differential vanishes there), so eliminating every variable
  from ``P + (t - L)`` leaves one polynomial in ``t``, whose roots are the loss values on ``P``'s
  conjugate components over the complex numbers.

A zero-dimensional minimal prime is a set of isolated critical points, conjugate over QQ: a
point that lies on a positive-dimensional component is never one (it would not be minimal).
Over QQ a prime may split over the complex numbers into several conjugate components (a
prime of dimension 1 and degree 4 can be two conics); :func:`exact_decomposition` reports
what QQ sees and says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Mapping, Sequence

from ..errors import BackendCrashed, BackendTimeout, BackendUnavailable
from . import processes
from .exact import (
    INSTALL_HINT,
    LOG_TAIL_LINES,
    _MARK,
    _StageTimeout,
    _integer_text,
    _run_singular,
    _singular_path,
    _singular_script,
    _singular_values,
    _validate,
    _variables,
)

__all__ = ["PrimeComponent", "ExactDecomposition", "exact_decomposition", "conjugate_components"]

Polynomial = Mapping[tuple[int, ...], Fraction]


@dataclass(frozen=True, slots=True)
class PrimeComponent:
    """One minimal prime of the gradient ideal over QQ.

    Attributes
    ----------
    dimension, degree : int
        Krull dimension and degree (for dimension 0: the number of points, all distinct).
    generators : tuple of dict
        Its reduced standard basis for the degree reverse lexicographic order, as sparse
        polynomials ``{exponents: coefficient}``.
    loss_polynomial : tuple of Fraction or None
        Coefficients (degree 0 up) of the monic minimal polynomial over QQ of the loss on the
        component; None when no loss was given (a square system).
    conjugates : int or None
        The number of irreducible components over the complex numbers that the prime is the
        union of (each of degree ``degree / conjugates``), once :func:`conjugate_components`
        computed it; None before (and for a point set, whose points are counted one by one).
    absolute : tuple of dict
        When ``conjugates > 1``: generators of one of them over ``QQ(a)``, as polynomials in
        the variables and a last variable ``a``; one of them involves ``a`` only (its minimal
        polynomial), and each root of that polynomial gives one conjugate.
    """

    dimension: int
    degree: int
    generators: tuple[dict[tuple[int, ...], Fraction], ...]
    loss_polynomial: tuple[Fraction, ...] | None
    conjugates: int | None = None
    absolute: tuple[dict[tuple[int, ...], Fraction], ...] = ()

    @property
    def rational_loss(self) -> Fraction | None:
        """The loss on the prime when it is rational (a linear loss polynomial), else None."""
        if self.loss_polynomial is None or len(self.loss_polynomial) != 2:
            return None
        return -self.loss_polynomial[0]


@dataclass(frozen=True, slots=True)
class ExactDecomposition:
    """The minimal primes of the gradient ideal, largest dimension first, and what it took."""

    components: tuple[PrimeComponent, ...]
    seconds: float

    @property
    def dimension(self) -> int:
        """The dimension of the critical set (-1 when it is empty)."""
        return max((c.dimension for c in self.components), default=-1)

    @property
    def isolated(self) -> tuple[PrimeComponent, ...]:
        """The zero-dimensional primes: the isolated critical points, in conjugate sets."""
        return tuple(c for c in self.components if c.dimension == 0)

    @property
    def positive_dimensional(self) -> tuple[PrimeComponent, ...]:
        return tuple(c for c in self.components if c.dimension > 0)


def exact_decomposition(gradient: Sequence[Polynomial], nvars: int, *, loss: Polynomial | None = None,
                        timeout: float = 60.0) -> ExactDecomposition:
    """Decompose the zero set of ``gradient`` into its minimal primes over QQ (Singular ``minAssGTZ``).

    Parameters
    ----------
    gradient : sequence of mapping
        The gradient's components (or any polynomials), sparse with rational coefficients.
    nvars : int
    loss : mapping, optional
        The loss; when given, each component gets the minimal polynomial of the loss on it.
    timeout : float
        Seconds allowed to Singular for the whole decomposition.

    Returns
    -------
    ExactDecomposition

    Raises
    ------
    BackendUnavailable
        If Singular is not installed.
    BackendTimeout
        If it does not finish within ``timeout`` (it is then killed).
    BackendCrashed
        If Singular fails or its output cannot be read.

    Examples
    --------
    The gradient of ``(x^2 + y^2 - 1)^2``: the unit circle (minima, loss 0) and the origin (a
    maximum, loss 1)::

        >>> from fractions import Fraction as F
        >>> gradient = [{(3, 0): F(4), (1, 2): F(4), (1, 0): F(-4)}, {(0, 3): F(4), (2, 1): F(4), (0, 1): F(-4)}]
        >>> loss = {(4, 0): F(1), (0, 4): F(1), (2, 2): F(2), (2, 0): F(-2), (0, 2): F(-2), (0, 0): F(1)}
        >>> found = exact_decomposition(gradient, 2, loss=loss)  # doctest: +SKIP
        >>> [(c.dimension, c.degree, c.loss_polynomial) for c in found.components]  # doctest: +SKIP
        [(1, 2, (Fraction(0, 1), Fraction(1, 1))), (0, 1, (Fraction(-1, 1), Fraction(1, 1)))]
    """
    singular = _singular_path()
    if singular is None:
        raise BackendUnavailable("exact decomposition: Singular is not installed. " + INSTALL_HINT)
    checked = _validate(gradient, nvars)
    loss_text = None
    if loss is not None:
        (loss_checked,) = _validate([loss], nvars)
        scale = _lcm_of_denominators(loss_checked)
        loss_text = (_integer_text(loss_checked), scale)
    script = _singular_script(checked, nvars, _decomposition_body(nvars, loss_text))
    started = time.monotonic()
    with processes.temporary_directory("decompose") as directory:
        values = singular_stage(singular, script, directory, timeout, "minAssGTZ", "exact decomposition")
    components = _read_components(values, nvars, loss is not None)
    return ExactDecomposition(tuple(sorted(components, key=lambda c: (-c.dimension, -c.degree))),
                              time.monotonic() - started)


def _lcm_of_denominators(polynomial: Polynomial) -> int:
    from math import lcm

    return lcm(*(c.denominator for c in polynomial.values())) if polynomial else 1


def _decomposition_body(nvars: int, loss: tuple[str, int] | None) -> str:
    """Singular code: decompose ``i``, print each prime's dimension, degree and terms; then, in a
    ring with one more variable ``t``, the eliminant of ``P + (scale * t - loss)``."""
    names = ",".join(_variables(nvars))
    lines = [
        'LIB "primdec.lib";',
        "list L = minAssGTZ(i);",
        "int k; int j; ideal P;",
        "for (k = 1; k <= size(L); k++) {",
        "  P = std(L[k]);",
        "  if (dim(P) == 0) { j = vdim(P); } else { j = mult(P); }",
        f'  print("{_MARK}COMP " + string(k) + " " + string(dim(P)) + " " + string(j));',
        "  L[k] = P;",
        *_print_terms("TERM", "P"),
        "}",
    ]
    if loss is not None:
        text, scale = loss
        lines += [
            f"ring s = 0, ({names},t), dp;",
            "list M = imap(r, L);",
            f"poly g = {scale}*t - ({text});",
            "ideal E; poly h; int q;",
            "for (q = 1; q <= size(M); q++) {",
            f"  E = eliminate(M[q] + ideal(g), {'*'.join(_variables(nvars))});",
            "  h = E[1];",
            "  while (h != 0) {",
            f'    print("{_MARK}LOSS " + string(q) + " " + string(leadexp(h)[{nvars + 1}]) + " " '
            "+ string(leadcoef(h)));",
            "    h = h - lead(h);",
            "  }",
            "}",
        ]
    return "\n".join(lines)


def conjugate_components(primes: Sequence[PrimeComponent], nvars: int, *,
                         timeout: float = 10.0) -> list[PrimeComponent]:
    """The primes with their conjugate components over CC (Singular ``absPrimdecGTZ``).

    One Singular run takes the primes in the order given (put the cheap ones first); a prime of
    degree 1 is one component and is not sent.

    Returns
    -------
    list of PrimeComponent
        Each prime with :attr:`~PrimeComponent.conjugates` and, when more than one,
        :attr:`~PrimeComponent.absolute` filled in; as it was (``conjugates`` None) when
        Singular did not reach it within ``timeout``: the absolute decomposition can take much
        longer than the decomposition over QQ (factoring over number fields), hence its own box.

    Raises
    ------
    BackendUnavailable, BackendCrashed
        As :func:`exact_decomposition`.
    """
    singular = _singular_path()
    if singular is None:
        raise BackendUnavailable("exact decomposition: Singular is not installed. " + INSTALL_HINT)
    names = ",".join(_variables(nvars))
    body = ['LIB "primdec.lib";', "int k;"]
    sent = [k for k, prime in enumerate(primes, 1) if prime.degree > 1]
    for k in sent:
        generators = ",\n  ".join(_integer_text(g) for g in _validate(primes[k - 1].generators, nvars))
        body += [
            "setring r;",
            f"k = {k};",
            f"def S{k} = absPrimdecGTZ(ideal({generators}));",
            f"setring S{k};",
            f'if (varstr(basering) != "{names},a") {{ ERROR("unexpected variables " + varstr(basering)); }}',
            "ideal A = absolute_primes[1][1];",
            "if (absolute_primes[1][2] > 1) {",
            *_print_terms("ABS", "A"),
            "}",
            f'print("{_MARK}CONJ {k} " + string(absolute_primes[1][2]));',  # after the terms: complete
        ]
    if not sent:
        return list(primes)
    script = _singular_script([{}], nvars, "\n".join(body))
    with processes.temporary_directory("absolute") as directory:
        values = singular_stage(singular, script, directory, timeout, "absPrimdecGTZ", "exact decomposition",
                                partial=True)
    try:
        counts = {int(k): int(count) for k, count in (line.split() for line in values.get("CONJ", []))}
        terms = _read_terms(values.get("ABS", []), nvars + 1)
    except ValueError as exc:
        raise BackendCrashed(f"exact decomposition: cannot read absPrimdecGTZ's output ({exc}).") from None
    found = list(primes)
    for k, count in counts.items():
        prime, absolute = primes[k - 1], terms.get(k, {})
        pieces = tuple(absolute[j] for j in sorted(absolute)) if count > 1 else ()
        if count < 1 or prime.degree % count or (count > 1 and not pieces):
            raise BackendCrashed(f"exact decomposition: {count} conjugates for a prime of degree {prime.degree}.")
        found[k - 1] = replace(prime, conjugates=count, absolute=pieces)
    return found


def singular_stage(singular: str, script: str, directory: str, timeout: float, stage: str,
                   what: str, *, partial: bool = False) -> dict[str, list[str]]:
    """Run a Singular script (:func:`~algmorse.engine.exact._run_singular`) in ``directory``; out of
    time, raise :class:`~algmorse.errors.BackendTimeout` saying ``what`` and ``stage``, or, with
    ``partial``, return what it printed by then (without the ``END`` key: the caller keeps only
    the results it sees completed)."""
    try:
        return _run_singular(singular, script, directory, timeout, stage)
    except _StageTimeout as timeout_:
        if partial:
            values, _ = _singular_values(timeout_.partial)
            values.pop("END", None)
            return values
        raise BackendTimeout(f"{what}: {stage} did not finish within {timeout:g} s.", timeout) from None


def _print_terms(key: str, ideal: str) -> list[str]:
    """Singular code (inside the loop over ``k``) printing every term of every generator of
    ``ideal`` as ``AM_<key> k j exponents coefficient``."""
    return [
        f"  int j_{key}; poly f_{key};",
        f"  for (j_{key} = 1; j_{key} <= size({ideal}); j_{key}++) {{",
        f"    f_{key} = {ideal}[j_{key}];",
        f"    while (f_{key} != 0) {{",
        f'      print("{_MARK}{key} " + string(k) + " " + string(j_{key}) + " " + string(leadexp(f_{key})) + " " '
        f"+ string(leadcoef(f_{key})));",
        f"      f_{key} = f_{key} - lead(f_{key});",
        "    }",
        "  }",
        f"  kill j_{key}; kill f_{key};",
    ]


def _read_components(values: dict[str, list[str]], nvars: int, with_loss: bool) -> list[PrimeComponent]:
    try:
        shapes = {int(k): (int(d), int(m)) for k, d, m in (line.split() for line in values.get("COMP", []))}
        terms = _read_terms(values.get("TERM", []), nvars)
        losses: dict[int, dict[int, Fraction]] = {}
        for line in values.get("LOSS", []):
            k, exponent, coefficient = line.split()
            losses.setdefault(int(k), {})[int(exponent)] = Fraction(coefficient)
    except ValueError as exc:
        raise BackendCrashed(f"exact decomposition: cannot read Singular's output ({exc}).", None,
                             "\n".join(values.get("COMP", [])[-LOG_TAIL_LINES:])) from None
    if not shapes and values.get("TERM"):
        raise BackendCrashed("exact decomposition: terms without components in Singular's output.")
    components = []
    for k, (dimension, degree) in sorted(shapes.items()):
        if dimension < 0:  # the unit ideal: no critical point at all
            continue
        generators = tuple(terms.get(k, {})[j] for j in sorted(terms.get(k, {})))
        loss_polynomial = _monic(losses.get(k)) if with_loss else None
        if with_loss and loss_polynomial is None:
            raise BackendCrashed(f"exact decomposition: no eliminant of the loss on component {k}.")
        components.append(PrimeComponent(dimension, degree, generators, loss_polynomial))
    return components


def _read_terms(lines: list[str], width: int) -> dict[int, dict[int, dict[tuple[int, ...], Fraction]]]:
    """``{k: {j: polynomial}}`` from ``k j exponents coefficient`` lines (exponent vectors of ``width``)."""
    terms: dict[int, dict[int, dict[tuple[int, ...], Fraction]]] = {}
    for line in lines:
        k, j, exponents, coefficient = line.split()
        powers = tuple(int(e) for e in exponents.split(","))
        if len(powers) != width:
            raise ValueError(f"unexpected exponents {exponents}")
        terms.setdefault(int(k), {}).setdefault(int(j), {})[powers] = Fraction(coefficient)
    return terms


def _monic(terms: dict[int, Fraction] | None) -> tuple[Fraction, ...] | None:
    if not terms:
        return None
    top = max(terms)
    return tuple(terms.get(e, Fraction(0)) / terms[top] for e in range(top + 1))
