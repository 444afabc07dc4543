#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, typecheck, unit and contract tests, the API
# suite against a running server, and Playwright in Debian's Chromium. Installs what is
# missing first. Ends with one line: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
REPORTS="$ROOT/.data/test-reports"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
failures=()

step "dependencies"
bash scripts/ensure-deps.sh || exit 1
source scripts/lib/node.sh

run_check() { # name, command...: a check that passes or fails as a whole
  local name="$1"; shift
  step "$name"
  if "$@"; then echo "$name: ok" >> "$REPORTS/checks.txt"; else echo "$name: FAILED" >> "$REPORTS/checks.txt"; failures+=("$name"); fi
}

run_check lint npx --no-install eslint .
run_check typecheck npm run --silent typecheck

step "unit and contract tests"
vitest run --project unit --project contract --reporter=default --reporter=json --outputFile.json="$REPORTS/unit.json" || failures+=("unit/contract")

step "build"
if ! nuxt build > "$REPORTS/build.log" 2>&1; then tail -40 "$REPORTS/build.log"; failures+=("build"); fi

if [[ ! " ${failures[*]} " =~ " build " ]]; then
  step "API tests (a server on a fresh data folder)"
  vitest run --project api --reporter=default --reporter=json --outputFile.json="$REPORTS/api.json" || failures+=("api")

  step "end-to-end tests (Playwright in Chromium, phone-sized)"
  PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/e2e.json" playwright test --reporter=list,json || failures+=("e2e")
fi

step "summary"
node scripts/test-summary.mjs "$REPORTS" "${failures[@]}"
