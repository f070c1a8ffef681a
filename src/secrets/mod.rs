//! Secrets: the rules that find credentials in text (a blob, a commit or
//! tag message), what is reported about each — never the value: a redacted
//! preview and a fingerprint — and what is let through. Decision logic
//! only; the gate stage (src/gate/secrets.rs) says which text is new.
//!
//! Rules are the built-in ones (src/secrets/builtin.rs) and gitleaks rule
//! packs (src/secrets/gitleaks.rs), compiled into one `Scanner` that
//! judges a text the way gitleaks judges a fragment: a rule runs where one
//! of its keywords occurs (an `aho-corasick` pass over the text) or, with
//! no keywords, always — those behind one `RegexSet` pass, so a blob with
//! no candidate costs one scan. Expressions are the `regex` crate's: linear
//! time on any input, and RE2's syntax, which is Go's (gitleaks').

use aho_corasick::AhoCorasick;
use regex::{Regex, RegexSet};
use sha2::{Digest, Sha256};

mod builtin;
pub mod gitleaks;

/// What one match reports: never the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// `secret.<rule id>`.
    pub code: String,
    pub what: String,
    /// 1-based line of the text; 0 for a finding about the whole file (a
    /// pack's path-only rule).
    pub line: u64,
    /// The value's first characters, the rest as `*`.
    pub preview: String,
    /// `sha256:` and the first 16 hex digits of the value's digest: what
    /// `allow:` names, what the audit log keeps.
    pub fingerprint: String,
}

/// Which text a finding is tested against (gitleaks' `regexTarget`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Secret,
    Match,
    Line,
}

/// A rule pack's allowlist (gitleaks' `[[allowlists]]`, `[[rules.allowlists]]`):
/// what it lets through, compiled. With `all`, every check it has must hold
/// (gitleaks' `condition = "AND"`); otherwise any one.
#[derive(Debug, Clone)]
pub struct Allowlist {
    pub all: bool,
    /// Lower-case commit ids.
    pub commits: Vec<String>,
    pub paths: Vec<Regex>,
    pub target: Target,
    pub regexes: Vec<Regex>,
    /// Lower-case words; a secret containing one is let through.
    pub stopwords: Vec<String>,
}

/// Where a text is from: what allowlists and `path` rules look at.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// None for a commit or tag message.
    pub path: Option<&'a str>,
    /// The commit (or tag) id, hex.
    pub commit: &'a str,
}

impl Allowlist {
    fn commit(&self, c: &str) -> bool {
        !c.is_empty() && self.commits.iter().any(|x| x.eq_ignore_ascii_case(c))
    }
    fn path(&self, p: Option<&str>) -> bool {
        p.is_some_and(|p| !p.is_empty() && self.paths.iter().any(|r| r.is_match(p)))
    }
    /// gitleaks' `checkCommitOrPathAllowed`: the whole text passes before
    /// any rule runs. An all-of list with regexes or stopwords never passes
    /// a whole text.
    fn passes_text(&self, o: Origin) -> bool {
        if self.all {
            if !self.regexes.is_empty() || !self.stopwords.is_empty() {
                return false;
            }
            let mut checks = Vec::new();
            if !self.commits.is_empty() {
                checks.push(self.commit(o.commit));
            }
            if !self.paths.is_empty() {
                checks.push(self.path(o.path));
            }
            checks.iter().all(|c| *c)
        } else {
            self.commit(o.commit) || self.path(o.path)
        }
    }
    /// gitleaks' `checkFindingAllowed`.
    fn passes_finding(&self, o: Origin, secret: &str, whole: &str, line: &str) -> bool {
        let target = match self.target {
            Target::Secret => secret,
            Target::Match => whole,
            Target::Line => line,
        };
        let regex = !target.is_empty() && self.regexes.iter().any(|r| r.is_match(target));
        let lower = secret.to_lowercase();
        let stop = !secret.is_empty() && self.stopwords.iter().any(|w| lower.contains(w.as_str()));
        if self.all {
            let mut checks = Vec::new();
            if !self.commits.is_empty() {
                checks.push(self.commit(o.commit));
            }
            if !self.paths.is_empty() {
                checks.push(self.path(o.path));
            }
            if !self.regexes.is_empty() {
                checks.push(regex);
            }
            if !self.stopwords.is_empty() {
                checks.push(stop);
            }
            checks.iter().all(|c| *c)
        } else {
            regex || stop
        }
    }
}

/// One rule, compiled: a built-in one or a pack's.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub what: String,
    /// None: a path-only rule (the file's presence is the finding).
    pub regex: Option<Regex>,
    /// The group that is the secret; 0: the first group that matched
    /// something, or the whole match.
    pub secret_group: usize,
    /// A secret with this many bits of entropy per character or fewer is
    /// not one (0: no floor).
    pub entropy: f64,
    /// Lower-case; the rule runs only where one occurs (none: always).
    pub keywords: Vec<String>,
    /// The rule judges only files whose path this matches.
    pub path: Option<Regex>,
    pub allowlists: Vec<Allowlist>,
    /// The pack whose global allowlists apply (None: built in).
    pub pack: Option<usize>,
    /// The match starts with a fixed, public prefix (`AKIA`): the preview
    /// may show four characters.
    pub public_prefix: bool,
}

/// A loaded rule pack: its file (for messages) and global allowlists.
#[derive(Debug, Clone)]
pub struct Pack {
    pub file: String,
    pub allowlists: Vec<Allowlist>,
}

/// The rules, compiled once per push.
pub struct Scanner {
    rules: Vec<Rule>,
    packs: Vec<Pack>,
    /// The keyword-less rules with an expression, and their indices.
    set: RegexSet,
    set_rules: Vec<usize>,
    /// Every keyword, and for each the rules it wakes.
    keywords: Option<AhoCorasick>,
    keyword_rules: Vec<Vec<usize>>,
    /// What the scanner was made from: two are equal when it is equal.
    sources: Vec<String>,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("sources", &self.sources)
            .field("rules", &self.rules.len())
            .finish()
    }
}

impl PartialEq for Scanner {
    fn eq(&self, other: &Self) -> bool {
        self.sources == other.sources
    }
}

/// Shannon entropy per character.
fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let n = s.chars().count() as f64;
    for c in s.chars() {
        *counts.entry(c).or_insert(0u32) += 1;
    }
    counts
        .values()
        .map(|&k| {
            let p = f64::from(k) / n;
            -p * p.log2()
        })
        .sum()
}

pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// `AKIA****************`: four characters, then one `*` per character
/// (at most 20), whatever the value.
pub fn preview(value: &str) -> String {
    let shown: String = value.chars().take(4).collect();
    let hidden = value.chars().count().saturating_sub(4).min(20);
    format!("{shown}{}", "*".repeat(hidden))
}

/// A value whose every character is secret: stars only, their number
/// capped, so not even its length is exact.
pub fn hidden(value: &str) -> String {
    "*".repeat(value.chars().count().clamp(8, 20))
}

/// The line(s) a match is on, without their newlines.
fn lines_of(text: &str, start: usize, end: usize) -> &str {
    let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let to = text[end..].find('\n').map_or(text.len(), |i| end + i);
    &text[from..to.max(from)]
}

impl Scanner {
    /// The built-in rules alone. An error (never a scanner with rules
    /// missing, which would find less and say nothing) if one does not
    /// compile; a unit test keeps them compiling.
    pub fn builtin() -> Result<Scanner, String> {
        Scanner::new(true, Vec::new(), Vec::new())
    }

    /// The built-in rules (when `builtin`), then each pack's, in order.
    pub fn new(builtin: bool, packs: Vec<Pack>, pack_rules: Vec<Rule>) -> Result<Scanner, String> {
        let mut rules = if builtin {
            builtin::rules().map_err(|e| format!("a built-in secret rule: {e}"))?
        } else {
            Vec::new()
        };
        let mut sources: Vec<String> = Vec::new();
        if builtin {
            sources.push("builtin".into());
        }
        sources.extend(packs.iter().map(|p| p.file.clone()));
        sources.extend(
            pack_rules
                .iter()
                .map(|r| format!("{}:{}", r.id, r.regex.as_ref().map_or("", |x| x.as_str()))),
        );
        rules.extend(pack_rules);
        let mut set_rules = Vec::new();
        let mut words: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if r.keywords.is_empty() {
                if r.regex.is_some() {
                    set_rules.push(i);
                }
                continue;
            }
            for k in &r.keywords {
                match words.iter().position(|w| w == k) {
                    Some(at) => keyword_rules[at].push(i),
                    None => {
                        words.push(k.clone());
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        let set = RegexSet::new(
            set_rules
                .iter()
                .filter_map(|i| rules[*i].regex.as_ref().map(|r| r.as_str())),
        )
        .map_err(|e| format!("the secret rules without keywords do not compile together: {e}"))?;
        let keywords = if words.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&words)
                    .map_err(|e| format!("the rules' keywords: {e}"))?,
            )
        };
        Ok(Scanner {
            rules,
            packs,
            set,
            set_rules,
            keywords,
            keyword_rules,
            sources,
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Every secret in `text`, in order of lines; a value two rules find
    /// on the same line is reported once (by the first).
    pub fn scan(&self, text: &[u8], origin: Origin) -> Vec<Found> {
        // As Go reads a string: an invalid byte is U+FFFD (a pack's `.`
        // matches it). Valid UTF-8, the usual case, is not copied.
        let lossy = String::from_utf8_lossy(text);
        let text: &str = &lossy;
        let mut run = vec![false; self.rules.len()];
        for i in self.set.matches(text).iter() {
            if let Some(r) = self.set_rules.get(i) {
                run[*r] = true;
            }
        }
        if let Some(ac) = &self.keywords {
            let mut seen = vec![false; self.keyword_rules.len()];
            for m in ac.find_overlapping_iter(text.as_bytes()) {
                let k = m.pattern().as_usize();
                if !std::mem::replace(&mut seen[k], true) {
                    for r in &self.keyword_rules[k] {
                        run[*r] = true;
                    }
                }
            }
        }
        // Path-only rules run on presence, not on content.
        for (i, r) in self.rules.iter().enumerate() {
            if r.regex.is_none() && r.keywords.is_empty() {
                run[i] = true;
            }
        }
        let mut out = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            if run[i] {
                self.rule(rule, text, origin, &mut out);
            }
        }
        out.sort_by_key(|f| f.line);
        let mut seen = std::collections::HashSet::new();
        out.retain(|f| seen.insert((f.line, f.fingerprint.clone())));
        out
    }

    fn global(&self, rule: &Rule) -> &[Allowlist] {
        rule.pack
            .and_then(|p| self.packs.get(p))
            .map_or(&[], |p| p.allowlists.as_slice())
    }

    /// One rule on one text, as gitleaks' `detectRule` judges it.
    fn rule(&self, rule: &Rule, text: &str, origin: Origin, out: &mut Vec<Found>) {
        let global = self.global(rule);
        if global
            .iter()
            .chain(&rule.allowlists)
            .any(|a| a.passes_text(origin))
        {
            return;
        }
        if let Some(p) = &rule.path {
            let Some(path) = origin.path else { return };
            if !p.is_match(path) {
                return;
            }
            if rule.regex.is_none() {
                out.push(Found {
                    code: format!("secret.{}", rule.id),
                    what: rule.what.clone(),
                    line: 0,
                    preview: "(the file itself)".into(),
                    fingerprint: fingerprint(path),
                });
                return;
            }
        }
        let Some(re) = &rule.regex else { return };
        for m in re.find_iter(text) {
            // gitleaks trims newlines off the match.
            let whole = m.as_str().trim_matches('\n');
            let start = m.start() + (m.as_str().len() - m.as_str().trim_start_matches('\n').len());
            let end = start + whole.len();
            // The secret is a group of the expression run again on the
            // match alone (as gitleaks does).
            let mut secret = whole;
            if let Some(caps) = re.captures(whole) {
                if caps.len() >= 2 {
                    if rule.secret_group > 0 {
                        if caps.len() <= rule.secret_group {
                            continue;
                        }
                        secret = caps.get(rule.secret_group).map_or("", |g| g.as_str());
                    } else if let Some(g) = (1..caps.len())
                        .filter_map(|i| caps.get(i))
                        .find(|g| !g.as_str().is_empty())
                    {
                        secret = g.as_str();
                    }
                }
            }
            let value = secret;
            if rule.entropy != 0.0 && entropy(value) <= rule.entropy {
                continue;
            }
            let line = lines_of(text, start, end);
            if global
                .iter()
                .chain(&rule.allowlists)
                .any(|a| a.passes_finding(origin, secret, whole, line))
            {
                continue;
            }
            // A private key's header is the same for every key: its
            // fingerprint is the block's body.
            let print_of = if rule.pack.is_none() && rule.id == "private-key" {
                let stop = text[end..].find("-----END").map_or(text.len(), |e| end + e);
                text[start..stop].to_owned()
            } else {
                value.to_owned()
            };
            out.push(Found {
                code: format!("secret.{}", rule.id),
                what: rule.what.clone(),
                line: 1 + text[..start].matches('\n').count() as u64,
                preview: if rule.public_prefix {
                    preview(value)
                } else {
                    hidden(value)
                },
                fingerprint: fingerprint(&print_of),
            });
        }
    }

    /// Plain-text values of a Kubernetes `Secret` document: every
    /// `stringData` value, and every `data` value (base64) whose decoded
    /// text looks random. (SOPS-encrypted files are passed before this.)
    pub fn kubernetes_secret(doc: &serde_json::Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if doc.get("kind").and_then(|k| k.as_str()) != Some("Secret")
            || doc.get("apiVersion").and_then(|a| a.as_str()) != Some("v1")
        {
            return out;
        }
        if let Some(m) = doc.get("stringData").and_then(|d| d.as_object()) {
            for (k, v) in m {
                if let Some(s) = v.as_str().filter(|s| !s.is_empty()) {
                    out.push((format!("stringData.{k}"), s.to_owned()));
                }
            }
        }
        if let Some(m) = doc.get("data").and_then(|d| d.as_object()) {
            use base64::Engine as _;
            for (k, v) in m {
                let Some(s) = v.as_str() else { continue };
                // Go's decoder (and so the API server) skips newlines.
                let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(compact) else {
                    continue;
                };
                let text = String::from_utf8_lossy(&bytes);
                if text.chars().count() >= 8 && entropy(&text) >= 2.5 {
                    out.push((format!("data.{k}"), text.into_owned()));
                }
            }
        }
        out
    }
}

/// One `secrets.allow` entry: a fingerprint let through, by an owner,
/// for a reason, until a day (UTC, inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    pub fingerprint: String,
    pub owner: String,
    pub reason: String,
    pub expires: jiff::civil::Date,
    pub line: u64,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    fingerprint: String,
    owner: String,
    reason: String,
    expires: String,
}

/// (line, message, help) for the config's report.
pub type Problem = (Option<u64>, String, String);

/// Reads the allow file: every entry complete, its fingerprint in the form
/// findings print, its expiry a date. An expired entry is kept (it covers
/// nothing, and the finding says it expired).
pub fn load_allow(file: &std::path::Path) -> Result<Vec<Allow>, Vec<Problem>> {
    let err = |line: Option<u64>, m: String, h: &str| -> Problem { (line, m, h.to_owned()) };
    let text = std::fs::metadata(file)
        .ok()
        .filter(|m| m.len() <= 1024 * 1024)
        .and_then(|_| std::fs::read_to_string(file).ok())
        .ok_or_else(|| {
            vec![err(
                None,
                "the secrets allow file cannot be read (missing, not UTF-8, or over 1 MiB)".into(),
                "create it beside the config, or fix `secrets.allow`; an empty list is `[]`",
            )]
        })?;
    let raw: Vec<serde_saphyr::Spanned<RawAllow>> = if text.trim().is_empty() {
        Vec::new()
    } else {
        serde_saphyr::from_str(&text).map_err(|e| {
            vec![err(
                e.location().map(|l| l.line()),
                format!(
                    "not a list of allow entries: {}",
                    e.to_string().lines().next().unwrap_or("")
                ),
                "each entry is {fingerprint, owner, reason, expires}; see docs/secrets.md",
            )]
        })?
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let fp = regex::Regex::new("^sha256:[0-9a-f]{16}$").ok();
    for item in raw {
        let line = item.referenced.line();
        let r = item.value;
        if !fp.as_ref().is_some_and(|re| re.is_match(&r.fingerprint)) {
            problems.push(err(
                Some(line),
                format!(
                    "`fingerprint: {}` is not a fingerprint pushgate prints",
                    r.fingerprint
                ),
                "copy it from the rejection: `sha256:` and 16 hex digits",
            ));
            continue;
        }
        if r.owner.trim().is_empty() || r.reason.trim().is_empty() {
            problems.push(err(
                Some(line),
                "`owner` and `reason` must say who let it through and why".into(),
                "write both",
            ));
            continue;
        }
        let Some(expires) = crate::time::parse_day(&r.expires) else {
            problems.push(err(
                Some(line),
                format!("`expires: {}` is not a date", r.expires),
                "write YYYY-MM-DD (UTC)",
            ));
            continue;
        };
        out.push(Allow {
            fingerprint: r.fingerprint,
            owner: r.owner,
            reason: r.reason,
            expires,
            line,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOWHERE: Origin = Origin {
        path: Some("x.txt"),
        commit: "",
    };

    #[test]
    fn every_rule_compiles() {
        assert_eq!(
            Scanner::builtin().unwrap().rules().len(),
            builtin::RULES.len()
        );
    }

    #[test]
    fn previews_never_show_the_value_and_fingerprints_are_stable() {
        assert_eq!(preview("AKIAZ7Q3MVEXAMPLE123"), "AKIA****************");
        assert_eq!(fingerprint("x"), fingerprint("x"));
        assert_ne!(fingerprint("x"), fingerprint("y"));
    }

    #[test]
    fn placeholders_are_not_secrets() {
        let s = Scanner::builtin().unwrap();
        assert!(s
            .scan(b"PASSWORD=changeme\nTOKEN=xxxxxxxxxxxx\n", NOWHERE)
            .is_empty());
        let found = s.scan(b"DB_PASSWORD=q8Zr!t2Lw9xPe4\n", NOWHERE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "secret.env-assignment");
    }

    #[test]
    fn the_corpus_true_and_false_positives() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/secrets-corpus");
        let s = Scanner::builtin().unwrap();
        let mut checked = 0;
        for e in std::fs::read_dir(root.join("true")).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read(e.path()).unwrap();
            let found = s.scan(&text, NOWHERE);
            let rule = builtin::RULES
                .iter()
                .filter(|r| name.starts_with(r.id))
                .max_by_key(|r| r.id.len())
                .unwrap_or_else(|| panic!("{name}: no rule of that name"));
            assert!(
                found
                    .iter()
                    .any(|f| f.code == format!("secret.{}", rule.id)),
                "{name}: not found by {} ({found:?})",
                rule.id
            );
            checked += 1;
        }
        for e in std::fs::read_dir(root.join("false")).unwrap().flatten() {
            let text = std::fs::read(e.path()).unwrap();
            assert_eq!(s.scan(&text, NOWHERE), vec![], "{}", e.path().display());
            checked += 1;
        }
        assert!(checked >= 20);
    }
}
