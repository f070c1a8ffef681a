//! Stage: code review on a plain server. An approval is an annotated tag,
//! signed by a key in `keys:`, that tags the approved commit, whose first
//! message line is `approve <ref>`, pushed to
//! `refs/approvals/<commit>/<anything>`. This stage judges such refs when
//! they are pushed, and counts the approvals a ref update's new tip needs:
//! `require_approvals` of the ref's rules, and the owners of the changed
//! paths (`paths:`, CODEOWNERS). An approver never counts for an update
//! bringing a commit they signed (four eyes, by key: author and committer
//! fields are forgeable and never count).

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use anyhow::Result;
use git2::{ObjectType, Oid};
use serde::Serialize;

use crate::config::{Config, PathRule};
use crate::finding::{Code, Finding};
use crate::git::Repo;
use crate::protection::{short, Action, Effective};
use crate::protocol::RefUpdate;
use crate::signature::{Keyring, Status};

pub const PREFIX: &str = "refs/approvals/";

/// One approval that verified.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    pub signer: String,
    pub key: Option<String>,
    pub groups: Vec<String>,
    #[serde(rename = "ref")]
    pub refname: String,
    pub commit: String,
    /// Where it is: `refs/approvals/<commit>/<name>`.
    pub tag: String,
}

/// The commit an approval ref's name names: `refs/approvals/<id>/<name>`,
/// `<id>` a full lower-case object id and `<name>` not empty.
fn named_commit(refname: &str) -> Option<&str> {
    let rest = refname.strip_prefix(PREFIX)?;
    let (id, name) = rest.split_once('/')?;
    let full = (id.len() == 40 || id.len() == 64)
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (full && !name.is_empty()).then_some(id)
}

/// The ref an approval message approves: its first line, `approve <ref>`.
fn approved_ref(message: &str) -> Option<&str> {
    let first = message.lines().next()?.trim_end();
    let r = first.strip_prefix("approve ")?;
    (r.starts_with("refs/") && !r.contains(char::is_whitespace)).then_some(r)
}

/// Reads the tag `id` at approval ref `refname`: the approval, or why it
/// is not one.
fn read(
    repo: &Repo,
    keyring: &Keyring,
    config: &Config,
    refname: &str,
    id: Oid,
    now: SystemTime,
) -> Result<std::result::Result<Approval, String>> {
    let Some(named) = named_commit(refname) else {
        return Ok(Err(format!(
            "{refname} is not refs/approvals/<full commit id>/<name>"
        )));
    };
    let size = repo.object_size(id)?;
    if size > config.limits.max_object_bytes {
        return Ok(Err(format!(
            "the approval is {size} bytes, over limits.max_object_bytes ({})",
            config.limits.max_object_bytes
        )));
    }
    if repo.object_kind(id)? != Some(ObjectType::Tag) {
        return Ok(Err(
            "it is not an annotated tag (an approval is made with `git tag -s`, or `pushgate approve`)"
                .into(),
        ));
    }
    let (target, kind, message) = repo.tag_target(id)?;
    let present = kind == Some(ObjectType::Commit)
        && repo.object_kind(target).ok().flatten() == Some(ObjectType::Commit);
    if !present || target.to_string() != named {
        return Ok(Err(format!(
            "the tag tags {}, not the commit {} its ref names",
            short(&target.to_string()),
            short(named)
        )));
    }
    let Some(approved) = approved_ref(&message) else {
        return Ok(Err(
            "its message does not start with `approve <ref>` (e.g. `approve refs/heads/main`)"
                .into(),
        ));
    };
    let verdict = match repo.tag_signature(id)? {
        None => return Ok(Err("the tag is not signed".into())),
        Some((sig, data)) => keyring.verify(&sig, &data, now),
    };
    let signer = match (verdict.status, verdict.signer) {
        (Status::Good, Some(s)) => s,
        (status, _) => {
            return Ok(Err(format!(
                "its signature is not a good one by a key in `keys:` ({}: {})",
                serde_json::to_value(status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                verdict.detail
            )))
        }
    };
    Ok(Ok(Approval {
        groups: config.groups_of(&signer),
        signer,
        key: verdict.key,
        refname: approved.to_owned(),
        commit: named.to_owned(),
        tag: refname.to_owned(),
    }))
}

/// The findings on a pushed `refs/approvals/**` update.
pub(super) fn judge_ref(
    repo: &Repo,
    keyring: &Keyring,
    config: &Config,
    u: &RefUpdate,
    action: Action,
    now: SystemTime,
) -> Result<Vec<Finding>> {
    let invalid = |why: String| {
        Finding::new(
            Code::ApprovalInvalid,
            format!("{} is not a valid approval: {why}", u.refname),
            "make approvals with `pushgate approve --ref REF --push REMOTE COMMIT` (a signed tag by a key in the server's `keys:`)",
        )
    };
    if action != Action::Create {
        return Ok(vec![invalid(
            "approval refs may be created, never moved or deleted (a moved approval would approve what its signer never saw)".into(),
        )
        .commit(u.new.clone())]);
    }
    let id = super::oid(&u.new)?;
    Ok(match read(repo, keyring, config, &u.refname, id, now)? {
        Ok(_) => Vec::new(),
        Err(why) => vec![invalid(why).commit(u.new.clone())],
    })
}

/// Every approval of `tip` found on the repository's refs (the server's,
/// or a clone's fetched `refs/approvals/*`) and in this push.
pub fn for_commit(
    repo: &Repo,
    keyring: &Keyring,
    config: &Config,
    tip: Oid,
    pushed: &[RefUpdate],
    now: SystemTime,
) -> Result<Vec<Approval>> {
    let prefix = format!("{PREFIX}{tip}/");
    let existing = repo.refs_under(&prefix)?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let created = pushed
        .iter()
        .filter(|u| Action::of(u) == Action::Create)
        .filter_map(|u| Some((u.refname.clone(), super::oid(&u.new).ok()?)));
    for (name, id) in existing.into_iter().chain(created) {
        if !name.starts_with(&prefix) || !seen.insert(name.clone()) {
            continue;
        }
        // One that does not verify (made out of band) counts for nothing.
        if let Ok(a) = read(repo, keyring, config, &name, id, now)? {
            out.push(a);
        }
    }
    Ok(out)
}

/// Approvals one rule asks for.
#[derive(Debug, Clone)]
pub struct Need {
    /// For messages: `refs/heads/main (pushgate.yaml:4)`, `terraform/** (pushgate.yaml:12)`.
    pub what: String,
    pub count: u32,
    /// Who counts (expanded names); `None` = any key.
    pub from: Option<BTreeSet<String>>,
    /// As written, for messages.
    pub from_written: Vec<String>,
    /// Changed paths that brought the rule in (empty for the ref's own).
    pub paths: Vec<String>,
}

/// Whether `rule` gates `refname`: its `refs`, else every ref that asks for
/// approvals or signed commits.
pub(super) fn path_rule_applies(rule: &PathRule, refname: &str, rules: &Effective) -> bool {
    match &rule.refs_matcher {
        Some(m) => m.is_match(refname),
        None => rules.approvals.is_some() || rules.signed_commits.on,
    }
}

fn place(config: &Config, rule: &PathRule) -> String {
    let file = rule.source.as_deref().unwrap_or(&config.path);
    format!(
        "{} ({}:{})",
        rule.pattern,
        file.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        rule.line
    )
}

/// The owners (names as written) of each changed path, by every `paths:`
/// rule and the last matching CODEOWNERS line: `input.files[].owners`.
pub fn owners_of(config: &Config, refname: &str, rules: &Effective, path: &str) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    let applies = |r: &&PathRule| path_rule_applies(r, refname, rules) && r.matcher.is_match(path);
    for r in config
        .paths
        .iter()
        .filter(|r| r.source.is_none())
        .filter(applies)
    {
        out.extend(r.owners.iter().cloned());
    }
    if let Some(r) = config
        .paths
        .iter()
        .rev()
        .filter(|r| r.source.is_some())
        .find(applies)
    {
        out.extend(r.owners.iter().cloned());
    }
    out.into_iter().collect()
}

/// What an update of `refname` to a tip changing `paths` needs.
pub fn needs(config: &Config, rules: &Effective, refname: &str, paths: &[&str]) -> Vec<Need> {
    let mut out = Vec::new();
    if let Some((n, src)) = &rules.approvals {
        out.push(Need {
            what: format!("{refname} ({}:{})", src.file, src.line),
            count: *n,
            from: rules.approvers.as_ref().map(|(s, _)| s.clone()),
            from_written: rules
                .approvers
                .as_ref()
                .map(|(s, _)| s.iter().cloned().collect())
                .unwrap_or_default(),
            paths: Vec::new(),
        });
    }
    // Each `paths:` rule on its own; CODEOWNERS by its precedence (the
    // last line matching a path owns it), so lines group the paths.
    let mut by_rule: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for p in paths {
        for (i, r) in config.paths.iter().enumerate() {
            if r.source.is_none() && path_rule_applies(r, refname, rules) && r.matcher.is_match(p) {
                by_rule.entry(i).or_default().push((*p).to_owned());
            }
        }
        let last = config
            .paths
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, r)| r.source.is_some())
            .find(|(_, r)| path_rule_applies(r, refname, rules) && r.matcher.is_match(p));
        if let Some((i, _)) = last {
            by_rule.entry(i).or_default().push((*p).to_owned());
        }
    }
    for (i, matched) in by_rule {
        let r = &config.paths[i];
        if r.owners.is_empty() {
            continue;
        }
        out.push(Need {
            what: place(config, r),
            count: r.require_approvals,
            from: Some(config.expand(&r.owners)),
            from_written: r.owners.clone(),
            paths: matched,
        });
    }
    out
}

/// A need that the approvals do not meet, with what was counted and what
/// was not and why.
#[derive(Debug)]
pub struct Unmet<'a> {
    pub need: &'a Need,
    pub counted: BTreeSet<String>,
    pub refused: Vec<String>,
}

/// Decision logic, no I/O: which needs are unmet by `approvals` (already
/// verified), for `refname`, given the signers of the update's commits.
pub fn unmet<'a>(
    needs: &'a [Need],
    approvals: &[Approval],
    refname: &str,
    authors: &BTreeSet<String>,
) -> Vec<Unmet<'a>> {
    let mut out = Vec::new();
    for need in needs {
        let mut counted = BTreeSet::new();
        let mut refused = BTreeSet::new();
        for a in approvals {
            if a.refname != refname {
                refused.insert(format!(
                    "{}'s approves {}, not {refname}",
                    a.signer, a.refname
                ));
            } else if authors.contains(&a.signer) {
                refused.insert(format!(
                    "{}'s does not count: {} signed a commit of this update (four eyes)",
                    a.signer, a.signer
                ));
            } else if need.from.as_ref().is_some_and(|f| !f.contains(&a.signer)) {
                refused.insert(format!(
                    "{}'s does not count here: not one of {}",
                    a.signer,
                    need.from_written.join(", ")
                ));
            } else {
                counted.insert(a.signer.clone());
            }
        }
        if (counted.len() as u64) < u64::from(need.count) {
            out.push(Unmet {
                need,
                counted,
                refused: refused.into_iter().collect(),
            });
        }
    }
    out
}

/// The rejection for an unmet need.
pub(super) fn finding(u: &Unmet<'_>, refname: &str, tip: &str) -> Finding {
    let need = u.need;
    let missing = u64::from(need.count) - u.counted.len() as u64;
    let from = if need.from_written.is_empty() {
        String::new()
    } else {
        format!(" from {}", need.from_written.join(" or "))
    };
    let mut message = format!(
        "{} needs {} approval{} of {}{from}: {missing} more",
        need.what,
        need.count,
        if need.count == 1 { "" } else { "s" },
        short(tip)
    );
    if !need.paths.is_empty() {
        let shown: Vec<&str> = need.paths.iter().take(3).map(String::as_str).collect();
        message.push_str(&format!(
            " (for {}{})",
            shown.join(", "),
            if need.paths.len() > 3 { ", ..." } else { "" }
        ));
    }
    if !u.counted.is_empty() {
        let c: Vec<&str> = u.counted.iter().map(String::as_str).collect();
        message.push_str(&format!("; approved by {}", c.join(", ")));
    }
    for r in &u.refused {
        message.push_str(&format!("; {r}"));
    }
    Finding::new(
        Code::ApprovalsMissing,
        message,
        format!("ask {} to run `pushgate approve --ref {refname} --push <remote> {tip}` on a clone, then push again (the approval names this commit: a new commit needs new approvals)",
            if need.from_written.is_empty() { "another key holder".to_owned() } else { format!("one of {}", need.from_written.join(", ")) }),
    )
    .commit(tip.to_owned())
}

/// `paths[].signers`: a commit the update brings that changes a path of
/// such a rule must carry a good signature by one of its signers.
pub(super) fn path_signers(
    repo: &Repo,
    config: &Config,
    rules: &Effective,
    refname: &str,
    commits: &[crate::git::CommitInfo],
    verdicts: &[crate::signature::Verdict],
    deadline: &crate::deadline::Deadline,
) -> Result<Vec<Finding>> {
    let restricted: Vec<(&PathRule, BTreeSet<String>)> = config
        .paths
        .iter()
        .filter(|r| path_rule_applies(r, refname, rules))
        .filter_map(|r| Some((r, config.expand(r.signers.as_ref()?))))
        .collect();
    let mut out = Vec::new();
    if restricted.is_empty() {
        return Ok(out);
    }
    let cap = config.limits.max_changed_files as u64;
    for (c, v) in commits.iter().zip(verdicts) {
        deadline.check()?;
        let id = c.id.to_string();
        // Against every parent: a merge whose first parent is old history
        // would otherwise change a restricted path back unseen.
        let tree = repo.tree_of(c.id)?;
        let mut files = Vec::new();
        let mut too_many = false;
        for parent in repo.parent_trees(c.id)? {
            if repo.changed_upper_bound(parent, tree, cap)? > cap {
                too_many = true;
                break;
            }
            files.extend(repo.changed_files(parent, tree)?);
        }
        if too_many {
            out.push(
                Finding::new(
                    Code::TooManyFiles,
                    format!("commit {} changes more than {cap} files (limits.max_changed_files), so who may sign its paths was not checked", short(&id)),
                    "split the change into smaller commits",
                )
                .commit(id),
            );
            continue;
        }
        // Allowed here or not, the key that made a good signature.
        let signer = match v.status {
            Status::Good | Status::NotAllowed => v.signer.as_deref(),
            _ => None,
        };
        for (rule, allowed) in &restricted {
            let Some(p) = files
                .iter()
                .flat_map(|f| f.paths())
                .find(|p| rule.matcher.is_match(p))
            else {
                continue;
            };
            if signer.is_some_and(|s| allowed.contains(s)) {
                continue;
            }
            let mut finding = Finding::new(
                Code::PathSignerNotAllowed,
                format!(
                    "commit {} changes this path, which only {} may sign ({}), but it is {}",
                    short(&id),
                    rule.signers.as_deref().unwrap_or_default().join(", "),
                    place(config, rule),
                    signer.map_or("not signed by a known key".to_owned(), |s| format!("signed by {s}"))
                ),
                "have one of them make (or re-sign) the commit: git commit --amend -S, with their key",
            )
            .commit(id.clone());
            finding.path = Some(p.to_owned());
            out.push(finding);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approval_names_and_messages() {
        let id = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(
            named_commit(&format!("refs/approvals/{id}/alice")),
            Some(id)
        );
        assert_eq!(named_commit(&format!("refs/approvals/{id}/")), None);
        assert_eq!(named_commit("refs/approvals/0123abc/alice"), None);
        assert_eq!(
            named_commit(&format!("refs/approvals/{}/a", id.to_uppercase())),
            None
        );
        assert_eq!(
            approved_ref("approve refs/heads/main\n\nlooks good"),
            Some("refs/heads/main")
        );
        assert_eq!(approved_ref("approve main"), None);
        assert_eq!(approved_ref("Approve refs/heads/main"), None);
        assert_eq!(approved_ref("approve refs/heads/main extra"), None);
    }

    fn approval(signer: &str, refname: &str) -> Approval {
        Approval {
            signer: signer.into(),
            key: None,
            groups: vec![],
            refname: refname.into(),
            commit: "c".into(),
            tag: "t".into(),
        }
    }

    #[test]
    fn four_eyes_distinct_approvers_and_ref_binding() {
        let need = Need {
            what: "refs/heads/main".into(),
            count: 2,
            from: Some(["alice", "bob", "carol"].map(String::from).into()),
            from_written: vec!["ops".into()],
            paths: vec![],
        };
        let needs = [need];
        let main = "refs/heads/main";
        let authors: BTreeSet<String> = ["alice".to_owned()].into();
        // alice signed a commit: her approval does not count; dave is not
        // an approver; bob twice is one approver; carol's is for another ref.
        let a = [
            approval("alice", main),
            approval("bob", main),
            approval("bob", main),
            approval("dave", main),
            approval("carol", "refs/heads/dev"),
        ];
        let u = unmet(&needs, &a, main, &authors);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].counted, ["bob".to_owned()].into());
        assert_eq!(u[0].refused.len(), 3, "{:?}", u[0].refused);
        let a = [approval("bob", main), approval("carol", main)];
        assert!(unmet(&needs, &a, main, &authors).is_empty());
    }
}
