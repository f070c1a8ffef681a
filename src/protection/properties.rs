//! Property tests of the rule merging and the laundering guard: for random
//! rule sets and updates, the strictest setting wins whatever the order of
//! rules, adding a rule never loosens, `check` reports exactly what the
//! merged rules forbid, and history a new ref reuses unchecked (`covers`)
//! has passed every content check the new ref demands.

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;

use super::*;

const NAMES: [&str; 3] = ["alice", "bob", "carol"];
const REF: &str = "refs/heads/main";

/// One `refs:` entry, as random as the config language allows.
#[derive(Debug, Clone)]
struct Rule {
    pattern: &'static str,
    force: Option<bool>,
    delete: Option<bool>,
    linear: Option<bool>,
    immutable: Option<bool>,
    signed: Option<bool>,
    signers: Option<BTreeSet<&'static str>>,
    pushers: Option<BTreeSet<&'static str>>,
}

fn names() -> impl Strategy<Value = BTreeSet<&'static str>> {
    proptest::collection::btree_set(proptest::sample::select(&NAMES[..]), 0..=3)
}

fn rule(patterns: &'static [&'static str]) -> impl Strategy<Value = Rule> {
    let b = || proptest::option::of(any::<bool>());
    (
        proptest::sample::select(patterns),
        (b(), b(), b(), b(), b()),
        proptest::option::of(names()),
        proptest::option::of(names()),
    )
        .prop_map(
            |(pattern, (force, delete, linear, immutable, signed), signers, pushers)| Rule {
                pattern,
                force,
                delete,
                linear,
                immutable,
                signed,
                signers,
                pushers,
            },
        )
}

/// Patterns that all match `refs/heads/main`.
const MAIN: &[&str] = &[
    "refs/heads/main",
    "refs/heads/*",
    "refs/heads/**",
    "refs/**",
];

fn config(rules: &[Rule]) -> Config {
    let mut y = String::from("version: 1\nkeys:\n  alice: a.pub\n  bob: b.pub\n  carol: c.pub\n");
    y.push_str(if rules.is_empty() {
        "refs: []\n"
    } else {
        "refs:\n"
    });
    let list =
        |s: &BTreeSet<&str>| format!("[{}]", s.iter().copied().collect::<Vec<_>>().join(", "));
    for r in rules {
        y.push_str(&format!("  - match: \"{}\"\n", r.pattern));
        for (key, v) in [
            ("allow_force_push", r.force),
            ("allow_delete", r.delete),
            ("require_linear_history", r.linear),
            ("immutable", r.immutable),
            ("require_signed_commits", r.signed),
        ] {
            if let Some(v) = v {
                y.push_str(&format!("    {key}: {v}\n"));
            }
        }
        if let Some(s) = &r.signers {
            y.push_str(&format!("    signers: {}\n", list(s)));
        }
        if let Some(p) = &r.pushers {
            y.push_str(&format!("    pushers: {}\n", list(p)));
        }
    }
    Config::parse(&y, Path::new("/srv/pushgate.yaml")).unwrap_or_else(|e| panic!("{e}\n{y}"))
}

/// Force push, delete, linear, immutable, signed; signers, pushers.
type Strictness = (
    bool,
    bool,
    bool,
    bool,
    bool,
    Option<BTreeSet<String>>,
    Option<BTreeSet<String>>,
);

/// The settings that decide acceptance, without the "required here" sources.
fn strictness(e: &Effective) -> Strictness {
    (
        e.deny_force_push.on,
        e.deny_delete.on,
        e.linear_history.on,
        e.immutable.on,
        e.signed_commits.on,
        e.signers.as_ref().map(|(s, _)| s.clone()),
        e.pushers.as_ref().map(|(s, _)| s.clone()),
    )
}

fn intersection(sets: impl Iterator<Item = BTreeSet<&'static str>>) -> Option<BTreeSet<String>> {
    sets.map(|s| {
        s.into_iter()
            .map(str::to_owned)
            .collect::<BTreeSet<String>>()
    })
    .reduce(|a, b| a.intersection(&b).cloned().collect())
}

/// A commit as the content checks see it.
#[derive(Debug, Clone)]
struct Commit {
    signer: Option<&'static str>,
    merge: bool,
}

fn commit() -> impl Strategy<Value = Commit> {
    (
        proptest::option::of(proptest::sample::select(&NAMES[..])),
        any::<bool>(),
    )
        .prop_map(|(signer, merge)| Commit { signer, merge })
}

/// Whether the content checks of a ref with settings `e` let `c` through
/// (signatures as `signature::finding` judges them, merges as `check`).
fn accepts(e: &Effective, c: &Commit) -> bool {
    let signature_ok = !e.signed_commits.on
        || c.signer.is_some_and(|s| {
            e.signers
                .as_ref()
                .is_none_or(|(allowed, _)| allowed.contains(s))
        });
    let merge_ok = !(e.linear_history.on && c.merge);
    signature_ok && merge_ok
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn strictest_setting_wins_in_any_order(rules in proptest::collection::vec(rule(MAIN), 1..6)) {
        let c = config(&rules);
        let e = Effective::resolve(&c, REF);
        let any = |f: fn(&Rule) -> Option<bool>, strict: bool| rules.iter().any(|r| f(r) == Some(strict));
        prop_assert_eq!(e.deny_force_push.on, any(|r| r.force, false));
        prop_assert_eq!(e.deny_delete.on, any(|r| r.delete, false));
        prop_assert_eq!(e.linear_history.on, any(|r| r.linear, true));
        prop_assert_eq!(e.immutable.on, any(|r| r.immutable, true));
        prop_assert_eq!(e.signed_commits.on, any(|r| r.signed, true));
        prop_assert_eq!(e.signers.as_ref().map(|(s, _)| s.clone()), intersection(rules.iter().filter_map(|r| r.signers.clone())));
        prop_assert_eq!(e.pushers.as_ref().map(|(s, _)| s.clone()), intersection(rules.iter().filter_map(|r| r.pushers.clone())));

        let mut reversed = rules.clone();
        reversed.reverse();
        prop_assert_eq!(strictness(&Effective::resolve(&config(&reversed), REF)), strictness(&e));
    }

    #[test]
    fn adding_a_rule_never_loosens(rules in proptest::collection::vec(rule(MAIN), 0..5), extra in rule(MAIN), c in commit()) {
        let before = Effective::resolve(&config(&rules), REF);
        let mut more = rules.clone();
        more.push(extra);
        let after = Effective::resolve(&config(&more), REF);
        let (b, a) = (strictness(&before), strictness(&after));
        prop_assert!(!b.0 || a.0);
        prop_assert!(!b.1 || a.1);
        prop_assert!(!b.2 || a.2);
        prop_assert!(!b.3 || a.3);
        prop_assert!(!b.4 || a.4);
        for (was, now) in [(b.5, a.5), (b.6, a.6)] {
            if let Some(was) = was {
                prop_assert!(now.is_some_and(|now| now.is_subset(&was)));
            }
        }
        // And so no commit the stricter set accepts was refused before.
        prop_assert!(!accepts(&after, &c) || accepts(&before, &c));
    }

    #[test]
    fn check_reports_exactly_what_the_rules_forbid(
        rules in proptest::collection::vec(rule(MAIN), 0..5),
        action in proptest::sample::select(&[Action::Create, Action::Update, Action::Delete][..]),
        ff in any::<bool>(),
        merges in 0usize..3,
        pusher in proptest::option::of(proptest::sample::select(&NAMES[..])),
    ) {
        let e = Effective::resolve(&config(&rules), REF);
        let facts = UpdateFacts {
            refname: REF.into(),
            kind: RefKind::Branch,
            action,
            old: "1".repeat(40),
            new: "2".repeat(40),
            fast_forward: (action == Action::Update).then_some(ff),
            merges: (0..merges).map(|i| (format!("{i:040}"), "Merge".into())).collect(),
        };
        let found = check(&facts, &e, pusher);
        let count = |code: Code| found.iter().filter(|f| f.rule == code).count();
        let moves = action != Action::Create;
        prop_assert_eq!(count(Code::ImmutableTag), usize::from(moves && e.immutable.on));
        prop_assert_eq!(count(Code::ForcePush), usize::from(action == Action::Update && !ff && e.deny_force_push.on && !e.immutable.on));
        prop_assert_eq!(count(Code::DeleteForbidden), usize::from(action == Action::Delete && e.deny_delete.on && !e.immutable.on));
        prop_assert_eq!(count(Code::MergeCommit), if e.linear_history.on { merges } else { 0 });
        let pusher_refused = e.pushers.as_ref().is_some_and(|(allowed, _)| pusher.is_none_or(|p| !allowed.contains(p)));
        prop_assert_eq!(count(Code::PusherUnknown) + count(Code::PusherNotAllowed), usize::from(pusher_refused));
        prop_assert_eq!(found.len(), count(Code::ImmutableTag) + count(Code::ForcePush) + count(Code::DeleteForbidden) + count(Code::MergeCommit) + usize::from(pusher_refused));
    }

    /// The laundering guard: a new ref reuses, unchecked, the history of an
    /// existing ref only when that ref's rules cover the new ref's, and then
    /// every commit the existing ref could have accepted passes the new
    /// ref's content checks too.
    #[test]
    fn covered_history_passed_the_new_refs_checks(
        old_rules in proptest::collection::vec(rule(&["refs/heads/old"]), 0..4),
        new_rules in proptest::collection::vec(rule(&["refs/heads/new"]), 0..4),
        commits in proptest::collection::vec(commit(), 1..8),
    ) {
        let mut all = old_rules.clone();
        all.extend(new_rules.iter().cloned());
        let c = config(&all);
        let old = Effective::resolve(&c, "refs/heads/old");
        let new = Effective::resolve(&c, "refs/heads/new");
        prop_assert!(old.covers(&old));
        if old.covers(&new) {
            for commit in &commits {
                prop_assert!(!accepts(&old, commit) || accepts(&new, commit), "{:?} passed refs/heads/old but not refs/heads/new", commit);
            }
        }
    }
}
