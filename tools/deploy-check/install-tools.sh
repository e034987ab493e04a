#!/usr/bin/env bash
# Installs the tools the deploy checks run, pinned, into .cache/bin at the repository root:
#   kustomize  renders deploy/ exactly as `kubectl apply -k` does (tools/deploy-check/src/kustomize.ts
#              pins the same version and refuses any other).
# Idempotent: does nothing when the pinned version is already there. Needs Go (>= 1.24) and
# the Go module proxy; nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/../.."

KUSTOMIZE_VERSION=v5.8.1 # the newest that builds with Go 1.26 (v5.8.3 needs Go 1.27)
bin_dir="$PWD/.cache/bin"

log() { printf '[deploy-check] %s\n' "$*" >&2; }

if [ -x "$bin_dir/kustomize" ] && [ "$("$bin_dir/kustomize" version 2>/dev/null)" = "$KUSTOMIZE_VERSION" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  log "Go is needed to install kustomize $KUSTOMIZE_VERSION (apt-get install golang-go, or https://go.dev/dl)"
  exit 1
fi
log "installing kustomize $KUSTOMIZE_VERSION into $bin_dir (go install, about a minute)"
mkdir -p "$bin_dir"
# GOTOOLCHAIN=local: build with the Go that is here rather than fetch another toolchain.
GOBIN="$bin_dir" GOTOOLCHAIN=local go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
log "kustomize $("$bin_dir/kustomize" version) ready"
