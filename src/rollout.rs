//! Rolling rules out without ripping them out: evaluate mode (a rule's
//! findings are recorded and shown, never reject), exceptions (a finding
//! turned into a recorded `exception`, by an owner, until a date), and
//! break-glass (an emergency bypass of the checks an operator listed,
//! signed and counted). docs/rollout.md is the user's side.
//!
//! Decision logic only: what is evaluating on a day, which exception
//! covers a finding, whether a break-glass may be granted. The gate
//! supplies the facts (the day, the tip's signer, the uses so far).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use globset::GlobMatcher;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::finding::{Category, Code, ExceptionUse, Finding};

/// `enforce:` / `enforce_from:` of a ref rule or a policy set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enforce {
    /// `enforce: evaluate`.
    pub evaluate: bool,
    /// `enforce_from:` the first day (UTC) it enforces.
    pub from: Option<Date>,
}

impl Enforce {
    /// Whether, on `today`, the rule records instead of rejecting.
    pub fn evaluating(&self, today: Date) -> bool {
        self.evaluate && self.from.is_none_or(|from| today < from)
    }

    /// Reads the two keys as written; errors are for the config's line.
    pub fn parse(enforce: Option<&str>, from: Option<&str>) -> Result<Enforce, String> {
        let evaluate = match enforce {
            None | Some("enforce") => false,
            Some("evaluate") => true,
            Some(other) => {
                return Err(format!(
                    "`enforce: {other}` is neither `enforce` nor `evaluate`"
                ))
            }
        };
        let from = match from {
            None => None,
            Some(t) => Some(crate::time::parse_day(t).ok_or_else(|| {
                format!("`enforce_from: {t}` is not a date: write YYYY-MM-DD (UTC)")
            })?),
        };
        if from.is_some() && !evaluate {
            return Err(
                "`enforce_from` needs `enforce: evaluate` (it says until when to evaluate)".into(),
            );
        }
        Ok(Enforce { evaluate, from })
    }
}

/// Categories an exception may cover: findings about content and review,
/// never who may push, what is signed, or the gate's own bounds (those
/// are ref rules and limits, changed in the config where reviewers see
/// them).
pub fn exceptable(c: Category) -> bool {
    matches!(
        c,
        Category::Policies | Category::Approvals | Category::Promotion
    )
}

/// Whether an exception may name `rule`. Never an approval that is itself
/// invalid (it would pass as a review), nor a policy that failed to
/// evaluate: one failure discards every finding of its namespace for the
/// push, so excepting it by path would except them all.
pub fn exceptable_rule(rule: &str) -> bool {
    ![
        Code::ApprovalInvalid,
        Code::PolicyError,
        Code::PolicyTimeout,
    ]
    .iter()
    .any(|c| c.as_str() == rule)
        && exceptable(crate::finding::category_of(rule))
}

/// Codes whose findings name no file or object: an entry matching them by
/// `path`, `kind`, `name` or `namespace` would match nothing.
fn pathless(rule: &str) -> bool {
    [Code::ApprovalsMissing, Code::NotPromoted]
        .iter()
        .any(|c| c.as_str() == rule)
}

/// One entry of the exceptions file.
#[derive(Debug, Clone)]
pub struct Exception {
    pub rule: String,
    pub path: Option<(String, GlobMatcher)>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// `match.ref`: only on updates of these refs (a glob).
    pub refname: Option<(String, GlobMatcher)>,
    pub reason: String,
    pub owner: String,
    /// The last day (UTC) the exception holds.
    pub expires: Date,
    pub line: u64,
}

impl Exception {
    pub fn expired(&self, today: Date) -> bool {
        today > self.expires
    }

    /// Whether the entry covers `f`, found on an update of `refname`
    /// (None: `validate`, which judges files, not an update; an entry
    /// limited to refs then covers nothing, so CI is the stricter).
    fn covers(&self, f: &Finding, refname: Option<&str>) -> bool {
        if f.rule != self.rule {
            return false;
        }
        if let Some((_, glob)) = &self.refname {
            if !refname.is_some_and(|r| glob.is_match(r)) {
                return false;
            }
        }
        if let Some((_, glob)) = &self.path {
            match &f.path {
                Some(p) if glob.is_match(p.strip_prefix("./").unwrap_or(p)) => {}
                _ => return false,
            }
        }
        let object = f.object.as_ref();
        let field = |want: &Option<String>, got: Option<&Option<String>>| match want {
            None => true,
            Some(w) => got.and_then(Option::as_ref) == Some(w),
        };
        field(&self.kind, object.map(|o| &o.kind))
            && field(&self.name, object.map(|o| &o.name))
            && field(&self.namespace, object.map(|o| &o.namespace))
    }

    /// What the record and the pusher see of the entry that applied.
    pub fn used(&self, file: &Path) -> ExceptionUse {
        ExceptionUse {
            entry: format!("{}:{}", display_name(file), self.line),
            owner: self.owner.clone(),
            reason: self.reason.clone(),
            expires: self.expires.to_string(),
            refs: self.refname.as_ref().map(|(g, _)| g.clone()),
        }
    }

    /// The entry's `match:` as written, for listings.
    pub fn describe_match(&self) -> String {
        let mut parts = Vec::new();
        if let Some((r, _)) = &self.refname {
            parts.push(format!("ref={r}"));
        }
        if let Some((p, _)) = &self.path {
            parts.push(format!("path={p}"));
        }
        for (k, v) in [
            ("kind", &self.kind),
            ("name", &self.name),
            ("namespace", &self.namespace),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k}={v}"));
            }
        }
        if parts.is_empty() {
            "(everywhere)".into()
        } else {
            parts.join(" ")
        }
    }
}

/// The file name a pusher may read (the server's directory layout is
/// the operator's business).
fn display_name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string())
}

/// The exceptions file, read and checked with the config.
#[derive(Debug, Clone, Default)]
pub struct Exceptions {
    pub file: PathBuf,
    pub entries: Vec<Exception>,
}

/// What covers a finding on a day.
pub enum Cover<'a> {
    Active(&'a Exception),
    /// Only expired entries matched: the finding stands, and the pusher is
    /// told which entry lapsed.
    Expired(&'a Exception),
    None,
}

impl Exceptions {
    pub fn cover(&self, f: &Finding, refname: Option<&str>, today: Date) -> Cover<'_> {
        if !exceptable_rule(&f.rule) {
            return Cover::None;
        }
        let mut expired = None;
        for e in self.entries.iter().filter(|e| e.covers(f, refname)) {
            if !e.expired(today) {
                return Cover::Active(e);
            }
            expired.get_or_insert(e);
        }
        expired.map_or(Cover::None, Cover::Expired)
    }

    /// Moves the findings an unexpired entry covers from `findings` to
    /// `excepted` (each carrying the entry), and warns once per expired
    /// entry that would have covered one.
    pub fn apply(
        &self,
        findings: &mut Vec<Finding>,
        (excepted, warnings): (&mut Vec<Finding>, &mut Vec<Finding>),
        refname: Option<&str>,
        today: Date,
    ) {
        let mut warned = BTreeSet::new();
        let mut kept = Vec::with_capacity(findings.len());
        for mut f in findings.drain(..) {
            match self.cover(&f, refname, today) {
                Cover::Active(e) => {
                    f.exception = Some(Box::new(e.used(&self.file)));
                    excepted.push(f);
                }
                Cover::Expired(e) => {
                    if warned.insert(e.line) {
                        warnings.push(Finding::new(
                            Code::ExceptionExpired,
                            format!(
                                "the exception at {}:{} for `{}` (owner {}) expired on {}, so it no longer covers this finding",
                                display_name(&self.file),
                                e.line,
                                e.rule,
                                e.owner,
                                e.expires
                            ),
                            format!(
                                "fix what the rule reports, or ask {} to renew the entry (a new `expires`, at most a year ahead)",
                                e.owner
                            ),
                        ));
                    }
                    kept.push(f);
                }
                Cover::None => kept.push(f),
            }
        }
        *findings = kept;
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    rule: String,
    #[serde(default, rename = "match")]
    matches: Option<RawMatch>,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    #[serde(rename = "ref")]
    refname: Option<String>,
    path: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
}

/// Exceptions files are short lists; anything this large is a mistake.
const MAX_EXCEPTIONS_BYTES: u64 = 1024 * 1024;

/// A problem with the exceptions file: its line (None: the whole file),
/// what is wrong, and how to fix it (the config turns it into its error).
pub type Problem = (Option<u64>, String, String);

/// Reads `file`; every problem is reported at its line. `known`
/// says whether a name is in `keys:` or `groups:`; `today` bounds
/// `expires` (at most a year ahead).
pub(crate) fn load(
    file: &Path,
    known: &dyn Fn(&str) -> bool,
    today: Date,
) -> Result<Exceptions, Vec<Problem>> {
    let err = |line: Option<u64>, message: String, help: &str| -> Problem {
        (line, message, help.to_owned())
    };
    let text = std::fs::metadata(file)
        .ok()
        .filter(|m| m.len() <= MAX_EXCEPTIONS_BYTES)
        .and_then(|_| std::fs::read_to_string(file).ok())
        .ok_or_else(|| {
            vec![err(
                None,
                "the exceptions file cannot be read (missing, not UTF-8, or over 1 MiB)".into(),
                "create it beside the config, or fix `exceptions:`; an empty list is `[]`",
            )]
        })?;
    let raw: Vec<Spanned<RawException>> = if text.trim().is_empty() {
        Vec::new()
    } else {
        serde_saphyr::from_str(&text).map_err(|e| {
            vec![err(
                e.location().map(|l| l.line()),
                format!("not a list of exceptions: {}", first_line(&e.to_string())),
                "each entry is {rule, match: {path, kind, name, namespace}, reason, owner, expires}; see docs/rollout.md",
            )]
        })?
    };
    let latest = today
        .checked_add(jiff::Span::new().years(1))
        .unwrap_or(today);
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    for item in raw {
        let line = item.referenced.line();
        let r = item.value;
        let mut bad = |m: String, h: &str| problems.push(err(Some(line), m, h));
        let category = crate::finding::category_of(&r.rule);
        if r.rule.trim().is_empty() {
            bad("`rule` is empty".into(), "name the finding code the exception covers, e.g. `pushgate.kubernetes.deny_privileged`");
            continue;
        }
        if !exceptable(category) {
            bad(
                format!("`rule: {}` is a {} check, which exceptions never cover", r.rule, category.as_str()),
                "exceptions cover policy, approval and promotion findings; loosen who may push or what must be signed in the ref rules instead",
            );
            continue;
        }
        if !exceptable_rule(&r.rule) {
            bad(
                format!("`rule: {}` is never excepted: a failed evaluation discards every finding of its namespace, and an invalid approval would count as a review", r.rule),
                "fix the policy (or the approval) instead; `enforce: evaluate` stages a policy that still fails",
            );
            continue;
        }
        let Some(reason) = r.reason.filter(|s| !s.trim().is_empty()) else {
            bad(
                "the exception has no `reason`".into(),
                "say why it is safe, and where it was reviewed",
            );
            continue;
        };
        let Some(owner) = r.owner else {
            bad(
                "the exception has no `owner`".into(),
                "name who answers for it: a name from `keys:` or a group from `groups:`",
            );
            continue;
        };
        if !known(&owner) {
            bad(
                format!("`owner: {owner}` is neither in `keys:` nor in `groups:` of the config"),
                "name a key or a group the config defines",
            );
            continue;
        }
        let Some(expires) = r.expires else {
            bad(
                "the exception has no `expires`".into(),
                "every exception ends: give a date (YYYY-MM-DD), at most a year ahead",
            );
            continue;
        };
        let Some(expires) = crate::time::parse_day(&expires) else {
            bad(
                format!("`expires: {expires}` is not a date"),
                "write YYYY-MM-DD (UTC); the exception holds through that day",
            );
            continue;
        };
        if expires > latest {
            bad(
                format!("`expires: {expires}` is more than a year ahead (the latest is {latest})"),
                "exceptions are reviewed at least yearly: pick a nearer date and renew it then",
            );
            continue;
        }
        let m = r.matches.unwrap_or(RawMatch {
            refname: None,
            path: None,
            kind: None,
            name: None,
            namespace: None,
        });
        if pathless(&r.rule)
            && (m.path.is_some() || m.kind.is_some() || m.name.is_some() || m.namespace.is_some())
        {
            bad(
                format!("`{}` findings name no file or object, so `match` by path, kind, name or namespace would cover nothing", r.rule),
                "limit the entry with `match: {ref: GLOB}` instead",
            );
            continue;
        }
        let glob = |p: &str| {
            globset::GlobBuilder::new(p)
                .literal_separator(true)
                .build()
                .map(|g| g.compile_matcher())
        };
        let refname = match m.refname {
            None => None,
            Some(p) => match glob(&p) {
                Ok(g) => Some((p, g)),
                Err(e) => {
                    bad(
                        format!("`match.ref: {p}` is not a valid glob: {}", e.kind()),
                        "write the full ref name, e.g. refs/heads/main or refs/heads/release/*",
                    );
                    continue;
                }
            },
        };
        let path = match m.path {
            None => None,
            Some(p) => match globset::GlobBuilder::new(&p)
                .literal_separator(true)
                .build()
            {
                Ok(g) => Some((p, g.compile_matcher())),
                Err(e) => {
                    bad(
                        format!("`match.path: {p}` is not a valid glob: {}", e.kind()),
                        "`*` matches within one path segment, `**` across segments",
                    );
                    continue;
                }
            },
        };
        entries.push(Exception {
            rule: r.rule,
            path,
            kind: m.kind,
            name: m.name,
            namespace: m.namespace,
            refname,
            reason,
            owner,
            expires,
            line,
        });
    }
    if problems.is_empty() {
        Ok(Exceptions {
            file: file.to_path_buf(),
            entries,
        })
    } else {
        Err(problems)
    }
}

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or(s);
    match l.rfind(" at line ") {
        Some(i) => l[..i].to_owned(),
        None => l.to_owned(),
    }
}

/// `break_glass:` in the config.
#[derive(Debug, Clone)]
pub struct BreakGlass {
    /// Names or groups, as written.
    pub signers: Vec<String>,
    pub bypass: BTreeSet<Category>,
    pub max_per_day: u32,
    pub line: u64,
}

/// The push option that asks for it: `git push -o pushgate.break-glass=REASON`.
pub const OPTION: &str = "pushgate.break-glass";

/// The reason given with the push option, if the push asked; `Err` when
/// it asked more than once or gave no reason.
pub fn requested(push_options: &[String]) -> Option<Result<String, String>> {
    // A near miss (`Pushgate.Break-Glass=`, a space before `=`) is a
    // request too: refused, never read as no request.
    let near = |o: &String| {
        let o = o.trim_start().to_ascii_lowercase();
        o.starts_with("pushgate.break-glass")
            || o.starts_with("pushgate.break_glass")
            || o.starts_with("pushgate.breakglass")
    };
    if let Some(miss) = push_options.iter().find(|o| {
        near(o)
            && !o
                .strip_prefix(OPTION)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
    }) {
        return Some(Err(format!(
            "the push option `{}` is not spelled `{OPTION}=REASON`",
            miss.chars().take(80).collect::<String>()
        )));
    }
    let asked: Vec<&str> = push_options
        .iter()
        .filter_map(|o| {
            o.strip_prefix(OPTION)
                .filter(|rest| rest.is_empty() || rest.starts_with('='))
        })
        .collect();
    match asked.as_slice() {
        [] => None,
        [one] => {
            let reason = one.strip_prefix('=').unwrap_or("").trim();
            Some(if reason.is_empty() {
                Err(format!("`-o {OPTION}` gives no reason: write `-o {OPTION}=\"what is on fire, and the ticket\"`"))
            } else {
                Ok(reason.to_owned())
            })
        }
        _ => Some(Err(format!(
            "`-o {OPTION}` is given {} times; give it once",
            asked.len()
        ))),
    }
}

/// The facts the gate gathered for a break-glass request on one update.
pub struct GlassFacts<'a> {
    /// Who signed the new tip well (a name from `keys:`), if anyone.
    pub tip_signer: Option<&'a str>,
    /// The names `break_glass.signers` expands to.
    pub allowed: &'a BTreeSet<String>,
    /// Break-glass uses recorded in the last 24 hours, with this push's.
    pub used: u64,
}

/// Grants the request, or says why not.
pub fn judge(config: &BreakGlass, facts: &GlassFacts<'_>) -> Result<String, String> {
    let Some(signer) = facts.tip_signer else {
        return Err("the pushed tip commit has no good signature by a known key; break-glass needs the tip signed by one of `break_glass.signers`".into());
    };
    if !facts.allowed.contains(signer) {
        return Err(format!(
            "the tip is signed by {signer}, who is not in `break_glass.signers` ({})",
            config.signers.join(", ")
        ));
    }
    if facts.used >= u64::from(config.max_per_day) {
        return Err(format!(
            "break-glass was used {} time{} in the last 24 hours; `break_glass.max_per_day` is {}",
            facts.used,
            if facts.used == 1 { "" } else { "s" },
            config.max_per_day
        ));
    }
    Ok(signer.to_owned())
}

/// A granted break-glass, as recorded on the update it let through.
#[derive(Debug, Clone, Serialize)]
pub struct BreakGlassUse {
    pub reason: String,
    pub signer: String,
    /// The findings it let through (empty: nothing needed bypassing).
    pub bypassed: Vec<Finding>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        crate::time::parse_day(s).unwrap()
    }

    #[test]
    fn evaluate_until_the_date_then_enforce() {
        let e = Enforce::parse(Some("evaluate"), Some("2027-01-15")).unwrap();
        assert!(e.evaluating(day("2027-01-14")));
        assert!(!e.evaluating(day("2027-01-15")));
        assert!(Enforce::parse(Some("evaluate"), None)
            .unwrap()
            .evaluating(day("2099-01-01")));
        assert!(!Enforce::default().evaluating(day("2027-01-01")));
        assert!(Enforce::parse(None, Some("2027-01-15")).is_err());
        assert!(Enforce::parse(Some("audit"), None).is_err());
        assert!(Enforce::parse(Some("evaluate"), Some("15/01/2027")).is_err());
    }

    #[test]
    fn break_glass_needs_one_reasoned_option() {
        assert!(requested(&["ci.skip".into()]).is_none());
        for miss in [
            "pushgate.break-glass-x=1",
            "Pushgate.Break-Glass=x",
            "pushgate.break-glass =x",
            " pushgate.break_glass=x",
        ] {
            assert!(matches!(requested(&[miss.into()]), Some(Err(_))), "{miss}");
        }
        assert_eq!(
            requested(&["pushgate.break-glass=db down".into()]),
            Some(Ok("db down".into()))
        );
        assert!(matches!(
            requested(&["pushgate.break-glass".into()]),
            Some(Err(_))
        ));
        assert!(matches!(
            requested(&[
                "pushgate.break-glass=a".into(),
                "pushgate.break-glass=b".into()
            ]),
            Some(Err(_))
        ));
    }

    #[test]
    fn break_glass_is_granted_to_a_listed_signer_under_the_cap() {
        let config = BreakGlass {
            signers: vec!["oncall".into()],
            bypass: BTreeSet::new(),
            max_per_day: 2,
            line: 1,
        };
        let allowed: BTreeSet<String> = ["alice".to_string()].into();
        let facts = |tip_signer, used| GlassFacts {
            tip_signer,
            allowed: &allowed,
            used,
        };
        assert_eq!(judge(&config, &facts(Some("alice"), 1)), Ok("alice".into()));
        assert!(judge(&config, &facts(Some("alice"), 2))
            .unwrap_err()
            .contains("max_per_day"));
        assert!(judge(&config, &facts(Some("bob"), 0))
            .unwrap_err()
            .contains("not in"));
        assert!(judge(&config, &facts(None, 0)).is_err());
    }

    #[test]
    fn exceptions_cover_what_they_match_until_they_expire() {
        let ex = Exceptions {
            file: PathBuf::from("/srv/exceptions.yaml"),
            entries: vec![Exception {
                rule: "k8s.deny_privileged".into(),
                path: Some((
                    "k8s/agent/**".into(),
                    globset::GlobBuilder::new("k8s/agent/**")
                        .literal_separator(true)
                        .build()
                        .unwrap()
                        .compile_matcher(),
                )),
                kind: Some("DaemonSet".into()),
                name: None,
                namespace: None,
                refname: Some((
                    "refs/heads/main".into(),
                    globset::Glob::new("refs/heads/main")
                        .unwrap()
                        .compile_matcher(),
                )),
                reason: "reviewed".into(),
                owner: "security".into(),
                expires: day("2027-03-31"),
                line: 4,
            }],
        };
        let finding = |rule: &str, path: &str, kind: &str| {
            let mut f = Finding::new_owned(rule.to_owned(), "m", "h");
            f.path = Some(path.into());
            f.object = Some(Box::new(crate::finding::Object {
                kind: Some(kind.into()),
                name: Some("agent".into()),
                namespace: None,
            }));
            f
        };
        let today = day("2027-03-31");
        let main = Some("refs/heads/main");
        let agent = finding("k8s.deny_privileged", "k8s/agent/ds.yaml", "DaemonSet");
        assert!(matches!(
            ex.cover(&agent, Some("refs/heads/prod"), today),
            Cover::None
        ));
        assert!(matches!(ex.cover(&agent, None, today), Cover::None));
        assert!(matches!(
            ex.cover(
                &finding("k8s.deny_privileged", "k8s/agent/ds.yaml", "DaemonSet"),
                main,
                today
            ),
            Cover::Active(_)
        ));
        assert!(matches!(
            ex.cover(
                &finding("k8s.deny_privileged", "k8s/agent/ds.yaml", "Pod"),
                main,
                today
            ),
            Cover::None
        ));
        assert!(matches!(
            ex.cover(
                &finding("k8s.deny_privileged", "k8s/web/ds.yaml", "DaemonSet"),
                main,
                today
            ),
            Cover::None
        ));
        assert!(matches!(
            ex.cover(
                &finding("k8s.deny_latest", "k8s/agent/ds.yaml", "DaemonSet"),
                main,
                today
            ),
            Cover::None
        ));
        assert!(matches!(
            ex.cover(
                &finding("k8s.deny_privileged", "k8s/agent/ds.yaml", "DaemonSet"),
                main,
                day("2027-04-01")
            ),
            Cover::Expired(_)
        ));
        let (mut v, mut excepted, mut warnings) = (
            vec![
                finding("k8s.deny_privileged", "k8s/agent/ds.yaml", "DaemonSet"),
                finding("k8s.deny_privileged", "k8s/agent/b.yaml", "DaemonSet"),
            ],
            vec![],
            vec![],
        );
        ex.apply(
            &mut v,
            (&mut excepted, &mut warnings),
            main,
            day("2027-04-01"),
        );
        assert_eq!(
            (v.len(), excepted.len(), warnings.len()),
            (2, 0, 1),
            "one warning per lapsed entry"
        );
        assert!(warnings[0].message.contains("exceptions.yaml:4"));
        ex.apply(&mut v, (&mut excepted, &mut warnings), main, today);
        assert_eq!((v.len(), excepted.len()), (0, 2));
        assert_eq!(
            excepted[0].exception.as_ref().unwrap().entry,
            "exceptions.yaml:4"
        );
    }
}
