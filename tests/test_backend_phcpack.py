"""The PHCpack backend: input formatting, the worker's tolerant parser, and real solves.

Tests marked ``phcpack`` run PHCpack (Debian's phcpack + python3-phcpy; ``conftest.py`` skips
them where it is missing, except on CI); the others only exercise pure functions. Expected
values come from hand computation or the backend facts note, not from earlier runs.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from fractions import Fraction
from typing import Sequence

import pytest

from algmorse.engine.backends import _phcpack_worker as worker
from algmorse.engine.backends import phcpack
from algmorse.engine.backends.base import SparsePolynomial
from algmorse.engine.backends.phcpack import PhcpackBackend, format_system
from algmorse.errors import BackendCrashed

# x1^2 - 4 x2 + 1 = 0, x1 x2 - 3 = 0: x2 = 3/x1 gives x1^3 + x1 - 12 = 0, three roots.
SMALL = [
    {(2, 0): Fraction(1), (0, 1): Fraction(-4), (0, 0): Fraction(1)},
    {(1, 1): Fraction(1), (0, 0): Fraction(-3)},
]


def chain_l2(layers: int) -> list[SparsePolynomial]:
    """Gradient of (w1...wL - 2)^2 / 2 + (1/10) sum w_i^2 (scalar linear chain, L2).

    d/dw_i = w_i prod_{j != i} w_j^2 - 2 prod_{j != i} w_j + w_i / 5.
    """
    system = []
    for i in range(layers):
        def exponents(own: int, others: int) -> tuple[int, ...]:
            return tuple(own if j == i else others for j in range(layers))

        system.append({exponents(1, 2): Fraction(1), exponents(0, 1): Fraction(-2),
                       exponents(1, 0): Fraction(1, 5)})
    return system


def evaluate(polynomial: SparsePolynomial, point: Sequence[complex]) -> complex:
    """Value of a sparse polynomial at a point."""
    total = 0j
    for exponents, coefficient in polynomial.items():
        term = complex(coefficient)
        for value, power in zip(point, exponents):
            term *= value**power
        total += term
    return total


def assert_distinct_solutions(raw, system, tolerance=1e-8):
    """Every endpoint satisfies `system` and no two endpoints coincide."""
    for endpoint in raw.endpoints:
        assert max(abs(evaluate(p, endpoint.coordinates)) for p in system) < tolerance
    for a, b in itertools.combinations(raw.endpoints, 2):
        assert max(abs(x - y) for x, y in zip(a.coordinates, b.coordinates)) > 1e-6


# ----------------------------------------------------------------------------- formatting


def test_coefficients_are_17_digit_decimals_without_division():
    strings = format_system(
        [{(1, 0): Fraction(1, 3), (0, 2): Fraction(-2, 7), (0, 0): Fraction(0)},
         {(1, 1): Fraction(5), (0, 0): Fraction(-1, 10)}],
        2,
    )
    assert strings == [
        "+3.3333333333333331E-01*x1 -2.8571428571428570E-01*x2^2;",
        "+5.0000000000000000E+00*x1*x2 -1.0000000000000001E-01;",
    ]
    assert all("/" not in s for s in strings)
    for text in strings:
        for mantissa in re.findall(r"[+-](\d\.\d+)E", text):
            assert len(mantissa.replace(".", "")) == 17


def test_generated_names_are_safe_for_phcpack():
    names = phcpack.variable_names(12)
    assert names[0] == "x1" and names[-1] == "x12"
    assert not any(n[0] in "eEiI" or n == "t" or n.startswith("zz") for n in names)


def test_silent_path_is_chosen_for_long_root_count_texts():
    assert not phcpack._use_silent_path(chain_l2(3), 3)
    assert phcpack._use_silent_path(chain_l2(8), 8)
    # measured: chain L = 7 gives an 837-character text, below the 1024-character buffer
    assert phcpack._root_count_text_bound(chain_l2(7), phcpack.variable_names(7)) >= 837
    # x1^8 + ... + x5^8 + c: five sets "{ x1 x2 x3 x4 x5 }" per degree unit, about 1000 chars
    dense = [
        {tuple(8 if j == k else 0 for j in range(5)): Fraction(k + 1) for k in range(5)}
        | {(0,) * 5: Fraction(-i - 1)}
        for i in range(5)
    ]
    assert phcpack._use_silent_path(dense, 5)


# ----------------------------------------------------------------------------- worker parser

SOLUTION = """t :  1.00000000000000E+00   0.00000000000000E+00
m : 2
the solution for t :
 x2 : -5.74613672038845E-01   1.13042003357218E+00
 x1 : -1.07202021626352E+00  -2.10895282835655E+00
== err :  2.534E-16 = rco :  3.159E-01 = res :  9.992E-16 ="""


def test_worker_parses_by_name_not_position():
    parsed = worker.parse_solution(SOLUTION, ["x1", "x2"])
    assert parsed == {
        "coordinates": [[-1.07202021626352, -2.10895282835655],
                        [-0.574613672038845, 1.13042003357218]],
        "m": 2, "t": 1.0, "err": 2.534e-16, "rco": 0.3159, "res": 9.992e-16,
    }


@pytest.mark.parametrize(
    "bad_line",
    [" x1 : NaN*****************", " x1 : ******************   1.0E+00",
     " x1 : nan   0.0", " x1 :  1.0E+00   inf", " x1 : ", " x1 :  1.0E+00"],
)
def test_worker_drops_nonfinite_coordinates_without_crashing(bad_line):
    text = SOLUTION.replace(" x1 : -1.07202021626352E+00  -2.10895282835655E+00", bad_line)
    assert worker.parse_solution(text, ["x1", "x2"]) is None


def test_worker_keeps_a_point_with_nonfinite_diagnostics():
    text = SOLUTION.replace("rco :  3.159E-01", "rco : NaN******")
    parsed = worker.parse_solution(text, ["x1", "x2"])
    assert parsed is not None and parsed["rco"] is None and parsed["err"] == 2.534e-16


def test_worker_refuses_a_solution_without_a_variable():
    with pytest.raises(worker.SolutionFormatError, match=r"no value for \['x3'\]"):
        worker.parse_solution(SOLUTION, ["x1", "x2", "x3"])


def test_worker_reads_every_root_count():
    text = (
        "total degree : 125\n3-homogeneous Bezout number : 29\n"
        "  with with partition : { x1 }{ x2 }{ x3 }\n"
        "general linear-product Bezout number : 29\n  based on the set structure :\n"
        "     { x1 }{ x2 }{ x2 }{ x3 }{ x3 }\nmixed volume : 16\nstable mixed volume : 17"
    )
    assert worker.parse_root_counts(text) == {
        "total_degree": 125, "m_homogeneous_bezout": 29, "linear_product_bezout": 29,
        "mixed_volume": 16, "stable_mixed_volume": 17,
    }
    assert worker.parse_root_counts("") == {}


# ----------------------------------------------------------------------------- real solves


@pytest.fixture(scope="module")
def backend():
    return PhcpackBackend()


@pytest.mark.phcpack
@pytest.mark.parametrize("seed", [1, 4242])
def test_small_system_has_three_solutions(backend, seed):
    raw = backend.solve(SMALL, 2, seed=seed, timeout=60)
    assert len(raw.endpoints) == 3
    assert_distinct_solutions(raw, SMALL)
    assert raw.root_counts["total_degree"] == 4
    assert raw.root_counts["mixed_volume"] == 3
    assert raw.paths_tracked == 3
    assert raw.dropped_nonfinite == 0
    assert raw.seed == seed
    real = [e for e in raw.endpoints if all(abs(z.imag) < 1e-12 for z in e.coordinates)]
    assert len(real) == 1  # x1^3 + x1 - 12 = (x1 - a)(...) has one real root
    for endpoint in raw.endpoints:
        assert endpoint.err is not None and endpoint.err < 1e-10
        assert endpoint.rco is not None and endpoint.rco > 1e-3
        assert endpoint.path_count == 1


@pytest.mark.phcpack
def test_coordinates_come_back_in_variable_order(backend):
    # x3 appears first in the text, then x2, then x1: PHCpack lists them as x3, x2, x1.
    system = [
        {(0, 0, 1): Fraction(1), (0, 0, 0): Fraction(-1)},
        {(0, 1, 0): Fraction(1), (0, 0, 1): Fraction(-2)},
        {(1, 0, 1): Fraction(1), (0, 0, 0): Fraction(-7)},
    ]
    assert format_system(system, 3)[0].startswith("+1.0000000000000000E+00*x3 ")
    raw = backend.solve(system, 3, seed=5, timeout=60)
    assert len(raw.endpoints) == 1
    assert raw.endpoints[0].coordinates == pytest.approx((7, 2, 1), abs=1e-10)


@pytest.mark.phcpack
def test_chain_l2_has_17_regular_critical_points(backend):
    system = chain_l2(3)
    raw = backend.solve(system, 3, seed=11, timeout=60)
    # (L-1) 2^L + 1 = 17 for L = 3 (facts note, chain L2), all regular
    assert raw.root_counts["stable_mixed_volume"] == 17
    assert raw.root_counts["mixed_volume"] == 16
    assert raw.root_counts["total_degree"] == 125
    assert raw.paths_tracked == 17
    assert len(raw.endpoints) == 17
    assert_distinct_solutions(raw, system)
    assert sum(all(abs(z) < 1e-12 for z in e.coordinates) for e in raw.endpoints) == 1


@pytest.mark.phcpack
def test_silent_path_after_warm_up_gives_the_same_points(backend, monkeypatch):
    system = chain_l2(3)
    verbose = backend.solve(system, 3, seed=11, timeout=60)
    monkeypatch.setattr(phcpack, "_use_silent_path", lambda polynomials, nvars: True)
    silent = backend.solve(system, 3, seed=11, timeout=60)
    assert silent.root_counts == {"mixed_volume": 16, "stable_mixed_volume": 17}
    assert silent.paths_tracked == 17
    assert len(silent.endpoints) == 17
    assert_distinct_solutions(silent, system)
    for endpoint in silent.endpoints:
        distances = [
            max(abs(x - y) for x, y in zip(endpoint.coordinates, other.coordinates))
            for other in verbose.endpoints
        ]
        assert min(distances) < 1e-8


@pytest.mark.phcpack
def test_same_seed_gives_identical_endpoints(backend):
    first = backend.solve(chain_l2(3), 3, seed=77, timeout=60)
    second = backend.solve(chain_l2(3), 3, seed=77, timeout=60)
    assert first.endpoints == second.endpoints


@pytest.mark.phcpack
def test_caller_output_stays_clean_and_nothing_is_left(backend, capfd, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    raw = backend.solve(SMALL, 2, seed=3, timeout=60)
    assert len(raw.endpoints) == 3
    assert "PHCv" in raw.log_tail  # phcpy's import banner went to the log, not to fd 1
    assert capfd.readouterr() == ("", "")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.phcpack
def test_version_is_the_phcpack_release(backend):
    assert re.fullmatch(r"\d+\.\d+\.\d+", backend.version())


@pytest.mark.phcpack
def test_real_phcpack_crash_is_contained(backend, capfd, monkeypatch):
    # A constant polynomial segfaults PHCpack (facts note B3); the parent normally refuses
    # it, so slip it past the formatter to check that the crash is contained.
    monkeypatch.setattr(phcpack, "format_system", lambda polynomials, nvars: ["x1 - 1;", "3;"])
    with pytest.raises(BackendCrashed) as info:
        backend.solve(SMALL, 2, seed=1, timeout=60)
    assert info.value.exitcode == -11
    assert "SIGSEGV" in str(info.value)
    assert capfd.readouterr() == ("", "")
