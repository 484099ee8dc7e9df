#!/usr/bin/env bash
# Installs the official OpenAI JavaScript SDK (the `openai` package from the npm registry) that the OpenAI-compatible
# API's system test drives (src-test OpenAiClientsIT, through src-test/src/test/node/openai-client.mjs) into
# .casebook/openai-node (git-ignored). Idempotent: a no-op when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=.casebook/openai-node
version=7.55.0
stamp="$dir/.installed-openai-$version"

if [ -f "$stamp" ] && [ -f "$dir/node_modules/openai/package.json" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "setup-openai-client: npm is needed to install the openai SDK for the tests (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{"name":"casebook-openai-client-test","private":true,"type":"module"}' > "$dir/package.json"
echo "setup-openai-client: installing openai@$version into $dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "openai@$version"
rm -f "$dir"/.installed-*
touch "$stamp"
