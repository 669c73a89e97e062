#!/usr/bin/env bash
# The console's load test: GET /api/incidents (a page of 100 incidents with
# their occurrences, as JSON, over a bearer token; with MODE=search, q=
# searches) on 100,000 incidents in a throwaway Postgres, through vigil
# serve's handler on loopback. Each round
# seeds a fresh database, logs EXPLAIN ANALYZE of the list's queries, then
#   - paces RATE requests a second for 20 seconds (16 connections) and
#     reads the rate reached and p50/p99 latency at that rate;
#   - sends 4,000 requests as fast as 8 connections go (the ceiling);
#   - reads the CPU a request costs in this process (server and load
#     generator together) and in the Postgres backends, and from it what two
#     idle cores would serve, a figure a busy machine does not bend.
# Prints every round, then the medians.
# MODE: list (the list's filters and cursors), search (q= by rule,
# repository, path, id, no match, with a status), plans (no load: the
# EXPLAIN ANALYZE of both modes' queries, once).
# Usage: bench/console/run.sh [ROUNDS=3] [RATE=250] [MODE=list]
# Needs Postgres (initdb, pg_ctl; as root it runs as the 'postgres' user).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3} RATE=${2:-250} MODE=${3:-list}
case $MODE in
list) bench=BenchmarkIncidentListLoad ;;
search) bench=BenchmarkIncidentSearchLoad ;;
plans)
	VIGIL_LOAD_PLANS_ONLY=1 go test ./serve -run '^$' -bench '^BenchmarkIncident(List|Search)Load$' -benchtime 1x -timeout 30m -v
	exit ;;
*) echo "usage: bench/console/run.sh [ROUNDS] [RATE] [list|search|plans]" >&2; exit 2 ;;
esac
out=$(mktemp /tmp/vigil-console-bench.XXXXXX)
trap 'rm -f "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
VIGIL_LOAD_RATE=$RATE go test ./serve -run '^$' -bench "^$bench\$" -benchtime 1x -count "$ROUNDS" -timeout 60m -v | tee "$out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Medians of each metric over the rounds.
awk '/^BenchmarkIncident(List|Search)Load/ { for (i = 5; i < NF; i += 2) v[$(i+1)] = v[$(i+1)] " " $i }
END {
	printf "median of %s rounds:", '"$ROUNDS"'
	n = split("paced-req/s paced-p99-ms max-req/s max-p99-ms go-cpu-ms/req pg-cpu-ms/req", keys, " ")
	for (k = 1; k <= n; k++) {
		m = split(substr(v[keys[k]], 2), a, " ")
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
		printf " %s %.4g", keys[k], med
		if (keys[k] == "go-cpu-ms/req") g = med
		if (keys[k] == "pg-cpu-ms/req") p = med
	}
	printf "\ntwo idle cores would serve about %.0f req/s (2 / (go-cpu + pg-cpu))\n", 2000 / (g + p)
}' "$out"
