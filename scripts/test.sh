#!/usr/bin/env bash
# Runs every test: build, generated-code freshness, type checks, unit tests, then the
# integration tests against a real Kafka broker and schema registry. The local stack is
# started here and stopped on exit, unless REDPANDA_BROKERS and SCHEMA_REGISTRY_URL already
# name a cluster to test against.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
results_dir="$(mktemp -d)"
started_stack=false

cleanup() {
  if [[ "$started_stack" == true ]]; then
    bash scripts/stack.sh down || true
  fi
  rm -rf "$results_dir"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }

# Through corepack, which runs the pnpm version pinned in package.json whether or not a
# pnpm is installed globally.
pnpm() { corepack pnpm "$@"; }

step 'build'
pnpm run build

step 'generated sources are up to date'
node packages/cli/dist/bin.js codegen --check

step 'type check (sources and tests)'
pnpm -r run typecheck

step 'unit tests'
unit_status=0
pnpm exec vitest run --project unit --reporter=default --reporter=json \
  --outputFile.json="$results_dir/unit.json" || unit_status=$?

# Packs every package, lints the tarballs with publint and attw, installs them with npm in
# a temporary folder, compiles and runs a consumer, and checks `changeset version`. It
# reuses the build above and exits non-zero, which ends this script, on any failure.
step 'package checks and consumer smoke test'
node scripts/smoke/run.mjs --no-build

if [[ -z "${REDPANDA_BROKERS:-}" || -z "${SCHEMA_REGISTRY_URL:-}" ]]; then
  step 'start the local Kafka and schema registry'
  started_stack=true
  bash scripts/stack.sh up
  eval "$(bash scripts/stack.sh env)"
  export REDPANDA_BROKERS SCHEMA_REGISTRY_URL
fi

step "integration tests (brokers=$REDPANDA_BROKERS registry=$SCHEMA_REGISTRY_URL)"
integration_status=0
pnpm exec vitest run --project integration --reporter=default --reporter=json \
  --outputFile.json="$results_dir/integration.json" || integration_status=$?

# A few seconds of every benchmark, so the suite cannot rot; the full run is `pnpm bench`.
step 'benchmark smoke run'
bench_status=0
pnpm --filter caddy-events-bench run bench --smoke || bench_status=$?

# One closing line over both runs, in the plain 'N passed, N failed' form CI reads.
node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { failed += 1; continue; }
    const report = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numTotalTestSuites === 0 ? 1 : 0);
    skipped += report.numPendingTests + report.numTodoTests;
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results_dir/unit.json" "$results_dir/integration.json"

if [[ $unit_status -ne 0 || $integration_status -ne 0 || $bench_status -ne 0 ]]; then
  exit 1
fi
