#!/usr/bin/env bash
# Installs what the tests need when it is missing: the npm packages (which bring Node 24)
# and Debian's Chromium for Playwright. Idempotent; fails with a clear message otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x node_modules/.bin/node || ! -d node_modules/nuxt || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing npm packages (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
    echo "installing Debian's chromium for Playwright…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
  else
    echo "Playwright needs Chromium at $CHROMIUM: install it with 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)." >&2
    exit 1
  fi
fi

# The API fuzzer (schemathesis) installs into a virtual environment of its own.
if ! python3 -c 'import venv, ensurepip' 2> /dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
    echo "installing Python's venv module for the API fuzzer…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv > /dev/null
  else
    echo "The API fuzzer needs Python 3 with venv: install it with 'sudo apt-get install -y python3 python3-venv'." >&2
    exit 1
  fi
fi
