"""Progress for people watching: events with counts, a bar that moves, and flushed lines.

Long solves report through one callable, by default the ``algmorse.pipeline`` /
``algmorse.sweep`` loggers. The lines of the stages that take long (monodromy, the parameter
homotopy, blackbox runs, certification, classification) are :class:`ProgressEvent` objects: a
``str`` (the human-readable line, so that a ``Callable[[str], None]`` such as ``print`` or
``lines.append`` keeps working, with no opt-in) that also carries the ``stage``, the count
``done`` of ``total`` and, where it can be estimated, the seconds left; other lines (counts,
exact algebra, decomposition) are plain strings. Besides one line per finished run, stratum or
stage, *ticks* (``event.tick``) report work in progress: points found against the count,
paths tracked, endpoints certified, the seconds a backend run has taken; :func:`throttled`
lets at most one tick per stage through every :data:`TICK_SECONDS`, so a log shows life
without filling up.

A bar (tqdm: text on a terminal, a widget in Jupyter) shows the distinct points found against
the count, the strata done in monodromy, or the sweep values done, and its clock moves while a
backend run is under way. It appears only on an interactive stream; a terminal that reports no
width gets :data:`DEFAULT_COLUMNS`. Off a terminal (a file, a pipe) there is no bar:
:func:`stderr_lines` and :func:`show_progress` write each line at once (flushed), ticks included.

Examples
--------
>>> events = []
>>> report = throttled(events.append)
>>> report(ProgressEvent("certify: 3 of 8 endpoints", stage="certify", done=3, total=8, tick=True))
>>> events[0] == "certify: 3 of 8 endpoints", events[0].stage, events[0].done, events[0].total
(True, 'certify', 3, 8)
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any, Callable

__all__ = ["DEFAULT_COLUMNS", "Progress", "ProgressBar", "ProgressEvent", "TICK_SECONDS", "seconds_left",
           "show_progress", "stderr_lines", "throttled", "with_time_left"]

Progress = Callable[[str], None]
"""Receives one human-readable line per event (a :class:`ProgressEvent`, which is a ``str``)."""

TICK_SECONDS = 10.0
"""Shortest interval between two ticks of one stage that :func:`throttled` lets through."""

DEFAULT_COLUMNS = 80
"""The bar's width on a terminal that reports a width of 0 (some pseudo-terminals do)."""


class ProgressEvent(str):
    """One progress report: the line itself (a ``str``), with its stage and counts.

    Parameters
    ----------
    message : str
        The human-readable line (what ``str(event)`` and ``print(event)`` show).
    stage : str
        What is under way: ``"solve"`` (blackbox runs), ``"monodromy"``, ``"track"`` (the
        parameter homotopy to the loss), ``"certify"`` or ``"classify"``.
    done : int
        How many ``unit`` are done (0 for an event that only starts a stage).
    total : int or None
        How many there are to do, when known.
    unit : str
        What ``done`` and ``total`` count, in the plural (``"paths"``, ``"points"``, ...).
    seconds_left : float or None
        Estimated seconds until ``done`` reaches ``total`` (None: not estimable).
    tick : bool
        True for a report of work in progress (repeated, and throttled by :func:`throttled`);
        False for a line that says something finished or started.

    Notes
    -----
    Being a ``str``, an event compares equal to its line and works with every string method;
    its attributes are read-only. Lines that are not events (from older code) are plain strings:
    test with ``isinstance(line, ProgressEvent)``.
    """

    stage: str
    done: int
    total: int | None
    unit: str
    seconds_left: float | None
    tick: bool

    def __new__(cls, message: str, *, stage: str, done: int = 0, total: int | None = None, unit: str = "",
                seconds_left: float | None = None, tick: bool = False) -> ProgressEvent:
        event = super().__new__(cls, message)
        fields = {"stage": stage, "done": done, "total": total, "unit": unit, "seconds_left": seconds_left,
                  "tick": tick}
        event.__dict__.update(fields)
        return event

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a ProgressEvent is read-only (cannot set {name!r})")

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:  # copy and pickle
        return (str(self),), dict(self.__dict__)

    def __repr__(self) -> str:
        return (f"ProgressEvent({str(self)!r}, stage={self.stage!r}, done={self.done}, total={self.total}, "
                f"unit={self.unit!r}, seconds_left={self.seconds_left}, tick={self.tick})")


def seconds_left(done: int, total: int | None, elapsed: float) -> float | None:
    """Seconds left at the rate so far (None before anything is done, or without a total)."""
    if total is None or done <= 0 or done > total:
        return None
    return elapsed * (total - done) / done


def with_time_left(text: str, left: float | None) -> str:
    """``text``, followed by ``, about N s left`` when ``left`` is known and not 0."""
    return text if left is None or round(left) == 0 else f"{text}, about {left:.0f} s left"


def throttled(progress: Progress, every: float | None = None,
              clock: Callable[[], float] = time.monotonic) -> Progress:
    """``progress``, passed every line except ticks that follow one of the same stage too soon.

    Ticks of one stage are at least ``every`` seconds apart (default :data:`TICK_SECONDS`); a
    tick whose ``done`` reached its ``total`` is always let through.
    """
    last: dict[str, float] = {}

    def report(line: str) -> None:
        if isinstance(line, ProgressEvent) and line.tick and line.done != line.total:
            now = clock()
            if now - last.get(line.stage, -float("inf")) < (TICK_SECONDS if every is None else every):
                return
            last[line.stage] = now
        progress(line)

    return report


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
        self._shown_from = time.monotonic() + delay
        if not enabled:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:  # tqdm is a dependency, but a bar is never worth a failed solve
            return
        # No rate: a run or a sweep value takes seconds to minutes, and finds points in bursts.
        notebook = sys.modules.get("tqdm.notebook")  # imported by tqdm.auto in Jupyter only (it imports IPython)
        text = notebook is None or not issubclass(tqdm, notebook.tqdm_notebook)
        columns, rows = _screen_shape(sys.stderr if file is None else file) if text else (None, None)
        self._bar = tqdm(total=total, desc=description, unit=unit, delay=delay, leave=False, disable=None,
                         ncols=columns, nrows=rows, file=file,
                         bar_format="{desc}: {n_fmt}/{total_fmt} {unit} |{bar}| {elapsed}{postfix}")
        if text:  # follow the terminal's width, as tqdm's dynamic_ncols would, but never down to 0
            self._bar.dynamic_ncols = _screen_shape

    def update_to(self, done: int, total: int | None = None) -> None:
        """Show `done` (and a new `total`, when the count becomes known)."""
        if self._bar is None:
            return
        if total is not None and total != self._bar.total:
            self._bar.total = total
        self._bar.n = done
        self._refresh()

    def note(self, text: str) -> None:
        """Show ``text`` after the bar (e.g. the stratum under way and its points found), cut
        short enough for the bar to keep about 10 columns."""
        if self._bar is not None and not self._bar.disable:  # a disabled tqdm has no width
            room = max((self._bar.ncols or DEFAULT_COLUMNS) - len(self._bar.desc) - 35, 20)
            self._bar.set_postfix_str(text if len(text) <= room else text[:room - 3] + "...", refresh=False)
            self._refresh()

    def showing(self, progress: Progress, counting: bool = False) -> Progress:
        """``progress``, with each tick also shown after the bar (see :meth:`note`) and, when
        ``counting``, moving the bar to the tick's ``done`` of ``total``."""

        def report(line: str) -> None:
            if isinstance(line, ProgressEvent) and line.tick:
                if counting:
                    self.update_to(line.done, line.total)
                self.note(line)
            progress(line)

        return report

    def tick(self) -> None:
        """Redraw, so that the clock moves while nothing is counted (a backend run under way)."""
        if self._bar is not None:
            self._refresh()

    def _refresh(self) -> None:
        # tqdm's delay holds only for update(): without this a bar refreshed early appeared at once
        if self._bar.disable or time.monotonic() < self._shown_from:
            return
        self._bar.refresh()
        self._bar.last_print_t = self._bar._time()  # drawn: tqdm's close() clears only a bar it knows was drawn

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _screen_shape(file: Any) -> tuple[int | None, int | None]:
    """tqdm's ``(columns, rows)`` for ``file``: one column less than the terminal's (tqdm leaves
    the last one free); :data:`DEFAULT_COLUMNS` and tqdm's default 20 rows when it reports 0
    (tqdm would take -1 and draw nothing)."""
    try:
        columns, rows = os.get_terminal_size(file.fileno())
    except (AttributeError, OSError, ValueError):  # no file descriptor, or not a terminal
        return None, None
    return (columns if columns > 1 else DEFAULT_COLUMNS) - 1, rows - 1 if rows > 2 else 20


def stderr_lines(quiet: bool = False, ticks: bool | None = None) -> Progress:
    """A :data:`Progress` for the command line: indented lines on stderr, above any bar, flushed.

    Parameters
    ----------
    quiet : bool
        Write nothing.
    ticks : bool, optional
        Whether to write ticks (reports of work in progress, see :class:`ProgressEvent`); by
        default only off a terminal (a log or a pipe), since on a terminal the bar shows them.
    """

    def write(line: str) -> None:
        # one write call per line, newline included: an interrupt (Ctrl-C, SIGTERM) raised
        # between the text and its newline would glue the exit message to a half line
        if quiet or (isinstance(line, ProgressEvent) and line.tick and not _shows_ticks(ticks)):
            return
        try:
            from tqdm import tqdm
        except ImportError:
            sys.stderr.write(f"  {line}\n")
        else:
            try:
                tqdm.write(f"  {line}\n", file=sys.stderr, end="")
            except RuntimeError as exc:  # an interrupt inside tqdm's lock: it then fails to release
                if isinstance(exc.__context__, KeyboardInterrupt):
                    raise exc.__context__ from None  # the interrupt (or SIGTERM's Terminated) itself
                raise
        sys.stderr.flush()  # a log read while the solve runs shows the line now

    return write


def _shows_ticks(ticks: bool | None) -> bool:
    if ticks is not None:
        return ticks
    isatty = getattr(sys.stderr, "isatty", None)
    return not (isatty is not None and isatty())


class _LineHandler(logging.Handler):
    """Writes the records of the ``algmorse`` loggers with :func:`stderr_lines`."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.write = stderr_lines()

    def emit(self, record: logging.LogRecord) -> None:
        self.write(record.getMessage() if record.args else record.msg)  # an event keeps its tick


def show_progress() -> None:
    """Show the progress of every solve of this process on stderr, as the command line does.

    For scripts (``examples/*.py``): lines at once, flushed, when stderr is a file or a pipe, so
    that a log shows life; on a terminal, lines above the bar. Calling it again changes nothing.
    It adds a handler to the ``algmorse`` logger, where solves report when given no ``progress``
    (a root handler, e.g. from ``logging.basicConfig``, would then show each line a second time).
    """
    logger = logging.getLogger("algmorse")
    if not any(isinstance(handler, _LineHandler) for handler in logger.handlers):
        logger.addHandler(_LineHandler())
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
