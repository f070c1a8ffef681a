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
use rayon::prelude::*;

use crate::config::{SecretScan, Secrets};
use crate::deadline::Deadline;
use crate::finding::{Code, Finding};
use crate::git::{CommitInfo, FileStatus, Repo};
use crate::manifest::Selector;
use crate::secrets::{Found, Origin, Scanner};

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

/// A blob's text as the rules read it: UTF-16 (a BOM: what Windows
/// PowerShell writes) transcoded; a binary blob's printable runs of 8 bytes
/// or more, one per line, as `strings` shows them (a key after a NUL byte is
/// still a key).
fn readable(bytes: Vec<u8>) -> (Vec<u8>, bool) {
    let utf16 = |le: bool| -> Vec<u8> {
        let from = if utf16_bom(&bytes) { 2 } else { 0 };
        let units: Vec<u16> = bytes[from..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units).into_bytes()
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => return (utf16(true), false),
        Some([0xFE, 0xFF]) => return (utf16(false), false),
        _ => {}
    }
    // UTF-16 without a mark: ASCII text has a NUL in every other byte,
    // which would otherwise make it binary with no printable run.
    if let Some(le) = utf16_unmarked(&bytes) {
        return (utf16(le), false);
    }
    if !binary(&bytes) {
        return (bytes, false);
    }
    let mut out = Vec::new();
    for run in bytes.split(|b| !(0x20..0x7f).contains(b) && *b != b'\t') {
        if run.len() >= 8 {
            out.extend_from_slice(run);
            out.push(b'\n');
        }
    }
    (out, true)
}

fn utf16_bom(b: &[u8]) -> bool {
    matches!(b.get(..2), Some([0xFF, 0xFE] | [0xFE, 0xFF]))
}

/// Some(little-endian?) when the start of `b` reads as UTF-16 of mostly
/// ASCII text: nine in ten of one parity's bytes NUL, few of the other's.
fn utf16_unmarked(b: &[u8]) -> Option<bool> {
    let head = &b[..b.len().min(8000) & !1];
    if head.len() < 16 {
        return None;
    }
    let half = head.len() / 2;
    let zeros = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|x| **x == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    if odd * 10 >= half * 9 && even * 10 <= half {
        Some(true)
    } else if even * 10 >= half * 9 && odd * 10 <= half {
        Some(false)
    } else {
        None
    }
}

/// A SOPS-encrypted file (a top-level `sops` mapping with a `mac`, in a
/// YAML or JSON document), with its ciphertext (`ENC[...]` values) taken
/// out: what is left is scanned like any text, so values SOPS left in
/// plain text (`unencrypted_regex`) are still judged. None: not SOPS.
fn without_ciphertext(text: &[u8]) -> Option<Vec<u8>> {
    let t = std::str::from_utf8(text).ok()?;
    if !t.contains("ENC[") {
        return None;
    }
    let doc = crate::manifest::yaml_unmarshal(t).ok()?;
    doc.get("sops")?.as_object()?.get("mac")?;
    let enc = regex::bytes::Regex::new(r"ENC\[[^\]\n]*\]").ok()?;
    Some(enc.replace_all(text, &b"ENC"[..]).into_owned())
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
    let scanner = &secrets.scanner;
    // Messages: (where, bytes, is a blob, is binary).
    let mut texts: Vec<(Place, Vec<u8>, bool, bool)> = Vec::new();
    // Every place a blob is at: a pack's path rules and allowlists judge
    // each place, so one copy at an allowlisted path covers no other.
    let mut blobs: BTreeMap<Oid, Vec<Place>> = BTreeMap::new();
    // What the ref is set to, peeled: every tag's message on the way, and
    // a tree or blob a tag (or the ref) names, which no commit brings.
    if let Ok(mut id) = Oid::from_str(new) {
        for _ in 0..16 {
            let Ok(object) = repo.git.find_object(id, None) else {
                break;
            };
            match object.kind() {
                Some(git2::ObjectType::Tag) => {
                    let Ok(tag) = repo.git.find_tag(id) else {
                        break;
                    };
                    texts.push((
                        Place {
                            path: None,
                            commit: id,
                        },
                        tag.message_bytes().unwrap_or_default().to_vec(),
                        false,
                        false,
                    ));
                    id = tag.target_id();
                }
                Some(git2::ObjectType::Blob) => {
                    blobs.entry(id).or_default().push(Place {
                        path: Some(format!(
                            "(the blob {})",
                            crate::protection::short(&id.to_string())
                        )),
                        commit: id,
                    });
                    break;
                }
                Some(git2::ObjectType::Tree) => {
                    let files = repo.changed_files(None, id)?;
                    for f in files {
                        if let Some(b) = f.blob {
                            blobs.entry(b).or_default().push(Place {
                                path: Some(f.path),
                                commit: id,
                            });
                        }
                    }
                    break;
                }
                _ => break,
            }
        }
    }
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
            commit.message_bytes().to_vec(),
            false,
            false,
        ));
        for (path, blob) in introduced(repo, c)? {
            if secrets.scan == SecretScan::Manifests && !selector.wants(&path) {
                continue;
            }
            blobs.entry(blob).or_default().push(Place {
                path: Some(path),
                commit: c.id,
            });
        }
    }
    // Messages count too: a 3 MiB tag message is text to scan.
    let mut total: u64 = texts.iter().map(|t| t.1.len() as u64).sum();
    for id in blobs.keys() {
        total = total.saturating_add(repo.object_size(*id)?);
    }
    if total > max_bytes {
        violations.push(Finding::new(
            Code::SecretsOverBudget,
            format!("the push brings {total} bytes of new files and messages; secret scanning covers at most {max_bytes} (limits.max_scanned_bytes), and a push is never scanned in part"),
            "push the history in smaller steps, or ask an operator to raise limits.max_scanned_bytes",
        ));
        return Ok(());
    }
    // One text's findings (a blob's, or a message's).
    let judge = |place: &Place, text: &[u8], blob: bool, is_binary: bool| -> Vec<Finding> {
        // A SOPS file's ciphertext is not scanned; the rest of it is.
        let sops = if secrets.sops && blob {
            without_ciphertext(text)
        } else {
            None
        };
        let commit = place.commit.to_string();
        let origin = Origin {
            path: place.path.as_deref().filter(|_| blob),
            commit: &commit,
        };
        let mut hits = scanner.scan(sops.as_deref().unwrap_or(text), origin);
        if let (Some(path), None, false) = (&place.path, &sops, is_binary) {
            hits.extend(kubernetes_secrets(
                scanner,
                path,
                &String::from_utf8_lossy(text),
                selector,
            ));
        }
        if is_binary {
            // Lines of a binary blob mean nothing.
            hits.iter_mut().for_each(|h| h.line = 0);
        }
        hits.iter()
            .filter_map(|hit| finding(secrets, place, hit, today))
            .collect()
    };
    let mut found: Vec<Vec<Finding>> = texts
        .par_iter()
        .map(|(place, text, blob, is_binary)| judge(place, text, *blob, *is_binary))
        .collect();
    // Blobs are read and scanned on every core, each worker with its own
    // handle on the object database; the findings stay in the blobs' order.
    let blobs: Vec<(Oid, Vec<Place>)> = blobs.into_iter().collect();
    let reopen = repo.reopener();
    let per_blob: Vec<Vec<Finding>> = blobs
        .par_iter()
        .map_init(
            || reopen.open(),
            |handle, (id, places)| -> Result<Vec<Finding>> {
                let handle = handle
                    .as_ref()
                    .map_err(|e| anyhow::anyhow!("opening the repository again: {e:#}"))?;
                deadline.check()?;
                let (bytes, is_binary) = readable(handle.blob(*id)?);
                // Read once, judged once per distinct verdict-relevant
                // place: what the rules' paths and allowlists say of it,
                // and whether it is a manifest. Many paths to one blob cost
                // one scan each only where they could differ.
                let mut judged: Vec<(Vec<bool>, bool)> = Vec::new();
                let mut out = Vec::new();
                for place in places {
                    let commit = place.commit.to_string();
                    let key = (
                        scanner.signature(Origin {
                            path: place.path.as_deref(),
                            commit: &commit,
                        }),
                        place.path.as_deref().is_some_and(|p| selector.wants(p)),
                    );
                    if judged.contains(&key) {
                        continue;
                    }
                    deadline.check()?;
                    judged.push(key);
                    out.extend(judge(place, &bytes, true, is_binary));
                }
                Ok(out)
            },
        )
        .collect::<Result<_>>()?;
    found.extend(per_blob);
    let found: Vec<Finding> = found.into_iter().flatten().collect();
    let total = found.len();
    // A push full of them says so without listing hundreds.
    violations.extend(found.into_iter().take(20));
    if total > 20 {
        violations.push(Finding::new_owned(
            "secret.more",
            format!("{} more secrets in this push are not listed", total - 20),
            "fix the ones listed, push again, and the rest are shown",
        ));
    }
    Ok(())
}

/// Plain-text values of the Kubernetes Secrets in a manifest.
fn kubernetes_secrets(
    scanner: &Scanner,
    path: &str,
    text: &str,
    selector: &Selector,
) -> Vec<Found> {
    if !selector.wants(path) || !text.contains("Secret") {
        return Vec::new();
    }
    // A List's items are Secrets kubectl applies too.
    let Ok(docs) = crate::manifest::parse_text(path, text, &selector.limits)
        .and_then(crate::manifest::applied)
    else {
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
                what: "a Kubernetes Secret value in plain text".into(),
                line,
                preview: crate::secrets::hidden(&value),
                fingerprint: scanner.fingerprint(&value),
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
    if hit.code == crate::secrets::TOO_MANY {
        let mut f = Finding::new_owned(
            hit.code.clone(),
            format!(
                "{} in one text of commit {}: it is not judged one by one, and cannot be let through",
                hit.what,
                crate::protection::short(&place.commit.to_string())
            ),
            "a file this full of tokens is generated or a dump: keep it out of the repository",
        );
        f.path = place.path.clone();
        f.commit = Some(place.commit.to_string());
        return Some(f);
    }
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
    f.line = place.path.as_ref().map(|_| hit.line).filter(|l| *l > 0);
    f.commit = Some(place.commit.to_string());
    Some(f)
}
