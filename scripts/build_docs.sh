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
html=$(date +%s)
# The doctest builder does not run the gallery again (plot_gallery=0: its pages, unexecuted).
python3 -m sphinx -W --keep-going -b doctest -D plot_gallery=0 -d docs/_build/doctrees-doctest docs docs/_build/doctest
end=$(date +%s)
echo "docs built: html $(( html - start )) s (gallery included), doctests $(( end - html )) s;" \
    "open docs/_build/html/index.html"
