"""The ``algmorse`` command line.

``algmorse solve SPEC.toml -o CATALOG.json [--seed N] [--jobs N] [--timeout S]`` solves a spec,
prints a short summary and writes the catalog; ``algmorse show CATALOG.json`` prints a saved
catalog as a table; the other subcommands are listed by ``algmorse --help`` and live in
:mod:`algmorse.commands`, one module each. Errors in the input (or a failed backend) print one
message to stderr and exit with status 2; no traceback, nothing half-written. An interrupt
(SIGINT, status 130) or SIGTERM (status 143) ends the run within seconds: running workers are
killed and temporary folders removed; workers also die with the process if it is killed outright
(SIGKILL), see :mod:`algmorse.engine.processes`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from ._version import __version__
from .commands import COMMANDS
from .engine import processes
from .errors import AlgmorseError

__all__ = ["main", "build_parser"]


def _command_modules():
    return [importlib.import_module(f"{__package__}.commands.{name}") for name in COMMANDS]


def _first_paragraph(text: str) -> str:
    """A docstring's first paragraph on one line (argparse rewraps it)."""
    return " ".join(text.strip().split("\n\n")[0].split())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(prog="algmorse", description="Critical points and Morse verdicts of polynomial losses.")
    parser.add_argument("--version", action="version", version=f"algmorse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in _command_modules():
        sub = commands.add_parser(module.NAME, help=module.HELP, description=_first_paragraph(module.__doc__))
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        with processes.interrupt_on_sigterm():
            return args.run(args)
    except AlgmorseError as exc:
        print(f"algmorse: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `algmorse show c.json | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except processes.Terminated:
        processes.remove_own_folders()
        print("algmorse: terminated (SIGTERM); worker processes and temporary folders removed", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        processes.remove_own_folders()
        print("algmorse: interrupted; worker processes and temporary folders removed", file=sys.stderr)
        return 130
