//! `pushgate validate`: manifests and manifest-level policies over files and
//! directories, no git needed, conftest's flags and outputs. The same
//! parser and policy engine as the gate.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;

use crate::finding::Finding;
use crate::manifest::{self, Selector};
use crate::policy::{Bundle, Compiled};

pub struct Options {
    pub policies: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    pub namespaces: Vec<String>,
    pub all_namespaces: bool,
    pub fail_on_warn: bool,
    pub selector: Selector,
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

/// Files under `paths`: a named file always, files in directories when the
/// manifest selector wants them.
fn collect(paths: &[PathBuf], selector: &Selector) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(p.clone());
        } else if p.is_dir() {
            let mut stack = vec![p.clone()];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d)
                    .with_context(|| format!("reading {}", d.display()))?
                    .flatten()
                {
                    let path = e.path();
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        stack.push(path);
                    } else {
                        let rel = path
                            .strip_prefix(p)
                            .unwrap_or(&path)
                            .to_string_lossy()
                            .replace('\\', "/");
                        if selector.wants(&rel) {
                            out.push(path);
                        }
                    }
                }
            }
        } else {
            bail!("{} does not exist", p.display());
        }
    }
    out.sort();
    Ok(out)
}

pub fn run(paths: &[PathBuf], opts: &Options) -> Result<Report> {
    let bundle = Bundle::load(&opts.policies, &opts.data, false)?;
    let namespaces = if opts.all_namespaces {
        bundle.packages()?
    } else {
        opts.namespaces.clone()
    };
    let compiled = namespaces
        .iter()
        .map(|ns| bundle.compile(ns))
        .collect::<Result<Vec<_>>>()?;
    let files = collect(paths, &opts.selector)?;
    let results: Vec<Vec<FileResult>> = files
        .par_iter()
        .map(|f| check_file(f, &compiled, &opts.selector.limits))
        .collect::<Result<_>>()?;
    Ok(Report {
        results: results.into_iter().flatten().collect(),
        fail_on_warn: opts.fail_on_warn,
    })
}

fn check_file(
    file: &Path,
    namespaces: &[Compiled],
    limits: &manifest::Limits,
) -> Result<Vec<FileResult>> {
    let name = file.to_string_lossy().into_owned();
    let bytes = std::fs::read(file).with_context(|| format!("reading {name}"))?;
    let docs = match manifest::parse(&name, &bytes, limits) {
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
    let mut out = Vec::new();
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
        for d in &docs {
            let o = compiled
                .evaluate(regorus::Value::from(d.document.clone()))
                .with_context(|| format!("{name} (document {}): policy {ns}", d.index))?;
            let locate = |f| d.locate(f);
            let failing: std::collections::BTreeSet<String> = o
                .failures
                .iter()
                .chain(&o.warnings)
                .map(|f| f.rule.to_string())
                .collect();
            r.successes += o
                .rules
                .iter()
                .filter(|x| !failing.contains(*x) && !o.exceptions.contains(x))
                .count();
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

fn loc(f: &Finding) -> String {
    let mut s = f.path.clone().unwrap_or_default();
    if let Some(l) = f.line {
        let _ = write!(s, ":{l}");
    }
    if let Some(d) = f.document {
        let _ = write!(s, " (document {d})");
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

pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(&report.results)
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// JUnit XML: one test case per file and rule, failing ones with their
/// messages.
pub fn junit(report: &Report) -> String {
    let mut cases = String::new();
    let (mut total, mut failed) = (0, 0);
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
            total += 1;
            let _ = write!(
                cases,
                "    <testcase classname=\"{}\" name=\"{}: {}\">",
                xml(&r.filename),
                xml(rule),
                xml(&r.filename)
            );
            if !findings.is_empty() {
                failed += 1;
                let msgs: Vec<String> = findings
                    .iter()
                    .map(|f| format!("{}: {}", loc(f), f.message))
                    .collect();
                let _ = write!(
                    cases,
                    "<failure message=\"{}\">{}</failure>",
                    xml(&findings[0].message),
                    xml(&msgs.join("\n"))
                );
            }
            cases.push_str("</testcase>\n");
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"pushgate\" tests=\"{total}\" failures=\"{failed}\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
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
                    "::{kind} file={},line={},title={}::{}",
                    prop(f.path.as_deref().unwrap_or(&r.filename)),
                    f.line.unwrap_or(1),
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
