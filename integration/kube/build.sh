#!/usr/bin/env bash
# build.sh — build (once per machine) the binaries for the local test API server:
#   kube-apiserver  built from the Go module k8s.io/kubernetes
#   etcd            Debian's etcd-server package, or built from go.etcd.io/etcd
# and installs the Debian packages up.sh needs (openssl, curl) when missing.
# Binaries land in integration/kube/.cache/<version>/bin (git-ignored); a later
# run finds them there and does nothing. Works from any cwd.
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-v1.36.0}"
ETCD_VERSION="${ETCD_VERSION:-v3.5.21}"   # only used if Debian's etcd is unusable

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="$here/.cache"
bin="$cache/$KUBE_VERSION/bin"
log() { echo "kube/build: $*" >&2; }

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -mod=mod"
mkdir -p "$bin"
# One build at a time per machine (parallel up.sh runs may all call us).
exec 8>"$cache/build.lock"
flock 8

# ---- tools up.sh needs -------------------------------------------------------
missing=()
for tool in openssl curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    log "installing ${missing[*]} (Debian packages; up.sh makes certificates and polls /readyz with them)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
  else
    log "up.sh needs ${missing[*]}: install them (e.g. apt-get install ${missing[*]}) and run again"
    exit 1
  fi
fi

# ---- kube-apiserver --------------------------------------------------------
if [ -x "$bin/kube-apiserver" ]; then
  log "kube-apiserver $KUBE_VERSION cached: $bin/kube-apiserver"
else
  minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"          # v1.36.0 -> 33
  staging_version="v0.${KUBE_VERSION#v1.}"                    # v1.36.0 -> v0.33.13
  src="$cache/$KUBE_VERSION/src"
  rm -rf "$src"; mkdir -p "$src"
  log "resolving k8s.io/kubernetes@$KUBE_VERSION"
  # GoMod is the path of the downloaded go.mod of k8s.io/kubernetes.
  gomod="$(cd "$src" && go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" |
           sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
  [ -f "$gomod" ] || { log "no go.mod for k8s.io/kubernetes@$KUBE_VERSION"; exit 1; }
  # Every "k8s.io/x => ./staging/..." replace becomes "k8s.io/x => k8s.io/x v0.N.M".
  staging="$(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$gomod")"
  [ -n "$staging" ] || { log "found no staging replaces in $gomod"; exit 1; }
  {
    echo "module kubeapiserverbuild"
    echo
    echo "go 1.24.0"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    echo "replace ("
    for m in $staging; do echo "	$m => $m $staging_version"; done
    echo ")"
  } > "$src/go.mod"
  log "replacing $(echo "$staging" | wc -l) staging modules with $staging_version"
  log "downloading dependencies (go get)"
  (cd "$src" && go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBE_VERSION")
  pkg=k8s.io/component-base/version
  cpkg=k8s.io/client-go/pkg/version
  ldflags="-s -w"
  for p in $pkg $cpkg; do
    ldflags="$ldflags -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ldflags="$ldflags -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  log "building kube-apiserver $KUBE_VERSION (several minutes cold on 2 cores)"
  start=$(date +%s)
  (cd "$src" && go build -trimpath -ldflags "$ldflags" -o "$bin/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver)
  mv "$bin/kube-apiserver.tmp" "$bin/kube-apiserver"
  log "built kube-apiserver in $(( $(date +%s) - start ))s: $("$bin/kube-apiserver" --version)"
fi

# ---- etcd ------------------------------------------------------------------
etcd_ok() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }
if etcd_ok "$bin/etcd"; then
  log "etcd cached: $bin/etcd"
  exit 0
fi
if ! etcd_ok /usr/bin/etcd && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  log "installing Debian etcd-server"
  # Debian's postinst would start a system etcd; policy-rc.d (if present) prevents it.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q etcd-server >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q etcd-server >/dev/null; } ||
    log "apt-get install etcd-server failed; building etcd from source"
fi
if etcd_ok /usr/bin/etcd; then
  ln -sf /usr/bin/etcd "$bin/etcd"
  log "using Debian etcd: $(/usr/bin/etcd --version | head -1)"
  exit 0
fi
# Fallback: build go.etcd.io/etcd/server/v3 in a throwaway module.
esrc="$cache/etcd-$ETCD_VERSION/src"
rm -rf "$esrc"; mkdir -p "$esrc"
printf 'module etcdbuild\n\ngo 1.24.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" > "$esrc/go.mod"
log "building etcd $ETCD_VERSION from source"
(cd "$esrc" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" &&
  go build -trimpath -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3)
log "built etcd: $("$bin/etcd" --version | head -1)"
