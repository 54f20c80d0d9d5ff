"""Access to the fixture library shipped as :mod:`algmorse.polynomials`.

Examples
--------
>>> from algmorse.library import list_cases, load_case
>>> "chain2_l2" in list_cases()
True
>>> load_case("chain2_l2").expected["isolated"]
5
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .errors import SpecError
from .spec import Spec, parse_spec

__all__ = ["Case", "list_cases", "load_case"]

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
    """

    name: str
    description: str
    spec: Spec
    expected: dict[str, Any]
    sources: dict[str, str]
    slow: bool = False


def list_cases() -> list[str]:
    """Names of all shipped cases, sorted."""
    files = resources.files(_PACKAGE).iterdir()
    return sorted(f.name[:-5] for f in files if f.name.endswith(".toml"))


def load_case(name: str) -> Case:
    """Load one case by name.

    Raises
    ------
    SpecError
        If there is no such case (the message lists the available ones).
    """
    resource = resources.files(_PACKAGE) / f"{name}.toml"
    if not resource.is_file():
        raise SpecError("case", f"no case named {name!r}.", f"Available: {', '.join(list_cases())}.")
    data = tomllib.loads(resource.read_text(encoding="utf-8"))
    meta = data.pop("case", {})
    expected = data.pop("expected", {})
    sources = expected.pop("sources", {})
    return Case(
        name=name,
        description=meta.get("description", ""),
        spec=parse_spec(data, source=f"{_PACKAGE}/{name}.toml"),
        expected=expected,
        sources=sources,
        slow=bool(meta.get("slow", False)),
    )
