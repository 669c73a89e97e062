#!/usr/bin/env bash
# Load, fault and forgery bench of `vigil webhook proxy`, on loopback only,
# bounded in time (about three minutes). Needs nginx (apt-get install nginx)
# for the comparison; pass -nginx '' to skip it. Extra flags go to
# webhookbench (see -help). The report lands in bench/out/webhook/report.txt.
#
#   bash bench/webhook/run.sh                  # this tree
#   bash bench/webhook/run.sh --before REV     # and vigil as of git REV, in the same rounds
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/out/webhook
mkdir -p "$out"
extra=()
if [[ "${1:-}" == "--before" ]]; then
	rev=$2
	shift 2
	src=$(mktemp -d)
	trap 'rm -rf "$src"' EXIT
	git archive "$rev" | tar -x -C "$src"
	(cd "$src" && go build -o "$OLDPWD/$out/vigil-before" ./cmd/vigil)
	extra=(-vigil-before "$out/vigil-before")
fi
go build -o "$out/vigil" ./cmd/vigil
go build -o "$out/webhookbench" ./bench/webhook
timeout 900 "$out/webhookbench" -vigil "$out/vigil" -out "$out" "${extra[@]}" "$@"
