#!/usr/bin/env bash
# The whole test suite: unit tests, type checks and lint for every project, then
# the integration tests against one real lab (two Kafka clusters, MirrorMaker 2,
# Redis) that this script brings up and always takes down again.
# Prints a closing line "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NX_DAEMON=false NX_TUI=false FORCE_COLOR=0
log=$(mktemp -t mirrorlab-test.XXXXXX)
status=0
started=$(date +%s)

step() { printf '\n=== %s ===\n' "$*"; }

step "typecheck, lint (eslint, and prettier's format: npm run format fixes it), unit tests, build"
prettier --check "**/*.ts" 2>&1 | tail -n 20 | tee -a "$log" || status=1
nx run-many -t typecheck lint test build --output-style=static 2>&1 | tee -a "$log" || status=1

if [ $status -eq 0 ]; then
  step "Kubernetes tests (tools/kube-lab: a real kube-apiserver of their own, no Kafka)"
  bash tools/kube-lab/test-k8s.sh 2>&1 | tee -a "$log" || status=1
fi

if [ $status -eq 0 ]; then
  step "lab integration tests (on a lab of their own: up, faults, restart, down checked by pid)"
  env -u MIRRORLAB_LAB_DIR nx run lab:integration --output-style=static --skip-nx-cache 2>&1 | tee -a "$log" || status=1

  export MIRRORLAB_LAB_DIR="${MIRRORLAB_TEST_LAB_DIR:-$PWD/.lab/test}"
  step "lab up ($MIRRORLAB_LAB_DIR) for the other integration tests"
  trap 'mirrorlab lab down --purge --dir "$MIRRORLAB_LAB_DIR" >/dev/null 2>&1 || true' EXIT
  if mirrorlab lab up --dir "$MIRRORLAB_LAB_DIR" 2>&1 | tee -a "$log"; then
    step "integration tests (one at a time: they share the lab)"
    nx run-many -t integration --exclude lab --parallel=1 --output-style=static --skip-nx-cache 2>&1 | tee -a "$log" || status=1
  else
    echo "lab up failed; see the logs under $MIRRORLAB_LAB_DIR" | tee -a "$log"
    status=1
  fi
fi

# jest prints "Tests:  1 failed, 41 passed, 42 total" per project; add them up.
sed -i 's/\x1b\[[0-9;]*m//g' "$log"
passed=$(grep -E '^Tests:' "$log" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -E '^Tests:' "$log" | grep -oE '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
if [ "$failed" -gt 0 ]; then
  status=1
  # Repeat each failing test's heading and the start of its message at the end, where a
  # truncated CI log still shows them (jest prints them in the middle of a long run).
  step "failed tests (the first 40 lines of each)"
  awk '
    /^  ● / && !/^  ● Console/ { n = 40; print "" }
    /^(PASS|FAIL) / { n = 0 }
    n > 0 { print; n-- }' "$log"
fi
printf '\ntest time: %ss\n' "$(( $(date +%s) - started ))"
printf 'tests: %s passed, %s failed\n' "$passed" "$failed"
rm -f "$log"
exit $status
