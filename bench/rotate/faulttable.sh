#!/usr/bin/env bash
# Times the rotation fault table (TestRotateFaultTable: kill -9 at every
# journal step in every secret store, then --resume or --rollback), the
# CI budget's largest rotation test. Runs it N times (default 3) after one
# build, and prints wall and CPU seconds per run; the table itself with -v.
# Usage: bench/rotate/faulttable.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-3}
bin=$(mktemp -d)/vigil.test
go test -c -o "$bin" ./cmd/vigil
cd cmd/vigil
for i in $(seq "$n"); do
	/usr/bin/time -f "run $i: %e s wall, %U s user, %S s system" "$bin" -test.run 'TestRotateFaultTable' -test.count=1 -test.timeout 30m >/dev/null
done
"$bin" -test.run 'TestRotateFaultTable' -test.v 2>&1 | sed -n '/fault table:/,/^---/p'
