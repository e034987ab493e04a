#!/usr/bin/env bash
# The Kubernetes tests (*.k8s.test.ts): brings up a kube-lab of their own (tools/kube-lab,
# built and cached by build.sh), runs them one file at a time against it, and always takes it
# down again. Needs no Kafka lab. `npm run test:k8s` runs it; tools/test-all.sh runs it as a step.
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"

export MIRRORLAB_KUBE_DIR="${MIRRORLAB_KUBE_TEST_DIR:-$PWD/.lab/kube-test}"
lab() { bash tools/kube-lab/kube-lab.sh "$@" --dir "$MIRRORLAB_KUBE_DIR"; }

started=$(date +%s)
trap 'lab down --purge >/dev/null 2>&1 || true' EXIT
lab down --purge >/dev/null 2>&1 || true
lab up || exit 1
eval "export $(lab env | tr '\n' ' ')"
printf '[kube-lab] control plane up after %ss\n' "$(( $(date +%s) - started ))"

status=0
# Extra arguments go to jest (e.g. --testPathPatterns fault-runner).
jest --runInBand "$@" --projects \
  tools/deploy-check/jest.k8s.config.js \
  libs/kube/jest.k8s.config.js \
  services/fault-runner/jest.k8s.config.js \
  services/provisioner/jest.k8s.config.js || status=1
printf '[kube-lab] Kubernetes tests took %ss (lab up included)\n' "$(( $(date +%s) - started ))"
exit $status
