//! Stage: signatures on the commits an update brings (verified on every
//! core, reading overlapped with verifying) and on the tag it pushes.

use std::time::SystemTime;

use anyhow::Result;
use git2::ObjectType;
use rayon::prelude::*;

use super::{oid, SMALL};
use crate::deadline::Deadline;
use crate::finding::{Code, Finding};
use crate::git::{CommitInfo, Repo};
use crate::protection::{describe, Effective, Strict};
use crate::protocol::RefUpdate;
use crate::signature::{self, Keyring, Subject, Verdict};

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
    deadline: &Deadline,
    mut each: impl FnMut(&CommitInfo, &Verdict),
) -> Result<()> {
    const CHUNK: usize = 1024;
    if commits.len() < SMALL {
        // The common push: a few commits, verified here without threads.
        for c in commits {
            let v = match repo.commit_signature(c.id)? {
                None => Verdict::none(),
                Some((sig, data)) => keyring.verify(&sig, &data, now),
            };
            each(c, &v);
        }
        return Ok(());
    }
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
            deadline.check()?;
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

pub(super) fn short_id(id: &str) -> &str {
    id.get(..10).unwrap_or(id)
}

pub(super) fn check_tag(
    repo: &Repo,
    keyring: &Keyring,
    u: &RefUpdate,
    allowed: Option<&std::collections::BTreeSet<String>>,
    required: &Strict,
    now: SystemTime,
    max_object_bytes: u64,
) -> Result<Option<Finding>> {
    let id = oid(&u.new)?;
    let size = repo.object_size(id)?;
    if size > max_object_bytes {
        return Ok(Some(
            Finding::new(
                Code::ObjectTooLarge,
                format!("tag {id} is {size} bytes; commit and tag objects may be at most {max_object_bytes} (limits.max_object_bytes)"),
                "keep tag messages short; or ask an operator to raise limits.max_object_bytes",
            )
            .commit(u.new.clone()),
        ));
    }
    let by = describe(required, "require_signed_tags: true");
    if repo.object_kind(id)? != Some(ObjectType::Tag) {
        return Ok(Some(
            Finding::new(
                Code::LightweightTag,
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
    // A signature vouches for the tag object, whose `tag` header names it:
    // the same signed object pushed under another name would replay an old
    // release as a new one. And a release tags a commit, not a tree or blob.
    let (name, target) = repo.tag_header(id)?;
    // The name a tag is made as: after refs/tags/, or after the namespace
    // elsewhere (refs/releases/r1 is r1).
    let short = u
        .refname
        .strip_prefix("refs/tags/")
        .or_else(|| {
            u.refname
                .strip_prefix("refs/")
                .and_then(|r| r.split_once('/'))
                .map(|(_, n)| n)
        })
        .unwrap_or(&u.refname);
    if name != short.as_bytes() {
        let (shown, _) = crate::git::escape_path(&name);
        return Ok(Some(
            Finding::new(
                Code::TagNameMismatch,
                format!(
                    "{} is the tag object {}, made as {shown:?}: a signed tag pushed under another name",
                    u.refname,
                    short_id(&u.new)
                ),
                format!("push the tag under its own name (refs/tags/{shown}), or sign a new one: git tag -s {short} <commit>"),
            )
            .commit(u.new.clone())
            .required_by(by),
        ));
    }
    if target != Some(ObjectType::Commit) {
        return Ok(Some(
            Finding::new(
                Code::TagNotCommit,
                format!(
                    "{} is the tag object {}, which tags a {}, not a commit: a release must tag a commit",
                    u.refname,
                    crate::protection::short(&u.new),
                    target.map_or("object of unknown kind".to_owned(), |t| t.to_string())
                ),
                "tag the commit to release: git tag -s <name> <commit>",
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

/// What the commits' signatures say, for one update.
pub(super) struct Signed {
    pub violations: Vec<Finding>,
    /// Names (from `keys:`) of good signatures.
    pub signers: std::collections::BTreeSet<String>,
    /// Names of every key that made a cryptographically good signature on
    /// a commit, allowed here or not: who may not approve the update.
    pub authors: std::collections::BTreeSet<String>,
    /// Every verdict, when a push-level policy reads them (`keep`).
    pub verdicts: Vec<Verdict>,
}

/// Verifies the commits when the ref requires signatures, a push-level
/// policy reads them (`keep`) or approvals need their signers
/// (`need_authors`); a commit not signed well by an allowed signer is a
/// violation where signatures are required.
pub(super) fn judge_commits(
    repo: &Repo,
    keyring: &Keyring,
    commits: &[CommitInfo],
    rules: &Effective,
    refname: &str,
    (keep, need_authors): (bool, bool),
    (now, deadline): (SystemTime, &Deadline),
) -> Result<Signed> {
    let mut out = Signed {
        violations: Vec::new(),
        signers: Default::default(),
        authors: Default::default(),
        verdicts: Vec::new(),
    };
    if !(rules.signed_commits.on || keep || need_authors) {
        return Ok(out);
    }
    let allowed = rules.signers.as_ref().map(|(names, _)| names);
    let by = describe(&rules.signed_commits, "require_signed_commits: true");
    verify_commits(repo, keyring, commits, now, deadline, |c, v| {
        if let (signature::Status::Good, Some(name)) = (v.status, &v.signer) {
            out.authors.insert(name.clone());
        }
        let v = v.for_signers(allowed);
        if let (signature::Status::Good, Some(name)) = (v.status, &v.signer) {
            out.signers.insert(name.clone());
        }
        if keep {
            out.verdicts.push(v.clone());
        }
        if v.status == signature::Status::Good || !rules.signed_commits.on {
            return;
        }
        let (id, summary) = (c.id.to_string(), repo.commit_summary(c.id));
        let what = Subject {
            kind: "commit",
            id: &id,
            summary: &summary,
        };
        out.violations
            .extend(signature::finding(&what, refname, &v, allowed, &by));
    })?;
    Ok(out)
}
