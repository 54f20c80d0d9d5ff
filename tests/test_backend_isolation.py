"""The PHCpack backend contains every worker failure (no PHCpack needed: test doubles).

Each double in ``tests/doubles/worker_double.py`` replaces the real worker through
``PhcpackBackend(worker_command=...)``. Whatever it does, the caller must get the right
``algmorse.errors`` exception with a clear message, keep a clean stdout/stderr, and find no
temporary files left behind. Also covers the fake backend and ``get_backend``.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

from algmorse.engine.backends import FakeBackend, available_backends, get_backend, phcpack
from algmorse.engine.backends.base import Endpoint
from algmorse.engine.backends.phcpack import PhcpackBackend
from algmorse.errors import BackendCrashed, BackendError, BackendTimeout, BackendUnavailable

DOUBLE = Path(__file__).parent / "doubles" / "worker_double.py"

# x1 - 1 = 0, x2 - 2 = 0: any valid system will do, the doubles ignore it.
SYSTEM = [{(1, 0): Fraction(1), (0, 0): Fraction(-1)}, {(0, 1): Fraction(1), (0, 0): Fraction(-2)}]




def double(mode: str, *extra: str) -> PhcpackBackend:
    """A backend whose worker is the test double in `mode`."""
    return PhcpackBackend(worker_command=[sys.executable, str(DOUBLE), mode, *extra])


def assert_clean(capfd, scratch: Path) -> None:
    """Nothing reached the caller's fds 1/2 and no temporary file is left."""
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""
    assert list(scratch.iterdir()) == []


def is_gone(pid: int) -> bool:
    """True if `pid` no longer exists or is a zombie awaiting its (new) parent."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _refuse_to_start(*args, **kwargs):
    raise AssertionError(f"a process was started: {args}")


def test_exit_139_is_a_crash_with_exit_code_and_log_tail(capfd, scratch):
    with pytest.raises(BackendCrashed) as info:
        double("exit139").solve(SYSTEM, 2, seed=1, timeout=30)
    assert info.value.exitcode == 139
    assert "exited with code 139" in str(info.value)
    assert "STORAGE_ERROR" in info.value.log_tail
    assert "STORAGE_ERROR" in str(info.value)
    assert_clean(capfd, scratch)


def test_segfault_is_a_crash_naming_the_signal(capfd, scratch):
    with pytest.raises(BackendCrashed) as info:
        double("segfault").solve(SYSTEM, 2, seed=1, timeout=30)
    assert info.value.exitcode == -11
    assert "SIGSEGV" in str(info.value)
    assert "about to segfault" in info.value.log_tail
    assert_clean(capfd, scratch)


def test_timeout_kills_the_worker_and_its_children(capfd, scratch, tmp_path):
    pidfile = tmp_path / "pids"
    start = time.monotonic()
    with pytest.raises(BackendTimeout) as info:
        double("sleep", str(pidfile)).solve(SYSTEM, 2, seed=1, timeout=1.5)
    elapsed = time.monotonic() - start
    assert 1.5 <= elapsed < 10
    assert info.value.timeout == 1.5
    assert "time limit of 1.5 s" in str(info.value)
    worker, grandchild = map(int, pidfile.read_text().split())
    assert is_gone(worker)
    deadline = time.monotonic() + 5
    while not is_gone(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert is_gone(grandchild)
    assert_clean(capfd, scratch)


def test_output_spam_stays_in_the_log(capfd, scratch):
    raw = double("spam").solve(SYSTEM, 2, seed=3, timeout=30)
    assert raw.endpoints == (
        Endpoint(coordinates=(1 + 0j, 2 - 0.5j), err=1e-16, rco=0.5, res=1e-15, path_count=1),
    )
    assert raw.root_counts == {"mixed_volume": 1}
    assert raw.paths_tracked == 1
    assert raw.seed == 3
    assert raw.seconds > 0
    assert raw.log_tail.splitlines()[-1] == "last spam line"
    assert len(raw.log_tail.splitlines()) == phcpack.LOG_TAIL_LINES
    assert_clean(capfd, scratch)


def test_version_is_probed_once_then_cached(capfd, scratch, monkeypatch):
    probed = double("spam")
    assert probed.version() == "0.0-double"
    solved = double("spam")
    solved.solve(SYSTEM, 2, seed=1, timeout=30)
    monkeypatch.setattr(subprocess, "Popen", _refuse_to_start)
    assert probed.version() == solved.version() == "0.0-double"
    assert_clean(capfd, scratch)


@pytest.mark.parametrize(
    ("mode", "fragment"),
    [
        ("garbage", "not valid JSON"),
        ("no-answer", "wrote no answer file"),
        ("bad-shape", "does not follow the protocol"),
    ],
)
def test_unusable_answer_is_a_crash(capfd, scratch, mode, fragment):
    with pytest.raises(BackendCrashed) as info:
        double(mode).solve(SYSTEM, 2, seed=1, timeout=30)
    assert info.value.exitcode == 0
    assert "exited normally" in str(info.value)
    assert fragment in str(info.value)
    assert_clean(capfd, scratch)


def test_worker_error_is_reported(capfd, scratch):
    with pytest.raises(BackendCrashed) as info:
        double("fail").solve(SYSTEM, 2, seed=1, timeout=30)
    assert info.value.exitcode == 1
    assert "RuntimeError: double failed" in str(info.value)
    assert_clean(capfd, scratch)


def test_unstartable_worker_is_unavailable(scratch):
    backend = PhcpackBackend(worker_command=[str(scratch / "no-such-python")])
    with pytest.raises(BackendUnavailable, match="cannot start the worker"):
        backend.solve(SYSTEM, 2, seed=1, timeout=30)
    assert list(scratch.iterdir()) == []


@pytest.fixture
def no_process(monkeypatch):
    """Fail the test if anything tries to start a process."""
    monkeypatch.setattr(subprocess, "Popen", _refuse_to_start)


@pytest.mark.parametrize(
    ("polynomials", "nvars", "fragment"),
    [
        ([{(1, 0): 1, (0, 0): -1}, {(0, 0): 3}], 2, "equation 2 is constant (nonzero)"),
        ([{(1, 0): 1}, {(0, 1): 0, (1, 1): Fraction(0)}], 2, "equation 2 is constant (zero)"),
        ([{(1, 0): 1}, {}], 2, "equation 2 is constant (zero)"),
        ([{(1, 0): 1, (0, 1): 1}], 2, "square system: got 1 equations in 2 variables"),
        ([{(1, 1): 1}, {(0, 1): 1}, {(1, 0): 1}], 2, "got 3 equations in 2 variables"),
        ([], 0, "got 0 equations in 0 variables"),
        ([{(2, 0): 1, (0, 0): -1}, {(1, 0): 1}], 2, "variables [2] (1-based) occur in no"),
        ([{(1,): 1}, {(0, 1): 1}], 2, "exponent tuple (1,) is not 2 nonnegative"),
        ([{(1, -1): 1}, {(0, 1): 1}], 2, "exponent tuple (1, -1) is not 2 nonnegative"),
        ([{(1, 0): Fraction(10**400)}, {(0, 1): 1}], 2, "not representable as a nonzero"),
    ],
)
def test_refuses_systems_that_crash_phcpack_before_starting(
    no_process, polynomials, nvars, fragment
):
    with pytest.raises(BackendError) as info:
        double("spam").solve(polynomials, nvars, seed=1, timeout=30)
    assert type(info.value) is BackendError
    assert fragment in str(info.value)


@pytest.mark.parametrize("seed", [-1, 2**31, 1.5])
def test_refuses_seeds_phcpack_cannot_take(no_process, seed):
    with pytest.raises(BackendError, match=r"seeds must be integers in 0\.\.2147483647"):
        double("spam").solve(SYSTEM, 2, seed=seed, timeout=30)


def test_missing_phcpy_is_unavailable_with_install_hint(tmp_path, scratch):
    backend = PhcpackBackend(phcpy_dir=tmp_path)
    with pytest.raises(BackendUnavailable, match="apt-get install phcpack python3-phcpy"):
        backend.solve(SYSTEM, 2, seed=1, timeout=30)
    assert not phcpack.is_available(tmp_path)
    assert list(scratch.iterdir()) == []


def test_phcpy_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(phcpack.PHCPY_DIR_ENV, str(tmp_path))
    assert not phcpack.is_available()
    (tmp_path / "phcpy").mkdir()
    (tmp_path / "phcpy" / "phcpy2c3.cpython-311-x86_64-linux-gnu.so").touch()
    assert phcpack.locate_phcpy() == tmp_path


def test_interpreter_falls_back_to_the_system_python(tmp_path, monkeypatch):
    (tmp_path / "phcpy").mkdir()
    (tmp_path / "phcpy" / "phcpy2c3.cpython-27-foo.so").touch()
    monkeypatch.setattr(phcpack, "SYSTEM_PYTHON", tmp_path / "python3")
    with pytest.raises(BackendUnavailable, match="not built for this interpreter"):
        phcpack.select_interpreter(tmp_path)
    (tmp_path / "python3").touch()
    assert phcpack.select_interpreter(tmp_path) == str(tmp_path / "python3")
    (tmp_path / "phcpy" / f"phcpy2c3{phcpack.sysconfig.get_config_var('EXT_SUFFIX')}").touch()
    assert phcpack.select_interpreter(tmp_path) == sys.executable


def test_fake_backend_replays_runs_and_repeats_the_last():
    backend = FakeBackend(
        [[(1, 2)], [(3, 4), Endpoint(coordinates=(5j, 6), rco=0.25)]],
        root_counts={"mixed_volume": 2},
    )
    first, second, third = (backend.solve(SYSTEM, 2, seed=s, timeout=1) for s in (7, 8, 9))
    assert [e.coordinates for e in first.endpoints] == [(1, 2)]
    assert [e.coordinates for e in second.endpoints] == [(3, 4), (5j, 6)]
    assert second.endpoints[1].rco == 0.25
    assert third == dataclasses.replace(second, seed=9)
    assert first.root_counts == {"mixed_volume": 2}
    assert backend.seeds == [7, 8, 9]
    assert backend.name == "fake"


def test_fake_backend_drops_nonfinite_points_and_checks_dimensions():
    backend = FakeBackend([[(1, math.nan), (1, 2), (complex(math.inf, 0), 0)]])
    raw = backend.solve(SYSTEM, 2, seed=0, timeout=1)
    assert [e.coordinates for e in raw.endpoints] == [(1, 2)]
    assert raw.dropped_nonfinite == 2
    assert raw.paths_tracked == 3
    with pytest.raises(BackendError, match="2 coordinates, but the system has 3 variables"):
        backend.solve(SYSTEM, 3, seed=0, timeout=1)
    with pytest.raises(ValueError, match="at least one run"):
        FakeBackend([])


def test_get_backend_names_the_valid_choices():
    assert isinstance(get_backend("phcpack"), PhcpackBackend)
    assert get_backend("fake", runs=[[(1,)]]).version() == "0"
    with pytest.raises(BackendUnavailable, match=r"choose one of \['phcpack', 'fake'\]"):
        get_backend("bertini")
    assert "fake" in available_backends()
    assert ("phcpack" in available_backends()) == phcpack.is_available()


def test_worker_imports_nothing_but_the_standard_library_and_phcpy():
    source = phcpack.WORKER_PATH.read_text()
    imported = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from ")) or line.startswith(("    import ", "    from "))
        for line in [line.strip()]
    }
    assert imported <= {"__future__", "json", "math", "os", "re", "sys", "tempfile",
                        "traceback", "phcpy"}
