#!/usr/bin/env bash
# Signature benchmark: pushgate gating N signed commits, next to what
# operators run today, in one run.
#
#   apt-get install hyperfine time gnupg openssh-client   # once
#   cargo install sequoia-git                              # optional peer (sq-git)
#   bash bench/signatures.sh                               # ~10 minutes on 2 cores
#
# For each of 10,000 Ed25519 OpenPGP commits, 10,000 Ed25519 SSH commits
# and 1,000 RSA-3072 OpenPGP commits:
#   - `pushgate check` on the range (the gate's decision alone),
#   - a real push creating the protected branch through the pre-receive hook,
#   - the bash-hook baseline: `git verify-commit` per new commit,
#   - sequoia-git's `sq-git log` over the same range (OpenPGP only; if installed).
# Then peak memory of `pushgate check` on a 100,000-commit push.
# Results: stdout and bench/results/signatures-*.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin pushgate --example gen-signed-history
PG=$PWD/target/release/pushgate
GEN=$PWD/target/release/examples/gen-signed-history
OUT=$PWD/bench/results
mkdir -p "$OUT"
T=$(mktemp -d /tmp/pushgate-sigbench.XXXXXX)
trap 'gpgconf --kill gpg-agent >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
# Backtrace capture makes every internal error expensive; hooks run without it.
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
export HOME=$T GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$T/gitconfig GNUPGHOME=$T/gnupg
printf '[init]\n\tdefaultBranch = main\n' >"$T/gitconfig"
mkdir -m 700 "$GNUPGHOME"
ZERO=0000000000000000000000000000000000000000
: >"$OUT/signatures-medians.txt"

cat >"$T/verify-loop.sh" <<'SH'
#!/bin/sh
# What a hand-written pre-receive hook does: git verify-commit per new commit.
set -e
for c in $(git -C "$1" rev-list "$2"); do
  git -C "$1" verify-commit "$c" >/dev/null 2>&1
done
SH

medians() {
  python3 - "$1" <<'PY' | tee -a "$OUT/signatures-medians.txt"
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{statistics.median(r['times']):9.3f} s  median of {len(r['times']):2d}  {r['command']}")
PY
}

run() { # kind count loop_runs
  local kind=$1 count=$2 loop_runs=$3 d=$T/$1
  echo "== $kind: $count commits"
  local tip; tip=$("$GEN" "$d/src.git" "$count" "$kind" "$d/keys")
  git init -q --bare "$d/server.git"
  git -C "$d/src.git" push -q "$d/server.git" big:refs/heads/scratch
  git -C "$d/server.git" symbolic-ref HEAD refs/heads/scratch
  cp -r "$d/keys" "$d/server.git/keys"
  local keyfile=alice.asc
  [ -f "$d/keys/alice.pub" ] && keyfile=alice.pub
  printf 'version: 1\nkeys:\n  alice: keys/%s\nrefs:\n  - match: refs/heads/main\n    require_signed_commits: true\n    signers: [alice]\n' \
    "$keyfile" >"$d/server.git/pushgate.yaml"
  "$PG" install "$d/server.git" >/dev/null
  # The same rule in evaluate mode (docs/rollout.md): two passes over the
  # ref-rule checks, signatures verified in the second only.
  sed 's/    signers: \[alice\]/    signers: [alice]\n    enforce: evaluate/' "$d/server.git/pushgate.yaml" >"$d/server.git/evaluate.yaml"

  # Baseline setup: gpg trusts alice; git knows bob's... alice's SSH key.
  if [ "$keyfile" = alice.asc ]; then
    gpg --batch --quiet --import "$d/keys/alice.asc" 2>/dev/null
    fpr=$(gpg --with-colons --list-keys alice@example.com | awk -F: '/^fpr/ {print $10; exit}')
    echo "$fpr:6:" | gpg --batch --quiet --import-ownertrust 2>/dev/null
  else
    printf 'alice@example.com namespaces="git" %s\n' "$(cat "$d/keys/alice.pub")" >"$d/allowed_signers"
    git -C "$d/server.git" config gpg.ssh.allowedSignersFile "$d/allowed_signers"
  fi
  git -C "$d/server.git" verify-commit "$tip" >/dev/null 2>&1 || { echo "baseline cannot verify"; exit 1; }

  local cmds=(
    --prepare true -n "pushgate check ($kind, $count commits)"
    "$PG check --repo $d/server.git $ZERO $tip refs/heads/main"
    --prepare true -n "pushgate check, the rule in evaluate mode ($kind, $count)"
    "$PG check --repo $d/server.git --config $d/server.git/evaluate.yaml $ZERO $tip refs/heads/main"
    --prepare "git -C $d/server.git update-ref -d refs/heads/main" -n "git push through pushgate pre-receive ($kind, $count)"
    "git -C $d/src.git push -q $d/server.git big:refs/heads/main"
  )
  hyperfine -N --warmup 1 --runs 10 --export-json "$T/$kind-pg.json" "${cmds[@]}"
  medians "$T/$kind-pg.json"
  hyperfine -N --runs "$loop_runs" --export-json "$T/$kind-loop.json" \
    -n "git verify-commit loop ($kind, $count)" "sh $T/verify-loop.sh $d/server.git $tip"
  medians "$T/$kind-loop.json"
  if [ "$keyfile" = alice.asc ] && command -v sq-git >/dev/null; then
    sq-git policy authorize --policy-file "$d/policy.toml" --cert-file "$d/keys/alice.asc" alice --sign-commit >/dev/null 2>&1
    local root; root=$(git -C "$d/server.git" rev-list --max-parents=0 "$tip")
    (cd "$d/server.git" && sq-git log --policy-file "$d/policy.toml" --trust-root "$root" "$root..$tip" >/dev/null 2>&1) \
      || { echo "sq-git cannot authenticate"; exit 1; }
    hyperfine -N --runs 3 --export-json "$T/$kind-sq.json" -n "sq-git log ($kind, $count)" \
      "sh -c 'cd $d/server.git && exec sq-git log --policy-file $d/policy.toml --trust-root $root $root..$tip >/dev/null'"
    medians "$T/$kind-sq.json"
  fi
}

run openpgp-ed25519 10000 1
run ssh-ed25519 10000 1
run openpgp-rsa3072 1000 3

echo "== peak memory, 100,000 Ed25519 OpenPGP commits"
d=$T/big
tip=$("$GEN" "$d/src.git" 100000 openpgp-ed25519 "$d/keys")
git init -q --bare "$d/server.git"
git -C "$d/src.git" push -q "$d/server.git" big:refs/heads/scratch   # packed, as a push arrives
cp -r "$d/keys" "$d/server.git/keys"
printf 'version: 1\nkeys:\n  alice: keys/alice.asc\nrefs:\n  - match: refs/heads/main\n    require_signed_commits: true\n' >"$d/server.git/pushgate.yaml"
/usr/bin/time -f "%e s elapsed, %M KB peak RSS" "$PG" check --repo "$d/server.git" "$ZERO" "$tip" refs/heads/main 2>&1 >/dev/null \
  | tail -1 | sed 's/^/pushgate check, 100k commits: /' | tee -a "$OUT/signatures-medians.txt"
