#!/usr/bin/env bash
# The two hostile pushes of issue #18, for time and peak memory.
#
#   bash bench/hostile.sh
#
# 1. A push of a few KB: one 1 MB manifest blob named by 1,024 paths, to a
#    ref the Kubernetes baseline gates. Every path must be judged, so the
#    bytes to judge are 1 GB; limits.max_manifest_bytes (32 MiB) refuses
#    the update before reading any. `pushgate check` on the range (the
#    hooks' code), under /usr/bin/time for peak RSS.
# 2. A push of a few KB whose tree expands to 4 GiB (a 1 MiB blob named
#    16 times per tree, three trees deep) to a ref with an apply command:
#    the real push through the hooks, timed; the export is counted first
#    and refused (apply.max_export_bytes), the command never runs.
# 3. A new ref whose tree names 16.7 million paths (one blob, 16 names per
#    tree, six deep): the gate's diff would hold them all; the bound on
#    changed files is counted from distinct trees first.
#
# Before the bounds (issue #18's measurements): 2.1 GB peak RSS for 1.;
# for 2., post-receive exported all of it before the timeout started.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin pushgate
PG=$PWD/target/release/pushgate
POL=$PWD/policies/kubernetes
OUT=$PWD/bench/results
mkdir -p "$OUT"
T=$(mktemp -d /tmp/pushgate-hostile.XXXXXX)
[ -n "${KEEP:-}" ] && echo "keeping $T" || trap 'rm -rf "$T"' EXIT
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
export HOME=$T GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$T/gitconfig
printf '[init]\n\tdefaultBranch = main\n[user]\n\tname = B\n\temail = b@example.com\n' >"$T/gitconfig"
ZERO=0000000000000000000000000000000000000000

# 1. many paths, one blob
git init -q "$T/work"
python3 - "$T/work/blob.yaml" <<'PY'
import sys
lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: big", "data:"]
lines += [f"  k{i}: {'x' * 60}" for i in range(14000)]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
BLOB=$(git -C "$T/work" hash-object -w blob.yaml)
TREE=$(for i in $(seq 0 1023); do printf '100644 blob %s\tm%04d.yaml\n' "$BLOB" "$i"; done | git -C "$T/work" mktree)
C1=$(git -C "$T/work" commit-tree "$TREE" -m "1,024 names for one manifest")
git init -q --bare "$T/server.git"
git -C "$T/work" push -q "$T/server.git" "$C1:refs/heads/scratch"
git -C "$T/server.git" update-ref -d refs/heads/scratch
printf 'version: 1\npolicies:\n  - path: %s\n    manifest_namespaces: [pushgate.kubernetes]\n' "$POL" >"$T/policies.yaml"
echo "1. one $(stat -c %s "$T/work/blob.yaml")-byte manifest under 1,024 paths:"
/usr/bin/time -o "$T/time.txt" -f "   %e s wall, %M KiB peak RSS" \
  "$PG" check --repo "$T/server.git" --config "$T/policies.yaml" "$ZERO" "$C1" refs/heads/main \
  >"$T/check.out" 2>"$T/check.err" || true
grep -m1 "error\[" "$T/check.out" | cut -c1-220 | sed "s/^/   /"
grep -v "^Command exited" "$T/time.txt"

# 2. a tree that expands
git init -q --bare "$T/apply.git"
printf '#!/bin/sh\necho applied > %s/applied\n' "$T" >"$T/apply.git/apply.sh"
chmod +x "$T/apply.git/apply.sh"
printf 'version: 1\naudit:\n  database: audit.db\nrefs:\n  - match: refs/heads/main\n    environment: production\napply:\n  command: [./apply.sh]\n' >"$T/apply.git/pushgate.yaml"
"$PG" install "$T/apply.git" >/dev/null
head -c 1048576 /dev/zero | tr '\0' x >"$T/work/x"
B=$(git -C "$T/work" hash-object -w x)
TR=$(for i in $(seq 0 15); do printf '100644 blob %s\tf%d.yaml\n' "$B" "$i"; done | git -C "$T/work" mktree)
for _ in 1 2; do
  TR=$(for i in $(seq 0 15); do printf '040000 tree %s\td%d\n' "$TR" "$i"; done | git -C "$T/work" mktree)
done
C2=$(git -C "$T/work" commit-tree "$TR" -m "a tree that expands to 4 GB")
echo "2. a push whose tree expands to 4,096 files, 4 GiB:"
/usr/bin/time -f "   %e s wall for the whole push" \
  git -C "$T/work" push -q "$T/apply.git" "$C2:refs/heads/main" 2>&1 | grep -E "apply|wall" | sed 's/^/   /'
"$PG" audit list --repo "$T/apply.git" --format json | python3 -c '
import json, sys
r = json.load(sys.stdin)[0]["apply"]
print("   apply:", r["status"], "-", (r.get("error") or "")[:160])'
[ -e "$T/applied" ] && echo "   the command RAN" || echo "   the command did not run"

# 3. a tree of 16.7 million paths (one blob, 16 names per tree, six trees
#    deep) pushed as a new ref: the gate's diff would hold every path;
#    the bound is counted from distinct trees first (`too-many-files`).
TR=$(for i in $(seq 0 15); do printf '100644 blob %s\tf%d\n' "$B" "$i"; done | git -C "$T/work" mktree)
for _ in 1 2 3 4 5; do
  TR=$(for i in $(seq 0 15); do printf '040000 tree %s\td%d\n' "$TR" "$i"; done | git -C "$T/work" mktree)
done
C3=$(git -C "$T/work" commit-tree "$TR" -m "16.7 million paths")
git -C "$T/work" push -q "$T/server.git" "$C3:refs/heads/scratch3"
git -C "$T/server.git" update-ref -d refs/heads/scratch3
echo "3. a new ref whose tree names 16,777,216 paths:"
/usr/bin/time -o "$T/time3.txt" -f "   %e s wall, %M KiB peak RSS" \
  "$PG" check --repo "$T/server.git" --config "$T/policies.yaml" "$ZERO" "$C3" refs/heads/wide \
  >"$T/check3.out" 2>"$T/check3.err" || true
grep -m1 "error\[" "$T/check3.out" | cut -c1-200 | sed "s/^/   /"
grep -v "^Command exited" "$T/time3.txt"
