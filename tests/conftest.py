"""Shared fixtures; PHCpack tests are skipped locally when it is missing, but never on CI."""

from __future__ import annotations

import os
import tempfile

# One BLAS thread, set before numpy is first imported (a limit set later does not stop threads
# already started): every matrix here is small, and on a busy machine OpenBLAS's threads stall
# (the circle fixture next to four busy processes on 2 cores: 30 s of CPU with the default
# threads, 1.7 s with one). An explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402

from algmorse.engine.backends.phcpack import is_available  # noqa: E402
from algmorse.engine.exact import available_exact_tools  # noqa: E402

from _scripted_sweep import scripted  # noqa: E402,F401  (a fixture: sweeps without PHCpack)

collect_ignore = ["doubles"]  # stand-in worker scripts, run as subprocesses, never imported


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip ``phcpack``/``exact`` tests without their tools, except on CI, where that is an error."""
    missing = {
        "phcpack": (not is_available(), "PHCpack backend not installed (apt-get install phcpack python3-phcpy)"),
        "exact": (not available_exact_tools(), "no exact backend (apt-get install singular)"),
    }
    for marker, (absent, reason) in missing.items():
        if not absent or not any(marker in item.keywords for item in items):
            continue
        if os.environ.get("CI"):
            raise pytest.UsageError(f"CI must run the {marker} tests: {reason}; run `bash scripts/setup.sh`.")
        for item in items:
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """Point ``tempfile`` at an empty directory; the test asserts it is empty afterwards."""
    directory = tmp_path / "scratch"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory
