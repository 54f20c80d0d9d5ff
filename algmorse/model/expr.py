"""A restricted-grammar parser for exact polynomials given as text.

User text (activations, function expressions, polynomial regularizers) is never evaluated by
Python. It is tokenized, ``^`` is turned into ``**`` at token level, the pieces are parsed with
``ast.parse(mode="eval")``, and a small evaluator that accepts a whitelist of node types
multiplies and adds sparse polynomials ``{exponents: Fraction}`` directly.

The grammar:

* numbers: integers (``3``), decimals (``0.1``, read exactly as ``1/10``) and scientific
  notation (``1e-3``, read exactly as ``1/1000``);
* the declared variable names;
* binary ``+ - * /`` and unary ``+ -``; division only by a sub-expression that evaluates to a
  nonzero constant;
* ``^`` or ``**`` with a non-negative integer literal exponent of at most :data:`MAX_EXPONENT`;
* parentheses.

Python precedence applies, with ``^`` meaning ``**``: ``t + t^2`` is ``t + (t^2)`` and
``-x^2`` is ``-(x^2)``. (Python reads a raw ``^`` as XOR, with *lower* precedence than ``+``;
the token-level rewrite is what prevents ``t + t^2`` from becoming ``(2t)^2``.)

Limits guard against input that would take unbounded time or memory: :data:`MAX_LENGTH`
characters, :data:`MAX_DEPTH` levels of nesting, :data:`MAX_DEGREE`, :data:`MAX_TERMS` terms in
any intermediate result, :data:`MAX_WORK` term products in all, and
:data:`MAX_COEFFICIENT_BITS` per coefficient.
"""

from __future__ import annotations

import ast
import bisect
import io
import keyword
import numbers
import re
import tokenize
from dataclasses import dataclass
from fractions import Fraction
from math import isfinite
from operator import add
from typing import Mapping, NoReturn, Sequence

from algmorse.errors import SpecError

__all__ = [
    "format_rational",
    "Polynomial",
    "parse_polynomial",
    "parse_rational",
    "format_polynomial",
    "is_variable_name",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_DEGREE",
    "MAX_TERMS",
    "MAX_WORK",
    "MAX_COEFFICIENT_BITS",
]

MAX_LENGTH = 200_000
"""Longest accepted expression text, in characters."""
MAX_DEPTH = 100
"""Deepest accepted nesting of brackets, signs and powers."""
MAX_EXPONENT = 64
"""Largest accepted exponent literal after ``^`` or ``**``."""
MAX_DEGREE = 1000
"""Largest total degree of any power computed while expanding."""
MAX_TERMS = 100_000
"""Largest number of terms of any intermediate or final polynomial."""
MAX_WORK = 1_000_000
"""Largest total number of term-by-term products spent expanding one expression."""
MAX_COEFFICIENT_BITS = 10_000
"""Largest size of a coefficient (bits of numerator plus bits of denominator)."""

_MAX_DECIMAL_EXPONENT = 1000
_MAX_LITERAL_LENGTH = 1000

_DECIMAL = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_RATIONAL = re.compile(r"[+-]?(?:\d+/\d+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXPONENT_PART = re.compile(r"[eE]([+-]?\d+)$")

_OPENING = {"(": ")", "[": "]", "{": "}"}
_CLOSING = {")", "]", "}"}
_SKIPPED_TOKENS = {
    tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER
}

_FORBIDDEN_NODES: dict[type, str] = {
    ast.Call: "function calls are",
    ast.Attribute: "attribute access is",
    ast.Subscript: "subscripts are",
    ast.Compare: "comparisons are",
    ast.BoolOp: "boolean operators are",
    ast.Lambda: "lambda expressions are",
    ast.IfExp: "conditional expressions are",
    ast.NamedExpr: "assignments are",
    ast.Tuple: "tuples are",
    ast.List: "lists are",
    ast.Dict: "dicts are",
    ast.Set: "sets are",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "generator expressions are",
    ast.JoinedStr: "strings are",
    ast.Starred: "starred expressions are",
    ast.Await: "await expressions are",
    ast.Yield: "yield expressions are",
    ast.YieldFrom: "yield expressions are",
    ast.Slice: "slices are",
}
_OPERATOR_SYMBOLS: dict[type, str] = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "xor",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Not: "not",
    ast.Invert: "~",
}

Polynomial = dict[tuple[int, ...], Fraction]
"""A sparse exact polynomial: ``{exponent tuple: nonzero coefficient}``."""


def is_variable_name(name: object) -> bool:
    """Whether ``name`` can be a variable of the grammar: an ASCII identifier, not a keyword.

    Examples
    --------
    >>> is_variable_name("w1_2_1"), is_variable_name("lambda"), is_variable_name("x y")
    (True, False, False)
    """
    return (
        isinstance(name, str)
        and _IDENTIFIER.fullmatch(name) is not None
        and not keyword.iskeyword(name)
    )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _quote(text: str, limit: int = 60) -> str:
    return repr(_short(text, limit))


def _name_list(names: Sequence[str], limit: int = 12) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[: limit - 2])}, ..., {names[-1]} ({len(names)} in all)"


def _grammar_hint(variables: Sequence[str]) -> str:
    if variables:
        names = f"the variable{'s' if len(variables) > 1 else ''} {_name_list(variables)}"
    else:
        names = "no variables"
    return (
        f"Allowed: numbers (3, 0.1, 1e-3), {names}, + - * /, ^ or ** with a non-negative "
        f"integer exponent up to {MAX_EXPONENT}, and parentheses; division only by a nonzero "
        "constant."
    )


def _ends_operand(token: tokenize.TokenInfo) -> bool:
    """Whether a ``+``/``-`` after ``token`` is binary (``x - 1``) rather than a sign (``* -1``)."""
    if token.type == tokenize.NAME:
        return not keyword.iskeyword(token.string)
    return token.type in (tokenize.NUMBER, tokenize.STRING) or token.string in _CLOSING


def _literal_to_fraction(literal: str) -> Fraction | None:
    """``Fraction`` of an unsigned decimal literal, or ``None`` if it is out of range."""
    if len(literal) > _MAX_LITERAL_LENGTH:
        return None
    exponent = _EXPONENT_PART.search(literal)
    if exponent is not None and abs(int(exponent.group(1))) > _MAX_DECIMAL_EXPONENT:
        return None
    return Fraction(literal)


def parse_rational(value: object, *, field: str) -> Fraction:
    """Read one exact rational number from a spec value.

    Parameters
    ----------
    value : int, float, str, Fraction, or a numpy or sympy number
        An integer (also numpy's and sympy's); a rational (Fraction, sympy Rational); a string
        such as ``"3"``, ``"-1/10"``, ``"0.25"`` or ``"1e-2"``; or a float (as TOML produces, also
        numpy's), read through its shortest ``repr`` so that ``0.1`` is ``1/10``; a sympy Float is
        read through its printed digits.
    field : str
        Dotted name of the spec field, used in error messages.

    Returns
    -------
    Fraction

    Raises
    ------
    SpecError
        For booleans, NaN or infinite floats, malformed strings, zero denominators and any
        other type.

    Examples
    --------
    >>> parse_rational(0.1, field="loss.scale")
    Fraction(1, 10)
    >>> parse_rational("-1/10", field="regularizer.eps"), parse_rational("1e-2", field="x")
    (Fraction(-1, 10), Fraction(1, 100))
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        raise SpecError(field, f"expected a rational number, got the boolean {str(value).lower()}.")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, numbers.Integral):  # numpy and sympy integers
        return Fraction(int(value))
    if isinstance(value, numbers.Rational) or type(value).__name__ == "fmpq":  # sympy Rational, flint fmpq
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real) and hasattr(value, "_mpf_"):  # sympy Float: its printed digits
        return parse_rational(str(value), field=field)
    if isinstance(value, numbers.Real):  # float, numpy floats: the shortest repr, so 0.1 is 1/10
        value = float(value)
        if not isfinite(value):
            raise SpecError(field, f"expected a finite rational number, got {value}.")
        return Fraction(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _MAX_LITERAL_LENGTH:
            raise SpecError(field, f"the number {_quote(value)} is longer than "
                                   f"{_MAX_LITERAL_LENGTH} characters.")
        if _RATIONAL.fullmatch(text) is None:
            raise SpecError(
                field,
                f"expected a rational number, got the string {_quote(value)}.",
                'Write it like 3, "-1/10", "0.25" or "1e-2".',
            )
        sign = -1 if text.startswith("-") else 1
        body = text.lstrip("+-")
        numerator, _, denominator = body.partition("/")
        if denominator:
            if int(denominator) == 0:
                raise SpecError(field, f"the denominator of {_quote(value)} is zero.")
            return sign * Fraction(int(numerator), int(denominator))
        result = _literal_to_fraction(body)
        if result is None:
            raise SpecError(field, f"the number {_quote(value)} is too large or too long.")
        return sign * result
    raise SpecError(
        field,
        f"expected a rational number (integer, float or string such as \"1/10\"), "
        f"got {type(value).__name__} {_short(repr(value))}.",
    )


@dataclass(frozen=True, slots=True)
class _Piece:
    """One top-level term of the text, rewritten for ``ast.parse``.

    ``source`` has ``**`` where the user wrote ``^``; ``start`` is the offset of the piece in the
    user's text and ``shifts`` the offsets in ``source`` where a ``**`` replaced a ``^``.
    """

    source: str
    start: int
    shifts: tuple[int, ...]
    sign: int

    def original_offset(self, offset: int) -> int:
        return self.start + offset - bisect.bisect_left(self.shifts, offset)


class _Parser:
    """Tokenize, split at top-level ``+``/``-``, parse each piece, evaluate the whitelist."""

    def __init__(self, text: str, variables: Sequence[str], field: str) -> None:
        self.text = text
        self.flat = "".join(" " if ch in "\t\r\n" else ch for ch in text)
        self.variables = tuple(variables)
        self.index = {name: i for i, name in enumerate(self.variables)}
        self.one = (0,) * len(self.variables)
        self.field = field
        self.work = 0
        self.piece: _Piece | None = None

    # -- errors -----------------------------------------------------------------------------

    def fail(self, message: str) -> NoReturn:
        raise SpecError(self.field, message, _grammar_hint(self.variables))

    def segment(self, node: ast.AST) -> str:
        """The user's text of ``node`` (with ``^`` as written)."""
        assert self.piece is not None
        start = self.piece.original_offset(node.col_offset)
        end = self.piece.original_offset(node.end_col_offset)
        return self.text[start:end]

    def fail_at(self, node: ast.AST, message: str) -> NoReturn:
        self.fail(f"{message}, found {_quote(self.segment(node))}.")

    # -- tokens -----------------------------------------------------------------------------

    def pieces(self) -> list[_Piece]:
        """Split the text into top-level terms, rewriting ``^`` to ``**`` on the way."""
        pieces: list[_Piece] = []
        current: list[tokenize.TokenInfo] = []
        sign = 1
        brackets: list[str] = []
        previous: tokenize.TokenInfo | None = None
        try:
            for token in tokenize.generate_tokens(io.StringIO(self.flat).readline):
                if token.type in _SKIPPED_TOKENS or token.string.isspace():
                    continue
                if self.split_here(token, previous, brackets):
                    pieces.append(self.make_piece(current, sign))
                    current, sign = [], (1 if token.string == "+" else -1)
                else:
                    current.append(token)
                previous = token
        except tokenize.TokenError:
            self.fail(f"a bracket is opened but never closed in {_quote(self.text)}.")
        pieces.append(self.make_piece(current, sign))
        return pieces

    def split_here(self, token: tokenize.TokenInfo, previous: tokenize.TokenInfo | None,
                   brackets: list[str]) -> bool:
        """Check one token; whether it is a binary ``+``/``-`` outside all brackets."""
        kind, string = token.type, token.string
        if kind == tokenize.COMMENT:
            self.fail(f"comments are not allowed, found {_quote(string)}.")
        if kind == tokenize.ERRORTOKEN and not string.isspace():
            self.fail(f"unexpected character {string!r} at position {token.start[1] + 1}.")
        if kind == tokenize.NUMBER and len(string) > _MAX_LITERAL_LENGTH:
            self.fail(
                f"the number {_quote(string)} has more than {_MAX_LITERAL_LENGTH} characters."
            )
        if kind != tokenize.OP:
            return False
        if string in _OPENING:
            brackets.append(string)
            if len(brackets) > MAX_DEPTH:
                self.fail(f"brackets are nested more than {MAX_DEPTH} levels deep.")
        elif string in _CLOSING:
            if not brackets or _OPENING[brackets.pop()] != string:
                self.fail(
                    f"unmatched {string!r} at position {token.start[1] + 1}: "
                    f"{_quote(self.text[: token.end[1]][-40:])}."
                )
        return string in "+-" and not brackets and previous is not None and _ends_operand(previous)

    def make_piece(self, tokens: list[tokenize.TokenInfo], sign: int) -> _Piece:
        if not tokens:
            self.fail(f"an operand is missing around a '+' or '-' in {_quote(self.text)}.")
        parts: list[str] = []
        shifts: list[int] = []
        length = 0
        end = tokens[0].start[1]
        for token in tokens:
            gap = self.flat[end : token.start[1]]
            string = token.string
            if token.type == tokenize.OP and string == "^":
                string = "**"
                shifts.append(length + len(gap))
            parts.append(gap)
            parts.append(string)
            length += len(gap) + len(string)
            end = token.end[1]
        return _Piece("".join(parts), tokens[0].start[1], tuple(shifts), sign)

    # -- evaluation -------------------------------------------------------------------------

    def parse(self) -> Polynomial:
        total: Polynomial = {}
        for piece in self.pieces():
            self.piece = piece
            try:
                tree = ast.parse(piece.source, mode="eval")
            except SyntaxError as error:
                offset = piece.original_offset(min(max((error.offset or 1) - 1, 0),
                                                   len(piece.source)))
                rest = self.text[offset : offset + 20].strip()
                where = f"at {_quote(rest)}" if rest else "at its end"
                self.fail(
                    f"cannot parse {_quote(self.text)}: invalid syntax at position {offset + 1} "
                    f"({where}). Write products with '*' (2*x, not 2x)."
                )
            except (RecursionError, MemoryError):
                self.fail(
                    f"the expression is too complex to parse: a chain of more than about 2900 "
                    f"operators inside one term or one pair of parentheses, near "
                    f"{_quote(self.text[piece.start :])}; split it into several terms."
                )
            self.add_into(total, self.evaluate(tree.body, 0), piece.sign, tree.body)
        for coefficient in total.values():
            if coefficient.numerator.bit_length() + coefficient.denominator.bit_length() > (
                MAX_COEFFICIENT_BITS
            ):
                self.fail(f"a coefficient has more than {MAX_COEFFICIENT_BITS} bits.")
        return total

    def add_into(self, total: Polynomial, value: Polynomial, sign: int, node: ast.AST) -> None:
        for exponents, coefficient in value.items():
            old = total.get(exponents)
            new = (coefficient if sign > 0 else -coefficient) if old is None else (
                old + coefficient if sign > 0 else old - coefficient
            )
            if new:
                total[exponents] = new
            else:
                del total[exponents]
        if len(total) > MAX_TERMS:
            self.fail_at(node, f"the expansion has more than {MAX_TERMS} terms")

    def evaluate(self, node: ast.AST, depth: int) -> Polynomial:
        """The polynomial of ``node``; the result must not be mutated by the caller."""
        if depth > MAX_DEPTH:
            self.fail_at(node, f"the expression is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            chain: list[tuple[int, ast.AST]] = []
            while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
                chain.append((1 if isinstance(node.op, ast.Add) else -1, node.right))
                node = node.left
            total = dict(self.evaluate(node, depth + 1))
            for sign, operand in reversed(chain):
                self.add_into(total, self.evaluate(operand, depth + 1), sign, operand)
            return total
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            factors: list[tuple[ast.operator, ast.AST]] = []
            whole = node
            while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
                factors.append((node.op, node.right))
                node = node.left
            product = self.evaluate(node, depth + 1)
            for op, operand in reversed(factors):
                value = self.evaluate(operand, depth + 1)
                if isinstance(op, ast.Mult):
                    product = self.multiply(product, value, whole)
                else:
                    product = self.divide(product, value, operand, whole)
            return product
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.power(node, depth)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            value = self.evaluate(node.operand, depth + 1)
            return value if isinstance(node.op, ast.UAdd) else {e: -c for e, c in value.items()}
        if isinstance(node, ast.Name):
            if node.id not in self.index:
                if len(self.variables) > 1:
                    allowed = f"the variables here are {_name_list(self.variables)}"
                elif self.variables:
                    allowed = f"the only variable here is {self.variables[0]}"
                else:
                    allowed = "no variables are allowed here"
                self.fail(f"unknown name {node.id!r}; {allowed}.")
            exponents = [0] * len(self.variables)
            exponents[self.index[node.id]] = 1
            return {tuple(exponents): Fraction(1)}
        if isinstance(node, ast.Constant):
            return self.constant(node)
        self.reject(node)

    def reject(self, node: ast.AST) -> NoReturn:
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            symbol = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
            self.fail_at(node, f"the operator {symbol!r} is not allowed")
        what = _FORBIDDEN_NODES.get(type(node), f"{type(node).__name__} expressions are")
        self.fail_at(node, f"{what} not allowed")

    def constant(self, node: ast.Constant) -> Polynomial:
        literal = self.segment(node)
        value = node.value
        if isinstance(value, str):
            self.fail_at(node, "strings are not allowed")
        if type(value) not in (int, float) or _DECIMAL.fullmatch(literal) is None:
            self.fail_at(node, "only plain decimal numbers are allowed")
        number = _literal_to_fraction(literal)
        if number is None:
            self.fail_at(node, "the number is too large or too long")
        return {self.one: number} if number else {}

    def constant_value(self, value: Polynomial) -> Fraction | None:
        """The constant ``value`` stands for, or ``None`` if it involves a variable."""
        if not value:
            return Fraction(0)
        if len(value) == 1 and self.one in value:
            return value[self.one]
        return None

    def multiply(self, left: Polynomial, right: Polynomial, node: ast.AST) -> Polynomial:
        self.work += len(left) * len(right)
        if self.work > MAX_WORK:
            self.fail_at(node, f"expanding needs more than {MAX_WORK} term products")
        if _bits(left) + _bits(right) > 2 * MAX_COEFFICIENT_BITS:
            self.fail_at(node, f"a coefficient would exceed {MAX_COEFFICIENT_BITS} bits")
        if len(left) > len(right):
            left, right = right, left
        result: Polynomial = {}
        for e1, c1 in left.items():
            for e2, c2 in right.items():
                exponents = tuple(map(add, e1, e2))
                old = result.get(exponents)
                result[exponents] = c1 * c2 if old is None else old + c1 * c2
        if len(result) > MAX_TERMS:
            self.fail_at(node, f"the expansion has more than {MAX_TERMS} terms")
        return {e: c for e, c in result.items() if c}

    def divide(self, left: Polynomial, right: Polynomial, divisor_node: ast.AST,
               node: ast.AST) -> Polynomial:
        divisor = self.constant_value(right)
        if divisor is None:
            self.fail_at(
                node,
                f"division is only allowed by a nonzero constant, but the divisor "
                f"{_quote(self.segment(divisor_node))} contains a variable",
            )
        if divisor == 0:
            self.fail_at(node, f"division by zero: {_quote(self.segment(divisor_node))} is 0")
        if _bits(left) + _bits({self.one: divisor}) > 2 * MAX_COEFFICIENT_BITS:
            self.fail_at(node, f"a coefficient would exceed {MAX_COEFFICIENT_BITS} bits")
        return {e: c / divisor for e, c in left.items()}

    def power(self, node: ast.BinOp, depth: int) -> Polynomial:
        exponent_node = node.right
        if not (
            isinstance(exponent_node, ast.Constant)
            and type(exponent_node.value) is int
            and self.segment(exponent_node).isdigit()
        ):
            self.fail_at(
                node,
                f"the exponent must be a non-negative integer literal (at most {MAX_EXPONENT})",
            )
        exponent = exponent_node.value
        if exponent > MAX_EXPONENT:
            self.fail_at(node, f"the exponent is larger than {MAX_EXPONENT}")
        base = self.evaluate(node.left, depth + 1)
        if exponent == 0:
            return {self.one: Fraction(1)}
        degree = max((sum(e) for e in base), default=0)
        if degree * exponent > MAX_DEGREE:
            self.fail_at(node, f"the degree exceeds {MAX_DEGREE}")
        bits = max((c.numerator.bit_length() + c.denominator.bit_length() for c in base.values()),
                   default=0)
        if bits * exponent > MAX_COEFFICIENT_BITS:
            self.fail_at(node, f"a coefficient would exceed {MAX_COEFFICIENT_BITS} bits")
        if len(base) == 1:
            ((exponents, coefficient),) = base.items()
            return {tuple([a * exponent for a in exponents]): coefficient**exponent}
        result = base
        for _ in range(exponent - 1):
            result = self.multiply(result, base, node)
        return result


def _bits(polynomial: Polynomial) -> int:
    """The largest numerator-plus-denominator bit size of the coefficients (0 when empty)."""
    return max((c.numerator.bit_length() + c.denominator.bit_length() for c in polynomial.values()), default=0)


def parse_polynomial(text: str, variables: Sequence[str], *, field: str) -> Polynomial:
    """Parse a polynomial in ``variables`` from user text, exactly and without ``eval``.

    Parameters
    ----------
    text : str
        The polynomial in the grammar of this module (see the module docstring).
    variables : sequence of str
        The only names allowed, in the order used for the exponent tuples. Each must be an ASCII
        identifier that is not a Python keyword; no duplicates.
    field : str
        Dotted name of the spec field the text comes from, used in error messages.

    Returns
    -------
    dict of tuple of int to Fraction
        ``{exponents: coefficient}`` with ``exponents[i]`` the power of ``variables[i]``; zero
        coefficients are omitted (the zero polynomial is ``{}``).

    Raises
    ------
    SpecError
        If ``text`` is not a string, is empty or too long, or uses anything outside the
        grammar (function calls, unknown names, division by a non-constant, negative or
        non-integer exponents, ...). The message quotes the offending piece.
    ValueError
        If ``variables`` are not distinct identifiers (a programming error, not a spec error).

    See Also
    --------
    format_polynomial : the inverse.

    Notes
    -----
    ``^`` is rewritten to ``**`` on the token stream, so ``t + t^2`` is ``t + t**2``, never
    Python's XOR ``(t + t) ^ 2``. Top-level sums are split at token level before
    ``ast.parse`` so that expanded polynomials with thousands of terms do not hit the parser's
    recursion limit. Cost: one term-by-term product per pair of multiplied terms.

    Examples
    --------
    >>> parse_polynomial("t + t^2", ["t"], field="network.activation")
    {(1,): Fraction(1, 1), (2,): Fraction(1, 1)}
    >>> parse_polynomial("(x + 1)^2 * y / 2", ["x", "y"], field="function.expression")
    {(2, 1): Fraction(1, 2), (1, 1): Fraction(1, 1), (0, 1): Fraction(1, 2)}
    >>> parse_polynomial("tanh(t)", ["t"], field="network.activation")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    algmorse.errors.SpecError: `network.activation`: function calls are not allowed, found ...
    """
    names = list(variables)
    bad = [name for name in names if not is_variable_name(name)]
    if bad:
        raise ValueError(f"variables must be ASCII identifiers and not keywords, got {bad!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"variables must be distinct, got {names!r}")
    if not isinstance(text, str):
        raise SpecError(
            field,
            f"expected a polynomial as a string, got {type(text).__name__} "
            f"{_short(repr(text))}.",
            _grammar_hint(names),
        )
    if len(text) > MAX_LENGTH:
        raise SpecError(
            field, f"the expression has {len(text)} characters; at most {MAX_LENGTH} are allowed."
        )
    for position, character in enumerate(text):
        if not (character.isascii() and (character.isprintable() or character in "\t\r\n")):
            raise SpecError(
                field,
                f"character {character!r} at position {position + 1} is not allowed; "
                "use ASCII text only.",
                _grammar_hint(names),
            )
    if not text.strip():
        raise SpecError(field, "expected a polynomial, got an empty string.", _grammar_hint(names))
    return _Parser(text, names, field).parse()


def format_rational(q: Fraction) -> str:
    """``q`` as ``"n"`` or ``"n/d"`` (the form the parsers read back)."""
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def format_polynomial(
    poly: Mapping[tuple[int, ...], Fraction | int], variables: Sequence[str]
) -> str:
    """Render a sparse polynomial in the grammar of :func:`parse_polynomial`.

    Terms are ordered by decreasing total degree, then lexicographically by decreasing
    exponents; coefficients are exact (``p/q``) and powers use ``^``, so
    ``parse_polynomial(format_polynomial(p, v), v, field=...) == p`` for every polynomial ``p``
    with nonzero coefficients within the parser's limits (exponents up to
    :data:`MAX_EXPONENT`, :data:`MAX_LENGTH` characters of output).

    Parameters
    ----------
    poly : mapping of tuple of int to Fraction or int
        ``{exponents: coefficient}``, one exponent per variable; zero coefficients are skipped.
    variables : sequence of str
        Variable names, in the order of the exponent tuples.

    Returns
    -------
    str
        ``"0"`` for the zero polynomial.

    Raises
    ------
    ValueError
        If an exponent tuple does not have one non-negative entry per variable.

    Examples
    --------
    >>> from fractions import Fraction
    >>> format_polynomial({(2, 1): Fraction(1, 2), (0, 0): -3, (1, 0): 1}, ["x", "y"])
    '1/2*x^2*y + x - 3'
    """
    names = list(variables)
    for exponents in poly:
        if len(exponents) != len(names) or any(k < 0 for k in exponents):
            raise ValueError(f"exponents {exponents!r} do not fit the variables {names!r}")
    terms = sorted(
        ((e, Fraction(c)) for e, c in poly.items() if c),
        key=lambda item: (-sum(item[0]), [-k for k in item[0]]),
    )
    if not terms:
        return "0"
    parts: list[str] = []
    for exponents, coefficient in terms:
        monomial = "*".join(
            name if k == 1 else f"{name}^{k}" for name, k in zip(names, exponents) if k
        )
        magnitude = abs(coefficient)
        if not monomial:
            body = format_rational(magnitude)
        elif magnitude == 1:
            body = monomial
        else:
            body = f"{format_rational(magnitude)}*{monomial}"
        if parts:
            parts.append(f" - {body}" if coefficient < 0 else f" + {body}")
        else:
            parts.append(f"-{body}" if coefficient < 0 else body)
    return "".join(parts)
