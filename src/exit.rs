//! How a pushgate process ends: its exit code, and the error lines it
//! prints first. A leaf, shared by the CLI, the hooks and the demo.

use std::io::Write;
use std::process::ExitCode;

/// Every command's outcome, mapped to an exit code here and nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Accepted, or the command did what it was asked.
    Success = 0,
    /// Rejected, or it found what it looks for (violations, drift, a
    /// repository not guarded, a failed test).
    Rejected = 1,
    /// Usage or configuration error, or the decision could not be made
    /// (fail closed).
    Error = 2,
}

impl Exit {
    /// `Success` when `ok`, else `Rejected`.
    pub fn accepted(ok: bool) -> Exit {
        if ok {
            Exit::Success
        } else {
            Exit::Rejected
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

pub fn print_error(prefix: &str, err: &anyhow::Error) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{prefix}");
    for line in format!("{err:#}").lines() {
        // A config error's advice reads as advice, not as another error.
        // Errors quote pushed names and values (a file name, a policy's
        // error on a document): escaped for the terminal, as findings are.
        let line = crate::protocol::escaped(line);
        match line.trim_start().strip_prefix("help: ") {
            Some(help) => {
                let _ = writeln!(e, "    help: {help}");
            }
            None => {
                let _ = writeln!(e, "  error: {line}");
            }
        }
    }
}
