"""Exports with parameters: the parametrized gradient against systems rebuilt at parameter values, the
HC.jl script and the Bertini parameter-homotopy files read back, and the command line."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import algmorse.polynomials as library
from algmorse import SolveOptions, analyze, write_catalog
from algmorse.errors import SpecError
from algmorse.model.expr import parse_polynomial
from algmorse.model.network import (Activation, Dataset, FunctionProblem, Network, NetworkProblem, Regularizer, ReLU,
                                    SystemProblem)
from algmorse.model.parameters import parameter_names
from algmorse.model.parametrized import parametrized_gradient
from algmorse.model.system import build_system
from algmorse.results.exports import bertini_parameter_files, hcjl_parameter_script, system_text
from algmorse.results.library import load_case

DEEP = NetworkProblem(  # two hidden layers of t + t^2 with biases: degree 2 * 2^2 = 8 in an input
    Network((2, 1, 1, 1), Activation.from_coefficients([0, 1, 1]), bias=True),
    Dataset(((Fraction(1), Fraction(-2)), (Fraction(1, 2), Fraction(3))), ((Fraction(1),), (Fraction(-1),))),
    scale=Fraction(1, 3), regularizer=Regularizer("l2", Fraction(1, 7)))

CASES = [  # (problem, names): every kind of parameter, every regularizer with a strength
    (lambda: load_case("net121_sq_genl2").spec.problem, ["eps_2", "scale", "x_1_1", "y_3_1"]),
    (lambda: load_case("net221_sq_l2_2pts").spec.problem, ["eps", "x_2_1", "x_2_2", "y_1_1"]),
    (lambda: load_case("chain3_mult").spec.problem, ["scale", "eps"]),
    (lambda: DEEP, ["x_1_2", "y_2_1", "eps", "scale"]),
    (lambda: FunctionProblem(("a", "b"), "a^4 - a*b + b^2/3", Regularizer("polynomial", None, "a^2*b^2")), ["eps"]),
]


def _with(problem, assignment):
    """``problem`` with its parameters set to ``assignment``, built anew through the checked constructors."""
    reg, data = problem.regularizer, getattr(problem, "data", None)
    for name, value in assignment.items():
        if name == "scale":
            problem = replace(problem, scale=value)
        elif name == "eps":
            reg = replace(reg, eps=value)
        elif name.startswith("eps_"):
            eps = list(reg.eps)
            eps[int(name[4:]) - 1] = value
            reg = replace(reg, eps=tuple(eps))
        else:
            letter, i, k = name.split("_")
            rows = [list(row) for row in getattr(data, letter)]
            rows[int(i) - 1][int(k) - 1] = value
            data = replace(data, **{letter: tuple(map(tuple, rows))})
    if data is not None:
        problem = replace(problem, data=data)
    return replace(problem, regularizer=reg)


@pytest.mark.parametrize("make, names", CASES)
def test_parametrized_gradient_is_the_system_rebuilt_at_any_parameter_values(make, names):
    problem = make()
    system = parametrized_gradient(problem, names)
    assert system.parameters == tuple(names) and system.variables == problem.variables
    assert system.specialized() == build_system(problem).sparse_gradient()
    assert system.specialized_loss() == build_system(problem).sparse_loss()
    rng = random.Random(7)
    for _ in range(2):  # off the interpolation grid 0..degree, so a low degree bound would show
        values = [Fraction(rng.randint(-40 * name[0] in "xy", 40), rng.randint(1, 9)) + Fraction(1, 97)
                  for name in names]  # strengths and scales > 0, data values of either sign
        rebuilt = build_system(_with(problem, dict(zip(names, values))))
        assert system.specialized(values) == rebuilt.sparse_gradient()
        assert system.specialized_loss(values) == rebuilt.sparse_loss()


def test_parameter_values_are_the_problems_own():
    problem = load_case("net121_sq_genl2").spec.problem
    system = parametrized_gradient(problem, ["y_2_1", "eps_4", "scale", "x_3_1"])
    assert system.values == (Fraction(1), Fraction(3, 11), Fraction(1), Fraction(3))
    assert parametrized_gradient(FunctionProblem(("a",), "a^4", Regularizer("polynomial", None, "a^2")),
                                 ["eps"]).values == (Fraction(1),)  # a polynomial regularizer's strength is 1
    with pytest.raises(SpecError, match="`values`: 3 values for 4 parameters"):
        system.specialized([1, 2, 3])


def test_unknown_repeated_and_impossible_parameters_are_refused_by_name():
    problem = load_case("net121_sq_genl2").spec.problem
    with pytest.raises(SpecError, match=r"`--parameters`: 'eps' is not a parameter .* eps_1, eps_2, eps_3, eps_4, "
                                        r"scale, x_I_K \(I = 1..3, K = 1..1\)") as caught:
        parametrized_gradient(problem, ["eps"], field="--parameters")
    assert caught.value.field == "--parameters"
    for bad in (["x_4_1"], ["y_1_2"], ["eps_5"], ["x_1"], ["scale "]):
        with pytest.raises(SpecError, match="is not a parameter"):
            parametrized_gradient(problem, bad)
    with pytest.raises(SpecError, match="scale given more than once"):
        parametrized_gradient(problem, ["scale", "x_1_1", "scale"])
    with pytest.raises(SpecError, match="'scale' is not a parameter .* none"):
        parametrized_gradient(FunctionProblem(("a",), "a^4"), ["scale"])
    assert parameter_names(SystemProblem(("a",), ("a^2 - 1",))) == ()
    with pytest.raises(SpecError, match="a square system has no loss"):
        parametrized_gradient(SystemProblem(("a",), ("a^2 - 1",)), [])
    with pytest.raises(SpecError, match="not been drawn yet"):
        parametrized_gradient(replace(problem, regularizer=Regularizer("generalized-l2")), ["eps_1"])
    wide = NetworkProblem(Network((4, 1, 1, 1), Activation.from_coefficients([0, 1, 0, 1])),  # degree 18 in inputs
                          Dataset(((Fraction(1),) * 4,), ((Fraction(1),),)))
    with pytest.raises(SpecError, match=r"x_1_1, x_1_2, x_1_4 would take 6859 loss builds \(degree 18 in each input"):
        parametrized_gradient(wide, ["x_1_1", "x_1_2", "x_1_4"])
    relu = NetworkProblem(Network((1, 1, 1), ReLU()), Dataset(((Fraction(1),),), ((Fraction(1),),)))
    with pytest.raises(SpecError, match="relu is piecewise linear"):
        parametrized_gradient(relu, ["y_1_1"])


@pytest.mark.exact
def test_singular_differentiates_the_loss_written_by_hand_to_the_bertini_functions(tmp_path):
    from algmorse.engine.exact import _singular_path

    # chain3_l2: f(x) = w3 w2 w1 x, L = scale (f(x_1) - y_1)^2 + eps |w|^2; p1..p4 = eps, scale, x_1_1, y_1_1
    system = parametrized_gradient(load_case("chain3_l2").spec.problem, ["eps", "scale", "x_1_1", "y_1_1"])
    functions = re.findall(r"^f\d+ = (.*);$", bertini_parameter_files(system)["input"], re.MULTILINE)
    script = ("ring r = 0, (x1,x2,x3,p1,p2,p3,p4), dp;\n"
              "poly L = p2*(x3*x2*x1*p3 - p4)^2 + p1*(x1^2 + x2^2 + x3^2);\n"
              f"ideal ours = {', '.join(functions)};\n"
              "int i; for (i = 1; i <= 3; i++) { print(ours[i] == diff(L, var(i))); }\nquit;\n")
    (tmp_path / "in.sing").write_text(script)
    out = subprocess.run([_singular_path(), "-q", "--no-rc", str(tmp_path / "in.sing")], capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.split() == ["1", "1", "1"], out.stdout + out.stderr


def _parsed(texts, system):
    names = [f"x{i + 1}" for i in range(len(system.variables))] + [f"p{i + 1}" for i in range(len(system.parameters))]
    return [parse_polynomial(text, names, field="export") for text in texts]


JULIA_API = {"using", "HomotopyContinuation", "System", "solve", "certify", "solutions", "im",
             "variables", "parameters", "target_parameters", "start_parameters"}  # functions and keywords


def _julia_undefined(text):
    """A tiny reading of the script: its statements (the System spans lines) and the names each uses
    before ``@var`` or an assignment defines them."""
    statements, pending = [], ""
    for line in text.splitlines():
        if line.startswith("#") and not pending:
            continue
        pending += line
        if pending.count("(") == pending.count(")") and pending.count("[") == pending.count("]"):
            statements.append(pending)
            pending = ""
    assert not pending, "unbalanced brackets"
    defined, undefined = set(), set()
    for statement in statements:
        if statement.startswith("@var "):
            defined |= set(statement.split()[1:])
            continue
        assigned = re.match(r"(\w+) = ", statement)
        code = statement[assigned.end() if assigned else 0:].split("#")[0]
        undefined |= set(re.findall(r"(?<![\w.])[A-Za-z_]\w*", code)) - defined - JULIA_API  # not 1e-5, 2.0im
        defined |= {assigned.group(1)} if assigned else set()
    return statements, undefined


def test_hcjl_script_declares_the_parameters_and_certifies():
    problem = load_case("net221_sq_l2_2pts").spec.problem
    system = parametrized_gradient(problem, ["eps", "y_2_1"])
    text = hcjl_parameter_script(system)
    statements, undefined = _julia_undefined(text)
    assert len(statements) == 7 and undefined == set()
    declared = text.split("@var ")[1].split("\n")[0].split()
    assert declared == ["x1", "x2", "x3", "x4", "x5", "x6", "p1", "p2"]
    assert "], variables = [x1, x2, x3, x4, x5, x6], parameters = [p1, p2])" in text
    assert "# p1 = eps (problem value 1/10)\n# p2 = y_2_1 (problem value 1)\n" in text
    body = text.split("System([")[1].split("\n]")[0]
    assert _parsed(body.replace("//", "/").split(","), system) == system.sparse_gradient()
    assert "p_spec = [1//10, 1]" in text
    assert "result = solve(F; target_parameters = p_spec)\ncertify(F, result, p_spec)\n" in text
    assert "\n# moved = solve(F, start; start_parameters = p_spec, target_parameters = p_target)\n" in text
    moved = hcjl_parameter_script(system, points=[[1, 2j, 0, 0, 0, 0]], target=[Fraction(-1, 5), Fraction(2)])
    assert "p_target = [-1//5, 2]\nmoved = solve(F, start;" in moved and "\ncertify(F, moved, p_target)\n" in moved
    assert "certify(F, points, p_spec)\nstart = points\n" in moved and "solve(F; target" not in moved
    assert _julia_undefined(moved)[1] == set() and _julia_undefined(moved.replace("@var x1", "@var"))[1] == {"x1"}
    with pytest.raises(SpecError, match="`--target`: 1 values for 2 parameters"):
        hcjl_parameter_script(system, target=[Fraction(1)])
    assert "result = solve(F)\ncertify(F, result)\n" in system_text(build_system(problem), "hcjl")


@pytest.fixture(scope="module")
def catalog():
    return analyze(load_case("chain3_l2").spec.problem, options=SolveOptions(seed=1))


def _bertini_values(text):
    """A Bertini point or parameter file: the count and the complex values of each block."""
    head, _, rest = text.partition("\n\n")
    blocks = [[complex(*map(float, line.split())) for line in block.splitlines()]
              for block in rest.strip().split("\n\n")]
    return int(head), blocks


def _evaluate(polynomials, values):
    return np.array([sum(c * np.prod(np.power(values, e)) for e, c in p.items()) for p in polynomials])


def test_bertini_files_hold_the_parameter_homotopy_and_the_catalog_points(catalog):
    system = parametrized_gradient(catalog.problem, ["eps", "scale"])
    points = [p.coordinates for p in catalog.critical_points]
    # (not 1/5, 1: twice the loss at the problem's values, with the same critical points)
    files = bertini_parameter_files(system, points=points, target=[Fraction(1, 5), Fraction(1, 2)])
    assert set(files) == {"input_step1", "input", "start", "start_parameters", "final_parameters"}
    for name, step in (("input_step1", 1), ("input", 2)):
        text = files[name]
        assert f"CONFIG\nParameterHomotopy: {step};\nEND;\nINPUT\n" in text and text.endswith("END;\n")
        assert "variable_group x1,x2,x3;\nparameter p1,p2;\nfunction f1,f2,f3;\n" in text
        assert all(line.startswith("%") or line.endswith(";") or line in ("CONFIG", "INPUT")
                   for line in text.splitlines())
    functions = _parsed(re.findall(r"^f\d+ = (.*);$", files["input"], re.MULTILINE), system)
    assert functions == system.sparse_gradient()
    count, blocks = _bertini_values(files["start"])
    assert count == len(blocks) == len(points) == 17 and all(len(b) == 3 for b in blocks)
    count, (start,) = _bertini_values(files["start_parameters"])
    assert count == 2 and start == [0.1, 0.5]
    count, (final,) = _bertini_values(files["final_parameters"])
    assert count == 2 and final == [0.2, 0.5]
    for block in blocks:  # the start points solve the system at the start parameters, and only there
        assert np.abs(_evaluate(functions, np.array(block + start))).max() < 1e-8
    assert max(np.abs(_evaluate(functions, np.array(block + final))).max() for block in blocks) > 1e-2
    without = bertini_parameter_files(system)
    assert set(without) == {"input_step1", "input"} and without["input"] == files["input"]


def test_export_command_writes_parameter_exports_and_names_the_bad_flag(tmp_path, catalog):
    path = tmp_path / "c.json"
    write_catalog(catalog, path)

    def export(*args):
        return subprocess.run([sys.executable, "-m", "algmorse", "export", *map(str, args)], capture_output=True,
                              text=True, timeout=120)

    done = export(path, "--to", "bertini", "--parameters", "eps, y_1_1", "--points", "--target", "0.2,3",
                  "-o", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["final_parameters", "input", "input_step1",
                                                                    "start", "start_parameters"]
    assert (tmp_path / "run" / "final_parameters").read_text() == "2\n\n0.2 0.0\n3.0 0.0\n"
    spec = Path(library.__file__).parent / "chain3_l2.toml"
    done = export(spec, "--to", "hcjl", "--parameters", "x_1_1", "--target=-1/5", "-o", tmp_path / "s.jl")
    script = (tmp_path / "s.jl").read_text()
    assert done.returncode == 0 and "parameters = [p1])" in script and "\np_target = [-1//5]\n" in script
    for args, message in (
            (["--to", "hcjl", "--parameters", "eps,lr"], "`--parameters`: 'lr' is not a parameter of this problem. "
                                                         "Choose among: eps, scale, x_I_K"),
            (["--to", "m2", "--parameters", "eps"], "`--parameters`: the m2 export writes the system at fixed"),
            (["--to", "hcjl", "--parameters", "eps", "--target", "1/5,x"], "`--target`: '1/5,x' is not a comma"),
            (["--to", "hcjl", "--target", "1/5"], "`--target`: target values need the parameters")):
        refused = export(spec, *args, "-o", tmp_path / "refused")
        assert refused.returncode == 2 and message in refused.stderr and "Traceback" not in refused.stderr
        assert not (tmp_path / "refused").exists()
    (tmp_path / "file").write_text("")
    refused = export(spec, "--to", "bertini", "--parameters", "eps", "-o", tmp_path / "file")
    assert refused.returncode == 2 and "is not a folder" in refused.stderr
    (tmp_path / "clash").mkdir()
    (tmp_path / "clash" / "input").write_text(spec.read_text())  # a spec saved under a name Bertini's files take
    refused = export(tmp_path / "clash" / "input", "--to", "bertini", "--parameters", "eps", "-o", tmp_path / "clash")
    assert refused.returncode == 2 and "writing there would overwrite it" in refused.stderr
    assert (tmp_path / "clash" / "input").read_text() == spec.read_text()
