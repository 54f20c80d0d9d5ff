"""Exceptional regularization strengths: where ``L + eps * R`` stops being Morse over C.

Seed 000 (``shared/seeds/000_*.txt``, open question 1; ``shared/notes/math.md`` claim 4) asks
for which ``eps`` the function ``L + eps * R`` is Morse. For a polynomial loss this has an exact
answer. A value ``eps_0`` is *exceptional* when ``L + eps_0 * R`` has a complex critical point
with a singular Hessian; this happens exactly when

* two or more critical points collide (a critical point of multiplicity > 1, kind
  ``"collision"``), or
* the critical set has a positive-dimensional component (a curve or more, kind
  ``"positive-dimensional"``), along which the Hessian is always singular.

These values are the projection to the ``eps`` line of the variety
``{(a, eps): grad(L + eps R)(a) = 0, det Hess(L + eps R)(a) = 0}``. Its elimination ideal in
``QQ[eps]`` is either zero (the projection is dense: ``L + eps * R`` is not Morse for *any*
``eps``) or principal; then the projection is finite, hence closed, and equals the roots of the
generator. Values where critical points escape to infinity (the count drops) are *not* in it:
no critical point degenerates there; they are reported apart (``escape_values``).

``R`` is the regularizer without its strength: ``sum_j a_j^2`` for standard L2,
``sum_j eps_j a_j^2`` with the given (or seeded random) ``eps_j`` for generalized L2 (the unknown
is then a common scale ``t``, and ``t = 1`` is the spec's regularizer),
``prod_k ||W_k||_F^2`` for the multiplicative one, the given polynomial for ``kind =
"polynomial"``. ``L`` is the network's data term, or the function ``h`` of a function problem.

Examples
--------
``h = x^4/4 - x^2/2`` with ``R = x^2``: ``h' + 2 eps x = x (x^2 - 1 + 2 eps)`` and
``h'' = 3x^2 - 1 + 2 eps`` vanish together only at ``x = 0``, ``eps = 1/2``, where the three
critical points merge:

>>> from fractions import Fraction
>>> from algmorse.model.network import FunctionProblem, Regularizer
>>> problem = FunctionProblem(("x",), "x^4/4 - x^2/2", Regularizer("l2", Fraction(1)))
>>> result = discriminant(problem)  # doctest: +SKIP
>>> result.values, result.kinds  # doctest: +SKIP
((0.5+0j,), ('collision',))
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Literal, Mapping

from mpmath.libmp import NoConvergence
from sympy import QQ, Poly, Symbol
from sympy import __version__ as sympy_version
from sympy import factor_list
from sympy.polys.polyerrors import PolynomialError

from ..engine import exact, processes
from ..errors import BackendCrashed, BackendTimeout, BackendUnavailable, SpecError
from ..model.network import NetworkProblem, Problem, check_problem
from ..model.parameters import EPS_SCALE, parameter_value, problem_parameter
from ..model.parametrized import loss_coefficients
from ..model.system import split_loss

__all__ = ["Discriminant", "DiscriminantFactor", "FactorKind", "discriminant", "format_discriminant"]

FactorKind = Literal["collision", "positive-dimensional"]

_ROOT_DIGITS = 30
"""Working precision (decimal digits) of the numerical roots of each factor."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscriminantFactor:
    """One irreducible factor over QQ of the eliminant, and its roots.

    Attributes
    ----------
    coefficients : tuple of int
        Primitive integer coefficients, degree 0 up, positive leading coefficient.
    exponent : int
        Its exponent in the eliminant of ``<grad, det Hess>`` (an algebraic by-product, not a
        count of points).
    kind : {"collision", "positive-dimensional"}
        What happens at each root (the same at all of them: they are Galois conjugate):
        critical points merge (the critical set stays finite), or the critical set contains a
        curve or more.
    roots : tuple of complex
        All roots: the real ones first (ascending, imaginary part exactly 0; their number is
        exact), then the others by real and imaginary part.
    real_roots : int
        Number of real roots (exact real root isolation).
    """

    coefficients: tuple[int, ...]
    exponent: int
    kind: FactorKind
    roots: tuple[complex, ...]
    real_roots: int

    @property
    def degree(self) -> int:
        """Degree of the factor."""
        return len(self.coefficients) - 1

    def polynomial(self, name: str = "eps") -> str:
        """The factor as text in the variable ``name``, e.g. ``"eps^2 - 50"``."""
        return _format_polynomial(self.coefficients, name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Discriminant:
    """The exceptional strengths of ``L + unknown * R``, exactly.

    Attributes
    ----------
    variables : tuple of str
        Parameter names of the problem.
    unknown : str
        Name of the varying strength: ``"eps"``, or ``"t"`` (common scale of generalized-L2
        strengths).
    regularizer : str
        What ``R`` is, in words.
    all_eps : bool
        ``True`` when the function is not Morse for *any* value of the unknown (the elimination
        ideal is zero); ``factors`` is then empty.
    generic_dimension : int or None
        With ``all_eps``: dimension of the critical set for a generic value (over ``QQ(eps)``);
        ``>= 1`` means a positive-dimensional critical set for every value, ``0`` an isolated
        degenerate critical point for every value. ``None`` otherwise.
    factors : tuple of DiscriminantFactor
        The irreducible factors of the eliminant (no constant factor), ordered by their first
        root; empty when there is no exceptional value (or with ``all_eps``).
    escape_factors : tuple of tuple of int
        Irreducible factors (primitive integer coefficients, degree 0 up) whose roots are the
        values where critical points escape to infinity (their count drops). These are *not*
        exceptional: no critical point degenerates there. Empty with ``all_eps``.
    escape_values : tuple of complex
        The roots of ``escape_factors`` (real ones first, ascending).
    seed : int or None
        The seed the random generalized-L2 strengths were drawn from (``None`` if given).
    seconds : dict of str to float
        Wall-clock time per stage.
    tool_versions : dict of str to str
        Singular and sympy versions.
    family : str
        Empty for ``L + unknown * R``; otherwise the varied parameter's family in words (see
        :attr:`function`).
    """

    variables: tuple[str, ...]
    unknown: str
    regularizer: str
    all_eps: bool
    generic_dimension: int | None
    factors: tuple[DiscriminantFactor, ...]
    escape_factors: tuple[tuple[int, ...], ...] = ()
    escape_values: tuple[complex, ...] = ()
    seed: int | None
    seconds: Mapping[str, float] = field(default_factory=dict)
    tool_versions: Mapping[str, str] = field(default_factory=dict)
    family: str = ""

    @property
    def function(self) -> str:
        """The family of functions, in words: ``"L + eps*R"``, or ``"the loss as a function of x_1_1"``."""
        return self.family or f"L + {self.unknown}*R"

    def _entries(self) -> list[tuple[complex, FactorKind, int]]:
        entries = [(z, f.kind, k) for k, f in enumerate(self.factors) for z in f.roots]
        return sorted(entries, key=lambda item: _value_key(item[0]))

    @property
    def values(self) -> tuple[complex, ...]:
        """Every exceptional value, real ones first (ascending), then complex ones."""
        return tuple(z for z, _, _ in self._entries())

    @property
    def kinds(self) -> tuple[FactorKind, ...]:
        """The kind of each entry of :attr:`values`."""
        return tuple(kind for _, kind, _ in self._entries())

    @property
    def real_values(self) -> tuple[float, ...]:
        """The real exceptional values, ascending."""
        return tuple(z.real for z in self.values if z.imag == 0)

    @property
    def real_escapes(self) -> tuple[tuple[float, str], ...]:
        """The real values where critical points escape to infinity, ascending, each with its
        factor (as text in :attr:`unknown`)."""
        found = [(z.real, _format_polynomial(c, self.unknown)) for c in self.escape_factors
                 for z in _roots(c)[0] if z.imag == 0]
        return tuple(sorted(found))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; complex numbers as ``[re, im]``."""
        entries = self._entries()
        return {
            "schema": "algmorse.discriminant/1",
            "values": [[z.real, z.imag] for z, _, _ in entries],
            "kinds": [kind for _, kind, _ in entries],
            "factor_of_value": [k for _, _, k in entries],
            "factors": [
                {
                    "polynomial": f.polynomial(self.unknown),
                    "coefficients": list(f.coefficients),
                    "exponent": f.exponent,
                    "kind": f.kind,
                    "real_roots": f.real_roots,
                    "roots": [[z.real, z.imag] for z in f.roots],
                }
                for f in self.factors
            ],
            "all": self.all_eps,
            "escapes": [[z.real, z.imag] for z in self.escape_values],
            "escape_factors": [_format_polynomial(c, self.unknown) for c in self.escape_factors],
            "generic_dimension": self.generic_dimension,
            "unknown": self.unknown,
            "function": self.function,
            "regularizer": self.regularizer,
            "variables": list(self.variables),
            "seed": self.seed,
            "seconds": dict(self.seconds),
            "tool_versions": dict(self.tool_versions),
        }

    def __str__(self) -> str:
        return format_discriminant(self)

    def __repr__(self) -> str:
        return f"<Discriminant of {self.unknown} in {self.function}, {self.regularizer}: {len(self.factors)} factor(s)>"

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(format_discriminant(self))}</pre>"


def format_discriminant(result: Discriminant, digits: int = 12, *, width: int = 40) -> str:
    """A table of the exceptional values: value, real or complex, kind, exact factor.

    Factors longer than ``width`` characters are named ``f1, f2, ...`` in the table and written
    out once below it.
    """
    name, function = result.unknown, result.function
    lines = [f"Exceptional values of {name} in {function}, {result.regularizer}"]
    if result.all_eps:
        what = ("a positive-dimensional critical set" if (result.generic_dimension or 0) >= 1
                else "a degenerate isolated critical point")
        lines.append(f"{function} is not Morse for ANY {name}: for generic {name} it has {what} "
                     f"(critical set of dimension {result.generic_dimension}).")
        return "\n".join(lines)
    if result.escape_values:
        shown = ", ".join(_format_value(z, digits) for z in result.escape_values)
        lines.append(f"(critical points escape to infinity, which is not exceptional, at {name} = {shown})")
    if not result.factors:
        lines.append(f"none: {function} is Morse over C for every {name}.")
        return "\n".join(lines)
    texts = [f.polynomial(name) for f in result.factors]
    labels = [text if len(text) <= width else f"f{k + 1} (degree {f.degree})"
              for k, (f, text) in enumerate(zip(result.factors, texts))]
    rows = [(_format_value(z, digits), "real" if z.imag == 0 else "complex", kind, labels[k])
            for z, kind, k in result._entries()]
    header = ("value", "type", "kind", "exact factor")
    widths = [max(len(r[c]) for r in rows + [header]) for c in range(3)]
    for row in [header] + rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3])
    lines.extend(f"f{k + 1} = {text}" for k, text in enumerate(texts) if len(text) > width)
    return "\n".join(lines)


def _format_value(z: complex, digits: int) -> str:
    return f"{z.real:.{digits}g}" if z.imag == 0 else f"{z.real:.{digits}g}{z.imag:+.{digits}g}i"


def discriminant(problem: Problem, *, seed: int | None = None, timeout: float = 120.0,
                 parameter: str | None = None) -> Discriminant:
    """Find every strength (or value of another parameter) at which the loss is not Morse over C.

    Parameters
    ----------
    problem : NetworkProblem or FunctionProblem
        Its regularizer fixes ``R`` (see the module notes); its strength is ignored, since it is
        the unknown. ``kind = "none"`` is an error.
    seed : int, optional
        For generalized L2 with random strengths: the seed they are drawn from (as in
        :func:`algmorse.pipeline.analyze`); drawn and recorded when omitted.
    timeout : float
        Seconds allowed for all Singular runs together.
    parameter : str, optional
        Vary this number of the problem instead of the regularizer's strength: a name of
        :func:`algmorse.model.parameters.parameter_names` (``"eps_2"``, ``"scale"``,
        ``"x_1_1"``, ...), or ``"eps-scale"`` (the factor of every strength). The loss is then
        ``sum_k p^k L_k`` in that parameter ``p`` (:func:`~algmorse.model.parametrized.loss_coefficients`),
        the unknown is named after it, and the method is the same; a regularizer is not needed
        unless a strength is varied.

    Returns
    -------
    Discriminant

    Raises
    ------
    SpecError
        If ``problem`` is not a problem, there is no regularizer, or it is the zero polynomial.
    BackendUnavailable
        If Singular is not installed.
    BackendTimeout
        If a Singular stage does not finish in time; nothing partial is returned.
    BackendCrashed
        If Singular fails or its answer is inconsistent.

    Notes
    -----
    Method (exact, Singular): with ``e`` the unknown, the ideal
    ``<dL/da_i + e dR/da_i, det Hess_a(L + e R)>`` of ``QQ[a, e]`` is eliminated to
    ``QQ[e]`` (``eliminate``, then ``std``). A zero result means "every ``e``"; its
    reason is then given by the dimension of the gradient ideal over ``QQ(e)``. Otherwise the
    generator is factored over QQ (sympy), and the factors are classified with the
    projections of the critical variety ``C = V(grad) in C^(n+1)`` to the planes
    ``(a_j, e)``: the divisorial part ``g_j`` of ``<grad> ∩ QQ[a_j, e]`` (``eliminate``, then
    the gcd of the generators). A component of ``C`` inside a fiber ``e = e_0`` on which
    ``a_j`` is not constant maps onto the line ``e = e_0``, so ``p(e)`` divides ``g_j``;
    components that dominate the ``e`` line map to curves, never to such lines. Hence a
    factor ``p`` is positive-dimensional iff it divides the content of some ``g_j`` (as a
    polynomial in ``a_j``), and every curve of critical points has a non-constant
    coordinate. The leading coefficients of the primitive parts give the values where
    critical points escape to infinity. The roots of each factor are isolated exactly on the
    real line (sympy ``intervals``) and computed numerically with 30 digits (sympy
    ``nroots``).

    Size limit, measured on a shared 2-core machine (Singular 4.3.1). What grows is the
    eliminant's degree and its coefficients over QQ. Scalar chains of depth 2-6 (standard or
    generalized L2) and the ``[1, 2, 1]`` / ``[1, 3, 1]`` networks with activation ``t^2`` or
    ``t^3`` on 3 data points (up to 6 parameters, eliminants of degree up to 18) take
    0.04-0.15 s in all. A dense cubic-quartic function of 3 variables with an eliminant of
    degree 52 takes about 30 s (elimination 25 s, real-root isolation 4 s). The ``[1, 2, 1]``
    network with ``t + t^2`` (eliminant of degree 123; 3 s modulo a prime) and ``[1, 1, 1]``
    with biases and ``t + t^2`` on 2 points (degree 110) did not finish in 10 minutes (resp.
    1 minute) over QQ. The method is meant for problems with a few parameters and eliminants
    of degree up to about 50.

    References
    ----------
    Seed 000 (``shared/seeds/000_*.txt``), open question 1; ``shared/notes/math.md``, claim 4.
    """
    check_problem(problem)
    if not timeout > 0:
        raise ValueError(f"discriminant: timeout must be positive, got {timeout!r}.")
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    problem, used_seed = _resolve(problem, seed, parameter)
    if parameter is None:
        parts = split_loss(problem)
        if not parts[1]:
            raise SpecError("regularizer.expression", "the regularizer is the zero polynomial: there is nothing to "
                            "scale.", "Give a non-zero regularizer polynomial.")
        unknown, described = ("t" if problem.regularizer.kind == "generalized-l2" else "eps"), _describe(problem)
        family = ""
    else:
        varied = EPS_SCALE if parameter == EPS_SCALE.name else problem_parameter(problem, parameter,
                                                                                  field="parameter")
        parts = loss_coefficients(problem, varied)
        if len(parts) < 2:
            raise SpecError("parameter", f"the loss does not depend on {parameter}.", "Vary another parameter.")
        unknown, family = parameter, f"the loss as a function of {parameter}"
        described = f"of degree {len(parts) - 1} in it ({parameter} = {parameter_value(problem, varied)} in the spec)"
    n = len(problem.variables)
    gradient = _gradient_with_unknown(parts, n)
    seconds["build"] = time.perf_counter() - started
    path = exact._singular_path()
    if path is None:
        raise BackendUnavailable("discriminant: Singular is not installed. " + exact.INSTALL_HINT)
    deadline = time.monotonic() + timeout
    size = _size_text(problem, gradient)
    common = dict(variables=problem.variables, unknown=unknown, family=family, regularizer=described, seed=used_seed,
                  tool_versions={"singular": exact._singular_version(path), "sympy": sympy_version})

    with processes.temporary_directory("discriminant") as directory:
        def stage(name: str, body: str, what: str) -> dict[str, list[str]]:
            begun = time.perf_counter()
            try:
                return exact._run_singular(path, exact._singular_script(gradient, n + 1, body), directory,
                                           deadline - time.monotonic(), what)
            except exact._StageTimeout:
                raise BackendTimeout(
                    f"discriminant: Singular's {what} did not finish within the {timeout:g} s limit and was "
                    f"killed ({size}). No partial answer is given: raise the timeout, or use a smaller problem "
                    "(the method is practical for a few parameters and eliminants of degree up to about 50).",
                    timeout) from None
            finally:
                seconds[name] = time.perf_counter() - begun

        eliminated = stage("elimination", _elimination_body(n), "elimination of <grad, det Hess>")
        generators = exact._int_value(eliminated, "SIZE", "elimination")
        if generators == 0:
            generic = stage("generic_dimension", _generic_dimension_body(n), "dimension over QQ(eps)")
            return Discriminant(all_eps=True, factors=(),
                                generic_dimension=exact._int_value(generic, "GENDIM", "dimension over QQ(eps)"),
                                seconds=seconds, **common)
        if generators != 1:
            raise BackendCrashed(f"discriminant: the elimination ideal has {generators} generators, expected 1.")
        factors = _factor(exact._read_univariate(eliminated, "discriminant"))
        projected = stage("projections", _projection_body(n), "projections of the critical set")
    begun = time.perf_counter()
    vertical, escapes = _vertical_and_escape_factors(projected, n)
    known = {coefficients for coefficients, _ in factors}
    if not vertical <= known:
        raise BackendCrashed("discriminant: Singular's answers are inconsistent: a curve of critical points lies over "
                             "a value that is not a root of the eliminant.")
    records = tuple(sorted((_factor_record(coefficients, exponent, coefficients in vertical)
                            for coefficients, exponent in factors), key=lambda f: _value_key(f.roots[0])))
    escape_factors = tuple(sorted(escapes, key=lambda c: (len(c), c)))
    escape_values = _sorted_values([z for c in escape_factors for z in _roots(c)[0]])
    seconds["roots"] = time.perf_counter() - begun
    return Discriminant(all_eps=False, factors=records, generic_dimension=None, escape_factors=escape_factors,
                        escape_values=escape_values, seconds=seconds, **common)


# --------------------------------------------------------------------------------------------
# The problem


def _resolve(problem: Problem, seed: int | None, parameter: str | None) -> tuple[Problem, int | None]:
    """Reject ``kind = "none"`` when the strength varies; draw random generalized-L2 strengths
    (recording the seed)."""
    reg = problem.regularizer
    if reg.kind == "none" and parameter is None:
        raise SpecError("regularizer.kind", 'kind = "none": there is no regularizer whose strength could vary.',
                        'Give one, e.g. [regularizer] kind = "l2", eps = "1/10" (its eps is ignored: the '
                        "discriminant is a statement about every eps).")
    if reg.kind != "generalized-l2" or reg.eps is not None:
        return problem, None
    used = seed if seed is not None else secrets.randbelow(2**31 - 1) + 1
    return replace(problem, regularizer=reg.resolved(len(problem.variables), used)), used


def _describe(problem: Problem) -> str:
    reg = problem.regularizer
    if reg.kind == "l2":
        return "R = sum_j a_j^2 (standard L2)"
    if reg.kind == "generalized-l2":
        eps = ", ".join(str(e) for e in reg.eps)
        return f"R = sum_j eps_j a_j^2 with eps = ({eps}) (generalized L2; t = 1 is the given regularizer)"
    if reg.kind == "multiplicative":
        return "R = prod_k ||W_k||_F^2 (multiplicative)"
    return f"R = {reg.expression} (polynomial)"


def _gradient_with_unknown(parts, n: int) -> list[dict[tuple[int, ...], Fraction]]:
    """``grad_a sum_k e^k parts[k]`` as sparse polynomials in ``(a_1, ..., a_n, e)`` (``parts =
    (L, R)`` for ``L + e R``)."""
    def as_fraction(c) -> Fraction:
        return Fraction(int(c.numerator), int(c.denominator))

    gradient = []
    for i in range(n):
        terms: dict[tuple[int, ...], Fraction] = {}
        for power, poly in enumerate(parts):
            for exps, c in poly.items():
                if exps[i]:
                    key = exps[:i] + (exps[i] - 1,) + exps[i + 1:] + (power,)
                    terms[key] = terms.get(key, Fraction(0)) + exps[i] * as_fraction(c)
        gradient.append({k: v for k, v in terms.items() if v})
    return gradient


def _size_text(problem: Problem, gradient: list[dict[tuple[int, ...], Fraction]]) -> str:
    degrees = [max((sum(m) for m in g), default=0) for g in gradient]
    kind = "network" if isinstance(problem, NetworkProblem) else "function"
    return (f"{kind} with {len(gradient)} parameters plus the unknown; gradient degrees {degrees}; "
            f"{sum(len(g) for g in gradient)} gradient terms; Hessian determinant of size {len(gradient)}")


# --------------------------------------------------------------------------------------------
# Singular scripts (variables x1..xn are the parameters, x(n+1) the unknown)


def _elimination_body(n: int) -> str:
    product = "*".join(f"x{k + 1}" for k in range(n))
    return f"""matrix H[{n}][{n}];
int hr; int hc;
for (hr = 1; hr <= {n}; hr++) {{ for (hc = 1; hc <= {n}; hc++) {{ H[hr, hc] = diff(i[hr], var(hc)); }} }}
ideal J = i, det(H);
ideal E = std(eliminate(J, {product}));
print("{exact._MARK}SIZE " + string(size(E)));
if (size(E) == 1) {{
{exact._print_univariate("E[1]", n + 1)}
}}"""


def _generic_dimension_body(n: int) -> str:
    names = ",".join(f"x{k + 1}" for k in range(n))
    return f"""ring generic = (0, x{n + 1}), ({names}), dp;
ideal g = imap(r, i);
print("{exact._MARK}GENDIM " + string(dim(std(g))));"""


def _projection_body(n: int) -> str:
    """For each j, the gcd ``g`` of the generators of ``<grad> ∩ QQ[x_j, x_(n+1)]``, printed as
    lines ``AM_PTERM j exponent_of_x_j exponent_of_x_(n+1) coefficient`` (``AM_PZERO j`` if the
    elimination ideal is zero)."""
    lines = ["ideal G; poly g; int k;"]
    for j in range(1, n + 1):
        others = "*".join(f"x{k}" for k in range(1, n + 1) if k != j)
        lines.append(f"""G = {f"eliminate(i, {others})" if others else "i"};
if (size(G) == 0) {{ print("{exact._MARK}PZERO {j}"); }}
else {{
  g = G[1];
  for (k = 2; k <= ncols(G); k++) {{ g = gcd(g, G[k]); }}
  for (k = 1; k <= size(g); k++) {{ print("{exact._MARK}PTERM {j} " + string(leadexp(g[k])[{j}]) + " " + string(leadexp(g[k])[{n + 1}]) + " " + string(leadcoef(g[k]))); }}
}}""")
    return "\n".join(lines)


def _vertical_and_escape_factors(values: dict[str, list[str]], n: int) -> tuple[set[tuple[int, ...]], set[tuple[int, ...]]]:
    """Irreducible factors of the contents (curves of critical points over their roots) and of the
    leading coefficients of the primitive parts (escapes to infinity) of the projections."""
    if values.get("PZERO"):
        raise BackendCrashed("discriminant: Singular's answers are inconsistent: a projection of the critical set "
                             "is dense although the eliminant is not zero.")
    by_projection: list[dict[int, dict[int, Fraction]]] = [{} for _ in range(n)]
    try:
        for line in values.get("PTERM", []):
            j, power_a, power_e, coefficient = line.split()
            by_projection[int(j) - 1].setdefault(int(power_a), {})[int(power_e)] = Fraction(coefficient)
    except (ValueError, IndexError):
        raise BackendCrashed("discriminant: cannot read a projection from Singular's output.", None,
                             "\n".join(values.get("PTERM", [])[-exact.LOG_TAIL_LINES:])) from None
    variable = Symbol("e")
    vertical: set[tuple[int, ...]] = set()
    escapes: set[tuple[int, ...]] = set()
    for j, projection in enumerate(by_projection):
        if not projection:
            raise BackendCrashed(f"discriminant: Singular printed no projection to the plane of variable {j + 1}.")
        coefficients = [Poly(list(reversed([terms.get(k, 0) for k in range(max(terms) + 1)])), variable, domain=QQ)
                        for _, terms in sorted(projection.items())]
        content = coefficients[0]
        for c in coefficients[1:]:
            content = content.gcd(c)
        leading = coefficients[-1].quo(content)
        vertical |= {c for c, _ in _factor(_coefficient_list(content))}
        escapes |= {c for c, _ in _factor(_coefficient_list(leading))}
    return vertical, escapes


def _coefficient_list(poly: Poly) -> list[Fraction]:
    """Coefficients of a univariate sympy polynomial over QQ, degree 0 up, as Fractions."""
    return [Fraction(int(c.numerator), int(c.denominator)) for c in reversed(poly.all_coeffs())]


# --------------------------------------------------------------------------------------------
# Factors and roots


def _factor(coefficients: list[Fraction]) -> list[tuple[tuple[int, ...], int]]:
    """Irreducible factors over QQ (primitive, positive leading coefficient) with exponents."""
    scale = math.lcm(*(c.denominator for c in coefficients))
    integers = [int(c * scale) for c in coefficients]
    variable = Symbol("e")
    _, pairs = factor_list(Poly(list(reversed(integers)), variable, domain="ZZ"))
    result = []
    for poly, exponent in pairs:
        values = [int(c) for c in reversed(poly.all_coeffs())]
        if values[-1] < 0:
            values = [-c for c in values]
        result.append((tuple(values), int(exponent)))
    return sorted(result, key=lambda item: (len(item[0]), item[0]))


def _factor_record(coefficients: tuple[int, ...], exponent: int, vertical: bool) -> DiscriminantFactor:
    roots, real = _roots(coefficients)
    return DiscriminantFactor(coefficients=coefficients, exponent=exponent,
                              kind="positive-dimensional" if vertical else "collision", roots=roots, real_roots=real)


def _value_key(z: complex) -> tuple[bool, float, float]:
    """Real values first (ascending), then the others by real and imaginary part."""
    return z.imag != 0, z.real, z.imag


def _sorted_values(values: list[complex]) -> tuple[complex, ...]:
    return tuple(sorted(values, key=_value_key))


def _roots(coefficients: tuple[int, ...]) -> tuple[tuple[complex, ...], int]:
    """All roots of an irreducible integer polynomial: the real ones from exact isolating
    intervals (refined below 1e-25), the others from sympy's ``nroots``."""
    poly = Poly(list(reversed(coefficients)), Symbol("e"), domain="ZZ")
    tiny = QQ(1, 10**25)
    real = sorted(float((a + b) / 2) for (a, b), _ in poly.intervals(eps=tiny))
    if len(real) == poly.degree():
        return tuple(complex(x) for x in real), len(real)
    try:
        numeric = [complex(z) for z in poly.nroots(n=_ROOT_DIGITS, maxsteps=500)]
    except (NoConvergence, PolynomialError):
        numeric = [complex(z.evalf(_ROOT_DIGITS)) for z in poly.all_roots()]
    others = sorted(numeric, key=lambda z: abs(z.imag), reverse=True)[:poly.degree() - len(real)]
    others.sort(key=lambda z: (z.real, z.imag))
    return tuple(complex(x) for x in real) + tuple(others), len(real)


def _format_polynomial(coefficients: tuple[int, ...], name: str) -> str:
    terms = []
    for power in range(len(coefficients) - 1, -1, -1):
        c = coefficients[power]
        if c == 0:
            continue
        monomial = "" if power == 0 else (name if power == 1 else f"{name}^{power}")
        magnitude = abs(c)
        body = monomial if monomial and magnitude == 1 else (f"{magnitude}*{monomial}" if monomial else str(magnitude))
        terms.append(("- " if c < 0 else "+ ") + body)
    text = " ".join(terms)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]
