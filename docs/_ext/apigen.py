"""Write the API reference's pages from the package's ``__all__`` lists.

One page per public module (every module of ``algmorse`` whose name has no component starting
with ``_`` and which defines ``__all__``), grouped by subpackage, plus a page for ``algmorse``
itself. Each page has the module's docstring and an autosummary table of its ``__all__``;
autosummary then writes one page per name. A name is documented once, in the module that
defines it (``obj.__module__``; for constants, the first module listing it that is not a
package's ``__init__``): the tables of other modules that re-export it link to that page.

The pages are written to ``docs/api/generated/`` at every build (ignored by git).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
from pathlib import Path

PACKAGE = "algmorse"


def public_modules() -> list[str]:
    """Names of the public modules with an ``__all__``, and of every public subpackage."""
    package = importlib.import_module(PACKAGE)
    names = [PACKAGE]
    for info in pkgutil.walk_packages(package.__path__, PACKAGE + "."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        if info.ispkg or hasattr(module, "__all__"):
            names.append(info.name)
    return sorted(names)


def _home(name: str, obj, module, modules: dict[str, object]) -> str:
    """The module that documents ``obj``."""
    home = getattr(obj, "__module__", None)
    if inspect.ismodule(obj):
        return obj.__name__
    if isinstance(home, str) and home in modules and name in getattr(modules[home], "__all__", ()):
        return home
    if home is not None and isinstance(home, str) and home.startswith(PACKAGE) and not (
            isinstance(obj, (int, float, str, bytes, tuple, frozenset, dict, list))):
        # defined in a module without __all__ or under another name: document it here
        return module.__name__
    # data: the first non-package module whose __all__ lists it
    for candidate in sorted(modules, key=lambda m: (hasattr(modules[m], "__path__"), m)):
        other = modules[candidate]
        if name in getattr(other, "__all__", ()) and getattr(other, name, None) is obj:
            return candidate
    return module.__name__


def _relative(full: str, current: str) -> str:
    """``full`` as an autosummary entry on the page of module ``current`` (shown by its last name)."""
    if full.startswith(current + "."):
        full = full[len(current) + 1:]
    return "~" + full if "." in full else full


def _title(text: str, mark: str = "=") -> str:
    return f"{text}\n{mark * len(text)}\n"


def write_api_pages(out: Path) -> None:
    """(Re)write ``out``: the module pages and ``modules.inc`` (the reference's table of contents)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    names = public_modules()
    modules = {name: importlib.import_module(name) for name in names}
    for name, module in modules.items():
        lines = [f".. _api-{name}:\n", _title(name), f".. automodule:: {name}\n   :no-members:\n",
                 f".. currentmodule:: {name}\n",
                 # the docstrings' examples run in the module's namespace, as in pytest --doctest-modules
                 f".. testsetup:: *\n\n   import {name} as _module\n   globals().update(vars(_module))\n"]
        exported = list(getattr(module, "__all__", ()))
        pages, data, elsewhere = [], [], []
        for member in exported:
            obj = getattr(module, member)
            home = _home(member, obj, module, modules)
            if home != name:
                elsewhere.append(_relative(f"{home}.{member}", name))
            elif inspect.isclass(obj) or inspect.isroutine(obj):
                pages.append(member)
            else:
                data.append(member)
        if pages:
            lines += ["", ".. autosummary::", "   :toctree: .", "   :template: autosummary/object.rst", ""]
            lines += [f"   {member}" for member in pages]
        if data:
            lines += ["", ".. rubric:: Constants and type aliases", ""]
            for member in data:  # a short constant shows its value
                value = getattr(module, member)
                short = isinstance(value, (bool, int, float, str, tuple, frozenset)) and len(repr(value)) <= 80
                lines.append(f".. autodata:: {member}\n" + ("" if short else "   :no-value:\n"))
        if elsewhere:
            lines += ["", ".. rubric:: Also exported here" if (pages or data) else ".. rubric:: Exported here",
                      "", "Documented where they are defined:", "", ".. autosummary::", ""]
            lines += [f"   {full}" for full in elsewhere]
        children = [other for other in names
                    if other.startswith(name + ".") and other.count(".") == name.count(".") + 1]
        if children and name != PACKAGE:
            lines += ["", ".. rubric:: Modules", "", ".. toctree::", "   :maxdepth: 1", ""]
            lines += [f"   {child}" for child in children]
        (out / f"{name}.rst").write_text("\n".join(lines) + "\n", encoding="utf-8")
    top = [name for name in names if name != PACKAGE and name.count(".") == 1]
    toc = [".. toctree::", "   :maxdepth: 2", "", f"   generated/{PACKAGE}"]
    toc += [f"   generated/{name}" for name in top]
    (out / "modules.inc").write_text("\n".join(toc) + "\n", encoding="utf-8")


def balance_summaries() -> None:
    """Keep autosummary's one-line summaries from cutting an inline literal in two.

    autosummary ends a summary at the first period followed by a space, also inside an inline
    literal such as ``u . v`` or ``c_1 t + ... + c_d t^d``; the table then holds an unterminated
    literal (a docutils warning). A summary with an odd number of literal marks is extended,
    sentence by sentence, until its literals are closed.
    """
    from sphinx.ext import autosummary

    original = autosummary.extract_summary
    if getattr(original, "_algmorse_balanced", False):
        return

    def extract_summary(doc, settings) -> str:
        summary = original(doc, settings)
        if summary.count("``") % 2 == 0:
            return summary
        stanza: list[str] = []
        for line in doc:
            if not line.strip():
                if stanza:
                    break
                continue
            stanza.append(line.strip())
        sentences = autosummary.periods_re.split(" ".join(stanza))
        for end in range(1, len(sentences) + 1):
            candidate = ". ".join(sentences[:end]).rstrip(".") + "."
            if len(candidate) >= len(summary) and candidate.count("``") % 2 == 0:
                return candidate
        return " ".join(stanza)

    extract_summary._algmorse_balanced = True
    autosummary.extract_summary = extract_summary
