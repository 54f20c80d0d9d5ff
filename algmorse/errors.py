"""The exception hierarchy of algmorse.

Every error the package raises on purpose derives from :class:`AlgmorseError`, so a caller
(and the command line, which turns them into a message and exit code 2) can catch them all.
Messages name the field or stage, what was expected, what was found, and how to fix it.
"""

from __future__ import annotations

__all__ = [
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
