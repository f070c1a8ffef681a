#!/usr/bin/env bash
# Render benchmark (manifests.render).
#
#   apt-get install hyperfine   # once; kubectl must be on PATH
#   bash bench/render.sh
#
# A repository of one base and 20 kustomize overlays (each a patch and a
# namespace), arriving in one commit: `pushgate check` decides the update
# with rendering on and schemas checked, next to the same decision without
# rendering (schemas on the raw files), and the renderer alone — the 20
# `kubectl kustomize` runs one after the other and two at a time — in the
# same hyperfine run. The cost rendering adds is the first minus the
# second; the target is the renderer's own time plus 10%.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_setup renderbench
git init -q "$T/work"
python3 - "$T/work" <<'PY'
import os, sys
root = sys.argv[1]
os.makedirs(f"{root}/base")
open(f"{root}/base/deploy.yaml", "w").write("""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0.0
""")
open(f"{root}/base/service.yaml", "w").write("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n")
open(f"{root}/base/kustomization.yaml", "w").write("resources: [deploy.yaml, service.yaml]\n")
for i in range(20):
    d = f"{root}/overlays/env-{i:02}"
    os.makedirs(d)
    open(f"{d}/kustomization.yaml", "w").write(f"namespace: env-{i:02}\nresources: [../../base]\npatches:\n  - path: patch.yaml\n    target: {{kind: Deployment, name: web}}\n")
    open(f"{d}/patch.yaml", "w").write(f"- op: replace\n  path: /spec/replicas\n  value: {i % 5 + 1}\n")
PY
git -C "$T/work" add -A && git -C "$T/work" commit -qm "20 overlays"
TIP=$(git -C "$T/work" rev-parse HEAD)
git init -q --bare "$T/server.git"
git -C "$T/work" push -q "$T/server.git" HEAD:refs/heads/scratch
git -C "$T/server.git" update-ref -d refs/heads/scratch
SCHEMAS='  schemas:\n    kubernetes: "1.33"\n'
printf "version: 1\nmanifests:\n$SCHEMAS  render:\n    - match: \"overlays/*/kustomization.yaml\"\n      with: kustomize\n" >"$T/render.yaml"
printf "version: 1\nmanifests:\n  exclude: [\"overlays/**\"]\n$SCHEMAS" >"$T/raw.yaml"
check() { echo "$PG check --repo $T/server.git --config $T/$1.yaml $ZERO $TIP refs/heads/main"; }
cd "$T/work"
hyperfine -N --warmup 2 --runs 15 --export-json "$T/render.json" \
  -n "pushgate check: 20 overlays rendered + schemas" "$(check render)" \
  -n "pushgate check: raw files + schemas, no rendering" "$(check raw)" \
  -n "renderer alone: 20 kubectl kustomize, one at a time" "bash -c 'for d in overlays/*/; do kubectl kustomize \$d >/dev/null; done'" \
  -n "renderer alone: 20 kubectl kustomize, two at a time" "bash -c 'ls -d overlays/*/ | xargs -P2 -n1 kubectl kustomize >/dev/null'"
