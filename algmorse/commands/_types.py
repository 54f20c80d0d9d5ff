"""Argument types shared by the subcommands: bounded numbers with a clear message."""

from __future__ import annotations

import argparse

from ..model.options import MAX_RUNS, MAX_SECONDS

__all__ = ["positive_int", "seed", "positive_seconds"]


def _bounded(kind: type, minimum: float, maximum: float, *, strict: bool, what: str):
    """An argparse type: ``kind(text)`` in ``(minimum, maximum]`` (strict) or ``[minimum, maximum]``."""

    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not minimum <= value <= maximum or (strict and value == minimum):  # also refuses nan
            raise argparse.ArgumentTypeError(f"expected {what}, got {text}")
        return value

    return convert


positive_int = _bounded(int, 1, MAX_RUNS, strict=False, what=f"an integer from 1 to {MAX_RUNS}")
seed = _bounded(int, 0, 2**63 - 1, strict=False, what="a non-negative integer below 2^63")
positive_seconds = _bounded(float, 0.0, MAX_SECONDS, strict=True,
                            what=f"a finite number of seconds in (0, {MAX_SECONDS:g}]")
