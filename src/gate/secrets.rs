//! Stage: credentials in what an update brings (`secrets:`), before they
//! are in every clone. Every blob its new commits introduce — at any path,
//! in every commit (a key added and deleted again in the same push is
//! still in the history) — and their messages, and an annotated tag's
//! message, scanned with the built-in rules (src/secrets.rs). Binary blobs
//! are skipped by sniffing; the push's total is bounded, and a push over
//! the bound is rejected as such, never scanned in part.

use std::collections::{BTreeMap, HashSet};

use anyhow::{Context, Result};
use git2::Oid;

use crate::config::{SecretScan, Secrets};
use crate::deadline::Deadline;
use crate::finding::{Code, Finding};
use crate::git::{CommitInfo, FileStatus, Repo};
use crate::manifest::Selector;
use crate::secrets::{is_sops, Found, Scanner};

/// Where a text came from, for the finding.
struct Place {
    path: Option<String>,
    commit: Oid,
}

/// Blobs each commit introduces: (path, blob) new against every parent
/// (a merge's side already judged when it was pushed is not new).
fn introduced(repo: &Repo, c: &CommitInfo) -> Result<Vec<(String, Oid)>> {
    let commit = repo
        .git
        .find_commit(c.id)
        .context("reading a pushed commit")?;
    let tree = commit.tree_id();
    let mut per_parent: Vec<HashSet<(String, Oid)>> = Vec::new();
    let parents: Vec<Option<Oid>> = if commit.parent_count() == 0 {
        vec![None]
    } else {
        commit
            .parent_ids()
            .map(|p| repo.tree_of(p).map(Some))
            .collect::<Result<_>>()?
    };
    for base in parents {
        let files = repo.changed_files(base, tree)?;
        per_parent.push(
            files
                .into_iter()
                .filter(|f| f.status != FileStatus::Deleted)
                .filter_map(|f| f.blob.map(|b| (f.path, b)))
                .collect(),
        );
    }
    let mut sets = per_parent.into_iter();
    let mut new = sets.next().unwrap_or_default();
    for other in sets {
        new.retain(|x| other.contains(x));
    }
    let mut out: Vec<_> = new.into_iter().collect();
    out.sort();
    Ok(out)
}

fn binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8000)].contains(&0)
}

/// Scans what the update brings; findings go to `violations`.
#[allow(clippy::too_many_arguments)]
pub(super) fn scan(
    repo: &Repo,
    secrets: &Secrets,
    selector: &Selector,
    (new, commits): (&str, &[CommitInfo]),
    (max_bytes, today): (u64, jiff::civil::Date),
    violations: &mut Vec<Finding>,
    deadline: &Deadline,
) -> Result<()> {
    if secrets.scan == SecretScan::Off {
        return Ok(());
    }
    let scanner = Scanner::builtin();
    let mut texts: Vec<(Place, String)> = Vec::new();
    // An annotated tag's message.
    if let Ok(id) = Oid::from_str(new) {
        if let Ok(tag) = repo.git.find_tag(id) {
            let message =
                String::from_utf8_lossy(tag.message_bytes().unwrap_or_default()).into_owned();
            texts.push((
                Place {
                    path: None,
                    commit: id,
                },
                message,
            ));
        }
    }
    let mut blobs: BTreeMap<Oid, Place> = BTreeMap::new();
    for c in commits {
        deadline.check()?;
        let commit = repo
            .git
            .find_commit(c.id)
            .context("reading a pushed commit")?;
        texts.push((
            Place {
                path: None,
                commit: c.id,
            },
            String::from_utf8_lossy(commit.message_bytes()).into_owned(),
        ));
        for (path, blob) in introduced(repo, c)? {
            if secrets.scan == SecretScan::Manifests && !selector.wants(&path) {
                continue;
            }
            blobs.entry(blob).or_insert(Place {
                path: Some(path),
                commit: c.id,
            });
        }
    }
    let mut total = 0u64;
    for id in blobs.keys() {
        total = total.saturating_add(repo.object_size(*id)?);
    }
    if total > max_bytes {
        violations.push(Finding::new(
            Code::SecretsOverBudget,
            format!("the push brings {total} bytes of new files; secret scanning covers at most {max_bytes} (limits.max_scanned_bytes), and a push is never scanned in part"),
            "push the history in smaller steps, or ask an operator to raise limits.max_scanned_bytes",
        ));
        return Ok(());
    }
    for (id, place) in blobs {
        deadline.check()?;
        let bytes = repo.blob(id)?;
        if binary(&bytes) {
            continue;
        }
        texts.push((place, String::from_utf8_lossy(&bytes).into_owned()));
    }
    let mut found = 0;
    for (place, text) in &texts {
        if secrets.sops && is_sops(text) {
            continue;
        }
        let mut hits = scanner.scan(text);
        if let Some(path) = &place.path {
            hits.extend(kubernetes_secrets(path, text, selector));
        }
        for hit in hits {
            if let Some(f) = finding(secrets, place, &hit, today) {
                violations.push(f);
                found += 1;
                if found >= 20 {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// Plain-text values of the Kubernetes Secrets in a manifest.
fn kubernetes_secrets(path: &str, text: &str, selector: &Selector) -> Vec<Found> {
    if !selector.wants(path) || !text.contains("Secret") {
        return Vec::new();
    }
    let Ok(docs) = crate::manifest::parse_text(path, text, &selector.limits) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in docs {
        for (field, value) in Scanner::kubernetes_secret(&d.document) {
            let line = d
                .spans
                .get(&field.split('.').map(str::to_owned).collect::<Vec<_>>())
                .map_or(d.line, |(l, _)| l);
            out.push(Found {
                code: "secret.kubernetes-secret".into(),
                what: "a Kubernetes Secret value in plain text",
                line,
                preview: crate::secrets::preview(&value),
                fingerprint: crate::secrets::fingerprint(&value),
            });
        }
    }
    out
}

fn finding(
    secrets: &Secrets,
    place: &Place,
    hit: &Found,
    today: jiff::civil::Date,
) -> Option<Finding> {
    let allowed = secrets
        .allow
        .iter()
        .find(|a| a.fingerprint == hit.fingerprint);
    let file = secrets
        .allow_file
        .as_deref()
        .unwrap_or("an allow file (secrets.allow)");
    let expired = match allowed {
        Some(a) if a.expires >= today => return None,
        Some(a) => format!(
            " (allowed by {file}:{} until {}, which has passed)",
            a.line, a.expires
        ),
        None => String::new(),
    };
    let id = place.commit.to_string();
    let short = crate::protection::short(&id);
    // The file and line are the finding's own location.
    let where_ = match &place.path {
        Some(_) => format!("commit {short}"),
        None => format!("the message of {short}"),
    };
    let mut f = Finding::new_owned(
        hit.code.clone(),
        format!(
            "{} ({}) in {where_}; fingerprint {}{expired}",
            hit.what, hit.preview, hit.fingerprint
        ),
        format!(
            "rotate it (anyone who fetched it has it), then take it out of every commit of the push: `git rebase -i {short}~1` and edit the commit, or `git filter-repo --replace-text FILE` for many; not a secret? add {{fingerprint: {}, owner, reason, expires}} to {file}",
            hit.fingerprint
        ),
    );
    f.path = place.path.clone();
    f.line = place.path.as_ref().map(|_| hit.line);
    f.commit = Some(place.commit.to_string());
    Some(f)
}
