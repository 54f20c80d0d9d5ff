"""The exception hierarchy of algmorse.

Every error the package raises on purpose derives from :class:`AlgmorseError`, so a caller
(and the command line, which turns them into a message and exit code 2) can catch them all.
Messages name the field or stage, what was expected, what was found, and how to fix it.
"""

from __future__ import annotations

import reprlib

__all__ = [
    "check_type",
    "AlgmorseError",
    "SpecError",
    "UnsupportedActivation",
    "BackendError",
    "BackendUnavailable",
    "BackendCrashed",
    "BackendTimeout",
    "CatalogError",
    "VerificationFailed",
]


class AlgmorseError(Exception):
    """Root of every error algmorse raises deliberately."""


class SpecError(AlgmorseError, ValueError):
    """A problem specification (TOML file or Python arguments) is invalid.

    Parameters
    ----------
    field : str
        Dotted path of the offending field, e.g. ``"regularizer.eps"``.
    message : str
        What was expected and what was found.
    hint : str, optional
        How to fix it.
    """

    def __init__(self, field: str, message: str, hint: str | None = None) -> None:
        self.field = field
        self.message = message
        self.hint = hint
        text = f"`{field}`: {message}"
        if hint:
            text += f" {hint}"
        super().__init__(text)

    def __reduce__(self) -> tuple:
        return type(self), (self.field, self.message, self.hint)


class UnsupportedActivation(SpecError):
    """The activation is not a polynomial in ``t`` (e.g. ``tanh(t)`` or ``1/t``)."""


class BackendError(AlgmorseError, RuntimeError):
    """A numerical backend failed; the caller's process is unaffected."""


class BackendUnavailable(BackendError):
    """The backend is not installed or cannot be started."""


class BackendCrashed(BackendError):
    """The backend worker process died (Ada exception, segfault, bad output).

    Parameters
    ----------
    message : str
        Description of the failure.
    exitcode : int or None
        The worker's exit code (negative: killed by that signal).
    log_tail : str
        The last lines the worker wrote to its captured stdout/stderr.
    """

    def __init__(self, message: str, exitcode: int | None = None, log_tail: str = "") -> None:
        self.exitcode = exitcode
        self.log_tail = log_tail
        super().__init__(message)


class BackendTimeout(BackendError):
    """The backend worker exceeded its time limit and was killed."""

    def __init__(self, message: str, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(message)


class CatalogError(AlgmorseError, ValueError):
    """A catalog file cannot be read (not JSON, wrong schema, missing keys)."""


class VerificationFailed(AlgmorseError):
    """The numerical result disagrees with the exact cross-check.

    Parameters
    ----------
    message : str
        Which numbers disagree.
    catalog : object, optional
        The catalog that failed the check, for inspection (it is not written by the CLI).
    """

    def __init__(self, message: str, catalog: object = None) -> None:
        self.catalog = catalog
        super().__init__(message)


def check_type(value: object, expected: type | tuple[type, ...], argument: str, hint: str) -> None:
    """Refuse an argument of a public function that is not of the ``expected`` type.

    Parameters
    ----------
    value : object
        What the caller passed.
    expected : type or tuple of types
    argument : str
        The argument's name, used as the error's field.
    hint : str
        How to build a right one.

    Raises
    ------
    SpecError
        Naming ``argument``, the expected types and what was given (a bounded ``repr``).

    Examples
    --------
    >>> check_type({"seed": 1}, int, "options", "Pass an int.")
    Traceback (most recent call last):
    ...
    algmorse.errors.SpecError: `options`: expected int, got dict {'seed': 1}. Pass an int.
    """
    if not isinstance(value, expected):
        kinds = expected if isinstance(expected, tuple) else (expected,)
        names = " or ".join(kind.__name__ for kind in kinds)
        raise SpecError(argument, f"expected {names}, got {type(value).__name__} {reprlib.repr(value)}.", hint)
