#!/usr/bin/env bash
# History and pre-commit benchmarks for vigil, side by side with gitleaks
# in one run.
#
#   bash bench/history/run.sh                 # generated 30,000-commit history
#   REPO=/path/to/any/repo bash bench/history/run.sh
#   SIZES="15000 30000" bash bench/history/run.sh   # memory growth: two sizes
#
# For each repository it prints, best of $RUNS runs (default 3):
#   - the floor: git reading every object (git cat-file --batch-all-objects
#     --batch --unordered > /dev/null);
#   - vigil scan --git and gitleaks git: wall time, CPU time, MB/s of unique
#     blob content, peak memory of the whole process tree (git children
#     included; sampled from /proc by bench/history/proctree), the ratio to
#     gitleaks and to the floor;
#   - vigil/floor again from $PAIRS runs of each in turn (default 5): the
#     median of the ratios of runs next to each other, which drift in the
#     machine's speed (other tenants of a VM) skews less than two bests
#     taken minutes apart;
#   - which secrets gitleaks finds in history that vigil does not (and the
#     other way round), and, for generated histories, how many of the planted
#     credentials each tool finds;
#   - pre-commit latency on the repository's work tree: a typical commit
#     (three files edited, one added) scanned with vigil scan --staged and
#     gitleaks git --pre-commit --staged, $STAGED_RUNS times each.
#
# Generated histories are built by bench/history/genrepo from the Go source
# tree ($(go env GOROOT)/src) and cached in $BENCH_DIR (default
# /tmp/vigil-bench-history). The machine's load average is printed with the
# figures: other work on the machine skews wall times, not CPU times.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dir=${BENCH_DIR:-/tmp/vigil-bench-history}
RUNS=${RUNS:-3}
STAGED_RUNS=${STAGED_RUNS:-10}
SIZES=${SIZES:-30000}
PAIRS=${PAIRS:-5}
mkdir -p "$dir"
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 3; }

peers=$(bash "$root/../shared/tools/peers.sh" 2>/dev/null || true)
gitleaks=${GITLEAKS:-${peers:+$peers/gitleaks}}
if [ -z "$gitleaks" ] || [ ! -x "$gitleaks" ]; then
	echo "bench: gitleaks not found (run ../shared/tools/peers.sh, or set GITLEAKS)" >&2
	exit 3
fi
go build -o "$dir/vigil" ./cmd/vigil
go build -o "$dir/genrepo" ./bench/history/genrepo
go build -o "$dir/proctree" ./bench/history/proctree
go build -o "$dir/compare" ./bench/history/compare
vigil=$dir/vigil

# measure NAME CMD... runs CMD $RUNS times and prints the fastest run's
# wall and CPU seconds (GNU time: children included), then runs it once more
# under proctree for the process tree's peak memory (sampling /proc costs a
# little CPU, so it is kept out of the timed runs): wall cpu rss pss.
measure() {
	local name=$1 best="" t
	shift
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %U %S' -o "$dir/t.txt" "$@" > /dev/null 2> "$dir/$name.stderr" || true
		# GNU time writes "Command exited with non-zero status N" first
		# when the tool reports findings.
		t=$(tail -n 1 "$dir/t.txt" | awk '{ printf "%.2f %.2f", $1, $2 + $3 }')
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
			best=$t
		fi
	done
	"$dir/proctree" -interval 50ms -o "$dir/m.txt" -- "$@" > /dev/null 2>&1 || true
	echo "$best $(awk '{ print $3, $4 }' "$dir/m.txt")"
}

field() { echo "$1" | awk -v i="$2" '{ print $i }'; }

# paired_ratio runs the floor and vigil in turn $PAIRS times and prints the
# median, lowest and highest ratio of vigil's wall time to the floor's run
# just before it.
paired_ratio() {
	local repo=$1 ratios=() f v
	for _ in $(seq "$PAIRS"); do
		/usr/bin/time -f '%e' -o "$dir/t.txt" git -C "$repo" cat-file --batch-all-objects --batch --unordered > /dev/null
		f=$(tail -n 1 "$dir/t.txt")
		/usr/bin/time -f '%e' -o "$dir/t.txt" "$vigil" scan --git "$repo" --no-config --format json --output "$dir/vigil-pair.json" > /dev/null 2>&1 || true
		v=$(tail -n 1 "$dir/t.txt")
		ratios+=("$(awk -v v="$v" -v f="$f" 'BEGIN { printf "%.3f", v / f }')")
	done
	printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END {
		printf "vigil/floor, %d runs of each in turn: median %.2f (%.2f to %.2f)\n", NR, r[int((NR + 1) / 2)], r[1], r[NR] }'
}

bench_repo() {
	local repo=$1 truth=${2:-}
	local commits blobs blob_mb
	commits=$(git -C "$repo" rev-list --all | wc -l)
	read -r blobs blob_mb < <(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
		awk '$1 == "blob" { n++; s += $2 } END { printf "%d %.1f\n", n, s / 1048576 }')
	echo
	echo "== $repo: $commits commits, $blobs blobs, $blob_mb MiB of blob content (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
	git -C "$repo" cat-file --batch-all-objects --batch --unordered > /dev/null # warm the page cache

	local floor v g
	floor=$(measure floor git -C "$repo" cat-file --batch-all-objects --batch --unordered)
	v=$(measure vigil "$vigil" scan --git "$repo" --no-config --show-secrets --format json --output "$dir/vigil.json")
	g=$(measure gitleaks "$gitleaks" git "$repo" --no-banner --log-level error --report-format json --report-path "$dir/gitleaks.json" --exit-code 0)
	printf '%-28s %9s %9s %10s %14s %14s\n' tool wall_s cpu_s blob_MB/s peak_tree_RSS peak_tree_PSS
	for row in "git floor (cat-file)|$floor" "vigil scan --git|$v" "gitleaks git|$g"; do
		local name=${row%%|*} m=${row#*|}
		printf '%-28s %9s %9s %10.1f %11s MiB %11s MiB\n' "$name" "$(field "$m" 1)" "$(field "$m" 2)" \
			"$(awk -v s="$blob_mb" -v t="$(field "$m" 1)" 'BEGIN { print s / t }')" "$(field "$m" 3)" "$(field "$m" 4)"
	done
	awk -v v="$(field "$v" 1)" -v g="$(field "$g" 1)" -v f="$(field "$floor" 1)" \
		-v vm="$(field "$v" 4)" -v gm="$(field "$g" 4)" -v vc="$(field "$v" 2)" -v fc="$(field "$floor" 2)" 'BEGIN {
		printf "vigil is %.1fx faster than gitleaks; vigil/floor = %.2f (wall), %.2f (CPU); peak memory vigil/gitleaks = %.2f\n", g / v, v / f, vc / fc, vm / gm
	}'
	paired_ratio "$repo"
	grep -h '^vigil:' "$dir/vigil.stderr" || true

	# What each found: gitleaks' secrets against vigil's (every confidence).
	"$vigil" scan --git "$repo" --no-config --confidence low --show-secrets --format json --output "$dir/vigil-all.json" 2> /dev/null || true
	"$dir/compare" -vigil "$dir/vigil-all.json" -vigil-default "$dir/vigil.json" -gitleaks "$dir/gitleaks.json" ${truth:+-truth "$truth"}

	bench_staged "$repo"
}

# bench_staged times a typical commit's pre-commit scan on a clone of repo.
bench_staged() {
	local repo=$1 wt=$dir/worktree
	rm -rf "$wt"
	git clone -q "$repo" "$wt"
	local files
	files=$(git -C "$wt" ls-files | wc -l)
	# A typical commit: three files edited, one added.
	for f in $(git -C "$wt" ls-files '*.go' | awk 'NR % 997 == 1' | head -3); do
		printf '\n// edited for the benchmark\nfunc benchmarkEdit() int { return 42 }\n' >> "$wt/$f"
	done
	printf 'package bench\n\nconst greeting = "hello"\n' > "$wt/bench_new.go"
	git -C "$wt" add -A
	echo
	echo "== pre-commit: $files files in the work tree, $(git -C "$wt" diff --cached --name-only | wc -l) files staged ($STAGED_RUNS runs each)"
	printf '%-40s %9s %9s %9s\n' tool median_ms p90_ms max_ms
	staged_times vigil "$vigil" scan --staged --no-config "$wt"
	staged_times gitleaks "$gitleaks" git --pre-commit --staged --no-banner --log-level error --exit-code 0 "$wt"
}

staged_times() {
	local name=$1
	shift
	local times=()
	for _ in $(seq "$STAGED_RUNS"); do
		# proctree without sampling: a wall clock in microseconds.
		"$dir/proctree" -interval 1h -o "$dir/s.txt" -- "$@" > /dev/null 2>&1 || true
		times+=("$(awk '{ printf "%.1f", $1 * 1000 }' "$dir/s.txt")")
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name ($*)" '
		{ t[NR] = $1 } END { printf "%-40s %9s %9s %9s\n", substr(name, 1, 40), t[int((NR + 1) / 2)], t[int(NR * 0.9 + 0.5)], t[NR] }'
}

if [ -n "${REPO:-}" ]; then
	bench_repo "$REPO"
	exit 0
fi
for n in $SIZES; do
	repo=$dir/hist-$n
	if [ ! -d "$repo" ]; then
		echo "bench: generating a $n-commit history in $repo (a few minutes)" >&2
		"$dir/genrepo" -out "$repo" -commits "$n" >&2
	fi
	bench_repo "$repo" "$repo.truth.json"
done
