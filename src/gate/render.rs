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
use rayon::prelude::*;
use serde_json::Value;

use crate::config::{Config, RenderRule, DEFAULT_MAX_EXPORT_BYTES, DEFAULT_MAX_EXPORT_FILES};
use crate::finding::{Code, Finding};
use crate::git::Repo;
use crate::manifest::{Document, Selector};

use super::Deadline;

/// Stderr kept for the message: kustomize's errors are a line or two.
const STDERR_BYTES: u64 = 16 * 1024;
/// One render's wall clock, within the push's own budget.
const RENDER_SECONDS: u64 = 60;

/// A render's output (or why there is none), and whether the origin
/// annotations were asked for here.
type Rendered = (Result<Vec<u8>, String>, bool);

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
    (raw, changed): (Vec<Document>, &[String]),
    (violations, warnings): (&mut Vec<Finding>, &mut Vec<Finding>),
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
    let roots = roots(rules, &tree_dir)?;
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
    // Patches, wherever they are (a base's, a component's), are fragments
    // too: read by the renderer, whose output is judged.
    let listed = listed_resources(&tree_dir);
    if let Err(k) = &listed {
        let mut f = Finding::new(
            Code::RenderFailed,
            format!("{k} is named like a kustomization but pushgate cannot read it (kustomize may): patches and the files of render roots' directories are judged as manifests while it is in the tree"),
            "make it one YAML mapping without duplicate keys, or rename it if it is not a kustomization",
        );
        f.path = Some(k.clone());
        warnings.push(f);
    }
    let listed = listed.ok();
    let patches = patch_files(&tree_dir, &roots, listed.as_ref());
    let root_files: std::collections::HashSet<&str> =
        roots.iter().map(|(r, _)| r.as_str()).collect();
    // A root's own directory, not below it: a directory under it that no
    // kustomization builds is one a controller may apply as it is. And
    // only what no other kustomization builds whole.
    let input_only = |p: &str| {
        let parent = p
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| format!("{d}/"));
        let only_roots_build_it = listed.as_ref().is_some_and(|l| {
            l.get(p)
                .is_none_or(|by| by.iter().all(|k| root_files.contains(k.as_str())))
        });
        patches.contains(p) || (dirs.contains(&parent) && only_roots_build_it)
    };
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
        !(fragment && f.path.as_deref().is_some_and(&input_only))
    });
    let mut docs: Vec<Document> = raw.into_iter().filter(|d| !input_only(&d.path)).collect();
    // Only the roots whose inputs the update touches are rendered: what
    // it leaves alone was judged when it last changed.
    let touched: Vec<&(String, &RenderRule)> = roots
        .iter()
        .filter(|(root, _)| {
            inputs(&tree_dir, root).is_none_or(|i| changed.iter().any(|c| i.covers(c)))
        })
        .collect();
    deadline.check()?;
    let (rendered, failures) =
        render_each(&touched, &tree_dir, dir.path(), &selector.limits, deadline)?;
    docs.extend(rendered);
    violations.extend(failures);
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

/// The render roots under `tree_dir` (paths relative to it), sorted, each
/// with the first rule that matches it.
pub(crate) fn roots<'r>(
    rules: &'r [RenderRule],
    tree_dir: &Path,
) -> Result<Vec<(String, &'r RenderRule)>> {
    let mut roots: Vec<(String, &RenderRule)> = Vec::new();
    for entry in walkdir::WalkDir::new(tree_dir).follow_links(false) {
        let entry = entry.context("walking the tree to render")?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(tree_dir) else {
            continue;
        };
        let Some(rel) = rel.to_str() else { continue };
        // kustomize builds a directory from any of its three names: a rule
        // written for one matches the others too, or renaming the file
        // would take the directory out of rendering (and, with a name the
        // manifest globs skip, out of every check).
        let (dir, name) = rel.rsplit_once('/').map_or(("", rel), |(d, n)| (d, n));
        let names: Vec<String> = if KUSTOMIZATION_NAMES.contains(&name) {
            KUSTOMIZATION_NAMES
                .iter()
                .map(|n| {
                    if dir.is_empty() {
                        (*n).to_owned()
                    } else {
                        format!("{dir}/{n}")
                    }
                })
                .collect()
        } else {
            vec![rel.to_owned()]
        };
        if let Some(rule) = rules
            .iter()
            .find(|r| names.iter().any(|n| r.matcher.is_match(n)))
        {
            roots.push((rel.to_owned(), rule));
        }
    }
    // By directory first, so that every name of one directory is adjacent.
    roots.sort_by(|a, b| (Path::new(&a.0).parent(), &a.0).cmp(&(Path::new(&b.0).parent(), &b.0)));
    // Two names in one directory: kustomize refuses to choose, so the
    // render of the first fails; one root per directory.
    roots.dedup_by(|a, b| Path::new(&a.0).parent() == Path::new(&b.0).parent());
    Ok(roots)
}

/// Renders each root in `tree_dir` (a copy: the origin request is written
/// into it), on every core: the documents, and a finding per failure.
pub(crate) fn render_each(
    roots: &[&(String, &RenderRule)],
    tree_dir: &Path,
    scratch: &Path,
    limits: &crate::manifest::Limits,
    deadline: &Deadline,
) -> Result<(Vec<Document>, Vec<Finding>)> {
    let (mut docs, mut violations) = (Vec::new(), Vec::new());
    // Asked for before any render starts: a root may be another's base,
    // and must not be read while it is rewritten.
    let asked: Vec<bool> = roots
        .iter()
        .map(|(root, _)| ask_origin(tree_dir, root))
        .collect();
    // Each root on its own core, each with its own scratch files.
    let rendered: Vec<Result<Rendered>> = roots
        .par_iter()
        .zip(&asked)
        .enumerate()
        .map(|(n, ((root, rule), ours))| {
            deadline.check()?;
            let scratch = scratch.join(format!("run-{n}"));
            std::fs::create_dir_all(&scratch)?;
            let ours = *ours;
            let root_dir = Path::new(root).parent().unwrap_or(Path::new(""));
            let target = if root_dir.as_os_str().is_empty() {
                ".".to_owned()
            } else {
                root_dir.to_string_lossy().into_owned()
            };
            // Within the push's own budget, whatever is left of it.
            let seconds = deadline.remaining().as_secs().min(RENDER_SECONDS);
            let out = run(
                &rule.argv,
                &target,
                tree_dir,
                &scratch,
                (limits.max_manifest_bytes, seconds),
            )?;
            Ok((out, ours))
        })
        .collect();
    for (r, (root, rule)) in rendered.into_iter().zip(roots) {
        let (out, ours) = r?;
        match out {
            Err(why) => violations.push(failed(
                root,
                format!("{root} could not be rendered with `{}`: {why}", rule.with),
                "fix the kustomization (run the same command in a clone: kubectl kustomize DIR); what does not render does not deploy",
            )),
            Ok(out) => match crate::manifest::parse(root, &out, limits)
                .and_then(crate::manifest::applied)
            {
                Err(f) => violations.push(*f),
                Ok(rendered) => docs.extend(rendered.into_iter().map(|mut d| {
                    // Lines of the renderer's output mean nothing in the
                    // repository: findings name the root, the document and
                    // the file it came from.
                    d.line = 0;
                    d.spans = Default::default();
                    d.source = origin(&mut d.document, root, ours);
                    d
                })),
            },
        }
    }
    Ok((docs, violations))
}

/// Runs `argv` + `target` in `cwd`; the output, or why there is none.
fn run(
    argv: &[String],
    target: &str,
    cwd: &Path,
    scratch: &Path,
    (max_bytes, seconds): (u64, u64),
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
    let limit = Instant::now() + Duration::from_secs(seconds);
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
            "it ran for more than {seconds} s (at most {RENDER_SECONDS} s, within limits.timeout_seconds) and was stopped"
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

/// What a render root's output can depend on, as paths of the tree.
struct Inputs {
    dirs: Vec<String>,
    files: Vec<String>,
}

impl Inputs {
    fn covers(&self, changed: &str) -> bool {
        self.files.iter().any(|f| f == changed)
            || self.dirs.iter().any(|d| {
                d.is_empty()
                    || changed
                        .strip_prefix(d.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
    }
}

const KUSTOMIZATION_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `base` joined with `rel`, `.` and `..` resolved; None if it leaves the
/// tree or is absolute.
fn resolve(base: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// The directories and files a root's render may read: its own directory,
/// and every path that any string of a kustomization names, followed into
/// the kustomizations of the directories it names. Over-approximate on
/// purpose (a string that happens to name a file counts), so that an
/// untouched root is one whose output cannot have changed. None — render
/// it — when that cannot be told: a remote or escaping reference, a
/// symlink on the way, a kustomization that does not parse.
fn inputs(tree: &Path, root: &str) -> Option<Inputs> {
    let mut found = Inputs {
        dirs: Vec::new(),
        files: Vec::new(),
    };
    let mut queue = vec![root.to_owned()];
    let mut seen = std::collections::HashSet::new();
    let has_link = |rel: &str| {
        walkdir::WalkDir::new(tree.join(rel))
            .follow_links(false)
            .into_iter()
            .any(|e| e.map_or(true, |e| e.path_is_symlink()))
    };
    while let Some(k) = queue.pop() {
        if !seen.insert(k.clone()) {
            continue;
        }
        if seen.len() > 1000 {
            return None;
        }
        let kdir = k.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        if has_link(&kdir) {
            return None;
        }
        let text = std::fs::read_to_string(tree.join(&k)).ok()?;
        let value = crate::manifest::yaml_unmarshal(&text).ok()?;
        let mut names = Vec::new();
        strings(&value, &mut names);
        for s in names {
            if s.contains("://") || s.starts_with("git@") || s.starts_with("github.com/") {
                return None;
            }
            // configMapGenerator's `key=path`.
            let candidates = std::iter::once(s).chain(s.split_once('=').map(|(_, p)| p));
            for c in candidates {
                if c.is_empty() || c.contains('\n') {
                    continue;
                }
                // Out of the tree, or absolute: cannot be told, render.
                let p = resolve(&kdir, c)?;
                // A directory on the way that is a link: the renderer reads
                // another path than the one named.
                if link_on_way(tree, &p) {
                    return None;
                }
                let full = tree.join(&p);
                let Ok(meta) = std::fs::symlink_metadata(&full) else {
                    // Named but not there: deleted or renamed by this very
                    // update, perhaps (the render then fails, as it
                    // should), or a name that is not a path. Either way an
                    // input, as a file and as a directory.
                    found.files.push(p.clone());
                    found.dirs.push(p);
                    continue;
                };
                if meta.file_type().is_symlink() {
                    return None;
                }
                if meta.is_dir() {
                    if has_link(&p) {
                        return None;
                    }
                    for name in KUSTOMIZATION_NAMES {
                        if full.join(name).is_file() {
                            queue.push(if p.is_empty() {
                                name.to_owned()
                            } else {
                                format!("{p}/{name}")
                            });
                        }
                    }
                    found.dirs.push(p);
                } else {
                    found.files.push(p);
                }
            }
        }
        found.dirs.push(kdir);
    }
    Some(found)
}

/// The patches (`patches[].path`, `patchesStrategicMerge`,
/// `patchesJson6902[].path`) of the kustomizations a render root builds,
/// its bases and components followed: fragments of objects, which only
/// the render makes whole, and which are judged in its output. A file is
/// one only where its own directory holds a kustomization too (a controller
/// pointed at that directory renders it, never applies the file raw), so
/// that naming a manifest as a patch somewhere cannot take it out of the
/// checks.
fn patch_files(
    tree: &Path,
    roots: &[(String, &RenderRule)],
    listed: Option<&Listed>,
) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    let mut queue: Vec<String> = roots.iter().map(|(r, _)| r.clone()).collect();
    let mut seen = std::collections::HashSet::new();
    let has_kustomization = |dir: &str| {
        KUSTOMIZATION_NAMES
            .iter()
            .any(|n| tree.join(dir).join(n).is_file())
    };
    while let Some(k) = queue.pop() {
        if !seen.insert(k.clone()) || seen.len() > 1000 {
            continue;
        }
        let kdir = k.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        let Ok(text) = std::fs::read_to_string(tree.join(&k)) else {
            continue;
        };
        let Ok(value) = crate::manifest::yaml_unmarshal(&text) else {
            continue;
        };
        let mut named = Vec::new();
        for key in ["patches", "patchesJson6902"] {
            for p in fields(&value, key) {
                if let Some(path) = fields(p, "path").next().and_then(Value::as_str) {
                    named.push(path.to_owned());
                }
            }
        }
        for p in fields(&value, "patchesStrategicMerge") {
            // An entry is a file name or an inline patch.
            if let Some(path) = p.as_str().filter(|p| !p.contains('\n')) {
                named.push(path.to_owned());
            }
        }
        for p in named.iter().filter_map(|n| resolve(&kdir, n)) {
            let dir = p.rsplit_once('/').map_or("", |(d, _)| d);
            if has_kustomization(dir) {
                out.insert(p);
            }
        }
        for key in ["resources", "bases", "components"] {
            for r in fields(&value, key) {
                let Some(dir) = r.as_str().and_then(|r| resolve(&kdir, r)) else {
                    continue;
                };
                for n in KUSTOMIZATION_NAMES {
                    let f = if dir.is_empty() {
                        n.to_owned()
                    } else {
                        format!("{dir}/{n}")
                    };
                    if tree.join(&f).is_file() {
                        queue.push(f);
                    }
                }
            }
        }
    }
    // A file some kustomization of the tree applies whole is no fragment,
    // whatever else names it as a patch.
    match listed {
        Some(resources) => out.retain(|p| !resources.contains_key(p)),
        // A kustomization that cannot be read may list any of them.
        None => out.clear(),
    }
    out
}

/// File → the kustomizations that list it under `resources` (or `bases`,
/// `crds`): applied whole wherever one of them is built.
type Listed = std::collections::HashMap<String, Vec<String>>;

/// kustomize reads a kustomization's fields as Go's JSON decoder does,
/// whatever their case (`Resources:` is `resources:`): every entry of the
/// fields named `name` in any case, lists flattened.
fn fields<'a>(v: &'a Value, name: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    v.as_object()
        .into_iter()
        .flatten()
        .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| match v {
            Value::Array(a) => a.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
}

/// Every file any kustomization of the tree lists as a resource, and who
/// lists it; the kustomization that cannot be read, if one cannot.
fn listed_resources(tree: &Path) -> Result<Listed, String> {
    let mut out = Listed::new();
    for e in walkdir::WalkDir::new(tree)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        let name = e.file_name().to_string_lossy();
        if !e.file_type().is_file() || !KUSTOMIZATION_NAMES.contains(&name.as_ref()) {
            continue;
        }
        let Ok(rel) = e.path().strip_prefix(tree) else {
            continue;
        };
        let shown = rel.to_string_lossy().into_owned();
        let kdir = rel
            .parent()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        let k = std::fs::read_to_string(e.path())
            .ok()
            .and_then(|text| crate::manifest::yaml_unmarshal(&text).ok())
            .ok_or_else(|| shown.clone())?;
        for key in ["resources", "bases", "crds"] {
            for r in fields(&k, key) {
                if let Some(p) = r.as_str().and_then(|r| resolve(&kdir, r)) {
                    out.entry(p).or_default().push(shown.clone());
                }
            }
        }
    }
    Ok(out)
}

/// Whether a directory on the way to `rel` (not `rel` itself) is a link.
fn link_on_way(tree: &Path, rel: &str) -> bool {
    let mut at = tree.to_path_buf();
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

/// The annotation kustomize writes with `buildMetadata: [originAnnotations]`.
const ORIGIN: &str = "config.kubernetes.io/origin";

/// Asks the renderer where each object comes from, in the export only: a
/// root's kustomization without `buildMetadata` gets
/// `buildMetadata: [originAnnotations]` appended (the text is otherwise
/// untouched). True when it was added here, so the annotation is ours to
/// take off again: it does not ship.
fn ask_origin(tree: &Path, root: &str) -> bool {
    let path = tree.join(root);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return false;
    };
    let Ok(Value::Object(m)) = crate::manifest::yaml_unmarshal(&text) else {
        return false;
    };
    if m.keys().any(|k| k.eq_ignore_ascii_case("buildMetadata"))
        || text.trim_start().starts_with('{')
        || text.contains("\n...")
    {
        return false;
    }
    let sep = if text.ends_with('\n') || text.is_empty() {
        ""
    } else {
        "\n"
    };
    std::fs::write(
        &path,
        format!("{text}{sep}buildMetadata: [originAnnotations]\n"),
    )
    .is_ok()
}

/// The repository path an output object came from, read from its origin
/// annotation (relative to the root's directory), which is then removed
/// when `ours`.
fn origin(doc: &mut Value, root: &str, ours: bool) -> Option<String> {
    let annotations = doc
        .get_mut("metadata")?
        .get_mut("annotations")?
        .as_object_mut()?;
    let text = if ours {
        annotations.remove(ORIGIN)
    } else {
        annotations.get(ORIGIN).cloned()
    };
    if ours && annotations.is_empty() {
        if let Some(m) = doc.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("annotations");
        }
    }
    let text = text?;
    let origin = crate::manifest::yaml_unmarshal(text.as_str()?).ok()?;
    if origin.get("repo").is_some() {
        return None;
    }
    let rel = origin.get("path")?.as_str()?;
    let dir = root.rsplit_once('/').map_or("", |(d, _)| d);
    resolve(dir, rel)
}
