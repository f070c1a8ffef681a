//! Ref protection: which settings apply to a ref, and whether an update keeps
//! them. Pure: takes facts gathered by `git.rs`, returns findings, no I/O.
//!
//! Every `refs:` rule whose `match` fits applies; for each setting the
//! strictest value wins (a `false` allow beats a `true`, lists intersect).
//! A setting no rule mentions stays at git's own default: allowed.

use std::collections::BTreeSet;

use crate::config::{Config, RefRule};
use crate::finding::{Code, Finding};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    pub fn of(u: &crate::protocol::RefUpdate) -> Action {
        use crate::protocol::is_zero;
        match (is_zero(&u.old), is_zero(&u.new)) {
            (true, _) => Action::Create,
            (_, true) => Action::Delete,
            _ => Action::Update,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefKind {
    Branch,
    Tag,
    Other,
}

impl RefKind {
    pub fn of(refname: &str) -> RefKind {
        if refname.starts_with("refs/heads/") {
            RefKind::Branch
        } else if refname.starts_with("refs/tags/") {
            RefKind::Tag
        } else {
            RefKind::Other
        }
    }
}

/// A boolean setting together with the rule that made it strict, so a
/// message can say "required here".
#[derive(Debug, Clone, Default)]
pub struct Strict {
    pub on: bool,
    pub by: Option<Source>,
}

/// Where a setting came from: the rule's pattern and config line.
#[derive(Debug, Clone)]
pub struct Source {
    pub file: String,
    pub line: u64,
    pub pattern: String,
}

impl Source {
    fn of(config: &Config, rule: &RefRule) -> Source {
        Source {
            file: config
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            line: rule.line,
            pattern: rule.pattern.clone(),
        }
    }

    pub fn describe(&self, setting: &str) -> String {
        format!(
            "{}:{} (match: {}, {setting})",
            self.file, self.line, self.pattern
        )
    }
}

/// The merged settings of every rule matching one ref.
#[derive(Debug, Clone, Default)]
pub struct Effective {
    pub environment: Option<String>,
    pub deny_force_push: Strict,
    pub deny_delete: Strict,
    pub linear_history: Strict,
    pub immutable: Strict,
    pub signed_commits: Strict,
    pub signed_tags: Strict,
    /// Expanded signer names; `None` = any key in `keys`.
    pub signers: Option<(BTreeSet<String>, Source)>,
    /// Expanded pusher names; `None` = anyone.
    pub pushers: Option<(BTreeSet<String>, Source)>,
    /// The most approvals any matching rule asks for, and that rule.
    pub approvals: Option<(u32, Source)>,
    /// Expanded approver names; `None` = any key in `keys`.
    pub approvers: Option<(BTreeSet<String>, Source)>,
    /// Environments the new tree must have run in (every rule's, all of
    /// them), and the first rule that asked.
    pub promote_from: Option<(BTreeSet<String>, Source)>,
}

fn tighten(s: &mut Strict, value: Option<bool>, strict_when: bool, src: impl FnOnce() -> Source) {
    if value == Some(strict_when) && !s.on {
        s.on = true;
        s.by = Some(src());
    }
}

fn intersect(slot: &mut Option<(BTreeSet<String>, Source)>, names: BTreeSet<String>, src: Source) {
    match slot {
        None => *slot = Some((names, src)),
        Some((set, _)) => set.retain(|n| names.contains(n)),
    }
}

impl Effective {
    /// The settings of the rules that enforce today.
    pub fn resolve(config: &Config, refname: &str) -> Effective {
        Effective::resolve_with(config, refname, false)
    }

    /// What `refname`'s history was held to, for vouching: only the rules
    /// that never evaluated. A rule with `enforce: evaluate` (whatever its
    /// `enforce_from`) let commits in unjudged while it evaluated, so the
    /// ref's history does not vouch for what the rule demands, even after
    /// it enforces.
    pub fn resolve_vouching(config: &Config, refname: &str) -> Effective {
        Effective::resolve_from(config, refname, || {
            Box::new(
                config
                    .rules_for_all(refname)
                    .filter(|r| !r.enforce.evaluate),
            )
        })
    }

    /// `with_evaluating`: also the rules in evaluate mode, for what the
    /// gate would decide once they enforce. The environment is always
    /// every rule's: evaluate mode changes verdicts, not where a ref
    /// deploys.
    pub fn resolve_with(config: &Config, refname: &str, with_evaluating: bool) -> Effective {
        Effective::resolve_from(
            config,
            refname,
            || -> Box<dyn Iterator<Item = &RefRule> + '_> {
                if with_evaluating {
                    Box::new(config.rules_for_all(refname))
                } else {
                    Box::new(config.rules_for(refname))
                }
            },
        )
    }

    fn resolve_from<'c>(
        config: &'c Config,
        refname: &str,
        rules: impl Fn() -> Box<dyn Iterator<Item = &'c RefRule> + 'c>,
    ) -> Effective {
        let mut e = Effective {
            environment: config
                .rules_for_all(refname)
                .find_map(|r| r.environment.clone()),
            ..Effective::default()
        };
        for rule in rules() {
            let src = || Source::of(config, rule);
            tighten(&mut e.deny_force_push, rule.allow_force_push, false, src);
            tighten(&mut e.deny_delete, rule.allow_delete, false, src);
            tighten(
                &mut e.linear_history,
                rule.require_linear_history,
                true,
                src,
            );
            tighten(&mut e.immutable, rule.immutable, true, src);
            tighten(
                &mut e.signed_commits,
                rule.require_signed_commits,
                true,
                src,
            );
            tighten(&mut e.signed_tags, rule.require_signed_tags, true, src);
            if let Some(s) = &rule.signers {
                intersect(&mut e.signers, config.expand(s), src());
            }
            if let Some(p) = &rule.pushers {
                intersect(&mut e.pushers, config.expand(p), src());
            }
            if let Some(n) = rule.require_approvals.filter(|n| *n > 0) {
                if e.approvals.as_ref().is_none_or(|(m, _)| n > *m) {
                    e.approvals = Some((n, src()));
                }
            }
            if let Some(a) = &rule.approvers {
                intersect(&mut e.approvers, config.expand(a), src());
            }
            if let Some(p) = &rule.promote_from {
                match &mut e.promote_from {
                    Some((all, _)) => all.extend(p.iter().cloned()),
                    None => e.promote_from = Some((p.iter().cloned().collect(), src())),
                }
            }
        }
        // A reviewed ref is not rewound or deleted and recreated around its
        // reviews, unless a rule says so in as many words.
        if let Some((_, src)) = &e.approvals {
            let explicit = |f: fn(&RefRule) -> Option<bool>| rules().any(|r| f(r) == Some(true));
            if !e.deny_force_push.on && !explicit(|r| r.allow_force_push) {
                e.deny_force_push = Strict {
                    on: true,
                    by: Some(src.clone()),
                };
            }
            if !e.deny_delete.on && !explicit(|r| r.allow_delete) {
                e.deny_delete = Strict {
                    on: true,
                    by: Some(src.clone()),
                };
            }
        }
        e
    }

    /// Whether commits already on a ref with these settings have passed every
    /// content check that `other` would demand. A new ref may reuse such
    /// history unchecked; anything else it brings is checked. This is what
    /// stops laundering commits through an unprotected branch.
    pub fn covers(&self, other: &Effective) -> bool {
        if other.linear_history.on && !self.linear_history.on {
            return false;
        }
        // History on a ref that needed fewer approvals, or others' approvals,
        // was not reviewed as this ref demands.
        if let Some((n, _)) = &other.approvals {
            match &self.approvals {
                Some((m, _)) if m >= n => {}
                _ => return false,
            }
            if let Some((allowed, _)) = &other.approvers {
                match &self.approvers {
                    Some((mine, _)) if mine.is_subset(allowed) => {}
                    _ => return false,
                }
            }
        }
        if other.signed_commits.on {
            if !self.signed_commits.on {
                return false;
            }
            if let Some((allowed, _)) = &other.signers {
                match &self.signers {
                    Some((mine, _)) if mine.is_subset(allowed) => {}
                    _ => return false,
                }
            }
        }
        true
    }
}

/// What `git.rs` learned about one ref update; everything protection needs.
#[derive(Debug, Clone)]
pub struct UpdateFacts {
    pub refname: String,
    pub kind: RefKind,
    pub action: Action,
    pub old: String,
    pub new: String,
    /// For updates: whether `new` contains `old`. `None` for create/delete.
    pub fast_forward: Option<bool>,
    /// Merge commits among the commits the update brings: (id, subject).
    pub merges: Vec<(String, String)>,
}

pub fn short(id: &str) -> &str {
    id.get(..10).unwrap_or(id)
}

/// Checks one update against the merged rules of its ref.
pub fn check(facts: &UpdateFacts, rules: &Effective, pusher: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    let r = &facts.refname;

    if let Some((allowed, src)) = &rules.pushers {
        match pusher {
            None => out.push(
                Finding::new(
                    Code::PusherUnknown,
                    format!("{r} only accepts pushes from named pushers, and this push carries no pusher identity"),
                    "the server must set one of the variables in `pusher_env` (e.g. PUSHGATE_PUSHER or your forge's user variable); ask an operator",
                )
                .required_by(src.describe("pushers")),
            ),
            Some(p) if !allowed.contains(p) => out.push(
                Finding::new(
                    Code::PusherNotAllowed,
                    format!("{p} may not push to {r}"),
                    format!(
                        "allowed: {}; open a merge request for someone who may, or ask an operator to add you",
                        allowed.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )
                .required_by(src.describe("pushers")),
            ),
            Some(_) => {}
        }
    }

    match facts.action {
        Action::Delete => {
            if rules.immutable.on {
                out.push(
                    Finding::new(
                        Code::ImmutableTag,
                        format!("{r} is immutable and cannot be deleted"),
                        "release tags are permanent; publish a new tag instead",
                    )
                    .required_by(describe(&rules.immutable, "immutable: true")),
                );
            } else if rules.deny_delete.on {
                out.push(
                    Finding::new(
                        Code::DeleteForbidden,
                        format!("{r} may not be deleted"),
                        "ask an operator if the ref really must go",
                    )
                    .required_by(describe(&rules.deny_delete, "allow_delete: false")),
                );
            }
        }
        Action::Update => {
            if rules.immutable.on {
                out.push(
                    Finding::new(
                        Code::ImmutableTag,
                        format!(
                            "{r} is immutable: it points to {} and cannot be moved to {}",
                            short(&facts.old),
                            short(&facts.new)
                        ),
                        "release tags are permanent; publish a new tag instead",
                    )
                    .required_by(describe(&rules.immutable, "immutable: true")),
                );
            } else if facts.fast_forward == Some(false) && rules.deny_force_push.on {
                out.push(
                    Finding::new(
                        Code::ForcePush,
                        format!(
                            "{}..{} is not a fast-forward of {r}: it would drop commits already there",
                            short(&facts.old),
                            short(&facts.new)
                        ),
                        format!("fetch, rebase your work onto the current {r}, and push without --force"),
                    )
                    .commit(&facts.new)
                    .required_by(describe(&rules.deny_force_push, "allow_force_push: false")),
                );
            }
        }
        Action::Create => {}
    }

    if rules.linear_history.on {
        for (id, subject) in &facts.merges {
            out.push(
                Finding::new(
                    Code::MergeCommit,
                    format!(
                        "merge commit {} \"{}\" on {r}, which requires linear history",
                        short(id),
                        subject
                    ),
                    "rebase instead of merging (git rebase, or git pull --rebase), then push again",
                )
                .commit(id.clone())
                .required_by(describe(
                    &rules.linear_history,
                    "require_linear_history: true",
                )),
            );
        }
    }
    out
}

pub(crate) fn describe(s: &Strict, setting: &str) -> String {
    match &s.by {
        Some(src) => src.describe(setting),
        None => setting.to_owned(),
    }
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(text: &str) -> Config {
        Config::parse(text, Path::new("/srv/pushgate.yaml")).unwrap()
    }

    fn facts(refname: &str, action: Action, ff: Option<bool>) -> UpdateFacts {
        UpdateFacts {
            refname: refname.into(),
            kind: RefKind::of(refname),
            action,
            old: "1111111111111111111111111111111111111111".into(),
            new: "2222222222222222222222222222222222222222".into(),
            fast_forward: ff,
            merges: vec![],
        }
    }

    const CFG: &str = "version: 1
keys:
  alice: a.pub
  bob: b.pub
groups:
  ops: [alice, bob]
refs:
  - match: refs/heads/**
    allow_force_push: true
  - match: refs/heads/main
    allow_force_push: false
    allow_delete: false
    require_linear_history: true
    pushers: [ops, deploy-bot]
    environment: production
  - match: refs/heads/main
    pushers: [alice, deploy-bot]
  - match: refs/tags/v*
    immutable: true
";

    #[test]
    fn strictest_setting_wins() {
        let c = config(CFG);
        let e = Effective::resolve(&c, "refs/heads/main");
        assert!(e.deny_force_push.on);
        assert_eq!(e.deny_force_push.by.as_ref().map(|s| s.line), Some(10));
        let (pushers, _) = e.pushers.clone().unwrap();
        assert_eq!(
            pushers.into_iter().collect::<Vec<_>>(),
            vec!["alice", "deploy-bot"]
        );
        assert_eq!(e.environment.as_deref(), Some("production"));
        let f = check(
            &facts("refs/heads/main", Action::Update, Some(false)),
            &e,
            Some("alice"),
        );
        assert_eq!(
            f.iter().map(|f| f.rule.as_ref()).collect::<Vec<_>>(),
            vec!["force-push"]
        );
    }

    #[test]
    fn unmatched_refs_are_free() {
        let c = config(CFG);
        let e = Effective::resolve(&c, "refs/notes/x");
        assert!(check(&facts("refs/notes/x", Action::Delete, None), &e, None).is_empty());
    }

    #[test]
    fn pushers_need_an_identity() {
        let c = config(CFG);
        let e = Effective::resolve(&c, "refs/heads/main");
        let f = check(
            &facts("refs/heads/main", Action::Update, Some(true)),
            &e,
            None,
        );
        assert_eq!(f[0].rule, "pusher-unknown");
        let f = check(
            &facts("refs/heads/main", Action::Update, Some(true)),
            &e,
            Some("bob"),
        );
        assert_eq!(f[0].rule, "pusher-not-allowed");
    }

    #[test]
    fn immutable_tags_neither_move_nor_go() {
        let c = config(CFG);
        let e = Effective::resolve(&c, "refs/tags/v1");
        assert!(check(&facts("refs/tags/v1", Action::Create, None), &e, None).is_empty());
        for action in [Action::Update, Action::Delete] {
            let f = check(&facts("refs/tags/v1", action, Some(true)), &e, None);
            assert_eq!(f[0].rule, "immutable-tag");
        }
    }

    #[test]
    fn immutable_applies_to_any_ref_it_matches() {
        let c = config("version: 1\nrefs:\n  - match: refs/heads/frozen\n    immutable: true\n");
        let e = Effective::resolve(&c, "refs/heads/frozen");
        let f = check(
            &facts("refs/heads/frozen", Action::Update, Some(true)),
            &e,
            None,
        );
        assert_eq!(f[0].rule, "immutable-tag");
    }

    #[test]
    fn merges_break_linear_history() {
        let c = config(CFG);
        let e = Effective::resolve(&c, "refs/heads/main");
        let mut u = facts("refs/heads/main", Action::Update, Some(true));
        u.merges = (0..7)
            .map(|i| (format!("{i:040}"), "Merge".to_string()))
            .collect();
        let f = check(&u, &e, Some("alice"));
        assert_eq!(f.len(), 7);
        assert!(f.iter().all(|f| f.rule == "merge-commit"));
    }

    #[test]
    fn covers_is_about_content_rules() {
        let c = config(CFG);
        let main = Effective::resolve(&c, "refs/heads/main");
        let feature = Effective::resolve(&c, "refs/heads/feature");
        assert!(main.covers(&main));
        assert!(main.covers(&feature));
        assert!(!feature.covers(&main));
    }
}
