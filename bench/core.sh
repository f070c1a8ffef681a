#!/usr/bin/env bash
# Core-gate benchmark (issue: hook overhead on the push path).
#
#   bash bench/core.sh            # needs hyperfine (apt-get install hyperfine)
#
# 1. A one-commit push touching ten manifests, into a bare repository with
#    pushgate's pre-receive hook and into one without hooks, side by side.
# 2. A 10,000-commit push creating a protected branch (linear history, so
#    every commit is read), gated and ungated, plus `pushgate check` alone.
# Results go to stdout and bench/results/core-*.md; docs/benchmarks.md
# quotes them.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-60}
cargo build --release --quiet
PG=$PWD/target/release/pushgate
OUT=$PWD/bench/results
mkdir -p "$OUT"
T=$(mktemp -d /tmp/pushgate-bench.XXXXXX)
[ -n "${KEEP:-}" ] && echo "keeping $T" || trap 'rm -rf "$T"' EXIT
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
export HOME=$T GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$T/gitconfig PUSHGATE_PUSHER=alice
printf '[init]\n\tdefaultBranch = main\n[user]\n\tname = Bench\n\temail = bench@example.com\n' >"$T/gitconfig"

cat >"$T/pushgate.yaml" <<'YAML'
version: 1
refs:
  - match: refs/heads/main
    environment: production
    allow_force_push: false
    allow_delete: false
    require_linear_history: true
    pushers: [alice, bob]
  - match: refs/heads/release/*
    allow_force_push: false
    require_linear_history: true
  - match: refs/tags/v*
    immutable: true
YAML

# Everything on (issue #18's target): the same protection plus signed
# commits by a named SSH key, the shipped Kubernetes baseline over the
# changed manifests, and a SQLite audit log written by pre-receive and
# post-receive.
ssh-keygen -q -t ed25519 -N "" -C alice -f "$T/alice" >/dev/null
cat >"$T/full.yaml" <<YAML
version: 1
keys:
  alice: $T/alice.pub
refs:
  - match: refs/heads/main
    environment: production
    allow_force_push: false
    allow_delete: false
    require_linear_history: true
    require_signed_commits: true
    signers: [alice]
    pushers: [alice, bob]
policies:
  - path: $PWD/policies/kubernetes
    manifest_namespaces: [pushgate.kubernetes]
audit:
  database: $T/audit.db
YAML

git init -q --bare "$T/plain.git"
git init -q --bare "$T/gated.git"
git init -q --bare "$T/full.git"
"$PG" install "$T/full.git" --config "$T/full.yaml" >/dev/null
# The floor: the same two hooks, doing nothing. What git itself pays to run hooks.
git init -q --bare "$T/noop.git"
for h in pre-receive post-receive; do printf '#!/bin/true\n' >"$T/noop.git/hooks/$h"; chmod +x "$T/noop.git/hooks/$h"; done
"$PG" install "$T/gated.git" --config "$T/pushgate.yaml" >/dev/null

git init -q "$T/work"
cd "$T/work"
git config gpg.format ssh
git config user.signingkey "$T/alice.pub"
mkdir k8s
for i in $(seq 1 10); do
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm%s\n  namespace: shop\n  labels: {app.kubernetes.io/name: shop}\ndata:\n  v: "0"\n' "$i" >"k8s/cm$i.yaml"
done
git add . && git commit -S -qm base
BASE=$(git rev-parse HEAD)
git push -q "$T/plain.git" main
git push -q "$T/gated.git" main
git push -q "$T/noop.git" main
git push -q "$T/full.git" main
for i in $(seq 1 10); do sed -i 's/v: "0"/v: "1"/' "k8s/cm$i.yaml"; done
git commit -S -qam "ten manifests"

# Each run pushes a fresh commit object (new message) onto the old main.
# (hyperfine -N runs prepare commands without a shell too, hence the scripts.)
prep() {
  printf '#!/bin/sh\nset -e\ngit -C %s/%s update-ref refs/heads/main %s\ngit -C %s/work commit -S -q --amend -m "run $(date +%%s%%N)"\n' \
    "$T" "$1" "$BASE" "$T" >"$T/prep-$1.sh"
  echo "sh $T/prep-$1.sh"
}
hyperfine -N --warmup 3 --runs "$RUNS" --export-markdown "$OUT/core-one-commit.md" --export-json "$T/one.json" \
  --prepare "$(prep plain.git)" -n "push, no hooks" "git -C $T/work push -q $T/plain.git HEAD:refs/heads/main" \
  --prepare "$(prep noop.git)" -n "push, two no-op hooks (/bin/true)" "git -C $T/work push -q $T/noop.git HEAD:refs/heads/main" \
  --prepare "$(prep gated.git)" -n "push, pushgate pre-receive" "git -C $T/work push -q $T/gated.git HEAD:refs/heads/main" \
  --prepare "$(prep full.git)" -n "push, pushgate, everything on (signatures, baseline policy, SQLite audit)" "git -C $T/work push -q $T/full.git HEAD:refs/heads/main"

# 10,000 linear commits via fast-import (fast to generate, real objects).
git checkout -q -b big "$BASE"
{
  for i in $(seq 1 10000); do
    printf 'commit refs/heads/big\ncommitter Bench <bench@example.com> %s +0000\ndata <<EOM\ncommit %s\nEOM\n' $((1700000000 + i)) "$i"
    [ "$i" = 1 ] && printf 'from %s\n' "$BASE"
    printf 'M 100644 inline k8s/counter.yaml\ndata <<EOM\nn: %s\nEOM\n\n' "$i"
  done
} | git fast-import --quiet
TIP=$(git rev-parse refs/heads/big)
# The objects go to each server once, on an unprotected ref; the measured
# push then creates the protected branch. An unprotected ref does not vouch
# for a protected one, so the gate reads all 10,000 commits.
git push -q "$T/plain.git" big:refs/heads/scratch
git push -q "$T/gated.git" big:refs/heads/scratch
hyperfine -N --warmup 2 --runs "$((RUNS / 3 + 1))" --export-markdown "$OUT/core-10k-commits.md" --export-json "$T/10k.json" \
  --prepare "git -C $T/plain.git update-ref -d refs/heads/release/big" -n "10k-commit branch, no hooks" \
  "git -C $T/work push -q $T/plain.git big:refs/heads/release/big" \
  --prepare "git -C $T/gated.git update-ref -d refs/heads/release/big" -n "10k-commit branch, pushgate pre-receive" \
  "git -C $T/work push -q $T/gated.git big:refs/heads/release/big" \
  --prepare "true" -n "pushgate check alone (10k commits)" \
  "$PG check --repo $T/gated.git --config $T/pushgate.yaml 0000000000000000000000000000000000000000 $TIP refs/heads/release/big"

# Medians (what docs/benchmarks.md quotes), from hyperfine's raw times.
python3 - "$T/one.json" "$T/10k.json" <<'PY' | tee "$OUT/core-medians.txt"
import json, statistics, sys
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        print(f"{statistics.median(r['times']) * 1000:8.1f} ms  median of {len(r['times']):3d}  {r['command']}")
PY
