"""The adversarial fixtures over many seeds: is any claim unsound, is any point missed?

Runs every ``adv_*`` case of the fixture library (near collisions at separations 1e-5 to 1e-16,
complex pairs near the reals, a near-triple cluster, networks within 1e-13 of an exceptional
strength, multiple points at the origin), each with its truth from Singular/msolve or by hand in
the fixture's comments, with the default solve and seeds ``1..N``, and prints one line per case:

* ``pass``: seeds whose catalog matches every expected value (:func:`algmorse.testing.assert_matches_expected`:
  counts, losses, verdicts decided and right, completeness level and bases);
* ``unsound``: seeds whose catalog claims something the truth contradicts: a decided verdict
  that is wrong, or a level above ``stable-runs`` with fewer or more points than the truth (the
  worst defect; it must be 0);
* ``missed``: seeds that lost a point;
* the completeness levels and verdict bases seen, and the mean seconds.

Usage::

    python3 benchmarks/bench_adversarial.py            # seeds 1..5
    python3 benchmarks/bench_adversarial.py --seeds 20 --cases adv_near_pair_1e5,adv_quartic_origin
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from algmorse import SolveOptions, analyze
from algmorse.results.library import list_cases, load_case
from algmorse.testing import assert_matches_expected

_PROVEN = ("exact-count", "modular-count", "bound-attained")


def run_case(name: str, seeds: int) -> dict:
    """Solve one case under ``seeds`` seeds; tally passes, unsound claims and missed points."""
    case = load_case(name)
    expected = case.expected
    tally: dict = {"pass": 0, "unsound": 0, "missed": 0, "levels": Counter(), "bases": Counter(), "seconds": 0.0,
                   "failures": []}
    for seed in range(1, seeds + 1):
        started = time.perf_counter()
        catalog = analyze(case.spec.problem, options=SolveOptions(seed=seed), progress_bar=False)
        tally["seconds"] += time.perf_counter() - started
        verdict = catalog.verdict
        tally["levels"][verdict.completeness] += 1
        tally["bases"][f"{verdict.morse_basis}/{verdict.complex_morse_basis}"] += 1
        wrong_verdict = any(getattr(verdict, key) is not None and getattr(verdict, key) != expected[key]
                            for key in ("morse", "complex_morse") if key in expected)
        found = len(catalog.critical_points)
        wrong_count = verdict.completeness in _PROVEN and found != expected.get("isolated", found)
        tally["unsound"] += wrong_verdict or wrong_count
        tally["missed"] += found < expected.get("isolated", found)
        try:
            assert_matches_expected(catalog, case)
        except AssertionError as exc:
            tally["failures"].append(f"seed {seed}: {str(exc).splitlines()[0][:160]}")
        else:
            tally["pass"] += 1
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1..N per case (default 5)")
    parser.add_argument("--cases", default="", help="comma-separated case names (default: every adv_* case)")
    args = parser.parse_args()
    names = [n for n in args.cases.split(",") if n] or [n for n in list_cases() if n.startswith("adv_")]
    print(f"{'case':<40}{'pass':>6}{'unsound':>9}{'missed':>8}{'sec':>7}  levels; bases (morse/complex)")
    totals = Counter()
    for name in names:
        t = run_case(name, args.seeds)
        totals.update({"runs": args.seeds, "pass": t["pass"], "unsound": t["unsound"], "missed": t["missed"]})
        levels = ", ".join(f"{k} {v}" for k, v in t["levels"].most_common())
        bases = ", ".join(f"{k} {v}" for k, v in t["bases"].most_common())
        print(f"{name:<40}{t['pass']:>6}{t['unsound']:>9}{t['missed']:>8}{t['seconds'] / args.seeds:>7.2f}  "
              f"{levels}; {bases}")
        for failure in t["failures"][:3]:
            print(f"{'':40}  {failure}")
    print(f"\n{totals['runs']} solves: {totals['pass']} pass, {totals['unsound']} unsound, {totals['missed']} missed a point")


if __name__ == "__main__":
    main()
