"""Access to the fixture library shipped as :mod:`algmorse.polynomials`.

Examples
--------
>>> from algmorse.results.library import list_cases, load_case
>>> "chain2_l2" in list_cases()
True
>>> load_case("chain2_l2").expected["isolated"]
5
>>> load_case("relu_111_l2").kind
'relu'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..analysis.verdict import COMPLETENESS_LEVELS, VERDICT_BASES
from ..errors import SpecError
from ..model.network import NetworkProblem
from ..model.spec import Spec, parse_spec

__all__ = ["Case", "list_cases", "load_case", "VERDICT_BASES"]

_PACKAGE = "algmorse.polynomials"


@dataclass(frozen=True, slots=True)
class Case:
    """A named problem with its known classification.

    Attributes
    ----------
    name : str
    description : str
    spec : Spec
        The problem and solve options.
    expected : dict
        Expected values (see :mod:`algmorse.polynomials` for the keys).
    sources : dict
        How each expected value was established.
    slow : bool
        Whether solving it takes minutes (``slow = true`` in ``[case]``).

    A case whose network has ``activation = "relu"`` is solved by
    :func:`algmorse.relu.analyze.analyze_relu` (``kind == "relu"``), every other one by
    :func:`algmorse.analyze` (``kind == "polynomial"``).
    """

    name: str
    description: str
    spec: Spec
    expected: dict[str, Any]
    sources: dict[str, str]
    slow: bool = False

    @property
    def kind(self) -> str:
        """``"relu"`` for a relu network, ``"polynomial"`` otherwise."""
        problem = self.spec.problem
        return "relu" if isinstance(problem, NetworkProblem) and problem.network.is_relu else "polynomial"


def list_cases(kind: str = "polynomial") -> list[str]:
    """Names of the shipped cases of one kind, sorted.

    Parameters
    ----------
    kind : {"polynomial", "relu", "all"}
        ``"polynomial"`` (the default): the cases :func:`algmorse.analyze` solves, checked with
        :func:`algmorse.testing.assert_matches_expected` against a catalog; ``"relu"``: relu
        networks, for :func:`algmorse.relu.analyze.analyze_relu`; ``"all"``: both.
    """
    if kind not in ("polynomial", "relu", "all"):
        raise SpecError("kind", f"expected 'polynomial', 'relu' or 'all', got {kind!r}.")
    files = resources.files(_PACKAGE).iterdir()
    names = sorted(f.name[:-5] for f in files if f.name.endswith(".toml"))
    return names if kind == "all" else [n for n in names if load_case(n).kind == kind]


def load_case(name: str) -> Case:
    """Load one case by name.

    Raises
    ------
    SpecError
        If there is no such case (the message lists the available ones).
    """
    resource = resources.files(_PACKAGE) / f"{name}.toml"
    if not resource.is_file():
        raise SpecError("case", f"no case named {name!r}.", f"Available: {', '.join(list_cases('all'))}.")
    data = tomllib.loads(resource.read_text(encoding="utf-8"))
    meta = data.pop("case", {})
    expected = data.pop("expected", {})
    sources = expected.pop("sources", {})
    _check_proof_keys(expected, f"{_PACKAGE}/{name}.toml")
    return Case(
        name=name,
        description=meta.get("description", ""),
        spec=parse_spec(data, source=f"{_PACKAGE}/{name}.toml"),
        expected=expected,
        sources=sources,
        slow=bool(meta.get("slow", False)),
    )


def _check_proof_keys(expected: dict[str, Any], source: str) -> None:
    """Validate (and normalize in place) the ``completeness`` and ``*_basis`` expected keys.

    ``completeness`` must be one of :data:`~algmorse.analysis.verdict.COMPLETENESS_LEVELS`;
    ``morse_basis``, ``complex_morse_basis`` and their Morse-Bott twins a basis or a list of them (from
    :data:`VERDICT_BASES`), stored as a list.
    """
    if "completeness" in expected and expected["completeness"] not in COMPLETENESS_LEVELS:
        raise SpecError("expected.completeness",
                        f"{source}: unknown completeness level {expected['completeness']!r}.",
                        f"Use one of {', '.join(COMPLETENESS_LEVELS)} (strongest first; the catalog must reach at "
                        "least that level).")
    for key in ("morse_basis", "complex_morse_basis", "morse_bott_basis", "complex_morse_bott_basis"):
        if key not in expected:
            continue
        value = expected[key]
        bases = [value] if isinstance(value, str) else value
        if not isinstance(bases, list) or not bases or not all(isinstance(b, str) for b in bases):
            raise SpecError(f"expected.{key}", f"{source}: expected a basis or a non-empty list of bases, got {value!r}.")
        unknown = [b for b in bases if b not in VERDICT_BASES]
        if unknown:
            raise SpecError(f"expected.{key}", f"{source}: unknown basis {unknown[0]!r}.",
                            f"Use any of {', '.join(VERDICT_BASES)}.")
        expected[key] = bases
