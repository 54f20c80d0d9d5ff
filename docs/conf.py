"""Sphinx configuration of the algmorse documentation.

Build it with ``bash scripts/build_docs.sh`` (html with warnings as errors, then the doctests).
No network is needed: intersphinx is off, and the gallery runs the examples locally (they need
the PHCpack backend and Singular, which ``scripts/setup.sh`` installs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Document (and run the gallery against) this checkout, not whatever algmorse is installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # README, "Busy machines"
os.environ.setdefault("MPLBACKEND", "Agg")

import algmorse  # noqa: E402
import apigen  # noqa: E402
import gallery  # noqa: E402

project = "algmorse"
author = "the algmorse developers"
copyright = "the algmorse developers"
release = algmorse.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "readme_links",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip"]
# The pages are reStructuredText; Markdown is read only where a page includes the README
# (myst_parser's ".md" suffix is taken out again in setup(), below).
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
nitpicky = False
default_role = "code"  # `x` in a docstring is inline code, as in the README

# --- user guide: docs/guide/*.rst include the README's sections with MyST (``.. include::
# ../../README.md`` with ``:parser: myst_parser.sphinx_``, between ``<!-- guide: NAME -->`` markers),
# so the README is the one source of their text. The README's links to its own sections
# (``#how-a-solve-works-and-what-it-proves``) resolve to the labels of the same names on the pages
# that show those sections; its links to repository files go to the pages that show them
# (docs/_ext/readme_links.py). The README's headings are left out (the pages give their own), so
# an included fragment has no heading whose level could clash with the page's.
myst_enable_extensions: list[str] = []  # CommonMark plus MyST's defaults (GFM tables included)

# --- API reference: docs/_ext/apigen.py writes one page per public module (its ``__all__``) and
# autosummary writes one page per public name.
apigen.write_api_pages(DOCS / "api" / "generated")
apigen.balance_summaries()
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
autodoc_mock_imports = ["phcpy"]

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# --- doctests (``sphinx-build -b doctest``): the ``>>>`` examples of the guide and of every
# docstring the API pages pull in, each run in its module's namespace (``.. testsetup::`` on the
# generated pages), as ``pytest --doctest-modules`` runs them. They take seconds; those that call
# PHCpack or Singular need them installed, as the tests do.
doctest_global_setup = """
from fractions import Fraction
import numpy as np
import algmorse
"""
doctest_test_doctest_blocks = "default"

# --- gallery: every example in examples/ is executed (they take seconds each; see
# docs/_ext/gallery.py for how their figures, written as PNG files, reach the pages).
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/(seed\d{3}_\w+|quickstart)\.py$",
    "ignore_pattern": r"/_",
    "image_scrapers": ("matplotlib", "gallery.png_scraper"),
    "reset_argv": "gallery.reset_argv",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 0,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "capture_repr": (),
    "show_memory": False,
    "show_signature": False,
}
gallery.run_as_scripts()

html_theme = "pydata_sphinx_theme"
html_title = f"algmorse {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_show_sourcelink = False


def _data_signature(app, what, name, obj, options, signature, return_annotation):
    """Leave data (constants, type aliases) alone: numpydoc would treat a callable alias such as
    ``dict[tuple[int, ...], Fraction]`` as a function and fail on its signature."""
    if what == "data":
        return signature, return_annotation
    return None


def _no_type_docstring(app, what, name, obj, options, lines):
    """A constant without a docstring of its own gets none, not its type's (``str.__doc__``)."""
    from sphinx.util.docstrings import prepare_docstring

    own = type(obj).__doc__
    if what in ("data", "attribute") and own and lines:
        words = [line.strip() for line in lines if line.strip()]
        if words == [line.strip() for line in prepare_docstring(own) if line.strip()]:
            lines[:] = []


def _rst_sources_only(app, config):
    """No Markdown file is a page: MyST parses only the README sections the guide includes.

    myst_parser makes ``.md`` a source suffix; sphinx-gallery would then take
    ``examples/README.md`` (the repository's table, with links to ``.py`` files) for the gallery's
    header instead of ``examples/GALLERY_HEADER.rst``, and write it into an rST page.
    """
    config.source_suffix.pop(".md", None)


def setup(app):
    # after Sphinx merges the extensions' suffixes (priority 800), before the builder starts
    app.connect("config-inited", _rst_sources_only, priority=900)
    app.connect("autodoc-process-signature", _data_signature, priority=100)
    app.connect("autodoc-process-docstring", _no_type_docstring, priority=100)
