#!/usr/bin/env bash
# Builds the web client into client/dist unless it is newer than every source file.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=client/dist/index.html
if [ -f "$stamp" ] && [ -z "$(find client/src client/index.html client/live.html client/vite.config.ts shared -newer "$stamp" -type f -print -quit 2>/dev/null)" ]; then
  exit 0
fi
npx vite build --config client/vite.config.ts --logLevel warn
