#!/usr/bin/env bash
# Installs (once) what the VS Code tests need, outside the repo: Debian's chromium, ripgrep and
# libkrb5-dev, and code-server 4.100.3 (VS Code 1.100, the newest that runs on Node 20), following
# docs/testing-in-vscode.md: @vscode/ripgrep's postinstall is fed Debian's rg through its download
# cache, and native modules build against the local Node headers. Prints the install directory.
set -euo pipefail
VERSION=4.100.3
dir="${TICKET_LENS_CACHE:-$HOME/.cache/ticket-lens}/vscode/code-server-$VERSION"
bin="$dir/node_modules/.bin/code-server"
if [ -x "$bin" ] && [ -x /usr/bin/chromium ]; then echo "$dir"; exit 0; fi

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TMPDIR="${TMPDIR:-/tmp}"
( cd "$work" && npm pack "code-server@$VERSION" --silent >/dev/null && tar xzf code-server-*.tgz )
rgver=$(node -e "const s=require('$work/package/lib/vscode/npm-shrinkwrap.json');const p=s.packages||{};const e=p['node_modules/@vscode/ripgrep']||(s.dependencies||{})['@vscode/ripgrep'];console.log(e.version)")
rgcache="$TMPDIR/vscode-ripgrep-cache-$rgver"
mkdir -p "$rgcache" "$work/rg"
cp "$(command -v rg)" "$work/rg/rg"
tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$work/rg" rg

nodedir="$(dirname "$(dirname "$(command -v node)")")"
[ -f "$nodedir/include/node/node.h" ] || nodedir=/usr
( cd "$dir" && [ -f package.json ] || echo '{"private":true}' > "$dir/package.json" )
( cd "$dir" && npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir="$nodedir" \
    npm install --no-audit --no-fund --loglevel=error "code-server@$VERSION" >&2 )
[ -x "$bin" ] || { echo "code-server did not install" >&2; exit 1; }
echo "$dir"
