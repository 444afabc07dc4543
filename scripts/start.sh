#!/usr/bin/env bash
# Builds the app when its sources changed since the last build, then serves it (embedded mode
# unless connection variables are set). Run through npm so node_modules/.bin (Node 24) leads PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh

export PORT="${PORT:-3000}"
# nuxt-auth needs its public address (origin and /api/auth) in production; the local one unless told otherwise.
export AUTH_ORIGIN="${AUTH_ORIGIN:-http://localhost:${PORT}/api/auth}"

if [[ -z "${C18N_SKIP_BUILD:-}" ]] && { [[ ! -f .output/server/index.mjs ]] || [[ -n "$(find app nuxt.config.ts package.json public server shared core adapters workers -newer .output/server/index.mjs -print -quit 2>/dev/null)" ]]; }; then
  echo "c18n: building the app (about a minute the first time)…"
  npm run --silent build > .data/build.log 2>&1 || { tail -40 .data/build.log; echo "c18n: the build failed, see .data/build.log"; exit 1; }
fi
echo "c18n: serving on http://localhost:${PORT} (data in ${C18N_DATA_DIR:-.data/embedded})"
exec node .output/server/index.mjs
