//! gitleaks rule packs (`secrets.rules: [builtin, ./gitleaks.toml]`), read
//! as gitleaks v8 reads them (its config/config.go, rule.go, allowlist.go),
//! so an existing pack finds here what it finds there. Keys are matched
//! without regard to case, as viper matches them.
//!
//! Where pushgate cannot give gitleaks' verdict it refuses the pack with a
//! message, never runs it differently: composite rules (`required`,
//! `skipReport`), `extend.useDefault` (gitleaks' own pack is not built in:
//! name the file) and `extend.url`, expressions Go's RE2 reads differently
//! (see `compile`). Unknown keys are refused too, where viper ignores them:
//! a misspelt `entropy` would silently make a rule noisier or a
//! misspelt `stopwords` silently stricter, and neither is what the pack's
//! author meant. One deliberate difference: a `gitleaks:allow` comment in
//! the pushed text lets nothing through — the pusher writes that text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use super::{Allowlist, Pack, Rule, Target};

/// What is wrong with a pack: its file, the line where it is known, what,
/// and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub file: PathBuf,
    pub line: Option<u64>,
    pub message: String,
    pub help: String,
}

const MAX_PACK_BYTES: u64 = 4 * 1024 * 1024;
/// The compiled size one expression may take (the `regex` crate's
/// default is 10 MiB; Go has none, and `[\pL\pN]{1000}` needs more).
pub const SIZE_LIMIT: usize = 64 * 1024 * 1024;
/// gitleaks' `maxExtendDepth`.
const MAX_EXTEND_DEPTH: usize = 2;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPack {
    #[allow(dead_code)]
    title: Option<String>,
    #[allow(dead_code)]
    description: Option<String>,
    #[allow(dead_code)]
    minversion: Option<String>,
    extend: Option<RawExtend>,
    #[serde(default)]
    rules: Vec<RawRule>,
    allowlist: Option<RawAllowlist>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawExtend {
    path: Option<String>,
    url: Option<String>,
    #[serde(default)]
    usedefault: bool,
    #[serde(default)]
    disabledrules: Vec<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    id: String,
    #[serde(default)]
    description: String,
    path: Option<String>,
    regex: Option<String>,
    secretgroup: Option<toml::Value>,
    entropy: Option<toml::Value>,
    keywords: Option<Vec<String>>,
    #[allow(dead_code)]
    tags: Option<Vec<String>>,
    allowlist: Option<RawAllowlist>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
    required: Option<toml::Value>,
    skipreport: Option<bool>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawAllowlist {
    #[allow(dead_code)]
    description: Option<String>,
    condition: Option<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    regextarget: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    targetrules: Vec<String>,
}

/// A rule as a file (and what it extends) defines it, before the merge.
struct Draft {
    id: String,
    what: String,
    regex: Option<Regex>,
    path: Option<Regex>,
    secret_group: i64,
    entropy: f64,
    keywords: Vec<String>,
    allowlists: Vec<Allowlist>,
    line: Option<u64>,
}

/// One file, translated (gitleaks' `Translate`), with what it extends
/// merged in.
struct Translated {
    /// In gitleaks' order: the file's own, then the base's new ones.
    rules: Vec<Draft>,
    allowlists: Vec<Allowlist>,
    /// `[[allowlists]]` with `targetRules`, by rule id: applied only at
    /// the top (a base's are dropped, as gitleaks drops them).
    targeted: Vec<(String, Allowlist, Option<u64>)>,
}

/// Reads the packs `files` name (shown in messages as `shown`), in order;
/// pack `i`'s rules carry `pack: Some(first + i)`.
pub fn load(files: &[(PathBuf, String)]) -> Result<(Vec<Pack>, Vec<Rule>), Vec<PackError>> {
    let mut packs = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    let mut errors = Vec::new();
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for (i, (file, shown)) in files.iter().enumerate() {
        match translate(file, 0) {
            Err(e) => errors.extend(e),
            Ok(t) => match finish(file, shown, t, i) {
                Err(e) => errors.extend(e),
                Ok((allowlists, these)) => {
                    for r in &these {
                        if let Some(other) = owner.insert(r.id.clone(), shown.clone()) {
                            errors.push(PackError {
                                file: file.clone(),
                                line: None,
                                message: format!("rule `{}` is also defined by {other}", r.id),
                                help: "findings are named by rule id (`secret.<id>`): rename one, or list it in one pack's extend.disabledRules".into(),
                            });
                        }
                    }
                    packs.push(Pack {
                        file: shown.clone(),
                        allowlists,
                    });
                    rules.extend(these);
                }
            },
        }
    }
    if errors.is_empty() {
        Ok((packs, rules))
    } else {
        Err(errors)
    }
}

fn err(file: &Path, line: Option<u64>, message: String, help: &str) -> PackError {
    PackError {
        file: file.to_owned(),
        line,
        message,
        help: help.to_owned(),
    }
}

/// viper matches keys without regard to case: so does this, by lowering
/// every key before the typed read.
fn lower_keys(v: toml::Value, file: &Path) -> Result<toml::Value, PackError> {
    Ok(match v {
        toml::Value::Table(t) => {
            let mut out = toml::Table::new();
            for (k, v) in t {
                let low = k.to_ascii_lowercase();
                if out.contains_key(&low) {
                    return Err(err(
                        file,
                        None,
                        format!(
                            "the key `{k}` is given twice (keys are read without regard to case)"
                        ),
                        "keep one",
                    ));
                }
                out.insert(low, lower_keys(v, file)?);
            }
            toml::Value::Table(out)
        }
        toml::Value::Array(a) => toml::Value::Array(
            a.into_iter()
                .map(|v| lower_keys(v, file))
                .collect::<Result<_, _>>()?,
        ),
        other => other,
    })
}

/// The line that defines rule `id`, for messages.
fn line_of(text: &str, id: &str) -> Option<u64> {
    let quoted = [format!("\"{id}\""), format!("'{id}'")];
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.to_ascii_lowercase().starts_with("id")
                && quoted.iter().any(|q| t.contains(q.as_str()))
        })
        .map(|i| i as u64 + 1)
}

/// A pack's expression, as Go's `regexp` (RE2) reads it (`go_syntax`), run
/// on the text as UTF-8 (invalid bytes read as U+FFFD, as Go reads them).
/// Go refuses nested repetition (`a**`) and counts over 1000, which the
/// `regex` crate accepts: refused here too. Octal escapes (`\123`), which
/// Go reads and the `regex` crate does not, are refused with its message.
/// tests/integration/secrets_parity.rs runs Go's own `regexp` beside this.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    let pattern = go_syntax(pattern);
    go_only(&pattern)?;
    RegexBuilder::new(&pattern)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let detail = e.to_string();
            let last = detail.lines().last().unwrap_or("").trim().to_owned();
            last.trim_start_matches("error: ").to_owned()
        })
}

/// Go's syntax written as the `regex` crate reads it. Where the two read
/// the same text differently:
/// - a `{` that does not open a repetition (`{n}`, `{n,}`, `{n,m}`) is a
///   literal in Go (`{{`, `{\d+}`, `{,3}`), an error here;
/// - in a class, `[` (but for `[:name:]`), `&&`, `--` and `~~` are literals
///   or ranges in Go, nesting and set operations here: every literal is
///   escaped, so ranges are checked here as Go checks them;
/// - `\w`, `\d`, `\s`, `\b` and their negations are ASCII in Go (`\s` has
///   no `\v`), Unicode here; `\<`, `\>` are literals in Go, word
///   boundaries here;
/// - `\Q…\E` quotes and `\123` is octal in Go, neither here.
pub fn go_syntax(pattern: &str) -> String {
    let c: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let lit = |ch: char, out: &mut String| {
        if ch.is_ascii_punctuation() && ch != '<' && ch != '>' {
            out.push('\\');
        }
        out.push(ch);
    };
    // The length of the escape at `i` (a `\`), as Go reads it.
    let escape_len = |i: usize| -> usize {
        let until_brace = |from: usize| {
            (from..c.len())
                .find(|&j| c[j] == '}')
                .map_or(c.len() - i, |j| j + 1 - i)
        };
        match c.get(i + 1) {
            Some('x') if c.get(i + 2) == Some(&'{') => until_brace(i + 3),
            Some('x') => 4.min(c.len() - i),
            Some('p' | 'P') if c.get(i + 2) == Some(&'{') => until_brace(i + 3),
            Some('p' | 'P') => 3.min(c.len() - i),
            Some('0'..='7') => {
                let mut n = 2;
                while n < 4 && c.get(i + n).is_some_and(|x| ('0'..='7').contains(x)) {
                    n += 1;
                }
                n
            }
            Some(_) => 2,
            None => 1,
        }
    };
    // Go's octal: `\0` and up to two more digits, or `\1`–`\7` followed by
    // at least one more (a lone `\1` is a backreference, refused by both).
    let octal = |i: usize, n: usize| -> Option<char> {
        let digits: String = c[i + 1..i + n].iter().collect();
        if digits.starts_with('0') || digits.len() >= 2 {
            u32::from_str_radix(&digits, 8)
                .ok()
                .and_then(char::from_u32)
        } else {
            None
        }
    };
    // One escape token, translated.
    let escape = |i: usize, class: bool, out: &mut String| -> usize {
        let n = escape_len(i);
        match c.get(i + 1) {
            Some('w') => out.push_str("[0-9A-Za-z_]"),
            Some('W') => out.push_str("[^0-9A-Za-z_]"),
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some('s') => out.push_str(r"[\t\n\x0C\r ]"),
            Some('S') => out.push_str(r"[^\t\n\x0C\r ]"),
            Some('b') if !class => out.push_str(r"(?-u:\b)"),
            Some('B') if !class => out.push_str(r"(?-u:\B)"),
            Some(ch @ ('<' | '>')) => out.push(*ch),
            // Go's negation inside the braces.
            Some(p @ ('p' | 'P')) if c.get(i + 2) == Some(&'{') && c.get(i + 3) == Some(&'^') => {
                out.push('\\');
                out.push(if *p == 'p' { 'P' } else { 'p' });
                out.push('{');
                out.extend(&c[i + 4..i + n]);
            }
            Some('0'..='7') => match octal(i, n) {
                Some(ch) => out.push_str(&format!("\\x{{{:x}}}", ch as u32)),
                None => out.extend(&c[i..i + n]),
            },
            _ => out.extend(&c[i..i + n]),
        }
        n
    };
    let repeat = |from: usize| -> Option<usize> {
        // {digits} | {digits,} | {digits,digits}: its length. Go's
        // parseInt: no leading zero (`{08}`, `{0,02}` are text).
        let number = |j: &mut usize| -> Option<bool> {
            let s = *j;
            while c.get(*j).is_some_and(|x| x.is_ascii_digit()) {
                *j += 1;
            }
            match *j - s {
                0 => Some(false),
                n if n >= 2 && c[s] == '0' => None,
                _ => Some(true),
            }
        };
        let mut j = from + 1;
        if number(&mut j) != Some(true) {
            return None;
        }
        if c.get(j) == Some(&',') {
            j += 1;
            number(&mut j)?;
        }
        (c.get(j) == Some(&'}')).then_some(j + 1 - from)
    };
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '\\' if c.get(i + 1) == Some(&'Q') => {
                // \Q…\E: literal text.
                let rest: String = c[i + 2..].iter().collect();
                let (quoted, skip) = match rest.find("\\E") {
                    Some(e) => (&rest[..e], rest[..e].chars().count() + 4),
                    None => (rest.as_str(), c.len() - i),
                };
                out.push_str(&regex::escape(quoted));
                i += skip;
            }
            '\\' => i += escape(i, false, &mut out),
            '[' => {
                out.push('[');
                i += 1;
                if c.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` first in a class is a member.
                let mut first = true;
                while i < c.len() {
                    if c[i] == ']' && !first {
                        break;
                    }
                    first = false;
                    if c[i] == '[' && c.get(i + 1) == Some(&':') {
                        if let Some(e) = (i + 2..c.len().saturating_sub(1))
                            .find(|&j| c[j] == ':' && c[j + 1] == ']')
                        {
                            out.extend(&c[i..e + 2]);
                            i = e + 2;
                            continue;
                        }
                    }
                    // One item, and its range's end if it has one. After a
                    // class escape (`\w`, `\pL`) Go starts a new item: a
                    // `-` there is a member (or a range's start) itself.
                    let class_escape = c[i] == '\\'
                        && matches!(
                            c.get(i + 1),
                            Some('d' | 'D' | 's' | 'S' | 'w' | 'W' | 'p' | 'P')
                        );
                    if c[i] == '\\' {
                        i += escape(i, true, &mut out);
                    } else {
                        lit(c[i], &mut out);
                        i += 1;
                    }
                    if !class_escape
                        && c.get(i) == Some(&'-')
                        && c.get(i + 1).is_some_and(|x| *x != ']')
                    {
                        out.push('-');
                        i += 1;
                        if c[i] == '\\' {
                            i += escape(i, true, &mut out);
                        } else {
                            lit(c[i], &mut out);
                            i += 1;
                        }
                    }
                }
                if i < c.len() {
                    out.push(']');
                    i += 1;
                }
            }
            '{' => match repeat(i) {
                Some(n) => {
                    out.extend(&c[i..i + n]);
                    i += n;
                }
                None => {
                    out.push_str(r"\{");
                    i += 1;
                }
            },
            '}' => {
                out.push_str(r"\}");
                i += 1;
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// gitleaks' `joinRegexOr`: `(?:a|b|…)`.
pub fn join_or(list: &[String]) -> String {
    format!("(?:{})", list.join("|"))
}

/// Go's refusals that the `regex` crate accepts.
fn go_only(pattern: &str) -> Result<(), String> {
    use regex_syntax::ast::{self, Ast};
    let Ok(parsed) = ast::parse::Parser::new().parse(pattern) else {
        // The compiler says what is wrong.
        return Ok(());
    };
    fn walk(a: &Ast) -> Result<(), String> {
        match a {
            Ast::Repetition(r) => {
                if let ast::RepetitionKind::Range(range) = &r.op.kind {
                    let (ast::RepetitionRange::Exactly(n)
                    | ast::RepetitionRange::AtLeast(n)
                    | ast::RepetitionRange::Bounded(_, n)) = range;
                    if *n > 1000 {
                        return Err(format!("a repetition count of {n}: Go allows at most 1000"));
                    }
                }
                if matches!(&*r.ast, Ast::Repetition(_)) {
                    return Err("a repetition of a repetition (`a**`, `a{2}{3}`): Go refuses it; group the inner one: `(?:a*)*`".into());
                }
                walk(&r.ast)
            }
            Ast::Group(g) => walk(&g.ast),
            Ast::Alternation(x) => x.asts.iter().try_for_each(walk),
            Ast::Concat(x) => x.asts.iter().try_for_each(walk),
            _ => Ok(()),
        }
    }
    walk(&parsed)
}

fn allowlist(
    file: &Path,
    line: Option<u64>,
    a: &RawAllowlist,
    what: &str,
) -> Result<Allowlist, PackError> {
    let all = match a
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("") | Some("OR") | Some("||") => false,
        Some("AND") | Some("&&") => true,
        Some(_) => {
            return Err(err(
                file,
                line,
                format!(
                    "{what}: unknown allowlist condition `{}`",
                    a.condition.as_deref().unwrap_or("")
                ),
                "write \"AND\" or \"OR\"",
            ))
        }
    };
    let target = match a.regextarget.as_deref() {
        None | Some("") | Some("secret") => Target::Secret,
        Some("match") => Target::Match,
        Some("line") => Target::Line,
        Some(other) => {
            return Err(err(
                file,
                line,
                format!("{what}: unknown allowlist regexTarget `{other}`"),
                "write \"secret\", \"match\" or \"line\"",
            ))
        }
    };
    if a.commits.is_empty() && a.paths.is_empty() && a.regexes.is_empty() && a.stopwords.is_empty()
    {
        return Err(err(
            file,
            line,
            format!("{what}: an allowlist must contain at least one check for: commits, paths, regexes, or stopwords"),
            "add one, or remove the allowlist",
        ));
    }
    // Each expression must compile alone; then, as gitleaks' joinRegexOr
    // does, they are one `(?:a|b|…)`, so a flag such as a leading `(?i)`
    // reaches the ones after it, as it does there.
    let regexes = |list: &[String], field: &str| -> Result<Vec<Regex>, PackError> {
        for p in list {
            compile(p).map_err(|e| {
                err(
                    file,
                    line,
                    format!("{what}: allowlist {field} `{p}` does not compile: {e}"),
                    "fix the expression (Go's RE2 syntax)",
                )
            })?;
        }
        if list.is_empty() {
            return Ok(Vec::new());
        }
        let joined = join_or(list);
        let re = compile(&joined).map_err(|e| {
            err(
                file,
                line,
                format!("{what}: allowlist {field}s, joined as gitleaks joins them, do not compile: {e}"),
                "fix the expressions (Go's RE2 syntax)",
            )
        })?;
        Ok(vec![re])
    };
    Ok(Allowlist {
        all,
        commits: a
            .commits
            .iter()
            .map(|c| c.trim().to_ascii_lowercase())
            .collect(),
        paths: regexes(&a.paths, "path")?,
        target,
        regexes: regexes(&a.regexes, "regex")?,
        stopwords: if a.stopwords.is_empty() {
            None
        } else {
            let words: Vec<String> = a.stopwords.iter().map(|w| w.to_lowercase()).collect();
            Some(aho_corasick::AhoCorasick::new(&words).map_err(|e| {
                err(
                    file,
                    line,
                    format!("{what}: its stopwords: {e}"),
                    "shorten the list",
                )
            })?)
        },
    })
}

fn read(file: &Path) -> Result<(String, RawPack), PackError> {
    let text = std::fs::metadata(file)
        .ok()
        .filter(|m| m.len() <= MAX_PACK_BYTES)
        .and_then(|_| std::fs::read_to_string(file).ok())
        .ok_or_else(|| {
            err(
                file,
                None,
                "the rule pack cannot be read (missing, not UTF-8, or over 4 MiB)".into(),
                "fix the path in `secrets.rules` (relative to the config)",
            )
        })?;
    let value: toml::Value = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count() as u64);
        err(
            file,
            line,
            format!("not TOML: {}", e.message()),
            "a gitleaks pack is TOML: [[rules]] tables with id and regex",
        )
    })?;
    let raw: RawPack = lower_keys(value, file)?.try_into().map_err(|e: toml::de::Error| {
        err(
            file,
            None,
            format!("not a gitleaks pack: {}", e.message()),
            "the keys gitleaks reads are listed in docs/secrets.md; an unknown key is refused rather than ignored",
        )
    })?;
    Ok((text, raw))
}

/// gitleaks' `Translate` of one file at `depth`, its `extend` merged in.
fn translate(file: &Path, depth: usize) -> Result<Translated, Vec<PackError>> {
    let (text, raw) = read(file).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut rules: Vec<Draft> = Vec::new();
    for r in &raw.rules {
        let line = line_of(&text, &r.id);
        let name = if r.id.trim().is_empty() {
            "a rule".to_owned()
        } else {
            format!("rule `{}`", r.id)
        };
        if r.required.is_some() || r.skipreport.is_some() {
            errors.push(err(file, line, format!("{name}: composite rules (`required`, `skipReport`) are not supported"), "remove the rule, or its `required` and `skipReport` keys (it then reports on its own)"));
            continue;
        }
        let mut compiled = |p: &Option<String>, field: &str| -> Option<Regex> {
            let p = p.as_deref().filter(|p| !p.is_empty())?;
            match compile(p) {
                Ok(r) => Some(r),
                Err(e) => {
                    errors.push(err(
                        file,
                        line,
                        format!("{name}: its {field} does not compile: {e}"),
                        "fix the expression (Go's RE2 syntax)",
                    ));
                    None
                }
            }
        };
        let regex = compiled(&r.regex, "regex");
        let path = compiled(&r.path, "path");
        let entropy = match &r.entropy {
            None => 0.0,
            Some(toml::Value::Float(f)) => *f,
            Some(toml::Value::Integer(i)) => *i as f64,
            Some(other) => {
                errors.push(err(
                    file,
                    line,
                    format!("{name}: `entropy = {other}` is not a number"),
                    "write a number such as 3.5",
                ));
                0.0
            }
        };
        let mut lists = Vec::new();
        if r.allowlist.is_some() && !r.allowlists.is_empty() {
            errors.push(err(file, line, format!("{name}: [rules.allowlist] is deprecated, it cannot be used alongside [[rules.allowlists]]"), "move it into [[rules.allowlists]]"));
        }
        for a in r.allowlist.iter().chain(&r.allowlists) {
            if !a.targetrules.is_empty() {
                errors.push(err(
                    file,
                    line,
                    format!("{name}: `targetRules` belongs in a global [[allowlists]]"),
                    "remove it",
                ));
            }
            match allowlist(file, line, a, &name) {
                Ok(a) => lists.push(a),
                Err(e) => errors.push(e),
            }
        }
        if rules.iter().any(|d| d.id == r.id) {
            errors.push(err(
                file,
                line,
                format!("{name} is defined twice"),
                "gitleaks keeps the last silently; keep one",
            ));
        }
        rules.push(Draft {
            id: r.id.clone(),
            what: r.description.clone(),
            regex,
            path,
            secret_group: match &r.secretgroup {
                None => 0,
                Some(toml::Value::Integer(i)) => *i,
                // viper converts a whole float.
                Some(toml::Value::Float(f)) if f.fract() == 0.0 && f.abs() < 1e6 => *f as i64,
                Some(other) => {
                    errors.push(err(
                        file,
                        line,
                        format!("{name}: `secretGroup = {other}` is not a group number"),
                        "write a whole number",
                    ));
                    0
                }
            },
            entropy,
            keywords: r
                .keywords
                .iter()
                .flatten()
                .map(|k| k.to_lowercase())
                .collect(),
            allowlists: lists,
            line,
        });
    }
    let mut allowlists = Vec::new();
    let mut targeted = Vec::new();
    if raw.allowlist.is_some() && !raw.allowlists.is_empty() {
        errors.push(err(
            file,
            None,
            "[allowlist] is deprecated, it cannot be used alongside [[allowlists]]".into(),
            "move it into [[allowlists]]",
        ));
    }
    for a in raw.allowlist.iter().chain(&raw.allowlists) {
        match allowlist(file, None, a, "[[allowlists]]") {
            Ok(list) if a.targetrules.is_empty() => allowlists.push(list),
            Ok(list) => {
                for id in &a.targetrules {
                    targeted.push((id.clone(), list.clone(), None));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let mut t = Translated {
        rules,
        allowlists,
        targeted,
    };
    if let Some(ext) = &raw.extend {
        if ext.url.as_deref().is_some_and(|u| !u.is_empty()) {
            errors.push(err(
                file,
                None,
                "`extend.url` is not supported (gitleaks does not read it either)".into(),
                "download the pack and name it in `extend.path`",
            ));
        }
        let path = ext.path.as_deref().filter(|p| !p.is_empty());
        if path.is_some() && ext.usedefault {
            errors.push(err(
                file,
                None,
                "unable to load config due to extend.path and extend.useDefault being set".into(),
                "keep one",
            ));
        } else if ext.usedefault {
            errors.push(err(file, None, "`extend.useDefault`: gitleaks' own default pack is not built into pushgate".into(), "save gitleaks' config/gitleaks.toml beside this pack and write `extend.path` to it"));
        } else if let Some(p) = path {
            if depth + 1 > MAX_EXTEND_DEPTH {
                errors.push(err(file, None, format!("`extend.path = {p}` nests extends more than {MAX_EXTEND_DEPTH} deep"), "gitleaks ignores a deeper extend silently; pushgate refuses it: merge the packs"));
            } else {
                let base_file = file.parent().unwrap_or(Path::new(".")).join(p);
                match translate(&base_file, depth + 1) {
                    Err(e) => errors.extend(e),
                    Ok(base) => extend(&mut t, base, &ext.disabledrules),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(t)
    } else {
        Err(errors)
    }
}

/// gitleaks' `extend`: the base's rules join, a rule defined in both takes
/// what the extending file sets and adds its keywords and allowlists.
fn extend(t: &mut Translated, base: Translated, disabled: &[String]) {
    for mut b in base.rules {
        if disabled.contains(&b.id) {
            continue;
        }
        match t.rules.iter_mut().find(|r| r.id == b.id) {
            None => t.rules.push(b),
            Some(cur) => {
                if !cur.what.is_empty() {
                    b.what = std::mem::take(&mut cur.what);
                }
                if cur.entropy != 0.0 {
                    b.entropy = cur.entropy;
                }
                if cur.secret_group != 0 {
                    b.secret_group = cur.secret_group;
                }
                if cur.regex.is_some() {
                    b.regex = cur.regex.take();
                }
                if cur.path.is_some() {
                    b.path = cur.path.take();
                }
                b.keywords.append(&mut cur.keywords);
                b.allowlists.append(&mut cur.allowlists);
                b.line = cur.line.or(b.line);
                *cur = b;
            }
        }
    }
    t.allowlists.extend(base.allowlists);
}

/// gitleaks' checks at the top: every rule valid, `targetRules` naming
/// rules that exist.
fn finish(
    file: &Path,
    shown: &str,
    t: Translated,
    pack: usize,
) -> Result<(Vec<Allowlist>, Vec<Rule>), Vec<PackError>> {
    let mut errors = Vec::new();
    let id_ok = Regex::new("^[A-Za-z0-9][A-Za-z0-9._-]*$").ok();
    let mut rules: Vec<Rule> = Vec::new();
    for d in t.rules {
        if d.id.trim().is_empty() {
            errors.push(err(
                file,
                d.line,
                "rule |id| is missing or empty".into(),
                "give every [[rules]] an id",
            ));
            continue;
        }
        if !id_ok.as_ref().is_some_and(|r| r.is_match(&d.id)) {
            errors.push(err(
                file,
                d.line,
                format!("rule id `{}` is not a finding code", d.id),
                "use letters, digits, `.`, `_` and `-`",
            ));
            continue;
        }
        if d.regex.is_none() && d.path.is_none() {
            errors.push(err(
                file,
                d.line,
                format!(
                    "{}: both |regex| and |path| are empty, this rule will have no effect",
                    d.id
                ),
                "give it a regex, a path, or both",
            ));
            continue;
        }
        let groups = d.regex.as_ref().map_or(0, |r| r.captures_len() - 1) as i64;
        if d.secret_group < 0 || (d.regex.is_some() && d.secret_group > groups) {
            errors.push(err(
                file,
                d.line,
                format!(
                    "{}: invalid regex secret group {}, max regex secret group {groups}",
                    d.id, d.secret_group
                ),
                "name a group the regex has",
            ));
            continue;
        }
        rules.push(Rule {
            // Which pack, for a pusher who has never heard of it.
            what: format!(
                "{}, by {shown}",
                if d.what.is_empty() { &d.id } else { &d.what }
            ),
            id: d.id,
            regex: d.regex,
            secret_group: d.secret_group as usize,
            entropy: d.entropy,
            keywords: d.keywords,
            path: d.path,
            allowlists: d.allowlists,
            pack: Some(pack),
            public_prefix: false,
            skip: None,
        });
    }
    for (id, list, line) in t.targeted {
        match rules.iter_mut().find(|r| r.id == id) {
            Some(r) => r.allowlists.push(list),
            None => errors.push(err(
                file,
                line,
                format!("[[allowlists]] target rule ID '{id}' does not exist"),
                "name a rule of the pack (or of what it extends)",
            )),
        }
    }
    if errors.is_empty() {
        Ok((t.allowlists, rules))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    //! gitleaks' semantics, case by case, as its config/ and detect/ read
    //! them (the expected results follow gitleaks' code, cited by name).
    use super::super::{Origin, Scanner};
    use super::*;

    fn pack(files: &[(&str, &str)]) -> (tempfile::TempDir, Result<Scanner, String>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let first = dir.path().join(files[0].0);
        let loaded = load(&[(first, files[0].0.to_owned())])
            .map_err(|e| {
                e.iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .and_then(|(p, r)| Scanner::new(false, p, r));
        (dir, loaded)
    }

    fn ids(s: &Scanner, text: &str, path: &str, commit: &str) -> Vec<String> {
        s.scan(
            text.as_bytes(),
            Origin {
                path: Some(path),
                commit,
            },
        )
        .into_iter()
        .map(|f| format!("{}@{}", f.code, f.line))
        .collect()
    }

    fn refused(text: &str, says: &str) {
        let (_d, r) = pack(&[("p.toml", text)]);
        let e = r.err().unwrap_or_else(|| panic!("loaded:\n{text}"));
        assert!(e.contains(says), "{e}\n(wanted {says:?})");
    }

    #[test]
    fn what_gitleaks_refuses_is_refused() {
        refused("[[rules]]\nregex = 'x'\n", "rule |id| is missing or empty");
        refused("[[rules]]\nid = 'a'\n", "both |regex| and |path| are empty");
        refused(
            "[[rules]]\nid = 'a'\nregex = '(x)'\nsecretGroup = 2\n",
            "invalid regex secret group 2, max regex secret group 1",
        );
        refused(
            "[[rules]]\nid = 'a'\nregex = 'x'\n[[rules.allowlists]]\ndescription = 'none'\n",
            "at least one check",
        );
        refused("[[rules]]\nid = 'a'\nregex = 'x'\n[[rules.allowlists]]\nregexTarget = 'file'\nregexes = ['y']\n", "unknown allowlist regexTarget");
        refused("[[rules]]\nid = 'a'\nregex = 'x'\n[[rules.allowlists]]\ncondition = 'XOR'\nregexes = ['y']\n", "unknown allowlist condition");
        refused("[[rules]]\nid = 'a'\nregex = 'x'\n[rules.allowlist]\nregexes = ['y']\n[[rules.allowlists]]\nregexes = ['z']\n", "cannot be used alongside");
        refused(
            "[allowlist]\nregexes = ['y']\n[[allowlists]]\nregexes = ['z']\n",
            "cannot be used alongside",
        );
        refused("[[rules]]\nid = 'a'\nregex = 'x'\n[[allowlists]]\ntargetRules = ['b']\nregexes = ['z']\n", "target rule ID 'b' does not exist");
        refused(
            "[extend]\nuseDefault = true\npath = 'b.toml'\n",
            "extend.path and extend.useDefault",
        );
        refused(
            "[[rules]]\nid = 'a'\nregex = 'a**'\n",
            "repetition of a repetition",
        );
        // Refused here, read (or ignored) by gitleaks: never run otherwise.
        refused(
            "[[rules]]\nid = 'a'\nregex = 'x'\nentrophy = 3.0\n",
            "unknown field `entrophy`",
        );
        refused(
            "[[rules]]\nid = 'a'\nregex = 'x'\n[[rules.required]]\nid = 'b'\n",
            "composite rules",
        );
        refused(
            "[[rules]]\nid = 'a'\nregex = 'x'\nskipReport = true\n",
            "composite rules",
        );
        refused("[extend]\nuseDefault = true\n", "not built into pushgate");
        refused(
            "[extend]\nurl = 'https://example.com/p.toml'\n",
            "extend.url",
        );
        refused(
            "[[rules]]\nid = 'a'\nregex = 'x'\n[[rules]]\nid = 'a'\nregex = 'y'\n",
            "defined twice",
        );
        refused(
            "[[rules]]\nid = 'a b'\nregex = 'x'\n",
            "is not a finding code",
        );
        refused("[[rules]]\nid = 'a'\nregex = '\\1'\n", "backreferences");
        refused("rules = 3\n", "not a gitleaks pack");
        refused("[[rules]\n", "not TOML");
    }

    #[test]
    fn keys_are_read_without_regard_to_case_as_viper_reads_them() {
        let (_d, s) = pack(&[(
            "p.toml",
            "[[rules]]\nID = 'a'\nREGEX = 'tok_([a-z]+)_([0-9]+)'\nSecretGroup = 2\n",
        )]);
        let s = s.unwrap();
        let f = s.scan(
            b"tok_abc_123",
            Origin {
                path: Some("x"),
                commit: "",
            },
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].fingerprint, crate::secrets::fingerprint("123"));
    }

    #[test]
    fn keywords_entropy_and_the_secret_group_are_gitleaks() {
        let (_d, s) = pack(&[(
            "p.toml",
            r#"
[[rules]]
id = "k"
regex = '''(?i)key\s*=\s*"([a-z0-9]{8,})"'''
keywords = ["KEY"]
entropy = 2.0
[[rules]]
id = "first-nonempty"
regex = '''(a+)?(b+)'''
"#,
        )]);
        let s = s.unwrap();
        // Keywords are matched without case (gitleaks lowers both).
        assert_eq!(ids(&s, "Key = \"q8zr2lw9xp\"", "f", ""), ["secret.k@1"]);
        // `entropy`: at or below the floor is not a secret (entropy <= r.Entropy).
        assert!(ids(&s, "key = \"aaaaaaaaaa\"", "f", "").is_empty());
        // Group 0: the first group that matched something (groups[1:]).
        let f = s.scan(
            b"bbb",
            Origin {
                path: Some("f"),
                commit: "",
            },
        );
        assert_eq!(f[0].fingerprint, crate::secrets::fingerprint("bbb"));
    }

    #[test]
    fn paths_and_path_only_rules() {
        let (_d, s) = pack(&[(
            "p.toml",
            r#"
[[rules]]
id = "keystore"
path = '''\.jks$'''
[[rules]]
id = "in-env"
path = '''\.env$'''
regex = '''SECRET=(\S+)'''
"#,
        )]);
        let s = s.unwrap();
        assert_eq!(ids(&s, "", "certs/app.jks", ""), ["secret.keystore@0"]);
        assert_eq!(
            ids(&s, "SECRET=q8Zr2Lw9xP", "prod.env", ""),
            ["secret.in-env@1"]
        );
        assert!(ids(&s, "SECRET=q8Zr2Lw9xP", "prod.txt", "").is_empty());
        // A message has no path: neither rule judges it.
        assert!(s
            .scan(
                b"SECRET=q8Zr2Lw9xP",
                Origin {
                    path: None,
                    commit: ""
                }
            )
            .is_empty());
    }

    #[test]
    fn allowlists_as_gitleaks_applies_them() {
        let (_d, s) = pack(&[(
            "p.toml",
            r#"
[[rules]]
id = "tok"
regex = '''tok_[a-z0-9]{10}'''
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''^\s*#''']
[[rules.allowlists]]
stopwords = ["example"]
[[rules.allowlists]]
condition = "AND"
paths = ['''^test/''']
regexes = ['''tok_0''']
[[allowlists]]
commits = ["ABCDEF0123"]
[[allowlists]]
targetRules = ["tok"]
regexTarget = "match"
regexes = ['''tok_zzzz''']
"#,
        )]);
        let s = s.unwrap();
        assert_eq!(ids(&s, "tok_q8zr2lw9xp", "a", ""), ["secret.tok@1"]);
        // regexTarget = "line": a comment line passes.
        assert!(ids(&s, "  # tok_q8zr2lw9xp", "a", "").is_empty());
        // Stopwords: in the secret, without case.
        assert!(ids(&s, "tok_examplexxx", "a", "").is_empty());
        // AND: the path and the regex both.
        assert!(ids(&s, "tok_0q8zr2lw9x", "test/a", "").is_empty());
        assert_eq!(ids(&s, "tok_0q8zr2lw9x", "src/a", ""), ["secret.tok@1"]);
        assert_eq!(ids(&s, "tok_1q8zr2lw9x", "test/a", ""), ["secret.tok@1"]);
        // A global commit list, without case; targetRules joins the rule's.
        assert!(ids(&s, "tok_q8zr2lw9xp", "a", "abcdef0123").is_empty());
        assert!(ids(&s, "tok_zzzz123456", "a", "").is_empty());
    }

    #[test]
    fn extend_merges_as_gitleaks_merges() {
        let (_d, s) = pack(&[
            (
                "top.toml",
                "[extend]\npath = 'base.toml'\ndisabledRules = ['off']\n[[rules]]\nid = 'shared'\nentropy = 3.5\nkeywords = ['two']\n",
            ),
            (
                "base.toml",
                "[[rules]]\nid = 'shared'\nregex = 'val_([A-Za-z0-9]{12})'\nkeywords = ['one']\n[[rules]]\nid = 'off'\nregex = 'off_[a-z]+'\n[[allowlists]]\nstopwords = ['dummy']\n",
            ),
        ]);
        let s = s.unwrap();
        let rules: Vec<_> = s.rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(rules, ["shared"]);
        let r = &s.rules()[0];
        assert_eq!(r.entropy, 3.5);
        assert_eq!(r.keywords, ["one", "two"]);
        // The base's regex, the top's entropy, the base's global allowlist.
        assert_eq!(
            ids(&s, "two val_q8Zr2Lw9xPe4", "a", ""),
            ["secret.shared@1"]
        );
        assert!(ids(&s, "two val_aaaaaaaaaaaa", "a", "").is_empty());
        assert!(ids(&s, "two val_dummyq8Zr2Lw", "a", "").is_empty());
        assert!(ids(&s, "off_abc", "a", "").is_empty());
    }

    #[test]
    fn from_the_review_keywords_text_and_allowlists_read_as_go_reads_them() {
        let (_d, s) = pack(&[(
            "p.toml",
            r#"
[[rules]]
id = "key"
regex = '''(?i)key:\s*(\w{12,})'''
keywords = ["key"]
[[rules]]
id = "ru"
regex = '''(?i)пароль\s*[:=]\s*(\S{8,})'''
keywords = ["ПАРОЛЬ"]
[[rules]]
id = "dot"
regex = '''tok_.{10}'''
[[rules]]
id = "hash"
regex = '''hash=([a-z0-9]{12})'''
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''^#''']
[[allowlists]]
regexes = ['''(?i)^true''', '''^ignored[A-Z]+$''']
"#,
        )]);
        let s = s.unwrap();
        // gitleaks lowers the text as Go does: the Kelvin sign is `k`.
        assert_eq!(
            ids(&s, "\u{212A}ey: R8aZq2Lw9xPe4", "a", ""),
            ["secret.key@1"]
        );
        assert_eq!(ids(&s, "ПАРОЛЬ: Q8zr2Lw9xP", "a", ""), ["secret.ru@1"]);
        // One U+FFFD per invalid byte, as Go reads them: ten characters.
        let f = s.scan(
            b"tok_\xE2\x84abcdefgh",
            Origin {
                path: Some("a"),
                commit: "",
            },
        );
        assert_eq!(f.len(), 1, "{f:?}");
        // gitleaks' line starts at the newline before it: `^#` passes the
        // first line only.
        assert!(ids(&s, "#hash=q8zr2lw9xpe4", "a", "").is_empty());
        assert_eq!(ids(&s, "x\n#hash=q8zr2lw9xpe4", "a", ""), ["secret.hash@2"]);
        // Joined as gitleaks joins them, the leading (?i) reaches the
        // second expression.
        assert!(ids(&s, "key: ignoredabcdefgh", "a", "").is_empty());
    }

    #[test]
    fn from_the_second_review_a_decoded_run_starting_with_a_newline_is_its_own_line() {
        use base64::Engine as _;
        let (_d, s) = pack(&[(
            "p.toml",
            "[[rules]]\nid = 'gh'\nregex = 'ghp_[A-Za-z0-9]{36}'\n[[rules.allowlists]]\nregexTarget = 'line'\nregexes = ['ALLOWME']\n",
        )]);
        let s = s.unwrap();
        let b64 = base64::engine::general_purpose::STANDARD
            .encode("\nghp_R8aZq2Lw9xPe4Tb7Yc1Vn3Md6Kf0Hs5Gj2Q0");
        // gitleaks' CurrentLine starts at the run: ALLOWME is not on it.
        assert_eq!(
            ids(&s, &format!("v: ALLOWME {b64}\n"), "a", ""),
            ["secret.gh@1"]
        );
    }

    #[test]
    fn a_text_full_of_matches_costs_one_pass() {
        // 50,000 matches on 50,000 lines, and 50,000 on one line: each
        // once quadratic (seconds to minutes), now linear.
        let (_d, s) = pack(&[("p.toml", "[[rules]]\nid = 't'\nregex = 'tok_[a-z0-9]{10}'\n[[rules.allowlists]]\nregexTarget = 'line'\nregexes = ['^#']\n")]);
        let s = s.unwrap();
        let lines = "tok_q8zr2lw9xp\n".repeat(50_000);
        let f = s.scan(
            lines.as_bytes(),
            Origin {
                path: Some("a"),
                commit: "",
            },
        );
        assert_eq!(f[0].code, crate::secrets::TOO_MANY);
        let one = "tok_q8zr2lw9xp ".repeat(50_000);
        let f = s.scan(
            one.as_bytes(),
            Origin {
                path: Some("a"),
                commit: "",
            },
        );
        assert_eq!(f[0].code, crate::secrets::TOO_MANY);
    }

    #[test]
    fn a_gitleaks_allow_comment_lets_nothing_through() {
        let (_d, s) = pack(&[(
            "p.toml",
            "[[rules]]\nid = 't'\nregex = 'tok_[a-z0-9]{10}'\n",
        )]);
        let s = s.unwrap();
        assert_eq!(
            ids(&s, "x = tok_q8zr2lw9xp # gitleaks:allow", "a", ""),
            ["secret.t@1"]
        );
    }
}
