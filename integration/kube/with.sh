#!/usr/bin/env bash
# with.sh CMD [ARGS...] — run CMD against a private API server: up.sh in a fresh
# state dir, FARGATEKIT_TEST_KUBECONFIG (and nothing else) pointing at it, and
# the servers stopped (down.sh) and the state dir removed when CMD ends, however
# it ends (success, failure, Ctrl-C). Exits with CMD's status. `make test` and
# `make demo` run through it, so they leave no kube-apiserver or etcd behind.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "$#" -gt 0 ] || { echo "usage: with.sh CMD [ARGS...]" >&2; exit 2; }
mkdir -p "$here/.cache"
state="$(mktemp -d "$here/.cache/with.XXXXXX")"
cleanup() {
  "$here/down.sh" "$state" || true
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

kubeconfig="$("$here/up.sh" "$state")"
export FARGATEKIT_TEST_KUBECONFIG="$kubeconfig"
status=0
"$@" || status=$?
exit "$status"
