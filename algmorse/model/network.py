"""The problem model: networks, data, regularizers, and bare polynomial functions.

Everything here is exact (``fractions.Fraction``) and immutable. Conventions follow
``shared/notes/math.md``:

* widths ``[n0, n1, ..., nl, n(l+1)]``: input, hidden layers, output; ``W_k`` has shape
  ``n_k x n_(k-1)``; optional bias ``b_k``;
* ``f(x) = W_(l+1) s(W_l s(... s(W_1 x + b_1) ...) + b_l) + b_(l+1)``: the activation ``s`` acts on
  hidden layers only;
* parameter order: layer by layer, ``W_k`` row-major, then ``b_k``; parameter names
  ``w{k}_{i}_{j}`` (entry ``(i, j)`` of ``W_k``) and ``b{k}_{i}``, all indices 1-based;
* loss ``L(a) = scale * sum_i ||f_a(x_i) - y_i||^2``.

The activation is a polynomial (:class:`Activation`) or the rectifier (:class:`ReLU`), which is
piecewise linear: its networks are analysed one activation pattern at a time by
:mod:`algmorse.relu.analyze` (two-layer networks only).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Iterator, Literal, Union

import numpy as np

from ..errors import UnsupportedActivation, check_type
from .expr import format_rational

__all__ = [
    "Activation",
    "ReLU",
    "Network",
    "Dataset",
    "Regularizer",
    "RegularizerKind",
    "NetworkProblem",
    "FunctionProblem",
    "Problem",
    "REGULARIZER_KINDS",
    "check_problem",
]

RegularizerKind = Literal["none", "l2", "generalized-l2", "multiplicative", "polynomial"]
REGULARIZER_KINDS: tuple[str, ...] = ("none", "l2", "generalized-l2", "multiplicative", "polynomial")



@dataclass(frozen=True, slots=True)
class Activation:
    """A polynomial activation ``s(t) = c_0 + c_1 t + ... + c_d t^d`` with rational coefficients.

    Parameters
    ----------
    coefficients : tuple of Fraction
        ``c_0, c_1, ..., c_d`` (trailing zeros are stripped).
    text : str, optional
        How the user wrote it (echoed in catalogs); derived from the coefficients if omitted.

    Examples
    --------
    >>> Activation.from_coefficients([0, 1, 1]).text
    't + t^2'
    >>> Activation.from_coefficients([0, 1, 0, "-1/3"]).is_odd
    True
    """

    coefficients: tuple[Fraction, ...]
    text: str = ""

    def __post_init__(self) -> None:
        coeffs = list(self.coefficients)
        while coeffs and coeffs[-1] == 0:
            coeffs.pop()
        object.__setattr__(self, "coefficients", tuple(Fraction(c) for c in coeffs))
        if not self.text:
            object.__setattr__(self, "text", self._render())

    @classmethod
    def from_coefficients(cls, coefficients: list | tuple) -> Activation:
        """Build an activation from ``c_0, c_1, ...`` (ints, Fractions or strings like "1/3")."""
        return cls(tuple(Fraction(c) for c in coefficients))

    def _render(self) -> str:
        terms = []
        for power, c in enumerate(self.coefficients):
            if c == 0:
                continue
            monomial = "" if power == 0 else ("t" if power == 1 else f"t^{power}")
            if monomial and abs(c) == 1:
                body = monomial
            elif monomial:
                body = f"{format_rational(abs(c))}*{monomial}"
            else:
                body = format_rational(abs(c))
            terms.append(("- " if c < 0 else "+ ") + body)
        if not terms:
            return "0"
        text = " ".join(terms)
        return text[2:] if text.startswith("+ ") else "-" + text[2:]

    @property
    def degree(self) -> int:
        """Degree of ``s`` (``-1`` for the zero polynomial)."""
        return len(self.coefficients) - 1

    @property
    def is_odd(self) -> bool:
        """``s(-t) = -s(t)``: only odd powers occur."""
        return all(c == 0 for p, c in enumerate(self.coefficients) if p % 2 == 0)

    @property
    def is_even(self) -> bool:
        """``s(-t) = s(t)``: only even powers occur."""
        return all(c == 0 for p, c in enumerate(self.coefficients) if p % 2 == 1)

    @property
    def vanishes_at_zero(self) -> bool:
        """``s(0) = 0``."""
        return not self.coefficients or self.coefficients[0] == 0

    def __call__(self, value):
        """Evaluate ``s`` at ``value`` (any ring element or number) by Horner's rule."""
        result = 0 * value
        for c in reversed(self.coefficients):
            result = result * value + c
        return result


@dataclass(frozen=True, slots=True)
class ReLU:
    """The rectifier ``s(t) = max(t, 0)``.

    It is not a polynomial: the loss of a ReLU network is a polynomial on each activation
    pattern, and :func:`algmorse.relu.analyze.analyze_relu` solves it pattern by pattern. Applying it to
    a ring element (as the polynomial pipeline would) raises :class:`UnsupportedActivation`.

    Examples
    --------
    >>> ReLU().text
    'relu'
    """

    text: str = "relu"

    def __call__(self, value):
        """Refuse symbolic evaluation: the rectifier has no polynomial expression."""
        raise UnsupportedActivation(
            "network.activation",
            "relu is piecewise linear, not a polynomial, so the loss has no single polynomial system.",
            "Use algmorse.analyze_relu (the `algmorse solve` command does), which solves one "
            "polynomial system per activation pattern.",
        )


@dataclass(frozen=True, slots=True)
class Network:
    """A fully connected feed-forward network with a polynomial activation.

    Parameters
    ----------
    widths : tuple of int
        ``(n0, n1, ..., n(l+1))``: input width, hidden widths, output width (at least two).
    activation : Activation or ReLU
        Applied elementwise on the hidden layers (never on the output).
    bias : bool
        Whether every layer has a bias vector.

    Examples
    --------
    >>> net = Network((1, 2, 1), Activation.from_coefficients([0, 1]), bias=False)
    >>> net.parameter_names
    ('w1_1_1', 'w1_2_1', 'w2_1_1', 'w2_1_2')
    """

    widths: tuple[int, ...]
    activation: Activation | ReLU
    bias: bool = False

    @property
    def is_relu(self) -> bool:
        """Whether the activation is the rectifier (see :mod:`algmorse.relu.analyze`)."""
        return isinstance(self.activation, ReLU)

    @property
    def depth(self) -> int:
        """Number of weight matrices ``l + 1``."""
        return len(self.widths) - 1

    def weight_names(self, layer: int) -> tuple[tuple[str, ...], ...]:
        """Names of the entries of ``W_layer`` (1-based layer), as rows."""
        rows, cols = self.widths[layer], self.widths[layer - 1]
        return tuple(tuple(f"w{layer}_{i}_{j}" for j in range(1, cols + 1)) for i in range(1, rows + 1))

    def bias_names(self, layer: int) -> tuple[str, ...]:
        """Names of the entries of ``b_layer`` (empty without biases)."""
        if not self.bias:
            return ()
        return tuple(f"b{layer}_{i}" for i in range(1, self.widths[layer] + 1))

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """All parameter names in the canonical order (W_k row-major, then b_k, layer by layer)."""
        names: list[str] = []
        for k in range(1, self.depth + 1):
            for row in self.weight_names(k):
                names.extend(row)
            names.extend(self.bias_names(k))
        return tuple(names)

    @property
    def num_parameters(self) -> int:
        """Number of parameters."""
        return len(self.parameter_names)


@dataclass(frozen=True, slots=True)
class Dataset:
    """Training data: inputs ``x[i]`` (length n0) and targets ``y[i]`` (length n(l+1))."""

    x: tuple[tuple[Fraction, ...], ...]
    y: tuple[tuple[Fraction, ...], ...]

    def __len__(self) -> int:
        return len(self.x)


@dataclass(frozen=True, slots=True)
class Regularizer:
    """The regularizer ``R`` added to the loss.

    Parameters
    ----------
    kind : {"none", "l2", "generalized-l2", "multiplicative", "polynomial"}
        * ``none``: ``R = 0``;
        * ``l2``: ``eps * sum_j a_j^2``;
        * ``generalized-l2``: ``sum_j eps_j a_j^2`` (``eps`` a tuple in parameter order; ``None``
          means distinct random rationals drawn from the solve seed, see :meth:`resolved`);
        * ``multiplicative``: ``eps * prod_k ||W_k||_F^2`` (biases excluded);
        * ``polynomial``: ``eps * p(a)`` with ``p`` given by ``expression`` in parameter names.
    eps : Fraction, tuple of Fraction, or None
        Strength(s), see ``kind``.
    expression : str, optional
        The polynomial of ``kind="polynomial"``.
    """

    kind: RegularizerKind = "none"
    eps: Fraction | tuple[Fraction, ...] | None = None
    expression: str | None = None

    def resolved(self, num_parameters: int, seed: int) -> Regularizer:
        """Return a copy with random generalized-L2 strengths drawn (reproducibly) from ``seed``.

        The draws are ``k / 10000`` for distinct integers ``k`` in ``[1, 10000]``, from
        ``numpy.random.SeedSequence([seed, 0x4C32])``; other kinds are returned unchanged.
        """
        if self.kind != "generalized-l2" or self.eps is not None:
            return self
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0x4C32]))
        draws = rng.choice(np.arange(1, 10001), size=num_parameters, replace=False)
        return replace(self, eps=tuple(Fraction(int(k), 10000) for k in draws))


@dataclass(frozen=True, slots=True)
class NetworkProblem:
    """The regularized squared loss of a network on a data set.

    ``L(a) = scale * sum_i ||f_a(x_i) - y_i||^2 + R(a)``.
    """

    network: Network
    data: Dataset
    scale: Fraction = Fraction(1, 2)
    regularizer: Regularizer = field(default_factory=Regularizer)

    def __post_init__(self) -> None:
        """Check everything as a spec file is checked (see :func:`algmorse.model.spec.validated_problem`)."""
        _validate(self)

    @property
    def variables(self) -> tuple[str, ...]:
        """Parameter names in canonical order."""
        return self.network.parameter_names


@dataclass(frozen=True, slots=True)
class FunctionProblem:
    """A bare polynomial function ``h(a) + R(a)`` of named variables.

    Parameters
    ----------
    variables : tuple of str
        Variable names (identifiers), in the order used everywhere downstream.
    expression : str, sympy expression or sympy ``Poly``
        The polynomial, in the restricted grammar of :mod:`algmorse.model.expr` (sympy input is
        printed and read back through the same grammar, so it must be a polynomial with
        rational coefficients; it is stored as text).
    regularizer : Regularizer
        ``multiplicative`` is not defined here (there are no weight matrices).
    """

    variables: tuple[str, ...]
    expression: str
    regularizer: Regularizer = field(default_factory=Regularizer)

    def __post_init__(self) -> None:
        """Check everything as a spec file is checked; a sympy expression is accepted."""
        _validate(self)


@dataclass(frozen=True, slots=True)
class SystemProblem:
    """A square polynomial system ``f_1 = ... = f_n = 0`` in ``n`` named variables (not a gradient).

    Its isolated solutions are found, refined, certified and counted like critical points;
    there is no loss, so no Hessian spectrum, Morse index or Morse verdict (the Jacobian takes
    the Hessian's place in rank and multiplicity).

    Parameters
    ----------
    variables : tuple of str
    equations : tuple of str
        One polynomial per variable, in the grammar of :mod:`algmorse.model.expr` (sympy expressions
        are accepted).
    regularizer : Regularizer
        Always ``Regularizer()`` (none): present so that every problem has one.
    """

    variables: tuple[str, ...]
    equations: tuple[str, ...]
    regularizer: Regularizer = field(default_factory=Regularizer)

    def __post_init__(self) -> None:
        """Check everything as a spec file's ``[system]`` table is checked."""
        _validate(self)


Problem = Union[NetworkProblem, FunctionProblem, SystemProblem]


def check_problem(problem: object) -> None:
    """Refuse an argument ``problem`` that is not a :data:`Problem` (e.g. a spec dict or ``None``).

    Raises
    ------
    SpecError
        Naming ``problem``, with how to build one.
    """
    check_type(problem, (NetworkProblem, FunctionProblem, SystemProblem), "problem",
               "Build one with algmorse.NetworkProblem(network, data, ...), FunctionProblem(variables, expression) "
               "or SystemProblem(variables, equations), or read a spec: algmorse.load_spec(path).problem.")


_TRUSTED: ContextVar[bool] = ContextVar("algmorse_trusted_construction", default=False)


@contextmanager
def trusted_construction() -> Iterator[None]:
    """Within the block, problems are built from values the spec parser has already checked."""
    token = _TRUSTED.set(True)
    try:
        yield
    finally:
        _TRUSTED.reset(token)


def _validate(problem: Problem) -> None:
    """Replace the problem's fields by their checked, canonical form (unless already checked)."""
    if _TRUSTED.get():
        return
    from .spec import validated_problem

    checked = validated_problem(problem)
    for name in problem.__slots__:
        object.__setattr__(problem, name, getattr(checked, name))
