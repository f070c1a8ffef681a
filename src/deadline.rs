//! The time budget of one decision: a leaf, so the stages that check it
//! (the git adapter among them) need not import the gate.

use std::time::{Duration, Instant};

use anyhow::Result;

/// The whole decision's time budget (`limits.timeout_seconds`), checked
/// between units of work: each batch of commits walked or verified, each
/// manifest read, each policy evaluation (itself bounded by
/// `limits.policy_timeout_seconds`). A push over budget is rejected as a
/// whole; nothing is ever accepted on a partial check.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Instant,
    seconds: u64,
}

/// The error a check returns when the budget is spent.
#[derive(Debug)]
pub struct TimedOut {
    pub seconds: u64,
}

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the checks did not finish within {} s (limits.timeout_seconds)",
            self.seconds
        )
    }
}

impl std::error::Error for TimedOut {}

impl Deadline {
    pub fn after(seconds: u64) -> Deadline {
        let now = Instant::now();
        Deadline {
            at: now.checked_add(Duration::from_secs(seconds)).unwrap_or(now),
            seconds,
        }
    }

    /// What is left of the budget (zero once spent).
    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    pub fn check(&self) -> Result<()> {
        if Instant::now() >= self.at {
            return Err(TimedOut {
                seconds: self.seconds,
            }
            .into());
        }
        Ok(())
    }
}
