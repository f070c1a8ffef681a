//! Stage: which commits an update brings, and so must be checked.
//!
//! An update brings every commit in `old..new`, even those another ref
//! already has (otherwise unchecked commits reach a protected ref through an
//! unprotected one: laundering). A new ref may reuse the history of a ref at
//! least as strict, whose tip then "vouches" for it; nothing else is
//! trusted.

use anyhow::Result;
use git2::Oid;

use super::{oid, Gate};
use crate::deadline::Deadline;
use crate::finding::{Code, Finding};
use crate::git::{CommitInfo, Repo, Walk};
use crate::protection::{Action, Effective};
use crate::protocol::RefUpdate;

/// What the walk found.
pub(super) enum History {
    Brought {
        commits: Vec<CommitInfo>,
        /// For an update: whether new descends from old.
        fast_forward: Option<bool>,
        old_commit: Option<Oid>,
        new_commit: Option<Oid>,
        /// Tips of existing refs whose checks cover this (new) ref's.
        vouching: Vec<Oid>,
    },
    /// Over a bound: the update is rejected as such, nothing checked.
    TooBig(Finding),
}

pub(super) fn walk(
    repo: &Repo,
    gate: &Gate,
    u: &RefUpdate,
    action: Action,
    rules: &Effective,
    existing: &[(String, Oid)],
    deadline: &Deadline,
) -> Result<History> {
    let config = &gate.config;
    let limits = &config.limits;
    let mut fast_forward = None;
    let mut old_commit = None;
    let new_commit = match action {
        Action::Delete => None,
        _ => repo.peel_to_commit(oid(&u.new)?)?,
    };
    // A ref moved from a commit to a tree or blob (git allows it outside
    // refs/heads/) drops that commit's history as surely as a force push.
    if action == Action::Update && new_commit.is_none() {
        if let Some(old) = repo.peel_to_commit(oid(&u.old)?)? {
            fast_forward = Some(false);
            old_commit = Some(old);
        }
    }
    let mut vouching: Vec<Oid> = Vec::new();
    let commits: Vec<CommitInfo> = match action {
        Action::Delete => Vec::new(),
        Action::Update | Action::Create => {
            match new_commit {
                None => Vec::new(),
                Some(new_commit) => {
                    let hide = if action == Action::Update {
                        // Every commit in old..new counts, even if another
                        // ref already has it: otherwise unchecked commits
                        // reach this ref through an unprotected one.
                        match repo.peel_to_commit(oid(&u.old)?)? {
                            Some(old) => {
                                fast_forward = Some(repo.contains(new_commit, old)?);
                                old_commit = Some(old);
                                vec![old]
                            }
                            None => Vec::new(),
                        }
                    } else {
                        // A new ref may reuse history that a ref at least as
                        // strict already carries: its ref rules cover this
                        // ref's, and every policy set that gates this ref
                        // (and so its manifests) gated that one too. Nothing
                        // else is trusted; when in doubt, check.
                        let sets_here: Vec<usize> = gate
                            .policies
                            .iter()
                            .enumerate()
                            .filter(|(_, p)| p.applies_to(&u.refname))
                            .map(|(i, _)| i)
                            .collect();
                        let let_in = super::rollout::unvouching_refs(gate, &repo.name);
                        vouching = existing
                            .iter()
                            .filter(|(name, _)| *name != u.refname)
                            // Content a break-glass or a ref-limited exception
                            // let onto that ref alone.
                            .filter(|(name, _)| let_in.as_ref().is_some_and(|l| !l.contains(name)))
                            // An approval ref is judged by its tag alone: what
                            // it makes reachable was never checked.
                            .filter(|(name, _)| !name.starts_with(super::approvals::PREFIX))
                            .filter(|(name, _)| {
                                let theirs = Effective::resolve_vouching(config, name);
                                theirs.covers(rules)
                                    // The same owners were asked there.
                                    && config.paths.iter().all(|p| {
                                        !super::approvals::path_rule_applies(p, &u.refname, rules)
                                            || super::approvals::path_rule_applies(p, name, &theirs)
                                    })
                            })
                            .filter(|(name, _)| {
                                // A set that evaluates (or once did) recorded
                                // its findings there instead of rejecting.
                                sets_here.iter().all(|&i| {
                                    gate.policies[i].applies_to(name)
                                        && !gate.policies[i].set.enforce.evaluate
                                })
                            })
                            .map(|(_, id)| *id)
                            .collect();
                        vouching.clone()
                    };
                    let walk = repo.new_commits(new_commit, &hide, limits, deadline)?;
                    match walk {
                        Walk::Commits(c) => c,
                        Walk::TooMany => {
                            return Ok(History::TooBig(Finding::new(
                                Code::TooManyCommits,
                                format!(
                                    "{} brings more than {} new commits (limits.max_commits); none of them was checked",
                                    u.refname, limits.max_commits
                                ),
                                "push the history in several smaller pushes, or ask an operator to raise limits.max_commits",
                            )));
                        }
                        Walk::TooLarge(id, size) => {
                            return Ok(History::TooBig(
                                Finding::new(
                                    Code::ObjectTooLarge,
                                    format!(
                                        "commit {id} is {size} bytes; commit and tag objects may be at most {} (limits.max_object_bytes)",
                                        limits.max_object_bytes
                                    ),
                                    "keep commit messages short and data out of commit headers; or ask an operator to raise limits.max_object_bytes",
                                )
                                .commit(id.to_string()),
                            ));
                        }
                    }
                }
            }
        }
    };

    Ok(History::Brought {
        commits,
        fast_forward,
        old_commit,
        new_commit,
        vouching,
    })
}
