"""Seed 000: the example's key numbers against hand derivations.

The Morse verdicts of the example's table are the fixtures' expectations (hand derivations and
Singular, checked by ``test_cases_phcpack.py``); the exceptional strengths and rotation algebras
are checked against hand derivations in ``test_discriminant.py`` and ``test_rotations.py``. Here:
the sweep behind ``exceptional_strengths.png`` and the example's own tables.
"""

from __future__ import annotations

import pytest

from _examples import load_example

seed000 = load_example("seed000_regularizers")


@pytest.mark.phcpack
def test_real_critical_counts_of_the_depth2_chain_against_eps():
    # (ab - 2)^2 + eps (a^2 + b^2); gradient (2b(ab-2) + 2 eps a, 2a(ab-2) + 2 eps b).
    #   origin: always critical; Hessian [[2 eps, -4], [-4, 2 eps]], eigenvalues 2 eps -+ 4: a
    #     minimum for eps > 2, a saddle for |eps| < 2, a maximum for eps < -2.
    #   a = b = u: u^2 = 2 - eps, real for eps < 2 (2 points); Hessian [[4, 4 - 4 eps],
    #     [4 - 4 eps, 4]], eigenvalues 8 - 4 eps and 4 eps: minima for 0 < eps < 2, saddles for eps < 0.
    #   a = -b = u: u^2 = -(2 + eps), real for eps < -2 (2 points); Hessian [[4, -4 - 4 eps],
    #     [-4 - 4 eps, 4]], eigenvalues 8 + 4 eps < 0 and -4 eps > 0: saddles.
    # Real critical points: 5 for eps < -2, 3 for -2 < eps < 2, 1 for eps > 2.
    # Minima: 0 for eps < 0, 2 for 0 < eps < 2, 1 for eps > 2.
    counts = seed000.real_counts_against_eps([-2.5, -1.0, 1.0, 2.5], seed=3)
    assert counts["real critical points"] == [5, 3, 3, 1]
    assert counts["minima"] == [0, 0, 2, 1]


@pytest.mark.exact
def test_exceptional_strengths_table_of_the_depth2_chain():
    # The first case of the table: eps = -2, 2 (collisions with the origin), 0 (the hyperbola
    # ab = 2), derived in the test above and in test_discriminant.py.
    rows = [row for row in seed000.discriminant_table()[:3]]
    values = {float(value): kind for _, value, kind in rows}
    assert values == {2.0: "collision", 0.0: "positive-dimensional", -2.0: "collision"}


def test_rotation_table_keeps_rotations_for_standard_l2_only_on_linear_networks():
    # Hand derivations in test_rotations.py: the linear [1, m, 1] network without bias keeps an
    # m(m-1)-dimensional algebra under standard L2 (2 for m = 2, 6 for m = 3), [1,2,2,1] keeps
    # one rotation per hidden layer (2); distinct generalized-L2 strengths leave none.
    table = {(network, regularizer): int(dimension) for network, regularizer, dimension in seed000.symmetry_table(seed=7)}
    assert table[("[1,2,1] linear, 1 point", "standard L2")] == 2
    assert table[("[1,3,1] linear, 1 point", "standard L2")] == 6
    assert table[("[1,2,2,1] linear, 1 point", "standard L2")] == 2
    assert all(dimension == 0 for (network, regularizer), dimension in table.items() if regularizer == "generalized L2")


@pytest.mark.slow
@pytest.mark.phcpack
@pytest.mark.exact
def test_example_runs_end_to_end(tmp_path, capsys):
    assert seed000.main(["--out", str(tmp_path)]) == 0
    for name in ("circle_slice.png", "critical_values_genl2.png", "exceptional_strengths.png"):
        assert (tmp_path / name).stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "every eps" in printed  # the circle: not Morse for any strength
