//! Every environment variable pushgate reads, in one place: what it is,
//! who sets it. (Those it *sets* for the apply command are in `apply.rs`;
//! the pusher variables are configurable, `pusher_env`.) The README's
//! table is this list.

/// Overrides the config path for the hooks and `check`.
pub const CONFIG: &str = "PUSHGATE_CONFIG";
/// The PostgreSQL audit log's password, when `audit.password_file` is not set.
pub const AUDIT_PASSWORD: &str = "PUSHGATE_AUDIT_PASSWORD";
/// Set by post-receive for a background `apply run`: the repository whose
/// tree is exported (the detached process has no hook environment).
pub const APPLY_GIT_DIR: &str = "PUSHGATE_APPLY_GIT_DIR";
/// Set by GitLab's hook runner; rejections then also print `GL-HOOK-ERR:`
/// lines, the only ones its UI shows.
pub const GITLAB_ID: &str = "GL_ID";
/// Set by git for `git push -o`: the count, then `GIT_PUSH_OPTION_<n>`.
pub const PUSH_OPTION_COUNT: &str = "GIT_PUSH_OPTION_COUNT";
pub const PUSH_OPTION_PREFIX: &str = "GIT_PUSH_OPTION_";
/// Whether Rust library backtraces are captured; pushgate turns them off
/// unless the operator names it (regorus signals "undefined" with errors,
/// and a backtrace per error costs 15% of policy evaluation).
pub const RUST_LIB_BACKTRACE: &str = "RUST_LIB_BACKTRACE";
/// Who runs `pushgate baseline` when `--by` is not given.
pub const OPERATOR: [&str; 2] = ["USER", "LOGNAME"];

/// A variable's value when set and not empty.
pub fn get(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}
