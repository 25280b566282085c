#!/bin/bash
# Used as MEDIASOUP_WORKER_BIN: runs the unpatched debug worker with gdb attached.
# mediasoup only accepts the worker's "running" notification from the pid it
# spawned, so the worker cannot be a child of gdb. Instead this shell has a gdb
# attach to itself, waits until it is traced, then exec()s into the worker
# (same pid); gdb follows the exec and runs $GDB_CMDS (default: wait for the
# fault and dump the backtrace) into $GDB_OUT. SSL_LIBS, if set, is put on the
# worker's LD_LIBRARY_PATH (a debug OpenSSL build).
OUT="${GDB_OUT:-/tmp/worker-debug/gdb-backtrace.txt}"
CMDS="${GDB_CMDS:-/tmp/worker-debug/gdb-crash.gdb}"
WORKER="${WORKER:-/tmp/worker-debug/ms/worker/out/Debug/mediasoup-worker}"
SELF=$$
gdb -q -nx -batch -x "$CMDS" -p "$SELF" >"$OUT" 2>&1 </dev/null &
until grep -q '^TracerPid:[[:space:]]*[1-9]' /proc/$SELF/status; do sleep 0.05; done
sleep 0.3 # let gdb reach "continue"
if [ -n "${SSL_LIBS:-}" ]; then export LD_LIBRARY_PATH="$SSL_LIBS"; fi
exec "$WORKER" "$@"
