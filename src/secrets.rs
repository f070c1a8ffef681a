//! Secrets: the built-in rules that find credentials in text (a blob, a
//! commit or tag message), what is reported about each — never the value:
//! a redacted preview and a fingerprint — and which files are encrypted
//! (SOPS) and pass. Decision logic only; the gate stage
//! (src/gate/secrets.rs) says which text is new.
//!
//! Rules are regular expressions (the `regex` crate: linear time on any
//! input) behind one `RegexSet` pass, so a blob with no candidate costs one
//! scan; only rules that matched run again for positions.

use regex::bytes::{Regex, RegexSet};
use sha2::{Digest, Sha256};

/// One built-in rule: a stable id (the finding code is `secret.<id>`),
/// what it finds, and its expression (the secret is group 1, or the whole
/// match).
struct Rule {
    id: &'static str,
    what: &'static str,
    pattern: &'static str,
    /// Values below this many bits of Shannon entropy per character are
    /// placeholders (`changeme`, `xxxxxxxx`), not secrets.
    min_entropy: f64,
}

/// Rules whose matches start with a fixed, public prefix (`AKIA`, `ghp_`):
/// the preview may show it. Any other value is shown as stars only.
const PUBLIC_PREFIX: &[&str] = &[
    "aws-access-key-id",
    "github-token",
    "gitlab-token",
    "slack-token",
    "stripe-key",
    "google-api-key",
    "npm-token",
    "pypi-token",
    "jwt",
    "private-key",
];

const RULES: &[Rule] = &[
    Rule {
        id: "private-key",
        what: "a private key",
        pattern: r"-----BEGIN ((?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?)-----",
        min_entropy: 0.0,
    },
    Rule {
        id: "aws-access-key-id",
        what: "an AWS access key id",
        pattern: r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b",
        min_entropy: 2.5,
    },
    Rule {
        id: "aws-secret-access-key",
        what: "an AWS secret access key",
        pattern: r#"(?i)aws_?secret_?access_?key["']?\s*[=:]\s*["']?([A-Za-z0-9/+=]{40})\b"#,
        min_entropy: 3.5,
    },
    Rule {
        id: "github-token",
        what: "a GitHub token",
        pattern: r"\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{82})\b",
        min_entropy: 3.0,
    },
    Rule {
        id: "gitlab-token",
        what: "a GitLab token",
        pattern: r"\b(gl(?:pat|dt|rt|ptt|ft|cbt)-[A-Za-z0-9_-]{20,})\b",
        min_entropy: 3.0,
    },
    Rule {
        id: "slack-token",
        what: "a Slack token",
        pattern: r"\b(xox[baprs]-[A-Za-z0-9-]{10,})\b",
        min_entropy: 3.0,
    },
    Rule {
        id: "stripe-key",
        what: "a Stripe secret key",
        pattern: r"\b((?:sk|rk)_live_[A-Za-z0-9]{20,})\b",
        min_entropy: 3.0,
    },
    Rule {
        id: "google-api-key",
        what: "a Google API key",
        pattern: r"\b(AIza[0-9A-Za-z_-]{35})\b",
        min_entropy: 3.0,
    },
    Rule {
        id: "npm-token",
        what: "an npm token",
        pattern: r"\b(npm_[A-Za-z0-9]{36})\b",
        min_entropy: 3.0,
    },
    Rule {
        id: "pypi-token",
        what: "a PyPI token",
        pattern: r"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})\b",
        min_entropy: 3.0,
    },
    Rule {
        id: "azure-client-secret",
        what: "an Azure client secret",
        pattern: r"\b([a-zA-Z0-9_~.-]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})\b",
        min_entropy: 3.0,
    },
    Rule {
        id: "jwt",
        what: "a JSON Web Token",
        pattern: r"\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})",
        min_entropy: 3.0,
    },
    Rule {
        id: "env-assignment",
        what: "a password or token assigned in plain text",
        pattern: r#"(?m)^[ \t]*(?:export[ \t]+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY)[A-Z0-9_]*[ \t]*[=:][ \t]*["']?([^\s"'#$<]{8,})"#,
        min_entropy: 3.0,
    },
];

/// What one match reports: never the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// `secret.<rule id>`.
    pub code: String,
    pub what: &'static str,
    /// 1-based line of the text.
    pub line: u64,
    /// The value's first characters, the rest as `*`.
    pub preview: String,
    /// `sha256:` and the first 16 hex digits of the value's digest: what
    /// `allow:` names, what the audit log keeps.
    pub fingerprint: String,
}

/// The rules, compiled once.
pub struct Scanner {
    set: RegexSet,
    each: Vec<Regex>,
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

impl Scanner {
    /// The built-in rules, compiled. An error (never a scanner with rules
    /// missing, which would find less and say nothing) if one does not
    /// compile; a unit test keeps them compiling.
    pub fn builtin() -> Result<Scanner, regex::Error> {
        // ASCII word boundaries and classes: the same matches on the
        // secrets' own alphabets, and linear speed on any bytes (Unicode
        // boundaries slow the engine on non-ASCII text).
        let patterns: Vec<String> = RULES
            .iter()
            .map(|r| format!("(?-u){}", r.pattern))
            .collect();
        Ok(Scanner {
            set: RegexSet::new(&patterns)?,
            each: patterns
                .iter()
                .map(|p| Regex::new(p))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Every secret in `text`, in order.
    pub fn scan(&self, text: &[u8]) -> Vec<Found> {
        let mut out = Vec::new();
        for i in self.set.matches(text).iter() {
            let (Some(rule), Some(re)) = (RULES.get(i), self.each.get(i)) else {
                continue;
            };
            for caps in re.captures_iter(text) {
                let Some(m) = caps.get(1).or_else(|| caps.get(0)) else {
                    continue;
                };
                let value = String::from_utf8_lossy(m.as_bytes());
                let value = value.as_ref();
                if entropy(value) < rule.min_entropy {
                    continue;
                }
                // A private key's header is the same for every key: its
                // fingerprint is the block's body.
                let body;
                let print_of = if rule.id == "private-key" {
                    let end = text[m.end()..]
                        .windows(8)
                        .position(|w| w == b"-----END")
                        .map_or(text.len(), |e| m.end() + e);
                    body = String::from_utf8_lossy(&text[m.start()..end]).into_owned();
                    body.as_str()
                } else {
                    value
                };
                out.push(Found {
                    code: format!("secret.{}", rule.id),
                    what: rule.what,
                    line: 1 + text[..m.start()].iter().filter(|b| **b == b'\n').count() as u64,
                    preview: if PUBLIC_PREFIX.contains(&rule.id) {
                        preview(value)
                    } else {
                        hidden(value)
                    },
                    fingerprint: fingerprint(print_of),
                });
            }
        }
        out.sort_by_key(|f| f.line);
        out
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

    #[test]
    fn every_rule_compiles() {
        for r in RULES {
            Regex::new(&format!("(?-u){}", r.pattern)).unwrap();
        }
        assert_eq!(Scanner::builtin().unwrap().each.len(), RULES.len());
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
            .scan(b"PASSWORD=changeme\nTOKEN=xxxxxxxxxxxx\n")
            .is_empty());
        let found = s.scan(b"DB_PASSWORD=q8Zr!t2Lw9xPe4\n");
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
            let found = s.scan(&text);
            let rule = RULES
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
            assert_eq!(s.scan(&text), vec![], "{}", e.path().display());
            checked += 1;
        }
        assert!(checked >= 20);
    }
}
