"""Results as files, tables and pictures.

Owns the versioned solution catalog and its hostile-input-safe reader (:mod:`.catalog`,
:mod:`.fields`), atomic file writes (:mod:`.fileio`), figures (:mod:`.plot`), exports to peer
tools' formats (:mod:`.exports`), and the shipped fixture library (:mod:`.library`).

May import: :mod:`algmorse.errors`, :mod:`algmorse.model`, :mod:`algmorse.engine` and
:mod:`algmorse.analysis`. It never solves.
"""
