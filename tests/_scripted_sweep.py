"""A scripted sweep for tests: the generic solve, the runner and the backend are scripted (no
PHCpack); each value is solved by the real pipeline with a FakeBackend returning the value's
critical points, computed by hand, and a scripted clock makes every reported time exact."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pytest

import algmorse.sweep as sweep_module
from algmorse import SolveOptions, analyze
from algmorse.engine.backends.fake import FakeBackend
from algmorse.engine.monodromy import GenericSolution, StratumRecord
from algmorse.model.network import FunctionProblem, Regularizer

# L_s = 3x^4 + 4x^3 - 12x^2 + s x^2: L_s' = x (12x^2 + 12x + 2s - 24), three simple real critical
# points for the values below (discriminant 144 - 48 (2s - 24) > 0 for s < 15).
PROBLEM = FunctionProblem(("x",), "3*x^4 + 4*x^3 - 12*x^2", Regularizer("l2", Fraction(1)))
VALUES = (Fraction(1, 2), Fraction(1), Fraction(3))
LABELS = ["1/2", "1", "3"]
OPTIONS = SolveOptions(seed=7, proof="none", decompose="never")
SOLVE_SECONDS = 10.123456  # what every value's solve takes on the scripted clock
GENERIC_SECONDS = 5.0  # what the generic solve takes


def _critical_points(problem) -> list[tuple[complex]]:
    s = problem.regularizer.eps
    return [(complex(r),) for r in np.roots([12, 12, float(2 * s - 24), 0])]


@pytest.fixture
def scripted(monkeypatch):
    """Scripted generic solve, pool, clock and per-value backend; returns the log."""
    log = SimpleNamespace(now=1000.0, generic=[], solved=[], runs=[], runners=[], bars=[])

    def clock():
        return log.now

    def fake_solve_generic(families, backend, **kwargs):
        log.generic.append(kwargs)
        log.now += GENERIC_SECONDS
        record = StratumRecord("all units", 1, 2, found=2, method="monodromy", complete=True)
        return GenericSolution([], [], [], [record], 3)

    def fake_analyze(problem, options, generic):
        log.solved.append((str(problem.regularizer.eps), options))
        catalog = analyze(problem, options=options, backend=FakeBackend([_critical_points(problem)]),
                          progress_bar=False)
        log.now += SOLVE_SECONDS
        # what a value reached from the generic points records of them (as analyze(generic=...) does)
        record = {"generic_count": generic.count, "escaped": 0, "collided": 0}
        return replace(catalog, provenance=replace(catalog.provenance, monodromy=record))

    @contextlib.contextmanager
    def fake_open_runner(scheduler, jobs, *, needed=True):
        def run(function, tasks):
            log.runs.append((jobs, scheduler, {i: t.options.jobs for i, t in tasks.items()}))
            for index, task in tasks.items():
                yield index, function(task)

        log.runners.append((scheduler, jobs, needed))
        yield run

    class Bar:
        def __init__(self, *args, enabled, **kwargs):
            log.bars.append(enabled)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update_to(self, done):
            pass

    monkeypatch.setattr(sweep_module, "time", SimpleNamespace(perf_counter=clock))
    monkeypatch.setattr(sweep_module, "solve_generic", fake_solve_generic)
    monkeypatch.setattr(sweep_module, "_analyze", fake_analyze)
    monkeypatch.setattr(sweep_module, "open_runner", fake_open_runner)
    monkeypatch.setattr(sweep_module, "_plot", lambda result, problem: None)
    monkeypatch.setattr(sweep_module, "_thresholds", lambda *args: (None, "not computed (scripted sweep)"))
    monkeypatch.setattr(sweep_module, "ProgressBar", Bar)
    return log
