//! Differential test of schema verdicts against kubernetes-validate.
//!
//! tests/schema-diff/ holds real public manifests and hand-written edge
//! cases (corpus/) and, for each document and each mode (Kubernetes
//! version, strict or not), what kubernetes-validate decided on the objects
//! kubectl decoded from the file (expected.json, written by kv_reference.py,
//! which .ci/run re-checks against the live tools). For every document,
//! pushgate must reach the same verdict — pass, fail (naming the field
//! kubernetes-validate names), or no schema — unless the difference is
//! listed, with its reason, in known-deviations.txt. A file kubectl cannot
//! decode must never pass. The behaviours kubeconform's own acceptance
//! tests assert (tests/schema-diff/kubeconform/) are checked through
//! `pushgate validate`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pushgate::finding::Code;
use pushgate::manifest::schema::Catalog;
use pushgate::manifest::schema::{Schemas, UnknownKinds};
use pushgate::manifest::{self, Document, Limits};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema-diff")
}

fn catalog(version: &str, strict: bool) -> Catalog {
    Catalog::new(&Schemas {
        kubernetes: version.into(),
        crds: vec![],
        local_crds: vec![],
        locations: vec![],
        strict,
        unknown_kinds: UnknownKinds::Reject,
    })
    .unwrap()
}

/// Our verdict on each document: "pass", "fail" with the field paths
/// named (an unknown field's parent included), or "no-schema".
fn verdicts(c: &Catalog, docs: &[Document]) -> Vec<(String, Vec<String>)> {
    let (violations, _) = c.check(docs);
    (0..docs.len())
        .map(|i| {
            let mine: Vec<_> = violations
                .iter()
                .filter(|f| f.document == Some(docs[i].index))
                .collect();
            if mine.is_empty() {
                return ("pass".into(), vec![]);
            }
            if mine.iter().all(|f| f.rule == Code::SchemaUnknownKind) {
                return ("no-schema".into(), vec![]);
            }
            let mut paths = Vec::new();
            for f in &mine {
                let p: Vec<String> = f
                    .metadata
                    .as_ref()
                    .and_then(|m| m.get("path"))
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                paths.push(p.join("."));
                if f.rule == Code::SchemaUnknownField && !p.is_empty() {
                    paths.push(p[..p.len() - 1].join("."));
                }
            }
            ("fail".into(), paths)
        })
        .collect()
}

/// `file mode ours theirs reason`, `*` for every mode.
fn known() -> Vec<(String, String, String, String)> {
    std::fs::read_to_string(root().join("known-deviations.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            assert!(w.len() >= 5, "known-deviations.txt: `{l}` needs a reason");
            (w[0].into(), w[1].into(), w[2].into(), w[3].into())
        })
        .collect()
}

#[test]
fn schema_verdicts_agree_with_kubernetes_validate() {
    let mut expected: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(root().join("expected.json")).unwrap())
            .unwrap();
    // The real corpus, where a session fetched it (never committed).
    if let Ok(text) = std::fs::read_to_string(root().join("expected-real.json")) {
        let real: BTreeMap<String, Value> = serde_json::from_str(&text).unwrap();
        expected.extend(
            real.into_iter()
                .filter(|(k, _)| root().join("corpus").join(k).exists()),
        );
    }
    assert!(
        expected.len() >= 60,
        "the corpus has only {} files",
        expected.len()
    );
    let known = known();
    let mut used = vec![false; known.len()];
    let mut catalogs: BTreeMap<String, Catalog> = BTreeMap::new();
    let limits = Limits::default();
    let (mut agree, mut deviations) = (0, 0);
    let mut refused = Vec::new();
    let mut problems = Vec::new();
    for (rel, want) in &expected {
        let bytes = std::fs::read(root().join("corpus").join(rel)).unwrap();
        let ours = manifest::parse(rel, &bytes, &limits).and_then(manifest::applied);
        let docs = match ours {
            Ok(d) => d,
            Err(_) => {
                // Refused before schemas: never applied, whatever kubectl says.
                refused.push(rel.as_str());
                continue;
            }
        };
        let Some(modes) = want.get("modes").and_then(Value::as_object) else {
            // kubectl cannot decode it: nothing would be applied, and the
            // gate must not pass it in any mode.
            for (v, s) in [("1.25", false), ("1.33", false), ("1.33", true)] {
                let c = catalogs
                    .entry(format!("{v}{s}"))
                    .or_insert_with(|| catalog(v, s));
                if verdicts(c, &docs).iter().all(|(v, _)| v == "pass") {
                    problems.push(format!("{rel} ({v}, strict {s}): kubectl cannot decode it ({}), pushgate passes it", want["kubectl_error"]));
                }
            }
            continue;
        };
        if want["objects"].as_u64() != Some(docs.len() as u64) {
            problems.push(format!(
                "{rel}: kubectl decoded {} objects, pushgate {}",
                want["objects"],
                docs.len()
            ));
            continue;
        }
        for (mode, theirs) in modes {
            let (version, strict) = match mode.strip_suffix("-strict") {
                Some(v) => (v, true),
                None => (mode.as_str(), false),
            };
            let c = catalogs
                .entry(mode.clone())
                .or_insert_with(|| catalog(version, strict));
            let ours = verdicts(c, &docs);
            for (i, (t, (o, paths))) in theirs.as_array().unwrap().iter().zip(&ours).enumerate() {
                let tv = t["verdict"].as_str().unwrap();
                let same = tv == o
                    && (tv != "fail"
                        || paths.iter().any(|p| Some(p.as_str()) == t["path"].as_str()));
                if same {
                    agree += 1;
                    continue;
                }
                let listed = known.iter().position(|(f, m, ov, tv2)| {
                    f == &format!("{rel}#{i}") && (m == "*" || m == mode) && ov == o && tv2 == tv
                });
                match listed {
                    Some(k) => {
                        used[k] = true;
                        deviations += 1;
                    }
                    None => problems.push(format!(
                        "{rel}#{i} ({mode}): kubernetes-validate says {tv} {}, pushgate says {o} {paths:?}",
                        t.get("path").and_then(Value::as_str).map(|p| format!("at `{p}`")).unwrap_or_default()
                    )),
                }
            }
        }
    }
    for (k, u) in known.iter().zip(&used) {
        if !u {
            problems.push(format!(
                "known-deviations.txt lists {} {} but it no longer differs: remove it",
                k.0, k.1
            ));
        }
    }
    eprintln!(
        "schema verdicts: {agree} agree, {deviations} listed deviations, {} files refused before schemas: {refused:?}",
        refused.len()
    );
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(agree > 200, "only {agree} verdicts compared");
}

/// What `pushgate validate` decided on each document of a file: index →
/// the rules of its failures.
fn validate_json(out: &str) -> (BTreeMap<usize, Vec<String>>, Vec<String>) {
    let results: Vec<Value> = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let (mut per_doc, mut file_level) = (BTreeMap::<usize, Vec<String>>::new(), Vec::new());
    for r in &results {
        for f in r["failures"].as_array().into_iter().flatten() {
            let rule = f["rule"].as_str().unwrap_or("").to_owned();
            match f["document"].as_u64() {
                Some(i) => per_doc.entry(i as usize).or_default().push(rule),
                None => file_level.push(rule),
            }
        }
    }
    (per_doc, file_level)
}

/// The behaviours kubeconform's acceptance tests assert, each re-created as
/// a case of our own (kubeconform/cases/, verdicts.json names the test),
/// run through `pushgate validate` with the corresponding flags. `-skip`/`-reject` have no counterpart (kinds are
/// chosen by manifests.include and policies) and are left out.
#[test]
fn kubeconforms_own_fixtures_get_its_verdicts() {
    let dir = root().join("kubeconform");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("verdicts.json")).unwrap()).unwrap();
    // Where pushgate refuses what kubeconform accepts, on purpose.
    let deviations = [(
        "cases/duplicate_property.yaml",
        "[]",
        "a key twice in one mapping is refused (manifest-ambiguous, docs/manifests.md): YAML readers keep different ones; kubeconform keeps the last",
    )];
    let (mut ran, mut problems) = (0, Vec::new());
    for c in &cases {
        let flags: Vec<&str> = c["flags"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        if flags.iter().any(|f| *f == "-skip" || *f == "-reject") {
            continue;
        }
        let mut args = vec![
            "validate".to_owned(),
            "--output".into(),
            "json".into(),
            "--kubernetes-version".into(),
            c["kubernetes_version"].as_str().unwrap_or("1.33").into(),
        ];
        let mut it = flags.iter();
        while let Some(f) = it.next() {
            match *f {
                "-strict" => args.push("--strict".into()),
                "-ignore-missing-schemas" => args.push("--ignore-missing-schemas".into()),
                "-schema-location" => {
                    args.push("--schema-location".into());
                    args.push((*it.next().unwrap()).into());
                }
                "-summary" | "-verbose" => {}
                other => panic!("a kubeconform flag this test does not map: {other}"),
            }
        }
        let file = c["file"].as_str().unwrap();
        args.push(file.into());
        let out = std::process::Command::new(crate::support::pushgate_bin())
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let want_exit = c["exit"].as_i64().unwrap();
        let got_exit = got_exit_of(&out);
        let what = format!("{file} {flags:?}");
        if deviations
            .iter()
            .any(|(f, fl, _)| *f == file && *fl == format!("{flags:?}"))
        {
            assert_eq!(
                got_exit_of(&out),
                1,
                "{what}: listed as refused by pushgate"
            );
            continue;
        }
        if got_exit != want_exit {
            problems.push(format!(
                "{what}: kubeconform exits {want_exit}, pushgate {got_exit}: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let (per_doc, file_level) = validate_json(&stdout);
        for r in c["resources"].as_array().unwrap() {
            let i = r["index"].as_u64().unwrap() as usize;
            let got = per_doc.get(&i).cloned().unwrap_or_default();
            let ok = match r["verdict"].as_str().unwrap() {
                "valid" | "skipped" => got.is_empty() && file_level.is_empty(),
                "invalid" => got
                    .iter()
                    .any(|g| g == "schema-invalid" || g == "schema-unknown-field"),
                // kubeconform's error: not judged at all (no kind, a YAML
                // error); pushgate rejects the document or the file.
                "error" => !got.is_empty() || !file_level.is_empty(),
                v => panic!("verdict {v}"),
            };
            if !ok {
                problems.push(format!("{what} resource {i}: kubeconform says {}, pushgate found {got:?} {file_level:?}", r["verdict"]));
            }
        }
        ran += 1;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(ran >= 28, "only {ran} cases ran");
}

fn got_exit_of(out: &std::process::Output) -> i64 {
    i64::from(out.status.code().unwrap_or(-1))
}
