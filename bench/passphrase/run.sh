#!/usr/bin/env bash
# Benchmarks for the passphrase package: offline index build on 1 M and
# 10 M generated hashes (throughput and peak RSS, measured with
# /usr/bin/time -v) and offline lookup latency (go test -bench).
#
#   bash bench/passphrase/run.sh            # 1 M and 10 M
#   SIZES="1000000" bash bench/passphrase/run.sh
#
# Needs GNU time (apt-get install time). Uses $BENCH_DIR (default: a
# temporary directory, removed at the end); 10 M hashes take ~500 MB of
# input and ~130 MB of index.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-"1000000 10000000"}
dir=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$dir"' EXIT
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 3; }

go build -o "$dir/vigil" ./cmd/vigil
go build -o "$dir/genhashes" ./bench/passphrase/genhashes

printf '%-10s %10s %10s %9s %10s %12s\n' hashes input_MB index_MB seconds MB_per_s peak_RSS_MB
for n in $SIZES; do
	in="$dir/hashes-$n.txt" out="$dir/index-$n.idx"
	"$dir/genhashes" -n "$n" > "$in"
	cat "$in" > /dev/null # warm the page cache: measure the indexer, not the disk
	/usr/bin/time -v "$dir/vigil" passphrase index "$in" "$out" > /dev/null 2> "$dir/time-$n.txt"
	secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$dir/time-$n.txt")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time-$n.txt")
	isize=$(stat -c %s "$in") osize=$(stat -c %s "$out")
	awk -v n="$n" -v i="$isize" -v o="$osize" -v s="$secs" -v r="$rss" \
		'BEGIN { printf "%-10d %10.1f %10.1f %9.2f %10.1f %12.1f\n", n, i/1e6, o/1e6, s, (s>0 ? i/1e6/s : 0), r/1024 }'
	last=$out
	rm -f "$in"
done

echo
echo "offline lookup against the last index ($last):"
VIGIL_BENCH_INDEX=$last go test -run '^$' -bench 'BenchmarkIndexLookup' -benchtime 200000x ./passphrase | grep -E '^Benchmark|ns/op'
