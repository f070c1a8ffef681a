#!/usr/bin/env bash
# A multi-file, import-heavy policy library over 10,000 documents, pushgate
# next to OPA's pipeline in the same run.
#
#   apt-get install hyperfine                  # once
#   pip install --ignore-requires-python opa-golib-python-bindings==0.4.4 PyYAML
#   bash bench/rego_library.sh
#
# The library is konstraint's examples from the differential corpus
# (tests/rego-diff/cases/konstraint-examples: 58 .rego files, 24 packages
# with rules, every one importing the shared lib.core / lib.pods /
# lib.security helpers). The documents are 100 files of 100 workloads
# each (Deployments, Pods, StatefulSets, CronJobs; a third break a rule).
#
# One run each (a run of all three takes about 7 minutes on 2 cores).
#
# 1. `pushgate validate --all-namespaces` over the directory (what CI runs).
# 2. `pushgate check` of a commit adding the 100 files, with the library
#    as a policy set of all 24 namespaces (the hooks' code path).
# 3. OPA's pipeline: PyYAML reads the files, OPA's Go engine (through the
#    ctypes bindings, compiled once) evaluates every conftest rule of every
#    namespace on every document, one query per rule as conftest does
#    (tests/rego-diff/opa_conftest.py's `check`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin pushgate
PG=$PWD/target/release/pushgate
LIB=$PWD/tests/rego-diff/cases/konstraint-examples/policy
OUT=$PWD/bench/results
mkdir -p "$OUT"
T=$(mktemp -d /tmp/pushgate-regolib.XXXXXX)
[ -n "${KEEP:-}" ] && echo "keeping $T" || trap 'rm -rf "$T"' EXIT
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
export HOME=$T GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$T/gitconfig
printf '[init]\n\tdefaultBranch = main\n[user]\n\tname = B\n\temail = b@example.com\n' >"$T/gitconfig"
ZERO=0000000000000000000000000000000000000000

git init -q "$T/work"
python3 - "$T/work" <<'PY'
import os, sys
root = sys.argv[1]
deploy = """apiVersion: apps/v1
kind: {kind}
metadata:
  name: app-{i}-{j}
  namespace: shop
  labels: {{app.kubernetes.io/name: app-{i}-{j}, owner: team-{j}}}
spec:
  replicas: 2
  template:
    metadata:
      labels: {{app: app-{i}-{j}}}
    spec:
      hostNetwork: {host}
      containers:
        - name: app
          image: registry.example.com/shop/app:{tag}
          securityContext:
            privileged: {priv}
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {{add: [{caps}]}}
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
            requests: {{cpu: 100m, memory: 128Mi}}
      volumes:
        - name: data
          emptyDir: {{}}
"""
pod = """apiVersion: v1
kind: Pod
metadata:
  name: pod-{i}-{j}
  namespace: shop
spec:
  containers:
    - name: app
      image: registry.example.com/shop/app:{tag}
      resources: {{limits: {{cpu: 100m, memory: 64Mi}}}}
"""
os.makedirs(f"{root}/k8s", exist_ok=True)
for i in range(100):
    docs = []
    for j in range(100):
        bad = (i * 100 + j) % 3 == 0
        if j % 4 == 3:
            docs.append(pod.format(i=i, j=j, tag="latest" if bad else f"1.{j}.{i}"))
        else:
            kind = ["Deployment", "StatefulSet", "DaemonSet"][j % 3]
            docs.append(deploy.format(i=i, j=j, kind=kind, host="true" if bad else "false",
                                      priv="true" if bad else "false",
                                      caps='"NET_ADMIN"' if bad else "",
                                      tag=f"1.{j}.{i}"))
    with open(f"{root}/k8s/apps-{i:03}.yaml", "w") as f:
        f.write("---\n".join(docs))
PY
git -C "$T/work" add -A && git -C "$T/work" commit -qm "10,000 documents"
TIP=$(git -C "$T/work" rev-parse HEAD)
git init -q --bare "$T/server.git"
git -C "$T/work" push -q "$T/server.git" HEAD:refs/heads/scratch
git -C "$T/server.git" update-ref -d refs/heads/scratch

NS=$(python3 -c "
import json,sys
d=json.load(open('$LIB/../expected.json'))
print(', '.join(sorted({r['namespace'] for r in d['results']})))")
printf 'version: 1\nmanifests:\n  max_file_bytes: 10000000\npolicies:\n  - path: %s\n    manifest_namespaces: [%s]\n' "$LIB" "$NS" >"$T/gate.yaml"

hyperfine -N -i --warmup 0 --runs 1 --export-json "$T/lib.json" \
  -n "pushgate validate (10,000 docs, 24 namespaces)" "$PG validate -p $LIB --all-namespaces -o json $T/work/k8s" \
  -n "pushgate check, gate path (10,000 docs, 24 namespaces)" "$PG check --repo $T/server.git --config $T/gate.yaml $ZERO $TIP refs/heads/main" \
  -n "OPA pipeline: PyYAML + OPA Go engine, conftest's queries" "python3 $PWD/bench/opa_pipeline.py $LIB $T/work/k8s"

python3 - "$T/lib.json" <<'PY' | tee "$OUT/rego-library-medians.txt"
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']}: median {statistics.median(r['times']):.3f} s, "
          f"min {min(r['times']):.3f} s, user {r['user']:.3f} s, system {r['system']:.3f} s")
PY
