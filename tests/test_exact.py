"""Exact cross-checks (:mod:`algmorse.engine.exact`) against counts derived by hand.

Tests marked ``exact`` need Singular and/or msolve. Locally they are skipped when the tool is
missing; on CI (``CI`` set) they run anyway and fail, because ``scripts/setup.sh`` installs both.
"""

from __future__ import annotations

import os
import stat
import tempfile
from fractions import Fraction
from pathlib import Path

import pytest

import algmorse
from algmorse.engine import exact
from algmorse.engine.exact import ExactResult, available_exact_tools, eliminant, exact_check
from algmorse.errors import BackendCrashed, BackendTimeout, BackendUnavailable
from algmorse.model.network import FunctionProblem
from algmorse.results.library import load_case

TOOLS = available_exact_tools()


def needs(*tools: str) -> pytest.MarkDecorator:
    """Skip unless every tool in `tools` (or, with none given, any tool) is installed; never on CI."""
    missing = [t for t in tools if t not in TOOLS] if tools else ([] if TOOLS else ["singular or msolve"])
    return pytest.mark.skipif(
        bool(missing) and not os.environ.get("CI"),
        reason=f"exact backend missing: {', '.join(missing)} ({exact.INSTALL_HINT})",
    )


def gradient(variables: list[str], expression: str) -> tuple[list[dict[tuple[int, ...], Fraction]], int]:
    system = algmorse.build_system(FunctionProblem(tuple(variables), expression))
    return system.sparse_gradient(), system.num_variables


def case_gradient(name: str) -> tuple[list[dict[tuple[int, ...], Fraction]], int]:
    system = algmorse.build_system(load_case(name).spec.problem)
    return system.sparse_gradient(), system.num_variables


# 1/2 (ab - 2)^2 + 1/10 (a^2 + b^2): grad = ((ab-2) b + a/5, (ab-2) a + b/5).
# a*grad_1 - b*grad_2 = (a^2 - b^2)/5, so b = a or b = -a.
#   b = a:  a (a^2 - 2 + 1/5) = 0: a = 0 or a^2 = 9/5 (3 real points);
#   b = -a: a (a^2 + 2 + 1/5) = 0: a = 0 (the same origin) or a^2 = -11/5 (2 complex points).
# 5 distinct points; vdim 5 means each is simple.
TWO_WELLS = gradient(["a", "b"], "1/2*(a*b - 2)^2 + 1/10*(a^2 + b^2)")
# x^3 + y^2: grad = (3x^2, 2y); QQ[x,y]/(x^2, y) has basis {1, x}: vdim 2 at the one point 0.
CUSP = gradient(["x", "y"], "x^3 + y^2")
# (xy - 1)^2: grad = 2(xy - 1)(y, x) vanishes on the hyperbola xy = 1 (dim 1, degree 2) and at
# the origin, which is not on it (an embedded-free isolated point: dim 0, degree 1).
HYPERBOLA = gradient(["x", "y"], "(x*y - 1)^2")
# [1,2,1] linear network, no bias, data x = 1, y = 2, scale 1/2, L2 with eps = 1/3:
# with r = v.u - 2, grad = (r v + 2/3 u, r u + 2/3 v). So u = -3/2 r v, v = -3/2 r u, hence
# u = 9/4 r^2 u: either u = 0 = v (the origin), or r = -2/3 with u = v, |u|^2 = 4/3 (a real
# circle), or r = 2/3 with u = -v, |u|^2 = -8/3 (a conic without real points). Both conics are
# planar, smooth and irreducible over QQ (and over CC): minAssGTZ gives (1, 2), (1, 2), (0, 1).
LINEAR_121 = gradient(["u1", "u2", "v1", "v2"], "1/2*(v1*u1 + v2*u2 - 2)^2 + 1/3*(u1^2 + u2^2 + v1^2 + v2^2)")
# x + y^2: grad = (1, 2y): the constant 1 generates the whole ring.
NO_SOLUTION = gradient(["x", "y"], "x + y^2")


def leftovers(directory: Path) -> tuple[list[str], list[str]]:
    """Files left in `directory` and processes whose working directory is inside it."""
    processes = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cwd = os.readlink(f"/proc/{entry}/cwd")
            except OSError:
                continue
            if cwd.startswith(str(directory)):
                processes.append(entry)
    return sorted(os.listdir(directory)), processes


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private temporary directory that exact.py must leave empty."""
    directory = tmp_path / "scratch"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def fake_tool(directory: Path, name: str, script: str) -> str:
    path = directory / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


# --------------------------------------------------------------------------------------------
# Hand-derived counts


@pytest.mark.exact
@needs()
def test_two_wells_five_simple_points_three_real(scratch: Path) -> None:
    result = exact_check(*TWO_WELLS)
    assert isinstance(result, ExactResult)
    assert (result.dimension, result.count_with_multiplicity, result.count_without_multiplicity) == (0, 5, 5)
    assert result.real_count == 3
    assert result.components is None
    assert result.tool_versions and result.seconds < 10
    assert leftovers(scratch) == ([], [])


@pytest.mark.exact
@needs()
def test_cusp_one_point_of_multiplicity_two() -> None:
    result = exact_check(*CUSP)
    assert (result.dimension, result.count_with_multiplicity, result.count_without_multiplicity) == (0, 2, 1)
    assert result.real_count == 1


@pytest.mark.exact
@needs("singular")
def test_hyperbola_and_origin() -> None:
    result = exact_check(*HYPERBOLA)
    assert result.dimension == 1
    assert result.components == ((1, 2), (0, 1))
    assert result.count_with_multiplicity is None and result.count_without_multiplicity is None
    assert result.real_count is None


@pytest.mark.exact
@needs("singular")
def test_linear_121_two_conics_and_the_origin() -> None:
    result = exact_check(*LINEAR_121)
    assert result.dimension == 1
    assert result.components == ((1, 2), (1, 2), (0, 1))
    assert result.tool == "singular"  # msolve is only consulted for finitely many solutions


@pytest.mark.exact
@needs()
def test_no_solution() -> None:
    result = exact_check(*NO_SOLUTION)
    assert result.dimension == -1
    assert (result.count_with_multiplicity, result.count_without_multiplicity, result.real_count) == (0, 0, 0)


@pytest.mark.exact
@needs("singular")
def test_zero_ideal_is_the_whole_space() -> None:
    result = exact_check([{}, {(0, 0): Fraction(0)}], 2)
    assert result.dimension == 2
    assert result.components == ((2, 1),)


# --------------------------------------------------------------------------------------------
# msolve


@pytest.mark.exact
@needs("singular", "msolve")
def test_real_count_net121_sq_l2_two_independent_ways() -> None:
    """msolve's real count against Singular's eliminant of a linear form plus sympy's real roots."""
    polynomials, nvars = case_gradient("net121_sq_l2")
    result = exact_check(polynomials, nvars)
    assert result.tool == "singular+msolve"
    assert (result.dimension, result.count_with_multiplicity, result.count_without_multiplicity) == (0, 33, 33)
    # Second method, without msolve: the minimal polynomial of l = x1 + 2 x2 + 3 x3 + 4 x4 on
    # QQ[x]/I (Singular), squarefree of degree 33, so l separates the 33 points; a rational form
    # separating the points takes a real value exactly at the real points (a complex point and
    # its conjugate are both solutions and would share a real value), so the number of real
    # roots (isolated exactly by sympy; count_roots, a Sturm sequence, agrees but takes 1.4 s)
    # is the number of real critical points.
    from sympy import QQ, Poly, Symbol

    coefficients = eliminant(polynomials, nvars, [1, 2, 3, 4])
    squarefree = Poly(list(reversed(coefficients)), Symbol("t"), domain=QQ).sqf_part()
    assert squarefree.degree() == 33
    assert result.real_count == len(squarefree.intervals()) == 17


@pytest.mark.exact
@needs("singular")
def test_eliminant_edge_cases() -> None:
    assert eliminant(*CUSP, [1, 1]) == [Fraction(0), Fraction(0), Fraction(1)]  # t^2: one double point
    assert eliminant(*HYPERBOLA, [1, 2]) == []  # infinitely many values
    assert eliminant(*NO_SOLUTION, [1, 2]) == [Fraction(1)]


@pytest.mark.exact
@needs("msolve")
def test_msolve_alone(monkeypatch: pytest.MonkeyPatch, scratch: Path) -> None:
    monkeypatch.setattr(exact, "_singular_path", lambda: None)
    for system, expected in [
        (TWO_WELLS, (0, 5, 5, 3)),
        (CUSP, (0, 2, 1, 1)),
        (NO_SOLUTION, (-1, 0, 0, 0)),
        (HYPERBOLA, (1, None, None, None)),  # dimension from msolve's leading ideal
        (LINEAR_121, (1, None, None, None)),
    ]:
        result = exact_check(*system)
        assert result.tool == "msolve"
        assert (result.dimension, result.count_with_multiplicity, result.count_without_multiplicity,
                result.real_count) == expected
        assert result.components is None
        assert any("Singular not installed" in note for note in result.notes)
    assert leftovers(scratch) == ([], [])


@pytest.mark.exact
@needs("singular")
def test_singular_alone_counts_real_points_by_elimination(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exact, "_msolve_path", lambda: None)
    result = exact_check(*TWO_WELLS)
    assert result.tool == "singular"
    assert (result.count_without_multiplicity, result.real_count) == (5, 3)
    assert any("msolve not installed" in note for note in result.notes)
    assert any("real root isolation" in note for note in result.notes)


@pytest.mark.exact
@needs("singular")
def test_disagreement_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exact, "_msolve_path", lambda: "/msolve")
    monkeypatch.setattr(exact, "_msolve_version", lambda path: "0")
    monkeypatch.setattr(exact, "_run_msolve", lambda *args: exact._MsolveAnswer(0, 5, 4, 3))
    with pytest.raises(BackendCrashed, match=r"Singular vdim\(radical\) = 5, msolve = 4"):
        exact_check(*TWO_WELLS)
    monkeypatch.setattr(exact, "_run_msolve", lambda *args: exact._MsolveAnswer(0, 6, 5, 3))
    with pytest.raises(BackendCrashed, match=r"Singular vdim = 5, msolve = 6"):
        exact_check(*TWO_WELLS)


# --------------------------------------------------------------------------------------------
# Time limits and failures


@pytest.mark.exact
@needs("singular")
def test_tiny_timeout_is_backend_timeout(scratch: Path) -> None:
    polynomials, nvars = case_gradient("net121_quad_l2")
    with pytest.raises(BackendTimeout) as caught:
        exact_check(polynomials, nvars, timeout=1e-4)
    assert caught.value.timeout == 1e-4
    assert leftovers(scratch) == ([], [])


@pytest.mark.exact
@needs("singular")
def test_slow_stage_is_noted_not_guessed(scratch: Path) -> None:
    """net121_quad_l2: std/vdim take 0.1 s, Singular's radical about 8-10 s (msolve 0.2 s)."""
    polynomials, nvars = case_gradient("net121_quad_l2")
    result = exact_check(polynomials, nvars, timeout=2.0)
    assert (result.dimension, result.count_with_multiplicity) == (0, 61)
    assert any(note.startswith("radical timed out") for note in result.notes)
    if "msolve" in TOOLS:
        assert (result.count_without_multiplicity, result.real_count) == (61, 19)
        assert any("msolve only" in note for note in result.notes)
    else:
        assert result.count_without_multiplicity is None and result.real_count is None
    assert result.seconds < 4
    assert leftovers(scratch) == ([], [])


def test_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exact, "_singular_path", lambda: None)
    monkeypatch.setattr(exact, "_msolve_path", lambda: None)
    assert available_exact_tools() == []
    with pytest.raises(BackendUnavailable, match="apt-get install --no-install-recommends singular"):
        exact_check(*CUSP)


def test_singular_error_is_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = fake_tool(tmp_path, "Singular", 'echo "   ? something went wrong"\necho "AM_END"\n')
    monkeypatch.setattr(exact, "_singular_path", lambda: fake)
    monkeypatch.setattr(exact, "_msolve_path", lambda: None)
    with pytest.raises(BackendCrashed, match="something went wrong") as caught:
        exact_check(*CUSP)
    assert "something went wrong" in caught.value.log_tail


def test_unreadable_msolve_output_is_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = fake_tool(tmp_path, "msolve", 'while [ $# -gt 1 ]; do [ "$1" = -o ] && echo "[0, garbage]:" > "$2"; shift; done\n')
    monkeypatch.setattr(exact, "_singular_path", lambda: None)
    monkeypatch.setattr(exact, "_msolve_path", lambda: fake)
    with pytest.raises(BackendCrashed, match="cannot read msolve's output") as caught:
        exact_check(*CUSP)
    assert "garbage" in caught.value.log_tail


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="exponent tuple"):
        exact_check([{(1, 0, 0): Fraction(1)}], 2)
    with pytest.raises(ValueError, match="timeout"):
        exact_check(*CUSP, timeout=0)


# --------------------------------------------------------------------------------------------
# Pure helpers


def test_denominators_are_cleared() -> None:
    polynomial = {(2, 1): Fraction(1, 5), (0, 1): Fraction(-2), (0, 0): Fraction(3, 2)}
    assert exact._integer_text(polynomial) == "2*x1^2*x2-20*x2+15"
    assert exact._integer_text({}) == "0"


def test_msolve_output_parser() -> None:
    text = """[0, [0,
2,
5,
['x1', 'x2'],
[0, 1],
[1,
[[5, [0, -99, 0, 10, 0, 25]],
[4, [-99, 0, 30, 0, 125]],
[
[[4, [0, 0, 0, -200, 0]],
1]
]]]],[1,
[[[-5 / 2^2, -3 / 2], [-1 / 2, -1 / 2]], [[0, 0], [0, 0]], [[1, 1], [1, 1]]]
]]:
"""
    data = exact._parse_msolve(text)
    assert data[2][1][0][0] == [Fraction(-5, 4), Fraction(-3, 2)]
    # 25 t^5 + 10 t^3 - 99 t = t (5 t^2 - 9)(5 t^2 + 11): 5 distinct roots, 3 intervals given.
    assert exact._interpret_msolve(data) == exact._MsolveAnswer(0, 5, 5, 3)
    assert exact._interpret_msolve(exact._parse_msolve("[-1]:")) == exact._MsolveAnswer(-1, 0, 0, 0)
    assert exact._interpret_msolve(exact._parse_msolve("[1, 2, -1, []]:")).dimension_class == 1
    with pytest.raises(ValueError):
        exact._parse_msolve("[1, 2")


def test_minimum_hitting_set() -> None:
    # leading ideal (x1 x2^2, x1^2 x2) of the hyperbola system: x1 = 0 meets both: dimension 1.
    assert exact._minimum_hitting_set([frozenset({0, 1}), frozenset({0, 1})]) == 1
    assert exact._minimum_hitting_set([frozenset({0}), frozenset({1}), frozenset({2})]) == 3
    assert exact._minimum_hitting_set([]) == 0
