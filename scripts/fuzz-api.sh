#!/usr/bin/env bash
# Fuzzes the REST API with schemathesis (PyPI) against the built server, signed in as a demo
# user: every operation of /api/openapi.json gets generated inputs, and the run fails on any
# 5xx or any response that does not match the document. Prints how many cases it ran.
#
#   npm run build && bash scripts/fuzz-api.sh            # FUZZ_MAX_EXAMPLES=130 per operation by default (over 10,000 cases)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

ST_VERSION=4.32.5
VENV=.data/fuzz-venv
OUT=.data/fuzz
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-130}

if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
  echo "[fuzz] installing schemathesis $ST_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$ST_VERSION"
fi
[ -f .output/server/index.mjs ] || { echo "[fuzz] the app is not built: run npm run build first" >&2; exit 1; }

PORT=${FUZZ_PORT:-$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
URL="http://127.0.0.1:$PORT"
DATA=$(mktemp -d /tmp/c18n-fuzz-XXXXXX)
mkdir -p "$OUT"
# Rate limits are tested elsewhere; here they would only turn generated writes into 429s.
PORT=$PORT HOST=127.0.0.1 AUTH_ORIGIN="$URL/api/auth" C18N_DATA_DIR="$DATA" AUTH_SECRET=fuzz-secret-not-for-production C18N_RATE_LIMIT=off \
  node .output/server/index.mjs > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT

for _ in $(seq 1 120); do
  curl -sf "$URL/api/health" > /dev/null && break
  kill -0 $SERVER 2>/dev/null || { cat "$OUT/server.log"; exit 1; }
  sleep 0.5
done
node scripts/fuzz/prepare.mjs "$URL" "$OUT"
echo "[fuzz] server at $URL; up to $MAX_EXAMPLES examples per operation"

started=$(date +%s)
status=0
CALLS="$PWD/$OUT/calls.ndjson"
: > "$CALLS"
curl -sf "$URL/api/openapi.json" > "$OUT/openapi.json"
# schemathesis keeps a cache folder where it runs: inside the ignored output folder, not the repo.
# Its output goes to the log only: its closing banner is shaped like pytest's, which CI would read.
ROOT=$PWD
cd "$OUT"
# One worker: with two, Python 3.11's ast module (which Hypothesis uses to describe strategies) is not
# thread-safe and now and then fails a case with "AST constructor recursion depth mismatch".
FUZZ_CALLS="$CALLS" PYTHONPATH="$ROOT/scripts/fuzz" "$ROOT/$VENV/bin/st" --no-color --config-file schemathesis.toml run "$URL/api/openapi.json" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --max-examples "$MAX_EXAMPLES" --seed 18 --workers "${FUZZ_WORKERS:-1}" \
  ${FUZZ_PHASES:+--phases $FUZZ_PHASES} --report junit --report-junit-path junit.xml > schemathesis.log 2>&1 || status=$?
cd "$ROOT"
elapsed=$(( $(date +%s) - started ))
REPORTS=${C18N_TEST_REPORTS:-.data/test-reports}
mkdir -p "$REPORTS"
node scripts/fuzz/summary.mjs "$OUT/schemathesis.log" "$CALLS" "$OUT/openapi.json" "$REPORTS/fuzz.json" "$elapsed" "$status" || status=1
echo "[fuzz] counts in $REPORTS/fuzz.json; full log in $OUT/schemathesis.log"
exit $status
