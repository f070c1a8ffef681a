//! `pushgate validate`: manifests and manifest-level policies over files and
//! directories, no git needed, conftest's flags and outputs. The same
//! parser and policy engine as the gate.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;

use crate::finding::{Code, Finding};
use crate::manifest::{self, Selector};
use crate::policy::{Bundle, Compiled};

pub struct Options {
    pub policies: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    pub namespaces: Vec<String>,
    pub all_namespaces: bool,
    pub fail_on_warn: bool,
    /// conftest's `--combine`: one evaluation per namespace over every
    /// document, `input` being the array of `{path, contents}`.
    pub combine: bool,
    /// conftest's `--ignore`: paths matching it are not read.
    pub ignore: Option<regex::Regex>,
    pub rego_version: crate::policy::RegoVersion,
    pub selector: Selector,
    /// conftest's `--parser`: read every file as this format (default: by
    /// extension, `.toml` as TOML, anything else as YAML/JSON).
    pub parser: Option<Parser>,
    /// Kubernetes schemas every document is checked against
    /// (`--kubernetes-version` and friends, or the config's).
    pub schemas: Option<crate::manifest::schema::Catalog>,
    /// The config's `manifests.render`: render roots under the directories
    /// named are rendered, and their output judged instead of their files.
    pub render: Vec<crate::config::RenderRule>,
}

/// The schemas `validate` checks against: the built-in version, the
/// config's CRD entries (tree entries read from the current directory, as
/// `validate` runs in a checkout), and `--schema-location` directories of
/// JSON Schema files and CRDs.
pub fn catalog(
    s: &crate::config::Schemas,
    limits: &manifest::Limits,
) -> Result<crate::manifest::schema::Catalog> {
    let mut c = crate::manifest::schema::Catalog::new(s).map_err(anyhow::Error::msg)?;
    let mut crd_paths = s.local_crds.clone();
    // The tree's entries, as globs over the current directory (a checkout).
    if !s.crds.is_empty() {
        let set = crate::gate::schemas::crd_globs(s)?;
        for e in walkdir::WalkDir::new(".")
            .follow_links(false)
            .sort_by_file_name()
        {
            let e = e.context("reading the current directory for CRDs")?;
            let rel = e
                .path()
                .strip_prefix(".")
                .unwrap_or(e.path())
                .to_string_lossy()
                .into_owned();
            let yaml = rel.ends_with(".yaml") || rel.ends_with(".yml") || rel.ends_with(".json");
            if e.file_type().is_file() && yaml && set.is_match(&rel) {
                crd_paths.push(PathBuf::from(rel));
            }
        }
    }
    let mut crds = crate::gate::schemas::local_crds(&crd_paths, limits)?;
    for location in &s.locations {
        if location.is_dir() {
            crds.extend(crate::gate::schemas::local_crds(
                std::slice::from_ref(location),
                limits,
            )?);
        }
        c.add_location(location.to_string_lossy().into_owned());
    }
    for d in &crds {
        c.add_crd(d).map_err(|f| anyhow::anyhow!("{}", f.message))?;
    }
    Ok(c)
}

/// The formats `--parser` names (conftest's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Parser {
    Yaml,
    Json,
    Toml,
    /// Refused: conftest's HCL2-to-JSON conversion (hcl2json) is not
    /// reproduced yet, and a different conversion would change verdicts.
    Hcl2,
}

/// One file's documents, read as `parser` says (or by its extension).
fn read_docs(
    name: &str,
    bytes: &[u8],
    limits: &manifest::Limits,
    parser: Option<Parser>,
) -> Result<Vec<manifest::Document>, Box<crate::finding::Finding>> {
    let lower = name.to_ascii_lowercase();
    let parser = parser.or(if lower.ends_with(".toml") {
        Some(Parser::Toml)
    } else if lower.ends_with(".tf") || lower.ends_with(".hcl") {
        Some(Parser::Hcl2)
    } else {
        None
    });
    let refuse = |message: String, help: &str| {
        let mut f = crate::finding::Finding::new(Code::ManifestInvalid, message, help);
        f.path = Some(name.to_owned());
        Box::new(f)
    };
    match parser {
        None | Some(Parser::Yaml) | Some(Parser::Json) => manifest::parse(name, bytes, limits),
        Some(Parser::Hcl2) => Err(refuse(
            "HCL2 is not supported: pushgate does not yet convert HCL2 to JSON exactly as conftest does, and a different conversion would change verdicts".to_owned(),
            "run conftest for Terraform files, or leave them out of the paths",
        )),
        Some(Parser::Toml) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| refuse(format!("{name} is not UTF-8 text"), "save it as UTF-8"))?;
            let value: toml::Value = toml::from_str(text).map_err(|e| {
                refuse(format!("invalid TOML: {}", e.message()), "fix the TOML")
            })?;
            let document = toml_json(value)
                .map_err(|m| refuse(m.to_string(), "write a finite number"))?;
            Ok(vec![manifest::Document {
                path: name.to_owned(),
                index: 0,
                line: 1,
                document,
                spans: manifest::Spans::default(),
                source: None,
            }])
        }
    }
}

/// TOML as conftest hands it to OPA (BurntSushi/toml, then JSON): date-times
/// become their RFC 3339 text.
fn toml_json(v: toml::Value) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    Ok(match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(J::Number)
            .ok_or_else(|| format!("the float {f} has no JSON form (conftest fails on it)"))?,
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_json).collect::<Result<_, _>>()?),
        toml::Value::Table(t) => J::Object(
            t.into_iter()
                .map(|(k, v)| Ok((k, toml_json(v)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

/// One file checked against one namespace (conftest's result unit).
#[derive(Debug, Serialize)]
pub struct FileResult {
    pub filename: String,
    pub namespace: String,
    pub successes: usize,
    pub failures: Vec<Finding>,
    pub warnings: Vec<Finding>,
    pub exceptions: Vec<String>,
    /// Every rule evaluated on the file (for JUnit's one case per rule).
    #[serde(skip)]
    pub rules: Vec<String>,
}

pub struct Report {
    pub results: Vec<FileResult>,
    pub fail_on_warn: bool,
    /// Namespaces asked for that define no rule: conftest warns and passes.
    pub empty_namespaces: Vec<String>,
}

impl Report {
    pub fn totals(&self) -> (usize, usize, usize, usize, usize) {
        let mut t = (0, 0, 0, 0, 0);
        for r in &self.results {
            t.1 += r.successes;
            t.2 += r.warnings.len();
            t.3 += r.failures.len();
            t.4 += r.exceptions.len();
        }
        t.0 = t.1 + t.2 + t.3 + t.4;
        t
    }

    pub fn failed(&self) -> bool {
        let (_, _, warnings, failures, _) = self.totals();
        failures > 0 || (self.fail_on_warn && warnings > 0)
    }
}

/// `-` names standard input, as for kubectl and conftest:
/// `kubectl kustomize overlays/prod | pushgate validate -`.
fn is_stdin(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// A file's bytes, or standard input's for `-` (read once, bounded by
/// `limits.max_manifest_bytes`: a pipe has no size to check first).
fn read_input(file: &Path, limits: &manifest::Limits) -> Result<Vec<u8>> {
    if !is_stdin(file) {
        return std::fs::read(file).with_context(|| format!("reading {}", file.display()));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin().lock(), limits.max_manifest_bytes + 1),
        &mut bytes,
    )
    .context("reading standard input")?;
    if bytes.len() as u64 > limits.max_manifest_bytes {
        bail!(
            "standard input holds more than {} bytes (limits.max_manifest_bytes); split it, or raise the limit in the config given with --config",
            limits.max_manifest_bytes
        );
    }
    Ok(bytes)
}

/// Files under `paths`: a named file always, files in directories when the
/// manifest selector wants them.
fn collect(
    paths: &[PathBuf],
    selector: &Selector,
    ignore: Option<&regex::Regex>,
) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if paths.iter().filter(|p| is_stdin(p)).count() > 1 {
        bail!("`-` (standard input) is named more than once");
    }
    for p in paths {
        if is_stdin(p) || p.is_file() {
            out.push(p.clone());
        } else if p.is_dir() {
            // Links are entries, not directories to enter: a link to a
            // directory is read (and refused) as a file.
            for e in walkdir::WalkDir::new(p).min_depth(1) {
                let e = e.with_context(|| format!("reading {}", p.display()))?;
                if e.file_type().is_dir() {
                    continue;
                }
                let path = e.into_path();
                let rel = path
                    .strip_prefix(p)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                // conftest reads JSON and TOML documents in a directory too.
                let json = (rel.ends_with(".json") || rel.ends_with(".toml"))
                    && !selector.exclude_matches(&rel);
                if selector.wants(&rel) || json {
                    out.push(path);
                }
            }
        } else {
            bail!("{} does not exist", p.display());
        }
    }
    if let Some(re) = ignore {
        out.retain(|p| !re.is_match(&p.to_string_lossy()));
    }
    out.sort();
    Ok(out)
}

/// The namespaces asked for, compiled, and those that define no rule.
fn compile_namespaces(bundle: &Bundle, opts: &Options) -> Result<(Vec<Compiled>, Vec<String>)> {
    let asked = if opts.all_namespaces {
        bundle.packages()?
    } else {
        opts.namespaces.clone()
    };
    let (namespaces, empty): (Vec<String>, Vec<String>) =
        asked.into_iter().partition(|ns| bundle.has_rules(ns));
    let empty_namespaces = if opts.all_namespaces { vec![] } else { empty };
    let compiled = namespaces
        .iter()
        .map(|ns| bundle.compile(ns))
        .collect::<Result<Vec<_>>>()?;
    Ok((compiled, empty_namespaces))
}

pub fn run(paths: &[PathBuf], opts: &Options) -> Result<Report> {
    let bundle = if opts.policies.is_empty() {
        None
    } else {
        Some(Bundle::load_as(
            &opts.policies,
            &opts.data,
            opts.rego_version,
        )?)
    };
    let (compiled, empty_namespaces) = match &bundle {
        Some(bundle) => compile_namespaces(bundle, opts)?,
        None => (Vec::new(), Vec::new()),
    };
    let mut files = collect(paths, &opts.selector, opts.ignore.as_ref())?;
    let rendered = render(paths, opts)?;
    files.retain(|f| !rendered.dirs.iter().any(|d| f.starts_with(d)));
    // As on the server, only the configured CRDs (`crds:`, and
    // `--schema-location` directories) define kinds, not CRDs that happen
    // to be among the files.
    let catalog = opts.schemas.clone();
    let results = if opts.combine {
        check_combined(&files, &compiled, &opts.selector.limits, opts.parser)?
    } else {
        let per_file: Vec<Vec<FileResult>> = files
            .par_iter()
            .map(|f| {
                check_file(
                    f,
                    &compiled,
                    &opts.selector.limits,
                    opts.parser,
                    catalog.as_ref(),
                )
            })
            .collect::<Result<_>>()?;
        let mut results: Vec<FileResult> = per_file.into_iter().flatten().collect();
        results.extend(rendered.failures);
        for (name, docs) in rendered.roots {
            results.extend(judge(name, docs, &compiled, catalog.as_ref())?);
        }
        results
    };
    Ok(Report {
        results,
        fail_on_warn: opts.fail_on_warn,
        empty_namespaces,
    })
}

/// What the render roots under the directories named render to.
#[derive(Default)]
struct RenderedRoots {
    /// The roots' directories: their files are the renderer's input.
    dirs: Vec<PathBuf>,
    /// Each root (`DIR/overlays/prod/kustomization.yaml`) and its output.
    roots: Vec<(String, Vec<manifest::Document>)>,
    /// A root that did not render, as a file result.
    failures: Vec<FileResult>,
}

/// Renders the config's render roots under each directory named, as the
/// gate does (the same renderer, environment and bounds), on a copy of the
/// directory: the origin request is written into the copy, never into the
/// checkout.
fn render(paths: &[PathBuf], opts: &Options) -> Result<RenderedRoots> {
    let mut out = RenderedRoots::default();
    if opts.render.is_empty() {
        return Ok(out);
    }
    for p in paths.iter().filter(|p| !is_stdin(p) && p.is_dir()) {
        let scratch = tempfile::Builder::new()
            .prefix("pushgate-render")
            .tempdir()
            .context("creating a directory to render in")?;
        let tree = scratch.path().join("tree");
        copy_tree(p, &tree)?;
        let roots = crate::gate::render::roots(&opts.render, &tree)?;
        let refs: Vec<_> = roots.iter().collect();
        let (docs, failures) = crate::gate::render::render_each(
            &refs,
            &tree,
            scratch.path(),
            &opts.selector.limits,
            &crate::deadline::Deadline::after(crate::config::Limits::default().timeout_seconds),
        )?;
        let shown = |root: &str| p.join(root).to_string_lossy().into_owned();
        for (root, _) in &roots {
            out.dirs.push(
                p.join(root)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
            );
            let mine: Vec<_> = docs
                .iter()
                .filter(|d| &d.path == root)
                .cloned()
                .map(|mut d| {
                    d.path = shown(root);
                    d
                })
                .collect();
            out.roots.push((shown(root), mine));
        }
        for mut f in failures {
            let name = f.path.as_deref().map(shown).unwrap_or_default();
            f.path = Some(name.clone());
            out.failures.push(FileResult {
                filename: name,
                namespace: "pushgate".into(),
                successes: 0,
                rules: vec![f.rule.to_string()],
                failures: vec![f],
                warnings: vec![],
                exceptions: vec![],
            });
        }
    }
    Ok(out)
}

/// Copies a directory for rendering: files, directories, and symlinks as
/// symlinks (the renderer follows them as it would in the checkout),
/// bounded as the gate's export is.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let (mut files, mut bytes) = (0u64, 0u64);
    for e in walkdir::WalkDir::new(from).follow_links(false) {
        let e = e.with_context(|| format!("reading {}", from.display()))?;
        let rel = e.path().strip_prefix(from).unwrap_or(e.path());
        let dest = to.join(rel);
        let t = e.file_type();
        if t.is_dir() {
            std::fs::create_dir_all(&dest)?;
        } else if t.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path())?, &dest)?;
        } else if t.is_file() {
            files += 1;
            bytes += e.metadata()?.len();
            if files > crate::config::DEFAULT_MAX_EXPORT_FILES
                || bytes > crate::config::DEFAULT_MAX_EXPORT_BYTES
            {
                bail!(
                    "{} is too large to copy for rendering (at most {} files, {} bytes)",
                    from.display(),
                    crate::config::DEFAULT_MAX_EXPORT_FILES,
                    crate::config::DEFAULT_MAX_EXPORT_BYTES
                );
            }
            std::fs::copy(e.path(), &dest)
                .with_context(|| format!("copying {}", e.path().display()))?;
        }
    }
    Ok(())
}

/// conftest's `--combine`: every document of every file in one `input`.
fn check_combined(
    files: &[PathBuf],
    namespaces: &[Compiled],
    limits: &manifest::Limits,
    parser: Option<Parser>,
) -> Result<Vec<FileResult>> {
    let mut combined = Vec::new();
    for file in files {
        let name = file.to_string_lossy().into_owned();
        let bytes = read_input(file, limits)?;
        let docs = read_docs(&name, &bytes, limits, parser)
            .map_err(|f| anyhow::anyhow!("{name}: {}", f.message))?;
        for d in docs {
            combined.push(serde_json::json!({"path": name, "contents": d.document}));
        }
    }
    let input = serde_json::Value::Array(combined);
    let mut out = Vec::new();
    for compiled in namespaces {
        let ns = compiled.namespace();
        let o = compiled
            .evaluate(regorus::Value::from(input.clone()))
            .with_context(|| format!("combined input: policy {ns}"))?;
        out.push(file_result("Combined".into(), ns, o));
    }
    Ok(out)
}

/// conftest's successes: the rules looked at that neither reported
/// anything nor were excepted.
fn successes(o: &crate::policy::Outcome) -> usize {
    let failing: std::collections::BTreeSet<String> = o
        .failures
        .iter()
        .chain(&o.warnings)
        .map(|f| f.rule.to_string())
        .collect();
    o.rules
        .iter()
        .filter(|x| !failing.contains(*x) && !o.exceptions.contains(x))
        .count()
}

fn file_result(filename: String, ns: &str, o: crate::policy::Outcome) -> FileResult {
    FileResult {
        filename,
        namespace: ns.to_owned(),
        successes: successes(&o),
        failures: o.failures,
        warnings: o.warnings,
        exceptions: o.exceptions,
        rules: o.rules,
    }
}

fn check_file(
    file: &Path,
    namespaces: &[Compiled],
    limits: &manifest::Limits,
    parser: Option<Parser>,
    schemas: Option<&crate::manifest::schema::Catalog>,
) -> Result<Vec<FileResult>> {
    let name = file.to_string_lossy().into_owned();
    let bytes = read_input(file, limits)?;
    let docs = match read_docs(&name, &bytes, limits, parser) {
        Ok(d) => d,
        Err(f) => {
            return Ok(vec![FileResult {
                filename: name,
                namespace: "pushgate".into(),
                successes: 0,
                rules: vec![f.rule.to_string()],
                failures: vec![*f],
                warnings: vec![],
                exceptions: vec![],
            }])
        }
    };
    judge(name, docs, namespaces, schemas)
}

/// One file's (or one render root's) documents, judged by the schemas and
/// every namespace.
fn judge(
    name: String,
    docs: Vec<manifest::Document>,
    namespaces: &[Compiled],
    schemas: Option<&crate::manifest::schema::Catalog>,
) -> Result<Vec<FileResult>> {
    let mut out = Vec::new();
    if let Some(catalog) = schemas {
        // Schemas judge what kubectl applies: a List's items.
        let applied = match manifest::applied(docs.clone()) {
            Ok(d) => d,
            Err(f) => {
                out.push(FileResult {
                    filename: name.clone(),
                    namespace: "pushgate.schemas".into(),
                    successes: 0,
                    rules: vec![f.rule.to_string()],
                    failures: vec![*f],
                    warnings: vec![],
                    exceptions: vec![],
                });
                Vec::new()
            }
        };
        let (failures, warnings) = catalog.check(&applied);
        let docs = &applied;
        out.push(FileResult {
            filename: name.clone(),
            namespace: "pushgate.schemas".into(),
            successes: docs.len().saturating_sub(
                failures
                    .iter()
                    .chain(&warnings)
                    .filter_map(|f| f.document)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len(),
            ),
            rules: vec!["schemas".into()],
            failures,
            warnings,
            exceptions: vec![],
        });
    }
    for compiled in namespaces {
        let ns = compiled.namespace();
        let mut r = FileResult {
            filename: name.clone(),
            namespace: ns.to_owned(),
            successes: 0,
            failures: vec![],
            warnings: vec![],
            exceptions: vec![],
            rules: vec![],
        };
        // The file's documents in one batch, as the gate evaluates a push's
        // (constant rules are computed once); on an error, one by one to
        // name the document that broke evaluation.
        let outcomes = match compiled.evaluate_all(
            docs.iter()
                .map(|d| regorus::Value::from(d.document.clone()))
                .collect(),
        ) {
            Ok(o) => o,
            Err(e) => {
                for d in &docs {
                    compiled
                        .evaluate(regorus::Value::from(d.document.clone()))
                        .with_context(|| format!("{name} (document {}): policy {ns}", d.index))?;
                }
                return Err(e.context(format!("{name}: policy {ns}")));
            }
        };
        for (d, o) in docs.iter().zip(outcomes) {
            let locate = |f| d.locate(f);
            r.successes += successes(&o);
            r.failures.extend(o.failures.into_iter().map(locate));
            r.warnings.extend(o.warnings.into_iter().map(locate));
            r.exceptions.extend(o.exceptions);
            for rule in o.rules {
                if !r.rules.contains(&rule) {
                    r.rules.push(rule);
                }
            }
        }
        out.push(r);
    }
    Ok(out)
}

/// What the server does with findings before it rejects (docs/rollout.md):
/// a namespace only evaluating sets use reports warnings, not failures;
/// an unexpired exception of the config's file covers what it matches.
pub fn roll_out(report: &mut Report, config: &crate::config::Config) {
    let today = config.today;
    let evaluating = |ns: &str| -> Option<Option<String>> {
        let sets: Vec<_> = config
            .policies
            .iter()
            .filter(|p| p.manifest_namespaces.iter().any(|n| n == ns))
            .collect();
        (!sets.is_empty() && sets.iter().all(|p| p.enforce.evaluating(today))).then(|| {
            sets.iter()
                .filter_map(|p| p.enforce.from)
                .min()
                .map(|d| d.to_string())
        })
    };
    for r in &mut report.results {
        if let Some(ex) = &config.exceptions {
            let mut excepted = Vec::new();
            ex.apply(
                &mut r.failures,
                (&mut excepted, &mut r.warnings),
                None,
                today,
            );
            for f in excepted {
                if let Some(e) = &f.exception {
                    r.exceptions
                        .push(format!("{} ({}, owner {})", f.rule, e.entry, e.owner));
                }
            }
        }
        if let Some(from) = evaluating(&r.namespace) {
            for mut f in r.failures.drain(..) {
                f.message = match &from {
                    Some(d) => format!("{} (evaluate mode: will reject from {d})", f.message),
                    None => format!("{} (evaluate mode)", f.message),
                };
                f.enforce_from.clone_from(&from);
                r.warnings.push(f);
            }
        }
    }
}

fn loc(f: &Finding) -> String {
    let mut s = f.path.clone().unwrap_or_default();
    if let Some(l) = f.line {
        let _ = write!(s, ":{l}");
        if let Some(c) = f.column {
            let _ = write!(s, ":{c}");
        }
    }
    if let Some(d) = f.document {
        let _ = write!(s, " (document {d})");
    }
    if let Some(src) = &f.source {
        let _ = write!(s, " (from {src})");
    }
    s
}

pub fn text(report: &Report) -> String {
    let mut out = String::new();
    for r in &report.results {
        for (label, list) in [("FAIL", &r.failures), ("WARN", &r.warnings)] {
            for f in list {
                let _ = writeln!(out, "{label} - {} - {} - {}", loc(f), f.rule, f.message);
            }
        }
        for e in &r.exceptions {
            let _ = writeln!(
                out,
                "EXCP - {} - {e} - exempted by an exception rule",
                r.filename
            );
        }
    }
    let (tests, passed, warnings, failures, exceptions) = report.totals();
    let _ = writeln!(
        out,
        "\n{tests} tests, {passed} passed, {warnings} warnings, {failures} failures, {exceptions} exceptions"
    );
    out
}

/// conftest's JSON: per file and namespace, `failures`/`warnings` as
/// `{msg, metadata}` (metadata: the rule object's other keys), so scripts
/// written for conftest keep working. pushgate adds `rule`, `line`,
/// `document` and `fix` to each entry; conftest's readers ignore them.
pub fn json(report: &Report) -> String {
    let entry = |f: &Finding| {
        let mut e = serde_json::Map::new();
        e.insert("msg".into(), f.message.clone().into());
        if let Some(serde_json::Value::Object(meta)) = &f.metadata {
            let rest: serde_json::Map<String, serde_json::Value> = meta
                .iter()
                .filter(|(k, _)| k.as_str() != "msg")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !rest.is_empty() {
                e.insert("metadata".into(), serde_json::Value::Object(rest));
            }
        }
        e.insert("rule".into(), f.rule.to_string().into());
        if let Some(l) = f.line {
            e.insert("line".into(), l.into());
        }
        if let Some(c) = f.column {
            e.insert("column".into(), c.into());
        }
        if let Some(d) = f.document {
            e.insert("document".into(), d.into());
        }
        e.insert("fix".into(), f.help.clone().into());
        serde_json::Value::Object(e)
    };
    let results: Vec<serde_json::Value> = report
        .results
        .iter()
        .map(|r| {
            let mut o = serde_json::Map::new();
            o.insert("filename".into(), r.filename.clone().into());
            o.insert("namespace".into(), r.namespace.clone().into());
            o.insert("successes".into(), r.successes.into());
            for (key, list) in [("failures", &r.failures), ("warnings", &r.warnings)] {
                if !list.is_empty() {
                    o.insert(key.into(), list.iter().map(entry).collect());
                }
            }
            if !r.exceptions.is_empty() {
                let ex: Vec<serde_json::Value> = r
                    .exceptions
                    .iter()
                    .map(|e| serde_json::json!({"msg": format!("exempted from {e}"), "rule": e}))
                    .collect();
                o.insert("exceptions".into(), ex.into());
            }
            serde_json::Value::Object(o)
        })
        .collect();
    serde_json::to_string_pretty(&results).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// TAP, as conftest's `--output tap`: a plan, then `not ok` per failure and
/// warning, `ok` per passed rule.
pub fn tap(report: &Report) -> String {
    let mut out = String::new();
    for r in &report.results {
        let n = r.failures.len() + r.warnings.len() + r.exceptions.len() + r.successes;
        if n == 0 {
            continue;
        }
        let _ = writeln!(out, "1..{n}");
        let mut i = 0;
        for f in &r.failures {
            i += 1;
            let _ = writeln!(out, "not ok {i} - {} - {}", r.filename, f.message);
        }
        if !r.warnings.is_empty() {
            let _ = writeln!(out, "# warnings");
            for f in &r.warnings {
                i += 1;
                let _ = writeln!(out, "not ok {i} - {} - {}", r.filename, f.message);
            }
        }
        if !r.exceptions.is_empty() {
            let _ = writeln!(out, "# exceptions");
            for e in &r.exceptions {
                i += 1;
                let _ = writeln!(out, "ok {i} - {} - {e}", r.filename);
            }
        }
        if r.successes > 0 {
            let _ = writeln!(out, "# successes");
            for _ in 0..r.successes {
                i += 1;
                let _ = writeln!(out, "ok {i} - {} - {}", r.filename, r.namespace);
            }
        }
    }
    out
}

/// SARIF 2.1.0 (code scanning): one run, a rule per `package.rule`, a
/// result per failure (`error`) and warning (`warning`) at its file and line.
pub fn sarif(report: &Report) -> String {
    let mut rules: Vec<String> = Vec::new();
    let mut results = Vec::new();
    for r in &report.results {
        for (level, list) in [("error", &r.failures), ("warning", &r.warnings)] {
            for f in list {
                let id = f.rule.to_string();
                if !rules.contains(&id) {
                    rules.push(id.clone());
                }
                let mut location = serde_json::json!({
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path.as_deref().unwrap_or(&r.filename)},
                    }
                });
                if let Some(line) = f.line {
                    location["physicalLocation"]["region"] = match f.column {
                        Some(c) => serde_json::json!({"startLine": line, "startColumn": c}),
                        None => serde_json::json!({"startLine": line}),
                    };
                }
                results.push(serde_json::json!({
                    "ruleId": id,
                    "level": level,
                    "message": {"text": format!("{} (fix: {})", f.message, f.help)},
                    "locations": [location],
                }));
            }
        }
    }
    let rules: Vec<serde_json::Value> = rules
        .iter()
        .map(|id| serde_json::json!({"id": id, "name": id}))
        .collect();
    let log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pushgate",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// A table, as conftest's `--output table`: result, file, namespace, message.
pub fn table(report: &Report) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for r in &report.results {
        for (label, list) in [("failure", &r.failures), ("warning", &r.warnings)] {
            for f in list {
                rows.push([label.into(), loc(f), r.namespace.clone(), f.message.clone()]);
            }
        }
        for e in &r.exceptions {
            rows.push([
                "exception".into(),
                r.filename.clone(),
                r.namespace.clone(),
                e.clone(),
            ]);
        }
        if r.successes > 0 {
            rows.push([
                "success".into(),
                r.filename.clone(),
                r.namespace.clone(),
                format!("{} passed", r.successes),
            ]);
        }
    }
    let header = ["RESULT", "FILE", "NAMESPACE", "MESSAGE"].map(String::from);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |row: &[String; 4]| {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("| {} |\n", cells.join(" | "))
    };
    let mut out = line(&header);
    let sep: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&format!("|-{}-|\n", sep.join("-|-")));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

/// JUnit XML: one test case per file and rule, failing ones with their
/// messages. Written by quick-junit (cargo-nextest's), which escapes and
/// drops what XML cannot hold (control characters in a file name or a
/// policy's message), where hand-written escaping produced invalid XML.
pub fn junit(report: &Report) -> Result<String> {
    use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};
    let mut suite = TestSuite::new("pushgate");
    for r in &report.results {
        let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for rule in &r.rules {
            by_rule.entry(rule.as_str()).or_default();
        }
        for f in r.failures.iter().chain(if report.fail_on_warn {
            &r.warnings[..]
        } else {
            &[]
        }) {
            by_rule.entry(f.rule.as_ref()).or_default().push(f);
        }
        for (rule, findings) in by_rule {
            let status = match findings.first() {
                None => TestCaseStatus::success(),
                Some(first) => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    let msgs: Vec<String> = findings
                        .iter()
                        .map(|f| format!("{}: {}", loc(f), f.message))
                        .collect();
                    s.set_message(first.message.as_str())
                        .set_description(msgs.join("\n"));
                    s
                }
            };
            let mut case = TestCase::new(format!("{rule}: {}", r.filename), status);
            case.set_classname(r.filename.as_str());
            suite.add_test_case(case);
        }
    }
    let mut out = Junit::new("pushgate");
    out.add_test_suite(suite);
    out.to_string().context("writing the JUnit report")
}

/// GitHub Actions workflow commands: annotations on the file and line.
pub fn github(report: &Report) -> String {
    let esc = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| esc(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for r in &report.results {
        for (kind, list) in [("error", &r.failures), ("warning", &r.warnings)] {
            for f in list {
                let _ = writeln!(
                    out,
                    "::{kind} file={},line={}{},title={}::{}",
                    prop(f.path.as_deref().unwrap_or(&r.filename)),
                    f.line.unwrap_or(1),
                    f.column.map(|c| format!(",col={c}")).unwrap_or_default(),
                    prop(&f.rule),
                    esc(&f.message)
                );
            }
        }
    }
    let (tests, passed, warnings, failures, exceptions) = report.totals();
    let _ = writeln!(out, "{tests} tests, {passed} passed, {warnings} warnings, {failures} failures, {exceptions} exceptions");
    out
}
