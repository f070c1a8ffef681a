//! YAML manifests: which changed files are manifests, and parsing them into
//! documents with the line each starts on — bounded in size, depth and
//! alias expansion, so a hostile file fails fast instead of eating memory.

use serde::Serialize;
use serde_saphyr::Spanned;

use crate::config::Manifests;
use crate::finding::Finding;

/// One parsed YAML document of a manifest file.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub path: String,
    /// Position among the file's non-empty documents, from 0.
    pub index: usize,
    /// Line the document's content starts on, from 1.
    #[serde(skip)]
    pub line: u64,
    pub document: serde_json::Value,
}

impl Document {
    /// Places a policy finding on this document: file, line, index.
    pub fn locate(&self, mut f: Finding) -> Finding {
        f.path = Some(self.path.clone());
        f.line = Some(self.line);
        f.document = Some(self.index);
        f
    }
}

/// How far a document may nest, and how much alias expansion it may do.
/// Kubernetes manifests nest a dozen levels; billion-laughs files expand
/// aliases exponentially. Both stop here with a clear message.
/// How much one manifest file may cost to read: its size, and the YAML
/// parser's budgets (depth, nodes, events replayed through aliases), which
/// stop a billion-laughs file in milliseconds.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_alias_events: usize,
}

impl Limits {
    pub fn new(m: &Manifests, l: &crate::config::Limits) -> Limits {
        Limits {
            max_file_bytes: m.max_file_bytes,
            max_depth: l.yaml_max_depth,
            max_nodes: l.yaml_max_nodes,
            max_alias_events: l.yaml_max_alias_events,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new(&Manifests::default(), &crate::config::Limits::default())
    }
}

/// Selects manifests by `manifests.include`/`exclude`.
pub struct Selector {
    include: globset::GlobSet,
    exclude: globset::GlobSet,
    pub limits: Limits,
}

impl Selector {
    pub fn new(m: &Manifests, l: &crate::config::Limits) -> Result<Selector, globset::Error> {
        Ok(Selector {
            include: crate::config::compile_globs(&m.include)?,
            exclude: crate::config::compile_globs(&m.exclude)?,
            limits: Limits::new(m, l),
        })
    }

    pub fn wants(&self, path: &str) -> bool {
        self.include.is_match(path) && !self.exclude.is_match(path)
    }

    pub fn exclude_matches(&self, path: &str) -> bool {
        self.exclude.is_match(path)
    }
}

fn finding(
    rule: &'static str,
    path: &str,
    line: Option<u64>,
    message: String,
    help: &str,
) -> Box<Finding> {
    let mut f = Finding::new(rule, message, help);
    f.path = Some(path.to_owned());
    f.line = line;
    Box::new(f)
}

/// Parses a manifest's bytes into its documents, or the finding that says
/// why it cannot be: too large, not text, or not valid YAML (with line).
/// (The finding is boxed: it is the rare path, and large.)
pub fn parse(path: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<Document>, Box<Finding>> {
    let max_bytes = limits.max_file_bytes;
    if bytes.len() as u64 > max_bytes {
        return Err(finding(
            "manifest-too-large",
            path,
            None,
            format!("{path} is {} bytes; manifests may be at most {max_bytes} (manifests.max_file_bytes)", bytes.len()),
            "split the manifest, or keep generated data out of the repository",
        ));
    }
    if bytes.contains(&0) {
        return Err(finding(
            "manifest-not-text",
            path,
            None,
            format!("{path} contains NUL bytes: it is binary, not YAML"),
            "remove it, or exclude it with manifests.exclude",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        finding(
            "manifest-not-text",
            path,
            Some(
                1 + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count() as u64,
            ),
            format!("{path} is not UTF-8 text"),
            "save it as UTF-8",
        )
    })?;
    parse_text(path, text, limits)
}

pub fn parse_text(path: &str, text: &str, limits: &Limits) -> Result<Vec<Document>, Box<Finding>> {
    let mut options = serde_saphyr::Options::default();
    let mut budget = options.budget.clone().unwrap_or_default();
    budget.max_depth = limits.max_depth;
    budget.max_nodes = limits.max_nodes;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = limits.max_alias_events;
    let docs: Vec<Spanned<serde_json::Value>> =
        serde_saphyr::from_multiple_with_options(text, options).map_err(|e| {
            let render = serde_saphyr::render_options! { snippets: serde_saphyr::SnippetMode::Off };
            let msg = e.render_with_options(render);
            let msg = msg.lines().next().unwrap_or("invalid YAML");
            let msg = msg.split(" at line ").next().unwrap_or(msg);
            let line = e.location().map(|l| l.line());
            // The parser's own nesting guard stops `[[[[...` before our
            // depth budget sees it; it is the same kind of finding.
            if is_budget(&e) || msg.contains("recursion limit exceeded") {
                finding(
                    "manifest-too-complex",
                    path,
                    line,
                    format!("{path}: {msg}"),
                    "simplify the YAML (fewer aliases, less nesting), or raise limits.yaml_max_depth, yaml_max_nodes or yaml_max_alias_events",
                )
            } else {
                finding(
                    "manifest-invalid",
                    path,
                    line,
                    format!("{path}: {msg}"),
                    "fix the YAML (yamllint or `pushgate validate` show the same error)",
                )
            }
        })?;
    Ok(docs
        .into_iter()
        .filter(|d| !d.value.is_null())
        .enumerate()
        .map(|(index, d)| Document {
            path: path.to_owned(),
            index,
            line: d.referenced.line(),
            document: d.value,
        })
        .collect())
}

/// Whether the parser stopped at one of our budgets rather than at a
/// syntax error (the budget error may come wrapped in snippet or alias
/// context).
fn is_budget(e: &serde_saphyr::Error) -> bool {
    use serde_saphyr::Error as E;
    match e {
        E::Budget { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => true,
        E::WithSnippet { error, .. } | E::AliasError { error, .. } => is_budget(error),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_lines() {
        let docs = parse_text(
            "a.yaml",
            "---\nkind: A\n---\n# c\nkind: B\n---\n",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[0].line, docs[1].line), (2, 5));
        assert_eq!(docs[1].index, 1);
        assert_eq!(docs[1].document["kind"], "B");
    }

    #[test]
    fn broken_yaml_names_the_line() {
        let err = parse_text(
            "a.yaml",
            "kind: A\nspec:\n  x: [1, 2\n  y: 3\n",
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(err.rule, "manifest-invalid");
        assert!(err.line.is_some_and(|l| l >= 3), "{err:?}");
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut y = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            y.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = n;
        }
        let t = std::time::Instant::now();
        let err = parse_text("bomb.yaml", &y, &Limits::default()).unwrap_err();
        assert_eq!(err.rule, "manifest-too-complex");
        assert!(t.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let y = "[".repeat(10_000);
        let err = parse_text("deep.yaml", &y, &Limits::default()).unwrap_err();
        assert_eq!(err.rule, "manifest-too-complex", "{}", err.message);
        // The bound is the configured one, not a constant.
        let nested = "a:\n  b:\n    c: 1\n";
        let tight = Limits {
            max_depth: 2,
            ..Limits::default()
        };
        assert_eq!(
            parse_text("n.yaml", nested, &tight).unwrap_err().rule,
            "manifest-too-complex"
        );
        assert!(parse_text("n.yaml", nested, &Limits::default()).is_ok());
    }

    #[test]
    fn binary_and_oversized_files() {
        let max = |max_file_bytes| Limits {
            max_file_bytes,
            ..Limits::default()
        };
        assert_eq!(
            parse("b.yaml", b"a\0b", &max(100)).unwrap_err().rule,
            "manifest-not-text"
        );
        assert_eq!(
            parse("b.yaml", b"\xff\xfe", &max(100)).unwrap_err().rule,
            "manifest-not-text"
        );
        assert_eq!(
            parse("b.yaml", b"kind: A\n", &max(3)).unwrap_err().rule,
            "manifest-too-large"
        );
    }
}
