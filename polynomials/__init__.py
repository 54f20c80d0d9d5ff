"""The algmorse fixture library, installed as ``algmorse.polynomials``.

Each ``*.toml`` file in this package is one named case: a problem in the spec format of
:mod:`algmorse.model.spec` (``[network]``/``[data]``/``[loss]``/``[regularizer]`` or ``[function]``),
plus

* ``[case]``: ``description``, one line, and optionally ``slow = true`` (solving takes minutes);
* ``[expected]``: the known classification, every key optional (absent means unknown):
  ``isolated``, ``real``, ``degenerate``, ``minima``, ``saddles``, ``maxima`` (counts),
  ``saddle_indices`` (sorted Morse indices of the saddles), ``minimum_losses`` and
  ``saddle_losses`` (sorted exact values as rational strings), ``components`` (``[dimension,
  degree]`` pairs of the positive-dimensional components), ``component_losses`` (rational
  strings), ``real_components`` (how many have real points), ``multiplicities`` (of the isolated
  points with multiplicity > 1), ``complex_morse`` and ``morse`` (booleans);
* ``[expected.sources]``: how each expected value was established (hand derivation written in
  the file's comments, or an exact computation such as Singular's ``vdim``).

Read them with :func:`algmorse.results.library.list_cases` and :func:`algmorse.results.library.load_case`;
check a catalog against one with :func:`algmorse.testing.assert_matches_expected`.
"""
