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
const MAX_DEPTH: usize = 64;
const MAX_NODES: usize = 200_000;
const MAX_ALIAS_EVENTS: usize = 100_000;

/// Selects manifests by `manifests.include`/`exclude`.
pub struct Selector {
    include: globset::GlobSet,
    exclude: globset::GlobSet,
    pub max_file_bytes: u64,
}

impl Selector {
    pub fn new(m: &Manifests) -> Result<Selector, globset::Error> {
        Ok(Selector {
            include: crate::config::compile_globs(&m.include)?,
            exclude: crate::config::compile_globs(&m.exclude)?,
            max_file_bytes: m.max_file_bytes,
        })
    }

    pub fn wants(&self, path: &str) -> bool {
        self.include.is_match(path) && !self.exclude.is_match(path)
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
pub fn parse(path: &str, bytes: &[u8], max_bytes: u64) -> Result<Vec<Document>, Box<Finding>> {
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
    parse_text(path, text)
}

pub fn parse_text(path: &str, text: &str) -> Result<Vec<Document>, Box<Finding>> {
    let mut options = serde_saphyr::Options::default();
    let mut budget = options.budget.clone().unwrap_or_default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = MAX_NODES;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_ALIAS_EVENTS;
    let docs: Vec<Spanned<serde_json::Value>> =
        serde_saphyr::from_multiple_with_options(text, options).map_err(|e| {
            let render = serde_saphyr::render_options! { snippets: serde_saphyr::SnippetMode::Off };
            let msg = e.render_with_options(render);
            let msg = msg.lines().next().unwrap_or("invalid YAML");
            let msg = msg.split(" at line ").next().unwrap_or(msg);
            finding(
                "manifest-invalid",
                path,
                e.location().map(|l| l.line()),
                format!("{path}: {msg}"),
                "fix the YAML (yamllint or `pushgate validate` show the same error)",
            )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_lines() {
        let docs = parse_text("a.yaml", "---\nkind: A\n---\n# c\nkind: B\n---\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[0].line, docs[1].line), (2, 5));
        assert_eq!(docs[1].index, 1);
        assert_eq!(docs[1].document["kind"], "B");
    }

    #[test]
    fn broken_yaml_names_the_line() {
        let err = parse_text("a.yaml", "kind: A\nspec:\n  x: [1, 2\n  y: 3\n").unwrap_err();
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
        let err = parse_text("bomb.yaml", &y).unwrap_err();
        assert_eq!(err.rule, "manifest-invalid");
        assert!(t.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let y = "[".repeat(10_000);
        assert!(parse_text("deep.yaml", &y).is_err());
    }

    #[test]
    fn binary_and_oversized_files() {
        assert_eq!(
            parse("b.yaml", b"a\0b", 100).unwrap_err().rule,
            "manifest-not-text"
        );
        assert_eq!(
            parse("b.yaml", b"\xff\xfe", 100).unwrap_err().rule,
            "manifest-not-text"
        );
        assert_eq!(
            parse("b.yaml", b"kind: A\n", 3).unwrap_err().rule,
            "manifest-too-large"
        );
    }
}
