//! The decision for one push: for each ref update, gather facts from git,
//! work out which commits it brings, and run every check on them.
//!
//! Shared by the hooks and `pushgate check`, so CI and the server can never
//! disagree. Checks return findings; only a failure to evaluate is an `Err`,
//! and callers reject the push on it.

use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result};
use git2::{ObjectType, Oid};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, ConfigError};
use crate::finding::Finding;
use crate::git::{CommitInfo, Repo};
use crate::protection::{self, describe, Action, Effective, RefKind, Strict, UpdateFacts};
use crate::protocol::{is_zero, RefUpdate};
use crate::signature::{self, Keyring, Subject, Verdict};

/// Everything loaded once per push: the config and what it names.
pub struct Gate {
    pub config: Config,
    pub keyring: Keyring,
}

impl Gate {
    /// Loads and validates the config and every key file it names. Any
    /// problem is a configuration error: the caller rejects the push.
    pub fn load(path: &Path) -> Result<Gate, ConfigError> {
        let config = Config::load(path)?;
        let keyring = Keyring::load(&config)?;
        Ok(Gate { config, keyring })
    }
}

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

pub fn decide(repo: &Repo, gate: &Gate, push: &Push) -> Result<Decision> {
    let existing = repo.refs()?;
    let now = SystemTime::now();
    let mut updates = Vec::with_capacity(push.updates.len());
    for u in &push.updates {
        let outcome = decide_one(repo, gate, push, u, &existing, now)
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
    gate: &Gate,
    push: &Push,
    u: &RefUpdate,
    existing: &[(String, Oid)],
    now: SystemTime,
) -> Result<Outcome> {
    let config = &gate.config;
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
            .filter(|c| c.parent_count > 1)
            .map(|c| (c.id.to_string(), repo.commit_summary(c.id)))
            .collect(),
    };
    let mut violations = protection::check(&facts, &rules, push.pusher.as_deref());
    let allowed = rules.signers.as_ref().map(|(names, _)| names);
    if rules.signed_commits.on {
        let by = describe(&rules.signed_commits, "require_signed_commits: true");
        verify_commits(repo, &gate.keyring, &commits, now, |c, v| {
            let v = v.for_signers(allowed);
            if v.status == signature::Status::Good {
                return;
            }
            let (id, summary) = (c.id.to_string(), repo.commit_summary(c.id));
            let what = Subject {
                kind: "commit",
                id: &id,
                summary: &summary,
            };
            violations.extend(signature::finding(&what, &u.refname, &v, allowed, &by));
        })?;
    }
    if rules.signed_tags.on && facts.kind == RefKind::Tag && action != Action::Delete {
        violations.extend(check_tag(
            repo,
            &gate.keyring,
            u,
            allowed,
            &rules.signed_tags,
            now,
        )?);
    }

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

/// Commits are read in chunks on this thread (libgit2 handles are not
/// shared across threads) while the previous chunk is verified on every
/// core, so reading and verifying overlap. Each verdict is handed to `each`
/// as its chunk completes and then dropped: memory stays bounded by the
/// chunk, not the push.
fn verify_commits(
    repo: &Repo,
    keyring: &Keyring,
    commits: &[CommitInfo],
    now: SystemTime,
    mut each: impl FnMut(&CommitInfo, &Verdict),
) -> Result<()> {
    const CHUNK: usize = 1024;
    type Pending<'s> = (
        &'s [CommitInfo],
        std::thread::ScopedJoinHandle<'s, Vec<Verdict>>,
    );
    let mut finish = |pending: Option<Pending<'_>>| -> Result<()> {
        if let Some((chunk, handle)) = pending {
            let verdicts = handle
                .join()
                .map_err(|_| anyhow::anyhow!("signature verification failed unexpectedly"))?;
            for (c, v) in chunk.iter().zip(&verdicts) {
                each(c, v);
            }
        }
        Ok(())
    };
    std::thread::scope(|scope| {
        let mut pending: Option<Pending<'_>> = None;
        for chunk in commits.chunks(CHUNK) {
            let signed = chunk
                .iter()
                .map(|c| repo.commit_signature(c.id))
                .collect::<Result<Vec<_>>>()?;
            finish(pending.take())?;
            let handle = scope.spawn(move || {
                signed
                    .par_iter()
                    .map(|s| match s {
                        None => Verdict::none(),
                        Some((sig, data)) => keyring.verify(sig, data, now),
                    })
                    .collect()
            });
            pending = Some((chunk, handle));
        }
        finish(pending.take())
    })
}

fn check_tag(
    repo: &Repo,
    keyring: &Keyring,
    u: &RefUpdate,
    allowed: Option<&std::collections::BTreeSet<String>>,
    required: &Strict,
    now: SystemTime,
) -> Result<Option<Finding>> {
    let id = oid(&u.new)?;
    let by = describe(required, "require_signed_tags: true");
    if repo.object_kind(id)? != Some(ObjectType::Tag) {
        return Ok(Some(
            Finding::new(
                "lightweight-tag",
                format!(
                    "{} is a lightweight tag, and signed tags are required",
                    u.refname
                ),
                "create an annotated, signed tag: git tag -s <name> <commit>, then push it",
            )
            .commit(u.new.clone())
            .required_by(by),
        ));
    }
    let verdict = match repo.tag_signature(id)? {
        None => Verdict::none(),
        Some((sig, data)) => keyring.verify(&sig, &data, now),
    };
    let summary = repo.tag_summary(id);
    let what = Subject {
        kind: "tag",
        id: &u.new,
        summary: &summary,
    };
    Ok(signature::finding(
        &what,
        &u.refname,
        &verdict.for_signers(allowed),
        allowed,
        &by,
    ))
}
