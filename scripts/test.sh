#!/usr/bin/env bash
# `npm test`: the whole gate, in order, stopping at the first failure. Unit, integration and lab
# tests are all vitest files; lab tests need root and skip themselves with a reason otherwise.
set -uo pipefail

cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

started=$(date +%s)
passed=()

step() {
  local name="$1"
  shift
  echo
  echo "==> ${name}: $*"
  local t0
  t0=$(date +%s)
  if ! "$@"; then
    echo
    echo "FAILED: ${name} ($*)" >&2
    echo "podpath test: FAILED at ${name} after ${passed[*]:-nothing}; $(($(date +%s) - started))s" >&2
    exit 1
  fi
  passed+=("${name}")
  echo "--> ${name} ok ($(($(date +%s) - t0))s)"
}

step "system packages" bash scripts/ensure-system-packages.sh
step "typecheck" npx --no-install tsc --noEmit
step "lint" npx --no-install eslint . --max-warnings 0
step "format" npx --no-install prettier --check .
step "unit, integration and lab tests" bash scripts/with-postgres.sh npx --no-install vitest run
step "build" npx --no-install next build
step "end-to-end" npx --no-install playwright test

echo
echo "podpath test: all ${#passed[@]} steps passed (${passed[*]}) in $(($(date +%s) - started))s"
