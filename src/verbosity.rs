//! `--quiet` and `--verbose`, for every command: how much goes to stderr
//! besides results and errors. One process-wide setting, read by the
//! `note!` (progress, left out by --quiet) and `detail!` (only with
//! --verbose) macros; results and errors always print.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Quiet = 0,
    Normal = 1,
    Verbose = 2,
}

static LEVEL: AtomicU8 = AtomicU8::new(Level::Normal as u8);

pub fn set(level: Level) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

pub fn at_least(level: Level) -> bool {
    LEVEL.load(Ordering::Relaxed) >= level as u8
}
