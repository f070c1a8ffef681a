//! Rendering before judging (`manifests.render`): a GitOps controller
//! applies what `kustomize build overlays/prod` prints, not the files an
//! overlay patches. So each render root in the new tree is rendered, by the
//! configured renderer (kubectl's kustomize by default), on an export of
//! the tree, and its output replaces the raw files under the root's
//! directory for the policies.
//!
//! Never a shell, an environment of our making (no credentials, proxies
//! that go nowhere, so remote bases fail rather than fetch), a time limit,
//! and output bounded by `limits.max_manifest_bytes`. Any failure is a
//! `render-failed` violation naming the root, with the renderer's words.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::config::{Config, RenderRule, DEFAULT_MAX_EXPORT_BYTES, DEFAULT_MAX_EXPORT_FILES};
use crate::finding::{Code, Finding};
use crate::git::Repo;
use crate::manifest::{Document, Selector};

use super::Deadline;

/// Stderr kept for the message: kustomize's errors are a line or two.
const STDERR_BYTES: u64 = 16 * 1024;
/// One render's wall clock, within the push's own budget.
const RENDER_SECONDS: u64 = 60;

fn failed(root: &str, message: String, help: &str) -> Finding {
    let mut f = Finding::new(Code::RenderFailed, message, help);
    f.path = Some(root.to_owned());
    f
}

/// Renders every root of `new_tree` and returns the documents to judge:
/// the raw ones outside every root's directory, and each root's output.
pub(super) fn render(
    repo: &Repo,
    config: &Config,
    selector: &Selector,
    new_tree: git2::Oid,
    raw: Vec<Document>,
    violations: &mut Vec<Finding>,
    deadline: &Deadline,
) -> Result<Vec<Document>> {
    let rules = &config.manifests.render;
    let (files, bytes) = repo.tree_footprint(new_tree)?;
    if files > DEFAULT_MAX_EXPORT_FILES || bytes > DEFAULT_MAX_EXPORT_BYTES {
        violations.push(Finding::new(
            Code::RenderFailed,
            format!("the tree holds {files} files and {bytes} bytes, too many to export for rendering (at most {DEFAULT_MAX_EXPORT_FILES} files, {DEFAULT_MAX_EXPORT_BYTES} bytes); nothing was rendered"),
            "push a smaller tree; a GitOps repository is far smaller than this",
        ));
        return Ok(raw);
    }
    let dir = tempfile::Builder::new()
        .prefix("pushgate-render")
        .tempdir()
        .context("creating a directory to render in")?;
    let tree_dir = dir.path().join("tree");
    repo.export_tree(new_tree, &tree_dir)
        .context("exporting the new tree to render it")?;
    deadline.check()?;
    let mut roots: Vec<(String, &RenderRule)> = Vec::new();
    for entry in walkdir::WalkDir::new(&tree_dir).follow_links(false) {
        let entry = entry.context("walking the exported tree")?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&tree_dir) else {
            continue;
        };
        let Some(rel) = rel.to_str() else { continue };
        if let Some(rule) = rules.iter().find(|r| r.matcher.is_match(rel)) {
            roots.push((rel.to_owned(), rule));
        }
    }
    roots.sort_by(|a, b| a.0.cmp(&b.0));
    if roots.is_empty() {
        return Ok(raw);
    }
    // What a root renders replaces the raw files of its directory (its
    // patches are fragments, not manifests); the rest are judged raw.
    let dirs: Vec<String> = roots
        .iter()
        .map(|(root, _)| match root.rfind('/') {
            Some(i) => format!("{}/", &root[..i]),
            None => String::new(),
        })
        .collect();
    // Nor are their fragments manifests to decode: a JSON patch is a list
    // of operations. The renderer reads them; its output is judged.
    violations.retain(|f| {
        let fragment = [
            Code::ManifestInvalid,
            Code::ManifestAmbiguous,
            Code::ManifestNotText,
            Code::ManifestTooComplex,
        ]
        .iter()
        .any(|c| f.rule == *c);
        !(fragment
            && f.path
                .as_deref()
                .is_some_and(|p| dirs.iter().any(|dir| p.starts_with(dir.as_str()))))
    });
    let mut docs: Vec<Document> = raw
        .into_iter()
        .filter(|d| !dirs.iter().any(|dir| d.path.starts_with(dir.as_str())))
        .collect();
    for (root, rule) in &roots {
        deadline.check()?;
        let root_dir = Path::new(root).parent().unwrap_or(Path::new(""));
        let target = if root_dir.as_os_str().is_empty() {
            ".".to_owned()
        } else {
            root_dir.to_string_lossy().into_owned()
        };
        match run(&rule.argv, &target, &tree_dir, dir.path(), selector.limits.max_manifest_bytes)? {
            Err(why) => violations.push(failed(
                root,
                format!("{root} could not be rendered with `{}`: {why}", rule.with),
                "fix the kustomization (run the same command in a clone: kubectl kustomize DIR); what does not render does not deploy",
            )),
            Ok(out) => match crate::manifest::parse(root, &out, &selector.limits)
                .and_then(crate::manifest::applied)
            {
                Err(f) => violations.push(*f),
                Ok(rendered) => docs.extend(rendered.into_iter().map(|mut d| {
                    // Lines of the renderer's output mean nothing in the
                    // repository: findings name the root and the document.
                    d.line = 0;
                    d.spans = Default::default();
                    d
                })),
            },
        }
    }
    if docs.len() > config.limits.max_documents {
        violations.push(Finding::new(
            Code::TooManyDocuments,
            format!(
                "the manifests, rendered, hold {} documents; the limit is {} (limits.max_documents); none was judged",
                docs.len(),
                config.limits.max_documents
            ),
            "render less per push, or ask an operator to raise limits.max_documents",
        ));
        return Ok(Vec::new());
    }
    Ok(docs)
}

/// Runs `argv` + `target` in `cwd`; the output, or why there is none.
fn run(
    argv: &[String],
    target: &str,
    cwd: &Path,
    scratch: &Path,
    max_bytes: u64,
) -> Result<Result<Vec<u8>, String>> {
    let out_path = scratch.join("stdout");
    let err_path = scratch.join("stderr");
    let home = scratch.join("home");
    std::fs::create_dir_all(&home)?;
    let mut cmd = std::process::Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .arg(target)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        // Remote bases and helm repositories would be fetched: the render
        // must depend on the pushed tree alone.
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?);
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return Ok(Err(format!("`{}` could not be started: {e}", argv[0]))),
    };
    let limit = Instant::now() + Duration::from_secs(RENDER_SECONDS);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        let too_big = std::fs::metadata(&out_path).map_or(0, |m| m.len()) > max_bytes;
        if Instant::now() >= limit || too_big {
            // SAFETY: kill(2) on the child's own process group.
            unsafe {
                libc::kill(-(child.id() as i32), libc::SIGKILL);
            }
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let size = std::fs::metadata(&out_path).map_or(0, |m| m.len());
    if size > max_bytes {
        return Ok(Err(format!(
            "its output is over {max_bytes} bytes (limits.max_manifest_bytes)"
        )));
    }
    let Some(status) = status else {
        return Ok(Err(format!(
            "it ran for more than {RENDER_SECONDS} s and was stopped"
        )));
    };
    if !status.success() {
        let mut bytes = Vec::new();
        std::fs::File::open(&err_path)?
            .take(STDERR_BYTES)
            .read_to_end(&mut bytes)?;
        // The pusher's paths, not our scratch directory's; no klog header
        // (`E1203 19:10:10.358200 650 run.go:72] `).
        let text = String::from_utf8_lossy(&bytes).replace(&format!("{}/", cwd.display()), "");
        let text = regex::Regex::new(r"(?m)^[EWIF]\d{4} [0-9:.]+\s+\d+ \S+\] ")
            .map(|re| re.replace_all(&text, "").into_owned())
            .unwrap_or(text);
        let text = text.trim();
        return Ok(Err(format!(
            "it failed ({}): {}",
            status
                .code()
                .map_or("killed".to_owned(), |c| format!("exit {c}")),
            if text.is_empty() {
                "(no message)"
            } else {
                text
            }
        )));
    }
    Ok(Ok(std::fs::read(&out_path)?))
}
