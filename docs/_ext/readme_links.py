"""Links of the README to files of the repository, in the user guide.

The guide includes the README (``docs/guide/*.rst``, parsed by MyST), which is written for the
repository: a link such as ``[examples/README.md](examples/README.md)`` names a file there, and
MyST, finding no such document in the site, would warn (``myst.xref_missing``). Each file in
``FILES`` is shown by a page of the site, and its links lead to that page instead. A link to any
other file still warns, so that a new one is noticed and given its page here.
"""

from __future__ import annotations

from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

#: README link target (a path in the repository) -> the document of the site that shows it.
FILES = {
    "examples/README.md": "auto_examples/index",  # the gallery's header is that table
}


class ReadmeFileLinks(SphinxPostTransform):
    """Point MyST's unresolved links to repository files at the pages that show them."""

    default_priority = 5  # before MyST's resolver (9) and Sphinx's (10)

    def run(self, **kwargs) -> None:
        for node in self.document.findall(addnodes.pending_xref):
            if node.get("reftype") != "myst" or node.get("reftarget") not in FILES:
                continue
            node["refdomain"] = "doc"
            node["reftarget"] = FILES[node["reftarget"]]
            node["reftargetid"] = None


def setup(app):
    app.add_post_transform(ReadmeFileLinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
