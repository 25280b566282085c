#!/usr/bin/env bash
# The test command (`npm test`): unit, integration on PGlite and on PostgreSQL,
# media tests against the real mediasoup worker, end-to-end tests in Chromium.
# Extra arguments go to vitest (e.g. `npm test -- --project unit`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
trap stop_throwaway_services EXIT

ensure_postgres
ensure_redis
command -v /usr/bin/chromium >/dev/null || _apt_install chromium
command -v ffmpeg >/dev/null || _apt_install ffmpeg
bash media/worker-build/build.sh >/dev/null
# End-to-end tests drive the built client, as `npm start` serves it.
bash scripts/build-client.sh

npx vitest run "$@"
