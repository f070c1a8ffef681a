#![no_main]
// The body lives in pushgate::fuzzing so that `cargo test` replays the
// corpus in tests/fuzz/config/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| pushgate::fuzzing::config(data));
