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
}

/// Parses and resolves `REF=COMMIT` against the repository, refusing
/// anything that is not a full ref name or does not name a commit.
pub fn resolve(repo: &Repo, arg: &str) -> Result<Request> {
    // Ref names may contain '=' (git allows it); revisions practically never
    // do, so the last '=' separates them.
    let Some((refname, rev)) = arg.rsplit_once('=') else {
        bail!(
            "`{}`: expected REF=COMMIT, e.g. refs/heads/main=HEAD or refs/heads/main=1a2b3c…",
            printable(arg)
        );
    };
    if !refname.starts_with("refs/") || !git2::Reference::is_valid_name(refname) {
        bail!(
            "`{}` is not a valid full ref name (refs/heads/…, refs/tags/…)",
            printable(refname)
        );
    }
    let object = repo
        .git
        .revparse_single(rev)
        .with_context(|| format!("`{}` names no object in this repository; bring the history in first (git fetch, or a push to a ref no rule protects)", printable(rev)))?;
    let target = object.id();
    match repo.peel_to_commit(target)? {
        Some(_) => {}
        None => bail!(
            "`{}` is a {}, not a commit: a baseline trusts history",
            printable(rev),
            object.kind().map(|k| k.str()).unwrap_or("object")
        ),
    }
    if object.kind() == Some(ObjectType::Tag) && !refname.starts_with("refs/tags/") {
        bail!(
            "`{}` is an annotated tag; a branch names a commit (use `{}^{{commit}}`)",
            printable(rev),
            printable(rev)
        );
    }
    let current = match repo.git.find_reference(refname) {
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

/// Records and sets each baseline: the audit record first, then the ref
/// (only if it still has the value it had when resolved), then the record's
/// `landed` fact. `by` is who set it.
pub fn apply(
    repo: &Repo,
    config: &Config,
    requests: &[Request],
    by: &str,
    force: bool,
) -> Result<Vec<Done>> {
    for r in requests {
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
                    push_options: Vec::new(),
                    server: Some(audit.server.clone()),
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
            let result = match r.current {
                Some(current) => repo
                    .git
                    .reference_matching(&r.refname, r.target, true, current, &message)
                    .map(|_| ()),
                None => repo
                    .git
                    .reference(&r.refname, r.target, false, &message)
                    .map(|_| ()),
            };
            result.with_context(|| {
                format!(
                    "setting {} (did a push move it meanwhile? the baseline's audit record{} stays as not landed; run the command again)",
                    printable(&r.refname),
                    audit_id.map(|i| format!(" {i}")).unwrap_or_default()
                )
            })?;
        }
        if let Some(store) = &mut store {
            store.mark_landed(
                &repo.name,
                &r.refname,
                old.as_deref().unwrap_or(&zero),
                &new,
            )?;
        }
        done.push(Done {
            refname: r.refname.clone(),
            old,
            new,
            moved,
            audit_id,
        });
    }
    Ok(done)
}

/// Who sets a baseline when `--by` is not given: the operator's login.
pub fn default_operator() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown operator".into())
}
