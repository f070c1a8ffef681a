//! `pushgate baseline`: an operator's explicit, recorded "history up to
//! this commit on this ref is trusted".
//!
//! Adopting pushgate on a repository with years of unsigned, pre-policy
//! history otherwise has no honest way through: pushing that history is
//! rejected commit by commit, and fetching it on the server moves the ref
//! past the gate, which `audit reconcile` then reports as drift forever.
//! A baseline is an accepted, landed decision of action `baseline`, written
//! to the audit log *before* the ref moves (an unrecorded baseline must not
//! exist), naming who set it. Later pushes are updates from the baseline's
//! commit, so only what they add is judged; `reconcile` sees the ref where
//! the log says it is.
//!
//! Only someone who can write the repository on the server runs this: no
//! pusher reaches it through git.

use anyhow::{bail, Context, Result};
use git2::{ObjectType, Oid};

use crate::config::Config;
use crate::git::Repo;
use crate::protocol::printable;

/// One `REF=COMMIT` argument, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub refname: String,
    /// The object the ref will name (a commit; for a tag ref, possibly an
    /// annotated tag peeling to one).
    pub target: Oid,
    /// The ref's value now, if it exists.
    pub current: Option<Oid>,
}

/// What one baseline did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Done {
    #[serde(rename = "ref")]
    pub refname: String,
    pub old: Option<String>,
    pub new: String,
    /// Whether the ref moved (it may already have been there).
    pub moved: bool,
    /// The audit record, when the config has an audit log.
    pub audit_id: Option<i64>,
    /// The commit's subject, so the operator sees what was trusted.
    pub subject: String,
}

/// Parses and resolves `REF=COMMIT` against the repository, refusing
/// anything that is not a branch or tag name or does not name a commit.
///
/// COMMIT must be a full object id or a full ref name: an abbreviation or
/// a short name is resolved by git trying ref names first (a pusher's
/// branch called `5347a69`, or a tag `import` beside the branch `import`,
/// would win), and a baseline trusts whatever it resolves to.
pub fn resolve(repo: &Repo, arg: &str) -> Result<Request> {
    // Ref names may contain '=' (git allows it); revisions practically never
    // do, so the last '=' separates them.
    let Some((refname, rev)) = arg.rsplit_once('=') else {
        bail!(
            "`{}`: expected REF=COMMIT, e.g. refs/heads/main=refs/import/main or refs/heads/main=<full commit id>",
            printable(arg)
        );
    };
    if !(refname.starts_with("refs/heads/") || refname.starts_with("refs/tags/"))
        || !git2::Reference::is_valid_name(refname)
    {
        bail!(
            "`{}` is not a branch or tag name (refs/heads/…, refs/tags/…): a baseline sets where a branch or tag starts",
            printable(refname)
        );
    }
    let is_full_id =
        (rev.len() == 40 || rev.len() == 64) && rev.bytes().all(|b| b.is_ascii_hexdigit());
    let target = if is_full_id {
        let id = Oid::from_str(rev)?;
        repo.git
            .find_object(id, None)
            .with_context(|| format!("{rev} is not in this repository; bring the history in first (git fetch, or a push to a ref no rule protects)"))?
            .id()
    } else if rev.starts_with("refs/") {
        let r = repo.git.find_reference(rev).with_context(|| {
            format!("`{}` is not a ref of this repository; bring the history in first (a push to a ref no rule protects)", printable(rev))
        })?;
        r.resolve()?
            .target()
            .with_context(|| format!("`{}` names no object", printable(rev)))?
    } else {
        bail!(
            "`{}`: give the full commit id or a full ref name (refs/…); git resolves a short name or an abbreviated id through the refs first, and a pusher can create a ref of that name",
            printable(rev)
        );
    };
    let kind = repo.object_kind(target)?;
    if repo.peel_to_commit(target)?.is_none() {
        bail!(
            "`{}` is a {}, not a commit: a baseline trusts history",
            printable(rev),
            kind.map(|k| k.str()).unwrap_or("object")
        );
    }
    if kind == Some(ObjectType::Tag) && !refname.starts_with("refs/tags/") {
        bail!(
            "`{}` is an annotated tag; a branch names a commit (give the commit's id)",
            printable(rev)
        );
    }
    let current = match repo.git.find_reference(refname) {
        Ok(r) if r.symbolic_target_bytes().is_some() => bail!(
            "{} is a symbolic ref; set the ref it points to",
            printable(refname)
        ),
        Ok(r) => r.target(),
        Err(e) if e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", printable(refname))),
    };
    Ok(Request {
        refname: refname.to_owned(),
        target,
        current,
    })
}

/// Records and sets each baseline. The ref is locked first (git's own
/// lock file, which pushes take too), its value checked under the lock,
/// then the audit record written, then the ref set and its `landed` fact
/// written: no push can move it between the record and the move, and an
/// unrecorded baseline cannot exist. `by` is who set it.
pub fn apply(
    repo: &Repo,
    config: &Config,
    requests: &[Request],
    by: &str,
    force: bool,
) -> Result<Vec<Done>> {
    if by.trim().is_empty() || by.chars().any(char::is_control) {
        bail!("--by must name someone (no control characters)");
    }
    let mut names = std::collections::HashSet::new();
    for r in requests {
        if !names.insert(&r.refname) {
            bail!("{} is given twice", printable(&r.refname));
        }
        if let Some(current) = r.current.filter(|c| *c != r.target) {
            if !force {
                bail!(
                    "{} is at {current}, not {}: a baseline moves an existing ref only with --force (the old value is recorded)",
                    printable(&r.refname),
                    r.target
                );
            }
        }
    }
    let mut store = match &config.audit {
        Some(audit) => Some(
            crate::audit::Store::open(&crate::audit::Target::from(audit))
                .context("the audit log cannot be written, so no baseline was set")?,
        ),
        None => None,
    };
    let mut done = Vec::new();
    for r in requests {
        let zero = "0".repeat(r.target.to_string().len());
        let mut tx = repo.git.transaction()?;
        tx.lock_ref(&r.refname).with_context(|| {
            format!("locking {} (is a push updating it?)", printable(&r.refname))
        })?;
        let now = match repo.git.find_reference(&r.refname) {
            Ok(found) => found.target(),
            Err(_) => None,
        };
        if now != r.current {
            bail!(
                "{} moved while the baseline was being set (a push?); nothing was recorded for it: run the command again",
                printable(&r.refname)
            );
        }
        let old = r.current.map(|c| c.to_string());
        let new = r.target.to_string();
        let audit_id = match (&mut store, &config.audit) {
            (Some(store), Some(audit)) => {
                let body = crate::audit::DecisionBody {
                    time: crate::audit::now_rfc3339(),
                    repository: repo.name.clone(),
                    pusher: Some(by.to_owned()),
                    refname: r.refname.clone(),
                    old: old.clone().unwrap_or_else(|| zero.clone()),
                    new: new.clone(),
                    action: "baseline".into(),
                    environment: crate::protection::Effective::resolve(config, &r.refname)
                        .environment,
                    decision: "accepted".into(),
                    violations: serde_json::json!([]),
                    warnings: serde_json::json!([]),
                    commits: Vec::new(),
                    signers: Vec::new(),
                    approvals: Vec::new(),
                    push_options: Vec::new(),
                    server: Some(audit.server.clone()),
                    ..crate::audit::DecisionBody::default()
                };
                let ids = store.record(std::slice::from_ref(&body)).with_context(|| {
                    format!(
                        "writing to the audit log {}; no baseline was set for {}",
                        audit.database,
                        printable(&r.refname)
                    )
                })?;
                ids.first().copied()
            }
            _ => None,
        };
        let moved = r.current != Some(r.target);
        if moved {
            let message = format!("pushgate baseline by {by}");
            tx.set_target(&r.refname, r.target, None, &message)?;
            tx.commit().with_context(|| {
                format!(
                    "setting {}: its audit record{} stays as accepted but not landed",
                    printable(&r.refname),
                    audit_id.map(|i| format!(" {i}")).unwrap_or_default()
                )
            })?;
        } else {
            drop(tx);
        }
        if let Some(store) = &mut store {
            store
                .mark_landed(&repo.name, &r.refname, old.as_deref().unwrap_or(&zero), &new)
                .with_context(|| {
                    format!(
                        "{} was set, but its landed fact could not be written; `pushgate audit reconcile` marks it",
                        printable(&r.refname)
                    )
                })?;
        }
        done.push(Done {
            refname: r.refname.clone(),
            old,
            new,
            moved,
            audit_id,
            subject: repo.commit_summary(repo.peel_to_commit(r.target)?.unwrap_or(r.target)),
        });
    }
    Ok(done)
}

/// Who sets a baseline when `--by` is not given: the operator's login.
pub fn default_operator() -> String {
    crate::env::OPERATOR
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown operator".into())
}
