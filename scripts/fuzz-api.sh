#!/usr/bin/env bash
# Fuzzes the REST API with schemathesis (PyPI) against the built server, signed in as a demo
# user: every operation of /api/openapi.json gets generated inputs, and the run fails on any
# 5xx or any response that does not match the document. Prints how many cases it ran.
#
#   npm run build && bash scripts/fuzz-api.sh            # FUZZ_MAX_EXAMPLES=25 per operation by default
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

ST_VERSION=4.32.5
VENV=.data/fuzz-venv
OUT=.data/fuzz
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}
FUZZ_USER=${FUZZ_USER:-grace}

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

JAR="$OUT/cookies.txt"
rm -f "$JAR"
SESSION=""
for _ in $(seq 1 120); do
  if curl -sf "$URL/api/health" > /dev/null; then
    TOKEN=$(curl -s -c "$JAR" -b "$JAR" "$URL/api/auth/csrf" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).csrfToken))")
    curl -s -o /dev/null -c "$JAR" -b "$JAR" -H "Origin: $URL" --data-urlencode "csrfToken=$TOKEN" --data-urlencode "handle=$FUZZ_USER" \
      --data-urlencode "password=c18n-demo" --data-urlencode "json=true" "$URL/api/auth/callback/credentials"
    SESSION=$(awk '$6 == "next-auth.session-token" { print $7 }' "$JAR")
    [ -n "$SESSION" ] && break
  fi
  kill -0 $SERVER 2>/dev/null || { cat "$OUT/server.log"; exit 1; }
  sleep 0.5
done
[ -n "$SESSION" ] || { echo "[fuzz] could not sign in as $FUZZ_USER" >&2; exit 1; }
echo "[fuzz] signed in as $FUZZ_USER at $URL; up to $MAX_EXAMPLES examples per operation"

started=$(date +%s)
status=0
# schemathesis keeps a cache folder where it runs: inside the ignored output folder, not the repo.
ROOT=$PWD
cd "$OUT"
"$ROOT/$VENV/bin/st" run "$URL/api/openapi.json" \
  --header "Cookie: next-auth.session-token=$SESSION" --header "Origin: $URL" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --max-examples "$MAX_EXAMPLES" --seed 18 --workers 1 \
  --report junit --report-junit-path junit.xml > schemathesis.log 2>&1 || status=$?
cd "$ROOT"
elapsed=$(( $(date +%s) - started ))
tail -n 40 "$OUT/schemathesis.log"
cases=$(grep -oE '[0-9]+ generated' "$OUT/schemathesis.log" | tail -1 | grep -oE '[0-9]+' || echo "?")
echo "[fuzz] schemathesis ran $cases test cases in ${elapsed}s (exit $status); full log in $OUT/schemathesis.log"
exit $status
