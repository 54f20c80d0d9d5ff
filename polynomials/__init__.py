"""The algmorse fixture library, installed as ``algmorse.polynomials``.

Each ``*.toml`` file in this package is one named case: a problem in the spec format of
:mod:`algmorse.model.spec` (``[network]``/``[data]``/``[loss]``/``[regularizer]`` or ``[function]``),
plus

* ``[case]``: ``description``, one line, and optionally ``slow = true`` (solving takes minutes);
* ``[expected]``: the known classification, every key optional (absent means unknown):
  ``isolated``, ``real``, ``degenerate``, ``minima``, ``saddles``, ``maxima`` (counts),
  ``saddle_indices`` (sorted Morse indices of the saddles), ``minimum_losses`` and
  ``saddle_losses`` (sorted exact values as rational strings; an algebraic value as a decimal
  rounded to about 20 digits, said so in the sources), ``components`` (``[dimension,
  degree]`` pairs of the positive-dimensional components), ``component_losses`` (rational
  strings), ``real_components`` (how many are proven to have real points; every other one must
  be proven to have none), ``multiplicities`` (of the isolated points with multiplicity > 1),
  ``complex_morse``, ``morse``, ``complex_morse_bott``, ``morse_bott``, ``all_minima_global``
  and ``strict_saddle`` (booleans);
  and the proof expected of the default solve: ``completeness``, the weakest acceptable level
  of ``verdict.completeness`` (one of :data:`algmorse.analysis.verdict.COMPLETENESS_LEVELS`,
  strongest first: ``"exact-count"``, ``"modular-count"``, ``"bound-attained"``,
  ``"certified-lower-bound"``, ``"stable-runs"``, ``"not-established"``; the catalog must reach
  that level or a stronger one), and ``morse_basis`` / ``complex_morse_basis``, the acceptable
  values of ``verdict.morse_basis`` / ``complex_morse_basis`` and their Morse-Bott twins (a list, or one string, from
  :data:`algmorse.results.library.VERDICT_BASES`: ``"witness"`` for ``False``;
  ``"exact-algebra"``, ``"modular-algebra"`` or a completeness level for ``True``);
* ``[expected.sources]``: how each expected value was established (hand derivation written in
  the file's comments, or an exact computation such as Singular's ``vdim``).

Read them with :func:`algmorse.results.library.list_cases` and :func:`algmorse.results.library.load_case`;
check a catalog against one with :func:`algmorse.testing.assert_matches_expected`.
"""
