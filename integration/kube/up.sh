#!/usr/bin/env bash
# up.sh [STATE_DIR] — start a throwaway etcd + kube-apiserver on 127.0.0.1 for tests.
# Builds the binaries first if needed (build.sh). If the servers recorded in
# STATE_DIR are alive and ready, reuses them. Writes STATE_DIR/kubeconfig and
# STATE_DIR/env (KUBECONFIG, FARGATEKIT_TEST_KUBECONFIG). Progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${1:-$here/.cache/run}"
mkdir -p "$state"; state="$(cd "$state" && pwd)"
KUBE_VERSION="${KUBE_VERSION:-v1.36.0}"
bin="$here/.cache/$KUBE_VERSION/bin"
timeout="${KUBE_UP_TIMEOUT:-180}"   # seconds to wait for /readyz
log() { echo "kube/up: $*" >&2; }

# One up.sh per state dir at a time (parallel test binaries call it together).
# fd 9 is closed in the servers so they do not keep the lock.
exec 9>"$state/up.lock"
flock 9

alive() { # alive NAME: the PID in NAME.pid runs the NAME binary
  local pid; pid="$(cat "$state/$1.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$1"
}
readyz() { # readyz PORT: the API server answers /readyz with ok
  curl -fsS --max-time 5 --cacert "$state/ca.crt" --cert "$state/admin.crt" \
    --key "$state/admin.key" "https://127.0.0.1:$1/readyz" >/dev/null 2>&1
}

if alive etcd && alive kube-apiserver && [ -f "$state/kubeconfig" ] &&
   readyz "$(cat "$state/apiserver.port" 2>/dev/null)"; then
  log "reusing running API server (state $state)"
  echo "$state/kubeconfig"; exit 0
fi

"$here/down.sh" "$state" >/dev/null 2>&1 || true   # clear leftovers
"$here/build.sh"
rm -rf "$state/etcd-data" "$state"/*.log

# ---- certificates (kept across restarts) -----------------------------------
if [ ! -f "$state/admin.crt" ]; then
  log "generating certificates in $state"
  (
    cd "$state"
    q() { "$@" >/dev/null 2>&1; }
    q openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca.key -out ca.crt \
      -subj "/CN=fargatekit-test-ca"
    # sign NAME SUBJECT EXTENSIONS: key + cert signed by the CA
    sign() {
      q openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
      printf '%s\n' "$3" >"$1.ext"
      q openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
        -days 3650 -out "$1.crt" -extfile "$1.ext"
      rm -f "$1.csr" "$1.ext"
    }
    sign server "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1
extendedKeyUsage=serverAuth"
    sign admin "/O=system:masters/CN=fargatekit-test-admin" "extendedKeyUsage=clientAuth"
    # Service-account token signing key pair.
    q openssl genrsa -out sa.key 2048
    q openssl rsa -in sa.key -pubout -out sa.pub
  )
fi

# ---- free ports on 127.0.0.1 (below the ephemeral range) -------------------
taken=" "
freeport() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 12000 ))
    case "$taken" in *" $p "*) continue ;; esac
    [ -z "$(ss -Htln "sport = :$p")" ] && { echo "$p"; return; }
  done
}
eport=$(freeport); taken="$taken$eport "
pport=$(freeport); taken="$taken$pport "
aport=$(freeport)
issuer="https://127.0.0.1:$aport"

# start NAME ARGS...: run detached in its own session, log and PID in $state.
start() {
  local name="$1"; shift
  rm -f "$state/$name.pid"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$state/$name.pid" "$@" \
    </dev/null >"$state/$name.log" 2>&1 9>&- &
  for _ in $(seq 50); do [ -s "$state/$name.pid" ] && return; sleep 0.1; done
  log "$name did not start"; exit 1
}
fail() {
  log "$*"
  for f in etcd kube-apiserver; do
    [ -f "$state/$f.log" ] && { echo "---- tail $state/$f.log" >&2; tail -n 25 "$state/$f.log" >&2; }
  done
  "$here/down.sh" "$state" >&2 || true
  exit 1
}

log "starting etcd on 127.0.0.1:$eport"
start etcd "$bin/etcd" --name=kubetest --data-dir="$state/etcd-data" \
  --listen-client-urls="http://127.0.0.1:$eport" --advertise-client-urls="http://127.0.0.1:$eport" \
  --listen-peer-urls="http://127.0.0.1:$pport" --initial-advertise-peer-urls="http://127.0.0.1:$pport" \
  --initial-cluster="kubetest=http://127.0.0.1:$pport" --logger=zap --log-level=warn
for i in $(seq 60); do
  curl -fsS --max-time 2 "http://127.0.0.1:$eport/health" 2>/dev/null | grep -q '"health":"true"' && break
  alive etcd || fail "etcd exited"
  [ "$i" = 60 ] && fail "etcd not healthy after 30s"
  sleep 0.5
done

log "starting kube-apiserver $KUBE_VERSION on 127.0.0.1:$aport (issuer $issuer)"
echo "$aport" >"$state/apiserver.port"
start kube-apiserver "$bin/kube-apiserver" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$aport" \
  --etcd-servers="http://127.0.0.1:$eport" \
  --tls-cert-file="$state/server.crt" --tls-private-key-file="$state/server.key" \
  --client-ca-file="$state/ca.crt" \
  --authorization-mode=Node,RBAC --anonymous-auth=true \
  --service-account-issuer="$issuer" \
  --service-account-jwks-uri="$issuer/openid/v1/jwks" \
  --service-account-key-file="$state/sa.pub" \
  --service-account-signing-key-file="$state/sa.key" \
  --api-audiences="$issuer,sts.amazonaws.com" \
  --service-cluster-ip-range=10.96.0.0/16 \
  --allow-privileged=true --profiling=false \
  --endpoint-reconciler-type=none  # Endpoints may not hold a loopback IP
start=$(date +%s)
until readyz "$aport"; do
  alive kube-apiserver || fail "kube-apiserver exited"
  [ $(( $(date +%s) - start )) -ge "$timeout" ] && fail "kube-apiserver not ready after ${timeout}s"
  sleep 1
done
log "kube-apiserver ready after $(( $(date +%s) - start ))s"

# Let anyone fetch /.well-known/openid-configuration and /openid/v1/jwks, as on EKS.
curl -fsS --max-time 10 --cacert "$state/ca.crt" --cert "$state/admin.crt" --key "$state/admin.key" \
  -H 'Content-Type: application/json' -X POST \
  "https://127.0.0.1:$aport/apis/rbac.authorization.k8s.io/v1/clusterrolebindings" \
  -d '{"metadata":{"name":"kubetest:oidc-discovery-unauthenticated"},
       "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"system:service-account-issuer-discovery"},
       "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:unauthenticated"}]}' \
  >/dev/null || log "warning: could not open OIDC discovery to anonymous users"

# ---- kubeconfig + env --------------------------------------------------------
b64() { base64 -w0 <"$state/$1"; }
cat >"$state/kubeconfig.tmp" <<KC
apiVersion: v1
kind: Config
clusters:
- name: kubetest
  cluster:
    server: https://127.0.0.1:$aport
    certificate-authority-data: $(b64 ca.crt)
users:
- name: kubetest-admin
  user:
    client-certificate-data: $(b64 admin.crt)
    client-key-data: $(b64 admin.key)
contexts:
- name: kubetest
  context: {cluster: kubetest, user: kubetest-admin}
current-context: kubetest
KC
mv "$state/kubeconfig.tmp" "$state/kubeconfig"
cat >"$state/env" <<ENV
# source me: the local test API server (issuer $issuer)
export KUBECONFIG='$state/kubeconfig'
export FARGATEKIT_TEST_KUBECONFIG='$state/kubeconfig'
ENV
log "up: source $state/env"
echo "$state/kubeconfig"
