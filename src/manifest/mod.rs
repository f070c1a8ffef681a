//! Manifests: which changed files are manifests, and reading them into the
//! documents kubectl would apply (`decode`, over libyaml's events in
//! `libyaml`), with the line each starts on and where each field is —
//! bounded in size, depth and alias expansion, so a hostile file fails fast
//! instead of eating memory. A `List` (any object with `items`) becomes its
//! items, as kubectl applies them.

mod decode;
mod libyaml;
#[doc(hidden)]
pub mod reference;
pub mod schema;

pub use decode::{annotation as annotation_yaml, unmarshal as yaml_unmarshal, Spans};
use serde::Serialize;

use crate::config::Manifests;
use crate::finding::{Code, Finding};

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
    /// Where each field is written, for findings that name a field.
    #[serde(skip)]
    pub spans: Spans,
    /// A rendered document's originating file (docs/manifests.md).
    #[serde(skip)]
    pub source: Option<String>,
}

impl Document {
    /// Places a policy finding on this document: file, line, index — and,
    /// when the rule's object names a field (`path`: "spec.containers.0.image"
    /// or ["metadata", "labels", "app.kubernetes.io/name"]), that field's
    /// line and column, or its nearest written parent's.
    pub fn locate(&self, mut f: Finding) -> Finding {
        f.path = Some(self.path.clone());
        // 0: a renderer's output, whose lines are not the repository's.
        f.line = (self.line > 0).then_some(self.line);
        f.document = Some(self.index);
        f.source = self.source.clone();
        f.object = crate::finding::Object::of(&self.document);
        if let Some(field) = f
            .metadata
            .as_ref()
            .and_then(|m| m.get("path"))
            .and_then(field_path)
        {
            for n in (1..=field.len()).rev() {
                if let Some((line, column)) = self.spans.get(&field[..n]) {
                    f.line = Some(line);
                    f.column = Some(column);
                    break;
                }
            }
        }
        f
    }
}

/// A rule's `path`: a dotted string or an array of keys and indexes.
fn field_path(v: &serde_json::Value) -> Option<Vec<String>> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => {
            Some(s.split('.').map(str::to_owned).collect())
        }
        serde_json::Value::Array(a) if !a.is_empty() => a
            .iter()
            .map(|k| match k {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => n.as_u64().map(|n| n.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
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
    /// Bytes of manifests one update may have judged (each path counted).
    pub max_manifest_bytes: u64,
    /// Documents one update may have judged.
    pub max_documents: usize,
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_alias_events: usize,
}

impl Limits {
    pub fn new(m: &Manifests, l: &crate::config::Limits) -> Limits {
        Limits {
            max_file_bytes: m.max_file_bytes,
            max_manifest_bytes: l.max_manifest_bytes,
            max_documents: l.max_documents,
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

/// Where a symlink in the tree points, as a path from the tree's root —
/// or why kubectl's reading of it cannot be judged: it leaves the tree, or
/// is not a path.
pub fn link_target(link: &str, target: &[u8]) -> Result<String, String> {
    let target = std::str::from_utf8(target).map_err(|_| "its target is not UTF-8".to_owned())?;
    if target.starts_with('/') {
        return Err(format!("it points outside the repository, at {target}"));
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("it points outside the repository, at {target}"));
                }
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        return Err("it points at the repository's root".into());
    }
    Ok(parts.join("/"))
}

fn finding(rule: Code, path: &str, line: Option<u64>, message: String, help: &str) -> Box<Finding> {
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
            Code::ManifestTooLarge,
            path,
            None,
            format!("{path} is {} bytes; manifests may be at most {max_bytes} (manifests.max_file_bytes)", bytes.len()),
            "split the manifest, or keep generated data out of the repository",
        ));
    }
    if bytes.contains(&0) {
        return Err(finding(
            Code::ManifestNotText,
            path,
            None,
            format!("{path} contains NUL bytes: it is binary, not YAML"),
            "remove it, or exclude it with manifests.exclude",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        finding(
            Code::ManifestNotText,
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
    let budget = decode::Budget {
        max_depth: limits.max_depth,
        max_nodes: limits.max_nodes,
        max_alias_nodes: limits.max_alias_events,
    };
    let decoded = decode::decode(text, budget).map_err(|e| {
        let (rule, help) = match e.kind {
            decode::ErrorKind::Budget => (Code::ManifestTooComplex, e.fix),
            decode::ErrorKind::Ambiguous => (Code::ManifestAmbiguous, e.fix),
            decode::ErrorKind::Syntax => (Code::ManifestInvalid, e.fix),
        };
        finding(rule, path, e.line, e.message, help)
    })?;
    Ok(decoded
        .into_iter()
        .enumerate()
        .map(|(index, d)| Document {
            path: path.to_owned(),
            index,
            line: d.line,
            document: d.value,
            spans: d.spans,
            source: None,
        })
        .collect())
}

/// The documents kubectl applies from these: each List (any object with an
/// `items` key) replaced by its items, renumbered. The
/// gate judges these; `validate` keeps conftest's view (one input per YAML
/// document, a List whole).
pub fn applied(docs: Vec<Document>) -> Result<Vec<Document>, Box<Finding>> {
    let mut out = Vec::new();
    for d in docs {
        let (start, source) = (out.len(), d.source);
        flatten(&d.path, d.document, d.line, d.spans, &mut out, 0)?;
        for item in &mut out[start..] {
            item.source.clone_from(&source);
        }
    }
    Ok(out)
}

/// kubectl's unstructured decoder treats any object with an `items` key
/// as a list and applies its items instead (its own kind is never
/// sent): a `kind: ConfigMap` carrying `items: [<Pod>]` applies the Pod.
/// So the items are the documents policies judge (a list in a list is an
/// error to kubectl, and so here).
fn flatten(
    path: &str,
    value: serde_json::Value,
    line: u64,
    spans: Spans,
    out: &mut Vec<Document>,
    depth: usize,
) -> Result<(), Box<Finding>> {
    // Even `items: null` makes a list (of nothing): apimachinery detects
    // lists by the key being present in the JSON.
    let is_list = value.as_object().is_some_and(|o| o.contains_key("items"));
    if !value.is_object() {
        // kubectl fails on a document that is a string or a list; one that
        // the gate reads but kubectl cannot is not what gets applied (a Git
        // LFS pointer file is text to the gate, an object to the deployer).
        return Err(finding(
            Code::ManifestInvalid,
            path,
            Some(line),
            "a document that is not a mapping: kubectl cannot apply it".to_owned(),
            "make each document a Kubernetes object, or exclude the file with manifests.exclude",
        ));
    }
    if !is_list {
        let index = out.iter().filter(|d: &&Document| d.path == path).count();
        out.push(Document {
            path: path.to_owned(),
            index,
            line,
            document: value,
            spans,
            source: None,
        });
        return Ok(());
    }
    let serde_json::Value::Object(mut list) = value else {
        return Ok(());
    };
    let items = match list.remove("items").unwrap_or_default() {
        serde_json::Value::Null => serde_json::Value::Array(Vec::new()),
        other => other,
    };
    let serde_json::Value::Array(items) = items else {
        return Err(finding(
            Code::ManifestInvalid,
            path,
            Some(line),
            "`items` is not a list: kubectl fails on this document".to_owned(),
            "make `items` a list of objects, or rename the field",
        ));
    };
    if depth > 0 {
        return Err(finding(
            Code::ManifestInvalid,
            path,
            Some(line),
            "a List inside a List (an item with `items`): kubectl fails on it".to_owned(),
            "put the inner list's items in the outer list",
        ));
    }
    // An item with neither kind nor apiVersion takes the list's, minus
    // "List" (apimachinery's decodeToList).
    let list_kind = list.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    let item_kind = list_kind
        .strip_suffix("List")
        .unwrap_or(list_kind)
        .to_owned();
    let list_api = list.get("apiVersion").cloned();
    for (n, mut item) in items.into_iter().enumerate() {
        let key = vec!["items".to_owned(), n.to_string()];
        let item_line = spans.get(&key).map_or(line, |(l, _)| l);
        let item_spans = spans.subtree(&key);
        let serde_json::Value::Object(o) = &mut item else {
            return Err(finding(
                Code::ManifestInvalid,
                path,
                Some(item_line),
                format!("item {n} of the list is not an object: kubectl fails on it"),
                "make every item a Kubernetes object",
            ));
        };
        let kind_missing = o
            .get("kind")
            .and_then(|k| k.as_str())
            .is_none_or(str::is_empty);
        let api_missing = o
            .get("apiVersion")
            .and_then(|k| k.as_str())
            .is_none_or(str::is_empty);
        if kind_missing && api_missing {
            o.insert("kind".into(), item_kind.clone().into());
            if let Some(api) = &list_api {
                o.insert("apiVersion".into(), api.clone());
            }
        }
        flatten(path, item, item_line, item_spans, out, depth + 1)?;
    }
    Ok(())
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
