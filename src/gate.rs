//! The decision for one push: for each ref update, gather facts from git,
//! work out which commits it brings, and run every check on them.
//!
//! Shared by the hooks and `pushgate check`, so CI and the server can never
//! disagree. Checks return findings; only a failure to evaluate is an `Err`,
//! and callers reject the push on it.

use anyhow::{Context, Result};
use git2::Oid;
use serde::Serialize;

use crate::config::Config;
use crate::finding::Finding;
use crate::git::{CommitInfo, Repo};
use crate::protection::{self, Action, Effective, RefKind, UpdateFacts};
use crate::protocol::{is_zero, RefUpdate};

/// Everything the server knows about one push.
#[derive(Debug, Clone)]
pub struct Push {
    pub pusher: Option<String>,
    pub push_options: Vec<String>,
    pub updates: Vec<RefUpdate>,
}

/// The verdict on one ref update.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    #[serde(rename = "ref")]
    pub refname: String,
    pub old: String,
    pub new: String,
    pub action: Action,
    pub kind: RefKind,
    pub environment: Option<String>,
    pub fast_forward: Option<bool>,
    /// The commits this update brings and that were checked.
    pub commits: Vec<String>,
    pub violations: Vec<Finding>,
    pub warnings: Vec<Finding>,
}

impl Outcome {
    pub fn accepted(&self) -> bool {
        self.violations.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub repository: String,
    pub pusher: Option<String>,
    pub push_options: Vec<String>,
    pub updates: Vec<Outcome>,
}

impl Decision {
    pub fn accepted(&self) -> bool {
        self.updates.iter().all(Outcome::accepted)
    }
}

pub fn decide(repo: &Repo, config: &Config, push: &Push) -> Result<Decision> {
    let existing = repo.refs()?;
    let mut updates = Vec::with_capacity(push.updates.len());
    for u in &push.updates {
        let outcome = decide_one(repo, config, push, u, &existing)
            .with_context(|| format!("deciding {}", u.refname))?;
        updates.push(outcome);
    }
    Ok(Decision {
        repository: repo.name.clone(),
        pusher: push.pusher.clone(),
        push_options: push.push_options.clone(),
        updates,
    })
}

fn oid(hex: &str) -> Result<Oid> {
    Oid::from_str(hex).with_context(|| format!("`{hex}` is not an object id"))
}

fn decide_one(
    repo: &Repo,
    config: &Config,
    push: &Push,
    u: &RefUpdate,
    existing: &[(String, Oid)],
) -> Result<Outcome> {
    let rules = Effective::resolve(config, &u.refname);
    let action = match (is_zero(&u.old), is_zero(&u.new)) {
        (true, _) => Action::Create,
        (_, true) => Action::Delete,
        _ => Action::Update,
    };

    let mut fast_forward = None;
    let commits: Vec<CommitInfo> = match action {
        Action::Delete => Vec::new(),
        Action::Update | Action::Create => {
            let new = oid(&u.new)?;
            match repo.peel_to_commit(new)? {
                None => Vec::new(),
                Some(new_commit) => {
                    let hide = if action == Action::Update {
                        // Every commit in old..new counts, even if another
                        // ref already has it: otherwise unchecked commits
                        // reach this ref through an unprotected one.
                        match repo.peel_to_commit(oid(&u.old)?)? {
                            Some(old_commit) => {
                                fast_forward = Some(repo.contains(new_commit, old_commit)?);
                                vec![old_commit]
                            }
                            None => Vec::new(),
                        }
                    } else {
                        // A new ref may reuse history that a ref at least as
                        // strict already carries; nothing else is trusted.
                        existing
                            .iter()
                            .filter(|(name, _)| *name != u.refname)
                            .filter(|(name, _)| Effective::resolve(config, name).covers(&rules))
                            .map(|(_, id)| *id)
                            .collect()
                    };
                    repo.new_commits(new_commit, &hide)?
                }
            }
        }
    };

    let facts = UpdateFacts {
        refname: u.refname.clone(),
        kind: RefKind::of(&u.refname),
        action,
        old: u.old.clone(),
        new: u.new.clone(),
        fast_forward,
        merges: commits
            .iter()
            .filter(|c| c.parents.len() > 1)
            .map(|c| (c.id.to_string(), c.summary.clone()))
            .collect(),
    };
    let violations = protection::check(&facts, &rules, push.pusher.as_deref());

    Ok(Outcome {
        refname: u.refname.clone(),
        old: u.old.clone(),
        new: u.new.clone(),
        action,
        kind: facts.kind,
        environment: rules.environment.clone(),
        fast_forward,
        commits: commits.iter().map(|c| c.id.to_string()).collect(),
        violations,
        warnings: Vec::new(),
    })
}
