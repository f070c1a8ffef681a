//! pushgate: a server-side Git policy gate for GitOps repositories.
//!
//! One push flows through stages, one module each:
//! `protocol` (what git says) → `git` (what the repository holds) →
//! `protection` (ref rules, pure) → `gate` (the decision) → `report` (what
//! the pusher reads). `config` feeds every stage; `install` and `demo` set
//! the stage up; `cli` only parses arguments and dispatches.

pub mod apply;
pub mod audit;
pub mod cli;
pub mod config;
pub mod demo;
pub mod doctor;
pub mod finding;
#[cfg(any(test, feature = "fuzz"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod gate;
pub mod git;
pub mod install;
pub mod manifest;
pub mod policy;
pub mod protection;
pub mod protocol;
pub mod report;
pub mod signature;
pub mod validate;
