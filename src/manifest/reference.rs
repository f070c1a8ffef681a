//! What the kubectl differential test and the manifest fuzz target compare
//! pushgate's decoding with: kubectl's stored answers
//! (tests/kube-diff/expected/, written by kubectl_decode.py) and a
//! canonical re-emission of a decoded value. Test support, kept in the
//! library so both use one definition; nothing in the gate calls it.

use serde_json::Value;

/// Equal as kubectl's JSON: numbers by value (1 and 1.0 are one number).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// What `kubectl label --local ... pushgate-diff-probe=1` and the stored
/// normalisation do to metadata, applied to pushgate's side: labels are
/// read as a string map (any other value and they are dropped), an empty
/// namespace is none, an empty `labels` and then an empty `metadata`
/// disappear.
pub fn probe_normalised(mut doc: Value) -> Value {
    if let Some(meta) = doc.get_mut("metadata").and_then(Value::as_object_mut) {
        if meta.get("labels").is_some_and(|l| {
            !l.as_object()
                .is_some_and(|o| o.values().all(Value::is_string))
        }) {
            meta.remove("labels");
        }
        if meta
            .get("namespace")
            .is_some_and(|n| n.is_null() || n == "")
        {
            meta.remove("namespace");
        }
        if meta
            .get("labels")
            .and_then(Value::as_object)
            .is_some_and(|l| l.is_empty())
        {
            meta.remove("labels");
        }
    }
    if let Some(o) = doc.as_object_mut() {
        if o.get("metadata")
            .and_then(Value::as_object)
            .is_some_and(|m| m.is_empty())
        {
            o.remove("metadata");
        }
    }
    doc
}

/// kubectl's errors that mean "this is not YAML/JSON it can read", as
/// opposed to "it read it, and a field has the wrong type".
pub fn is_syntax_error(e: &str) -> bool {
    [
        "error converting YAML to JSON",
        "yaml: ",
        "invalid Yaml document separator",
        "invalid character",
        "unexpected end of JSON input",
        "json: unsupported value",
    ]
    .iter()
    .any(|s| e.contains(s))
}

/// A value as YAML that no reader can take two ways: flow style, every
/// string double-quoted with everything outside printable ASCII escaped,
/// numbers and booleans plain, after a comment line (so it is not sniffed
/// as JSON). Decoding it must give the value back.
pub fn canonical_yaml(v: &Value) -> String {
    let mut out = String::from("# canonical\n");
    emit(v, &mut out);
    out.push('\n');
    out
}

fn emit(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    ' '..='~' => out.push(c),
                    c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push_str(&format!("\\U{:08x}", c as u32)),
                }
            }
            out.push('"');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                emit(x, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                emit(&Value::String(k.clone()), out);
                out.push_str(": ");
                emit(x, out);
            }
            out.push('}');
        }
    }
}
