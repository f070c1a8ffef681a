//! The decision for one push: for each ref update, gather facts from git,
//! work out which commits it brings, and run every check on them.
//!
//! `decide_one` runs the stages in order, one module each: `history` (the
//! commits an update brings), ref protection (`crate::protection`),
//! `signatures`, `manifests` (what changed, read as kubectl reads it),
//! `policies`. Each returns findings, or a bound-exceeded finding that
//! ends the update's checks.
//!
//! Shared by the hooks and `pushgate check`, so CI and the server can never
//! disagree. Checks return findings; only a failure to evaluate is an `Err`,
//! and callers reject the push on it.

use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result};
use git2::Oid;
use serde::Serialize;

use crate::config::{Config, ConfigError};
use crate::finding::{Code, Finding};
use crate::git::Repo;
use crate::manifest::Selector;
use crate::policy::{Bundle, Compiled};
use crate::protection::{self, Action, Effective, RefKind, UpdateFacts};
use crate::protocol::RefUpdate;
use crate::signature::Keyring;

pub mod approvals;
mod history;
mod manifests;
mod policies;
mod promotion;
mod push_input;
pub(crate) mod render;
mod rollout;
pub mod schemas;
mod secrets;
mod signatures;

use history::History;
use manifests::read_manifests;
use signatures::check_tag;

/// Below this many items (commits, files) work stays on the calling thread:
/// starting threads costs more than it saves, and most pushes are small.
pub(super) const SMALL: usize = 32;
/// Files parsed per step when collecting documents (see limits.max_documents).
pub(super) const PARSE_CHUNK: usize = 256;

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
    pub(super) fn compiled(&self, ns: &str) -> Result<std::sync::Arc<Compiled>> {
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
        let mut problems = Vec::new();
        for set in &self.policies {
            for ns in set
                .set
                .manifest_namespaces
                .iter()
                .chain(&set.set.push_namespace)
            {
                if let Err(e) = set.compiled(ns).map_err(|e| ConfigError {
                    file: self.config.path.clone(),
                    line: Some(set.set.line),
                    message: format!("{e:#}"),
                    help: Some("fix the policy, then check it with `pushgate policy test` and `pushgate validate`".into()),
                    also: Vec::new(),
                }) {
                    problems.push(e);
                    continue;
                }
                n += 1;
            }
        }
        ConfigError::all(problems)?;
        Ok(n)
    }

    /// Loads and validates the config, every key file and every policy it
    /// names (compiling the policies once). Any problem is a configuration
    /// error: the caller rejects the push.
    pub fn load(path: &Path) -> Result<Gate, ConfigError> {
        let config = Config::load(path)?;
        // Keys and policy sets are checked all the same, so one round of
        // fixes covers every file the config names.
        let mut problems = Vec::new();
        let keyring = Keyring::load(&config).unwrap_or_else(|e| {
            problems.push(e);
            Keyring::default()
        });
        let selector =
            Selector::new(&config.manifests, &config.limits).map_err(|e| ConfigError {
                file: config.path.clone(),
                line: None,
                message: format!("manifests: invalid glob: {e}"),
                help: None,
                also: Vec::new(),
            })?;
        let mut policies = Vec::new();
        for set in &config.policies {
            let err = |message: String| {
                ConfigError {
                file: config.path.clone(),
                line: Some(set.line),
                message,
                help: Some("fix the policy, then check it with `pushgate policy test` and `pushgate validate`".into()),
                also: Vec::new(),
            }
            };
            let mut bundle = match Bundle::load(std::slice::from_ref(&set.path), &set.data) {
                Ok(b) => b,
                Err(e) => {
                    problems.push(err(format!("policy set {}: {e:#}", set.path.display())));
                    continue;
                }
            };
            bundle.set_time_limit(std::time::Duration::from_secs(
                config.limits.policy_timeout_seconds,
            ));
            for ns in set.manifest_namespaces.iter().chain(&set.push_namespace) {
                if !bundle.has_rules(ns) {
                    problems.push(err(format!(
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
        ConfigError::all(problems)?;
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
    /// Signers of the approvals of the new tip that counted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<String>,
    /// The new tip's tree, recorded for promotion (docs/environments.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tree: Option<String>,
    /// Oldest committer time of the commits brought (RFC 3339), recorded
    /// for lead time; only for refs with an environment.
    #[serde(skip)]
    pub first_commit_time: Option<String>,
    pub violations: Vec<Finding>,
    pub warnings: Vec<Finding>,
    /// Findings of rules in evaluate mode (docs/rollout.md): recorded,
    /// shown as warnings, never reject.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub would_reject: Vec<Finding>,
    /// Findings an unexpired exception covered, each naming its entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<Finding>,
    /// A granted break-glass and what it let through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_glass: Option<crate::rollout::BreakGlassUse>,
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
    let mut glass = rollout::Glass::new(push);
    let mut updates = Vec::with_capacity(push.updates.len());
    for u in &push.updates {
        deadline.check()?;
        let outcome = decide_rolled_out(repo, gate, push, u, existing, now, &deadline, &mut glass)
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
/// [`decide_with_refs`], with a policy that fails on the pushed content
/// turned into the rejection the server gives (`policy-error`,
/// `policy-timeout`), so `check` and pre-push show the server's verdict;
/// other errors stay errors (could not decide).
pub fn decide_as_server(
    repo: &Repo,
    gate: &Gate,
    push: &Push,
    vouching: &[(String, Oid)],
) -> Result<Decision> {
    match decide_with_refs(repo, gate, push, vouching) {
        Err(e)
            if e.chain()
                .any(|c| c.downcast_ref::<PolicyFailed>().is_some()) =>
        {
            Ok(Decision::rejected(&repo.name, push, failure_finding(&e)))
        }
        other => other,
    }
}

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

pub use policies::PolicyFailed;
pub use rollout::revoke_break_glass;

/// The finding for an error that stopped the decision.
pub fn failure_finding(e: &anyhow::Error) -> Finding {
    if let Some(p) = e.chain().find_map(|c| c.downcast_ref::<PolicyFailed>()) {
        let mut f = if p.timed_out {
            // regorus' own words ("elapsed=1000051318ns") say no more.
            Finding::new(
                Code::PolicyTimeout,
                format!(
                    "policy `{}` ran past its time limit (limits.policy_timeout_seconds) and was stopped; nothing was accepted",
                    p.namespace
                ),
                "tell an operator: the policy is too slow for this file (a rule that does not end, or far too much work for the input); `pushgate validate -p POLICY FILE` reproduces it",
            )
        } else {
            Finding::new(
                Code::PolicyError,
                format!(
                    "policy `{}` failed to evaluate: {}; nothing was accepted",
                    p.namespace, p.detail
                ),
                "if the error is about this file's values, fix them; otherwise tell an operator: the policy must be fixed; `pushgate validate -p POLICY FILE` reproduces it",
            )
        };
        f.path = p.path.clone();
        f.document = p.document;
        return f;
    }
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
        "tell an operator: the repository could not be read (a missing or corrupt object, an I/O error: `git fsck` on the server), or pushgate hit a bug, to report with this message",
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
                    approvals: Vec::new(),
                    tree: None,
                    first_commit_time: None,
                    violations: vec![finding.clone()],
                    warnings: Vec::new(),
                    would_reject: Vec::new(),
                    exceptions: Vec::new(),
                    break_glass: None,
                })
                .collect(),
        }
    }
}

/// git reads a replace ref's object in place of the one it names; the gate
/// (libgit2) and the apply export never do, so the two would judge and
/// deploy different content. Refused unless a rule is written for replace
/// refs.
fn replace_ref(config: &Config, u: &RefUpdate, action: Action) -> Option<Finding> {
    let replaced = u.refname.strip_prefix("refs/replace/")?;
    if action == Action::Delete
        || config
            .rules_for(&u.refname)
            .any(|r| r.pattern.starts_with("refs/replace/"))
    {
        return None;
    }
    Some(Finding::new(
        Code::ReplaceRef,
        format!(
            "{} is a replace ref: git (git show, git archive, clones, GitOps controllers) would read its object in place of {replaced}, behind the branch rules' back",
            u.refname
        ),
        "do not push replace refs; an operator who needs them adds a ref rule whose match starts with refs/replace/",
    ))
}

/// Where lead time starts: the oldest committer time among the commits
/// the update brings, or the tip's when it brings none (a promotion of
/// commits another ref already had).
fn first_commit_time(repo: &Repo, commits: &[crate::git::CommitInfo], tip: Oid) -> Result<String> {
    let mut oldest = repo.git.find_commit(tip)?.committer().when().seconds();
    for c in commits {
        oldest = oldest.min(repo.git.find_commit(c.id)?.committer().when().seconds());
    }
    Ok(crate::time::utc_of(oldest))
}

pub(super) fn oid(hex: &str) -> Result<Oid> {
    Oid::from_str(hex).with_context(|| format!("`{hex}` is not an object id"))
}

/// One update as the rollout controls shape it (docs/rollout.md): decided
/// with the rules that enforce today; when a ref rule is in evaluate mode,
/// decided again with it to find what it would reject; then exceptions,
/// then break-glass.
#[allow(clippy::too_many_arguments)]
fn decide_rolled_out(
    repo: &Repo,
    gate: &Gate,
    push: &Push,
    u: &RefUpdate,
    existing: &[(String, Oid)],
    now: SystemTime,
    deadline: &Deadline,
    glass: &mut rollout::Glass,
) -> Result<Outcome> {
    let config = &gate.config;
    let enforced = Effective::resolve(config, &u.refname);
    let mut out = decide_one(
        repo,
        gate,
        push,
        u,
        existing,
        (now, deadline),
        &enforced,
        true,
    )?;
    let evaluating = config.evaluating_rules(&u.refname);
    if !evaluating.is_empty() {
        // Only the ref-rule checks: policy findings do not depend on them,
        // and were judged above.
        let all = Effective::resolve_with(config, &u.refname, true);
        let shadow = decide_one(repo, gate, push, u, existing, (now, deadline), &all, false)?;
        // The day shown is the nearest; a rule without one evaluates until
        // the config changes, and then no day is promised.
        let from = evaluating
            .iter()
            .map(|r| r.enforce.from)
            .collect::<Option<Vec<_>>>()
            .and_then(|d| d.into_iter().min())
            .map(|d| d.to_string());
        // The same finding, whichever rule's line `required_by` names.
        let same = |a: &Finding, b: &Finding| {
            (&a.rule, &a.commit, &a.path, a.line, a.document, &a.message)
                == (&b.rule, &b.commit, &b.path, b.line, b.document, &b.message)
        };
        for mut f in shadow.violations {
            let known = |list: &[Finding]| list.iter().any(|g| same(g, &f));
            if !known(&out.violations) && !known(&out.would_reject) {
                f.enforce_from.clone_from(&from);
                out.would_reject.push(f);
            }
        }
    }
    rollout::finish(gate, repo, u, existing, &mut out, glass)?;
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn decide_one(
    repo: &Repo,
    gate: &Gate,
    push: &Push,
    u: &RefUpdate,
    existing: &[(String, Oid)],
    (now, deadline): (SystemTime, &Deadline),
    rules: &Effective,
    with_policies: bool,
) -> Result<Outcome> {
    let config = &gate.config;
    let limits = &config.limits;
    let action = Action::of(u);
    let today = config.today;
    let mut would_reject = Vec::new();
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
        approvals: Vec::new(),
        tree: None,
        first_commit_time: None,
        violations: vec![violation],
        warnings: Vec::new(),
        would_reject: Vec::new(),
        exceptions: Vec::new(),
        break_glass: None,
    };

    // An approval is judged as one, and is nothing else: a tag on a
    // commit, never content for a protected ref.
    if u.refname.starts_with(approvals::PREFIX) {
        let mut violations = protection::check(
            &UpdateFacts {
                refname: u.refname.clone(),
                kind: RefKind::of(&u.refname),
                action,
                old: u.old.clone(),
                new: u.new.clone(),
                fast_forward: None,
                merges: Vec::new(),
            },
            rules,
            push.pusher.as_deref(),
        );
        violations.extend(approvals::judge_ref(
            repo,
            &gate.keyring,
            config,
            u,
            action,
            now,
        )?);
        return Ok(Outcome {
            refname: u.refname.clone(),
            old: u.old.clone(),
            new: u.new.clone(),
            action,
            kind: RefKind::of(&u.refname),
            environment: rules.environment.clone(),
            fast_forward: None,
            commits: Vec::new(),
            signers: Vec::new(),
            approvals: Vec::new(),
            tree: None,
            first_commit_time: None,
            violations,
            warnings: Vec::new(),
            would_reject: Vec::new(),
            exceptions: Vec::new(),
            break_glass: None,
        });
    }

    let (commits, fast_forward, old_commit, new_commit, vouching) =
        match history::walk(repo, gate, u, action, rules, existing, deadline)? {
            History::TooBig(finding) => return Ok(too_big(finding)),
            History::Brought {
                commits,
                fast_forward,
                old_commit,
                new_commit,
                vouching,
            } => (commits, fast_forward, old_commit, new_commit, vouching),
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
    let mut violations = protection::check(&facts, rules, push.pusher.as_deref());
    violations.extend(replace_ref(config, u, action));
    let tree = match new_commit {
        Some(c) => Some(repo.tree_of(c)?.to_string()),
        None => None,
    };
    let first_commit_time = match (&rules.environment, new_commit) {
        (Some(_), Some(tip)) => Some(first_commit_time(repo, &commits, tip)?),
        _ => None,
    };
    if let (Some((from, rule)), Some(tree)) = (&rules.promote_from, &tree) {
        if action != Action::Delete {
            violations.extend(promotion::judge(
                config,
                (from, rule),
                &u.refname,
                &u.new,
                tree,
            )?);
        }
    }
    // A tree, or a tag of one, has no commit to sign or approve: on a ref
    // that asks for either it would pass every such check by having none.
    if new_commit.is_none()
        && action != Action::Delete
        && (rules.approvals.is_some() || rules.signed_commits.on || rules.promote_from.is_some())
    {
        let code = if rules.approvals.is_some() {
            Code::ApprovalsMissing
        } else if rules.signed_commits.on {
            Code::Unsigned
        } else {
            // A tree has no deployment to promote from: what would run is
            // unreviewed by any environment.
            Code::NotPromoted
        };
        violations.push(
            Finding::new(
                code,
                format!(
                    "{} would point at {}, which is not a commit: nothing there can be signed, approved or promoted",
                    u.refname,
                    protection::short(&u.new)
                ),
                "push a commit to this ref (git archive and checkouts serve a tree too, unreviewed)",
            )
            .commit(u.new.clone()),
        );
    }
    let allowed = rules.signers.as_ref().map(|(names, _)| names);
    let policy_sets: Vec<&LoadedSet> = gate
        .policies
        .iter()
        .filter(|p| with_policies && p.applies_to(&u.refname))
        .collect();
    let push_input_needed =
        action != Action::Delete && policy_sets.iter().any(|p| p.set.push_namespace.is_some());
    let path_signers = config.paths.iter().any(|p| p.signers.is_some());
    let approvals_possible =
        action != Action::Delete && (rules.approvals.is_some() || !config.paths.is_empty());
    // Verdicts are kept only when a push-level policy or a path rule's
    // `signers` will read them.
    let signed = signatures::judge_commits(
        repo,
        &gate.keyring,
        &commits,
        rules,
        &u.refname,
        (push_input_needed || path_signers, approvals_possible),
        (now, deadline),
    )?;
    violations.extend(signed.violations);
    let (signers, verdicts, authors) = (signed.signers, signed.verdicts, signed.authors);
    let mut counted_approvals = Vec::new();
    let mut found_approvals: Vec<approvals::Approval> = Vec::new();
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
    // Credentials, in whatever the update brings, on every ref.
    if let (Some(secrets), true, false) = (&config.secrets, with_policies, action == Action::Delete)
    {
        secrets::scan(
            repo,
            secrets,
            &gate.selector,
            (&u.new, &commits),
            (limits.max_scanned_bytes, today),
            &mut violations,
            deadline,
        )?;
    }
    if let Some(new_commit) = new_commit {
        let (new_tree, files) = match manifests::changes(
            repo, &u.refname, new_commit, old_commit, &vouching, limits, deadline,
        )? {
            manifests::Changes::Files { new_tree, files } => (new_tree, files),
            manifests::Changes::TooMany(finding) => {
                let mut out = too_big(*finding);
                out.commits = commits.iter().map(|c| c.id.to_string()).collect();
                return Ok(out);
            }
        };
        let needs = if approvals_possible {
            let changed: Vec<&str> = files.iter().flat_map(|f| f.paths()).collect();
            approvals::needs(config, rules, &u.refname, &changed)
        } else {
            Vec::new()
        };
        if !needs.is_empty() || push_input_needed {
            found_approvals =
                approvals::for_commit(repo, &gate.keyring, config, new_commit, &push.updates, now)?;
        }
        if !needs.is_empty() {
            let tip = new_commit.to_string();
            let unmet = approvals::unmet(&needs, &found_approvals, &u.refname, &authors);
            violations.extend(
                unmet
                    .iter()
                    .map(|m| approvals::finding(m, &u.refname, &tip)),
            );
            counted_approvals = found_approvals
                .iter()
                .filter(|a| a.refname == u.refname && !authors.contains(&a.signer))
                .filter(|a| {
                    needs
                        .iter()
                        .any(|n| n.from.as_ref().is_none_or(|f| f.contains(&a.signer)))
                })
                .map(|a| a.signer.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
        }
        if approvals_possible && path_signers {
            violations.extend(approvals::path_signers(
                repo, config, rules, &u.refname, &commits, &verdicts, deadline,
            )?);
        }
        // Manifests are read only where something judges them: a policy
        // set gating this ref (a Helm template on an ungated branch is
        // nobody's business).
        let schemas = config.manifests.schemas.as_ref().filter(|_| with_policies);
        let judged = schemas.is_some()
            || policy_sets
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
        // A rename touches both its paths.
        let changed_paths: Vec<String> = files
            .iter()
            .flat_map(|f| f.paths())
            .map(str::to_owned)
            .collect();
        // What ships from a render root is its output, not its files.
        let docs = if judged && !config.manifests.render.is_empty() && !files.is_empty() {
            render::render(
                repo,
                config,
                &gate.selector,
                new_tree,
                (docs, &changed_paths),
                (&mut violations, &mut warnings),
                deadline,
            )?
        } else {
            docs
        };
        if let Some(schemas) = schemas {
            schemas::check(
                repo,
                schemas,
                &gate.selector.limits,
                new_tree,
                (&docs, &changed_paths),
                (&mut violations, &mut warnings),
                deadline,
            )?;
        }
        // Built once per update, for every policy set that asks for it.
        let mut push_value: Option<regorus::Value> = None;
        for set in &policy_sets {
            // A set in evaluate mode records what it would reject, a
            // failure to evaluate included: it never rejects.
            let evaluating = set.set.enforce.evaluating(today);
            let mut sort = |found: Result<(Vec<Finding>, Vec<Finding>)>| -> Result<()> {
                match found {
                    Ok((v, w)) if evaluating => {
                        would_reject
                            .extend(v.into_iter().map(|f| rollout::until(f, &set.set.enforce)));
                        warnings.extend(w);
                    }
                    Ok((v, w)) => {
                        violations.extend(v);
                        warnings.extend(w);
                    }
                    Err(e)
                        if evaluating
                            && e.chain()
                                .any(|c| c.downcast_ref::<PolicyFailed>().is_some()) =>
                    {
                        would_reject.push(rollout::until(failure_finding(&e), &set.set.enforce));
                    }
                    Err(e) => return Err(e),
                }
                Ok(())
            };
            for ns in &set.set.manifest_namespaces {
                sort(policies::on_manifests(set, ns, &docs, deadline))?;
            }
            if let (Some(ns), true) = (&set.set.push_namespace, push_input_needed) {
                deadline.check()?;
                let input = match push_value.take() {
                    Some(v) => v,
                    None => {
                        let input = push_input::build(
                            repo,
                            push,
                            u,
                            action,
                            fast_forward,
                            rules,
                            &commits,
                            &verdicts,
                            &files,
                            &docs,
                            (config, &found_approvals),
                        )?;
                        regorus::Value::from(serde_json::to_value(&input)?)
                    }
                };
                let found = policies::on_push(set, ns, input.clone());
                push_value = Some(input);
                sort(found)?;
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
        approvals: counted_approvals,
        tree,
        first_commit_time,
        violations,
        warnings,
        would_reject,
        exceptions: Vec::new(),
        break_glass: None,
    })
}
