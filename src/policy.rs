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

use anyhow::{anyhow, bail, Context, Result};
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
    /// What [`Bundle::set_time_limit`] set, to tell a real timeout from an
    /// error that merely quotes regorus' words.
    time_limit: Duration,
}

/// One namespace, compiled for evaluation on many inputs. regorus pays a
/// fixed cost per evaluation call (~150 µs: a fresh engine), so inputs are
/// evaluated in batches inside one call — a comprehension that evaluates the
/// package `with input as` each document — and batches run in parallel.
pub struct Compiled {
    policy: regorus::CompiledPolicy,
    ns: String,
    time_limit: Duration,
}

/// Documents per evaluation call: large enough to amortise the call, small
/// enough to keep both cores busy on a few hundred documents.
const BATCH: usize = 64;

/// How an input's numbers reach the policy.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Numbers {
    /// As conftest hands a parsed document to OPA (float64 `'g'` text).
    Conftest,
    /// As the JSON was written.
    AsWritten,
}

impl Compiled {
    pub fn namespace(&self) -> &str {
        &self.ns
    }

    /// One document (or conftest's `--combine` array), with its numbers as
    /// conftest hands them to OPA.
    pub fn evaluate(&self, input: Value) -> Result<Outcome> {
        let mut out = self.evaluate_batch(vec![input], Numbers::Conftest)?;
        out.pop()
            .ok_or_else(|| anyhow!("evaluating package {}: no result", self.ns))
    }

    /// pushgate's own push-level input: JSON that `opa eval -i` would read
    /// as written, so its numbers (file sizes) stay the integers they are.
    pub fn evaluate_push(&self, input: Value) -> Result<Outcome> {
        let mut out = self.evaluate_batch(vec![input], Numbers::AsWritten)?;
        out.pop()
            .ok_or_else(|| anyhow!("evaluating package {}: no result", self.ns))
    }

    /// Evaluates every input, in parallel batches; results in input order.
    pub fn evaluate_all(&self, inputs: Vec<Value>) -> Result<Vec<Outcome>> {
        if inputs.len() <= BATCH {
            return self.evaluate_batch(inputs, Numbers::Conftest);
        }
        let batches: Vec<Vec<Value>> = inputs.chunks(BATCH).map(<[Value]>::to_vec).collect();
        let results: Vec<Result<Vec<Outcome>>> = batches
            .into_par_iter()
            .map(|b| self.evaluate_batch(b, Numbers::Conftest))
            .collect();
        let mut out = Vec::new();
        for r in results {
            out.extend(r?);
        }
        Ok(out)
    }

    fn evaluate_batch(&self, inputs: Vec<Value>, numbers: Numbers) -> Result<Vec<Outcome>> {
        let ns = &self.ns;
        let n = inputs.len();
        let mut inputs = inputs;
        for input in &mut inputs {
            if exact_numbers(input)? && numbers == Numbers::Conftest {
                conftest_number_text(input);
            }
        }
        let started = std::time::Instant::now();
        let value = self
            .policy
            .eval_with_input(Value::from(inputs))
            .map_err(|e| EvalError::error(ns, &e, started.elapsed() >= self.time_limit))?;
        let Value::Array(results) = value else {
            return Ok(vec![Outcome::default(); n]);
        };
        results.iter().map(|r| self.outcome(r)).collect()
    }

    /// conftest's reading of one input's rule values (policy/engine.go):
    /// a rule an `exception` names is reported excepted and its results
    /// dropped, fired or not; a rule's value counts only as a set or array,
    /// whose non-empty strings are messages and whose objects must carry a
    /// string `msg`; anything else (`deny := true`, numbers) never fails.
    fn outcome(&self, package: &Value) -> Result<Outcome> {
        let ns = &self.ns;
        let mut out = Outcome::default();
        let Value::Object(obj) = package else {
            return Ok(out);
        };
        let exceptions = match obj.get(&Value::from(EXCEPTIONS_KEY)) {
            Some(Value::Array(names)) => names
                .iter()
                .filter_map(|n| n.as_string().ok().map(|s| s.to_string()))
                .collect(),
            _ => Vec::new(),
        };
        for (key, value) in obj.iter() {
            let Ok(key) = key.as_string() else { continue };
            let Some((fail, name)) = kind_of(key) else {
                continue;
            };
            let rule = format!("{ns}.{key}");
            out.rules.push(rule.clone());
            if exceptions.iter().any(|e| e == name) {
                out.exceptions.push(rule);
                continue;
            }
            // `[x | x := data.ns.rule]`: empty when the rule is undefined.
            let Value::Array(defined) = value else {
                continue;
            };
            let Some(value) = defined.first() else {
                continue;
            };
            let elements: Vec<&Value> = match value {
                Value::Set(s) => s.iter().collect(),
                Value::Array(a) => a.iter().collect(),
                _ => continue,
            };
            for element in elements {
                let (msg, metadata) = match element {
                    Value::String(s) if s.is_empty() => continue,
                    Value::String(s) => (s.to_string(), None),
                    Value::Object(o) => match o.get(&Value::from("msg")) {
                        Some(Value::String(m)) if m.is_empty() => continue,
                        Some(Value::String(m)) => {
                            (m.to_string(), serde_json::to_value(element).ok())
                        }
                        _ => bail!(
                            "rule {rule} returned an object without a string `msg` ({element}); \
                             conftest refuses such results too: add `\"msg\": \"...\"`"
                        ),
                    },
                    _ => continue,
                };
                // A rule object's `fix` (or `help`) is what the pusher reads
                // as the thing to do; without one, where the rule lives.
                let help = metadata
                    .as_ref()
                    .and_then(|m| m.get("fix").or_else(|| m.get("help")))
                    .and_then(|h| h.as_str())
                    .map_or_else(
                        || format!("see the rule {key} in package {ns}"),
                        str::to_owned,
                    );
                let mut f = Finding::new_owned(rule.clone(), msg, help);
                f.metadata = metadata;
                if fail {
                    out.failures.push(f);
                } else {
                    out.warnings.push(f);
                }
            }
        }
        Ok(out)
    }
}

/// The entry point's key for the names `exception` lists (not a Rego
/// identifier, so no rule can collide with it).
const EXCEPTIONS_KEY: &str = "pushgate:exceptions";

/// Refuses an input holding an integer beyond 64 bits: JSON and YAML
/// readers hand it over as a float, so two different 20-digit ids would
/// compare equal, where OPA compares them exactly. Fail closed, saying how
/// to write it (non-integral floats are compared as IEEE doubles; see
/// docs/policies.md).
/// Whether a number survives conftest's trip through a 64-bit float and
/// its shortest decimal text.
/// (`as` saturates at the top of the range, hence the MAX exclusions.)
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
fn f64_exact(v: &Value) -> bool {
    let Value::Number(n) = v else { return true };
    if n.as_f64().is_some() {
        return true;
    }
    // OPA then holds the float's shortest decimal, so 2^60 (exact in f64)
    // becomes 1152921504606847000 there: only integers that are their own
    // float's shortest decimal read the same in both.
    match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => (u as f64).to_string() == u.to_string(),
        (_, Some(i)) => (i as f64).to_string() == i.to_string(),
        _ => false,
    }
}

/// Whether an integer reads in conftest as float text: conftest hands OPA
/// each number as `strconv.FormatFloat(f, 'g', -1, 64)`, which writes
/// 1000000 as `1e+06` and 1073741824 as `1.073741824e+09`. The value is the
/// same, but OPA's `sprintf` picks Go's verb by that text (`%d` of it prints
/// `%!d(float64=1.073741824e+09)`), so pushgate hands such integers to the
/// policy as floats, which its sprintf formats the same way.
fn float_text_integer(v: &Value) -> bool {
    let Value::Number(n) = v else { return false };
    n.as_i64()
        .map(|i| i.unsigned_abs() >= 1_000_000)
        .or_else(|| n.as_u64().map(|u| u >= 1_000_000))
        .unwrap_or(false)
}

#[allow(clippy::cast_precision_loss)]
fn conftest_number_text(v: &mut Value) {
    match v {
        Value::Number(_) if float_text_integer(v) => {
            let f = v
                .as_i64()
                .ok()
                .map(|i| i as f64)
                .or_else(|| v.as_u64().ok().map(|u| u as f64));
            if let Some(f) = f {
                *v = Value::from(f);
            }
        }
        Value::Array(_) => {
            if let Ok(a) = v.as_array_mut() {
                a.iter_mut().for_each(conftest_number_text);
            }
        }
        Value::Object(_) => {
            if let Ok(o) = v.as_object_mut() {
                o.iter_mut().for_each(|(_, x)| conftest_number_text(x));
            }
        }
        _ => {}
    }
}

/// Refuses numbers conftest and kubectl read differently; true when some
/// integer needs [`conftest_number_text`].
fn exact_numbers(input: &Value) -> Result<bool> {
    let mut float_text = false;
    let mut stack = vec![input];
    while let Some(v) = stack.pop() {
        match v {
            // conftest decodes documents into 64-bit floats, which round an
            // integer beyond 2^53; kubectl keeps it exact as int64. No one
            // reading agrees with both, so such a document is refused.
            Value::Number(_) if !f64_exact(v) => {
                bail!(
                    "the input holds the integer {v}, which a \
                     64-bit float cannot hold: conftest reads it rounded while kubectl keeps it \
                     exact, so pushgate will not judge it; write it as a quoted string \
                     if it is an id, or as a float (with an exponent) if it is a quantity"
                );
            }
            Value::Number(_) => float_text |= float_text_integer(v),
            Value::Array(a) => stack.extend(a.iter()),
            Value::Set(s) => stack.extend(s.iter()),
            Value::Object(o) => {
                for (k, x) in o.iter() {
                    stack.push(k);
                    stack.push(x);
                }
            }
            _ => {}
        }
    }
    Ok(float_text)
}

/// A policy that failed while evaluating (not one that denied): its
/// message in one line, as a pusher's `remote:` line can show it, and
/// whether it was the time limit that stopped it.
#[derive(Debug)]
pub struct EvalError {
    pub namespace: String,
    pub timed_out: bool,
    pub message: String,
}

impl EvalError {
    /// `ran_to_limit`: the evaluation lasted the whole time limit. A timeout
    /// is that and regorus saying so (as its typed error, or in a rule
    /// error's text, where it formats it on some paths); the text alone
    /// can be pushed content quoted by a built-in's error.
    fn error(ns: &str, e: &anyhow::Error, ran_to_limit: bool) -> anyhow::Error {
        let timed_out = ran_to_limit
            && e.chain().any(|c| {
                matches!(
                    c.downcast_ref::<regorus::LimitError>(),
                    Some(regorus::LimitError::TimeLimitExceeded { .. })
                ) || c.to_string().contains("execution exceeded time limit")
            });
        anyhow::Error::new(EvalError {
            namespace: ns.to_owned(),
            timed_out,
            message: one_line(&format!("{e:#}")),
        })
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "evaluating package {}: {}", self.namespace, self.message)
    }
}

impl std::error::Error for EvalError {}

/// regorus' errors are drawn for a terminal (`--> file:line:col`, the
/// source line, a caret, then `error: what`); as one line:
/// `file:line:col: what`, at most [`MAX_ERROR_CHARS`]. The layout is read
/// from the top: a built-in's message can quote pushed text, newlines and
/// all, and a pushed `error: ...` line must not replace the real one.
fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    // regorus puts the location first, after at most a context prefix
    // ("evaluating ...:"); a prefix quoting a value is not one.
    let prefix_ok = |l: &str| {
        let l = l.trim();
        l.is_empty() || (l.ends_with(':') && !l.contains(['`', '"', '\'']))
    };
    let is_location = |l: &&str| l.trim_start().starts_with("--> ");
    let at = match lines.as_slice() {
        [first, ..] if is_location(first) => Some(0),
        [first, second, ..] if prefix_ok(first) && is_location(second) => Some(1),
        _ => None,
    };
    let joined = match at {
        Some(i) => {
            let location = lines[i].trim_start().trim_start_matches("--> ").trim();
            let what = lines[i + 1..]
                .iter()
                .find_map(|l| l.trim_start().strip_prefix("error: "));
            match what {
                Some(w) => {
                    // The message itself, with anything that follows it.
                    let rest_at = lines[i + 1..]
                        .iter()
                        .position(|l| l.trim_start().starts_with("error: "))
                        .map_or(lines.len(), |p| i + 2 + p);
                    let mut out = format!("{location}: {}", w.trim());
                    for l in &lines[rest_at..] {
                        if !l.trim().is_empty() {
                            out.push(' ');
                            out.push_str(l.trim());
                        }
                    }
                    out
                }
                None => join_lines(&lines),
            }
        }
        None => join_lines(&lines),
    };
    let mut out: String = joined.chars().take(MAX_ERROR_CHARS).collect();
    if joined.chars().count() > MAX_ERROR_CHARS {
        out.push_str("...");
    }
    out
}

/// A policy error quotes what it failed on, which can be a whole pushed
/// value; the audit record and the pusher need the start of it.
const MAX_ERROR_CHARS: usize = 1000;

fn join_lines(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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

/// Which Rego syntax a policy file is read as (conftest's `--rego-version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RegoVersion {
    /// Rego v1 (OPA 1.0's default) first, then the old v0 syntax that many
    /// conftest libraries still use, file by file.
    #[default]
    Auto,
    V0,
    V1,
}

/// Every file under `root` (or `root` itself), sorted, hidden entries
/// (`.git`, editor files) skipped, for which `keep` holds.
/// At most this many policy or data files under one root: a policy
/// library has dozens; far more is a mistake (or a loop) to stop at once.
const MAX_WALKED_FILES: usize = 10_000;

/// The files under `root` whose names `keep` accepts, sorted, skipping
/// hidden ones. Symbolic links are followed (a policy directory may link a
/// shared library in), but each real directory is entered once, so a link
/// back up the tree (`ln -s . loop`) neither hangs the hooks nor loads a
/// package forty times.
pub(crate) fn walk(root: &Path, keep: &dyn Fn(&str) -> bool, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    walk_inner(root, keep, out, &mut seen)
}

fn walk_inner(
    root: &Path,
    keep: &dyn Fn(&str) -> bool,
    out: &mut Vec<PathBuf>,
    seen: &mut std::collections::HashSet<PathBuf>,
) -> Result<()> {
    if root.is_file() {
        out.push(root.to_path_buf());
        return Ok(());
    }
    let real = std::fs::canonicalize(root)
        .with_context(|| format!("reading directory {}", root.display()))?;
    if !seen.insert(real) {
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(root)
        .with_context(|| format!("reading directory {}", root.display()))?
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
            walk_inner(&p, keep, out, seen)?;
        } else if keep(&name) {
            if out.len() >= MAX_WALKED_FILES {
                bail!(
                    "more than {MAX_WALKED_FILES} policy or data files under {}; point the config at the directory that holds the policies",
                    root.display()
                );
            }
            out.push(p);
        }
    }
    Ok(())
}

pub(crate) fn is_data_file(name: &str) -> bool {
    name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml")
}

/// One data file's document, placed as OPA's loader places it: under the
/// path of its directory relative to the root it was found from (a file
/// given by name goes at the root of `data`).
fn data_document(root: &Path, file: &Path) -> Result<Value> {
    let name = file.display().to_string();
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading data file {name}"))?;
    let mut value: serde_json::Value = if name.ends_with(".json") {
        serde_json::from_str(&text).with_context(|| format!("{name}: not valid JSON"))?
    } else {
        serde_saphyr::from_str(&text)
            .map_err(|e| anyhow!("{name}: not valid YAML: {}", first_line(&e.to_string())))?
    };
    let dir = file.parent().unwrap_or(root);
    let rel = dir.strip_prefix(root).unwrap_or(Path::new(""));
    let keys: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for key in keys.into_iter().rev() {
        let mut obj = serde_json::Map::new();
        obj.insert(key, value);
        value = serde_json::Value::Object(obj);
    }
    Ok(Value::from(value))
}

impl Bundle {
    /// Loads the `.rego` files under `policy_paths` (every one, `_test.rego`
    /// too, as conftest and `opa test` do: one loader for the gate,
    /// `validate` and `policy test`) and the JSON/YAML data under
    /// `data_paths`. Any file that does not load is an error naming it.
    pub fn load(policy_paths: &[PathBuf], data_paths: &[PathBuf]) -> Result<Bundle> {
        Bundle::load_as(policy_paths, data_paths, RegoVersion::Auto)
    }

    pub fn load_as(
        policy_paths: &[PathBuf],
        data_paths: &[PathBuf],
        version: RegoVersion,
    ) -> Result<Bundle> {
        // yaml.unmarshal reads YAML as OPA (and kubectl) do: go-yaml v2.
        regorus::set_yaml_decoder(crate::manifest::yaml_unmarshal);
        regorus::set_annotation_decoder(crate::manifest::annotation_yaml);
        let mut engine = Engine::new();
        // regorus' defaults (1,024 columns, 20,000 lines, 1 MiB) refuse
        // policies OPA loads (a long generated set on one line); policies
        // are the operator's files, so only a generous bound remains.
        engine.set_policy_length_config(regorus::utils::limits::PolicyLengthConfig {
            max_col: std::num::NonZeroU32::MIN.saturating_add(8 * 1024 * 1024 - 1),
            max_file_bytes: std::num::NonZeroUsize::MIN.saturating_add(8 * 1024 * 1024 - 1),
            max_lines: std::num::NonZeroUsize::MIN.saturating_add(1_000_000 - 1),
        });
        // OPA's `--strict-builtin-errors`: a built-in that fails (to_number
        // of "abc", object.get on null) is an error, so the gate rejects
        // rather than letting a rule quietly not fire.
        engine.set_strict_builtin_errors(true);
        let mut files = Vec::new();
        for root in policy_paths {
            walk(root, &|n| n.ends_with(".rego"), &mut files)
                .with_context(|| format!("loading policies from {}", root.display()))?;
        }
        for path in &files {
            add_rego(&mut engine, path, version)?;
        }
        for root in data_paths {
            let mut found = Vec::new();
            walk(root, &is_data_file, &mut found)
                .with_context(|| format!("loading data from {}", root.display()))?;
            for file in found {
                let doc = data_document(root, &file)?;
                engine.add_data(doc).with_context(|| {
                    format!(
                        "{}: cannot merge into data (a key it sets is already set by another data file)",
                        file.display()
                    )
                })?;
            }
        }
        if files.is_empty() {
            return Err(anyhow!(
                "no .rego files in {}",
                policy_paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        // conftest refuses `deny[msg] if { ... }` (and `deny.x := ...`): in
        // Rego v1 a ref head without `contains` is a partial object, whose
        // values never fail anything.
        if let Some((file, line, rule)) = engine
            .ref_head_value_rules()
            .into_iter()
            .find(|(_, _, rule)| kind_of(rule).is_some())
        {
            bail!(
                "{file}:{line}: rule `{rule}` has a bracketed or dotted head without `contains`; \
                 in Rego v1 that is a partial object whose values never fail anything \
                 (conftest refuses it too): write `{rule} contains msg if {{ ... }}`"
            );
        }
        if let Some(refusal) = engine.pushgate_refusal()? {
            bail!("{refusal}");
        }
        if let Some((file, line, rule)) = engine.default_set_conflict()? {
            bail!(
                "{file}:{line}: conflicting rules {rule}: a `default` value and a partial set \
                 (`contains`) of the same name; OPA refuses this policy: drop the default (an \
                 empty set is the default of a partial set)"
            );
        }
        let mut rules = engine.rule_names()?;
        rules.sort();
        rules.dedup();
        let mut bundle = Bundle {
            engine,
            files,
            rules,
            time_limit: EVAL_LIMIT,
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

    /// The conftest rules of `ns` (deny/violation/warn forms and
    /// `exception`), by name, each once.
    fn conftest_rules(&self, ns: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .rules
            .iter()
            .filter(|(pkg, rule)| {
                // `exception.a := [...]` still feeds `data.ns.exception[_][_]`.
                pkg == ns
                    && (kind_of(rule).is_some() || rule == "exception" || rule == "exception.")
            })
            .map(|(_, rule)| rule.trim_end_matches('.').to_owned())
            .collect();
        names.dedup();
        names
    }

    /// Compiles namespace `ns` for repeated evaluation (see [`Compiled`]).
    /// Like conftest, each rule is queried on its own (`data.ns.deny`, ...),
    /// not the package as a whole, so a helper rule that errors on a
    /// document fails only the rules that use it.
    pub fn compile(&self, ns: &str) -> Result<Compiled> {
        let rules = self.conftest_rules(ns);
        let fields: Vec<String> = rules
            .iter()
            .map(|r| {
                if r == "exception" {
                    // conftest's query: `data.ns.exception[_][_] == name`.
                    format!("{EXCEPTIONS_KEY:?}: [n | n := data.{ns}.exception[_][_]]")
                } else {
                    format!("{r:?}: [x | x := data.{ns}.{r}]")
                }
            })
            .collect();
        let mut engine = self.engine.clone();
        engine.set_rego_v0(false);
        engine
            .add_policy(
                "<pushgate entry point>".into(),
                // One rule a line: regorus caps a line's length (columns
                // past 1,024 fail to parse), and a package may have many.
                format!(
                    "package __pushgate_entry\n\nresult := [r | some d in input; r := {{\n{}\n}} with input as d]\n",
                    fields.join(",\n")
                ),
            )
            .map_err(|e| anyhow!("`{ns}` cannot be queried (is it a valid package name?): {e}"))?;
        let policy = engine
            .compile_with_entrypoint(&regorus::Rc::from("data.__pushgate_entry.result"))
            .map_err(|e| anyhow!("compiling package {ns}: {e}"))?;
        Ok(Compiled {
            policy,
            ns: ns.to_owned(),
            time_limit: self.time_limit,
        })
    }

    /// Sets the time limit of every later evaluation (and compilation); a
    /// policy that runs longer fails the evaluation, which rejects.
    ///
    /// Compiled policies (what the gate evaluates) do not carry the
    /// engine's timer settings; they read regorus' process-wide fallback,
    /// so that is set too. One process evaluates one config's policies, so
    /// a process-wide limit is the config's limit.
    pub fn set_time_limit(&mut self, limit: Duration) {
        self.time_limit = limit;
        let config = regorus::utils::limits::ExecutionTimerConfig {
            limit,
            check_interval: NonZeroU32::new(1000).unwrap_or(NonZeroU32::MIN),
        };
        self.engine.set_execution_timer_config(config);
        regorus::utils::limits::set_fallback_execution_timer_config(Some(config));
    }

    /// Runs the `test_*` rules whose full name (`data.pkg.test_x`) matches
    /// `filter` (all without one), like `opa test`: a test passes when its
    /// body holds (evaluates to true), fails when it is false or undefined,
    /// errors with the evaluation's reason. The same loaded bundle as the
    /// gate's, so a green test means the gate runs that rule.
    pub fn run_tests(&self, filter: Option<&regex::Regex>) -> Vec<TestResult> {
        let mut names: Vec<String> = self
            .rules
            .iter()
            .filter(|(_, name)| name.starts_with("test_"))
            .map(|(pkg, name)| format!("data.{pkg}.{name}"))
            .filter(|full| filter.is_none_or(|re| re.is_match(full)))
            .collect();
        names.dedup();
        names
            .into_par_iter()
            .map(|name| {
                let start = std::time::Instant::now();
                let mut engine = self.engine.clone();
                engine.set_input(Value::new_object());
                engine.set_gather_prints(true);
                let verdict = match engine.eval_query(name.clone(), false) {
                    Ok(r) => Ok(r
                        .result
                        .first()
                        .and_then(|r| r.expressions.first())
                        .is_some_and(|e| e.value == Value::from(true))),
                    Err(e) => Err(error_text(&e)),
                };
                let prints = engine.take_prints().unwrap_or_default();
                TestResult {
                    name,
                    verdict,
                    prints,
                    duration: start.elapsed(),
                }
            })
            .collect()
    }
}

/// One `test_*` rule's result.
pub struct TestResult {
    /// `data.pkg.test_name`.
    pub name: String,
    /// Ok(true) pass, Ok(false) fail, Err(reason) error.
    pub verdict: Result<bool, String>,
    /// What the test's `print()` calls wrote.
    pub prints: Vec<String>,
    pub duration: Duration,
}

/// An evaluation error on one line, `file:line:col: reason`: regorus
/// writes the location (`--> file:line:col`), the source line with a caret,
/// then `error: reason`.
fn error_text(e: &anyhow::Error) -> String {
    let text = format!("{e:#}");
    let location = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .map(str::trim);
    let reason: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("error: "))
        .collect();
    match (location, reason.is_empty()) {
        (Some(at), false) => format!("{at}: {}", reason.join("; ")),
        _ => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Adds one Rego file, in `version`'s syntax (Auto: v1 first, then v0).
/// An error names the file and line.
fn add_rego(engine: &mut Engine, path: &Path, version: RegoVersion) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path.to_string_lossy().into_owned();
    let tries: &[bool] = match version {
        RegoVersion::Auto => &[false, true],
        RegoVersion::V1 => &[false],
        RegoVersion::V0 => &[true],
    };
    let mut shown: Option<String> = None;
    for &v0 in tries {
        engine.set_rego_v0(v0);
        let r = engine.add_policy(name.clone(), text.clone());
        engine.set_rego_v0(false);
        match r {
            Ok(_) => return Ok(()),
            Err(e) => {
                // A v1 "keyword is required" says the file is v0: its v0
                // error is the one that names the real problem.
                let e = e.to_string();
                if shown
                    .as_ref()
                    .is_none_or(|s| s.contains("keyword is required"))
                {
                    shown = Some(e);
                }
            }
        }
    }
    let e = shown.unwrap_or_else(|| "no syntax tried".to_string());
    Err(anyhow!("{}", e.trim_end())).context(format!("{name} does not compile"))
}

/// conftest's rule names: `^(deny|violation)(_[a-zA-Z0-9]+)*$` fail,
/// `^warn(_[a-zA-Z0-9]+)*$` warns. Returns (fails, the name an exception
/// uses for it).
fn kind_of(rule: &str) -> Option<(bool, &str)> {
    for (prefix, fail) in [("deny", true), ("violation", true), ("warn", false)] {
        let Some(rest) = rule.strip_prefix(prefix) else {
            continue;
        };
        if rest.is_empty() {
            return Some((fail, ""));
        }
        if !rest.starts_with('_') {
            continue;
        }
        let groups_ok = rest
            .split('_')
            .skip(1)
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_alphanumeric()));
        if groups_ok {
            return Some((fail, exception_name(rule)));
        }
    }
    None
}

/// conftest's removeRulePrefix: `violation_`, then `deny_`, then `warn_`
/// trimmed in turn (so `deny_warn_foo` is `foo`); the bare rules are "".
fn exception_name(rule: &str) -> &str {
    if matches!(rule, "deny" | "violation" | "warn") {
        return "";
    }
    let mut name = rule;
    for prefix in ["violation_", "deny_", "warn_"] {
        name = name.strip_prefix(prefix).unwrap_or(name);
    }
    name
}

#[cfg(test)]
mod tests {
    #[test]
    fn regorus_errors_become_one_line() {
        let drawn = "\n--> p.rego:4:1\n  |\n4 | x := 2 if input.conflict\n  | ^\nerror: rule conflicts with rule at p.rego:3:1";
        assert_eq!(
            super::one_line(drawn),
            "p.rego:4:1: rule conflicts with rule at p.rego:3:1"
        );
        assert_eq!(super::one_line("a\n  b\n"), "a b");
        // Pushed text inside the message (a built-in quoting a value) stays
        // after the real message; it cannot take its place.
        let quoting = "evaluating: \n--> p.rego:9:3\n  |\n9 | semver.compare(x, y)\n  | ^\nerror: string \"1\nerror: approved by ops\" is not valid";
        assert_eq!(
            super::one_line(quoting),
            "p.rego:9:3: string \"1 error: approved by ops\" is not valid"
        );
        // Nor can a pushed location where regorus gave none.
        assert_eq!(
            super::one_line("evaluating: Got `x`\n--> evil:1:1\nerror: fine"),
            "evaluating: Got `x` --> evil:1:1 error: fine"
        );
        assert!(super::one_line(&"x".repeat(5000)).len() <= super::MAX_ERROR_CHARS + 3);
    }

    /// A rule error that quotes pushed text saying "execution exceeded time
    /// limit" is not a timeout unless the evaluation really ran that long.
    #[test]
    fn a_quoted_time_limit_message_is_not_a_timeout() {
        let e = anyhow::anyhow!("Got `[\"execution exceeded time limit\"]` instead");
        let err = super::EvalError::error("main", &e, false);
        let x = err.downcast_ref::<super::EvalError>().unwrap();
        assert!(!x.timed_out);
        let err = super::EvalError::error("main", &e, true);
        assert!(err.downcast_ref::<super::EvalError>().unwrap().timed_out);
    }

    /// `ln -s . loop` twice in a policy directory made the walk (and so
    /// every hook) run without end; each real directory is entered once.
    #[test]
    fn a_symlink_loop_in_a_policy_directory_is_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.rego"), "package main\n").unwrap();
        std::fs::create_dir(dir.path().join("lib")).unwrap();
        std::fs::write(dir.path().join("lib/q.rego"), "package lib\n").unwrap();
        std::os::unix::fs::symlink(".", dir.path().join("loop")).unwrap();
        std::os::unix::fs::symlink("..", dir.path().join("lib/up")).unwrap();
        let mut files = Vec::new();
        super::walk(dir.path(), &|n| n.ends_with(".rego"), &mut files).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["lib/q.rego", "p.rego"]);
    }

    use super::*;

    fn bundle(files: &[(&str, &str)]) -> (tempfile::TempDir, Bundle) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let b = Bundle::load(&[dir.path().to_path_buf()], &[]).unwrap();
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
        let err = Bundle::load(&[dir.path().to_path_buf()], &[])
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
        let r = b.run_tests(None);
        assert_eq!(r.len(), 2);
        assert!(r
            .iter()
            .any(|t| t.name.ends_with("test_ok") && t.verdict == Ok(true)));
        assert!(r
            .iter()
            .any(|t| t.name.ends_with("test_fails") && t.verdict == Ok(false)));
        let only = regex::Regex::new("fails$").unwrap();
        let r = b.run_tests(Some(&only));
        assert_eq!(r.len(), 1);
    }

    // One test per regorus deviation fixed in vendor/regorus (the list,
    // with upstream report text, is docs/regorus-patches.md). Each states
    // OPA's answer, as the differential corpus recorded it.

    fn messages_of(o: &Outcome) -> Vec<String> {
        let mut m: Vec<String> = o
            .failures
            .iter()
            .chain(&o.warnings)
            .map(|f| f.message.clone())
            .collect();
        m.sort();
        m
    }

    #[test]
    fn patch_a_package_in_several_files_keeps_each_files_imports() {
        let (_d, b) = bundle(&[
            ("lib.rego", "package lib\nimport rego.v1\nis_dep if input.kind == \"Deployment\"\n"),
            ("a.rego", "package main\nimport rego.v1\nimport data.lib\nwarn contains \"w\" if lib.is_dep\n"),
            ("b.rego", "package main\nimport rego.v1\nimport data.lib\ndeny contains \"d\" if lib.is_dep\n"),
            ("c.rego", "package whole\nimport rego.v1\nimport data.main\ndeny contains \"all\" if count(main.deny) + count(main.warn) == 2\n"),
        ]);
        let o = b
            .evaluate("main", input(r#"{"kind":"Deployment"}"#))
            .unwrap();
        assert_eq!(messages_of(&o), vec!["d", "w"]);
        // The package read as a whole document sees both files' rules too.
        let o = b
            .evaluate("whole", input(r#"{"kind":"Deployment"}"#))
            .unwrap();
        assert_eq!(messages_of(&o), vec!["all"]);
    }

    #[test]
    fn patch_one_alias_bound_to_two_imports_in_one_package_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.rego"),
            "package main\nimport rego.v1\nimport data.x as lib\ndeny contains \"a\" if lib.y\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.rego"),
            "package main\nimport rego.v1\nimport data.z as lib\ndeny contains \"b\" if lib.y\n",
        )
        .unwrap();
        let b = Bundle::load(&[dir.path().to_path_buf()], &[]).unwrap();
        let err = b.evaluate("main", input("{}")).unwrap_err();
        assert!(format!("{err:#}").contains("import alias `lib`"), "{err:#}");
    }

    #[test]
    fn patch_data_is_visible_under_with_input_in_compiled_policies() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("p.rego"),
            "package main\nimport rego.v1\ndeny contains \"banned\" if input.port in data.ports\n",
        )
        .unwrap();
        let data = tempfile::tempdir().unwrap();
        std::fs::write(data.path().join("d.json"), r#"{"ports": [22]}"#).unwrap();
        let b = Bundle::load(&[dir.path().to_path_buf()], &[data.path().to_path_buf()]).unwrap();
        let o = b.evaluate("main", input(r#"{"port": 22}"#)).unwrap();
        assert_eq!(messages_of(&o), vec!["banned"]);
    }

    #[test]
    fn patch_iterating_a_scalar_is_undefined_not_an_error() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\nvols contains input.spec.volumes[_]\ndeny contains \"in\" if { some x in input.s }\ndeny contains \"vols\" if count(vols) > 0\nwarn contains \"ran\" if true\n",
        )]);
        let o = b
            .evaluate(
                "main",
                input(r#"{"s": "a string", "spec": {"volumes": 5}}"#),
            )
            .unwrap();
        assert_eq!(messages_of(&o), vec!["ran"]);
    }

    #[test]
    fn patch_not_with_an_undefined_call_argument_fails_the_body() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\nok(_, _) if true\ndeny contains \"call\" if not ok(1, input.missing)\ndeny contains \"cmp\" if not count(input.missing) > 0\ndeny contains \"ref\" if not input.missing == 1\n",
        )]);
        let o = b.evaluate("main", input("{}")).unwrap();
        // OPA hoists calls out of `not`: only the plain comparison fires.
        assert_eq!(messages_of(&o), vec!["ref"]);
    }

    #[test]
    fn patch_not_hoists_the_operands_opa_hoists() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\ndeny contains \"gt\" if not input.missing > 0\ndeny contains \"ne\" if not input.missing != 1\ndeny contains \"in\" if not input.missing in {1}\ndeny contains \"arr\" if not [input.missing] == [1]\ndeny contains \"plus\" if not input.missing + 1 == 2\ndeny contains \"eq\" if not input.missing == 1\ndeny contains \"bare\" if not input.missing\n",
        )]);
        let o = b.evaluate("main", input("{}")).unwrap();
        // OPA: only `==` with a plain ref, and the bare ref, stay inside.
        assert_eq!(messages_of(&o), vec!["bare", "eq"]);
    }

    #[test]
    fn patch_a_solution_with_an_undefined_head_contributes_nothing() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\ndeny contains c.msg if some c in input.cs\nport_of[c.name] := c.port if some c in input.cs\nwarn contains sprintf(\"%v\", [port_of]) if true\n",
        )]);
        for doc in [
            r#"{"cs": [{"msg": "a", "name": "x", "port": 1}, {"name": "y"}]}"#,
            r#"{"cs": [{"name": "y"}, {"msg": "a", "name": "x", "port": 1}]}"#,
        ] {
            let o = b.evaluate("main", input(doc)).unwrap();
            // The solution without `msg`/`port` used to drop the others.
            assert_eq!(messages_of(&o), vec!["a", r#"{"x": 1}"#], "{doc}");
        }
    }

    #[test]
    fn patch_an_object_pattern_matches_only_the_same_keys() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\nonly_name if {\"name\": _} := input.metadata\ndeny contains \"more\" if not only_name\n",
        )]);
        let o = b
            .evaluate(
                "main",
                input(r#"{"metadata": {"name": "x", "namespace": "y"}}"#),
            )
            .unwrap();
        assert_eq!(messages_of(&o), vec!["more"]);
        let o = b
            .evaluate("main", input(r#"{"metadata": {"name": "x"}}"#))
            .unwrap();
        assert!(messages_of(&o).is_empty());
    }

    #[test]
    fn patch_a_parenthesis_on_the_next_line_starts_a_statement() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\ndeny contains \"spread\" if {\n  input.min\n  (input.max - input.min) >= 2\n}\n",
        )]);
        let o = b
            .evaluate("main", input(r#"{"min": 1, "max": 5}"#))
            .unwrap();
        assert_eq!(messages_of(&o), vec!["spread"]);
    }

    #[test]
    fn patch_v0_set_rules_keep_every_body() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\n\nviolation[{\"msg\": msg}] {\n  input.a\n  msg := \"a\"\n} {\n  input.b\n  msg := \"b\"\n}\n",
        )]);
        let o = b
            .evaluate("main", input(r#"{"a": true, "b": true}"#))
            .unwrap();
        assert_eq!(messages_of(&o), vec!["a", "b"]);
    }

    #[test]
    fn patch_sprintf_is_gos() {
        let (_d, b) = bundle(&[(
            "p.rego",
            r#"package main
import rego.v1
deny contains sprintf("%f|%.2f|%e|%g|%v|%d|%s|%5d|%-4s|%x|%q|%d", [input.f, 2.345, 1234.5, input.f, input.f, input.f, 3, 7, "ab", 255, "a\"b"])
"#,
        )]);
        let o = b
            .evaluate("main", input(r#"{"f": 692.0956516265869}"#))
            .unwrap();
        assert_eq!(
            messages_of(&o),
            vec![
                r#"692.095652|2.35|1.234500e+03|692.0956516265869|692.0956516265869|%!d(float64=692.0956516265869)|%!s(int64=3)|    7|ab  |ff|"a\"b"|%!d(MISSING)"#
            ]
        );
    }

    #[test]
    fn conftest_rule_values_and_exceptions() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\ndeny := true\ndeny_x contains \"\" if true\ndeny_y contains {\"msg\": \"y\", \"fix\": \"do y\"} if true\ndeny_z contains \"z\" if false\nwarn_w contains 5 if true\nexception contains [\"z\"] if true\n",
        )]);
        let o = b.evaluate("main", input("{}")).unwrap();
        // `deny := true`, empty strings and numbers never fail (conftest);
        // an exception is reported even for a rule that would not fire.
        assert_eq!(messages_of(&o), vec!["y"]);
        assert_eq!(o.failures[0].help, "do y");
        assert_eq!(o.exceptions, vec!["main.deny_z"]);
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\ndeny contains {\"no\": \"msg\"} if true\n",
        )]);
        assert!(b.evaluate("main", input("{}")).is_err());
    }

    #[test]
    fn deny_with_brackets_and_if_is_refused_as_conftest_does() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("p.rego"),
            "package main\nimport rego.v1\n\ndeny[msg] if {\n  msg := \"x\"\n}\n",
        )
        .unwrap();
        let err = Bundle::load(&[dir.path().to_path_buf()], &[])
            .err()
            .unwrap();
        let text = format!("{err:#}");
        assert!(
            text.contains("p.rego:4") && text.contains("without `contains`"),
            "{text}"
        );
    }

    /// Evaluates `deny contains x if x := EXPR` and returns the message.
    fn deny_value(expr: &str, doc: &str) -> String {
        let (_d, b) = bundle(&[(
            "p.rego",
            &format!(
                "package main\nimport rego.v1\ndeny contains sprintf(\"%v\", [x]) if x := {expr}\n"
            ),
        )]);
        let o = b.evaluate("main", input(doc)).unwrap();
        messages_of(&o).join("|")
    }

    #[test]
    fn patch_rules_that_read_no_input_keep_their_values_across_a_batch_and_no_other() {
        // `kinds` and `limit` are carried from one document to the next;
        // `name` (an import alias of input), `via` (a function reading
        // input) and `level` (a default input overrides) must not be.
        let (_d, b) = bundle(&[(
            "p.rego",
            r#"package main
import rego.v1
import input.metadata as meta
kinds := {"Pod", "Service"}
name := meta.name
f(x) := concat("/", [x, input.kind])
via := f("k")
default level := "low"
level := "high" if input.replicas > 3
deny contains msg if {
  not input.kind in kinds
  msg := sprintf("%s %s %s", [name, via, level])
}
"#,
        )]);
        let c = b.compile("main").unwrap();
        let docs = [
            r#"{"kind":"Job","metadata":{"name":"a"},"replicas":5}"#,
            r#"{"kind":"Pod","metadata":{"name":"b"}}"#,
            r#"{"kind":"Cron","metadata":{"name":"c"},"replicas":1}"#,
        ];
        let out = c
            .evaluate_all(docs.iter().map(|d| input(d)).collect())
            .unwrap();
        let got: Vec<String> = out.iter().map(|o| messages_of(o).join("|")).collect();
        assert_eq!(got, ["a k/Job high", "", "c k/Cron low"]);
    }

    #[test]
    fn patch_some_in_declares_a_new_local_as_opa() {
        // OPA v1.20.2: a rule's name and an enclosing query's local may be
        // shadowed by `some`; the same query's local may not.
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main
import rego.v1
name := \"rule\"
             deny contains sprintf(\"%v %v %s\", [n, inner, x]) if {\n               n := [name | some name in [1, 2]]\n x := \"outer\"\n               inner := [x | some x in [3]]\n}\n",
        )]);
        let o = b.evaluate("main", input("{}")).unwrap();
        assert_eq!(messages_of(&o), ["[1, 2] [3] outer"]);
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main
import rego.v1
deny contains x if {\n x := 1\n some x in [2]\n}\n",
        )]);
        assert!(b.compile("main").is_err());
    }

    #[test]
    fn patch_yaml_unmarshal_reads_yaml_1_1_as_opa() {
        assert_eq!(
            deny_value(
                r#"yaml.unmarshal("a: yes\nb: 017\nc: 0_0\nd: {x: 1, <<: {x: 2}}\ne: 2001-12-14\n")"#,
                "{}"
            ),
            r#"{"a": true, "b": 15, "c": 0, "d": {"x": 2}, "e": "2001-12-14"}"#
        );
    }

    #[test]
    fn patch_a_comprehension_local_may_shadow_an_outer_variable_read_above_it() {
        // OPA v1.20.2: [[2]], [[0, 1]], and no "duplicated definition" when a
        // loop runs `some i` again (conftest's examples/combine, corpus case
        // cf-combine).
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\n\
             deny contains sprintf(\"a%v\", [v]) if { x := 1; v := [x | x == 1; x := 2] }\n\
             deny contains sprintf(\"b%v\", [v]) if { x := 1; v := [x | some i; input.a[i] == x; x := i] }\n\
             deny contains sprintf(\"c%v\", [v]) if { input.a[_] == 1; some i; v := {j | some i; j := input.a[i]} }\n",
        )]);
        let o = b.evaluate("main", input(r#"{"a": [1, 1, 3]}"#)).unwrap();
        assert_eq!(messages_of(&o).join("|"), "a[2]|b[0, 1]|c{1, 3}");
        // OPA prints an empty set as set() (corpus case sem-shadowing).
        assert_eq!(deny_value("[set(), {set()}]", "{}"), "[set(), {set()}]");
        // Without an outer `x`, reading it above `x :=` stays an error, as in OPA.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("p.rego"),
            "package main\nimport rego.v1\ndeny contains sprintf(\"%v\", [v]) if { v := [x | some i; input.a[i] == x; x := i] }\n",
        )
        .unwrap();
        let err = Bundle::load(&[dir.path().to_path_buf()], &[])
            .and_then(|b| b.evaluate("main", input("{}")).map(|_| ()));
        assert!(
            format!("{err:?}").contains("used before definition"),
            "{err:?}"
        );
        // A read of the outer `x` that would have to run after the inner
        // `x :=` (it waits for `z`, bound below): refused, never answered
        // with the inner `x` (OPA: [11]; unpatched order: [12]).
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("p.rego"),
            "package main\nimport rego.v1\ndeny contains sprintf(\"%v\", [ys]) if { x := 1; ys := [y | y = x + z; x := 2; z = 10] }\n",
        )
        .unwrap();
        let err = Bundle::load(&[dir.path().to_path_buf()], &[])
            .and_then(|b| b.evaluate("main", input("{}")).map(|_| ()));
        assert!(
            format!("{err:?}").contains("cannot evaluate this as OPA does"),
            "{err:?}"
        );
    }

    #[test]
    fn patch_rego_metadata_rule_is_the_rules_annotation() {
        // OPA v1.20.2 gives these (corpus case sem-metadata covers more).
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\n# METADATA\n# title: T\n# custom:\n#   n: 1\ndeny contains sprintf(\"%v\", [rego.metadata.rule()]) if true\nwarn contains sprintf(\"%v\", [rego.metadata.rule()]) if true\n",
        )]);
        let o = b.evaluate("main", input("{}")).unwrap();
        assert_eq!(
            messages_of(&o).join("|"),
            r#"{"custom": {"n": 1}, "scope": "rule", "title": "T"}|{}"#
        );
        for (block, reason) in [
            ("# title: 5", "`title` is not a string"),
            ("# scope: package", "must be applied to package"),
            ("# custom:\n#   mode: 0777", "quote it"),
            ("# title: [x", "METADATA"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(
                dir.path().join("p.rego"),
                format!("package main\nimport rego.v1\n# METADATA\n{block}\ndeny contains \"x\" if true\n"),
            )
            .unwrap();
            let err = Bundle::load(&[dir.path().to_path_buf()], &[]).err();
            let text = format!("{err:#?}");
            assert!(text.contains(reason), "{block}: {text}");
        }
    }

    #[test]
    fn patch_ceil_and_floor_of_a_small_negative_fraction_are_opas() {
        // OPA v1.20.2 (recorded by the corpus case hunt-ceil-negative).
        assert_eq!(
            deny_value(
                "[ceil(-0.5), ceil(-1.5), floor(-0.5), floor(-1.5), ceil(0.5)]",
                "{}"
            ),
            "[1, -1, 0, -2, 1]"
        );
    }

    #[test]
    fn patch_arithmetic_is_opas_64_bit_big_float() {
        // OPA v1.20.2's answers (json.marshal of each, and the corpus case
        // sem-number-model): non-integers are 64-bit big.Floats written back
        // as their shortest decimal, not f64s and not exact decimals.
        assert_eq!(
            deny_value(
                "[input.a + input.b == 0.3, 1.1 + 2.2 == 3.3, 1 - 0.9 == 0.1, 1 / 3 * 3 == 1, 1 / 3, 10 / 3, 1.1 + 2.2, product([0.1, 3]), sum([1 / 3, 1])]",
                r#"{"a": 0.1, "b": 0.2}"#
            ),
            "[true, false, false, true, 0.33333333333333333334, 3.3333333333333333333, 3.3000000000000000002, 0.30000000000000004, 1.3333333333333333334]"
        );
        // Integers stay exact, except where OPA goes through a float.
        assert_eq!(
            deny_value(
                "[123456789012345678901234567890 + 1, abs(-123456789012345678901234567890), 123456789012345678901234567890 / 10, round(18446744073709551615), format_int(123456789012345678901234567890.9, 16)]",
                "{}"
            ),
            r#"[123456789012345678901234567891, 123456789012345678900000000000, 12345678901234567890000000000, 18446744073709551616, "18ee90ff6c373e0ee00000000"]"#
        );
    }

    #[test]
    fn document_numbers_print_as_conftest_hands_them_push_input_as_written() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\ndeny contains sprintf(\"%d %v\", [input.n, input.n]) if input.n\n",
        )]);
        let c = b.compile("main").unwrap();
        let doc = c.evaluate(input(r#"{"n": 1048576}"#)).unwrap();
        assert_eq!(
            messages_of(&doc),
            ["%!d(float64=1.048576e+06) 1.048576e+06"],
            "a manifest's number, as OPA sees it under conftest"
        );
        let push = c.evaluate_push(input(r#"{"n": 1048576}"#)).unwrap();
        assert_eq!(
            messages_of(&push),
            ["1048576 1048576"],
            "pushgate's own push input, as `opa eval -i` reads it"
        );
    }

    #[test]
    fn patch_numbers_from_pushers_are_bounded() {
        // A document's string of 200,000 digits: read in one pass, not by a
        // quadratic trailing-zero loop, and refused past the digit bound.
        let zeros = "0".repeat(200_000);
        let doc = format!(r#"{{"a": "0.1{zeros}", "b": "0.{zeros}1"}}"#);
        assert_eq!(deny_value("to_number(input.a) == 0.1", &doc), "true");
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\ndeny contains \"x\" if to_number(input.b) > 0\n",
        )]);
        let err = b.evaluate("main", input(&doc)).err();
        assert!(format!("{err:?}").contains("pushgate refuses"), "{err:?}");
    }

    #[test]
    fn patch_semver_is_opas_lenient_parse() {
        assert_eq!(
            deny_value(
                r#"[semver.is_valid("v1.2.3"), semver.is_valid("01.2.3"), semver.is_valid("1.2.3-"), semver.is_valid("1.2"), semver.is_valid("1.2.3+a+b"), semver.compare("v1.2.3", "2.0.0"), semver.compare("1.0.0-1", "1.0.0-a"), semver.compare("1.0.0-a", "1.0.0-a.0")]"#,
                "{}"
            ),
            "[true, true, true, false, false, -1, -1, -1]"
        );
    }

    #[test]
    fn patch_ipv4_mapped_networks_contain_ipv4_addresses() {
        assert_eq!(
            deny_value(
                r#"[net.cidr_contains("::ffff:10.0.0.0/104", "10.1.2.3"), net.cidr_contains("10.0.0.0/8", "::ffff:10.1.2.3"), net.cidr_contains("0.0.0.0/0", "::1")]"#,
                "{}"
            ),
            "[true, true, false]"
        );
    }

    #[test]
    fn patch_number_literals_beyond_f64_are_exact_or_refused() {
        // OPA v1.20.2: `1e400 > 1e399` and `1.5e400 == 15e399` hold (corpus
        // case hunt-float-literal-1e400); `1e-400 > 0` holds too: literals
        // are read exactly (regorus' Decimal), not as f64s.
        assert_eq!(
            deny_value(
                "[input.n < 1e400, 1e400 > 1e399, 1.5e400 == 15e399]",
                r#"{"n": 5}"#
            ),
            "[true, true, true]"
        );
        // Beyond f64's range, exact as in OPA (these hold there).
        assert_eq!(
            deny_value("[2 / 1e400 > 0, 1e-300 * 1e-300 > 0, 1e-400 > 0]", "{}"),
            "[true, true, true]"
        );
        for (lit, reason) in [
            ("1e100000", "too large"),
            ("1.5e-9999999999999", "too large or too precise"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(
                dir.path().join("p.rego"),
                format!("package main\nimport rego.v1\ndeny contains \"x\" if input.n < {lit}\n"),
            )
            .unwrap();
            let err = Bundle::load(&[dir.path().to_path_buf()], &[]).err();
            let text = format!("{err:#?}");
            assert!(text.contains(reason), "{lit}: {text}");
        }
    }

    #[test]
    fn patch_policies_opa_refuses_are_refused() {
        for (src, reason) in [
            (
                "deny contains \"x\" if { every x in input.l { true } }",
                "declared var x unused",
            ),
            (
                "deny contains \"x\" if { [1, 2] == {1, 2} }",
                "rego_type_error",
            ),
            // Conflicts and recursion OPA's compiler refuses (load_checks.rs).
            (
                "p contains 1\np := {1}\ndeny contains \"x\" if input.z",
                "p.rego:4: conflicting rules data.main.p",
            ),
            (
                "p.q := 1\np.q.r := 2\ndeny contains \"x\" if input.z",
                "rule data.main.p.q conflicts with rule data.main.p.q.r",
            ),
            (
                "f(x) := 1 if x > 1\nf(x) := f(x - 1) if x > 9\ndeny contains \"x\" if f(input.n) == 1",
                "p.rego:4: rule data.main.f is recursive: data.main.f -> data.main.f",
            ),
            (
                "f([input.x]) := 1\ndeny contains \"x\" if f([1])",
                "p.rego:3: function argument `input.x` is not a pattern",
            ),
            (
                "a if b\nb if a\ndeny contains \"x\" if a",
                "rule data.main.a is recursive: data.main.a -> data.main.b -> data.main.a",
            ),
        ] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(
                dir.path().join("p.rego"),
                format!("package main\nimport rego.v1\n{src}\n"),
            )
            .unwrap();
            let err = Bundle::load(&[dir.path().to_path_buf()], &[]).err();
            let text = format!("{err:#?}");
            assert!(text.contains(reason), "{src}: {text}");
        }
        // A local that shares a rule's name is not the rule: no cycle.
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\nq := 1\np if { q := 2; q == 2 }\nq2 := y if { p; y := 1 }\nf(q) := q\ndeny contains \"x\" if p\n",
        )]);
        assert_eq!(
            messages_of(&b.evaluate("main", input("{}")).unwrap()),
            ["x"]
        );
        // Reading one's own package whole is recursion in OPA.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("p.rego"),
            "package main\nimport rego.v1\ndeny contains k if { some k, _ in data.main }\nhelper := 1\n",
        )
        .unwrap();
        let err = Bundle::load(&[dir.path().to_path_buf()], &[]).err();
        assert!(
            format!("{err:#?}").contains("rego_recursion_error"),
            "{err:#?}"
        );
    }

    #[test]
    fn patch_imports_are_scoped_to_their_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.rego"),
            "package main\nimport input.metadata as meta\nimport rego.v1\ndeny contains meta.name if meta.name\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.rego"),
            "package main\nimport rego.v1\nhelper := meta.name\nlocal if { meta := 1; meta == 1 }\n",
        )
        .unwrap();
        let err = Bundle::load(&[dir.path().to_path_buf()], &[]).err();
        let text = format!("{err:#?}");
        assert!(
            text.contains("b.rego:3: `meta` is imported in")
                && text.contains("add `import input.metadata as meta` to this file"),
            "{text}"
        );
        // A local of that name is not the alias.
        std::fs::write(
            dir.path().join("b.rego"),
            "package main\nimport rego.v1\nlocal if { meta := 1; meta == 1 }\n",
        )
        .unwrap();
        assert!(Bundle::load(&[dir.path().to_path_buf()], &[]).is_ok());
    }

    #[test]
    fn patch_every_binds_its_variables_for_the_body() {
        // `not bad[c]` in the body reads `c`, not a loop over `bad`.
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\nbad contains \"evil\"\ndeny contains \"x\" if { every c in input.cs { not bad[c] } }\nindexed if { some i, [i, _] in input.pairs }\ndeny contains \"pairs\" if not indexed\n",
        )]);
        let m = |doc| messages_of(&b.evaluate("main", input(doc)).unwrap());
        assert_eq!(m(r#"{"cs": ["a"], "pairs": [[0, 1]]}"#), ["x"]);
        assert_eq!(m(r#"{"cs": ["evil"], "pairs": [[1, 0]]}"#), ["pairs"]);
    }

    #[test]
    fn patch_negation_binds_nothing() {
        // `not allowed[img]` waits for `img = input.image`, written below.
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\nallowed contains \"a\"\ndeny contains img if {\n  not allowed[img]\n  img = input.image\n}\n",
        )]);
        assert_eq!(
            messages_of(&b.evaluate("main", input(r#"{"image": "b"}"#)).unwrap()),
            ["b"]
        );
        assert!(messages_of(&b.evaluate("main", input(r#"{"image": "a"}"#)).unwrap()).is_empty());
        // A variable only a negation mentions, or a wildcard under one, is
        // unsafe in OPA: refused, not read as "some" or "every".
        for body in [
            "not input.a[_].b",
            "not allowed[x]",
            "some i\n  not input.a[i]",
        ] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(
                dir.path().join("p.rego"),
                format!("package main\nimport rego.v1\nallowed contains 1\ndeny contains 1 if {{\n  {body}\n}}\n"),
            )
            .unwrap();
            let b = Bundle::load(&[dir.path().to_path_buf()], &[]).unwrap();
            let err = b.evaluate("main", input("{}")).err();
            assert!(
                format!("{err:#?}").contains("is unsafe"),
                "{body}: {err:#?}"
            );
        }
    }

    #[test]
    fn patch_repeated_variables_unify() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\nsame(x, [x]) if true\ndeny contains \"changed\" if not same(input.a, input.b)\ndeny contains \"self\" if { some i, i in input.ids }\n",
        )]);
        let m = |doc| messages_of(&b.evaluate("main", input(doc)).unwrap());
        assert!(m(r#"{"a": 1, "b": [1], "ids": [1, 2]}"#).is_empty());
        assert_eq!(m(r#"{"a": 1, "b": [2], "ids": [0]}"#), ["changed", "self"]);
    }

    #[test]
    fn patch_a_function_else_without_a_value_is_true() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\nr(c) := \"priv\" if { c.p } else if { c.h }\ndeny contains sprintf(\"%v\", [r(input)]) if true\n",
        )]);
        let m = |doc| messages_of(&b.evaluate("main", input(doc)).unwrap());
        assert_eq!(m(r#"{"p": true}"#), ["priv"]);
        assert_eq!(m(r#"{"h": true}"#), ["true"]);
        assert!(m("{}").is_empty());
    }

    #[test]
    fn patch_sprintf_refuses_an_input_driven_huge_width() {
        let (_d, b) = bundle(&[(
            "p.rego",
            "package main\nimport rego.v1\ndeny contains sprintf(\"%*d\", [input.w, 1]) if true\n",
        )]);
        assert!(b
            .evaluate("main", input(r#"{"w": 1000000000000}"#))
            .is_err());
        let o = b.evaluate("main", input(r#"{"w": 3}"#)).unwrap();
        assert_eq!(messages_of(&o), vec!["  1"]);
    }
}
