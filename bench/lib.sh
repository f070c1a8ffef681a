# Shared set-up of the benchmarks, sourced after `cd` to the repository:
#   bench_setup NAME   builds the release binary ($PG), makes a scratch
#                      directory ($T, kept with KEEP=1), and gives git a
#                      private config there; $ZERO is the null object id.
bench_setup() {
  cargo build --release --quiet --bin pushgate
  PG=$PWD/target/release/pushgate
  T=$(mktemp -d "/tmp/pushgate-$1.XXXXXX")
  if [ -n "${KEEP:-}" ]; then echo "keeping $T"; else trap 'rm -rf "$T"' EXIT; fi
  unset RUST_BACKTRACE RUST_LIB_BACKTRACE
  export HOME=$T GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$T/gitconfig
  printf '[init]\n\tdefaultBranch = main\n[user]\n\tname = B\n\temail = b@example.com\n' >"$T/gitconfig"
  ZERO=0000000000000000000000000000000000000000
}
