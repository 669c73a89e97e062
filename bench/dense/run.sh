#!/usr/bin/env bash
# Keyword-dense input: vigil beside gitleaks on the same files, and beside
# the vigil of an earlier commit (BASE=rev) when asked. Each input is one
# long line of a few bytes repeated (4 MiB of "password=" is the worst case
# issue 19 named). The tools run in turn, RUNS rounds, and the medians of
# wall time and of CPU time (user + system) are reported, as MB/s.
#
#   bash bench/dense/run.sh                 # vigil vs gitleaks
#   BASE=1c25f51 RUNS=5 bash bench/dense/run.sh
#
# The matcher alone, one goroutine, on the same inputs:
#   go test -run - -bench 'WorstCase/.*settings' ./rules
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
SIZE=${SIZE:-4194304}
dir=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$dir/in"
gitleaks=${GITLEAKS:-$(bash ../shared/tools/peers.sh)/gitleaks}
go build -o "$dir/vigil" ./cmd/vigil
tools=(vigil gitleaks)
if [ -n "${BASE:-}" ]; then
	rm -rf "$dir/base-src" && mkdir -p "$dir/base-src"
	git archive "$BASE" | tar -x -C "$dir/base-src"
	(cd "$dir/base-src" && go build -o "$dir/vigil-base" ./cmd/vigil)
	tools+=(vigil-base)
fi

# name → the unit repeated on one line (the names say the unit in words,
# so that the figures quoted in bench/README do not read as assignments).
declare -A units=(
	[password-eq]='password='
	[auth-colon]='auth:'
	[password-eq-semi]='password=;'
	[url-user@]='a://b@'
	[tail-or]='key= || '
	[quoted]='password = "x" '
)
set +o pipefail # yes and tr end on a closed pipe
for name in "${!units[@]}"; do
	f="$dir/in/$name.txt"
	[ -s "$f" ] || yes -- "${units[$name]}" | tr -d '\n' | head -c "$SIZE" > "$f"
done
set -o pipefail

# gitleaks is given a report file of its own: it deletes the report path
# when it checks that it can write it, and run as root it would delete
# /dev/null.
run() { # tool file → "wall cpu" seconds
	local tool=$1 f=$2 out
	case $tool in
	vigil) cmd=("$dir/vigil" scan --no-config "$f") ;;
	vigil-base) cmd=("$dir/vigil-base" scan --no-config "$f") ;;
	gitleaks) cmd=("$gitleaks" dir --no-banner --log-level error --exit-code 0 --report-format json --report-path "$dir/gitleaks.json" "$f") ;;
	esac
	/usr/bin/time -f '%e %U %S' -o "$dir/time" "${cmd[@]}" >/dev/null 2>&1 || true
	awk '{printf "%s %.2f\n", $1, $2 + $3}' "$dir/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf '%-12s %-11s %10s %10s\n' input tool wall-MB/s cpu-MB/s
for name in $(printf '%s\n' "${!units[@]}" | sort); do
	f="$dir/in/$name.txt"
	declare -A walls=() cpus=()
	for ((i = 0; i < RUNS; i++)); do
		for tool in "${tools[@]}"; do
			read -r w c < <(run "$tool" "$f")
			walls[$tool]+="$w "
			cpus[$tool]+="$c "
		done
	done
	for tool in "${tools[@]}"; do
		w=$(tr ' ' '\n' <<<"${walls[$tool]}" | grep . | median)
		c=$(tr ' ' '\n' <<<"${cpus[$tool]}" | grep . | median)
		awk -v n="$name" -v t="$tool" -v s="$SIZE" -v w="$w" -v c="$c" \
			'BEGIN {printf "%-12s %-11s %10.2f %10.2f\n", n, t, s / 1e6 / w, s / 1e6 / (c > 0 ? c : 0.01)}'
	done
	unset walls cpus
done
