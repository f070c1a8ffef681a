//! Stage: the push-level policy input, the API a push-level namespace's
//! rules are written against (`input.ref.environment`,
//! `input.commits[_].signature.signer`, ...). docs/policies.md shows it;
//! a test holds that page's example to these types, field for field.

use anyhow::Result;
use serde::Serialize;

use super::Push;
use crate::git::{ChangedFile, CommitDetails, CommitInfo, Repo};
use crate::manifest::Document;
use crate::protection::{Action, Effective, RefKind};
use crate::protocol::RefUpdate;
use crate::signature::Verdict;

/// `input` of a push-level namespace: one ref update, whole.
#[derive(Debug, Serialize)]
pub struct PushInput<'a> {
    /// The repository's directory name (`infra.git`).
    pub repository: &'a str,
    /// Who pushed, as `pusher_env` names them; null when unknown.
    pub pusher: Option<&'a str>,
    /// `git push -o` values, in order.
    pub push_options: &'a [String],
    #[serde(rename = "ref")]
    pub update: RefInput<'a>,
    /// Every commit the update brings, newest first.
    pub commits: Vec<CommitInput>,
    /// The files the update changes, each with its owners.
    pub files: Vec<FileInput<'a>>,
    /// The parsed documents of the changed manifests.
    pub manifests: &'a [Document],
    /// The approvals of the new tip that verify (for any ref: a rule may
    /// compare `ref` with `input.ref.name`).
    pub approvals: &'a [super::approvals::Approval],
}

/// `input.files[_]`: the change, and who owns the path (`paths:`
/// rules and the last matching CODEOWNERS line, names as written).
#[derive(Debug, Serialize)]
pub struct FileInput<'a> {
    #[serde(flatten)]
    pub file: &'a ChangedFile,
    pub owners: Vec<String>,
}

/// `input.ref`.
#[derive(Debug, Serialize)]
pub struct RefInput<'a> {
    pub name: &'a str,
    pub kind: RefKind,
    pub action: Action,
    pub old: &'a str,
    pub new: &'a str,
    /// Null for a create or delete.
    pub fast_forward: Option<bool>,
    /// The environment the ref's rules name, if any.
    pub environment: Option<&'a str>,
}

/// `input.commits[_]`: the commit and what its signature says.
#[derive(Debug, Serialize)]
pub struct CommitInput {
    #[serde(flatten)]
    pub commit: CommitDetails,
    /// Verified even on refs that do not require signatures.
    pub signature: Verdict,
}

/// The facts the gate has gathered for one update, as the input.
#[allow(clippy::too_many_arguments)]
pub(super) fn build<'a>(
    repo: &'a Repo,
    push: &'a Push,
    u: &'a RefUpdate,
    action: Action,
    fast_forward: Option<bool>,
    rules: &'a Effective,
    commits: &[CommitInfo],
    verdicts: &[Verdict],
    files: &'a [ChangedFile],
    docs: &'a [Document],
    (config, approvals): (&crate::config::Config, &'a [super::approvals::Approval]),
) -> Result<PushInput<'a>> {
    let mut out = Vec::with_capacity(commits.len());
    for (i, c) in commits.iter().enumerate() {
        out.push(CommitInput {
            commit: repo.commit_details(c.id)?,
            signature: verdicts.get(i).cloned().unwrap_or_else(Verdict::none),
        });
    }
    Ok(PushInput {
        repository: &repo.name,
        pusher: push.pusher.as_deref(),
        push_options: &push.push_options,
        update: RefInput {
            name: &u.refname,
            kind: RefKind::of(&u.refname),
            action,
            old: &u.old,
            new: &u.new,
            fast_forward,
            environment: rules.environment.as_deref(),
        },
        commits: out,
        files: files
            .iter()
            .map(|f| FileInput {
                file: f,
                owners: super::approvals::owners_of(config, &u.refname, rules, &f.path),
            })
            .collect(),
        manifests: docs,
        approvals,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::git::{EntryKind, FileStatus, Person};

    /// Every field path of a JSON value (array elements as `[]`).
    fn paths(v: &serde_json::Value, at: &str, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let p = format!("{at}.{k}");
                    out.insert(p.clone());
                    // `manifests[].document` is the user's document.
                    if k != "document" {
                        paths(v, &p, out);
                    }
                }
            }
            serde_json::Value::Array(a) => {
                for v in a {
                    paths(v, &format!("{at}[]"), out);
                }
            }
            _ => {}
        }
    }

    /// docs/policies.md's example of the input names exactly the fields
    /// these types serialize: a field added, renamed or dropped here fails
    /// until the page says so.
    #[test]
    fn the_documented_push_input_is_the_serialized_one() {
        let page = include_str!("../../docs/policies.md");
        let start = page
            .find("## Push-level input\n\n```json\n")
            .expect("docs/policies.md has the push-level input example");
        let rest = &page[start..];
        let body = &rest[rest.find("{").unwrap()..rest.find("\n```\n").unwrap()];
        let documented: serde_json::Value = serde_json::from_str(body).unwrap();

        let person = || Person {
            name: String::new(),
            email: String::new(),
            time: String::new(),
        };
        let files = [ChangedFile {
            path: "k8s/web.yaml".into(),
            utf8: true,
            status: FileStatus::Modified,
            kind: EntryKind::File,
            blob: None,
            size: Some(512),
            old_path: None,
        }];
        let docs = [Document {
            path: "k8s/web.yaml".into(),
            index: 0,
            line: 1,
            document: serde_json::json!({}),
            spans: Default::default(),
            source: None,
        }];
        let options = ["ci.skip".to_owned()];
        let input = PushInput {
            repository: "infra.git",
            pusher: Some("alice"),
            push_options: &options,
            update: RefInput {
                name: "refs/heads/main",
                kind: RefKind::Branch,
                action: Action::Update,
                old: "a",
                new: "b",
                fast_forward: Some(true),
                environment: Some("production"),
            },
            commits: vec![CommitInput {
                commit: CommitDetails {
                    id: "b".into(),
                    parents: vec!["a".into()],
                    author: person(),
                    committer: person(),
                    message: String::new(),
                },
                signature: Verdict::none(),
            }],
            files: files
                .iter()
                .map(|f| FileInput {
                    file: f,
                    owners: vec!["platform".into()],
                })
                .collect(),
            manifests: &docs,
            approvals: &[super::super::approvals::Approval {
                signer: "bob".into(),
                key: Some("SHA256:...".into()),
                groups: vec!["ops".into()],
                refname: "refs/heads/main".into(),
                commit: "b".into(),
                tag: "refs/approvals/b/bob-1".into(),
            }],
        };
        let (mut want, mut got) = (BTreeSet::new(), BTreeSet::new());
        paths(&documented, "input", &mut want);
        paths(&serde_json::to_value(&input).unwrap(), "input", &mut got);
        assert_eq!(got, want, "docs/policies.md and PushInput differ");
    }
}
