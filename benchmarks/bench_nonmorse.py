"""Positive-dimensional critical sets: algmorse's exact-first solve beside Singular's decomposition.

For each case, prints the seconds of ``algmorse.analyze`` (default options; the median of three
runs, after one that warms the caches), of which its exact stages (decomposition, conjugates over
CC, witness points, real-point proofs: ``of which``), and of Singular's ``minAssGTZ`` on the same
gradient ideal run on its own (the baseline the issue names, also a median of three), the ratio,
and what the solve found: components (dimension, degree, loss), isolated points, the
completeness level, the Morse-Bott verdict. The whole solve also builds the system, counts over
two primes, certifies the isolated points and runs the Morse-Bott tests (alongside), which the
baseline does not do. The first two cases are the ones of issue 18 (641 s and 316 s before the
exact-first stage), then seed 004's [2, 2, 2] factorization (minutes before); the others are
every other positive-dimensional fixture of the library.

Usage::

    python3 benchmarks/bench_nonmorse.py
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from algmorse import SolveOptions, analyze
from algmorse.engine.exact import _integer_text, _singular_path
from algmorse.model.system import build_system
from algmorse.results.library import list_cases, load_case

REPEATS = 3

ISSUE_CASES = {  # label: fixture
    "[1,2,2,1] linear, l2 1/10": "net1221_lin_l2",
    "[1,2,1] t^2, multiplicative 1/10": "net121_sq_mult",
    "[2,2,2] factorization, l2 1/4": "net222_lin_l2",
}


def singular_seconds(problem) -> float:
    """Seconds of Singular's minAssGTZ on the gradient ideal, started on its own (the median of
    ``REPEATS`` runs, like ours: a few hundredths of a second are mostly process start-up)."""
    system = build_system(problem)
    names = ",".join(f"x{i + 1}" for i in range(system.num_variables))
    ideal = ",\n".join(_integer_text(g) for g in system.sparse_gradient())
    script = f'LIB "primdec.lib";\nring r = 0, ({names}), dp;\nideal i = {ideal};\nlist L = minAssGTZ(i);\nquit;\n'
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "decompose.sing"
        path.write_text(script)
        times = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            subprocess.run([_singular_path(), "-q", "--no-warn", str(path)], stdin=subprocess.DEVNULL,
                           capture_output=True, check=True, timeout=600)
            times.append(time.perf_counter() - started)
        return statistics.median(times)


def main() -> None:
    cases = {label: load_case(name).spec.problem for label, name in ISSUE_CASES.items()}
    for name in list_cases():
        case = load_case(name)
        if case.expected.get("components") and name not in ISSUE_CASES.values():
            cases[name] = case.spec.problem
    print(f"{'case':<36} {'algmorse s':>10} {'of which':>9} {'Singular s':>10} {'ratio':>6}  completeness   found")
    for name, problem in cases.items():
        analyze(problem, options=SolveOptions(seed=1), progress_bar=False)  # imports and caches warm
        times = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            catalog = analyze(problem, options=SolveOptions(seed=1), progress_bar=False)
            times.append(time.perf_counter() - started)
        ours = statistics.median(times)
        theirs = singular_seconds(problem)
        found = ", ".join(f"({c.dimension},{c.degree}) at {c.loss.real:.4g}" if c.loss is not None else
                          f"({c.dimension},{c.degree})" for c in catalog.components)
        stage = catalog.provenance.seconds.get("decompose", float("nan"))
        print(f"{name:<36} {ours:>10.2f} {stage:>9.2f} {theirs:>10.2f} {ours / theirs:>6.1f}  "
              f"{catalog.verdict.completeness:<14} {found}; {len(catalog.critical_points)} isolated; "
              f"morse_bott {catalog.verdict.morse_bott}")


if __name__ == "__main__":
    main()
