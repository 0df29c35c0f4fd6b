#!/usr/bin/env bash
# token_vs_awscli.sh: times "fargatekit token" (uncached and cached) against
# "aws eks get-token" (Debian's awscli) and a Go hello-world process, on the
# same fake static credentials and region, and prints the ratios.
#
# Goals (issue 11): fargatekit at least 50x faster than the aws CLI; cached
# and uncached within 1.5x of a Go hello-world process (cached: 1.1x).
#
# Both tools only presign a URL: nothing goes to the network, so fake
# credentials are enough. Installs awscli and hyperfine with apt-get when they
# are missing (and apt-get is usable); without hyperfine it falls back to a
# bash loop. Environment knobs:
#   AWS_BIN=/path/to/aws   the aws CLI to time (default: /usr/bin/aws, else PATH)
#   RUNS=300 AWS_RUNS=20   runs per fast command / per aws CLI command
#   KEEP=1                 keep the work directory
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
RUNS=${RUNS:-300}
AWS_RUNS=${AWS_RUNS:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/fargatekit-bench.XXXXXX")
cleanup() { if [[ -z "${KEEP:-}" ]]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT
trap 'echo "token_vs_awscli.sh: failed at line $LINENO" >&2' ERR

log() { printf '== %s\n' "$*" >&2; }

apt_install() {
  local pkg=$1
  if ! command -v apt-get >/dev/null; then return 1; fi
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || return 1
    sudo="sudo"
  fi
  log "installing $pkg with apt-get"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >&2 ||
    { $sudo apt-get update -q >&2 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >&2; }
}

# --- tools -------------------------------------------------------------------
if [[ -z "${AWS_BIN:-}" ]]; then
  if [[ ! -x /usr/bin/aws ]] && ! command -v aws >/dev/null; then apt_install awscli || true; fi
  if [[ -x /usr/bin/aws ]]; then AWS_BIN=/usr/bin/aws; else AWS_BIN=$(command -v aws || true); fi
fi
[[ -n "$AWS_BIN" ]] || { echo "no aws CLI (apt-get install awscli)" >&2; exit 1; }
command -v hyperfine >/dev/null || apt_install hyperfine || true
HYPERFINE=$(command -v hyperfine || true)

log "building fargatekit (the token plugin), fargatekit-admin and a Go hello world"
(cd "$root" && go build -o "$work/" ./cmd/fargatekit ./cmd/fargatekit-admin)
mkdir -p "$work/hello"
cat >"$work/hello/main.go" <<'EOF'
package main

import "fmt"

func main() { fmt.Println("hello, world") }
EOF
(cd "$work/hello" && GOFLAGS=-mod=mod go mod init hello >/dev/null 2>&1 && go build -o "$work/hello-world" .)

# --- the shared environment: fake static credentials, fixed region, no files --
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/aws-credentials
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
export FARGATEKIT_CACHE_DIR=$work/cache
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN KUBERNETES_EXEC_INFO || true

fk=("$work/fargatekit" token --cluster-name bench --region us-east-1)
# Sanity: every command works and the two tokens have the same shape.
"${fk[@]}" >"$work/fk.json"
"${fk[@]}" --no-cache >/dev/null
"$AWS_BIN" eks get-token --cluster-name bench --region us-east-1 >"$work/aws.json"
"$work/hello-world" >/dev/null
python3 - "$work/fk.json" "$work/aws.json" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
shape = lambda d: {k: shape(v) if isinstance(v, dict) else type(v).__name__ for k, v in d.items()}
assert shape(a) == shape(b), (shape(a), shape(b))
print("== ExecCredential field sets match:", sorted(shape(a)))
EOF
echo "aws CLI: $("$AWS_BIN" --version 2>&1)"
echo "fargatekit binary: $(du -h "$work/fargatekit" | cut -f1), fargatekit-admin: $(du -h "$work/fargatekit-admin" | cut -f1), hello world: $(du -h "$work/hello-world" | cut -f1)"
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# --- timing --------------------------------------------------------------------
names=(hello-world "fargatekit version" "fargatekit token (cached)" "fargatekit token (--no-cache)" "aws eks get-token")
cmds=("$work/hello-world"
  "$work/fargatekit version"
  "${fk[*]}"
  "${fk[*]} --no-cache"
  "$AWS_BIN eks get-token --cluster-name bench --region us-east-1")
results=$work/results.tsv # name, mean, median, min (seconds)

if [[ -n "$HYPERFINE" ]]; then
  log "hyperfine: $RUNS runs per Go command, $AWS_RUNS for the aws CLI"
  args=()
  for i in 0 1 2 3; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  "$HYPERFINE" -N --warmup 20 --runs "$RUNS" --export-json "$work/fast.json" "${args[@]}" >&2
  "$HYPERFINE" -N --warmup 2 --runs "$AWS_RUNS" --export-json "$work/aws.json" -n "${names[4]}" "${cmds[4]}" >&2
  python3 - "$work/fast.json" "$work/aws.json" >"$results" <<'EOF'
import json, sys
for p in sys.argv[1:]:
    for r in json.load(open(p))["results"]:
        print(f'{r["command"]}\t{r["mean"]}\t{r["median"]}\t{r["min"]}')
EOF
else
  log "hyperfine not available: bash loop ($RUNS / $AWS_RUNS runs)"
  : >"$results"
  for i in "${!names[@]}"; do
    n=$RUNS; [[ $i -eq 4 ]] && n=$AWS_RUNS
    read -r -a cmd <<<"${cmds[$i]}"
    times=()
    for ((r = 0; r < n; r++)); do
      t0=$(date +%s%N); "${cmd[@]}" >/dev/null; t1=$(date +%s%N)
      times+=($(((t1 - t0))))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v name="${names[$i]}" '
      { a[NR] = $1 / 1e9; s += $1 / 1e9 }
      END { printf "%s\t%.9f\t%.9f\t%.9f\n", name, s / NR, a[int((NR + 1) / 2)], a[1] }' >>"$results"
  done
fi

python3 - "$results" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, mean, median, mn = line.rstrip("\n").split("\t")
    rows[name] = dict(mean=float(mean), median=float(median), min=float(mn))
print()
print(f'{"command":32} {"mean ms":>10} {"median ms":>10} {"min ms":>10}')
for name, r in rows.items():
    print(f'{name:32} {r["mean"]*1e3:10.2f} {r["median"]*1e3:10.2f} {r["min"]*1e3:10.2f}')
h, v = rows["hello-world"], rows["fargatekit version"]
c, u, a = rows["fargatekit token (cached)"], rows["fargatekit token (--no-cache)"], rows["aws eks get-token"]
def ratio(x, y, k): return x[k] / y[k]
print()
print("ratios (by median; mean in brackets):")
lines = [
    ("aws CLI / fargatekit uncached", ratio(a, u, "median"), ratio(a, u, "mean"), ">= 50", lambda x: x >= 50),
    ("aws CLI / fargatekit cached", ratio(a, c, "median"), ratio(a, c, "mean"), ">= 50", lambda x: x >= 50),
    ("fargatekit cached / hello world", ratio(c, h, "median"), ratio(c, h, "mean"), "<= 1.1", lambda x: x <= 1.1),
    ("fargatekit uncached / hello world", ratio(u, h, "median"), ratio(u, h, "mean"), "<= 1.5", lambda x: x <= 1.5),
    ("fargatekit cached / fargatekit version", ratio(c, v, "median"), ratio(c, v, "mean"), "", None),
    ("fargatekit version / hello world", ratio(v, h, "median"), ratio(v, h, "mean"), "", None),
]
for name, med, mean, goal, ok in lines:
    verdict = "" if ok is None else ("  goal " + goal + (": met" if ok(med) else ": NOT met"))
    print(f'  {name:40} {med:8.2f}x  [{mean:.2f}x]{verdict}')
EOF

# Where the fargatekit binary's start-up goes (package initialisation).
init_ms() { GODEBUG=inittrace=1 "$@" 2>&1 >/dev/null | awk '/^init /{s += $5} END {printf "%.2f", s}'; }
echo
echo "package init (GODEBUG=inittrace, one run): hello world $(init_ms "$work/hello-world") ms," \
  "fargatekit $(init_ms "$work/fargatekit" version) ms"
echo "largest fargatekit init costs:"
GODEBUG=inittrace=1 "$work/fargatekit" version 2>&1 >/dev/null | awk '/^init /{print $5, "ms", $2}' | sort -rn | head -5 | sed 's/^/  /'
