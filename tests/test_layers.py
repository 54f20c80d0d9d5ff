"""The package's architecture: import layers (import-linter) and subpackage charters."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import pytest
from importlinter import cli as importlinter_cli

ROOT = Path(__file__).resolve().parents[1]
SUBPACKAGES = ["model", "engine", "analysis", "results", "probes", "relu", "commands"]


def _lint(config: Path) -> int:
    # import-linter configures logging with dictConfig, which disables every logger that exists
    # (an algmorse logger made by an earlier test would then drop the records a later test reads)
    loggers = [logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    disabled = [logger.disabled for logger in loggers]
    try:
        return importlinter_cli.lint_imports(config_filename=str(config), no_cache=True, no_logo=True)
    finally:
        for logger, state in zip(loggers, disabled):
            logger.disabled = state


def test_import_contracts_hold(capsys):
    assert _lint(ROOT / "setup.cfg") == 0, capsys.readouterr().out


def test_an_inverted_layer_is_caught(tmp_path, capsys):
    # The same checker on a contract the code breaks (the model above the engine, which it is
    # not: the engine builds on model.system): it must fail, so the real contract is not vacuous.
    (tmp_path / "inverted.cfg").write_text(
        "[importlinter]\nroot_package = algmorse\n\n"
        "[importlinter:contract:inverted]\nname = inverted\ntype = layers\n"
        "layers =\n    algmorse.model\n    algmorse.engine\n"
    )
    assert _lint(tmp_path / "inverted.cfg") != 0
    assert "algmorse.engine is not allowed to import algmorse.model" in capsys.readouterr().out


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_every_subpackage_states_its_charter(name):
    doc = importlib.import_module(f"algmorse.{name}").__doc__ or ""
    assert len(doc.split()) > 15, f"algmorse.{name} needs a docstring on what it owns"
    if name != "commands":
        assert "May import" in doc, f"algmorse.{name} must say what it may import"
