#!/usr/bin/env bash
# down.sh [STATE_DIR] — stop the servers started by up.sh (TERM, then KILL). Idempotent.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${1:-$here/.cache/run}"
log() { echo "kube/down: $*" >&2; }

for name in kube-apiserver etcd; do
  pidfile="$state/$name.pid"
  pid="$(cat "$pidfile" 2>/dev/null)" || continue
  # Only signal the PID if it still runs our binary (PIDs get reused).
  if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$name"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "killing $name (pid $pid)"; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$pidfile"
done
