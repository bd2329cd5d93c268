#!/usr/bin/env bash
# Installs a real VS Code (code-server from npm) for the end-to-end tests into
# .e2e/, outside the extension's own dependencies. Idempotent; needs Debian's
# chromium and ripgrep (installed by .ci/run). Facts and pitfalls:
# ../shared/reference/vscode-e2e.md (code-server 4.100.3 is the newest on Node 20).
set -euo pipefail
cd "$(dirname "$0")/../.."
E2E_DIR=.e2e
CS_VERSION=4.100.3
if [ -x "$E2E_DIR/node_modules/.bin/code-server" ] && [ "$(cat "$E2E_DIR/.version" 2>/dev/null)" = "$CS_VERSION" ]; then
  echo "e2e: code-server $CS_VERSION already installed in $E2E_DIR"
  exit 0
fi
if ! command -v rg >/dev/null; then echo "e2e: ripgrep (Debian 'ripgrep') is required" >&2; exit 1; fi
# @vscode/ripgrep's postinstall downloads a release from GitHub unless its cache
# already holds the tarball: give it Debian's rg.
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$RG_TAR" ]; then
  mkdir -p "$RG_CACHE"
  tmp=$(mktemp -d); cp "$(command -v rg)" "$tmp/rg"; tar -C "$tmp" -czf "$RG_TAR" rg; rm -rf "$tmp"
fi
mkdir -p "$E2E_DIR"
cat > "$E2E_DIR/package.json" <<JSON
{ "name": "armscope-e2e-env", "private": true, "version": "0.0.0" }
JSON
# node-pty's postinstall runs `npx node-gyp`; this machine's npm config says yes=false.
( cd "$E2E_DIR" && npm_config_yes=true npm install --no-audit --no-fund --unsafe-perm "code-server@$CS_VERSION" >install.log 2>&1 ) || { tail -30 "$E2E_DIR/install.log" >&2; exit 1; }
echo "$CS_VERSION" > "$E2E_DIR/.version"
echo "e2e: code-server $CS_VERSION installed in $E2E_DIR"
