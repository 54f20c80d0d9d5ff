"""Benchmark: monodromy on support strata against PHCpack's blackbox, on deeper linear networks.

Usage::

    python benchmarks/bench_methods.py [--cases net1221_genl2,net2222_genl2] [--seed N]
                                       [--blackbox-timeout SECONDS] [--sweep N]

For every case (a shipped spec under ``examples/``) it runs, on the same gradient system,

* **blackbox**: one call of PHCpack's blackbox solver (``PhcpackBackend.solve``, a child process
  with a time limit), its finite endpoints deduplicated within a relative 1e-6;
* **algmorse**: ``algmorse solve`` with default options (``method = "auto"``), timed as one
  wall-clock call;

and prints seconds, paths tracked, distinct points found and the exact count (Singular over QQ)
side by side. With ``--sweep N`` it also times ``algmorse sweep`` over N values of the eps scale
from 1/2 to 2 on the first case and prints its per-value counts against the exact ones.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from algmorse import load_catalog, load_spec
from algmorse.engine.backends.phcpack import PhcpackBackend
from algmorse.engine.exact import rational_count
from algmorse.errors import BackendError
from algmorse.model.system import build_system

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASES = ("net1221_genl2", "net2222_genl2")


def distinct(points: list[tuple[complex, ...]]) -> int:
    """Number of points left after merging those within a relative 1e-6 of an earlier one."""
    kept: list[np.ndarray] = []
    for point in points:
        p = np.array(point)
        if not any(np.max(np.abs(p - q)) <= 1e-6 * max(1.0, np.max(np.abs(p)), np.max(np.abs(q))) for q in kept):
            kept.append(p)
    return len(kept)


def blackbox(spec_path: Path, seed: int, timeout: float) -> tuple[str, str, str]:
    """Seconds, paths and distinct points of one PHCpack blackbox call (``timeout`` shown as such)."""
    system = build_system(load_spec(spec_path).problem)
    started = time.perf_counter()
    try:
        raw = PhcpackBackend().solve(system.sparse_gradient(), system.num_variables, seed=seed, timeout=timeout)
    except BackendError as exc:
        return f">{timeout:.0f}" if "did not finish" in str(exc) or "timeout" in type(exc).__name__.lower() \
            else "crash", "-", "-"
    seconds = time.perf_counter() - started
    return f"{seconds:.1f}", str(raw.paths_tracked), str(distinct([e.coordinates for e in raw.endpoints]))


def algmorse_solve(spec_path: Path, seed: int, directory: Path) -> tuple[str, str, str, str]:
    """Seconds, paths, distinct points and completeness of ``algmorse solve`` (default options)."""
    output = directory / f"{spec_path.stem}.json"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "algmorse", "solve", str(spec_path), "-o", str(output), "--seed", str(seed),
                    "--quiet"], check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    catalog = load_catalog(output)
    return (f"{seconds:.1f}", str(catalog.provenance.paths_tracked), str(len(catalog.critical_points)),
            catalog.verdict.completeness)


def exact_count(spec_path: Path) -> str:
    system = build_system(load_spec(spec_path).problem)
    dimension, count, _ = rational_count(system.sparse_gradient(), system.num_variables, timeout=120)
    return str(count) if dimension == 0 else f"dim {dimension}"


def sweep(spec_path: Path, values: int, seed: int, directory: Path) -> None:
    """Time ``algmorse sweep`` over the eps scale 1/2..2 and compare every value with Singular."""
    out = directory / "sweep"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "algmorse", "sweep", str(spec_path), "--eps-scale", f"1/2:2:{values}",
                    "-o", str(out), "--seed", str(seed), "--quiet"], check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    import json

    rows = json.loads((out / "summary.json").read_text())["rows"]
    print(f"\nsweep of {spec_path.stem}: {values} values of the eps scale in {seconds:.1f} s")
    print(f"{'value':>10} {'isolated':>8} {'real':>5} {'min':>4} {'sad':>4} {'max':>4} {'escaped':>7} "
          f"{'collided':>8} {'complete':>13}")
    for row in rows:
        print(f"{row['value']:>10} {row['isolated']:>8} {row['real']:>5} {row['minima']:>4} {row['saddles']:>4} "
              f"{row['maxima']:>4} {row['escaped']:>7} {row['collided']:>8} {row['completeness']:>13}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--blackbox-timeout", type=float, default=600.0,
                        help="seconds before the blackbox call is killed (default 600)")
    parser.add_argument("--sweep", type=int, default=0, help="also time a sweep over this many eps-scale values")
    args = parser.parse_args(argv)
    names = [name for name in args.cases.split(",") if name]
    print(f"{'case':<16} {'exact':>6} | {'blackbox s':>10} {'paths':>7} {'points':>6} | "
          f"{'algmorse s':>10} {'paths':>6} {'points':>6} {'completeness':>13} | {'speed-up':>8}")
    with tempfile.TemporaryDirectory() as directory:
        for name in names:
            spec_path = EXAMPLES / f"{name}.toml"
            exact = exact_count(spec_path)
            base = blackbox(spec_path, args.seed, args.blackbox_timeout)
            ours = algmorse_solve(spec_path, args.seed, Path(directory))
            base_seconds = float(base[0].lstrip(">")) if base[0] != "crash" else float("nan")
            ratio = base_seconds / float(ours[0])
            speedup = f"{'>' if base[0].startswith('>') else ''}{ratio:.1f}x"
            print(f"{name:<16} {exact:>6} | {base[0]:>10} {base[1]:>7} {base[2]:>6} | "
                  f"{ours[0]:>10} {ours[1]:>6} {ours[2]:>6} {ours[3]:>13} | {speedup:>8}", flush=True)
        if args.sweep:
            sweep(EXAMPLES / f"{names[0]}.toml", args.sweep, args.seed, Path(directory))
    return 0


if __name__ == "__main__":
    sys.exit(main())
