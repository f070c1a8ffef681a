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
use crate::finding::{Code, Finding};
use crate::git::{ChangedFile, FileStatus};
use crate::git::{CommitInfo, Repo, Walk};
use crate::manifest::{self, Document, Selector};
use crate::policy::{Bundle, Compiled};
use crate::protection::{self, describe, Action, Effective, RefKind, Strict, UpdateFacts};
use crate::protocol::RefUpdate;
use crate::signature::{self, Keyring, Subject, Verdict};

/// Below this many items (commits, files) work stays on the calling thread:
/// starting threads costs more than it saves, and most pushes are small.
const SMALL: usize = 32;
/// Files parsed per step when collecting documents (see limits.max_documents).
const PARSE_CHUNK: usize = 256;

/// Everything loaded once per push: the config and what it names.
pub struct Gate {
    pub config: Config,
    pub keyring: Keyring,
    pub selector: Selector,
    pub policies: Vec<LoadedSet>,
}

/// One `policies:` entry, compiled.
pub struct LoadedSet {
    pub set: crate::config::PolicySet,
    pub bundle: Bundle,
    refs: Option<globset::GlobSet>,
    /// Each namespace compiled once per push (the gate is loaded per hook
    /// run), on first use, and shared by every document and ref update.
    compiled: std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<Compiled>>>,
}

impl LoadedSet {
    fn compiled(&self, ns: &str) -> Result<std::sync::Arc<Compiled>> {
        let mut cache = self
            .compiled
            .lock()
            .map_err(|_| anyhow::anyhow!("the compiled-policy cache was poisoned by a panic"))?;
        if let Some(c) = cache.get(ns) {
            return Ok(c.clone());
        }
        let c = std::sync::Arc::new(self.bundle.compile(ns).map_err(|e| {
            anyhow::Error::new(BrokenConfig(format!(
                "policy set {}, namespace {ns}: {e:#}",
                self.set.path.display()
            )))
        })?);
        cache.insert(ns.to_owned(), c.clone());
        Ok(c)
    }

    fn applies_to(&self, refname: &str) -> bool {
        self.refs.as_ref().is_none_or(|g| g.is_match(refname))
    }
}

impl Gate {
    /// Compiles every namespace of every policy set, as pushes would one by
    /// one (the hooks compile lazily, only what a push needs): what
    /// `config check` and `doctor` run, so a policy that parses but does
    /// not compile is found before a pusher finds it.
    pub fn compile_all(&self) -> Result<usize, ConfigError> {
        let mut n = 0;
        for set in &self.policies {
            for ns in set
                .set
                .manifest_namespaces
                .iter()
                .chain(&set.set.push_namespace)
            {
                set.compiled(ns).map_err(|e| ConfigError {
                    file: self.config.path.clone(),
                    line: Some(set.set.line),
                    message: format!("{e:#}"),
                    help: Some("fix the policy, then check it with `pushgate policy test` and `pushgate validate`".into()),
                })?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Loads and validates the config, every key file and every policy it
    /// names (compiling the policies once). Any problem is a configuration
    /// error: the caller rejects the push.
    pub fn load(path: &Path) -> Result<Gate, ConfigError> {
        let config = Config::load(path)?;
        let keyring = Keyring::load(&config)?;
        let selector =
            Selector::new(&config.manifests, &config.limits).map_err(|e| ConfigError {
                file: config.path.clone(),
                line: None,
                message: format!("manifests: invalid glob: {e}"),
                help: None,
            })?;
        let mut policies = Vec::new();
        for set in &config.policies {
            let err = |message: String| {
                ConfigError {
                file: config.path.clone(),
                line: Some(set.line),
                message,
                help: Some("fix the policy, then check it with `pushgate policy test` and `pushgate validate`".into()),
            }
            };
            let mut bundle = Bundle::load(std::slice::from_ref(&set.path), &set.data)
                .map_err(|e| err(format!("policy set {}: {e:#}", set.path.display())))?;
            bundle.set_time_limit(std::time::Duration::from_secs(
                config.limits.policy_timeout_seconds,
            ));
            for ns in set.manifest_namespaces.iter().chain(&set.push_namespace) {
                if !bundle.has_rules(ns) {
                    return Err(err(format!(
                        "namespace `{ns}` in {} defines no deny, violation or warn rule, so it would check nothing",
                        set.path.display()
                    )));
                }
            }
            let refs = match &set.refs {
                Some(r) => {
                    Some(crate::config::compile_globs(r).map_err(|e| err(format!("refs: {e}")))?)
                }
                None => None,
            };
            policies.push(LoadedSet {
                set: set.clone(),
                bundle,
                refs,
                compiled: Default::default(),
            });
        }
        Ok(Gate {
            config,
            keyring,
            selector,
            policies,
        })
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
    /// Names (from `keys:`) of the signers of good signatures on them.
    pub signers: Vec<String>,
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

pub use crate::deadline::{Deadline, TimedOut};

pub fn decide(repo: &Repo, gate: &Gate, push: &Push) -> Result<Decision> {
    decide_with_refs(repo, gate, push, &repo.refs()?)
}

/// [`decide`] with the refs that may vouch for history given: the server's
/// own in the hooks, a remote's tracking refs (or none) for `check`.
pub fn decide_with_refs(
    repo: &Repo,
    gate: &Gate,
    push: &Push,
    existing: &[(String, Oid)],
) -> Result<Decision> {
    let deadline = Deadline::after(gate.config.limits.timeout_seconds);
    let now = SystemTime::now();
    let mut updates = Vec::with_capacity(push.updates.len());
    for u in &push.updates {
        deadline.check()?;
        let outcome = decide_one(repo, gate, push, u, existing, now, &deadline)
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

/// [`decide`], except that a failure to decide (a broken object, a policy
/// that errs or runs out of time, the time budget) becomes a rejection of
/// every update, with the cause as its finding. The hooks use this so that
/// a push that could not be decided is still recorded, once per update.
pub fn decide_or_reject(repo: &Repo, gate: &Gate, push: &Push) -> Decision {
    match decide(repo, gate, push) {
        Ok(d) => d,
        Err(e) => Decision::rejected(&repo.name, push, failure_finding(&e)),
    }
}

/// The gate's own configuration, not the push, is at fault: a policy that
/// loaded but does not compile for a namespace the push needed. (Config,
/// keys and policy files that do not load at all are caught before any
/// decision, by [`Gate::load`].)
#[derive(Debug)]
pub struct BrokenConfig(pub String);

impl std::fmt::Display for BrokenConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BrokenConfig {}

/// What pushers read for a `config-broken` rejection: the detail names the
/// server's files and is for operators (the audit record, `doctor`,
/// `config check`), not for everyone who pushes.
pub const BROKEN_CONFIG_FOR_PUSHERS: (&str, &str) = (
    "the gate's configuration is broken, so nothing was accepted; this is not a problem with your push",
    "tell an operator: `pushgate doctor` (or `pushgate config check`) on the server shows what is broken (and the audit log, when it can be written)",
);

/// The finding recorded when the gate's configuration does not load or a
/// policy does not compile: `detail` is the whole error.
pub fn broken_config_finding(detail: &str) -> Finding {
    Finding::new(
        Code::ConfigBroken,
        format!("the gate's configuration is broken: {detail}"),
        "fix it, then check it with `pushgate config check --config FILE` before it goes live; pushes are rejected until it loads",
    )
}

/// The finding for an error that stopped the decision.
pub fn failure_finding(e: &anyhow::Error) -> Finding {
    if let Some(b) = e.chain().find_map(|c| c.downcast_ref::<BrokenConfig>()) {
        return broken_config_finding(&b.0);
    }
    if let Some(t) = e.chain().find_map(|c| c.downcast_ref::<TimedOut>()) {
        return Finding::new(
            Code::GateTimeout,
            format!("push rejected: {t}; nothing in it was accepted"),
            "push fewer commits or files at a time, or ask an operator to raise limits.timeout_seconds",
        );
    }
    Finding::new(
        Code::GateError,
        format!("the gate could not decide: {e:#}"),
        "if this names the config, a key or a policy, an operator must correct it; otherwise report it with this message",
    )
}

impl Decision {
    /// A decision that rejects every update of `push` with `finding`.
    pub fn rejected(repository: &str, push: &Push, finding: Finding) -> Decision {
        Decision {
            repository: repository.to_owned(),
            pusher: push.pusher.clone(),
            push_options: push.push_options.clone(),
            updates: push
                .updates
                .iter()
                .map(|u| Outcome {
                    refname: u.refname.clone(),
                    old: u.old.clone(),
                    new: u.new.clone(),
                    action: Action::of(u),
                    kind: RefKind::of(&u.refname),
                    environment: None,
                    fast_forward: None,
                    commits: Vec::new(),
                    signers: Vec::new(),
                    violations: vec![finding.clone()],
                    warnings: Vec::new(),
                })
                .collect(),
        }
    }
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
    deadline: &Deadline,
) -> Result<Outcome> {
    let config = &gate.config;
    let limits = &config.limits;
    let rules = Effective::resolve(config, &u.refname);
    let action = Action::of(u);
    let too_big = |violation: Finding| Outcome {
        refname: u.refname.clone(),
        old: u.old.clone(),
        new: u.new.clone(),
        action,
        kind: RefKind::of(&u.refname),
        environment: rules.environment.clone(),
        fast_forward: None,
        commits: Vec::new(),
        signers: Vec::new(),
        violations: vec![violation],
        warnings: Vec::new(),
    };

    let mut fast_forward = None;
    let mut old_commit = None;
    let new_commit = match action {
        Action::Delete => None,
        _ => repo.peel_to_commit(oid(&u.new)?)?,
    };
    // Tips of existing refs whose checks cover this (new) ref's.
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
                        vouching = existing
                            .iter()
                            .filter(|(name, _)| *name != u.refname)
                            .filter(|(name, _)| Effective::resolve(config, name).covers(&rules))
                            .filter(|(name, _)| {
                                sets_here.iter().all(|&i| gate.policies[i].applies_to(name))
                            })
                            .map(|(_, id)| *id)
                            .collect();
                        vouching.clone()
                    };
                    let walk = repo.new_commits(new_commit, &hide, limits, deadline)?;
                    match walk {
                        Walk::Commits(c) => c,
                        Walk::TooMany => {
                            return Ok(too_big(Finding::new(
                                Code::TooManyCommits,
                                format!(
                                    "{} brings more than {} new commits (limits.max_commits); none of them was checked",
                                    u.refname, limits.max_commits
                                ),
                                "push the history in several smaller pushes, or ask an operator to raise limits.max_commits",
                            )));
                        }
                        Walk::TooLarge(id, size) => {
                            return Ok(too_big(
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
    // git reads a replace ref's object in place of the one it names; the
    // gate (libgit2) and the apply export never do, so the two would judge
    // and deploy different content. Refused unless a rule is written for
    // replace refs.
    if let Some(replaced) = u.refname.strip_prefix("refs/replace/") {
        if action != Action::Delete
            && !config
                .rules_for(&u.refname)
                .any(|r| r.pattern.starts_with("refs/replace/"))
        {
            violations.push(Finding::new(
                Code::ReplaceRef,
                format!(
                    "{} is a replace ref: git (git show, git archive, clones, GitOps controllers) would read its object in place of {replaced}, behind the branch rules' back",
                    u.refname
                ),
                "do not push replace refs; an operator who needs them adds a ref rule whose match starts with refs/replace/",
            ));
        }
    }
    let allowed = rules.signers.as_ref().map(|(names, _)| names);
    let policy_sets: Vec<&LoadedSet> = gate
        .policies
        .iter()
        .filter(|p| p.applies_to(&u.refname))
        .collect();
    let push_input_needed =
        action != Action::Delete && policy_sets.iter().any(|p| p.set.push_namespace.is_some());
    // Verdicts are kept only when a push-level policy will read them.
    let mut verdicts: Vec<Verdict> = Vec::new();
    let mut signers = std::collections::BTreeSet::new();
    if rules.signed_commits.on || push_input_needed {
        let by = describe(&rules.signed_commits, "require_signed_commits: true");
        verify_commits(repo, &gate.keyring, &commits, now, deadline, |c, v| {
            let v = v.for_signers(allowed);
            if let (signature::Status::Good, Some(name)) = (v.status, &v.signer) {
                signers.insert(name.clone());
            }
            if push_input_needed {
                verdicts.push(v.clone());
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
            violations.extend(signature::finding(&what, &u.refname, &v, allowed, &by));
        })?;
    }
    // Wherever a rule asks for signed tags (refs/tags/** or elsewhere,
    // e.g. refs/releases/*), what is pushed there must be one.
    if rules.signed_tags.on && action != Action::Delete {
        violations.extend(check_tag(
            repo,
            &gate.keyring,
            u,
            allowed,
            &rules.signed_tags,
            now,
            limits.max_object_bytes,
        )?);
    }

    let mut warnings = Vec::new();
    if let Some(new_commit) = new_commit {
        let base = match old_commit {
            Some(old) => Some(repo.tree_of(old)?),
            // A new ref: only a covering ref's tip was ever judged as a
            // whole tree (by the diffs that built it), never a commit
            // inside its history, nor the fork point of new commits (whose
            // order the pusher controls through their dates). So the base
            // is a vouching tip the new commit descends from, and without
            // one the whole new tree is judged.
            None => {
                let mut base = None;
                for tip in &vouching {
                    if repo.contains(new_commit, *tip)? {
                        base = Some(repo.tree_of(*tip)?);
                        break;
                    }
                }
                base
            }
        };
        let new_tree = repo.tree_of(new_commit)?;
        // A bound first: the diff itself would hold every path of a tree
        // that names one subtree many times, nested (a few KB, millions
        // of paths). Renames count twice in the bound, hence the factor.
        let cap = (limits.max_changed_files as u64).saturating_mul(2);
        let bound = repo.changed_upper_bound(base, new_tree, cap)?;
        let files = if bound > cap {
            Vec::new()
        } else {
            repo.changed_files(base, new_tree)?
        };
        deadline.check()?;
        if bound > cap || files.len() > limits.max_changed_files {
            let count = if bound > cap {
                format!("more than {cap}")
            } else {
                files.len().to_string()
            };
            let mut out = too_big(Finding::new(
                Code::TooManyFiles,
                format!(
                    "{} changes {} files; the limit is {} (limits.max_changed_files); none of them was checked",
                    u.refname,
                    count,
                    limits.max_changed_files
                ),
                "push the change in smaller steps, or ask an operator to raise limits.max_changed_files",
            ));
            out.commits = commits.iter().map(|c| c.id.to_string()).collect();
            return Ok(out);
        }
        // Manifests are read only where something judges them: a policy
        // set gating this ref (a Helm template on an ungated branch is
        // nobody's business).
        let judged = policy_sets
            .iter()
            .any(|p| !p.set.manifest_namespaces.is_empty() || p.set.push_namespace.is_some());
        let docs = if judged {
            read_manifests(
                repo,
                &gate.selector,
                &files,
                new_tree,
                (&mut violations, &mut warnings),
                deadline,
            )?
        } else {
            Vec::new()
        };
        for set in &policy_sets {
            for ns in &set.set.manifest_namespaces {
                let compiled = set.compiled(ns)?;
                deadline.check()?;
                let inputs: Vec<regorus::Value> = docs
                    .iter()
                    .map(|d| regorus::Value::from(d.document.clone()))
                    .collect();
                // All documents in parallel batches; on an error, once more
                // one by one to name the document that broke evaluation.
                let results = match compiled.evaluate_all(inputs) {
                    Ok(r) => r,
                    Err(e) => {
                        for d in &docs {
                            deadline.check()?;
                            compiled
                                .evaluate(regorus::Value::from(d.document.clone()))
                                .with_context(|| {
                                    format!("policy {ns} on {} (document {})", d.path, d.index)
                                })?;
                        }
                        return Err(e.context(format!("policy {ns}")));
                    }
                };
                deadline.check()?;
                for (d, r) in docs.iter().zip(results) {
                    let locate = |f| d.locate(f);
                    violations.extend(r.failures.into_iter().map(locate));
                    warnings.extend(r.warnings.into_iter().map(locate));
                }
            }
            if let (Some(ns), true) = (&set.set.push_namespace, push_input_needed) {
                deadline.check()?;
                let input = push_input(
                    repo,
                    push,
                    u,
                    action,
                    fast_forward,
                    &rules,
                    &commits,
                    &verdicts,
                    &files,
                    &docs,
                )?;
                let r = set
                    .compiled(ns)?
                    .evaluate_push(regorus::Value::from(input))
                    .with_context(|| format!("push policy {ns}"))?;
                violations.extend(r.failures);
                warnings.extend(r.warnings);
            }
        }
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
        signers: signers.into_iter().collect(),
        violations,
        warnings,
    })
}

/// Reads and parses the changed files that are manifests, as kubectl -R
/// would read them: a symlink by its target's content (refused if the
/// target leaves the tree or the manifest globs), a path that is not UTF-8
/// refused, submodules reported. Problems with a file are findings;
/// reading is sequential, parsing runs on every core.
fn read_manifests(
    repo: &Repo,
    selector: &Selector,
    files: &[ChangedFile],
    new_tree: git2::Oid,
    findings: (&mut Vec<Finding>, &mut Vec<Finding>),
    deadline: &Deadline,
) -> Result<Vec<Document>> {
    let (violations, _warnings) = findings;
    let located = |rule: Code, path: &str, message: String, help: &str| {
        let mut f = Finding::new(rule, message, help);
        f.path = Some(path.to_owned());
        f
    };
    let mut raw: Vec<(String, Vec<u8>)> = Vec::new();
    // Every path counts: one blob under a thousand names is judged (and
    // held) a thousand times.
    let mut budget = selector.limits.max_manifest_bytes;
    for f in files {
        deadline.check()?;
        if f.status == FileStatus::Deleted {
            continue;
        }
        if !f.utf8 {
            violations.push(located(
                Code::PathNotUtf8,
                &f.path,
                format!("{} has a name that is not UTF-8: kubectl would read it, pushgate cannot match it against manifests.include", f.path),
                "rename the file to a UTF-8 name",
            ));
            continue;
        }
        if f.kind == crate::git::EntryKind::Submodule {
            // GitOps controllers (Argo CD by default) fetch submodules and
            // apply what is in them; none of it is judged here.
            violations.push(located(
                Code::ManifestSubmodule,
                &f.path,
                format!("{} is a submodule: GitOps tools fetch and apply its files, which are in another repository and are not checked here", f.path),
                "copy the manifests into this repository, or gate the submodule's repository and vendor it by commit",
            ));
            continue;
        }
        if !selector.wants(&f.path) {
            continue;
        }
        let Some(mut blob) = f.blob else { continue };
        if f.kind == crate::git::EntryKind::Symlink {
            match follow_link(repo, selector, new_tree, &f.path, blob)? {
                Ok(target) => blob = target,
                Err(why) => {
                    violations.push(located(
                        Code::ManifestSymlink,
                        &f.path,
                        format!("{} is a symlink that kubectl would follow, but {why}", f.path),
                        "replace the link with the file itself, or point it at a manifest inside the repository",
                    ));
                    continue;
                }
            }
        }
        let size = repo.object_size(blob)?;
        if size > selector.limits.max_file_bytes {
            violations.push(located(
                Code::ManifestTooLarge,
                &f.path,
                format!(
                    "{} is {size} bytes; manifests may be at most {} (manifests.max_file_bytes)",
                    f.path, selector.limits.max_file_bytes
                ),
                "split the manifest, or keep generated data out of the repository",
            ));
            continue;
        }
        if size > budget {
            violations.push(located(
                Code::ManifestsOverBudget,
                &f.path,
                format!(
                    "the update's manifests add up to more than {} bytes (limits.max_manifest_bytes), at {}; none was judged",
                    selector.limits.max_manifest_bytes, f.path
                ),
                "push the change in smaller steps, or ask an operator to raise limits.max_manifest_bytes",
            ));
            return Ok(Vec::new());
        }
        budget -= size;
        raw.push((f.path.clone(), repo.blob(blob)?));
    }
    violations.extend(checkout_rewrites(repo, selector, files, new_tree)?);
    let parse = |(path, bytes): &(String, Vec<u8>)| {
        deadline.check()?;
        Ok(manifest::parse(path, bytes, &selector.limits).and_then(manifest::applied))
    };
    // Parsed a chunk of files at a time, so a push over limits.max_documents
    // stops holding documents soon after the limit, not after all of them.
    let mut docs = Vec::new();
    for chunk in raw.chunks(PARSE_CHUNK) {
        // Starting the thread pool costs more than parsing a few files.
        let parsed: Vec<Result<Vec<Document>, Box<Finding>>> = if chunk.len() < SMALL {
            chunk.iter().map(parse).collect::<Result<_>>()?
        } else {
            chunk.par_iter().map(parse).collect::<Result<_>>()?
        };
        for p in parsed {
            match p {
                Ok(d) => docs.extend(d),
                Err(f) => violations.push(*f),
            }
        }
        if docs.len() > selector.limits.max_documents {
            break;
        }
    }
    if docs.len() > selector.limits.max_documents {
        violations.push(Finding::new_owned(
            Code::TooManyDocuments,
            format!(
                "the update's manifests hold more than {} documents (limits.max_documents); none was judged",
                selector.limits.max_documents
            ),
            "push the change in smaller steps, or ask an operator to raise limits.max_documents".to_owned(),
        ));
        return Ok(Vec::new());
    }
    Ok(docs)
}

/// `.gitattributes` that make a checkout differ from the blob the gate
/// judged: `ident` expands `$Id$` (across lines, in libgit2), `filter=` runs
/// a program (Git LFS swaps the file for another object), and
/// `working-tree-encoding` re-encodes the bytes. A GitOps controller's
/// checkout applies them; the gate would have judged different text. They
/// are refused on manifests, whether the manifest or the attributes change.
fn checkout_rewrites(
    repo: &Repo,
    selector: &Selector,
    files: &[ChangedFile],
    tree: git2::Oid,
) -> Result<Vec<Finding>> {
    let mut found = Vec::new();
    let mut attrs_cache: std::collections::HashMap<String, Vec<(String, u64, String)>> =
        std::collections::HashMap::new();
    let mut rules_in = |dir: &str| -> Result<Vec<(String, u64, String)>> {
        if let Some(r) = attrs_cache.get(dir) {
            return Ok(r.clone());
        }
        let file = if dir.is_empty() {
            ".gitattributes".to_owned()
        } else {
            format!("{dir}/.gitattributes")
        };
        let mut rules = Vec::new();
        if let Some((id, git2::ObjectType::Blob, _)) = repo.entry_at(tree, &file)? {
            let text = repo.blob(id)?;
            for (n, line) in (1u64..).zip(String::from_utf8_lossy(&text).lines()) {
                let mut words = line.split_whitespace();
                let Some(pattern) = words.next().filter(|p| !p.starts_with('#')) else {
                    continue;
                };
                if let Some(attr) = words.find(|a| {
                    *a == "ident"
                        || a.starts_with("filter=")
                        || a.starts_with("working-tree-encoding=")
                }) {
                    rules.push((
                        pattern.to_owned(),
                        n,
                        format!("{file}:{n}: {pattern} {attr}"),
                    ));
                }
            }
        }
        attrs_cache.insert(dir.to_owned(), rules.clone());
        Ok(rules)
    };
    let matches = |pattern: &str, rel: &str| -> bool {
        let anchored = pattern.trim_end_matches('/').contains('/');
        let (pat, subject) = if anchored {
            (pattern.trim_start_matches('/'), rel)
        } else {
            (pattern, rel.rsplit('/').next().unwrap_or(rel))
        };
        globset::GlobBuilder::new(pat)
            .literal_separator(true)
            .build()
            .is_ok_and(|g| g.compile_matcher().is_match(subject))
    };
    // Manifests the update touches, and every manifest under a changed
    // .gitattributes.
    let mut paths: Vec<String> = files
        .iter()
        .filter(|f| f.status != FileStatus::Deleted && f.utf8 && selector.wants(&f.path))
        .map(|f| f.path.clone())
        .collect();
    let changed_attrs: Vec<&str> = files
        .iter()
        .filter(|f| {
            f.status != FileStatus::Deleted && f.path.rsplit('/').next() == Some(".gitattributes")
        })
        .map(|f| f.path.rsplit_once('/').map_or("", |(d, _)| d))
        .collect();
    if !changed_attrs.is_empty() {
        let t = repo
            .git
            .find_tree(tree)
            .context("reading the pushed tree")?;
        t.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
            if let Ok(name) = entry.name() {
                let p = format!("{root}{name}");
                if entry.kind() == Some(git2::ObjectType::Blob)
                    && selector.wants(&p)
                    && changed_attrs
                        .iter()
                        .any(|d| d.is_empty() || p.starts_with(&format!("{d}/")))
                {
                    paths.push(p);
                }
            }
            git2::TreeWalkResult::Ok
        })
        .context("walking the pushed tree")?;
    }
    paths.sort();
    paths.dedup();
    for p in paths {
        let parts: Vec<&str> = p.split('/').collect();
        for depth in 0..parts.len() {
            let dir = parts[..depth].join("/");
            let rel = parts[depth..].join("/");
            for (pattern, _, shown) in rules_in(&dir)? {
                if matches(&pattern, &rel) {
                    let mut f = Finding::new(
                        Code::ManifestCheckoutFilter,
                        format!("{p} is rewritten on checkout by {shown}: a GitOps tool would apply other bytes than the gate judged"),
                        "remove the attribute for manifests (ident, filter=, working-tree-encoding= do not belong on them)",
                    );
                    f.path = Some(p.clone());
                    found.push(f);
                }
            }
        }
    }
    Ok(found)
}

/// The blob a manifest symlink finally names in `tree`, or why it cannot
/// be judged (outside the tree or the manifest globs, a directory, missing,
/// a chain too long).
fn follow_link(
    repo: &Repo,
    selector: &Selector,
    tree: git2::Oid,
    link: &str,
    mut blob: git2::Oid,
) -> Result<std::result::Result<git2::Oid, String>> {
    let mut at = link.to_owned();
    for _ in 0..8 {
        let text = repo.blob(blob)?;
        let target = match manifest::link_target(&at, &text) {
            Ok(t) => t,
            Err(why) => return Ok(Err(why)),
        };
        if !selector.wants(&target) {
            return Ok(Err(format!(
                "it points at {target}, which manifests.include/exclude leave out"
            )));
        }
        // The target was resolved as text; the system resolves `..` after
        // following each link on the way (`sub/../b.yaml` with `sub` a link
        // to `../docs/x` is docs/b.yaml). A path through a link is refused.
        // Walked as the system walks it: every directory on the way, before
        // a `..` undoes it, must be a real directory.
        let link_text = String::from_utf8_lossy(&text).into_owned();
        let mut stack: Vec<&str> = at.split('/').collect();
        stack.pop();
        let parts: Vec<&str> = link_text.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            match *part {
                "" | "." => continue,
                ".." => {
                    stack.pop();
                    continue;
                }
                p => stack.push(p),
            }
            let last = parts[i + 1..].iter().all(|p| p.is_empty() || *p == ".");
            let here = stack.join("/");
            if !last {
                if let Some((_, _, mode)) = repo.entry_at(tree, &here)? {
                    if mode == i32::from(git2::FileMode::Link) {
                        return Ok(Err(format!(
                            "its target {link_text} goes through {here}, another symlink"
                        )));
                    }
                }
            }
        }
        match repo.entry_at(tree, &target)? {
            None => return Ok(Err(format!("it points at {target}, which does not exist"))),
            Some((id, git2::ObjectType::Blob, mode)) if mode == i32::from(git2::FileMode::Link) => {
                at = target;
                blob = id;
            }
            Some((id, git2::ObjectType::Blob, _)) => return Ok(Ok(id)),
            Some(_) => return Ok(Err(format!("it points at {target}, which is not a file"))),
        }
    }
    Ok(Err("it is a chain of more than 8 links".into()))
}

/// The push-level policy input of the spec.
#[allow(clippy::too_many_arguments)]
fn push_input(
    repo: &Repo,
    push: &Push,
    u: &RefUpdate,
    action: Action,
    fast_forward: Option<bool>,
    rules: &Effective,
    commits: &[CommitInfo],
    verdicts: &[Verdict],
    files: &[ChangedFile],
    docs: &[Document],
) -> Result<serde_json::Value> {
    let mut cs = Vec::with_capacity(commits.len());
    for (c, v) in commits
        .iter()
        .zip(verdicts.iter().map(Some).chain(std::iter::repeat(None)))
    {
        let mut j = repo.commit_json(c.id)?;
        j["signature"] = match v {
            Some(v) => serde_json::to_value(v)?,
            None => serde_json::to_value(Verdict::none())?,
        };
        cs.push(j);
    }
    Ok(serde_json::json!({
        "repository": repo.name,
        "pusher": push.pusher,
        "push_options": push.push_options,
        "ref": {
            "name": u.refname,
            "kind": RefKind::of(&u.refname),
            "action": action,
            "old": u.old,
            "new": u.new,
            "fast_forward": fast_forward,
            "environment": rules.environment,
        },
        "commits": cs,
        "files": files,
        "manifests": docs,
    }))
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

fn short_id(id: &str) -> &str {
    id.get(..10).unwrap_or(id)
}

fn check_tag(
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
                    "{} tags a {}, not a commit: a release must tag a commit",
                    u.refname,
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

impl Decision {
    /// The audit bodies of this decision, one per ref update.
    pub fn audit_bodies(
        &self,
        all_or_nothing: bool,
        server: &str,
    ) -> Vec<crate::audit::DecisionBody> {
        let time = crate::audit::now_rfc3339();
        let push_rejected = !self.accepted();
        self.updates
            .iter()
            .map(|u| {
                // Under pre-receive, a good ref in a rejected push did not pass.
                let accepted = u.accepted() && !(all_or_nothing && push_rejected);
                crate::audit::DecisionBody {
                    time: time.clone(),
                    repository: self.repository.clone(),
                    pusher: self.pusher.clone(),
                    refname: u.refname.clone(),
                    old: u.old.clone(),
                    new: u.new.clone(),
                    action: serde_json::to_value(u.action)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    environment: u.environment.clone(),
                    decision: if accepted { "accepted" } else { "rejected" }.into(),
                    violations: serde_json::to_value(&u.violations).unwrap_or_default(),
                    warnings: serde_json::to_value(&u.warnings).unwrap_or_default(),
                    commits: u.commits.clone(),
                    signers: u.signers.clone(),
                    push_options: self.push_options.clone(),
                    server: Some(server.to_owned()),
                }
            })
            .collect()
    }
}
