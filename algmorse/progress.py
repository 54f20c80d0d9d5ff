"""Progress for people watching: a bar toward a known count, and lines that do not break it.

Long solves report in two ways. Lines (one per run, stage or sweep value) go to a callable, by
default the ``algmorse.pipeline`` / ``algmorse.sweep`` loggers. A bar (tqdm: text on a
terminal, a widget in Jupyter) shows the distinct points found against the count that ends the
search, or the sweep values done; it appears only on an interactive stream and only for a solve
that lasts more than two seconds, so scripts, logs and tests see nothing of it.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

__all__ = ["Progress", "ProgressBar", "stderr_lines"]

Progress = Callable[[str], None]
"""Receives one human-readable line per event."""


class ProgressBar:
    """A bar toward a count; does nothing when disabled, off a terminal, or without tqdm.

    Parameters
    ----------
    description : str
        The bar's label.
    total : int or None
        The count it runs to (``None``: a counter without an end).
    unit : str
        What is counted, in the plural.
    enabled : bool
        ``False`` for no bar at all.
    delay : float
        Seconds before the bar appears (short tasks show none).
    file : file-like, optional
        Where the bar is drawn (default stderr); off a terminal it is never drawn.
    """

    def __init__(self, description: str, total: int | None = None, *, unit: str = "points",
                 enabled: bool = True, delay: float = 2.0, file: Any = None) -> None:
        self._bar: Any = None
        if not enabled:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:  # tqdm is a dependency, but a bar is never worth a failed solve
            return
        # No rate: a run or a sweep value takes seconds to minutes, and finds points in bursts.
        self._bar = tqdm(total=total, desc=description, unit=unit, delay=delay, leave=False, disable=None,
                         dynamic_ncols=True, file=file,
                         bar_format="{desc}: {n_fmt}/{total_fmt} {unit} |{bar}| {elapsed}")

    def update_to(self, done: int, total: int | None = None) -> None:
        """Show `done` (and a new `total`, when the count becomes known)."""
        if self._bar is None:
            return
        if total is not None and total != self._bar.total:
            self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stderr_lines(quiet: bool = False) -> Progress:
    """A :data:`Progress` for the command line: indented lines on stderr, above any bar."""

    def write(line: str) -> None:
        # one write call per line, newline included: an interrupt (Ctrl-C, SIGTERM) raised
        # between the text and its newline would glue the exit message to a half line
        if quiet:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            sys.stderr.write(f"  {line}\n")
            sys.stderr.flush()
        else:
            try:
                tqdm.write(f"  {line}\n", file=sys.stderr, end="")
            except RuntimeError as exc:  # an interrupt inside tqdm's lock: it then fails to release
                if isinstance(exc.__context__, KeyboardInterrupt):
                    raise exc.__context__ from None  # the interrupt (or SIGTERM's Terminated) itself
                raise

    return write
