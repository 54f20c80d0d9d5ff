"""Hand-derived facts about resuming sweeps: which folders may be reused, what is read back.

Written against mutants of ``algmorse/sweep.py`` that used to survive the test suite (issue 16,
item 6), on the scripted sweep of ``_scripted_sweep.py`` (no PHCpack; exact times).
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pytest

import algmorse.sweep as sweep_module
from algmorse.errors import SpecError
from algmorse.model.network import Regularizer
from algmorse.sweep import sweep

from _scripted_sweep import GENERIC_SECONDS, LABELS, OPTIONS, PROBLEM, VALUES


def _snapshot(directory):
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_a_sweep_writes_its_identity_rows_and_exact_times(tmp_path, scripted):
    out = tmp_path / "nested" / "deeper" / "out"  # parents are created
    lines: list[str] = []
    result = sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lines.append)
    assert [r.value for r in result.rows] == LABELS and result.parameter == "eps scale"
    assert result.generic_count == 2 and result.directory == out
    manifest = json.loads((out / "sweep.json").read_text())
    assert manifest["seed"] == 7 and manifest["values"] == LABELS and isinstance(manifest["fingerprint"], str)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["generic_count"] == 2 and [r["value"] for r in summary["rows"]] == LABELS
    for row in result.rows:
        # three simple critical points; blackbox runs: no path escaped or collided
        assert (row.isolated, row.real, row.escaped, row.collided) == (3, 3, 0, 0)
        assert row.seconds == 10.1235  # 10.123456 on the scripted clock, rounded to 4 places
    assert [r.catalog for r in result.rows] == ["value-000.json", "value-001.json", "value-002.json"]
    # 2 generic points of a family whose whole count is 3 (the origin lies on no stratum's torus)
    assert f"generic solve: 2 points (not proven complete, {GENERIC_SECONDS:.1f} s)" in lines
    values = [line for line in lines if line.startswith("value ")]
    assert [line.split(":")[0] for line in values] == ["value 1/2", "value 1", "value 3"]
    # after k of 3 values, each taking 10.12 s: about 10.12 * (3 - k) s left
    assert [line.rsplit("about ", 1)[1] for line in values] == ["20 s left", "10 s left", "0 s left"]
    assert not any(line.startswith("resuming") for line in lines)
    # the generic solve: the sweep's seed, at least 3 quiet loops, strata counts with proof "auto" only
    (generic,) = scripted.generic
    assert generic["seed"] == 7 and generic["quiet_loops"] == 3 and generic["counts"] is False
    # several values pending: each value's solve gets one worker; the pool gets the jobs
    assert scripted.runs == [(1, None, {0: 1, 1: 1, 2: 1})]


def test_a_finished_sweep_is_reused_whole_and_a_missing_value_alone_is_solved_again(tmp_path, scripted):
    out = tmp_path / "out"
    first = sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    before = _snapshot(out)
    lines: list[str] = []
    again = sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lines.append)
    assert "resuming: 3 of 3 values already solved" in lines
    assert len(scripted.solved) == 3 and len(scripted.generic) == 1  # nothing solved again
    assert again.generic_count == 2  # read back from summary.json
    assert [(r.value, r.isolated, r.real, r.completeness) for r in again.rows] == \
        [(r.value, r.isolated, r.real, r.completeness) for r in first.rows]
    assert {k: v for k, v in _snapshot(out).items() if k.startswith("value")} == \
        {k: v for k, v in before.items() if k.startswith("value")}
    # the middle value lost: only it is solved again, after a new generic solve
    (out / "value-001.json").unlink()
    lines = []
    third = sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lines.append)
    assert "resuming: 2 of 3 values already solved" in lines
    assert [value for value, _ in scripted.solved[3:]] == ["1"]
    assert [r.value for r in third.rows] == LABELS
    assert len(json.loads((out / "summary.json").read_text())["rows"]) == 3
    assert (out / "value-000.json").read_bytes() == before["value-000.json"]


@pytest.mark.parametrize("change", ["seed", "values", "spec", "regularizer"])
def test_another_sweep_is_refused_and_leaves_the_folder_alone(tmp_path, scripted, change):
    out = tmp_path / "out"
    sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    before = _snapshot(out)
    problem, values, options = PROBLEM, VALUES, OPTIONS
    if change == "seed":
        options = replace(OPTIONS, seed=8)
    elif change == "values":
        values = VALUES + (Fraction(4),)
    elif change == "spec":
        problem = replace(PROBLEM, expression="3*x^4 + 4*x^3 - 13*x^2")
    else:
        problem = replace(PROBLEM, regularizer=Regularizer("l2", Fraction(2)))
    with pytest.raises(SpecError, match="holds another sweep"):
        sweep(problem, values, out, options=options, progress=lambda _line: None)
    assert _snapshot(out) == before and len(scripted.solved) == 3


def test_a_sweep_under_other_options_does_not_reuse_the_folder(tmp_path, scripted):
    out = tmp_path / "out"
    sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    other = replace(OPTIONS, stable_runs=5, max_runs=20)  # another stopping rule: other catalogs
    try:
        sweep(PROBLEM, VALUES, out, options=other, progress=lambda _line: None)
    except SpecError:
        return
    assert len(scripted.solved) == 6, "catalogs computed under other options were reused"


def test_an_unreadable_manifest_is_not_taken_for_this_sweep(tmp_path, scripted):
    out = tmp_path / "out"
    sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    for text in ("not json", "[1, 2]", json.dumps({"seed": 7})):
        (out / "sweep.json").write_text(text)
        with pytest.raises(SpecError, match="holds another sweep"):
            sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    assert len(scripted.solved) == 3


def test_a_catalog_of_another_target_or_a_broken_one_is_solved_again(tmp_path, scripted):
    out = tmp_path / "out"
    sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    # value 1/2's file now holds value 1's catalog, value 3's file is broken
    (out / "value-000.json").write_bytes((out / "value-001.json").read_bytes())
    (out / "value-002.json").write_text("{")
    lines: list[str] = []
    result = sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lines.append)
    assert "resuming: 1 of 3 values already solved" in lines
    assert [value for value, _ in scripted.solved[3:]] == ["1/2", "3"]
    assert [r.value for r in result.rows] == LABELS
    assert json.loads((out / "value-000.json").read_text())["problem"] != \
        json.loads((out / "value-001.json").read_text())["problem"]


def test_summary_json_is_only_written_never_trusted_on_resume(tmp_path, scripted):
    # the generic count of a resumed sweep comes from the value catalogs that recorded it; a
    # missing, broken or tampered summary.json changes nothing and is rewritten with the truth
    out = tmp_path / "out"
    sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    tampered = (None, "{", json.dumps({"rows": []}), json.dumps({"generic_count": None}), "[" * 3000,
                '{"generic_count": Infinity}', json.dumps({"generic_count": -7}),
                json.dumps({"generic_count": 1e308}), json.dumps({"generic_count": "garbage"}),
                json.dumps({"generic_count": 5}))
    for text in tampered:
        if text is None:
            (out / "summary.json").unlink()
        else:
            (out / "summary.json").write_text(text)
        result = sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
        assert result.generic_count == 2 and result.exceptional == ("1/2", "1", "3")  # 3 points, not 2
        summary = json.loads((out / "summary.json").read_text())
        assert summary["generic_count"] == 2 and [r["value"] for r in summary["rows"]] == LABELS
    assert len(scripted.generic) == 1 and len(scripted.solved) == 3  # nothing solved again
    assert scripted.runners[1:] == [(None, 1, False)] * len(tampered)  # no pool or cluster started


def test_catalogs_that_do_not_vouch_for_the_generic_count_make_the_generic_solve_run_again(tmp_path, scripted):
    out = tmp_path / "out"
    sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lambda _line: None)
    for index, record in enumerate(({"generic_count": 9, "escaped": 0, "collided": 0},  # disagrees
                                    {"generic_count": 2, "escaped": "many", "collided": 0},  # malformed
                                    {"generic_count": 2, "escaped": 10**13, "collided": 0})):
        path = out / f"value-{index:03d}.json"
        data = json.loads(path.read_text())
        data["provenance"]["monodromy"] = record
        path.write_text(json.dumps(data))
    lines: list[str] = []
    result = sweep(PROBLEM, VALUES, out, options=OPTIONS, progress=lines.append)
    assert len(scripted.generic) == 2  # only one catalog still vouched: the count is recomputed
    assert [value for value, _ in scripted.solved[3:]] == ["1/2", "1", "3"]  # every record failed a check
    assert result.generic_count == 2 and not any(line.startswith("resuming") for line in lines)


def test_one_pending_value_gets_every_job_and_several_get_one_each(tmp_path, scripted):
    options = replace(OPTIONS, jobs=2)
    sweep(PROBLEM, VALUES[:1], tmp_path / "one", options=options, progress=lambda _line: None)
    sweep(PROBLEM, VALUES[:2], tmp_path / "two", options=options, progress=lambda _line: None)
    assert scripted.runs == [(2, None, {0: 2}), (2, None, {0: 1, 1: 1})]


def test_the_generic_solve_follows_the_options(tmp_path, scripted):
    sweep(PROBLEM, VALUES[:1], tmp_path / "a", options=replace(OPTIONS, stable_runs=5, proof="auto"),
          progress=lambda _line: None)
    assert scripted.generic[-1]["quiet_loops"] == 5 and scripted.generic[-1]["counts"] is True


class _NumpyDrawing:
    """numpy for algmorse.sweep, except that a fresh SeedSequence has the given entropy."""

    def __init__(self, entropy: int) -> None:
        self.random = SimpleNamespace(SeedSequence=lambda *args, **kwargs: SimpleNamespace(entropy=entropy),
                                      default_rng=np.random.default_rng)

    def __getattr__(self, name):
        return getattr(np, name)


def test_a_drawn_seed_is_a_valid_seed_and_recorded(tmp_path, scripted, monkeypatch):
    from algmorse.engine.backends.phcpack import MAX_SEED

    entropies = [0, 1, 100, 160, 2**31 - 3, 2**31 - 2, 2**31 - 1, 2**31 + 1, 2**64 + 12345]
    seeds = []
    for k, entropy in enumerate(entropies):
        monkeypatch.setattr(sweep_module, "np", _NumpyDrawing(entropy))
        sweep(PROBLEM, VALUES[:1], tmp_path / f"s{k}", options=replace(OPTIONS, seed=None),
              progress=lambda _line: None)
        seed = json.loads((tmp_path / f"s{k}" / "sweep.json").read_text())["seed"]
        assert 0 <= seed <= MAX_SEED  # a seed PHCpack takes
        assert scripted.generic[-1]["seed"] == seed and scripted.solved[-1][1].seed == seed
        seeds.append(seed)
    # a uniform draw over about 2**31 seeds: distinct draws below that size give distinct seeds
    assert len(set(seeds[:5])) == 5
    # a given seed is used as it is, whatever the entropy
    sweep(PROBLEM, VALUES[:1], tmp_path / "given", options=OPTIONS, progress=lambda _line: None)
    assert json.loads((tmp_path / "given" / "sweep.json").read_text())["seed"] == 7


def test_progress_goes_to_the_logger_by_default_and_a_bar_is_asked_for(tmp_path, scripted, caplog):
    with caplog.at_level(logging.INFO, logger="algmorse.sweep"):
        sweep(PROBLEM, VALUES[:1], tmp_path / "out", options=OPTIONS)
    assert any(r.name == "algmorse.sweep" and r.getMessage().startswith("value 1/2:") for r in caplog.records)
    assert scripted.bars == [True]
    sweep(PROBLEM, VALUES[:1], tmp_path / "quiet", options=OPTIONS, progress=lambda _line: None, progress_bar=False)
    assert scripted.bars == [True, False]


def test_the_fingerprint_does_not_depend_on_the_order_of_the_spec_keys(monkeypatch):
    # the identity of a sweep is its content: the same spec with its tables listed in another
    # order (e.g. after problem_to_spec is reordered by an upgrade) is the same sweep
    targets = [(label, sweep_module.scaled_problem(PROBLEM, v)) for label, v in zip(LABELS, VALUES)]
    plain = sweep_module._fingerprint(targets, 7, OPTIONS)
    original = sweep_module.problem_to_spec

    def reorder(value):
        if isinstance(value, dict):
            return {k: reorder(value[k]) for k in reversed(list(value))}
        return value

    monkeypatch.setattr(sweep_module, "problem_to_spec", lambda problem: reorder(original(problem)))
    assert sweep_module._fingerprint(targets, 7, OPTIONS) == plain
    assert sweep_module._fingerprint(targets, 8, OPTIONS) != plain  # the seed is part of the identity
    # so are the options that change catalogs; how many jobs or how long a run may take are not
    assert sweep_module._fingerprint(targets, 7, replace(OPTIONS, max_runs=OPTIONS.max_runs + 1)) != plain
    assert sweep_module._fingerprint(targets, 7, replace(OPTIONS, jobs=2, timeout=99.0)) == plain
