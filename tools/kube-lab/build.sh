#!/usr/bin/env bash
# Builds the local Kubernetes control plane from the Go module proxy, once per version, into
# ~/.cache/mirrorlab (MIRRORLAB_CACHE_DIR):
#   kube-lab-v1.34.3-<src>/kube-lab-bin  kube-apiserver, kube-controller-manager, kube-scheduler,
#                                        kubectl and an embedded etcd (tools/kube-lab/go)
#   kwok-v0.7.0/kwok                     fake nodes: scheduled pods become Running and Ready
# Idempotent: prints the two paths and exits at once when both are cached. A cold build takes
# minutes of CPU (see tools/kube-lab/README.md); it runs at nice 10 so a shared machine stays usable.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

KUBERNETES_VERSION=v1.34.3
KWOK_VERSION=v0.7.0
cache="${MIRRORLAB_CACHE_DIR:-$HOME/.cache/mirrorlab}"

log() { printf '[kube-lab] %s\n' "$*" >&2; }

# The binary is keyed by the Kubernetes version and a hash of the module's sources, so an edit
# of tools/kube-lab/go rebuilds and an unchanged tree never does.
src_hash=$(cd "$here/go" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)
kube_dir="$cache/kube-lab-$KUBERNETES_VERSION-$src_hash"
kube_bin="$kube_dir/kube-lab-bin"
kwok_dir="$cache/kwok-$KWOK_VERSION"
kwok_bin="$kwok_dir/kwok"

if [ ! -x "$kube_bin" ] || [ ! -x "$kwok_bin" ]; then
  command -v go >/dev/null 2>&1 || { log "Go (>= 1.24) is needed to build the control plane: apt-get install golang-go"; exit 1; }
fi

if [ ! -x "$kube_bin" ]; then
  log "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and etcd $KUBERNETES_VERSION (cold: several minutes)"
  started=$(date +%s)
  mkdir -p "$kube_dir"
  (cd "$here/go" && GOTOOLCHAIN=local nice -n 10 go build -trimpath -buildvcs=false \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34" \
    -o "$kube_bin.tmp" .)
  mv "$kube_bin.tmp" "$kube_bin"
  log "built $kube_bin in $(( $(date +%s) - started )) s"
fi

if [ ! -x "$kwok_bin" ]; then
  log "building kwok $KWOK_VERSION (go install, about 2 minutes cold)"
  started=$(date +%s)
  mkdir -p "$kwok_dir"
  GOBIN="$kwok_dir" GOTOOLCHAIN=local nice -n 10 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  log "built $kwok_bin in $(( $(date +%s) - started )) s"
fi

printf '%s\n%s\n' "$kube_bin" "$kwok_bin"
