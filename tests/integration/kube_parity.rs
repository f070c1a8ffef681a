//! Differential test of the manifest decoder against kubectl.
//!
//! tests/kube-diff/ holds real public manifests and hand-written edge cases
//! (corpus/) and, for each, what kubectl v1.32 decoded from it (expected/,
//! written by kubectl_decode.py, which .ci/run re-checks against the live
//! kubectl). For every file, pushgate must either hand policies exactly
//! the objects kubectl decoded, or refuse the file. Where kubectl itself
//! fails to read the YAML, pushgate must refuse too; where kubectl fails
//! for another reason (a field of the wrong type, no kind), nothing would
//! be applied, and either answer is safe.

use std::path::{Path, PathBuf};

use pushgate::manifest::reference::{is_syntax_error, probe_normalised, same};
use pushgate::manifest::{self, Limits};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kube-diff")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(p);
        }
    }
}

#[derive(Default)]
struct Tally {
    agree: usize,
    refused: usize,
    /// Real-world files pushgate refuses though kubectl reads them: each a
    /// cost to users, so listed.
    refused_real: Vec<String>,
    refused_as_kubectl: usize,
    kubectl_fails_we_read: usize,
    problems: Vec<String>,
}

fn compare(decode: impl Fn(&str, &[u8]) -> Result<Vec<Value>, String>) -> Tally {
    let root = root();
    let mut all = Vec::new();
    files(&root.join("corpus"), &mut all);
    assert!(all.len() >= 500, "the corpus has only {} files", all.len());
    let mut t = Tally::default();
    for path in &all {
        let rel = path
            .strip_prefix(root.join("corpus"))
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let expected_path = root.join("expected").join(format!("{rel}.json"));
        let Ok(text) = std::fs::read_to_string(&expected_path) else {
            t.problems.push(format!(
                "{rel}: no expected result (run tests/kube-diff/kubectl_decode.py --write)"
            ));
            continue;
        };
        let bytes = std::fs::read(path).unwrap();
        let ours = decode(&rel, &bytes)
            .map(|docs| docs.into_iter().map(probe_normalised).collect::<Vec<_>>());
        let expected: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            // Nesting deeper than serde_json reads (128): pushgate's budget
            // (64) refuses such a file first.
            Err(_) if ours.is_err() && text.len() > 10_000 => {
                t.refused += 1;
                continue;
            }
            Err(e) => {
                t.problems
                    .push(format!("{rel}: expected result unreadable: {e}"));
                continue;
            }
        };
        match (expected["status"].as_str(), ours) {
            (Some("ok"), Ok(docs)) => {
                let want = expected["objects"].as_array().cloned().unwrap_or_default();
                if docs.len() == want.len() && docs.iter().zip(&want).all(|(a, b)| same(a, b)) {
                    t.agree += 1;
                } else {
                    t.problems.push(format!(
                        "{rel}: pushgate decodes\n  {}\nkubectl decodes\n  {}",
                        serde_json::to_string(&docs).unwrap(),
                        serde_json::to_string(&want).unwrap()
                    ));
                }
            }
            (Some("ok"), Err(e)) => {
                t.refused += 1;
                if rel.starts_with("real/") {
                    t.refused_real.push(format!("{rel}: {e}"));
                }
            }
            // kubectl's answer changes from run to run (a key written twice
            // as `1` and `"1"`: Go's map order decides): only a refusal is
            // safe.
            (Some("nondeterministic"), Err(_)) => t.refused_as_kubectl += 1,
            (Some("nondeterministic"), Ok(docs)) => t.problems.push(format!(
                "{rel}: kubectl's decoding is not deterministic, pushgate reads {}",
                serde_json::to_string(&docs).unwrap()
            )),
            (Some("error"), Err(_)) => t.refused_as_kubectl += 1,
            (Some("error"), Ok(docs)) => {
                let e = expected["error"].as_str().unwrap_or_default();
                if is_syntax_error(e) {
                    t.problems.push(format!(
                        "{rel}: kubectl cannot read it ({e}), pushgate reads {}",
                        serde_json::to_string(&docs).unwrap()
                    ));
                } else {
                    t.kubectl_fails_we_read += 1;
                }
            }
            (s, _) => t
                .problems
                .push(format!("{rel}: unknown expected status {s:?}")),
        }
    }
    t
}

fn pushgate_decode(name: &str, bytes: &[u8]) -> Result<Vec<Value>, String> {
    manifest::parse(name, bytes, &Limits::default())
        .and_then(manifest::applied)
        .map(|docs| docs.into_iter().map(|d| d.document).collect())
        .map_err(|f| f.message)
}

#[test]
fn manifests_decode_as_kubectl_decodes_them() {
    let t = compare(pushgate_decode);
    eprintln!(
        "kube-diff: {} agree with kubectl, {} refused by pushgate (kubectl reads them), {} refused by both, {} kubectl fails on for a field's type (pushgate reads them; nothing would be applied)",
        t.agree, t.refused, t.refused_as_kubectl, t.kubectl_fails_we_read
    );
    for r in &t.refused_real {
        eprintln!("kube-diff: refused real-world file {r}");
    }
    assert!(
        t.problems.is_empty(),
        "{} of the corpus files decode differently from kubectl:\n{}",
        t.problems.len(),
        t.problems.join("\n")
    );
}

/// The test can fail: a decoder that reads YAML 1.2 (serde-saphyr, as
/// pushgate did before) is caught on the corpus.
#[test]
fn a_yaml_1_2_decoder_is_caught() {
    let t = compare(|_, bytes| {
        let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
        let docs: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|e| e.to_string())?;
        Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
    });
    assert!(
        t.problems.len() > 20,
        "only {} differences found with a YAML 1.2 decoder",
        t.problems.len()
    );
}
