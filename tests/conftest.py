"""Shared fixtures; PHCpack tests are skipped locally when it is missing, but never on CI."""

from __future__ import annotations

import os

import pytest

from algmorse.backends.phcpack import is_available

collect_ignore = ["doubles"]  # stand-in worker scripts, run as subprocesses, never imported


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip ``phcpack`` tests without PHCpack, except on CI, where that is an error."""
    if is_available():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            "PHCpack is not installed but CI must run the phcpack tests: run `bash scripts/setup.sh`."
        )
    skip = pytest.mark.skip(reason="PHCpack backend not installed (apt-get install phcpack python3-phcpy)")
    for item in items:
        if "phcpack" in item.keywords:
            item.add_marker(skip)
