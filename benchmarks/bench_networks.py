"""Benchmark: nonlinear and deep networks against Singular, msolve and PHCpack's blackbox (issue 19).

Usage::

    python benchmarks/bench_networks.py [--cases t2_221,t_t2_221] [--seed N] [--cap SECONDS]
                                        [--algmorse-timeout SECONDS]

Every case is a spec under ``benchmarks/cases/`` (the default runs all but ``lin_1441``, which
takes about an hour: ask for it with ``--cases lin_1441``). For each one, on the same gradient
system, it prints one row:

* **N** and **Singular s**: Singular's count over QQ with multiplicity (``std``/``vdim``) and its time;
* **msolve s**: msolve's rational parametrization (``-P 1``), the time only;
* **blackbox s / pts**: one call of PHCpack's blackbox solver, its distinct finite endpoints;
* **wall s / CPU s**: ``algmorse solve`` with default options as a child process, wall-clock
  and CPU seconds (its children included);
* **paths** and **paths/pt**: paths tracked, per critical point found;
* **post %**: refinement, certification and classification as a share of the stages' seconds;
  **stages**: every stage's share (counts, monodromy, track, ...; the count over QQ runs
  beside the search and is left out);
* **completeness** and the method used.

The external tools get ``--cap`` seconds each (default 600); a tool that runs out prints ``>cap``.
Machine load is printed first: the figures are only comparable on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_methods import blackbox

from algmorse import load_catalog, load_spec
from algmorse.engine.exact import _msolve_path, rational_count
from algmorse.errors import AlgmorseError
from algmorse.model.system import build_system
from algmorse.results.exports import system_text

CASES_DIR = Path(__file__).resolve().parent / "cases"
DEFAULT_CASES = ("t2_221", "t_t2_221", "t2_131", "t2_1221", "lin_1331", "lin_12221")
POST_STAGES = ("refine", "certify", "classify")
BESIDE = ("count_qq",)
"""Stages that run beside the others (their wall time overlaps): left out of the shares."""


def singular(spec: Path, cap: float) -> tuple[str, str]:
    """Singular's count over QQ with multiplicity and its seconds."""
    system = build_system(load_spec(spec).problem)
    started = time.perf_counter()
    try:
        dimension, count, _ = rational_count(system.sparse_gradient(), system.num_variables, timeout=cap)
    except AlgmorseError:
        return "-", f">{cap:.0f}"
    seconds = time.perf_counter() - started
    return (str(count) if dimension == 0 else f"dim {dimension}"), f"{seconds:.1f}"


def msolve(spec: Path, cap: float, directory: Path) -> str:
    """Seconds of msolve's rational parametrization of the system (two threads)."""
    system = build_system(load_spec(spec).problem)
    source = directory / f"{spec.stem}.ms"
    source.write_text(system_text(system, "msolve"))
    started = time.perf_counter()
    try:
        subprocess.run([_msolve_path() or "msolve", "-f", str(source), "-o", str(directory / f"{spec.stem}.out"), "-P", "1", "-t", "2"],
                       check=True, timeout=cap, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f">{cap:.0f}"
    except (OSError, subprocess.CalledProcessError):
        return "failed"
    return f"{time.perf_counter() - started:.1f}"


def algmorse_solve(spec: Path, seed: int, timeout: float, directory: Path) -> dict:
    """Wall and CPU seconds of ``algmorse solve`` with default options, and what its catalog says."""
    output = directory / f"{spec.stem}.json"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-m", "algmorse", "solve", str(spec), "-o", str(output), "--seed", str(seed),
                        "--quiet"], check=True, timeout=timeout, stdout=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {"wall": f">{timeout:.0f}"}
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    catalog = load_catalog(output)
    seconds = {k: v for k, v in catalog.provenance.seconds.items() if v > 0 and k not in BESIDE}
    total = sum(seconds.values()) or 1.0
    points = len(catalog.critical_points)
    paths = catalog.provenance.paths_tracked or 0
    return {"wall": f"{wall:.1f}", "cpu": f"{cpu:.1f}", "paths": str(paths), "points": str(points),
            "per_point": f"{paths / points:.2f}" if points else "-",
            "post": f"{100 * sum(seconds.get(k, 0) for k in POST_STAGES) / total:.0f}",
            "stages": " ".join(f"{k} {100 * v / total:.0f}" for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])
                               if 100 * v / total >= 1),
            "completeness": catalog.verdict.completeness,
            "method": "monodromy" if catalog.provenance.monodromy else "blackbox"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(DEFAULT_CASES))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cap", type=float, default=600.0, help="seconds for each external tool (default 600)")
    parser.add_argument("--algmorse-timeout", type=float, default=4000.0)
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; seed {args.seed}; cap {args.cap:.0f} s")
    header = (f"{'case':<10} {'N':>5} {'Singular s':>10} {'msolve s':>8} {'blackbox s':>10} {'pts':>5} | "
              f"{'wall s':>7} {'CPU s':>7} {'points':>6} {'paths':>6} {'paths/pt':>8} {'post %':>6} "
              f"{'completeness':>13} {'method':>9} | stages %")
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for name in (n for n in args.cases.split(",") if n):
            spec = CASES_DIR / f"{name}.toml"
            count, singular_seconds = singular(spec, args.cap)
            msolve_seconds = msolve(spec, args.cap, directory)
            base_seconds, _, base_points = blackbox(spec, args.seed, args.cap)
            ours = algmorse_solve(spec, args.seed, args.algmorse_timeout, directory)
            print(f"{name:<10} {count:>5} {singular_seconds:>10} {msolve_seconds:>8} {base_seconds:>10} "
                  f"{base_points:>5} | {ours['wall']:>7} {ours.get('cpu', '-'):>7} {ours.get('points', '-'):>6} "
                  f"{ours.get('paths', '-'):>6} {ours.get('per_point', '-'):>8} {ours.get('post', '-'):>6} "
                  f"{ours.get('completeness', '-'):>13} {ours.get('method', '-'):>9} | {ours.get('stages', '')}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
