#!/usr/bin/env bash
# History scans of real repositories, given by path, side by side in one
# run: git's own object-read floor, vigil scan --git (packs read
# in-process), vigil with the reference reader (--git-reader=cat-file),
# gitleaks git, and betterleaks git when BETTERLEAKS names a binary.
#
#   bash bench/history/real.sh /work/bench-repos/curl.git /work/bench-repos/redis.git ...
#   ROUNDS=5 bash bench/history/real.sh REPO...     # rounds of each in turn (default 3)
#   PEERS=0 bash bench/history/real.sh REPO...      # vigil and the floor only
#
# Make each repository a clone that holds only reachable objects, e.g. from
# the search tool's snapshot:
#   git clone --bare --no-local /work/.mirror/curl+curl/repo /work/bench-repos/curl.git
#
# Every round runs each tool once, in turn (floor, vigil, reference,
# gitleaks, betterleaks), each under bench/history/proctree: wall time, CPU
# time (children included) and the peak memory of the whole process tree.
# It prints the median of each, and the median over rounds of each round's
# ratios (tools run next to each other share the machine's state). The
# floor is 'git cat-file --batch-all-objects --batch --unordered' to
# /dev/null; /dev/null is checked to be a character device before each
# floor run (a tool that renames a report onto it makes it a regular file,
# and every floor measured through it 2-3x too slow). Last, the two
# readers' reports are compared (bench/history/samefindings): same
# findings, same commit, author, path, line, still-present and places.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dir=${BENCH_DIR:-/tmp/vigil-bench-real}
ROUNDS=${ROUNDS:-3}
PEERS=${PEERS:-1}
mkdir -p "$dir"
[ $# -gt 0 ] || { echo "usage: bash bench/history/real.sh REPO..." >&2; exit 2; }

gitleaks=""
if [ "$PEERS" = 1 ]; then
	peers=$(bash "$root/../shared/tools/peers.sh" 2>/dev/null || true)
	gitleaks=${GITLEAKS:-${peers:+$peers/gitleaks}}
	[ -x "$gitleaks" ] || { echo "bench: gitleaks not found (run ../shared/tools/peers.sh, or set GITLEAKS; PEERS=0 to skip)" >&2; exit 3; }
fi
betterleaks=${BETTERLEAKS:-}
go build -o "$dir/vigil" ./cmd/vigil
go build -o "$dir/proctree" ./bench/history/proctree
go build -o "$dir/samefindings" ./bench/history/samefindings

nullcheck() {
	if [ ! -c /dev/null ]; then
		echo "bench: /dev/null is not a character device any more (something replaced it); restore it with: rm -f /dev/null && mknod -m 666 /dev/null c 1 3" >&2
		exit 3
	fi
}

# run NAME CMD... runs CMD under proctree and appends "wall cpu rss pss"
# to $dir/NAME.times.
run() {
	local name=$1
	shift
	nullcheck
	"$dir/proctree" -interval 20ms -o "$dir/m.txt" -- "$@" > /dev/null 2> "$dir/$name.stderr" || true
	awk '{ print $1, $2, $3, $4 }' "$dir/m.txt" >> "$dir/$name.times"
	nullcheck
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$2" '{ print $c }' "$dir/$1.times" | median; }
# ratio A B COL: the median over rounds of A's COL over B's, round by round.
ratio() { paste -d' ' "$dir/$1.times" "$dir/$2.times" | awk -v c="$3" '{ printf "%.3f\n", $c / $(c + 4) }' | median; }

bench_repo() {
	local repo=$1 name
	name=$(basename "$repo" .git)
	local commits blob_gb
	commits=$(git -C "$repo" rev-list --all | wc -l)
	blob_gb=$(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
		awk '$1 == "blob" { s += $2 } END { printf "%.2f", s / 1e9 }')
	rm -f "$dir"/*.times
	nullcheck
	git -C "$repo" cat-file --batch-all-objects --batch --unordered > /dev/null # warm the page cache
	local tools="floor vigil reference"
	[ -n "$gitleaks" ] && tools="$tools gitleaks"
	[ -n "$betterleaks" ] && tools="$tools betterleaks"
	for i in $(seq "$ROUNDS"); do
		echo "bench: $name round $i/$ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
		run floor git -C "$repo" cat-file --batch-all-objects --batch --unordered
		run vigil "$dir/vigil" scan --git "$repo" --no-config --format json --output "$dir/$name.vigil.json"
		run reference "$dir/vigil" scan --git "$repo" --git-reader=cat-file --no-config --format json --output "$dir/$name.reference.json"
		if [ -n "$gitleaks" ]; then
			run gitleaks "$gitleaks" git "$repo" --no-banner --log-level error --report-format json --report-path "$dir/$name.gitleaks.json" --exit-code 0
		fi
		if [ -n "$betterleaks" ]; then
			run betterleaks "$betterleaks" git "$repo" --no-banner --log-level error --report-format json --report-path "$dir/$name.betterleaks.json" --exit-code 0
		fi
	done
	echo
	echo "== $name: $commits commits, $blob_gb GB of unique blobs, $ROUNDS rounds (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
	printf '%-34s %8s %8s %14s %14s\n' tool wall_s cpu_s peak_tree_RSS peak_tree_PSS
	for t in $tools; do
		printf '%-34s %8s %8s %10s MiB %10s MiB\n' "$t" "$(col "$t" 1)" "$(col "$t" 2)" "$(col "$t" 3)" "$(col "$t" 4)"
	done
	echo "vigil/floor: wall $(ratio vigil floor 1), CPU $(ratio vigil floor 2); reference/floor: wall $(ratio reference floor 1); vigil/reference: wall $(ratio vigil reference 1)"
	if [ -n "$gitleaks" ]; then
		echo "gitleaks/vigil: wall $(ratio gitleaks vigil 1), CPU $(ratio gitleaks vigil 2); peak tree RSS vigil/gitleaks $(ratio vigil gitleaks 3)"
	fi
	if [ -n "$betterleaks" ]; then
		echo "betterleaks/vigil: wall $(ratio betterleaks vigil 1); peak tree RSS vigil/betterleaks $(ratio vigil betterleaks 3)"
	fi
	grep -h '^vigil: history' "$dir/vigil.stderr" || true
	"$dir/samefindings" -want "$dir/$name.reference.json" -got "$dir/$name.vigil.json" | tail -n 12 || true
}

for repo in "$@"; do
	bench_repo "$repo"
done
