#!/usr/bin/env bash
# Builds Toxiproxy's server (the lab's inter-DC proxy) from the Go module proxy into the
# cache, pinned: $MIRRORLAB_CACHE_DIR (default ${XDG_CACHE_HOME:-~/.cache}/mirrorlab)
# /toxiproxy-v2.5.0/toxiproxy-server. libs/lab/src/toxiproxy.ts looks for it there.
# Idempotent: does nothing when the pinned version is already there (~15 s otherwise).
set -euo pipefail

TOXIPROXY_VERSION=v2.5.0 # keep equal to TOXIPROXY_VERSION in libs/lab/src/toxiproxy.ts
cache="${MIRRORLAB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mirrorlab}"
dir="$cache/toxiproxy-$TOXIPROXY_VERSION"

log() { printf '[toxiproxy] %s\n' "$*" >&2; }

# `go install` builds print "version git" (no release ldflags): a marker file records what was built.
if [ -x "$dir/toxiproxy-server" ] && [ "$(cat "$dir/.built" 2>/dev/null)" = "$TOXIPROXY_VERSION" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  log "Go is needed to build Toxiproxy $TOXIPROXY_VERSION (apt-get install golang-go)"
  exit 1
fi
log "building Toxiproxy $TOXIPROXY_VERSION into $dir (go install from the module proxy)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# GOTOOLCHAIN=local: build with the Go that is here rather than fetch another toolchain.
GOBIN="$tmp" GOTOOLCHAIN=local go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION"
mkdir -p "$dir"
mv "$tmp/server" "$dir/toxiproxy-server"
echo "$TOXIPROXY_VERSION" > "$dir/.built"
log "ready: $dir/toxiproxy-server"
