//! gitleaks' expressions as Go reads them: every pattern in
//! tests/secrets-diff/patterns.json (hand-written edges of the two
//! dialects, and shapes of real rules) and every expression of the packs in
//! tests/secrets-diff/real/ (gitleaks' own pack, where a session fetched
//! it; never committed), compiled by `secrets::gitleaks::compile` and by
//! Go's own `regexp` (tests/secrets-diff/goregex.go, the package gitleaks
//! compiles its rules with), then run on the same inputs: the same
//! refusals, and the same matches and groups at the same byte offsets.
//! tests/secrets-diff/known-deviations.txt lists what differs on purpose.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/secrets-diff")
}

/// Go's answers for `cases`.
fn go(cases: &Value) -> Vec<Value> {
    use std::io::Write as _;
    let mut child = Command::new("go")
        .args(["run", "goregex.go"])
        .current_dir(root())
        .env("GOFLAGS", "-mod=mod")
        .env("GOCACHE", std::env::temp_dir().join("pushgate-gocache"))
        .env("GOPATH", std::env::temp_dir().join("pushgate-gopath"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Go is the reference for gitleaks' expressions: apt-get install golang-go");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(cases.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "goregex.go failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Ours, in the shape goregex.go writes.
fn ours(pattern: &str, inputs: &[String]) -> Value {
    match pushgate::secrets::gitleaks::compile(pattern) {
        Err(e) => json!({ "error": e, "matches": [] }),
        Ok(re) => {
            let per: Vec<Value> = inputs
                .iter()
                .map(|input| {
                    let mut spans = Vec::new();
                    for caps in re.captures_iter(input) {
                        for g in 0..caps.len() {
                            spans.push(
                                caps.get(g)
                                    .map_or(json!([-1, -1]), |m| json!([m.start(), m.end()])),
                            );
                        }
                        spans.push(json!([-2, -2]));
                    }
                    Value::Array(spans)
                })
                .collect();
            json!({ "matches": per })
        }
    }
}

/// Every expression of a gitleaks pack: rules' regex and path, and every
/// allowlist's regexes and paths.
fn expressions(pack: &toml::Value, out: &mut Vec<String>) {
    match pack {
        toml::Value::Table(t) => {
            for (k, v) in t {
                match (k.to_ascii_lowercase().as_str(), v) {
                    ("regex" | "path", toml::Value::String(s)) => out.push(s.clone()),
                    ("regexes" | "paths", toml::Value::Array(a)) => {
                        let list: Vec<String> = a
                            .iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect();
                        // Each alone, and joined as gitleaks joins them.
                        out.push(pushgate::secrets::gitleaks::join_or(&list));
                        out.extend(list);
                    }
                    _ => expressions(v, out),
                }
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|v| expressions(v, out)),
        _ => {}
    }
}

#[test]
fn pack_expressions_match_as_gos_regexp_matches_them() {
    let edge: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(root().join("patterns.json")).unwrap())
            .unwrap();
    let mut cases: Vec<(String, Vec<String>)> = edge
        .iter()
        .map(|c| {
            (
                c["pattern"].as_str().unwrap().to_owned(),
                c["inputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    let edges = cases.len();
    // The real packs, on the edge inputs and the secrets corpus.
    let mut inputs: Vec<String> = cases.first().map(|c| c.1.clone()).unwrap_or_default();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/secrets-corpus");
    for dir in ["true", "false"] {
        for e in std::fs::read_dir(corpus.join(dir)).unwrap().flatten() {
            if let Ok(text) = std::fs::read_to_string(e.path()) {
                inputs.push(text);
            }
        }
    }
    if let Ok(dir) = std::fs::read_dir(root().join("real")) {
        for e in dir.flatten() {
            if e.path().extension().is_none_or(|x| x != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(e.path()).unwrap();
            let pack: toml::Value = toml::from_str(&text).unwrap();
            let mut exprs = Vec::new();
            expressions(&pack, &mut exprs);
            for x in exprs {
                cases.push((x, inputs.clone()));
            }
        }
    }
    let known: BTreeMap<String, String> =
        std::fs::read_to_string(root().join("known-deviations.txt"))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(p, why)| (p.to_owned(), why.to_owned()))
            .collect();
    let query = Value::Array(
        cases
            .iter()
            .map(|(p, i)| json!({ "pattern": p, "inputs": i }))
            .collect(),
    );
    let theirs = go(&query);
    assert_eq!(theirs.len(), cases.len());
    let mut wrong = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    let (mut refused, mut compared) = (0, 0);
    for ((pattern, inputs), go) in cases.iter().zip(&theirs) {
        let us = ours(pattern, inputs);
        let (go_err, our_err) = (go.get("error").is_some(), us.get("error").is_some());
        let same = match (go_err, our_err) {
            (true, true) => {
                refused += 1;
                true
            }
            (false, false) => {
                compared += 1;
                go["matches"] == us["matches"]
            }
            _ => false,
        };
        if same {
            continue;
        }
        if known.contains_key(pattern) {
            used.insert(pattern.clone());
            continue;
        }
        let first = |v: &Value| -> String {
            if let Some(e) = v.get("error") {
                return format!("refused: {e}");
            }
            let per = v["matches"].as_array().cloned().unwrap_or_default();
            per.iter()
                .zip(inputs)
                .find(|(m, _)| {
                    let other = if std::ptr::eq(v, go) { &us } else { go };
                    other["matches"]
                        .as_array()
                        .map(|o| o.iter().all(|x| x != *m))
                        .unwrap_or(true)
                })
                .map(|(m, i)| format!("on {i:?}: {m}"))
                .unwrap_or_else(|| format!("{per:?}"))
        };
        wrong.push(format!(
            "`{pattern}`\n    Go:   {}\n    ours: {}",
            first(go),
            first(&us)
        ));
    }
    assert!(
        wrong.is_empty(),
        "{} expressions read differently from Go's regexp:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let stale: Vec<_> = known.keys().filter(|k| !used.contains(*k)).collect();
    assert!(
        stale.is_empty(),
        "known-deviations.txt lists expressions that no longer differ: {stale:?}"
    );
    assert!(
        edges >= 60 && compared >= 50 && refused >= 5,
        "{edges} {compared} {refused}"
    );
}

/// gitleaks' own decoding test (detect/detect_test.go, "detect encoded":
/// its text, its pack, the findings it expects), where a session took it
/// out of gitleaks with tools/gitleaks_cases.py: the same findings — rule,
/// secret and line.
#[test]
fn encoded_secrets_are_found_as_gitleaks_own_test_expects() {
    let Ok(text) = std::fs::read_to_string(root().join("real/encoded.json")) else {
        // Not fetched on this machine (CI): the unit tests in
        // src/secrets/decode.rs stand in.
        return;
    };
    let case: Value = serde_json::from_str(&text).unwrap();
    let pack = root().join("real/encoded.toml");
    let (packs, rules) =
        pushgate::secrets::gitleaks::load(&[(pack, "encoded.toml".into())]).unwrap();
    // The depth gitleaks' test runs with (its CLI's default is 5).
    let scanner = pushgate::secrets::Scanner::new(false, packs, rules)
        .unwrap()
        .with_decode_depth(8);
    let found = scanner.scan(
        case["text"].as_str().unwrap().as_bytes(),
        pushgate::secrets::Origin {
            path: Some("tmp.go"),
            commit: "",
        },
    );
    let ours: std::collections::BTreeSet<(String, String, u64)> = found
        .iter()
        .map(|f| (f.code.clone(), f.fingerprint.clone(), f.line))
        .collect();
    let theirs: std::collections::BTreeSet<(String, String, u64)> = case["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                format!("secret.{}", f["rule"].as_str().unwrap()),
                pushgate::secrets::fingerprint(f["secret"].as_str().unwrap()),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let describe = |set: &std::collections::BTreeSet<(String, String, u64)>| {
        set.iter()
            .map(|(c, fp, l)| {
                let secret = case["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| pushgate::secrets::fingerprint(f["secret"].as_str().unwrap()) == *fp)
                    .map_or("?".to_owned(), |f| {
                        f["secret"].as_str().unwrap().chars().take(30).collect()
                    });
                format!("{c} line {l} ({secret})")
            })
            .collect::<Vec<_>>()
    };
    let missing: std::collections::BTreeSet<_> = theirs.difference(&ours).cloned().collect();
    let extra: std::collections::BTreeSet<_> = ours.difference(&theirs).cloned().collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "gitleaks finds, pushgate does not: {:#?}\npushgate finds, gitleaks does not: {:#?}",
        describe(&missing),
        describe(&extra)
    );
}
