"""The subcommands of the ``algmorse`` command line, one module each.

Each module defines ``NAME`` (the subcommand), ``HELP`` (one line), ``add_arguments(parser)``
and ``run(args) -> int`` (the exit status). :mod:`algmorse.cli` registers the modules listed in
:data:`COMMANDS`, in this order, and turns :class:`~algmorse.errors.AlgmorseError` into a
one-line message and exit status 2.
"""

from __future__ import annotations

COMMANDS: tuple[str, ...] = ("solve", "sweep", "show", "plot", "export", "symmetries", "discriminant")
