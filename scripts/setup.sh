#!/usr/bin/env bash
# Install what algmorse needs on a Debian machine: PHCpack and its Python binding from Debian
# (phcpy is not on PyPI), then algmorse itself (editable, with the test extras).
# Safe to run repeatedly: the Debian step is skipped when phcpy is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d /usr/lib/python3/dist-packages/phcpy ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends phcpack python3-phcpy >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e ".[test]"
