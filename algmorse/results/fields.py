"""Strict readers of JSON documents that came from a file: every field typed, bounded and named.

A catalog (or relu analysis) on disk may be truncated, edited by hand, or hostile. Reading it
goes through :class:`Fields`, whose getters check the kind, range, length and finiteness of
each value and raise :class:`~algmorse.errors.CatalogError` naming the field by its path (e.g.
``critical_points[3].coordinates[1]``), so that nothing downstream (``show``, ``plot``, a
rewrite) ever meets a malformed value. :func:`parse_json` reads the text itself: UTF-8 only,
bounded in size and nesting, no ``NaN``/``Infinity`` tokens, no integers too long to convert;
:func:`read_document` reads a file for it, never more than :data:`MAX_DOCUMENT_BYTES` bytes.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, Iterator

from ..errors import CatalogError
from .fileio import read_limited

__all__ = ["Fields", "parse_json", "read_document", "MAX_DOCUMENT_BYTES", "MAX_DEPTH"]

MAX_DOCUMENT_BYTES = 512 * 2**20
"""Largest document read (512 MiB)."""
MAX_DEPTH = 64
"""Deepest nesting of lists and objects accepted (catalogs use fewer than 10 levels)."""
_MAX_INT_DIGITS = 4000
_MAX_TEXT = 1_000_000


def read_document(path: str | os.PathLike, what: str) -> Any:
    """The JSON document in the file ``path``, read with the limits of :func:`parse_json`.

    At most ``MAX_DOCUMENT_BYTES + 1`` bytes are read, so an endless input (``/dev/zero``) is
    refused at once rather than read into memory.

    Parameters
    ----------
    path : str or path-like
    what : str
        What the file should be, for messages (``"catalog"``, ``"relu analysis"``).

    Raises
    ------
    CatalogError
        Naming the file: missing, unreadable, too large, or not JSON within the limits.
    """
    raw = read_limited(path, MAX_DOCUMENT_BYTES, error=CatalogError, what=what)
    return parse_json(raw, os.fspath(path))


def parse_json(raw: bytes, source: str) -> Any:
    """Decode ``raw`` (UTF-8 JSON) with the limits above; raise :class:`CatalogError` otherwise."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise CatalogError(f"{source}: the file has {len(raw)} bytes, more than the {MAX_DOCUMENT_BYTES} accepted.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{source}: not UTF-8 text (byte {exc.start}); catalogs are UTF-8 JSON.") from None
    if _nesting(text) > MAX_DEPTH:
        raise CatalogError(f"{source}: nested more than {MAX_DEPTH} levels deep; not a catalog.")

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number JSON allows")

    def integer(digits: str) -> int:
        if len(digits) > _MAX_INT_DIGITS:
            raise ValueError(f"an integer of {len(digits)} digits")
        return int(digits)

    try:
        return json.loads(text, parse_constant=constant, parse_int=integer)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{source}: not JSON (line {exc.lineno}: {exc.msg}).") from None
    except (ValueError, RecursionError) as exc:
        raise CatalogError(f"{source}: not a catalog's JSON ({exc}).") from None


def _nesting(text: str) -> int:
    """Deepest bracket nesting outside strings (a linear scan: no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class Fields:
    """Typed access to one JSON object, with its path for messages.

    Parameters
    ----------
    data : object
        Must be a JSON object (dict).
    path : str
        Where it sits in the document (``""`` for the top level).
    source : str
        The file, for messages.
    """

    def __init__(self, data: Any, path: str, source: str) -> None:
        self.source = source
        self.path = path
        if not isinstance(data, dict):
            self.fail("", f"expected an object, got {_kind(data)}")
        self.data = data

    def fail(self, key: str, message: str) -> None:
        """Raise :class:`CatalogError` for ``key`` (a path relative to this object)."""
        where = ".".join(p for p in (self.path, key) if p).replace(".[", "[")
        raise CatalogError(f"{self.source}: field `{where or 'top level'}`: {message}.")

    def _get(self, key: str, optional: bool) -> Any:
        if key not in self.data:
            if optional:
                return None
            self.fail(key, "missing")
        return self.data[key]

    def obj(self, key: str, *, optional: bool = False) -> Fields | None:
        value = self._get(key, optional)
        if value is None and optional:
            return None
        return Fields(value, _join(self.path, key), self.source)

    def integer(self, key: str, low: int | None = None, high: int | None = None, *, optional: bool = False) -> int | None:
        value = self._get(key, optional)
        if value is None and optional:
            return None
        return _integer(self, key, value, low, high)

    def number(self, key: str, *, low: float | None = None, optional: bool = False) -> float | None:
        value = self._get(key, optional)
        if value is None and optional:
            return None
        return _number(self, key, value, low)

    def boolean(self, key: str, *, optional: bool = False) -> bool | None:
        value = self._get(key, optional)
        if value is None and optional:
            return None
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {_kind(value)}")
        return value

    def text(self, key: str, *, optional: bool = False, choices: tuple[str, ...] | None = None) -> str | None:
        value = self._get(key, optional)
        if value is None and optional:
            return None
        if not isinstance(value, str) or len(value) > _MAX_TEXT:
            self.fail(key, f"expected a string, got {_kind(value)}")
        if choices is not None and value not in choices:
            self.fail(key, f"expected one of {', '.join(map(repr, choices))}, got {value!r}")
        return value

    def items(self, key: str, *, length: int | None = None, optional: bool = False) -> list | None:
        value = self._get(key, optional)
        if value is None and optional:
            return None
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {_kind(value)}")
        if length is not None and len(value) != length:
            self.fail(key, f"expected {length} entries, got {len(value)}")
        return value

    def objects(self, key: str) -> Iterator[Fields]:
        """Each entry of a list of objects, as :class:`Fields`."""
        for i, entry in enumerate(self.items(key)):
            yield Fields(entry, f"{_join(self.path, key)}[{i}]", self.source)

    def complex_pair(self, key: str, *, optional: bool = False) -> complex | None:
        value = self._get(key, optional)
        if value is None and optional:
            return None
        return _pair(self, key, value)

    def complex_pairs(self, key: str, length: int | None = None) -> tuple[complex, ...]:
        return tuple(_pair(self, f"{key}[{i}]", v) for i, v in enumerate(self.items(key, length=length)))

    def numbers(self, key: str, length: int | None = None) -> tuple[float, ...]:
        return tuple(_number(self, f"{key}[{i}]", v, None) for i, v in enumerate(self.items(key, length=length)))

    def integers(self, key: str, low: int | None = None, high: int | None = None, *,
                 optional: bool = False) -> tuple[int, ...] | None:
        values = self.items(key, optional=optional)
        if values is None:
            return None
        return tuple(_integer(self, f"{key}[{i}]", v, low, high) for i, v in enumerate(values))

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings (missing: empty)."""
        values = self.items(key, optional=True) or []
        for i, value in enumerate(values):
            if not isinstance(value, str) or len(value) > _MAX_TEXT:
                self.fail(f"{key}[{i}]", f"expected a string, got {_kind(value)}")
        return tuple(values)

    def pair_rows(self, key: str, length: int) -> tuple[tuple[complex, ...], ...]:
        """A list of points, each ``length`` ``[re, im]`` pairs."""
        return tuple(tuple(_pair(self, f"{key}[{i}][{j}]", v) for j, v in enumerate(_row(self, f"{key}[{i}]", row, length)))
                     for i, row in enumerate(self.items(key)))

    def number_rows(self, key: str, length: int) -> tuple[tuple[float, ...], ...]:
        """A list of real points, each ``length`` finite numbers."""
        return tuple(tuple(_number(self, f"{key}[{i}][{j}]", v, None) for j, v in enumerate(_row(self, f"{key}[{i}]", row, length)))
                     for i, row in enumerate(self.items(key)))

    def json_safe(self, key: str, *, optional: bool = False) -> Any:
        """A free-form value (e.g. provenance records), checked only to be finite JSON."""
        value = self._get(key, optional)
        _check_finite(self, key, value)
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    return "a list" if isinstance(value, list) else "an object"


def _row(fields: Fields, key: str, value: Any, length: int) -> list:
    if not isinstance(value, list) or len(value) != length:
        fields.fail(key, f"expected a list of {length} entries, got {_kind(value)}"
                    + (f" of {len(value)}" if isinstance(value, list) else ""))
    return value


def _integer(fields: Fields, key: str, value: Any, low: int | None, high: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        fields.fail(key, f"expected an integer, got {_kind(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"from {low}" + (f" to {high}" if high is not None else " up")
        fields.fail(key, f"expected an integer {bounds}, got {value}")
    return value


def _number(fields: Fields, key: str, value: Any, low: float | None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        fields.fail(key, f"expected a finite number, got {_kind(value)}")
    if low is not None and value < low:
        fields.fail(key, f"expected a number >= {low}, got {value}")
    return float(value)


def _pair(fields: Fields, key: str, value: Any) -> complex:
    if not (isinstance(value, list) and len(value) == 2):
        fields.fail(key, f"expected an [re, im] pair, got {_kind(value)}")
    return complex(_number(fields, f"{key}[0]", value[0], None), _number(fields, f"{key}[1]", value[1], None))


def _check_finite(fields: Fields, key: str, value: Any) -> None:
    stack = [(key, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            fields.fail(where, "expected a finite number")
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(item))
        elif isinstance(item, dict):
            for k, v in item.items():
                stack.append((f"{where}.{k}", v))
