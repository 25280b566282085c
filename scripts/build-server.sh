#!/usr/bin/env bash
# Compiles the server, media and shared code to build/ (plain JavaScript, so `npm start`
# loads no TypeScript at runtime) unless build/ is newer than every source file.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=build/server/main.js
if [ ! -f "$stamp" ] || [ -n "$(find server media shared tsconfig.json tsconfig.build.json -newer "$stamp" -type f \( -name '*.ts' -o -name '*.json' \) -not -path '*/worker-build/*' 2>/dev/null | head -1)" ]; then
  npx tsc -p tsconfig.build.json
  touch "$stamp"
fi
# What the code finds next to itself (import.meta.url) that is not TypeScript: the migrations and the client bundle.
mkdir -p build/server/db build/client
ln -sfn ../../../server/db/migrations build/server/db/migrations
ln -sfn ../../client/dist build/client/dist
