#!/usr/bin/env bash
# check-schema.sh — compare what `pulumi package get-schema` reads from the
# built plugin with the checked-in golden, testdata/schema.json (`make
# provider`, and so `make test`, runs it last).
#
# The tests get the schema in process (the plugin's own GetSchema) and from
# the plugin binary over gRPC (TestPluginBinary); this script does it the way
# a user's CLI does: it builds the plugin as a release does (version
# 0.0.0-dev, the golden's, set with -ldflags) and runs the pulumi CLI that
# integration/pulumi/build.sh builds once per machine (about 3 minutes on 2
# cores the first time). Needs python3 for the comparison.
# Works from any cwd; exits non-zero on a difference.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" # provider/
root="$(cd "$here/.." && pwd)"
log() { echo "check-schema: $*" >&2; }

pulumi_root="$(bash "$root/integration/pulumi/build.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

log "building the plugin"
(cd "$here" && go build -o "$work/pulumi-resource-fargatekit" \
  -ldflags "-X github.com/fargatekit/fargatekit/provider.Version=0.0.0-dev" ./cmd/pulumi-resource-fargatekit)

log "pulumi package get-schema"
PULUMI_HOME="$work/home" PULUMI_SKIP_UPDATE_CHECK=1 \
  "$pulumi_root/bin/pulumi" package get-schema "$work/pulumi-resource-fargatekit" >"$work/schema.json"

python3 - "$work/schema.json" "$here/testdata/schema.json" <<'PY'
import json, sys
got, want = (json.load(open(p)) for p in sys.argv[1:3])
if got != want:
    for k in sorted(set(got) | set(want)):
        if got.get(k) != want.get(k):
            print(f"check-schema: top-level key {k!r} differs", file=sys.stderr)
    sys.exit(1)
print("check-schema: pulumi package get-schema matches testdata/schema.json")
PY
