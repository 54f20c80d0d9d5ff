"""One solve's backend calls on a Dask cluster (``solve --scheduler``): the same catalog as here."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from algmorse import SolveOptions, analyze
from algmorse.engine.backends import get_backend
from algmorse.engine.backends.remote import RemoteBackend
from algmorse.errors import BackendCrashed, SpecError
from algmorse.results.library import load_case

ROOT = Path(__file__).resolve().parent.parent


def _results(catalog) -> dict:
    """Everything a catalog says about the loss: all but how the solve ran (provenance)."""
    data = catalog.to_dict()
    data.pop("provenance")
    return data


class _Crashing:
    name = "crashing"

    def solve(self, polynomials, nvars, *, seed, timeout):
        raise BackendCrashed("worker died", -9, "")


def test_remote_backend_sends_solve_and_track_through_its_call_and_keeps_the_rest_here():
    sent = []

    def call(function, argument):
        sent.append(argument[1])
        return function(argument)

    backend = get_backend("fake", runs=[[(1.0, 2.0)]])
    remote = RemoteBackend(backend, call)
    raw = remote.solve([{(1, 0): 1}, {(0, 1): 1}], 2, seed=3, timeout=5)
    assert [e.coordinates for e in raw.endpoints] == [(1.0, 2.0)] and sent == ["solve"] and remote.calls == 1
    assert remote.name == "fake" and remote.version() == backend.version()
    # an error raised on the worker comes back as itself
    with pytest.raises(BackendCrashed, match="worker died"):
        RemoteBackend(_Crashing(), call).solve([], 0, seed=1, timeout=1)
    # what travels to the workers with each call
    assert pickle.loads(pickle.dumps(get_backend("phcpack"))).name == "phcpack"


@pytest.mark.phcpack
@pytest.mark.exact
@pytest.mark.parametrize("method", ["monodromy", "blackbox"])
def test_a_solve_on_a_local_dask_cluster_gives_the_local_catalog(method):
    pytest.importorskip("dask.distributed")
    problem = load_case("net121_sq_genl2").spec.problem
    options = SolveOptions(seed=4, jobs=2, method=method)
    here = analyze(problem, options=options, progress_bar=False)
    lines: list[str] = []
    there = analyze(problem, options=options, progress=lines.append, progress_bar=False, scheduler="local")
    assert _results(there) == _results(here)
    calls = [line for line in lines if "backend calls ran on the Dask scheduler local" in line]
    assert len(calls) == 1 and int(calls[0].split()[0]) > 0


def test_scheduler_errors_name_the_option(tmp_path):
    problem = load_case("net121_sq_genl2").spec.problem
    with pytest.raises(SpecError, match="scheduler"):
        analyze(problem, options=SolveOptions(seed=1), scheduler="  ")
    relu = tmp_path / "relu.toml"
    relu.write_text('[network]\nwidths = [1, 1, 1]\nactivation = "relu"\n[data]\nx = [[1]]\ny = [[2]]\n')
    completed = subprocess.run([sys.executable, "-m", "algmorse", "solve", str(relu), "-o", str(tmp_path / "out.json"),
                                "--scheduler", "local"], capture_output=True, text=True, cwd=tmp_path)
    assert completed.returncode == 2 and "--scheduler" in completed.stderr and "Traceback" not in completed.stderr
    assert not (tmp_path / "out.json").exists()
