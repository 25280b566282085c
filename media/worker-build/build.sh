#!/usr/bin/env bash
# Builds mediasoup's C++ worker offline from Debian bookworm packages, caches it
# outside node_modules, and installs it at mediasoup's default worker path.
#
#   bash media/worker-build/build.sh [path/to/node_modules/mediasoup]
#
# mediasoup's worker normally comes as a prebuilt download from GitHub, or is
# built from meson subprojects that download their sources: neither is
# possible here (only npm and Debian's apt repositories are reachable). So the
# downloading subprojects are replaced by the shims in ./shims (thin wrappers
# over Debian's -dev packages), mediasoup's sources get the fixes in
# ./patches/*.patch, and the worker is built with Debian's meson + ninja.
# See README.md next to this script for how it works and why each piece exists.
#
# The binary is cached at
#   ${TONGBU_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tongbu}/mediasoup-worker/<version>-<hash>/mediasoup-worker
# where <hash> covers this script, the shims and the patches, so a change to
# any of them (or to mediasoup's version) rebuilds, and nothing else does.
# `npm ci` wipes node_modules but not the cache: running this again afterwards
# only copies the cached binary back (a second or so).
#
# Progress goes to stderr; the last (only) stdout line is the cached binary's
# path, so `MEDIASOUP_WORKER_BIN=$(bash media/worker-build/build.sh)` works.
# Needs root (or passwordless sudo) only when Debian packages are missing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

# Keep stdout for the final path alone; everything else goes to stderr.
exec 3>&1 1>&2

log() { echo "[worker-build] $*"; }

MS_DIR="$(cd "${1:-$REPO/node_modules/mediasoup}" && pwd)" || {
	log "mediasoup not found: run npm ci (or npm install) first"
	exit 1
}
VERSION="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version)' "$MS_DIR/package.json")"

# Hash of everything that shapes the binary besides mediasoup itself: file
# names and contents of this script, the shims and the patches.
HASH="$(
	cd "$HERE"
	find build.sh shims patches -type f | LC_ALL=C sort | while IFS= read -r f; do
		printf '%s\0' "$f"
		cat "$f"
	done | sha256sum | cut -c1-16
)"

CACHE_ROOT="${TONGBU_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tongbu}/mediasoup-worker"
CACHE_DIR="$CACHE_ROOT/$VERSION-$HASH"
CACHED_BIN="$CACHE_DIR/mediasoup-worker"
DEFAULT_BIN="$MS_DIR/worker/out/Release/mediasoup-worker"

mkdir -p "$CACHE_ROOT"
# Parallel runs (two CI jobs, a test and a developer) wait for each other
# instead of building twice into the same place.
exec 9>"$CACHE_ROOT/.lock"
flock 9

install_debian_packages() {
	# meson pulls python3; patch applies ./patches; flatc (flatbuffers-compiler)
	# regenerates mediasoup's FlatBuffers headers for Debian's flatbuffers 2.0.8.
	local pkgs="meson ninja-build pkg-config g++ patch libssl-dev libuv1-dev libsrtp2-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler"
	local missing="" p
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	log "installing Debian packages:$missing"
	local sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			sudo="sudo"
		else
			log "missing Debian packages:$missing; install them as root: apt-get install$missing"
			exit 1
		fi
	fi
	# A fresh machine (or container) has no package lists yet.
	$sudo apt-get update
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
}

build_worker() {
	install_debian_packages

	local stage
	stage="$(mktemp -d "$CACHE_ROOT/.build-$VERSION-$HASH.XXXXXX")"
	# shellcheck disable=SC2064 # expand now: the trap must remove this stage
	trap "rm -rf '$stage'" EXIT

	# Build from a copy: node_modules stays pristine (so a re-run never meets a
	# half-patched tree) and an interrupted build leaves nothing behind.
	log "building mediasoup-worker $VERSION ($HASH) in $stage"
	mkdir -p "$stage/worker"
	(cd "$MS_DIR/worker" && tar --exclude=./out -cf - .) | (cd "$stage/worker" && tar -xf -)
	local w="$stage/worker"

	# The shims are verified for mediasoup 3.27.1's subprojects: stop early and
	# clearly if a new version changed them.
	local wrap
	for wrap in libuv openssl libsrtp3 flatbuffers abseil-cpp unordered-dense; do
		if [ ! -e "$w/subprojects/$wrap.wrap" ]; then
			log "mediasoup $VERSION: no worker/subprojects/$wrap.wrap; shims were made for 3.27.1"
			exit 1
		fi
	done
	rm -f "$w"/subprojects/{libuv,openssl,libsrtp3,flatbuffers,abseil-cpp,catch2,unordered-dense}.wrap
	cp -r "$HERE/shims/." "$w/subprojects/"

	local patch
	for patch in "$HERE"/patches/*.patch; do
		log "applying $(basename "$patch")"
		patch -p1 --forward --batch --quiet -d "$stage" <"$patch"
	done

	# --wrap-mode=nodownload: a missing shim must fail, never try the network.
	(
		cd "$w"
		meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true out/build
		ninja -C out/build -j"$(nproc)" mediasoup-worker
	)

	mkdir -p "$CACHE_DIR"
	install -m 755 "$w/out/build/mediasoup-worker" "$CACHE_DIR/.mediasoup-worker.tmp"
	# Rename last: the cached path exists only once the binary is complete.
	mv -f "$CACHE_DIR/.mediasoup-worker.tmp" "$CACHED_BIN"
	rm -rf "$stage"
	trap - EXIT
	log "built $CACHED_BIN ($(stat -c %s "$CACHED_BIN") bytes)"
}

if [ -x "$CACHED_BIN" ]; then
	log "cached: $CACHED_BIN"
else
	build_worker
fi

# Install a copy (not a symlink) at mediasoup's default path, where mediasoup
# looks when MEDIASOUP_WORKER_BIN is unset: a copy survives the cache being
# cleaned and images that copy node_modules alone. Rename over the old file so
# a running worker keeps its inode.
if cmp -s "$CACHED_BIN" "$DEFAULT_BIN" 2>/dev/null; then
	log "already installed: $DEFAULT_BIN"
else
	mkdir -p "$(dirname "$DEFAULT_BIN")"
	cp "$CACHED_BIN" "$DEFAULT_BIN.tmp.$$"
	chmod 755 "$DEFAULT_BIN.tmp.$$"
	mv -f "$DEFAULT_BIN.tmp.$$" "$DEFAULT_BIN"
	log "installed: $DEFAULT_BIN"
fi

echo "$CACHED_BIN" >&3
