#!/usr/bin/env bash
# Scans a checkout of gitleaks' own repository (with its .gitleaks.toml and
# .gitleaksignore) with gitleaks and with vigil, and prints the findings
# each reports: the figures of docs/coming-from-gitleaks.md.
# Usage: bench/compat-gitleaks.sh GITLEAKS_CHECKOUT   (a full clone, with history)
# gitleaks comes from ../shared/tools/peers.sh (or GITLEAKS=path).
set -euo pipefail
repo=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gitleaks=${GITLEAKS:-$(bash "$here/../shared/tools/peers.sh" 2>/dev/null)/gitleaks}
(cd "$here" && go build -o "$tmp/vigil" ./cmd/vigil)
vigil="$tmp/vigil"
count_gl() { (cd "$repo" && "$gitleaks" "$@" --no-banner -r "$tmp/gl.json" >/dev/null 2>&1 || true); python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/gl.json"; }
count_v() { (cd "$repo" && "$vigil" scan --format json "$@" 2>/dev/null || true) | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["findings"])'; }
printf '[compat]\ngitleaks_allow = false\ngitleaksignore = false\n' > "$tmp/off.toml"
echo "what                                         work-tree history"
echo "gitleaks with its configuration              $(count_gl dir .) $(count_gl git .)"
echo "vigil ignoring gitleaks' files and comments  $(count_v --config "$tmp/off.toml" .) $(count_v --config "$tmp/off.toml" --git .)"
echo "vigil reading them as they are               $(count_v .) $(count_v --git .)"
(cd "$repo" && "$vigil" config import gitleaks .gitleaks.toml -o "$tmp/imported.toml" --force 2>/dev/null)
echo "vigil with 'vigil config import' output      $(count_v --config "$tmp/imported.toml" .) $(count_v --config "$tmp/imported.toml" --git .)"
