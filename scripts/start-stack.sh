#!/usr/bin/env bash
# The app and the worker on the local real stack (Kafka, FerretDB, Redis, Elasticsearch, S3),
# starting the stack first when it is not running. Ctrl-C stops the app and the worker; the
# stack keeps running until `npm run stack:down`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
bash infra/stack.sh up
set -a
source .data/stack/env
set +a
export C18N_DATA_DIR="${C18N_DATA_DIR:-.data/real}"
export C18N_RUN_CONSUMERS=false
npm run --silent build > .data/build.log 2>&1 || { tail -40 .data/build.log; echo "c18n: the build failed, see .data/build.log"; exit 1; }
node .output/worker/index.mjs &
worker=$!
trap 'kill $worker 2> /dev/null || true' EXIT
export C18N_SKIP_BUILD=1
bash scripts/start.sh
