#!/usr/bin/env bash
# Load, fault and forgery bench of `vigil webhook proxy`, on loopback only,
# bounded in time (about two minutes). Needs nginx (apt-get install nginx)
# for the comparison; pass -nginx '' to skip it. Extra flags go to
# webhookbench (see -help). The report lands in bench/out/webhook/report.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/out/webhook
mkdir -p "$out"
go build -o "$out/vigil" ./cmd/vigil
go build -o "$out/webhookbench" ./bench/webhook
exec timeout 600 "$out/webhookbench" -vigil "$out/vigil" -out "$out" "$@"
