#!/usr/bin/env bash
# Installs tongbu on a Debian bookworm machine with Node 20: system packages
# (as root, with apt), npm dependencies, the mediasoup worker (built offline from
# Debian packages, cached outside node_modules) and the web client.
#   bash scripts/install.sh               # to run the platform
#   bash scripts/install.sh --for-tests   # also Chromium, coturn, PostgreSQL, Redis, nginx, iproute2, nftables and prometheus (promtool) for the test suite
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

for_tests=0
[ "${1:-}" = "--for-tests" ] && for_tests=1

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "tongbu needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# 1. System packages: ffmpeg records lessons; LibreOffice (Impress, Writer), poppler and a CJK font
#    turn courseware into page images; the test suite drives Chromium, relays through coturn and runs against a
#    PostgreSQL server and Redis. (The worker build installs its own toolchain.)
want="ffmpeg openssl libreoffice-impress libreoffice-writer poppler-utils fonts-wqy-microhei"
[ $for_tests = 1 ] && want="$want chromium coturn postgresql redis-server"
# The county network test: hosts in network namespaces, a school firewall, nginx in front.
[ $for_tests = 1 ] && want="$want iproute2 nftables nginx prometheus"
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "missing Debian packages:$missing — install them as root (apt-get install$missing) and run again" >&2
    exit 1
  fi
  echo "apt-get install$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  # The Debian packages start their own services; tests start throwaway ones, the machine's are not needed.
fi

# 2. npm dependencies, exactly as locked. mediasoup's own postinstall would try to download a
#    prebuilt worker (impossible offline); the variable makes it skip, step 3 builds the worker.
MEDIASOUP_WORKER_BIN=/dev/null npm ci --no-audit --no-fund --loglevel=error

# 3. The mediasoup worker, from the cache when this version and build recipe were built before.
bash media/worker-build/build.sh >/dev/null

# 4. The web client bundle that the server serves.
bash scripts/build-client.sh

# 5. The server compiled to JavaScript (build/), so `npm start` loads no TypeScript at runtime.
bash scripts/build-server.sh

echo "installed in $(( $(date +%s) - started )) s"
