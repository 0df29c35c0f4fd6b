#!/usr/bin/env bash
# build.sh — build (once per machine) the pulumi CLI that the Automation API
# (github.com/pulumi/pulumi/sdk/v3/go/auto) drives in the real-AWS suite.
#
# It builds github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at PULUMI_VERSION from a
# tiny throwaway module, stamped with that version, into
# integration/pulumi/.cache/<version>/bin/pulumi (git-ignored), and prints
# integration/pulumi/.cache/<version> on stdout: the Root that the Automation
# API's auto.PulumiCommandOptions wants (it runs Root/bin/pulumi). A later run finds the binary there and does nothing.
#
# The AWS suite (FARGATEKIT_AWS_E2E=1) and provider/scripts/check-schema.sh
# (`make provider`, part of `make test`) call this: the first build downloads
# a few hundred MB of modules and takes about 3 minutes on 2 cores. Provider plugins (aws, kubernetes, eks) are not built here: the
# CLI downloads them from the network the first time a stack needs them.
# Works from any cwd. Progress goes to stderr.
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-v3.259.0}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="$here/.cache"
dir="$cache/$PULUMI_VERSION"
bin="$dir/bin"
log() { echo "pulumi/build: $*" >&2; }

mkdir -p "$bin"
# One build at a time per machine.
exec 8>"$cache/build.lock"
flock 8

if [ -x "$bin/pulumi" ] && "$bin/pulumi" version 2>/dev/null | grep -qx "$PULUMI_VERSION"; then
  log "pulumi $PULUMI_VERSION cached: $bin/pulumi"
  echo "$dir"; exit 0
fi

src="$dir/src"
rm -rf "$src"; mkdir -p "$src"
cat >"$src/go.mod" <<MOD
module pulumiclibuild

go 1.26.0

require github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION
MOD
cat >"$src/tools.go" <<'GO'
//go:build tools

// Package tools pins the pulumi CLI's main package in this module.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod"
log "resolving github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION (downloads modules)"
(cd "$src" && go mod download github.com/pulumi/pulumi/pkg/v3 && go mod tidy >&2)
log "building the pulumi CLI (many CPU-minutes the first time)"
start=$SECONDS
(cd "$src" && go build -trimpath -o "$bin/pulumi.tmp" \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
mv "$bin/pulumi.tmp" "$bin/pulumi"
log "built $bin/pulumi ($("$bin/pulumi" version)) in $((SECONDS - start))s"
echo "$dir"
