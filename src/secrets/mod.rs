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
pub mod decode;
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

/// Candidates one text may give before it is reported as too many
/// (`Scanner::saturated`) rather than judged one by one: bounds the time
/// and memory a hostile file costs, and fails closed.
pub const MAX_PER_TEXT: usize = 10_000;
/// The code of that report.
pub const TOO_MANY: &str = "secret.too-many";

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
    /// Lower-case words (Unicode lower case, as Go's `strings.ToLower`); a
    /// secret containing one is let through. Packs list a thousand: one
    /// automaton, as gitleaks builds one.
    pub stopwords: Option<AhoCorasick>,
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
            if !self.regexes.is_empty() || self.stopwords.is_some() {
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
    /// `on_line`: this list's regexes on the finding's line, asked only
    /// for a `regexTarget = "line"` list (the caller remembers the answer
    /// per line: many matches on one long line cost one pass).
    fn passes_finding(
        &self,
        o: Origin,
        secret: &str,
        whole: &str,
        on_line: &mut dyn FnMut(&Allowlist) -> bool,
    ) -> bool {
        let regex = match self.target {
            Target::Secret => !secret.is_empty() && self.regexes.iter().any(|r| r.is_match(secret)),
            Target::Match => !whole.is_empty() && self.regexes.iter().any(|r| r.is_match(whole)),
            Target::Line => !self.regexes.is_empty() && on_line(self),
        };
        let stop = !secret.is_empty()
            && self
                .stopwords
                .as_ref()
                .is_some_and(|ac| ac.is_match(&secret.to_lowercase()));
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
            if self.stopwords.is_some() {
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
    /// A built-in rule's secrets of this shape are not (placeholders,
    /// resource names); packs have none.
    pub skip: Option<Regex>,
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
    decoder: decode::Decoder,
    /// Levels of decoding (gitleaks' `--max-decode-depth`, default 5).
    depth: usize,
    /// `secrets.fingerprint_key`: fingerprints are HMACs under it.
    key: Option<Vec<u8>>,
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

/// Shannon entropy as gitleaks' `shannonEntropy` computes it: characters
/// counted, frequencies over the length in bytes (the same for ASCII, the
/// usual secret). Counted in an array for ASCII, no map.
fn entropy(s: &str) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let n = s.len() as f64;
    let term = |k: u32| {
        let p = f64::from(k) / n;
        -p * p.log2()
    };
    if s.is_ascii() {
        let mut counts = [0u32; 128];
        for b in s.bytes() {
            counts[usize::from(b & 0x7f)] += 1;
        }
        return counts.iter().filter(|k| **k > 0).map(|k| term(*k)).sum();
    }
    let mut counts = std::collections::HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0u32) += 1;
    }
    counts.values().map(|k| term(*k)).sum()
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

/// Where a rule's matches are in the text, kept as they come (in order),
/// so that a text full of matches costs one pass, not one per match.
struct Cursor {
    /// Bytes up to here are counted.
    counted: usize,
    line: u64,
    /// The last newline before `counted`.
    last_nl: Option<usize>,
    /// The first newline at or after some earlier match's end.
    next_nl: usize,
}

impl Cursor {
    fn new() -> Cursor {
        Cursor {
            counted: 0,
            line: 1,
            last_nl: None,
            next_nl: 0,
        }
    }

    /// The 1-based line of `start`.
    fn line_of(&mut self, text: &str, start: usize) -> u64 {
        let gap = &text.as_bytes()[self.counted..start];
        self.line += gap.iter().filter(|b| **b == b'\n').count() as u64;
        if let Some(i) = gap.iter().rposition(|b| *b == b'\n') {
            self.last_nl = Some(self.counted + i);
        }
        self.counted = start;
        self.line
    }

    /// The line(s) of a match as gitleaks' `location` cuts them: from the
    /// newline before it (included: `^` does not match there) to the
    /// newline at or after its end.
    fn lines<'t>(&mut self, text: &'t str, start: usize, end: usize) -> &'t str {
        self.line_of(text, start);
        if self.next_nl < end {
            self.next_nl = text[end..].find('\n').map_or(text.len(), |i| end + i);
        }
        let from = self.last_nl.unwrap_or(0);
        &text[from..self.next_nl.max(from)]
    }
}

/// A decoded level being scanned: the levels so far, and where the
/// original text's newlines are (for lines).
struct Decoded<'a> {
    levels: &'a [decode::Level],
    newlines: &'a [usize],
}

impl Decoded<'_> {
    /// The encodings and the merged decoded span of the last level's runs
    /// that the match touches; None if it touches none.
    fn touching(&self, start: usize, end: usize) -> Option<(u8, (usize, usize))> {
        let segs = &self.levels.last()?.segments;
        // Runs are in order and disjoint: those that can touch are around
        // the first whose end reaches `start`.
        let first = segs.partition_point(|s| s.decoded.1 < start);
        let mut kinds = 0u8;
        let mut span: Option<(usize, usize)> = None;
        for s in &segs[first..] {
            if s.decoded.0 > end {
                break;
            }
            if decode::touch(s.decoded, (start, end)) {
                kinds |= s.kinds;
                span =
                    Some(span.map_or(s.decoded, |(a, b)| (a.min(s.decoded.0), b.max(s.decoded.1))));
            }
        }
        span.map(|sp| (kinds, sp))
    }

    fn line_of(&self, pos: usize) -> u64 {
        let at = decode::original(self.levels, pos);
        1 + self.newlines.partition_point(|n| *n < at) as u64
    }
}

/// Every newline's position.
fn memchr_all(text: &str) -> Vec<usize> {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect()
}

/// Text as Go reads a string: every byte that is not part of valid UTF-8
/// is one U+FFFD (Rust's lossy conversion makes one of a whole invalid
/// sequence, so `.{10}` would count fewer characters than Go counts).
fn go_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(bytes.len() + 16);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
    std::borrow::Cow::Owned(out)
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
        let set = regex::RegexSetBuilder::new(
            set_rules
                .iter()
                .filter_map(|i| rules[*i].regex.as_ref().map(|r| r.as_str())),
        )
        .size_limit(gitleaks::SIZE_LIMIT * 4)
        .build()
        .map_err(|e| {
            let ids: Vec<&str> = set_rules.iter().map(|i| rules[*i].id.as_str()).collect();
            format!(
                "the rules without keywords ({}) are too large to run together: {e}; give the largest keywords",
                ids.join(", ")
            )
        })?;
        let keywords = if words.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    // Overlapping search (every keyword, not the leftmost)
                    // is fastest on a DFA; packs have hundreds, not millions.
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
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
            decoder: decode::Decoder::new()?,
            depth: decode::MAX_DEPTH,
            key: None,
        })
    }

    /// Decode this many levels deep (gitleaks' `--max-decode-depth`;
    /// gitleaks' own tests use 8).
    pub fn with_decode_depth(mut self, depth: usize) -> Scanner {
        self.depth = depth;
        self
    }

    /// Fingerprints keyed by `key` (`secrets.fingerprint_key`): the audit
    /// log then holds nothing a guessed password can be checked against
    /// without the key.
    pub fn with_fingerprint_key(mut self, key: Vec<u8>) -> Scanner {
        self.sources.push("keyed".into());
        self.key = Some(key);
        self
    }

    /// What a finding names a value by: `sha256:` and 16 hex digits of its
    /// digest, or with a key, `hmac:` and 16 of its HMAC-SHA-256.
    pub fn fingerprint(&self, value: &str) -> String {
        use hmac::Mac as _;
        let Some(key) = &self.key else {
            return fingerprint(value);
        };
        let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(key) else {
            // Any key length is accepted by HMAC; never reached.
            return fingerprint(value);
        };
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("hmac:{hex}")
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Everything about where a text is that the verdict on it depends
    /// on: whether it has a path, and what each rule's `path` and each
    /// allowlist's paths and commits say of this one. Two places with the
    /// same signature get the same findings from the same text, so the
    /// text is scanned once for them.
    pub fn signature(&self, o: Origin) -> Vec<bool> {
        let mut sig = vec![o.path.is_some()];
        let lists = |lists: &[Allowlist], sig: &mut Vec<bool>| {
            for a in lists {
                if !a.commits.is_empty() {
                    sig.push(a.commit(o.commit));
                }
                if !a.paths.is_empty() {
                    sig.push(a.path(o.path));
                }
            }
        };
        for p in &self.packs {
            lists(&p.allowlists, &mut sig);
        }
        for r in &self.rules {
            if let Some(p) = &r.path {
                sig.push(o.path.is_some_and(|path| p.is_match(path)));
            }
            lists(&r.allowlists, &mut sig);
        }
        sig
    }

    /// Every secret in `text`, in order of lines; a value two rules find
    /// on the same line is reported once (by the first).
    pub fn scan(&self, text: &[u8], origin: Origin) -> Vec<Found> {
        // As Go reads a string: an invalid byte is U+FFFD (a pack's `.`
        // matches it). Valid UTF-8, the usual case, is not copied.
        let lossy = go_text(text);
        let text: &str = &lossy;
        let mut out = Vec::new();
        let run = self.which(text, true);
        for (i, rule) in self.rules.iter().enumerate() {
            if run[i] {
                self.rule(rule, text, origin, None, &mut out);
            }
        }
        // Then what is encoded in it, level by level, as gitleaks decodes.
        let mut levels: Vec<decode::Level> = Vec::new();
        let mut newlines: Vec<usize> = Vec::new();
        while levels.len() < self.depth && out.len() < MAX_PER_TEXT {
            let (prev, preds) = match levels.last() {
                Some(l) => (l.text.as_str(), l.segments.as_slice()),
                None => (text, &[][..]),
            };
            let Some(level) = self.decoder.level(prev, preds) else {
                break;
            };
            if levels.is_empty() {
                newlines = memchr_all(text);
            }
            levels.push(level);
            let Some(last) = levels.last() else { break };
            let run = self.which(&last.text, false);
            let ctx = Decoded {
                levels: &levels,
                newlines: &newlines,
            };
            for (i, rule) in self.rules.iter().enumerate() {
                if run[i] {
                    self.rule(rule, &last.text, origin, Some(&ctx), &mut out);
                }
            }
        }
        let saturated = out.len() >= MAX_PER_TEXT;
        out.sort_by_key(|f| f.line);
        let mut seen = std::collections::HashSet::new();
        out.retain(|f| seen.insert((f.line, f.fingerprint.clone())));
        if saturated {
            // First, so it is listed; never let through by fingerprint:
            // there is none.
            out.insert(
                0,
                Found {
                    code: TOO_MANY.into(),
                    what: format!("more than {MAX_PER_TEXT} candidate secrets"),
                    line: 0,
                    preview: String::new(),
                    fingerprint: String::new(),
                },
            );
        }
        out
    }

    /// Which rules run on `text`: those whose keyword occurs in it, the
    /// keyword-less ones the set finds, and (on the text itself, not on
    /// what is decoded from it) path-only ones.
    fn which(&self, text: &str, paths: bool) -> Vec<bool> {
        let mut run = vec![false; self.rules.len()];
        for i in self.set.matches(text).iter() {
            if let Some(r) = self.set_rules.get(i) {
                run[*r] = true;
            }
        }
        if let Some(ac) = &self.keywords {
            let mut seen = vec![false; self.keyword_rules.len()];
            // gitleaks looks for keywords in the text lowered as Go lowers
            // it (`strings.ToLower`: `K`, the Kelvin sign, becomes `k`);
            // ASCII text needs no copy for that.
            let lowered;
            let haystack = if text.is_ascii() {
                text
            } else {
                lowered = text.to_lowercase();
                &lowered
            };
            for m in ac.find_overlapping_iter(haystack.as_bytes()) {
                let k = m.pattern().as_usize();
                if !std::mem::replace(&mut seen[k], true) {
                    for r in &self.keyword_rules[k] {
                        run[*r] = true;
                    }
                }
            }
        }
        if paths {
            for (i, r) in self.rules.iter().enumerate() {
                if r.regex.is_none() && r.keywords.is_empty() {
                    run[i] = true;
                }
            }
        }
        run
    }

    fn global(&self, rule: &Rule) -> &[Allowlist] {
        rule.pack
            .and_then(|p| self.packs.get(p))
            .map_or(&[], |p| p.allowlists.as_slice())
    }

    /// One rule on one text, as gitleaks' `detectRule` judges it.
    fn rule(
        &self,
        rule: &Rule,
        text: &str,
        origin: Origin,
        decoded: Option<&Decoded>,
        out: &mut Vec<Found>,
    ) {
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
                if decoded.is_some() {
                    return;
                }
                out.push(Found {
                    code: format!("secret.{}", rule.id),
                    what: rule.what.clone(),
                    line: 0,
                    preview: "(the file itself)".into(),
                    fingerprint: self.fingerprint(path),
                });
                return;
            }
        }
        let Some(re) = &rule.regex else { return };
        let mut at = Cursor::new();
        let mut line_verdicts: std::collections::HashMap<(usize, usize, usize), bool> =
            std::collections::HashMap::new();
        let by_line = global
            .iter()
            .chain(&rule.allowlists)
            .any(|a| a.target == Target::Line && !a.regexes.is_empty());
        for m in re.find_iter(text) {
            if out.len() >= MAX_PER_TEXT {
                return;
            }
            // In decoded text, a match counts where it touches a run
            // decoded at this level (gitleaks' SegmentsWithDecodedOverlap).
            let via = match decoded {
                None => None,
                Some(d) => match d.touching(m.start(), m.end()) {
                    None => continue,
                    some => some,
                },
            };
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
            if rule.skip.as_ref().is_some_and(|r| r.is_match(value)) {
                continue;
            }
            let line = match (by_line, via) {
                (false, _) => "",
                (true, None) => at.lines(text, start, end),
                // gitleaks' CurrentLine: the line around the decoded runs.
                (true, Some((_, span))) => {
                    let l = at.lines(text, span.0, span.1);
                    // CurrentLine starts at the run itself when it begins
                    // with a newline, not at the newline before it.
                    let off = l.as_ptr() as usize - text.as_ptr() as usize;
                    if text.as_bytes().get(span.0) == Some(&b'\n') && off < span.0 {
                        &text[span.0..off + l.len()]
                    } else {
                        l
                    }
                }
            };
            let mut on_line = |a: &Allowlist| {
                let key = (
                    a as *const Allowlist as usize,
                    line.as_ptr() as usize,
                    line.len(),
                );
                *line_verdicts.entry(key).or_insert_with(|| {
                    !line.is_empty() && a.regexes.iter().any(|r| r.is_match(line))
                })
            };
            if global
                .iter()
                .chain(&rule.allowlists)
                .any(|a| a.passes_finding(origin, secret, whole, &mut on_line))
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
                what: match via {
                    None => rule.what.clone(),
                    Some((kinds, _)) => {
                        format!("{}, encoded ({})", rule.what, decode::names(kinds))
                    }
                },
                line: match decoded {
                    None => at.line_of(text, start),
                    Some(d) => d.line_of(start),
                },
                preview: if rule.public_prefix {
                    preview(value)
                } else {
                    hidden(value)
                },
                fingerprint: self.fingerprint(&print_of),
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
    let fp = regex::Regex::new("^(?:sha256|hmac):[0-9a-f]{16}$").ok();
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
                "copy it from the rejection: `sha256:` (or `hmac:`) and 16 hex digits",
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
    fn every_builtin_match_holds_one_of_its_rules_keywords() {
        // The keywords gate the rule: a match without one would be missed.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/secrets-corpus");
        let s = Scanner::builtin().unwrap();
        let mut matched = 0;
        for dir in ["true", "false"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
                let text = std::fs::read_to_string(e.path()).unwrap();
                for r in s.rules() {
                    for m in r.regex.as_ref().unwrap().find_iter(&text) {
                        matched += 1;
                        let low = m.as_str().to_lowercase();
                        assert!(
                            r.keywords.iter().any(|k| low.contains(k.as_str())),
                            "{}: {} matches without a keyword",
                            e.path().display(),
                            r.id
                        );
                    }
                }
            }
        }
        assert!(matched >= 15, "{matched}");
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
