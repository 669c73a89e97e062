#!/usr/bin/env bash
# Narrowed history scans (--since, --range, --branch) of one repository by
# this build of vigil and by BASELINE (another vigil binary, e.g. one built
# from before the in-process pack reader), interleaved ROUNDS times; prints
# the median wall time, CPU and peak process-tree memory of each, and the
# ratio. Narrowed scans read through git cat-file in both builds; this
# checks they did not get slower.
# Usage: BASELINE=/path/to/old/vigil bench/history/narrowed.sh REPO SINCE RANGE BRANCH
#   e.g. bench/history/narrowed.sh curl.git 2024-01-01 curl-8_0_0..curl-8_10_0 master
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$1 since=$2 range=$3 branch=$4
ROUNDS=${ROUNDS:-3}
: "${BASELINE:?set BASELINE to the vigil binary to compare with}"
dir=$(mktemp -d /tmp/vigil-narrowed.XXXXXX)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/vigil" ./cmd/vigil
go build -o "$dir/proctree" ./bench/history/proctree
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for _ in $(seq "$ROUNDS"); do
	for mode in since range branch; do
		case $mode in
		since) args=(--since "$since") ;;
		range) args=(--range "$range") ;;
		branch) args=(--branch "$branch") ;;
		esac
		for tool in vigil baseline; do
			bin="$dir/vigil"
			[ "$tool" = baseline ] && bin=$BASELINE
			"$dir/proctree" -interval 20ms -o "$dir/m.txt" -- "$bin" scan --git "$repo" --no-config "${args[@]}" --format json --output "$dir/out.json" > /dev/null 2>&1 || true
			awk '{ print $1, $2, $3 }' "$dir/m.txt" >> "$dir/$mode.$tool"
		done
	done
done
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-8s %-9s %8s %8s %10s\n' mode tool wall_s cpu_s rss_MiB
for mode in since range branch; do
	for tool in vigil baseline; do
		printf '%-8s %-9s %8s %8s %10s\n' "$mode" "$tool" \
			"$(awk '{ print $1 }' "$dir/$mode.$tool" | median)" "$(awk '{ print $2 }' "$dir/$mode.$tool" | median)" "$(awk '{ print $3 }' "$dir/$mode.$tool" | median)"
	done
	echo "$mode vigil/baseline wall: $(paste -d' ' "$dir/$mode.vigil" "$dir/$mode.baseline" | awk '{ printf "%.3f\n", $1 / $4 }' | median)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
