#!/usr/bin/env bash
# Benchmarks vigil fleet on generated repositories and a throwaway Postgres:
#   - the first pass over REPOS repositories with 1, 2 and 4 workers (as many
#     'vigil fleet scan-once' processes sharing one database, each with its
#     own mirrors, as separate machines would), interleaved ROUNDS times;
#   - a second pass with nothing new, against the first (1 worker);
#   - push-to-incident latency under 'vigil fleet run' (SQLite, a 10s poll).
# MODE "files" (the default) lists every repository in the fleet file by
# its file:// URL: each pass asks each remote for its refs (git ls-remote).
# MODE "github" serves the same repositories as a GitHub organisation
# through the fake GitHub API (bench/fleet/githubapi) and lists that: a
# pass asks only the remotes whose pushed_at moved (and every 12th pass,
# all of them); a push in the latency test moves pushed_at as GitHub does.
# Usage: bench/fleet/run.sh [REPOS=200] [COMMITS=200] [ROUNDS=2] [MODE=files|github]
# Needs git, python3 and Postgres (initdb, pg_ctl; run as root it runs
# Postgres as the 'postgres' user).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPOS=${1:-200} COMMITS=${2:-200} ROUNDS=${3:-2} MODE=${4:-files}
case "$MODE" in files|github) ;; *) echo "usage: $0 [REPOS] [COMMITS] [ROUNDS] [files|github]" >&2; exit 2 ;; esac
root=$(mktemp -d /tmp/vigil-fleet-bench.XXXXXX)
chmod 755 "$root"
cleanup() {
	[ -n "${run_pid:-}" ] && kill "$run_pid" 2>/dev/null || true
	[ -n "${api_pid:-}" ] && kill "$api_pid" 2>/dev/null || true
	[ -n "${bin:-}" ] && "${as_pg[@]}" "$bin/pg_ctl" -D "$root/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$root"
}
as_pg=()
trap cleanup EXIT
go build -o "$root/vigil" ./cmd/vigil
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

echo "generating $REPOS repositories of $COMMITS commits…" >&2
mkdir -p "$root/srv"
: > "$root/fleet.toml"
python3 bench/fleet/gen.py "$root/srv" "$REPOS" "$COMMITS"
if [ "$MODE" = github ]; then
	go build -o "$root/githubapi" ./bench/fleet/githubapi
	"$root/githubapi" "$root/srv" "$REPOS" > "$root/api-url" &
	api_pid=$!
	until [ -s "$root/api-url" ]; do sleep 0.1; done
	api=$(head -1 "$root/api-url")
	printf '[[github]]\norg = "bench"\napi_url = "%s"\n' "$api" > "$root/fleet.toml"
else
	for i in $(seq 1 "$REPOS"); do
		d="$root/srv/r$i.git"
		printf '[[repository]]\nurl = "file://%s"\n' "$d" >> "$root/fleet.toml"
	done
fi
echo "mode: $MODE" >&2

# A throwaway Postgres on a unix socket.
bin=$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")")
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi
mkdir -p "$root/pg"
chown "$( [ "$(id -u)" -eq 0 ] && echo postgres || id -un )" "$root/pg"
"${as_pg[@]}" "$bin/initdb" -D "$root/pg/data" -U postgres -A trust --no-sync >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$root/pg/data" -l "$root/pg/log" -w \
	-o "-c listen_addresses='' -c unix_socket_directories=$root/pg -c fsync=off -c max_connections=100" start >/dev/null
db() { echo "postgres:///$1?host=$root/pg&user=postgres&sslmode=disable"; }
psql_() { "$bin/psql" -q -h "$root/pg" -U postgres -d postgres -c "$1" >/dev/null; }

# pass NAME WORKERS: one pass of WORKERS processes on database NAME; prints
# wall seconds and CPU seconds (user+sys of all processes).
pass() {
	local name=$1 workers=$2 pids=() start end cpu=0
	start=$(date +%s.%N)
	for w in $(seq 1 "$workers"); do
		( cd "$root" && TIMEFORMAT='%U %S' && { time { XDG_CACHE_HOME="$root/cache-$name-$w" \
			./vigil fleet scan-once --db "$(db "$name")" --scans 1 >/dev/null 2>"$root/err-$name-$w" || [ $? -eq 1 ]; } ; } 2>"$root/time-$name-$w" ) &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || { tail -n 5 "$root"/err-"$name"-* >&2; exit 1; }; done
	end=$(date +%s.%N)
	for w in $(seq 1 "$workers"); do cpu=$(awk -v c="$cpu" '{print c+$1+$2}' "$root/time-$name-$w"); done
	awk -v s="$start" -v e="$end" -v c="$cpu" 'BEGIN{printf "%.2f %.2f\n", e-s, c}'
}

echo "workers  round  wall_s  cpu_s  repos/s" 
declare -A walls cpus
for r in $(seq 1 "$ROUNDS"); do
	for w in 1 2 4; do
		name="b_${w}_$r"
		psql_ "CREATE DATABASE $name"
		read -r wall cpu < <(pass "$name" "$w")
		walls[$w]+="$wall "
		cpus[$w]+="$cpu "
		awk -v w="$w" -v r="$r" -v wall="$wall" -v cpu="$cpu" -v n="$REPOS" 'BEGIN{printf "%-8s %-6s %-7s %-6s %.1f\n", w, r, wall, cpu, n/wall}'
	done
done
med() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
m1=$(med "${walls[1]}") m2=$(med "${walls[2]}") m4=$(med "${walls[4]}")
awk -v a="$m1" -v b="$m2" -v c="$m4" -v n="$REPOS" 'BEGIN{printf "median first pass: 1 worker %.1fs (%.1f repos/s), 2 workers %.1fs (x%.2f), 4 workers %.1fs (x%.2f)\n", a, n/a, b, a/b, c, a/c}'

awk -v a="$(med "${cpus[1]}")" -v b="$(med "${cpus[2]}")" -v c="$(med "${cpus[4]}")" 'BEGIN{printf "median CPU of the first pass (all processes and their git children): 1 worker %.1fs, 2 workers %.1fs, 4 workers %.1fs\n", a, b, c}'

# Second pass, nothing new: the 1-worker database of round 1, same mirrors;
# wall and CPU seconds against the first pass's.
seconds="" scpus=""
for r in $(seq 1 "$((ROUNDS < 3 ? 3 : ROUNDS))"); do
	read -r wall cpu < <(pass "b_1_1" 1)
	seconds+="$wall " scpus+="$cpu "
done
s=$(med "$seconds") sc=$(med "$scpus") fc=$(med "${cpus[1]}")
awk -v s="$s" -v f="$m1" -v sc="$sc" -v fc="$fc" -v m="$MODE" 'BEGIN{printf "second pass, nothing new (%s): %.2fs wall = %.1f%% of the first, %.2fs CPU = %.1f%% of the first'"'"'s (1 worker)\n", m, s, 100*s/f, sc, 100*sc/fc}'

# Push to incident: 'vigil fleet run' on SQLite polling every 10s; a push
# of a new token to one repository, timed until its incident is listed.
work="$root/work"
git clone -q "$root/srv/r1.git" "$work"
printf 'interval = "10s"\n' | cat - "$root/fleet.toml" > "$root/fleet-run.toml"
cd "$root"
XDG_CACHE_HOME="$root/cache-run" ./vigil fleet run --fleet fleet-run.toml --db "sqlite:$root/run.db" 2>"$root/err-run" &
run_pid=$!
cd - >/dev/null
until [ "$("$root/vigil" fleet status --db "sqlite:$root/run.db" --format json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for r in d["repositories"] if r["scans"]>0))' 2>/dev/null || echo 0)" -ge "$REPOS" ]; do sleep 1; done
# open_count is the number of open incidents (status counts them all; a
# listing would stop at its limit).
open_count() { "$root/vigil" fleet status --db "sqlite:$root/run.db" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["incidents"]["open"])'; }
lat=""
for k in 1 2 3; do
	python3 - "$work/new$k.py" <<'PY'
import random, string, sys, zlib
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
body = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(30))
n, c = zlib.crc32(body.encode()), ""
for _ in range(6):
    c = B62[n % 62] + c; n //= 62
open(sys.argv[1], "w").write('TOKEN = "ghp_%s%s"\n' % (body, c))
PY
	git -C "$work" add . && git -C "$work" -c user.name=B -c user.email=b@example.com commit -qm "push $k"
	before=$(open_count)
	t0=$(date +%s.%N)
	git -C "$work" push -q origin main
	if [ "$MODE" = github ]; then python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="POST"))' "$api/_bench/push?repo=r1"; fi
	while [ "$(open_count)" -le "$before" ]; do sleep 0.1; done
	t1=$(date +%s.%N)
	l=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
	echo "push $k: incident after ${l}s (poll interval 10s)"
	lat+="$l "
	sleep $((RANDOM % 5))
done
echo "median push-to-incident: $(med "$lat")s with a 10s poll interval"
