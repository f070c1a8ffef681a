#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 1800) each, two at a time
# (one per core), at low priority, with the committed seeds and crash
# regressions in tests/fuzz/<target>/ as the starting corpus. New corpus
# entries go to fuzz/corpus/<target>/, crashes to fuzz/artifacts/<target>/.
#
#   cargo install cargo-fuzz          # once
#   bash fuzz/run.sh [SECONDS]
#
# cargo fuzz wants nightly flags (-Zsanitizer=address); RUSTC_BOOTSTRAP=1
# lets the stable toolchain accept them. Each target prints libFuzzer's
# final stats (execs, coverage) to fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-1800}
export RUSTC_BOOTSTRAP=1
unset RUST_BACKTRACE
cargo fuzz build -O
mkdir -p logs
declare -A MAXLEN=([hook_protocol]=4096 [git_objects]=16384 [manifest]=65536 [config]=16384)
run() {
  local t=$1
  mkdir -p corpus/$t artifacts/$t
  nice -n 19 cargo fuzz run -O $t corpus/$t ../tests/fuzz/$t $([ $t = manifest ] && echo ../tests/kube-diff/corpus) -- \
    -max_total_time=$SECONDS_EACH -max_len=${MAXLEN[$t]} -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix=artifacts/$t/ -print_final_stats=1 \
    > logs/$t.log 2>&1 || echo "$t: FAILED (see fuzz/logs/$t.log)"
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs|ERROR|SUMMARY" logs/$t.log | sed "s/^/$t: /" || true
}
for pair in "git_objects manifest" "hook_protocol config"; do
  set -- $pair
  run $1 & run $2 & wait
done
