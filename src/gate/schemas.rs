//! Stage: the documents an update brings (raw, or a render root's output)
//! checked against Kubernetes' schemas (`manifests.schemas`), custom
//! resources against the CRDs of the new tree — those in the same push
//! included — and of the operator's directories.

use anyhow::{Context, Result};

use crate::config::{crd_glob, Schemas};
use crate::deadline::Deadline;
use crate::finding::{Code, Finding};
use crate::git::Repo;
use crate::manifest::schema::Catalog;
use crate::manifest::{self, Document, Limits};

/// Every CRD document of the operator's files and directories.
pub fn local_crds(paths: &[std::path::PathBuf], limits: &Limits) -> Result<Vec<Document>> {
    let mut docs = Vec::new();
    for p in paths {
        for e in walkdir::WalkDir::new(p).sort_by_file_name() {
            let e = e.with_context(|| format!("reading the CRDs in {}", p.display()))?;
            let name = e.path().to_string_lossy().into_owned();
            if !e.file_type().is_file()
                || !(name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
            {
                continue;
            }
            let bytes = std::fs::read(e.path()).with_context(|| format!("reading {name}"))?;
            // Named as the config names it, not by the server's paths:
            // pushers read these messages.
            let shown = e
                .path()
                .strip_prefix(p.parent().unwrap_or(p))
                .map_or_else(|_| name.clone(), |r| format!("./{}", r.display()));
            match manifest::parse(&shown, &bytes, limits) {
                Ok(d) => docs.extend(d),
                Err(f) => anyhow::bail!(
                    "{name} (manifests.schemas.crds): {}; fix the file the config names",
                    f.message
                ),
            }
        }
    }
    Ok(docs)
}

/// The CRD documents of the new tree under `manifests.schemas.crds`,
/// bounded as manifests are (each file, and all of them together).
/// The `crds:` entries as one glob set over the tree's paths.
pub fn crd_globs(schemas: &Schemas) -> Result<globset::GlobSet> {
    let globs: Vec<String> = schemas.crds.iter().map(|c| crd_glob(c)).collect();
    crate::config::compile_globs(&globs).context("manifests.schemas.crds globs")
}

fn tree_crds(
    repo: &Repo,
    (schemas, set): (&Schemas, &globset::GlobSet),
    limits: &Limits,
    tree: git2::Oid,
    (violations, problems): (&mut Vec<Finding>, &mut Vec<Finding>),
) -> Result<Vec<Document>> {
    if schemas.crds.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: Vec<(String, git2::Oid)> = Vec::new();
    let t = repo
        .git
        .find_tree(tree)
        .context("reading the pushed tree")?;
    t.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
        if let (Ok(name), Some(git2::ObjectType::Blob)) = (entry.name(), entry.kind()) {
            let p = format!("{root}{name}");
            let yaml = p.ends_with(".yaml") || p.ends_with(".yml") || p.ends_with(".json");
            if yaml && entry.filemode() != i32::from(git2::FileMode::Link) && set.is_match(&p) {
                found.push((p, entry.id()));
            }
        }
        git2::TreeWalkResult::Ok
    })
    .context("walking the pushed tree for CRDs")?;
    let mut budget = limits.max_manifest_bytes;
    let mut docs = Vec::new();
    for (path, id) in found {
        let size = repo.object_size(id)?;
        if size > limits.max_file_bytes || size > budget {
            let mut f = Finding::new(
                Code::SchemaCrdInvalid,
                format!("{path} is too large to read as a CRD ({size} bytes; manifests.max_file_bytes and limits.max_manifest_bytes bound them)"),
                "split the CRD files, or ask an operator to raise the limits",
            );
            f.path = Some(path);
            violations.push(f);
            continue;
        }
        budget -= size;
        match manifest::parse(&path, &repo.blob(id)?, limits) {
            Ok(d) => docs.extend(d),
            Err(f) => {
                let mut f = *f;
                f.rule = Code::SchemaCrdInvalid.into();
                problems.push(f);
            }
        }
    }
    Ok(docs)
}

/// Checks `docs` and adds what is wrong to violations (and, for
/// `unknown_kinds: warn`, warnings).
#[allow(clippy::too_many_arguments)]
pub(super) fn check(
    repo: &Repo,
    schemas: &Schemas,
    limits: &Limits,
    tree: git2::Oid,
    (docs, changed): (&[Document], &[String]),
    findings: (&mut Vec<Finding>, &mut Vec<Finding>),
    deadline: &Deadline,
) -> Result<()> {
    let (violations, warnings) = findings;
    // A CRD the update brings is judged even when nothing else is: a
    // conflict left for a later push would be only a warning there.
    let crd_set = crd_globs(schemas)?;
    if docs.is_empty() && !changed.iter().any(|c| crd_set.is_match(c)) {
        return Ok(());
    }
    let mut catalog = Catalog::new(schemas).map_err(anyhow::Error::msg)?;
    let mut crds = local_crds(&schemas.local_crds, limits)?;
    // A CRD file of the tree this update does not change was on the branch
    // already: a problem with it is reported, but blocks only the pushes
    // that touch it (or a resource of its kind, which then has no schema).
    // Files over the limits are violations whoever brought them: skipped,
    // they would let a padded file push a CRD out of the checks.
    let mut crd_problems = Vec::new();
    let tree_docs = tree_crds(
        repo,
        (schemas, &crd_set),
        limits,
        tree,
        (violations, &mut crd_problems),
    )?;
    deadline.check()?;
    // Only `crds:` entries define kinds (a CRD elsewhere would be judged
    // only in the push that brings it), and what was on the branch comes
    // before what the update brings: a conflict is always the update's.
    let brought = |d: &Document| changed.contains(&d.path);
    let (new, old): (Vec<Document>, Vec<Document>) = tree_docs.into_iter().partition(brought);
    crds.extend(old);
    crds.extend(new);
    for d in &crds {
        if let Err(f) = catalog.add_crd(d) {
            crd_problems.push(*f);
        }
    }
    for f in crd_problems {
        let old = f
            .path
            .as_deref()
            .is_some_and(|p| !p.starts_with("./") && !changed.iter().any(|c| c == p));
        if old {
            warnings.push(f);
        } else {
            violations.push(f);
        }
    }
    let (v, w) = catalog.check(docs);
    violations.extend(v);
    warnings.extend(w);
    deadline.check()?;
    Ok(())
}
