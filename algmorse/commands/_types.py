"""Argument types shared by the subcommands: bounded numbers with a clear message."""

from __future__ import annotations

import argparse

__all__ = ["positive_int", "seed", "positive_seconds"]


def _bounded(kind: type, minimum: float, *, strict: bool, what: str):
    """An argparse type: ``kind(text)`` that is ``> minimum`` (strict) or ``>= minimum``."""

    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum or (strict and value == minimum) or value != value:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text}")
        return value

    return convert


positive_int = _bounded(int, 1, strict=False, what="a positive integer")
seed = _bounded(int, 0, strict=False, what="a non-negative integer")
positive_seconds = _bounded(float, 0.0, strict=True, what="a positive number of seconds")
