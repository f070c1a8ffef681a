//! Rego policies, evaluated in-process with regorus, with conftest's
//! conventions: `deny`/`violation` reject, `warn` warns, the same names
//! with a `_suffix`, `exception` rules exempting a document from rules by
//! suffix, and values that are strings or objects with `msg`.
//!
//! A policy directory is loaded and compiled once per push (or `validate`
//! run); each evaluation clones the compiled engine, so documents are
//! evaluated in parallel.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use rayon::prelude::*;
use regorus::{Engine, Value};

use crate::finding::Finding;

/// How long one evaluation may run before the gate gives up and rejects,
/// unless `limits.policy_timeout_seconds` says otherwise.
pub const EVAL_LIMIT: Duration = Duration::from_secs(5);

/// Every `.rego` (and data) file of one or more directories, compiled.
#[derive(Clone)]
pub struct Bundle {
    engine: Engine,
    /// The `.rego` files, for messages.
    pub files: Vec<PathBuf>,
    /// Rule heads found in the loaded files: (package, rule).
    rules: Vec<(String, String)>,
}

/// One namespace, compiled for evaluation on many inputs. regorus pays a
/// fixed cost per evaluation call (~150 µs: a fresh engine), so inputs are
/// evaluated in batches inside one call — a comprehension that evaluates the
/// package `with input as` each document — and batches run in parallel.
pub struct Compiled {
    policy: regorus::CompiledPolicy,
    ns: String,
}

/// Documents per evaluation call: large enough to amortise the call, small
/// enough to keep both cores busy on a few hundred documents.
const BATCH: usize = 64;

impl Compiled {
    pub fn namespace(&self) -> &str {
        &self.ns
    }

    pub fn evaluate(&self, input: Value) -> Result<Outcome> {
        let mut out = self.evaluate_batch(vec![input])?;
        out.pop()
            .ok_or_else(|| anyhow!("evaluating package {}: no result", self.ns))
    }

    /// Evaluates every input, in parallel batches; results in input order.
    pub fn evaluate_all(&self, inputs: Vec<Value>) -> Result<Vec<Outcome>> {
        if inputs.len() <= BATCH {
            return self.evaluate_batch(inputs);
        }
        let batches: Vec<Vec<Value>> = inputs.chunks(BATCH).map(<[Value]>::to_vec).collect();
        let results: Vec<Result<Vec<Outcome>>> = batches
            .into_par_iter()
            .map(|b| self.evaluate_batch(b))
            .collect();
        let mut out = Vec::new();
        for r in results {
            out.extend(r?);
        }
        Ok(out)
    }

    fn evaluate_batch(&self, inputs: Vec<Value>) -> Result<Vec<Outcome>> {
        let ns = &self.ns;
        let n = inputs.len();
        let value = self
            .policy
            .eval_with_input(Value::from(inputs))
            .map_err(|e| anyhow!("evaluating package {ns}: {e}"))?;
        let Value::Array(results) = value else {
            return Ok(vec![Outcome::default(); n]);
        };
        Ok(results.iter().map(|r| self.outcome(r)).collect())
    }

    fn outcome(&self, package: &Value) -> Outcome {
        let ns = &self.ns;
        let mut out = Outcome::default();
        let Value::Object(obj) = package else {
            return out;
        };
        let exceptions = exception_names(obj.get(&Value::from("exception")));
        for (key, value) in obj.iter() {
            let Ok(key) = key.as_string() else { continue };
            let Some((fail, suffix)) = kind_of(key) else {
                continue;
            };
            let rule = format!("{ns}.{key}");
            out.rules.push(rule.clone());
            if !suffix.is_empty() && exceptions.iter().any(|e| e == suffix) {
                if !messages(value).is_empty() {
                    out.exceptions.push(rule);
                }
                continue;
            }
            for (msg, metadata) in messages(value) {
                let mut f = Finding::new_owned(
                    rule.clone(),
                    msg,
                    format!("see the rule {key} in package {ns}"),
                );
                f.metadata = metadata;
                if fail {
                    out.failures.push(f);
                } else {
                    out.warnings.push(f);
                }
            }
        }
        out
    }
}

/// The verdict of the rules of one namespace on one input.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    pub failures: Vec<Finding>,
    pub warnings: Vec<Finding>,
    /// Rules an `exception` exempted this input from, as `ns.rule`.
    pub exceptions: Vec<String>,
    /// The rules looked at (conftest's "tests"), as `ns.rule`.
    pub rules: Vec<String>,
}

/// A directory entry is loaded as Rego or as data by its extension.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading policy directory {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

impl Bundle {
    /// Loads policies from `policy_dirs` and data from `data_dirs` (and any
    /// .json/.yaml beside the policies). `with_tests`: also `*_test.rego`.
    /// Bounds each later evaluation (and compilation) to `limit`; a
    /// policy that runs longer fails the evaluation, which rejects.
    ///
    /// Compiled policies (what the gate evaluates) do not carry the
    /// engine's timer settings; they read regorus' process-wide fallback,
    /// so that is set too. One process evaluates one config's policies, so
    /// a process-wide limit is the config's limit.
    pub fn set_time_limit(&mut self, limit: Duration) {
        let config = regorus::utils::limits::ExecutionTimerConfig {
            limit,
            check_interval: NonZeroU32::new(1000).unwrap_or(NonZeroU32::MIN),
        };
        self.engine.set_execution_timer_config(config);
        regorus::utils::limits::set_fallback_execution_timer_config(Some(config));
    }

    pub fn load(
        policy_dirs: &[PathBuf],
        data_dirs: &[PathBuf],
        with_tests: bool,
    ) -> Result<Bundle> {
        let mut engine = Engine::new();
        let mut files = Vec::new();
        let mut rules = Vec::new();
        let mut all = Vec::new();
        for d in policy_dirs.iter().chain(data_dirs) {
            walk(d, &mut all).with_context(|| format!("loading {}", d.display()))?;
        }
        for path in all {
            let name = path.to_string_lossy().into_owned();
            if name.ends_with(".rego") {
                if name.ends_with("_test.rego") && !with_tests {
                    continue;
                }
                let text = add_rego(&mut engine, &path)?;
                rules.extend(rule_heads(&text));
                files.push(path);
            } else if name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml") {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading data file {name}"))?;
                let value: serde_json::Value = if name.ends_with(".json") {
                    serde_json::from_str(&text)
                        .with_context(|| format!("{name}: not valid JSON"))?
                } else {
                    serde_saphyr::from_str(&text).map_err(|e| {
                        anyhow!("{name}: not valid YAML: {}", first_line(&e.to_string()))
                    })?
                };
                engine
                    .add_data(Value::from(value))
                    .with_context(|| format!("{name}: cannot merge into data"))?;
            }
        }
        if files.is_empty() {
            return Err(anyhow!(
                "no .rego files in {}",
                policy_dirs
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        rules.sort();
        rules.dedup();
        let mut bundle = Bundle {
            engine,
            files,
            rules,
        };
        bundle.set_time_limit(EVAL_LIMIT);
        Ok(bundle)
    }

    /// The packages defined, as `a.b` (without `data.`).
    pub fn packages(&self) -> Result<Vec<String>> {
        Ok(self
            .engine
            .get_packages()?
            .into_iter()
            .map(|p| p.strip_prefix("data.").map(str::to_owned).unwrap_or(p))
            .collect())
    }

    /// Whether `ns` defines at least one deny/violation/warn rule. A policy
    /// set that checks nothing must not look like one that passes. Read
    /// from the rule heads found at load, so no evaluation runs at start-up
    /// (and rules undefined for an empty input still count).
    pub fn has_rules(&self, ns: &str) -> bool {
        self.rules
            .iter()
            .any(|(pkg, rule)| pkg == ns && kind_of(rule).is_some())
    }

    /// Runs every conftest-style rule of `ns` on `input` (compiles `ns`
    /// first; to evaluate many inputs, [`Bundle::compile`] once).
    pub fn evaluate(&self, ns: &str, input: Value) -> Result<Outcome> {
        self.compile(ns)?.evaluate(input)
    }

    /// Compiles namespace `ns` for repeated evaluation (see [`Compiled`]).
    pub fn compile(&self, ns: &str) -> Result<Compiled> {
        let mut engine = self.engine.clone();
        engine.set_rego_v0(false);
        engine
            .add_policy(
                "<pushgate entry point>".into(),
                format!("package __pushgate_entry\n\nresult := [r | some d in input; r := data.{ns} with input as d]\n"),
            )
            .map_err(|e| anyhow!("`{ns}` is not a valid package name: {e}"))?;
        let policy = engine
            .compile_with_entrypoint(&regorus::Rc::from("data.__pushgate_entry.result"))
            .map_err(|e| anyhow!("compiling package {ns}: {e}"))?;
        Ok(Compiled {
            policy,
            ns: ns.to_owned(),
        })
    }

    /// Runs every `test_*` rule, like `opa test`: a test passes when its
    /// body holds (evaluates to true), fails when it is false or undefined.
    pub fn run_tests(&self) -> Vec<(String, Result<bool, String>)> {
        self.rules
            .par_iter()
            .filter(|(_, name)| name.starts_with("test_"))
            .map(|(pkg, name)| {
                let mut engine = self.engine.clone();
                engine.set_input(Value::new_object());
                let verdict = match engine.eval_query(format!("data.{pkg}.{name}"), false) {
                    Ok(r) => Ok(r
                        .result
                        .first()
                        .and_then(|r| r.expressions.first())
                        .is_some_and(|e| e.value == Value::from(true))),
                    Err(e) => Err(first_line(&e.to_string()).to_owned()),
                };
                (format!("data.{pkg}.{name}"), verdict)
            })
            .collect()
    }
}

/// The rule names of a Rego file, with its package. Rule heads start a
/// line (`deny contains msg if`, `deny[msg] {`, `default allow := false`),
/// so a line scan finds them without reaching into regorus' unstable AST.
fn rule_heads(text: &str) -> Vec<(String, String)> {
    let mut pkg = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(p) = line.strip_prefix("package ") {
            pkg = p.trim().to_owned();
            continue;
        }
        let line = line.strip_prefix("default ").unwrap_or(line);
        if line.starts_with("import ")
            || !line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        out.push((pkg.clone(), name));
    }
    out
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Adds one Rego file. Rego v1 (OPA 1.0's default) first; files in the old
/// `deny[msg] { ... }` form that many conftest policies still use are
/// accepted as v0. An error names the file and line.
fn add_rego(engine: &mut Engine, path: &Path) -> Result<String> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path.to_string_lossy().into_owned();
    engine.set_rego_v0(false);
    let v1 = engine.add_policy(name.clone(), text.clone());
    let Err(e1) = v1 else {
        return Ok(text);
    };
    engine.set_rego_v0(true);
    let v0 = engine.add_policy(name.clone(), text.clone());
    engine.set_rego_v0(false);
    match v0 {
        Ok(_) => Ok(text),
        Err(_) => Err(anyhow!("{}", e1.to_string().trim_end()))
            .context(format!("{name} does not compile")),
    }
}

/// `deny`, `violation`, `deny_x`, `violation_x` fail; `warn`, `warn_x`
/// warn. Returns (fails, suffix).
fn kind_of(rule: &str) -> Option<(bool, &str)> {
    for (prefix, fail) in [("deny", true), ("violation", true), ("warn", false)] {
        if rule == prefix {
            return Some((fail, ""));
        }
        if let Some(rest) = rule.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) {
            return Some((fail, rest));
        }
    }
    None
}

/// conftest's `exception[rules] { rules := ["run_as_root"] }`: a set of
/// arrays (or strings) of rule names without prefix.
fn exception_names(v: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |v: &Value| match v {
        Value::String(s) => out.push(s.to_string()),
        Value::Array(a) => out.extend(
            a.iter()
                .filter_map(|x| x.as_string().ok().map(|s| s.to_string())),
        ),
        _ => {}
    };
    match v {
        Some(Value::Set(s)) => s.iter().for_each(&mut push),
        Some(Value::Array(a)) => a.iter().for_each(&mut push),
        Some(other) => push(other),
        None => {}
    }
    out
}

/// A rule's messages: strings, objects with `msg` (the rest kept as
/// metadata), or `true` for a boolean rule.
fn messages(v: &Value) -> Vec<(String, Option<serde_json::Value>)> {
    let one = |v: &Value| -> Option<(String, Option<serde_json::Value>)> {
        match v {
            Value::String(s) => Some((s.to_string(), None)),
            Value::Object(o) => {
                let msg = o
                    .get(&Value::from("msg"))
                    .and_then(|m| m.as_string().ok().map(|s| s.to_string()));
                let meta = serde_json::to_value(v).ok();
                Some((msg.unwrap_or_else(|| v.to_string()), meta))
            }
            Value::Bool(true) => Some(("rule is true".to_string(), None)),
            Value::Bool(false) | Value::Undefined | Value::Null => None,
            other => Some((other.to_string(), None)),
        }
    };
    match v {
        Value::Set(s) => s.iter().filter_map(one).collect(),
        Value::Array(a) => a.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(files: &[(&str, &str)]) -> (tempfile::TempDir, Bundle) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let b = Bundle::load(&[dir.path().to_path_buf()], &[], true).unwrap();
        (dir, b)
    }

    fn input(json: &str) -> Value {
        Value::from_json_str(json).unwrap()
    }

    #[test]
    fn conftest_v0_and_v1_forms_both_work() {
        let (_d, b) = bundle(&[
            ("old.rego", "package main\n\ndeny[msg] {\n  input.kind == \"Pod\"\n  msg := \"no pods\"\n}\n"),
            ("new.rego", "package other\n\ndeny contains msg if {\n  input.kind == \"Pod\"\n  msg := \"no pods either\"\n}\n"),
        ]);
        let o = b.evaluate("main", input(r#"{"kind":"Pod"}"#)).unwrap();
        assert_eq!(o.failures.len(), 1);
        assert_eq!(o.failures[0].message, "no pods");
        assert_eq!(o.failures[0].rule, "main.deny");
        let o = b.evaluate("other", input(r#"{"kind":"Pod"}"#)).unwrap();
        assert_eq!(o.failures[0].message, "no pods either");
    }

    #[test]
    fn prefixes_warnings_objects_and_exceptions() {
        let (_d, b) = bundle(&[(
            "p.rego",
            r#"package main
import rego.v1
deny_run_as_root contains "runs as root" if input.root
violation_x contains {"msg": "structured", "severity": "high"} if input.x
warn_style contains "style" if true
exception contains ["run_as_root"] if input.exempt
"#,
        )]);
        let o = b
            .evaluate("main", input(r#"{"root":true,"x":true}"#))
            .unwrap();
        assert_eq!(o.failures.len(), 2);
        assert_eq!(o.warnings.len(), 1);
        let structured = o
            .failures
            .iter()
            .find(|f| f.message == "structured")
            .unwrap();
        assert_eq!(structured.metadata.as_ref().unwrap()["severity"], "high");
        let o = b
            .evaluate("main", input(r#"{"root":true,"exempt":true}"#))
            .unwrap();
        assert!(o.failures.is_empty());
        assert_eq!(o.exceptions, vec!["main.deny_run_as_root"]);
    }

    #[test]
    fn compile_errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bad.rego"),
            "package main\n\ndeny contains msg if {\n  msg := \n}\n",
        )
        .unwrap();
        let err = Bundle::load(&[dir.path().to_path_buf()], &[], false)
            .err()
            .unwrap();
        let text = format!("{err:#}");
        assert!(text.contains("bad.rego"), "{text}");
        assert!(text.contains(":4") || text.contains(":5"), "{text}");
    }

    #[test]
    fn namespaces_without_rules_are_detected() {
        let (_d, b) = bundle(&[("p.rego", "package helpers\nimport rego.v1\nx := 1\n")]);
        assert!(!b.has_rules("helpers"));
        assert!(!b.has_rules("missing"));
    }

    #[test]
    fn tests_run() {
        let (_d, b) = bundle(&[(
            "t_test.rego",
            "package t\nimport rego.v1\ntest_ok if 1 == 1\ntest_fails if 1 == 2\n",
        )]);
        let r = b.run_tests();
        assert_eq!(r.len(), 2);
        assert!(r
            .iter()
            .any(|(n, v)| n.ends_with("test_ok") && v == &Ok(true)));
        assert!(r
            .iter()
            .any(|(n, v)| n.ends_with("test_fails") && v == &Ok(false)));
    }
}
