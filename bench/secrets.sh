#!/usr/bin/env bash
# Secrets benchmark (secrets:).
#
#   apt-get install hyperfine   # once
#   bash bench/secrets.sh
#
# A push bringing 10,000 new text files, 100 MB in all (none a secret),
# decided by `pushgate check` with secret scanning on, next to the same
# decision with it off, and the peer: the same rules as a Python `re` loop
# over the same files (bench/secrets_peer.py), in one hyperfine run.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_setup secretbench
git init -q "$T/work"
python3 - "$T/work" <<'PY'
import os, random, sys
root = sys.argv[1]
random.seed(7)
words = ("replicas image container namespace service port selector label "
         "value config token_name password_policy secret_ref api version "
         "kind metadata spec template resources limits requests").split()
for d in range(100):
    os.makedirs(f"{root}/dir-{d:03}")
    for i in range(100):
        lines = []
        size = 0
        while size < 10_000:
            line = f"{random.choice(words)}: {random.choice(words)}-{random.randrange(10**6)}"
            lines.append(line)
            size += len(line) + 1
        open(f"{root}/dir-{d:03}/f-{i:03}.yaml", "w").write("\n".join(lines) + "\n")
PY
git -C "$T/work" add -A && git -C "$T/work" commit -qm "10,000 files"
TIP=$(git -C "$T/work" rev-parse HEAD)
git init -q --bare "$T/server.git"
git -C "$T/work" push -q "$T/server.git" HEAD:refs/heads/scratch
git -C "$T/server.git" update-ref -d refs/heads/scratch
printf 'version: 1\nmanifests:\n  include: []\nsecrets: {scan: new_blobs}\n' >"$T/on.yaml"
printf 'version: 1\nmanifests:\n  include: []\n' >"$T/off.yaml"
# gitleaks' own pack (GITLEAKS_PACK, or where tests/secrets-diff/README.md
# says a session keeps it): the same rules in pushgate and in the peer.
PACK=${GITLEAKS_PACK:-$PWD/tests/secrets-diff/real/gitleaks.toml}
check() { echo "$PG check --repo $T/server.git --config $T/$1.yaml $ZERO $TIP refs/heads/main"; }
du -sh "$T/work" --exclude=.git
runs=(
  -n "pushgate check: 10,000 new blobs, built-in rules" "$(check on)"
  -n "pushgate check: scanning off" "$(check off)"
  -n "peer: the built-in rules, Python re loop" "python3 $PWD/bench/secrets_peer.py $T/work"
)
if [ -f "$PACK" ]; then
  cp "$PACK" "$T/gitleaks.toml"
  printf 'version: 1\nmanifests:\n  include: []\nsecrets: {scan: new_blobs, rules: [builtin, gitleaks.toml]}\n' >"$T/pack.yaml"
  runs+=(
    -n "pushgate check: built-in rules and gitleaks' pack" "$(check pack)"
    -n "peer: gitleaks' pack, Python re loop with its keywords" "python3 $PWD/bench/secrets_peer.py $T/work $T/gitleaks.toml"
  )
else
  echo "no gitleaks pack at $PACK: its two runs are left out"
fi
# -i: gitleaks' generic-api-key rule finds "secrets" in the generated words
# (the run is rejected; its time is what is measured).
hyperfine -N -i --warmup 1 --runs 3 --export-json "$T/secrets.json" "${runs[@]}"
