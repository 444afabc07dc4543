#!/usr/bin/env bash
# Rebuilds the Redis and Elasticsearch views from the immutable event log. Uses the same
# connection variables as the app (embedded mode: the data folder; stop the app first there,
# since the embedded stores belong to one process).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
[[ -f .output/worker/index.mjs ]] || npm run --silent build > .data/build.log 2>&1
exec node .output/worker/index.mjs rebuild-views
