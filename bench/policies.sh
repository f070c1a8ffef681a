#!/usr/bin/env bash
# Manifest and policy benchmark.
#
#   apt-get install hyperfine   # once
#   bash bench/policies.sh
#
# 1. 10,000 changed manifest documents (1,000 files of 10 Deployments each)
#    read from the pushed tree, parsed and evaluated against the shipped
#    Kubernetes baseline (9 deny rules), by `pushgate check` on the range;
#    next to the same check with YAML parsing only (no policies) and with
#    no manifests at all (protection only), to separate the costs.
# 2. A one-manifest push: the same three configurations.
# 3. The peer: OPA's pipeline (PyYAML + OPA's Go engine from the PyPI
#    opa-golib-python-bindings wheel, conftest's one query per rule) over
#    the same 10,000 documents, next to the gate path, in one hyperfine run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin pushgate
PG=$PWD/target/release/pushgate
POL=$PWD/policies/kubernetes
OUT=$PWD/bench/results
mkdir -p "$OUT"
T=$(mktemp -d /tmp/pushgate-polbench.XXXXXX)
[ -n "${KEEP:-}" ] && echo "keeping $T" || trap 'rm -rf "$T"' EXIT
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
export HOME=$T GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$T/gitconfig
printf '[init]\n\tdefaultBranch = main\n[user]\n\tname = B\n\temail = b@example.com\n' >"$T/gitconfig"
ZERO=0000000000000000000000000000000000000000

git init -q "$T/work"
python3 - "$T/work" <<'PY'
import os, sys
root = sys.argv[1]
doc = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}-{j}
  namespace: shop
  labels: {{app.kubernetes.io/name: web-{i}-{j}}}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:1.{j}.{i}
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
"""
os.makedirs(f"{root}/k8s", exist_ok=True)
for i in range(1000):
    with open(f"{root}/k8s/app-{i:04}.yaml", "w") as f:
        f.write("---\n".join(doc.format(i=i, j=j) for j in range(10)))
PY
git -C "$T/work" add -A && git -C "$T/work" commit -qm "10,000 documents"
TIP=$(git -C "$T/work" rev-parse HEAD)
sed -i 's/replicas: 2/replicas: 3/' "$T/work/k8s/app-0000.yaml"
git -C "$T/work" commit -qam "one manifest"
ONE=$(git -C "$T/work" rev-parse HEAD)
git init -q --bare "$T/server.git"
git -C "$T/work" push -q "$T/server.git" HEAD:refs/heads/scratch
# Keep the objects, drop the ref: every commit is then new to the server's
# refs, as in a real push (a ref that already had them would vouch for them).
git -C "$T/server.git" update-ref -d refs/heads/scratch

printf 'version: 1\npolicies:\n  - path: %s\n    manifest_namespaces: [pushgate.kubernetes]\n' "$POL" >"$T/policies.yaml"
printf 'version: 1\n' >"$T/yaml-only.yaml"
printf 'version: 1\nmanifests:\n  include: []\n' >"$T/none.yaml"

check() { echo "$PG check --repo $T/server.git --config $T/$1.yaml $2 $3 refs/heads/main"; }
hyperfine -N --warmup 2 --runs 15 --export-json "$T/10k.json" \
  -n "10,000 documents: parse + shipped Kubernetes pack" "$(check policies $ZERO "$TIP")" \
  -n "10,000 documents: parse only" "$(check yaml-only $ZERO "$TIP")" \
  -n "10,000 documents: no manifests" "$(check none $ZERO "$TIP")"
hyperfine -N --warmup 5 --runs 60 --export-json "$T/one.json" \
  -n "one manifest: parse + shipped Kubernetes pack" "$(check policies "$TIP" "$ONE")" \
  -n "one manifest: parse only" "$(check yaml-only "$TIP" "$ONE")" \
  -n "one manifest: no manifests" "$(check none "$TIP" "$ONE")"

PEER=()
if python3 -c 'import opa_bindings, yaml' 2>/dev/null; then
  hyperfine -N --warmup 1 --runs 5 --export-json "$T/peer.json" \
    -n "10,000 documents: pushgate check, shipped Kubernetes pack" "$(check policies $ZERO "$TIP")" \
    -n "10,000 documents: OPA pipeline (PyYAML + OPA Go engine, conftest's queries)" \
    "python3 $PWD/bench/opa_pipeline.py $POL $T/work/k8s"
  PEER=("$T/peer.json")
else
  echo "peer skipped: pip install --ignore-requires-python opa-golib-python-bindings==0.4.4 PyYAML"
fi

python3 - "$T/10k.json" "$T/one.json" "${PEER[@]}" <<'PY' | tee "$OUT/policies-medians.txt"
import json, statistics, sys
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        print(f"{statistics.median(r['times']) * 1000:8.1f} ms  median of {len(r['times']):2d}  {r['command']}")
PY
