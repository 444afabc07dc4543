#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, typecheck, unit and contract tests, the API
# suite against a running server, and Playwright in Debian's Chromium. Installs what is
# missing first. Ends with one line: "tests: N passed, N failed", counting every test case run
# (fuzz cases included); no other tool's verdict line reaches the output (scripts/lib/quiet-verdicts.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
REPORTS="$ROOT/.data/test-reports"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
export C18N_TEST_REPORTS="$REPORTS"
# Plain text in CI and in logs: no colour codes from vitest, Playwright or npm.
if [[ -n "${CI:-}" || ! -t 1 ]]; then export NO_COLOR=1 FORCE_COLOR=0; fi

source scripts/lib/quiet-verdicts.sh

step() { printf '\n== %s\n' "$*"; }
failures=()

# Every step, its output filtered; failures collects the names of the steps that failed.
run_suite() {
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
  if ! npm run --silent build > "$REPORTS/build.log" 2>&1; then tail -40 "$REPORTS/build.log"; failures+=("build"); fi

  if [[ ! " ${failures[*]} " =~ " build " ]]; then
    step "API tests (a server on a fresh data folder)"
    vitest run --project api --reporter=default --reporter=json --outputFile.json="$REPORTS/api.json" || failures+=("api")

    run_check fuzz bash scripts/fuzz-api.sh

    step "end-to-end tests (Playwright in Chromium, phone-sized)"
    PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/e2e.json" playwright test --reporter=list,json || failures+=("e2e")
  fi

  run_check compose bash scripts/check-compose.sh

  step "real stack: Kafka, FerretDB, Redis, Elasticsearch, S3 (provisioned from the registries on first use)"
  stack_was_up=0
  bash infra/stack.sh status > /dev/null 2>&1 && stack_was_up=1
  if bash infra/stack.sh up; then
    (
      set -a; source .data/stack/env; set +a
      # The env file points the app at the local Spark cluster. Here only the Spark suite
      # (tests/real/analytics-spark.test.ts, which asks for Spark itself) submits jobs: the workers the
      # other suites start, and the end-to-end app, recompute their small batch views in process.
      export C18N_ANALYTICS_ENGINE=embedded
      run_id="t$(date +%s)"
      step "contract suites on the real stack"
      vitest run --project real --reporter=default --reporter=json --outputFile.json="$REPORTS/real.json" || exit 1
      if [[ -f .output/server/index.mjs ]]; then
        step "end-to-end tests on the real stack"
        # A database, index prefix, topics and consumer groups of this run's own: the tests start from
        # the demo data alone, and no event left on the broker by an earlier run reaches this one.
        export MONGODB_URI="${MONGODB_URI%/*}/c18n-e2e-$run_id" ELASTICSEARCH_INDEX_PREFIX="c18n-e2e-$run_id-" C18N_TOPIC_NAMESPACE="c18n-e2e-$run_id" E2E_PORT=3218 E2E_DATA_DIR="$(mktemp -d)"
        # The real topology: the app publishes, a separate worker process consumes.
        WORKER_HEALTH_PORT=3229 node .output/worker/index.mjs > "$REPORTS/worker.log" 2>&1 &
        worker=$!
        trap 'kill $worker 2> /dev/null || true' EXIT
        for _ in $(seq 1 60); do curl -fs http://127.0.0.1:3229/health > /dev/null && break; sleep 1; done
        C18N_RUN_CONSUMERS=false PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/e2e-real.json" playwright test --reporter=list,json || { tail -20 "$REPORTS/worker.log"; exit 1; }
      fi
    ) || failures+=("real-stack")
    [[ $stack_was_up == 1 ]] || bash infra/stack.sh down > /dev/null
  else
    echo "the real stack did not start: see the message above" >&2
    failures+=("real-stack")
  fi
}


run_suite > >(quiet_verdicts) 2>&1
# The summary speaks last and unfiltered: wait until the filter has written everything before it.
wait $! 2> /dev/null || true
step "summary"
node scripts/test-summary.mjs "$REPORTS" ${failures[@]+"${failures[@]}"}
