#!/usr/bin/env bash
# Audit query benchmark: `pushgate audit list --pusher X --limit 20` over a
# database of 1,000,000 decisions.
#
#   apt-get install hyperfine   # once
#   bash bench/audit.sh         # N=1000000 by default
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
cargo build --release --quiet --bin pushgate --example gen-audit-log
PG=$PWD/target/release/pushgate
OUT=$PWD/bench/results
mkdir -p "$OUT"
T=$(mktemp -d /tmp/pushgate-auditbench.XXXXXX)
trap 'rm -rf "$T"' EXIT
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
printf 'version: 1\naudit:\n  database: audit.db\n' >"$T/pushgate.yaml"
/usr/bin/time -f "generated in %e s" "$PWD/target/release/examples/gen-audit-log" "$T/audit.db" "$N"
ls -la "$T/audit.db"
hyperfine -N --warmup 3 --runs 30 --export-json "$T/a.json" \
  -n "audit list --pusher p7 --limit 20 ($N records)" "$PG audit list --config $T/pushgate.yaml --pusher p7 --limit 20" \
  -n "audit list --signer signer3 --limit 20" "$PG audit list --config $T/pushgate.yaml --signer signer3 --limit 20" \
  -n "audit list --commit <id> (json)" "$PG audit list --config $T/pushgate.yaml --commit $(printf '%040x' 4242) --format json" \
  -n "audit list --pusher p7 --since 2026-06-01 --limit 20" "$PG audit list --config $T/pushgate.yaml --pusher p7 --since 2026-06-01 --limit 20"
hyperfine -N --runs 3 --export-json "$T/v.json" -n "audit verify ($N records)" "$PG audit verify --config $T/pushgate.yaml"
python3 - "$T/a.json" "$T/v.json" <<'PY' | tee "$OUT/audit-medians.txt"
import json, statistics, sys
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        print(f"{statistics.median(r['times']) * 1000:9.1f} ms  median of {len(r['times']):2d}  {r['command']}")
PY
