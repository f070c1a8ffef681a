//! Promotion: a ref with `promote_from` takes only a tree that already ran
//! in each of those environments — it landed on one of their refs and its
//! apply succeeded (landed is enough where this server applies nothing).
//! Trees, not commits, are compared: a merge or a cherry-pick that
//! produces the tree staging ran is what staging tested, whichever
//! repository or commit carried it there (docs/environments.md).
//!
//! [`judge`] reads the deployments from the audit log; [`verdict`] decides
//! from them, without I/O.

use std::collections::BTreeSet;

use anyhow::Result;

use crate::audit::deployments::Deployment;
use crate::config::Config;
use crate::finding::{Code, Finding};
use crate::protection::{short, Source};

/// What the log says of one environment.
pub(super) struct Seen {
    pub environment: String,
    /// Its deployments of the tree, newest first.
    pub of_tree: Vec<Deployment>,
    /// Its newest deployment that succeeded, whatever the tree: what the
    /// pusher could promote instead.
    pub latest_good: Option<Deployment>,
}

/// The findings for an update of `refname` to `new` (tree `tree`).
pub(super) fn verdict(
    refname: &str,
    new: &str,
    tree: &str,
    seen: &[Seen],
    landed_is_enough: bool,
    rule: &Source,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for env in seen {
        if env.of_tree.iter().any(|d| d.succeeded(landed_is_enough)) {
            continue;
        }
        let why = match env.of_tree.first() {
            None => format!("was never deployed to {}", env.environment),
            Some(d) => {
                let state = match d.status.as_deref() {
                    Some("failed") => "its apply failed",
                    Some("timed_out") => "its apply timed out",
                    Some("running") => "its apply is still running",
                    Some("pending") => "its apply has not run yet",
                    _ => "its apply did not succeed",
                };
                format!(
                    "was deployed to {} (audit #{}, commit {}) but {state}",
                    env.environment,
                    d.id,
                    short(&d.commit)
                )
            }
        };
        let instead = match &env.latest_good {
            Some(d) => format!(
                "; the latest commit {} ran successfully is {} (audit #{}), which can be promoted",
                env.environment, d.commit, d.id
            ),
            None => format!("; nothing has run successfully in {} yet", env.environment),
        };
        out.push(
            Finding::new(
                Code::NotPromoted,
                format!(
                    "{refname} takes only what already ran in {} ({}): the tree {} of {} {why}",
                    env.environment,
                    rule.describe("promote_from"),
                    short(tree),
                    short(new),
                ),
                format!(
                    "push this commit (or one with the same tree) to {} first and let its apply succeed{instead}",
                    env.environment
                ),
            )
            .commit(new.to_owned()),
        );
    }
    out
}

/// Reads the log and judges the update. A log that cannot be read rejects:
/// promotion that cannot be checked is not granted.
pub(super) fn judge(
    config: &Config,
    (from, rule): (&BTreeSet<String>, &Source),
    refname: &str,
    new: &str,
    tree: &str,
) -> Result<Vec<Finding>> {
    let unreadable = |why: String| {
        vec![Finding::new(
            Code::NotPromoted,
            format!(
                "{refname} takes only what already ran in {}, and that cannot be checked: {why}",
                names(from)
            ),
            "tell an operator: `pushgate doctor` on the server checks the audit log",
        )
        .commit(new.to_owned())]
    };
    let Some(audit) = &config.audit else {
        return Ok(unreadable("the config names no audit log".into()));
    };
    let target = crate::audit::Target::from(audit);
    // A SQLite log that is not there has recorded nothing (and is not
    // created here: `check` on a laptop reads the server's config).
    if !target.is_postgres() && !std::path::Path::new(&target.database).exists() {
        let seen: Vec<Seen> = from
            .iter()
            .map(|e| Seen {
                environment: e.clone(),
                of_tree: Vec::new(),
                latest_good: None,
            })
            .collect();
        return Ok(verdict(
            refname,
            new,
            tree,
            &seen,
            config.apply.is_none(),
            rule,
        ));
    }
    let mut store = match crate::audit::Store::open(&target) {
        Ok(s) => s,
        Err(e) => return Ok(unreadable(format!("{e:#}"))),
    };
    let mut seen = Vec::new();
    for environment in from {
        let of_tree = store.deployments_of_tree(environment, tree)?;
        let landed_is_enough = config.apply.is_none();
        let latest_good = store.latest_successful(environment, landed_is_enough)?;
        seen.push(Seen {
            environment: environment.clone(),
            of_tree,
            latest_good,
        });
    }
    Ok(verdict(
        refname,
        new,
        tree,
        &seen,
        config.apply.is_none(),
        rule,
    ))
}

fn names(from: &BTreeSet<String>) -> String {
    from.iter().cloned().collect::<Vec<_>>().join(", ")
}
