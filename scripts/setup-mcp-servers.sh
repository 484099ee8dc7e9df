#!/usr/bin/env bash
# Installs the MCP servers that the MCP bridge's tests talk to (real servers from the npm registry) into
# .casebook/mcp (git-ignored). Idempotent: a no-op when the pinned versions are already there.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=.casebook/mcp
everything=2026.8.31
filesystem=2026.8.31
stamp="$dir/.installed-everything-$everything-filesystem-$filesystem"

if [ -f "$stamp" ] && [ -f "$dir/node_modules/@modelcontextprotocol/server-everything/package.json" ] \
   && [ -f "$dir/node_modules/@modelcontextprotocol/server-filesystem/package.json" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "setup-mcp-servers: npm is needed to install the MCP test servers (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{"name":"casebook-mcp-test-servers","private":true}' > "$dir/package.json"
echo "setup-mcp-servers: installing @modelcontextprotocol/server-everything@$everything and server-filesystem@$filesystem into $dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
  "@modelcontextprotocol/server-everything@$everything" "@modelcontextprotocol/server-filesystem@$filesystem"
rm -f "$dir"/.installed-*
touch "$stamp"
