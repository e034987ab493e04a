#!/usr/bin/env bash
# Runs every benchmark; each writes its RESULTS.md beside it (`npm run bench`).
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsx bench/validation/run.ts
# Needs a running lab (npx mirrorlab lab up; MIRRORLAB_LAB_DIR picks a non-default one) and the service bundles.
npx nx run-many -t build -p producer consumer-validator && npx tsx bench/producer/run.ts
npx tsx bench/clients/run.ts
