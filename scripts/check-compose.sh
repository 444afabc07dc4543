#!/usr/bin/env bash
# Parses docker-compose.yml without a Docker engine (Debian's docker-compose can) and checks its wiring.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose > /dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose > /dev/null
  else
    echo "checking docker-compose.yml needs docker-compose: sudo apt-get install -y docker-compose" >&2
    exit 1
  fi
fi
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml config > .data/compose.resolved.yml
source scripts/lib/node.sh
node scripts/check-compose.mjs .data/compose.resolved.yml
