//! Manifest bytes to the JSON objects kubectl would send, or a refusal.
//!
//! kubectl (`apply -f`, `-R`) reads a file this way, and so does this
//! module, step for step:
//!
//! 1. If the first non-space character is `{`, the file is a stream of JSON
//!    values (apimachinery's YAMLOrJSONDecoder sniffs it); otherwise it is
//!    YAML, split into documents at every line that starts with `---`
//!    (apimachinery's YAMLReader: text after the marker other than a
//!    comment is an error, and each piece is parsed on its own).
//! 2. Each piece's first YAML document is decoded as go-yaml v2 decodes
//!    into `interface{}` (YAML 1.1 scalars: `017` is 15, `0_0` is 0, `yes`
//!    is true, timestamps stay strings; merge keys `<<` applied in order),
//!    then turned into JSON as sigs.k8s.io/yaml does (non-string keys
//!    become strings; NaN and infinities are errors).
//! 3. JSON numbers are read back as kubectl's unstructured decoder reads
//!    them: integral values as int64.
//!
//! Where two mainstream readers disagree and a wrong guess could change
//! what is applied, the file is refused with the line and a fix: duplicate
//! keys, keys that collide once stringified, content after `...` that
//! kubectl ignores, tags on collections, NaN and infinities, binary
//! data that is not text, a null or composite key.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Number, Value};

use super::libyaml::{Event, Mark, Parser};

const STR: &str = "tag:yaml.org,2002:str";
const BOOL: &str = "tag:yaml.org,2002:bool";
const NULL: &str = "tag:yaml.org,2002:null";
const INT: &str = "tag:yaml.org,2002:int";
const FLOAT: &str = "tag:yaml.org,2002:float";
const TIMESTAMP: &str = "tag:yaml.org,2002:timestamp";
const BINARY: &str = "tag:yaml.org,2002:binary";
const MERGE: &str = "tag:yaml.org,2002:merge";
const MAP: &str = "tag:yaml.org,2002:map";
const SEQ: &str = "tag:yaml.org,2002:seq";

/// Budgets for one file: nesting depth, nodes produced (aliases count each
/// time they are expanded), and nodes produced through aliases.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_alias_nodes: usize,
}

/// Where each field of a document is written: 1-based line and column per
/// path (keys, and array indexes as decimal strings).
#[derive(Debug, Clone, Default)]
pub struct Spans {
    entries: HashMap<Vec<String>, (u64, u64)>,
}

impl Spans {
    pub fn get(&self, path: &[String]) -> Option<(u64, u64)> {
        self.entries.get(path).copied()
    }

    /// The spans under `prefix`, re-rooted there (a List's item).
    pub fn subtree(&self, prefix: &[String]) -> Spans {
        Spans {
            entries: self
                .entries
                .iter()
                .filter(|(k, _)| k.starts_with(prefix))
                .map(|(k, v)| (k[prefix.len()..].to_vec(), *v))
                .collect(),
        }
    }
}

/// One top-level value of the file.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub value: Value,
    /// 1-based line the value starts on.
    pub line: u64,
    pub spans: Spans,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid YAML or JSON: kubectl fails on it too.
    Syntax,
    /// Valid, but read differently by different readers (or by kubectl
    /// and pushgate): refused rather than guessed.
    Ambiguous,
    /// Over a budget.
    Budget,
}

#[derive(Debug, Clone)]
pub struct DecodeError {
    pub kind: ErrorKind,
    pub line: Option<u64>,
    pub message: String,
    pub fix: &'static str,
}

fn syntax(line: Option<u64>, message: String) -> DecodeError {
    DecodeError {
        kind: ErrorKind::Syntax,
        line,
        message,
        fix: "fix the YAML; `kubectl apply --dry-run=client -f FILE` shows the same error",
    }
}

fn ambiguous(line: u64, message: String, fix: &'static str) -> DecodeError {
    DecodeError {
        kind: ErrorKind::Ambiguous,
        line: Some(line),
        message,
        fix,
    }
}

/// OPA's `yaml.unmarshal`: sigs.k8s.io/yaml over go-yaml v2, which reads
/// the first document of the text (a second one is refused here rather
/// than silently dropped).
pub fn unmarshal(text: &str) -> Result<Value, String> {
    let budget = Budget {
        max_depth: 256,
        max_nodes: 1_000_000,
        max_alias_nodes: 100_000,
    };
    let mut counters = Counters::default();
    match decode_piece(text, 0, budget, &mut counters) {
        Ok(Some(d)) => Ok(d.value),
        Ok(None) => Ok(Value::Null),
        Err(e) => Err(match e.line {
            Some(l) => format!("line {l}: {}", e.message),
            None => e.message,
        }),
    }
}

/// OPA's reading of a `# METADATA` annotation block: go-yaml v3 (YAML
/// 1.2), not the v2 (YAML 1.1) of manifests and `yaml.unmarshal`. Built
/// here from the event stream: quoted scalars are text; plain ones are
/// read where both YAML versions agree (`null`, `true`, decimal numbers,
/// words) and YAML 1.1's extra booleans (`yes`, `on`, `n`) are text, as
/// v3 reads them. Where this does not model v3 exactly (`0777`, `1_000`,
/// dates, `0x1F`, tags, anchors, merge keys, non-string keys) the block is
/// refused with the fix: quote the value.
pub fn annotation(text: &str) -> Result<Value, String> {
    enum Open {
        Seq(Vec<Value>),
        Map(Map<String, Value>, Option<String>),
    }
    let mut parser = Parser::new(text.as_bytes().to_vec()).map_err(|e| e.problem)?;
    let mut open: Vec<Open> = Vec::new();
    let mut done: Option<Value> = None;
    loop {
        let (event, mark) = parser
            .next_event()
            .map_err(|e| format!("line {}: {}", e.mark.line + 1, e.problem))?;
        let line = mark.line + 1;
        let is_key = matches!(open.last(), Some(Open::Map(_, None)));
        let node = match event {
            Event::StreamEnd => break,
            Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => continue,
            Event::Alias { .. } => {
                return Err(format!(
                    "line {line}: anchors and aliases are not read in annotations; write the value out"
                ));
            }
            Event::Scalar {
                anchor,
                tag,
                value,
                implicit,
                ..
            } => {
                if anchor.is_some() || tag.is_some() {
                    return Err(format!(
                        "line {line}: tags and anchors are not read in annotations; remove them"
                    ));
                }
                let refuse = || {
                    Err(format!(
                        "line {line}: `{value}` may read differently in OPA's YAML 1.2 than here; quote it"
                    ))
                };
                if !implicit || yaml_1_1_bool_word(&value) {
                    Value::String(value)
                } else if canonical_plain(&value) {
                    if is_key {
                        return Err(format!(
                            "line {line}: the key `{value}` is not a string; quote it"
                        ));
                    }
                    match resolve_untyped(None, &value).1 {
                        Scalar::Null => Value::Null,
                        Scalar::Bool(b) => Value::Bool(b),
                        Scalar::Int(i) => Value::from(i),
                        Scalar::Uint(u) => Value::from(u),
                        Scalar::Float(f) => match float_json(f) {
                            Some(v) => v,
                            None => return refuse(),
                        },
                        Scalar::Str(_) => return refuse(),
                    }
                } else {
                    let (rtag, _) = resolve_untyped(None, &value);
                    let lower = value.trim_start_matches(['-', '+']).to_ascii_lowercase();
                    if rtag != STR || lower.starts_with("0o") || value == "<<" {
                        return refuse();
                    }
                    Value::String(value)
                }
            }
            Event::SequenceStart { anchor, tag, .. } | Event::MappingStart { anchor, tag, .. }
                if anchor.is_some() || tag.is_some() =>
            {
                return Err(format!(
                    "line {line}: tags and anchors are not read in annotations; remove them"
                ));
            }
            Event::SequenceStart { .. } | Event::MappingStart { .. } if is_key => {
                return Err(format!("line {line}: a key must be a string; quote it"));
            }
            Event::SequenceStart { .. } => {
                open.push(Open::Seq(Vec::new()));
                continue;
            }
            Event::MappingStart { .. } => {
                open.push(Open::Map(Map::new(), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                Some(Open::Seq(items)) => Value::Array(items),
                Some(Open::Map(map, _)) => Value::Object(map),
                None => return Err(format!("line {line}: unbalanced YAML")),
            },
        };
        match open.last_mut() {
            Some(Open::Seq(items)) => items.push(node),
            Some(Open::Map(_, key @ None)) => match node {
                Value::String(k) => *key = Some(k),
                _ => return Err(format!("line {line}: a key must be a string; quote it")),
            },
            Some(Open::Map(map, key @ Some(_))) => {
                let k = key.take().unwrap_or_default();
                if map.insert(k.clone(), node).is_some() {
                    return Err(format!("line {line}: the key `{k}` is given twice"));
                }
            }
            None if done.is_none() => done = Some(node),
            None => return Err(format!("line {line}: one YAML document only")),
        }
    }
    Ok(done.unwrap_or(Value::Null))
}

/// YAML 1.1's booleans beyond `true`/`false`; YAML 1.2 (go-yaml v3) reads
/// them as text.
fn yaml_1_1_bool_word(v: &str) -> bool {
    matches!(
        v,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// Plain scalars YAML 1.1 and 1.2 resolve alike: null, booleans, and
/// decimal numbers without leading zeros or underscores.
fn canonical_plain(v: &str) -> bool {
    if matches!(
        v,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
    ) {
        return true;
    }
    let body = v.strip_prefix(['-', '+']).unwrap_or(v);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let int_ok = digits(int) && (int.len() <= 1 || !int.starts_with('0'));
    let frac_ok = frac.is_none_or(|f| digits(f) && (!f.is_empty() || !int.is_empty()));
    let exp_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    (!int.is_empty() || frac.is_some_and(|f| !f.is_empty())) && int_ok && frac_ok && exp_ok
}

/// Decodes every top-level value of a manifest file, as kubectl does.
pub fn decode(text: &str, budget: Budget) -> Result<Vec<Decoded>, DecodeError> {
    if looks_like_json(text) {
        decode_json_stream(text, budget)
    } else {
        decode_yaml(text, budget)
    }
}

/// apimachinery's GuessJSONStream: JSON if, within the first 4096 bytes
/// (the buffer kubectl's stream visitor peeks), the first non-space
/// character is `{`. A file that starts with more whitespace than that is
/// YAML to kubectl, even if it is JSON.
fn looks_like_json(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(4096)];
    String::from_utf8_lossy(head).trim_start().starts_with('{')
}

fn line_of(text: &str, offset: usize) -> u64 {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
}

fn decode_json_stream(text: &str, budget: Budget) -> Result<Vec<Decoded>, DecodeError> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    loop {
        let start = stream.byte_offset();
        match stream.next() {
            None => break,
            Some(Ok(mut v)) => {
                let skipped = text[start..].len() - text[start..].trim_start().len();
                let line = line_of(text, start + skipped);
                check_json(&mut v, line, budget)?;
                out.push(Decoded {
                    value: v,
                    line,
                    spans: Spans::default(),
                });
            }
            Some(Err(e)) => {
                return Err(syntax(Some(e.line() as u64), format!("invalid JSON: {e}")));
            }
        }
    }
    Ok(out)
}

/// JSON documents get the same number rule and budgets as YAML ones.
fn check_json(v: &mut Value, line: u64, budget: Budget) -> Result<(), DecodeError> {
    let mut nodes = 0usize;
    let mut stack = vec![(v, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        nodes += 1;
        if depth > budget.max_depth || nodes > budget.max_nodes {
            return Err(DecodeError {
                kind: ErrorKind::Budget,
                line: Some(line),
                message: format!(
                    "the JSON document nests deeper than {} or holds more than {} values",
                    budget.max_depth, budget.max_nodes
                ),
                fix: "simplify the document, or raise limits.yaml_max_depth or yaml_max_nodes",
            });
        }
        match v {
            // Beyond int64, kubectl's decoder holds a float64.
            Value::Number(n) if n.is_u64() && n.as_i64().is_none() => {
                if let Some(f) = n.as_f64().and_then(Number::from_f64) {
                    *n = f;
                }
            }
            Value::Array(a) => stack.extend(a.iter_mut().map(|x| (x, depth + 1))),
            Value::Object(o) => stack.extend(o.values_mut().map(|x| (x, depth + 1))),
            _ => {}
        }
    }
    Ok(())
}

/// apimachinery's YAMLReader: pieces between lines that start with `---`.
/// Its line reader (bufio's ReadLine) drops each line's `\n` or `\r\n`
/// and writes `\n` back, so a piece has LF endings and always ends in a
/// newline — which a block scalar on the last line keeps (`v: |` then
/// `text` at the end of the file is "text\n" to kubectl).
/// Returns (first line of the piece, 1-based; the piece's text).
fn split_documents(text: &str) -> Result<Vec<(u64, String)>, DecodeError> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut start_line = 1u64;
    for (line_no, raw) in (1u64..).zip(text.split_inclusive('\n')) {
        let line = match raw.strip_suffix('\n') {
            Some(l) => l.strip_suffix('\r').unwrap_or(l),
            None => raw,
        };
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(syntax(
                    Some(line_no),
                    format!("invalid document separator: {trimmed} (kubectl allows only a comment after `---`)"),
                ));
            }
            if !piece.is_empty() {
                pieces.push((start_line, std::mem::take(&mut piece)));
            }
            start_line = line_no + 1;
            continue;
        }
        piece.push_str(line);
        piece.push('\n');
    }
    if !piece.is_empty() {
        pieces.push((start_line, piece));
    }
    Ok(pieces)
}

fn decode_yaml(text: &str, budget: Budget) -> Result<Vec<Decoded>, DecodeError> {
    let mut out = Vec::new();
    let mut counters = Counters::default();
    for (first_line, piece) in split_documents(text)? {
        let offset = first_line - 1;
        if let Some(d) = decode_piece(&piece, offset, budget, &mut counters)? {
            out.push(d);
        }
    }
    Ok(out)
}

#[derive(Default)]
struct Counters {
    nodes: usize,
    alias_nodes: usize,
}

#[derive(Debug)]
enum Kind {
    Scalar {
        value: String,
        tag: Option<String>,
        implicit: bool,
    },
    Seq(Vec<usize>),
    Map(Vec<(usize, usize)>),
    Alias(usize),
}

#[derive(Debug)]
struct Node {
    kind: Kind,
    tag: Option<String>,
    /// 1-based (line, column) in the whole file.
    at: (u64, u64),
}

struct Composer {
    nodes: Vec<Node>,
    line_offset: u64,
}

impl Composer {
    fn at(&self, m: Mark) -> (u64, u64) {
        (m.line + 1 + self.line_offset, m.column + 1)
    }
}

/// One piece: its first document composed into nodes (go-yaml v2's
/// parser), then decoded.
fn decode_piece(
    piece: &str,
    line_offset: u64,
    budget: Budget,
    counters: &mut Counters,
) -> Result<Option<Decoded>, DecodeError> {
    let mut parser = Parser::new(piece.as_bytes().to_vec()).map_err(|e| syntax(None, e.problem))?;
    let mut c = Composer {
        nodes: Vec::new(),
        line_offset,
    };
    let mut anchors: HashMap<String, usize> = HashMap::new();
    // Open collections: (node index, pending key when it is a mapping).
    let mut stack: Vec<(usize, Option<usize>)> = Vec::new();
    // Whether each open collection is in flow style (`[...]`, `{...}`).
    let mut flows: Vec<bool> = Vec::new();
    let mut root: Option<usize> = None;
    let mut documents = 0usize;
    loop {
        let (event, mark) = parser.next_event().map_err(|e| {
            let (line, _) = c.at(e.mark);
            let msg = match e.context {
                Some(ctx) => format!("{ctx}: {}", e.problem),
                None => e.problem,
            };
            syntax(Some(line), msg)
        })?;
        let at = c.at(mark);
        if let Event::Scalar { tag: Some(_), .. }
        | Event::SequenceStart { tag: Some(_), .. }
        | Event::MappingStart { tag: Some(_), .. } = &event
        {
            check_tag_end(piece, mark.index as usize, at.0)?;
        }
        let (node, opens) = match event {
            Event::StreamStart | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(ambiguous(
                        at.0,
                        "a second YAML document without a `---` line (after `...`): kubectl reads only the first and ignores this one".into(),
                        "start each document with a `---` line of its own, or remove the `...`",
                    ));
                }
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                flows.pop();
                let Some((done, _)) = stack.pop() else {
                    return Err(syntax(Some(at.0), "unbalanced collection".into()));
                };
                attach(&mut c, &mut stack, &mut root, done);
                continue;
            }
            Event::Alias { anchor } => match anchors.get(&anchor) {
                Some(&target) => (
                    Node {
                        kind: Kind::Alias(target),
                        tag: None,
                        at,
                    },
                    None,
                ),
                None => {
                    return Err(syntax(
                        Some(at.0),
                        format!("unknown anchor '{anchor}' referenced"),
                    ))
                }
            },
            Event::Scalar {
                anchor,
                tag,
                value,
                implicit,
                double_quoted,
                raw,
            } => {
                let src = piece.get(raw.0..raw.1).unwrap_or("");
                if double_quoted {
                    check_escapes(src, at.0)?;
                } else if flows.last() == Some(&true) && !src.starts_with('\'') && src.contains('?')
                {
                    // libyaml 0.2.5 reads `{k: a?b}`; go-yaml v2 fails on it.
                    return Err(ambiguous(
                        at.0,
                        format!("`{}`: a `?` in a plain value inside `{{...}}` or `[...]`, which YAML readers parse differently", src.chars().take(40).collect::<String>()),
                        "quote the value",
                    ));
                }
                (
                    Node {
                        kind: Kind::Scalar {
                            value,
                            tag: tag.clone(),
                            implicit,
                        },
                        tag,
                        at,
                    },
                    anchor,
                )
            }
            Event::SequenceStart { anchor, tag, flow } => {
                flows.push(flow);
                (
                    Node {
                        kind: Kind::Seq(Vec::new()),
                        tag,
                        at,
                    },
                    Some(anchor.unwrap_or_default()),
                )
            }
            Event::MappingStart { anchor, tag, flow } => {
                flows.push(flow);
                (
                    Node {
                        kind: Kind::Map(Vec::new()),
                        tag,
                        at,
                    },
                    Some(anchor.unwrap_or_default()),
                )
            }
        };
        let i = c.nodes.len();
        let is_collection = matches!(node.kind, Kind::Seq(_) | Kind::Map(_));
        if let Some(tag) = node.tag.as_deref() {
            if is_collection && tag != MAP && tag != SEQ {
                return Err(ambiguous(
                    at.0,
                    format!(
                        "the tag {} on a collection: kubectl ignores it, other YAML readers do not",
                        short(tag)
                    ),
                    "remove the tag",
                ));
            }
        }
        c.nodes.push(node);
        counters.nodes += 1;
        if counters.nodes > budget.max_nodes {
            return Err(over_nodes(at.0, budget));
        }
        // go-yaml registers an anchor when its node starts, so an alias
        // inside the node's own collection refers to it (and fails below).
        if let Some(a) = opens.filter(|a| !a.is_empty()) {
            anchors.insert(a, i);
        }
        if is_collection {
            if stack.len() >= budget.max_depth {
                return Err(DecodeError {
                    kind: ErrorKind::Budget,
                    line: Some(at.0),
                    message: format!("the YAML nests deeper than {} levels", budget.max_depth),
                    fix: "simplify the YAML, or raise limits.yaml_max_depth",
                });
            }
            stack.push((i, None));
        } else {
            attach(&mut c, &mut stack, &mut root, i);
        }
    }
    let Some(root) = root else {
        return Ok(None);
    };
    let mut d = Decoder {
        nodes: &c.nodes,
        budget,
        counters,
        spans: HashMap::new(),
        active_aliases: HashSet::new(),
        in_alias: 0,
        decode_count: 0,
        alias_count: 0,
    };
    let mut path = Vec::new();
    let value = d.value(root, &mut path, 0)?;
    if value.is_null() {
        return Ok(None);
    }
    let spans = Spans {
        entries: std::mem::take(&mut d.spans),
    };
    Ok(Some(Decoded {
        value,
        line: c.nodes[root].at.0,
        spans,
    }))
}

/// libyaml 0.2.5 ends a tag at a flow indicator (`,[]{}`), go-yaml v2
/// keeps reading it: `{sc: !x,y: {privileged: true}}` is `sc: ""` plus a key
/// `y` to one, and a privileged `sc` to the other. A tag written directly
/// against a flow indicator is refused. (`src[at..]` starts at the node's
/// properties: its anchor and tag.)
fn check_tag_end(src: &str, at: usize, line: u64) -> Result<(), DecodeError> {
    let rest = src.get(at..).unwrap_or("");
    for token in rest.split([' ', '\t', '\n', '\r']).take(2) {
        if token.starts_with('!') && token.contains([',', '[', ']', '{', '}']) {
            return Err(ambiguous(
                line,
                format!(
                    "the tag in `{}` runs into a `,`, `[`, `]`, `{{` or `}}`: YAML readers end it in different places",
                    token.chars().take(40).collect::<String>()
                ),
                "put a space after the tag, or remove the tag",
            ));
        }
    }
    Ok(())
}

/// go-yaml v2 refuses `\/` in a double-quoted scalar ("found unknown
/// escape character"); libyaml 0.2.5 reads it as `/`. kubectl would fail,
/// so the file is refused as it would be.
fn check_escapes(raw: &str, line: u64) -> Result<(), DecodeError> {
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next() == Some('/') {
            return Err(syntax(
                Some(line),
                "found unknown escape character `\\/` (kubectl's YAML reader has no such escape)"
                    .into(),
            ));
        }
    }
    Ok(())
}

fn over_nodes(line: u64, budget: Budget) -> DecodeError {
    DecodeError {
        kind: ErrorKind::Budget,
        line: Some(line),
        message: format!(
            "the YAML holds more than {} nodes (aliases count each time they are used)",
            budget.max_nodes
        ),
        fix: "simplify the YAML (fewer aliases), or raise limits.yaml_max_nodes",
    }
}

/// Adds a finished node to the collection it is in, or makes it the root.
fn attach(
    c: &mut Composer,
    stack: &mut [(usize, Option<usize>)],
    root: &mut Option<usize>,
    i: usize,
) {
    let Some((parent, pending)) = stack.last_mut() else {
        *root = Some(i);
        return;
    };
    match &mut c.nodes[*parent].kind {
        Kind::Seq(items) => items.push(i),
        Kind::Map(pairs) => match pending.take() {
            None => *pending = Some(i),
            Some(k) => pairs.push((k, i)),
        },
        _ => {}
    }
}

struct Decoder<'a> {
    nodes: &'a [Node],
    budget: Budget,
    counters: &'a mut Counters,
    spans: HashMap<Vec<String>, (u64, u64)>,
    active_aliases: HashSet<usize>,
    /// > 0 while expanding an alias: nodes made count against the alias budget.
    in_alias: usize,
    decode_count: usize,
    alias_count: usize,
}

/// go-yaml v2's allowedAliasRatio: 99% of nodes may come from aliases up
/// to 400,000 nodes, falling to 10% at 4,000,000.
fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let n = decode_count as f64;
    if n <= LOW {
        0.99
    } else if n >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((n - LOW) / (HIGH - LOW))
    }
}

impl Decoder<'_> {
    fn count(&mut self, line: u64) -> Result<(), DecodeError> {
        // go-yaml v2's own guard (its decoder.unmarshal): past 1,000 nodes,
        // a document whose nodes come mostly from aliases is an error.
        // kubectl fails on it, so pushgate refuses it too.
        self.decode_count += 1;
        if self.in_alias > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(DecodeError {
                kind: ErrorKind::Budget,
                line: Some(line),
                message: "document contains excessive aliasing (kubectl's YAML reader refuses it)"
                    .into(),
                fix: "write the repeated parts out, or use fewer aliases",
            });
        }
        if self.in_alias > 0 {
            self.counters.nodes += 1;
            self.counters.alias_nodes += 1;
            if self.counters.nodes > self.budget.max_nodes {
                return Err(over_nodes(line, self.budget));
            }
            if self.counters.alias_nodes > self.budget.max_alias_nodes {
                return Err(DecodeError {
                    kind: ErrorKind::Budget,
                    line: Some(line),
                    message: format!(
                        "aliases expand to more than {} nodes",
                        self.budget.max_alias_nodes
                    ),
                    fix: "use fewer aliases, or raise limits.yaml_max_alias_events",
                });
            }
        }
        Ok(())
    }

    /// Follows aliases to the node they name, refusing cycles.
    fn value(
        &mut self,
        i: usize,
        path: &mut Vec<String>,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        let node = &self.nodes[i];
        if depth > self.budget.max_depth {
            return Err(DecodeError {
                kind: ErrorKind::Budget,
                line: Some(node.at.0),
                message: format!(
                    "the YAML nests deeper than {} levels (through aliases)",
                    self.budget.max_depth
                ),
                fix: "simplify the YAML, or raise limits.yaml_max_depth",
            });
        }
        self.count(node.at.0)?;
        match &node.kind {
            Kind::Alias(target) => {
                let target = *target;
                if !self.active_aliases.insert(target) {
                    return Err(syntax(
                        Some(node.at.0),
                        "an anchor's value contains itself".into(),
                    ));
                }
                self.in_alias += 1;
                let v = self.value(target, path, depth);
                self.in_alias -= 1;
                self.active_aliases.remove(&target);
                v
            }
            Kind::Scalar { .. } => self.scalar(i).map(|s| s.1),
            Kind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (n, &item) in items.iter().enumerate() {
                    path.push(n.to_string());
                    self.spans.insert(path.clone(), self.nodes[item].at);
                    let v = self.value(item, path, depth + 1);
                    path.pop();
                    out.push(v?);
                }
                Ok(Value::Array(out))
            }
            Kind::Map(_) => {
                let mut out = Map::new();
                self.mapping(i, &mut out, path, depth)?;
                Ok(Value::Object(out))
            }
        }
    }

    /// The node an alias chain ends at.
    fn target(&self, mut i: usize) -> usize {
        let mut hops = 0;
        while let Kind::Alias(t) = self.nodes[i].kind {
            i = t;
            hops += 1;
            if hops > self.nodes.len() {
                break;
            }
        }
        i
    }

    /// A scalar's JSON value, and its resolved form (for keys).
    fn scalar(&mut self, i: usize) -> Result<(Scalar, Value), DecodeError> {
        let node = &self.nodes[i];
        let Kind::Scalar {
            value,
            tag,
            implicit,
        } = &node.kind
        else {
            return Err(syntax(Some(node.at.0), "expected a scalar".into()));
        };
        let line = node.at.0;
        let resolved = if tag.is_none() && !implicit {
            Scalar::Str(value.clone())
        } else if tag.as_deref() == Some(BINARY) {
            use base64::Engine as _;
            let compact: String = value.chars().filter(|c| *c != '\n' && *c != '\r').collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact.as_bytes())
                .map_err(|_| {
                    syntax(
                        Some(line),
                        "!!binary value contains invalid base64 data".into(),
                    )
                })?;
            Scalar::Str(String::from_utf8(bytes).map_err(|_| {
                ambiguous(
                    line,
                    "a !!binary value that is not UTF-8 text: kubectl would replace its bytes".into(),
                    "put binary data in a Secret's or ConfigMap's base64 `data`/`binaryData` field as a plain string",
                )
            })?)
        } else {
            resolve(tag.as_deref(), value).map_err(|m| syntax(Some(line), m))?
        };
        let json = match &resolved {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Int(n) => Value::Number((*n).into()),
            // go-yaml's uint64 reaches kubectl as JSON text its decoder
            // cannot fit in int64, so it holds the float64; so does conftest.
            #[allow(clippy::cast_precision_loss)]
            Scalar::Uint(u) => float_json(*u as f64).unwrap_or(Value::Null),
            Scalar::Float(f) => float_json(*f).ok_or_else(|| {
                ambiguous(
                    line,
                    format!("`{value}` is {f}, which JSON cannot hold: kubectl fails on it"),
                    "write a finite number, or quote it if it is text",
                )
            })?,
            Scalar::Str(s) => Value::String(s.clone()),
        };
        Ok((resolved, json))
    }

    fn is_merge(&self, key: usize) -> bool {
        matches!(&self.nodes[key].kind, Kind::Scalar { value, tag, implicit, .. }
            if value == "<<" && (*implicit || tag.as_deref() == Some(MERGE)))
    }

    fn key_string(&mut self, key: usize) -> Result<String, DecodeError> {
        let k = self.target(key);
        let line = self.nodes[key].at.0;
        self.count(line)?;
        if !matches!(self.nodes[k].kind, Kind::Scalar { .. }) {
            return Err(ambiguous(
                line,
                "a mapping key that is itself a mapping or a list: JSON has no such key".into(),
                "use a string key",
            ));
        }
        let (resolved, _) = self.scalar(k)?;
        Ok(match resolved {
            Scalar::Str(s) => s,
            Scalar::Int(n) => n.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Float(f) => go_float_key(f),
            Scalar::Null | Scalar::Uint(_) => {
                return Err(ambiguous(
                    line,
                    "a null or out-of-range mapping key: kubectl fails on it".into(),
                    "use a string key (quote it)",
                ))
            }
        })
    }

    /// Fills `out` with the mapping at `i` (following an alias), merging
    /// `<<` values where they stand, as go-yaml v2 does: every key written
    /// later wins, and in a sequence of merges the earlier ones win.
    fn mapping(
        &mut self,
        i: usize,
        out: &mut Map<String, Value>,
        path: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), DecodeError> {
        let m = self.target(i);
        let Kind::Map(pairs) = &self.nodes[m].kind else {
            return Err(syntax(
                Some(self.nodes[i].at.0),
                "map merge requires map or sequence of maps as the value".into(),
            ));
        };
        let mut explicit: HashSet<String> = HashSet::new();
        for &(k, v) in pairs {
            if self.is_merge(k) {
                self.merge(v, out, path, depth)?;
                continue;
            }
            let key = self.key_string(k)?;
            if !explicit.insert(key.clone()) {
                return Err(ambiguous(
                    self.nodes[k].at.0,
                    format!("the key `{key}` appears twice in one mapping (after quoting rules): YAML readers keep different ones"),
                    "remove one of the two",
                ));
            }
            path.push(key.clone());
            self.spans.insert(path.clone(), self.nodes[k].at);
            let value = self.value(v, path, depth + 1);
            path.pop();
            out.insert(key, value?);
        }
        Ok(())
    }

    fn merge(
        &mut self,
        v: usize,
        out: &mut Map<String, Value>,
        path: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), DecodeError> {
        let t = self.target(v);
        let line = self.nodes[v].at.0;
        let want_map = || {
            syntax(
                Some(line),
                "map merge requires map or sequence of maps as the value".into(),
            )
        };
        match &self.nodes[t].kind {
            Kind::Map(_) => self.merged_mapping(v, out, path, depth),
            // go-yaml follows an alias here only to a mapping.
            Kind::Seq(_) if t != v => Err(want_map()),
            Kind::Seq(items) => {
                let items = items.clone();
                for &item in items.iter().rev() {
                    if !matches!(self.nodes[self.target(item)].kind, Kind::Map(_)) {
                        return Err(want_map());
                    }
                    self.merged_mapping(item, out, path, depth)?;
                }
                Ok(())
            }
            _ => Err(want_map()),
        }
    }

    fn merged_mapping(
        &mut self,
        i: usize,
        out: &mut Map<String, Value>,
        path: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), DecodeError> {
        let through_alias = matches!(self.nodes[i].kind, Kind::Alias(_));
        let t = self.target(i);
        if through_alias && !self.active_aliases.insert(t) {
            return Err(syntax(
                Some(self.nodes[i].at.0),
                "an anchor's value contains itself".into(),
            ));
        }
        if through_alias {
            self.in_alias += 1;
        }
        let r = self.mapping(t, out, path, depth);
        if through_alias {
            self.in_alias -= 1;
            self.active_aliases.remove(&t);
        }
        r
    }
}

/// A float as kubectl ends up holding it: Go's encoding/json prints an
/// integral value below 1e21 without a fraction, and the unstructured
/// decoder reads that back as int64 when it fits.
fn float_json(f: f64) -> Option<Value> {
    if !f.is_finite() {
        return None;
    }
    // (Beyond int64, kubectl's decoder falls back to float64, as here.)
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        return Some(Value::Number((f as i64).into()));
    }
    Number::from_f64(f).map(Value::Number)
}

/// go-yaml v2's resolve table: the first byte hints at what a plain
/// scalar may be.
fn hint(value: &str) -> u8 {
    match value.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    }
}

/// A resolved scalar, before JSON.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
}

fn in_map(value: &str) -> Option<(&'static str, Scalar)> {
    Some(match value {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            (BOOL, Scalar::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            (BOOL, Scalar::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => (NULL, Scalar::Null),
        ".nan" | ".NaN" | ".NAN" => (FLOAT, Scalar::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            (FLOAT, Scalar::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => (FLOAT, Scalar::Float(f64::NEG_INFINITY)),
        _ => return None,
    })
}

/// Go's strconv.ParseUint(s, 0, 64) without the sign: base prefixes
/// 0x, 0o, 0b, and a bare leading 0 for octal.
fn go_parse_base0(body: &str) -> Option<u128> {
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: u128 = 0;
    for ch in digits.chars() {
        let d = ch.to_digit(radix)?;
        n = n
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))?;
        if n > u128::from(u64::MAX) + 1 {
            return None;
        }
    }
    Some(n)
}

fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = go_parse_base0(body)?;
    if neg {
        if n <= (i64::MAX as u128) + 1 {
            Some((n as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else {
        i64::try_from(n).ok()
    }
}

fn go_parse_uint(s: &str) -> Option<u64> {
    u64::try_from(go_parse_base0(s)?).ok()
}

/// Leading ASCII digits of `s`: (count, rest).
fn digits(s: &str) -> (usize, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (n, &s[n..])
}

/// go-yaml v2's `yamlStyleFloat`:
/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let rest = if let Some(frac) = s.strip_prefix('.') {
        let (n, rest) = digits(frac);
        if n == 0 {
            return false;
        }
        rest
    } else {
        let (n, rest) = digits(s);
        if n == 0 {
            return false;
        }
        match rest.strip_prefix('.') {
            Some(frac) => digits(frac).1,
            None => rest,
        }
    };
    match rest.strip_prefix(['e', 'E']) {
        None => rest.is_empty(),
        Some(exp) => {
            let exp = exp.strip_prefix(['-', '+']).unwrap_or(exp);
            let (n, rest) = digits(exp);
            n > 0 && rest.is_empty()
        }
    }
}

/// `h:m:s` with 1-2 digits each and an optional fraction; the rest.
fn clock(s: &str) -> Option<&str> {
    let mut rest = s;
    for i in 0..3 {
        let (n, r) = digits(rest);
        if !(1..=2).contains(&n) {
            return None;
        }
        rest = if i < 2 { r.strip_prefix(':')? } else { r };
    }
    match rest.strip_prefix('.') {
        Some(frac) => {
            let (n, r) = digits(frac);
            (n > 0).then_some(r)
        }
        None => Some(rest),
    }
}

/// go-yaml v2's timestamp layouts: `2006-1-2`, then optionally `T`/`t`
/// and a clock with a zone (`Z` or `+07:00`), or a space and a clock.
fn yaml_timestamp(s: &str) -> bool {
    let (n, rest) = digits(s);
    if n != 4 {
        return false;
    }
    let mut rest = rest;
    for _ in 0..2 {
        let Some(r) = rest.strip_prefix('-') else {
            return false;
        };
        let (n, r) = digits(r);
        if !(1..=2).contains(&n) {
            return false;
        }
        rest = r;
    }
    if rest.is_empty() {
        return true;
    }
    if let Some(t) = rest.strip_prefix(['T', 't']) {
        let Some(zone) = clock(t) else { return false };
        if zone == "Z" {
            return true;
        }
        let Some(z) = zone.strip_prefix(['+', '-']) else {
            return false;
        };
        let b = z.as_bytes();
        return b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit());
    }
    rest.strip_prefix(' ').and_then(clock) == Some("")
}

fn short(tag: &str) -> String {
    match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(t) => format!("!!{t}"),
        None => tag.to_owned(),
    }
}

/// go-yaml v2's `resolve`: the value of a scalar with this tag and text.
fn resolve(tag: Option<&str>, value: &str) -> Result<Scalar, String> {
    let resolvable = matches!(
        tag,
        None | Some(STR) | Some(BOOL) | Some(NULL) | Some(INT) | Some(FLOAT) | Some(TIMESTAMP)
    );
    if !resolvable {
        return Ok(Scalar::Str(value.to_owned()));
    }
    let (rtag, out) = resolve_untyped(tag, value);
    match tag {
        None | Some(STR) => Ok(out),
        Some(t) if t == rtag => Ok(out),
        Some(FLOAT) if rtag == INT => match out {
            Scalar::Int(i) => Ok(Scalar::Float(i as f64)),
            Scalar::Uint(u) => Ok(Scalar::Float(u as f64)),
            _ => Err(format!(
                "cannot decode {} `{value}` as a !!float",
                short(rtag)
            )),
        },
        Some(t) => Err(format!(
            "cannot decode {} `{value}` as a {}",
            short(rtag),
            short(t)
        )),
    }
}

fn resolve_untyped(tag: Option<&str>, value: &str) -> (&'static str, Scalar) {
    let h = hint(value);
    if h != 0 && tag != Some(STR) {
        if let Some(found) = in_map(value) {
            return found;
        }
        match h {
            b'.' if value
                .bytes()
                .all(|b| b.is_ascii_digit() || b"eE+-.".contains(&b)) =>
            {
                // Go's ParseFloat fails on overflow (1e400 stays a string).
                if let Some(f) = value.parse::<f64>().ok().filter(|f| f.is_finite()) {
                    return (FLOAT, Scalar::Float(f));
                }
            }
            b'D' | b'S' => {
                if matches!(tag, None | Some(TIMESTAMP)) && yaml_timestamp(value) {
                    return (TIMESTAMP, Scalar::Str(value.to_owned()));
                }
                let plain = value.replace('_', "");
                if let Some(i) = go_parse_int(&plain) {
                    return (INT, Scalar::Int(i));
                }
                if let Some(u) = go_parse_uint(&plain) {
                    return (INT, Scalar::Uint(u));
                }
                if yaml_style_float(&plain) {
                    if let Some(f) = plain.parse::<f64>().ok().filter(|f| f.is_finite()) {
                        return (FLOAT, Scalar::Float(f));
                    }
                }
            }
            _ => {}
        }
    }
    (STR, Scalar::Str(value.to_owned()))
}

/// Go's strconv.FormatFloat(f, 'g', -1, 32), which sigs.k8s.io/yaml uses
/// for float map keys.
fn go_float_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let f32v = f as f32;
    if f32v == 0.0 {
        return if f32v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{f32v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let nd = digits.len() as i32;
    let text = if !(-4..6).contains(&exp) {
        let body = if nd > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits.clone()
        };
        format!("{body}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        let dp = exp + 1;
        if dp <= 0 {
            format!("0.{}{}", "0".repeat((-dp) as usize), digits)
        } else if dp >= nd {
            format!("{}{}", digits, "0".repeat((dp - nd) as usize))
        } else {
            format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
        }
    };
    if neg {
        format!("-{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_scalars_resolve_as_go_yaml_v2() {
        let r = |v| resolve(None, v).unwrap();
        assert_eq!(r("017"), Scalar::Int(15));
        assert_eq!(r("0_0"), Scalar::Int(0));
        assert_eq!(r("1__0"), Scalar::Int(10));
        assert_eq!(r("0o17"), Scalar::Int(15));
        assert_eq!(r("0x1F"), Scalar::Int(31));
        assert_eq!(r("-0b1"), Scalar::Int(-1));
        assert_eq!(r("+12"), Scalar::Int(12));
        assert_eq!(r("08"), Scalar::Float(8.0));
        assert_eq!(r("1."), Scalar::Float(1.0));
        assert_eq!(r(".5"), Scalar::Float(0.5));
        assert_eq!(r("yes"), Scalar::Bool(true));
        assert_eq!(r("Off"), Scalar::Bool(false));
        assert_eq!(r("tRue"), Scalar::Str("tRue".into()));
        assert_eq!(r("~"), Scalar::Null);
        assert_eq!(r("2001-12-14"), Scalar::Str("2001-12-14".into()));
        assert_eq!(r("18446744073709551615"), Scalar::Uint(u64::MAX));
        assert_eq!(r("-9223372036854775808"), Scalar::Int(i64::MIN));
        assert_eq!(r("190:20:30"), Scalar::Str("190:20:30".into()));
        assert_eq!(r("+.inf"), Scalar::Float(f64::INFINITY));
        assert!(resolve(Some(INT), "abc").is_err());
        assert_eq!(resolve(Some(FLOAT), "1").unwrap(), Scalar::Float(1.0));
        assert_eq!(resolve(Some(STR), "1").unwrap(), Scalar::Str("1".into()));
        assert_eq!(resolve(Some("!foo"), "1").unwrap(), Scalar::Str("1".into()));
    }

    fn docs(text: &str) -> Result<Vec<Value>, DecodeError> {
        let b = Budget {
            max_depth: 64,
            max_nodes: 100_000,
            max_alias_nodes: 10_000,
        };
        Ok(decode(text, b)?.into_iter().map(|d| d.value).collect())
    }

    #[test]
    fn merge_keys_apply_in_order_later_wins() {
        let v = docs("kind: ConfigMap\n<<: {kind: Pod}\n").unwrap();
        assert_eq!(v[0]["kind"], "Pod");
        let v = docs("<<: {kind: Pod}\nkind: ConfigMap\n").unwrap();
        assert_eq!(v[0]["kind"], "ConfigMap");
        let v = docs("a: &a {p: true}\nb: &b {p: false, q: 1}\nc:\n  <<: [*a, *b]\n").unwrap();
        assert_eq!(v[0]["c"]["p"], true);
        assert_eq!(v[0]["c"]["q"], 1);
        let v = docs("x: {privileged: false, <<: {privileged: true}}\n").unwrap();
        assert_eq!(v[0]["x"]["privileged"], true);
        // A quoted "<<" is an ordinary key.
        let v = docs("\"<<\": {a: 1}\n").unwrap();
        assert_eq!(v[0]["<<"]["a"], 1);
    }

    #[test]
    fn documents_split_as_kubectl_splits_them() {
        let v = docs("---\na: 1\n--- # c\nb: 2\n---\n\n---\n").unwrap();
        assert_eq!(v.len(), 2);
        assert!(docs("--- a: 1\n").is_err());
        // kubectl reads `a: 1` and never sees `b: 2`: refused, not guessed.
        assert!(docs("a: 1\n...\nb: 2\n").is_err());
        let v = docs(" {\"a\": 1} {\"b\": 2}").unwrap();
        assert_eq!(v.len(), 2);
    }

    #[test]
    fn ambiguous_constructs_are_refused() {
        for y in [
            "a: 1\na: 2\n",
            "1: a\n\"1\": b\n",
            "? [a]\n: 1\n",
            "a: !!set {x: null}\n",
            "a: .inf\n",
            "~: 1\n",
        ] {
            assert!(docs(y).is_err(), "{y}");
        }
    }

    #[test]
    fn integers_beyond_int64_are_floats_as_in_kubectl() {
        let v = docs("a: 18446744073709551615\nb: 99999999999999999999\nc: 1e400\n").unwrap();
        assert_eq!(v[0]["a"].as_f64(), Some(18446744073709551615u64 as f64));
        assert!(v[0]["a"].is_f64());
        assert_eq!(v[0]["b"].as_f64(), Some(1e20));
        assert_eq!(v[0]["c"], "1e400");
    }

    #[test]
    fn keys_become_strings_as_sigs_yaml_does() {
        let v = docs("1: a\ntrue: b\n1.5: c\nyes: d\n").unwrap_err();
        // `true` and `yes` are both the key "true".
        assert_eq!(v.kind, ErrorKind::Ambiguous);
        let v = docs("1: a\non: b\n1.5: c\n0x10: d\n").unwrap();
        let o = v[0].as_object().unwrap();
        let mut keys: Vec<_> = o.keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["1", "1.5", "16", "true"]);
    }

    #[test]
    fn alias_bombs_and_self_references_stop() {
        let e = docs("a: &a [*a]\n").unwrap_err();
        assert!(
            e.message.contains("itself") || e.message.contains("anchor"),
            "{e:?}"
        );
    }

    #[test]
    fn float_and_timestamp_shapes_are_go_yamls() {
        for f in ["1", "1.", ".5", "-1.5e3", "+2E-7", "08", "1.5e+10"] {
            assert!(yaml_style_float(f), "{f}");
        }
        for f in ["", ".", "e5", "1e", "1.5.2", "--1", "1_0", ".e5", "inf"] {
            assert!(!yaml_style_float(f), "{f}");
        }
        for t in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14T21:59:43Z",
            "2002-12-14 21:59:43.5",
        ] {
            assert!(yaml_timestamp(t), "{t}");
        }
        for t in [
            "2001-12",
            "01-12-14",
            "2001-12-14T21:59:43",
            "2001-12-14 21:59",
            "2001-12-14T1:2:3+0500",
        ] {
            assert!(!yaml_timestamp(t), "{t}");
        }
    }

    #[test]
    fn float_keys_format_as_go() {
        assert_eq!(go_float_key(1.5), "1.5");
        assert_eq!(go_float_key(0.1), "0.1");
        assert_eq!(go_float_key(1e6), "1e+06");
        assert_eq!(go_float_key(123456.0), "123456");
        assert_eq!(go_float_key(f64::INFINITY), ".inf");
    }

    #[test]
    fn annotations_read_as_yaml_1_2_or_are_refused() {
        // Portable: the same value under go-yaml v2 and v3.
        assert_eq!(
            annotation(" a: 'yes'\n b: [1, -2.5e3, null, true, ~, x]\n c: |\n   two\n").unwrap(),
            serde_json::json!({"a": "yes", "b": [1, -2500, null, true, null, "x"], "c": "two\n"})
        );
        // v2 and v3 part: refused, never read one way silently.
        assert_eq!(
            annotation("on: yes\nn: 'x'\n").unwrap(),
            serde_json::json!({"on": "yes", "n": "x"})
        );
        for text in [
            "a: 0777",
            "a: 1_000",
            "a: 2001-12-14",
            "a: 0o17",
            "a: 0x1F",
            "1: x",
            "a: &x 1",
            "a: !!str 1",
            "{[a]: 1}",
            "<<: {a: 1}",
            "a: 1\na: 2",
        ] {
            assert!(annotation(text).is_err(), "{text} was accepted");
        }
    }
}
