#!/usr/bin/env bash
# Build the documentation (docs/) as CI does: the HTML site with warnings as errors (the gallery
# runs every example in examples/, so PHCpack and Singular must be installed: scripts/setup.sh),
# then the doctests of the guide and of the docstrings the API pages pull in.
# Output: docs/_build/html/index.html. Needs the docs extra: pip install -e '.[docs]'
# (scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"  # document this checkout
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export MPLBACKEND=Agg

start=$(date +%s)
python3 -m sphinx -W --keep-going -b html -d docs/_build/doctrees docs docs/_build/html
# The doctest builder does not need the gallery run again (plot_gallery=0 keeps its pages, unexecuted).
python3 -m sphinx -W --keep-going -b doctest -D plot_gallery=0 -d docs/_build/doctrees-doctest docs docs/_build/doctest
echo "docs built in $(( $(date +%s) - start )) s: docs/_build/html/index.html"
