//! pushgate: a server-side Git policy gate for GitOps repositories.
//!
//! One push flows through stages, one module each:
//! `protocol` (what git says) → `git` (what the repository holds) →
//! `protection` (ref rules, pure) → `gate` (the decision) → `report` (what
//! the pusher reads). `hook` is what git runs and drives those stages;
//! `config` feeds every stage; `install`, `doctor` and `demo` set the stage
//! up; `cli` parses arguments and dispatches.

/// `eprintln!` that never panics: a hook's stderr is the pusher's
/// connection, which may be gone, and the hook must still finish its audit
/// write and apply.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// `eprint!` that never panics (see `say!`).
macro_rules! say_raw {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}

pub(crate) mod allowed_signers;
/// A progress note on stderr, left out under `--quiet`.
macro_rules! note {
    ($($t:tt)*) => {{
        if $crate::verbosity::at_least($crate::verbosity::Level::Normal) {
            say!($($t)*);
        }
    }};
}

/// Detail on stderr, only under `--verbose`.
macro_rules! detail {
    ($($t:tt)*) => {{
        if $crate::verbosity::at_least($crate::verbosity::Level::Verbose) {
            say!($($t)*);
        }
    }};
}

pub(crate) mod apply;
pub mod audit;
pub(crate) mod baseline;
pub mod cli;
pub(crate) mod codeowners;
pub(crate) mod commands;
pub(crate) mod config;
pub(crate) mod deadline;
pub(crate) mod demo;
pub(crate) mod doctor;
pub mod env;
pub(crate) mod environments;
pub(crate) mod exit;
pub(crate) mod export;
pub mod finding;
#[cfg(any(test, feature = "fuzz"))]
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod gate;
pub(crate) mod git;
pub(crate) mod hook;
pub(crate) mod install;
pub mod manifest;
pub mod policy;
pub(crate) mod protection;
pub(crate) mod protocol;
pub(crate) mod report;
pub mod rollout;
pub mod secrets;
pub mod signature;
pub(crate) mod time;
pub(crate) mod validate;
pub(crate) mod verbosity;
