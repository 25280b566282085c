#!/usr/bin/env bash
# Sourced by scripts/test.sh and bench: make sure a PostgreSQL server and a Redis
# server are reachable, starting throwaway ones (and installing them with apt
# when running as root) where the machine has none. Exports TEST_DATABASE_URL
# and TEST_REDIS_URL; `stop_throwaway_services` cleans up what was started.

THROWAWAY_PG_DIR=""
THROWAWAY_PG_BIN=""
THROWAWAY_REDIS_PORT=""

_apt_install() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "installing $* with apt-get" >&2
    (apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null; })
  else
    echo "missing $*: install it (Debian: apt-get install $*)" >&2
    return 1
  fi
}

ensure_postgres() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then return 0; fi
  # TONGBU_THROWAWAY_PG=1 (CI) skips the machine's server and starts a throwaway one.
  if [ "${TONGBU_THROWAWAY_PG:-0}" != "1" ] && command -v psql >/dev/null && psql "postgres://postgres@127.0.0.1:5432/postgres" -qAtc 'select 1' >/dev/null 2>&1; then
    export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
    return 0
  fi
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then _apt_install postgresql || return 1; fi
  THROWAWAY_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  THROWAWAY_PG_DIR=$(mktemp -d)
  local port=54329
  while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
  local as=()
  if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$THROWAWAY_PG_DIR"; as=(runuser -u postgres --); fi
  "${as[@]}" "$THROWAWAY_PG_BIN/initdb" -D "$THROWAWAY_PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  "${as[@]}" "$THROWAWAY_PG_BIN/pg_ctl" -D "$THROWAWAY_PG_DIR/data" -l "$THROWAWAY_PG_DIR/server.log" -w -t 30 \
    -o "-p $port -k $THROWAWAY_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "started a throwaway PostgreSQL on 127.0.0.1:$port" >&2
}

ensure_redis() {
  if [ -n "${TEST_REDIS_URL:-}" ]; then return 0; fi
  if command -v redis-cli >/dev/null && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; then
    export TEST_REDIS_URL="redis://127.0.0.1:6379"
    return 0
  fi
  command -v redis-server >/dev/null || _apt_install redis-server || return 1
  THROWAWAY_REDIS_PORT=63799
  redis-server --port $THROWAWAY_REDIS_PORT --bind 127.0.0.1 --daemonize yes --dir "$(mktemp -d)" --save '' --appendonly no >/dev/null
  export TEST_REDIS_URL="redis://127.0.0.1:$THROWAWAY_REDIS_PORT"
  echo "started a throwaway Redis on 127.0.0.1:$THROWAWAY_REDIS_PORT" >&2
}

stop_throwaway_services() {
  if [ -n "$THROWAWAY_PG_DIR" ]; then
    local as=()
    [ "$(id -u)" = "0" ] && as=(runuser -u postgres --)
    "${as[@]}" "$THROWAWAY_PG_BIN/pg_ctl" -D "$THROWAWAY_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$THROWAWAY_PG_DIR"
  fi
  if [ -n "$THROWAWAY_REDIS_PORT" ]; then redis-cli -p "$THROWAWAY_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; fi
}
