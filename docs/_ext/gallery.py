"""How the examples run inside sphinx-gallery.

The examples are command-line scripts: they parse ``--out DIR``, write their figures there as
PNG files (``algmorse.results.plot`` builds figures without pyplot, so sphinx-gallery's
matplotlib scraper does not see them) and end with ``sys.exit(main())``. Here

* :func:`reset_argv` gives each example ``--out docs/_build/example-figures/<name>`` (emptied
  first), so nothing is written into the source tree;
* :func:`png_scraper` puts the PNG files an example wrote into its gallery page, in order;
* :func:`run_as_scripts` runs each example as ``python3 example.py`` would: with its docstring as
  ``__doc__`` (sphinx-gallery sets it to ``""``; the examples' ``--help`` reads it), and letting
  ``sys.exit(0)`` end it (sphinx-gallery catches ``Exception`` only, so a ``SystemExit`` would end
  the whole build); a non-zero status is an example error, reported like an exception.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

FIGURES = Path(__file__).resolve().parents[1] / "_build" / "example-figures"


def _figures_dir(src_file) -> Path:
    return FIGURES / Path(src_file).stem


def reset_argv(gallery_conf, script_vars) -> list[str]:
    """Command-line arguments of an example: its figure folder, emptied."""
    folder = _figures_dir(script_vars["src_file"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if Path(script_vars["src_file"]).name == "quickstart.py":
        return []  # no options, no figures
    return ["--out", str(folder)]


def png_scraper(block, block_vars, gallery_conf) -> str:
    """The rST of the PNG files the example wrote since the last call, copied into the gallery."""
    from sphinx_gallery.scrapers import figure_rst

    folder = _figures_dir(block_vars["src_file"])
    seen = block_vars.setdefault("algmorse_seen_figures", set())
    new = sorted((p for p in folder.glob("*.png") if p not in seen), key=lambda p: (p.stat().st_mtime_ns, p.name))
    targets = []
    for png, target in zip(new, block_vars["image_path_iterator"]):
        shutil.copyfile(png, target)
        seen.add(png)
        targets.append(target)
    return figure_rst(targets, gallery_conf["src_dir"])


def run_as_scripts() -> None:
    """Give each example its docstring as ``__doc__``, and let ``sys.exit(0)`` end it, not the build."""
    from sphinx_gallery import gen_rst

    original = gen_rst._exec_once.__call__
    if getattr(original, "_algmorse_script", False):
        return

    def call(self) -> None:
        namespace = self.fake_main.__dict__
        if not namespace.get("__doc__"):
            source = Path(self.code.co_filename).read_text(encoding="utf-8")
            namespace["__doc__"] = ast.get_docstring(ast.parse(source), clean=False)
        try:
            original(self)
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                raise RuntimeError(f"the example exited with status {exit_.code!r}") from None

    call._algmorse_script = True
    gen_rst._exec_once.__call__ = call
