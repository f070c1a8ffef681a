#!/usr/bin/env bash
# Schema benchmark (manifests.schemas).
#
#   apt-get install hyperfine; pip install kubernetes-validate==1.37.0   # once
#   bash bench/schemas.sh
#
# 10,000 documents (1,000 files of 10 Deployments, all valid) checked
# against Kubernetes 1.33's schemas, strict, by `pushgate validate`; next
# to the same files decoded with a one-rule policy and no schemas (to
# separate decoding from schema checks), and the peer: Python's jsonschema
# on kubernetes-validate's schemas (the ones kubeconform reads), each
# kind's validator built once (bench/kv_peer.py), in the same hyperfine run.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_setup schemabench
python3 - "$T/docs" <<'PY'
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
  selector:
    matchLabels: {{app.kubernetes.io/name: web-{i}-{j}}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: web-{i}-{j}}}
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:1.{j}.{i}
          ports: [{{containerPort: 8080, name: http}}]
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
"""
os.makedirs(root, exist_ok=True)
for i in range(1000):
    with open(f"{root}/app-{i:04}.yaml", "w") as f:
        f.write("---\n".join(doc.format(i=i, j=j) for j in range(10)))
PY
mkdir -p "$T/policy"
printf 'package main\n\ndeny contains msg if {\n\tinput.kind == "Nothing"\n\tmsg := "never"\n}\n' >"$T/policy/p.rego"
cd "$T"
hyperfine -N --warmup 1 --runs 10 --export-json "$T/schemas.json" \
  -n "pushgate: decode + schemas (1.33, strict)" "$PG validate --kubernetes-version 1.33 --strict docs" \
  -n "pushgate: decode + a one-rule policy, no schemas" "$PG validate -p policy docs" \
  -n "peer: PyYAML + jsonschema on kubeconform's schemas" "python3 $OLDPWD/bench/kv_peer.py 1.33 --strict $(printf 'docs/app-%04d.yaml ' $(seq 0 999))"
