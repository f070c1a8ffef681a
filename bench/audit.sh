#!/usr/bin/env bash
# Audit query benchmark: `pushgate audit list --pusher X --limit 20`, `env
# list`, `env history`, `report dora` and `audit verify` over 1,000,000 decisions, on SQLite and on PostgreSQL
# (a server of its own in a temp dir, on a Unix socket, default settings).
#
#   apt-get install hyperfine postgresql   # once
#   bash bench/audit.sh                    # N=1000000 by default; ENGINES="sqlite postgres"
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
ENGINES=${ENGINES:-"sqlite postgres"}
cargo build --release --quiet --bin pushgate --example gen-audit-log
PGATE=$PWD/target/release/pushgate
GEN=$PWD/target/release/examples/gen-audit-log
OUT=$PWD/bench/results
mkdir -p "$OUT"
T=$(mktemp -d /tmp/pushgate-auditbench.XXXXXX)
unset RUST_BACKTRACE RUST_LIB_BACKTRACE

# PostgreSQL refuses to run as root; run it as `postgres` then.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
cleanup() {
  [ -d "$T/pg/data" ] && as_pg "$PGBIN/pg_ctl" -D "$T/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT

: >"$OUT/audit-medians.txt"
for engine in $ENGINES; do
  case $engine in
    sqlite)
      DB=$T/audit.db ;;
    postgres)
      chmod 711 "$T"; mkdir -p "$T/pg"; [ "$(id -u)" = 0 ] && chown postgres "$T/pg"
      as_pg "$PGBIN/initdb" -D "$T/pg/data" -A trust -U pushgate -E UTF8 --locale=C >/dev/null
      as_pg "$PGBIN/pg_ctl" -D "$T/pg/data" -l "$T/pg/log" -w -o "-k $T/pg -c listen_addresses=" start >/dev/null
      DB="postgres://pushgate@$(printf '%s' "$T/pg" | sed 's|/|%2F|g')/postgres" ;;
  esac
  printf 'version: 1\naudit:\n  database: %s\n' "$DB" >"$T/$engine.yaml"
  { /usr/bin/time -f "$engine: generated $N in %e s" "$GEN" "$DB" "$N"; } 2>&1 | tee -a "$OUT/audit-medians.txt"
  C=$T/$engine.yaml
  hyperfine -N --warmup 3 --runs 30 --export-json "$T/$engine-a.json" \
    -n "$engine: audit list --pusher p7 --limit 20 ($N records)" "$PGATE audit list --config $C --pusher p7 --limit 20" \
    -n "$engine: audit list --signer signer3 --limit 20" "$PGATE audit list --config $C --signer signer3 --limit 20" \
    -n "$engine: audit list --commit <id> (json)" "$PGATE audit list --config $C --commit $(printf '%040x' 4242) --format json" \
    -n "$engine: audit list --pusher p7 --since 2026-06-01 --limit 20" "$PGATE audit list --config $C --pusher p7 --since 2026-06-01 --limit 20"
  # Environments (issue #21): read from the deployments index, never the bodies.
  hyperfine -N --warmup 3 --runs 30 --export-json "$T/$engine-e.json" \
    -n "$engine: env list ($N records)" "$PGATE env list --config $C" \
    -n "$engine: env history production --limit 20" "$PGATE env history production --config $C --limit 20" \
    -n "$engine: report dora (30 days to 2026-12-01)" "$PGATE report dora --config $C --until 2026-12-01" \
    -n "$engine: report dora (one year)" "$PGATE report dora --config $C --since 2026-01-01 --until 2027-01-01"
  hyperfine -N --runs 3 --export-json "$T/$engine-v.json" -n "$engine: audit verify ($N records)" "$PGATE audit verify --config $C"
  python3 - "$T/$engine-a.json" "$T/$engine-e.json" "$T/$engine-v.json" <<'PY' | tee -a "$OUT/audit-medians.txt"
import json, statistics, sys
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        print(f"{statistics.median(r['times']) * 1000:9.1f} ms  median of {len(r['times']):2d}  {r['command']}")
PY
done
