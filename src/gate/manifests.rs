//! Stage: the changed files that are manifests, read as kubectl -R reads
//! them (symlinks by their target, checkout filters refused), parsed on
//! every core, with their problems as findings.

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::{PARSE_CHUNK, SMALL};
use crate::deadline::Deadline;
use crate::finding::{Code, Finding};
use crate::git::{ChangedFile, FileStatus, Repo};
use crate::manifest::{self, Document, Selector};

/// Reads and parses the changed files that are manifests, as kubectl -R
/// would read them: a symlink by its target's content (refused if the
/// target leaves the tree or the manifest globs), a path that is not UTF-8
/// refused, submodules reported. Problems with a file are findings;
/// reading is sequential, parsing runs on every core.
pub(super) fn read_manifests(
    repo: &Repo,
    selector: &Selector,
    files: &[ChangedFile],
    new_tree: git2::Oid,
    findings: (&mut Vec<Finding>, &mut Vec<Finding>),
    deadline: &Deadline,
) -> Result<Vec<Document>> {
    let (violations, _warnings) = findings;
    let located = |rule: Code, path: &str, message: String, help: &str| {
        let mut f = Finding::new(rule, message, help);
        f.path = Some(path.to_owned());
        f
    };
    let mut raw: Vec<(String, Vec<u8>)> = Vec::new();
    // Every path counts: one blob under a thousand names is judged (and
    // held) a thousand times.
    let mut budget = selector.limits.max_manifest_bytes;
    for f in files {
        deadline.check()?;
        if f.status == FileStatus::Deleted {
            continue;
        }
        if !f.utf8 {
            violations.push(located(
                Code::PathNotUtf8,
                &f.path,
                format!("{} has a name that is not UTF-8: kubectl would read it, pushgate cannot match it against manifests.include", f.path),
                "rename the file to a UTF-8 name",
            ));
            continue;
        }
        if f.kind == crate::git::EntryKind::Submodule {
            // GitOps controllers (Argo CD by default) fetch submodules and
            // apply what is in them; none of it is judged here.
            violations.push(located(
                Code::ManifestSubmodule,
                &f.path,
                format!("{} is a submodule: GitOps tools fetch and apply its files, which are in another repository and are not checked here", f.path),
                "copy the manifests into this repository, or gate the submodule's repository and vendor it by commit",
            ));
            continue;
        }
        if !selector.wants(&f.path) {
            continue;
        }
        let Some(mut blob) = f.blob else { continue };
        if f.kind == crate::git::EntryKind::Symlink {
            match follow_link(repo, selector, new_tree, &f.path, blob)? {
                Ok(target) => blob = target,
                Err(why) => {
                    violations.push(located(
                        Code::ManifestSymlink,
                        &f.path,
                        format!("{} is a symlink that kubectl would follow, but {why}", f.path),
                        "replace the link with the file itself, or point it at a manifest inside the repository",
                    ));
                    continue;
                }
            }
        }
        let size = repo.object_size(blob)?;
        if size > selector.limits.max_file_bytes {
            violations.push(located(
                Code::ManifestTooLarge,
                &f.path,
                format!(
                    "{} is {size} bytes; manifests may be at most {} (manifests.max_file_bytes)",
                    f.path, selector.limits.max_file_bytes
                ),
                "split the manifest, or keep generated data out of the repository",
            ));
            continue;
        }
        if size > budget {
            violations.push(located(
                Code::ManifestsOverBudget,
                &f.path,
                format!(
                    "the update's manifests add up to more than {} bytes (limits.max_manifest_bytes), at {}; none was judged",
                    selector.limits.max_manifest_bytes, f.path
                ),
                "push the change in smaller steps, or ask an operator to raise limits.max_manifest_bytes",
            ));
            return Ok(Vec::new());
        }
        budget -= size;
        raw.push((f.path.clone(), repo.blob(blob)?));
    }
    violations.extend(checkout_rewrites(repo, selector, files, new_tree)?);
    let parse = |(path, bytes): &(String, Vec<u8>)| {
        deadline.check()?;
        Ok(manifest::parse(path, bytes, &selector.limits).and_then(manifest::applied))
    };
    // Parsed a chunk of files at a time, so a push over limits.max_documents
    // stops holding documents soon after the limit, not after all of them.
    let mut docs = Vec::new();
    for chunk in raw.chunks(PARSE_CHUNK) {
        // Starting the thread pool costs more than parsing a few files.
        let parsed: Vec<Result<Vec<Document>, Box<Finding>>> = if chunk.len() < SMALL {
            chunk.iter().map(parse).collect::<Result<_>>()?
        } else {
            chunk.par_iter().map(parse).collect::<Result<_>>()?
        };
        for p in parsed {
            match p {
                Ok(d) => docs.extend(d),
                Err(f) => violations.push(*f),
            }
        }
        if docs.len() > selector.limits.max_documents {
            break;
        }
    }
    if docs.len() > selector.limits.max_documents {
        violations.push(Finding::new_owned(
            Code::TooManyDocuments,
            format!(
                "the update's manifests hold more than {} documents (limits.max_documents); none was judged",
                selector.limits.max_documents
            ),
            "push the change in smaller steps, or ask an operator to raise limits.max_documents".to_owned(),
        ));
        return Ok(Vec::new());
    }
    Ok(docs)
}

/// `.gitattributes` that make a checkout differ from the blob the gate
/// judged: `ident` expands `$Id$` (across lines, in libgit2), `filter=` runs
/// a program (Git LFS swaps the file for another object), and
/// `working-tree-encoding` re-encodes the bytes. A GitOps controller's
/// checkout applies them; the gate would have judged different text. They
/// are refused on manifests, whether the manifest or the attributes change.
pub(super) fn checkout_rewrites(
    repo: &Repo,
    selector: &Selector,
    files: &[ChangedFile],
    tree: git2::Oid,
) -> Result<Vec<Finding>> {
    let mut found = Vec::new();
    let mut attrs_cache: std::collections::HashMap<String, Vec<(String, u64, String)>> =
        std::collections::HashMap::new();
    let mut rules_in = |dir: &str| -> Result<Vec<(String, u64, String)>> {
        if let Some(r) = attrs_cache.get(dir) {
            return Ok(r.clone());
        }
        let file = if dir.is_empty() {
            ".gitattributes".to_owned()
        } else {
            format!("{dir}/.gitattributes")
        };
        let mut rules = Vec::new();
        if let Some((id, git2::ObjectType::Blob, _)) = repo.entry_at(tree, &file)? {
            let text = repo.blob(id)?;
            for (n, line) in (1u64..).zip(String::from_utf8_lossy(&text).lines()) {
                let mut words = line.split_whitespace();
                let Some(pattern) = words.next().filter(|p| !p.starts_with('#')) else {
                    continue;
                };
                if let Some(attr) = words.find(|a| {
                    *a == "ident"
                        || a.starts_with("filter=")
                        || a.starts_with("working-tree-encoding=")
                }) {
                    rules.push((
                        pattern.to_owned(),
                        n,
                        format!("{file}:{n}: {pattern} {attr}"),
                    ));
                }
            }
        }
        attrs_cache.insert(dir.to_owned(), rules.clone());
        Ok(rules)
    };
    let matches = |pattern: &str, rel: &str| -> bool {
        let anchored = pattern.trim_end_matches('/').contains('/');
        let (pat, subject) = if anchored {
            (pattern.trim_start_matches('/'), rel)
        } else {
            (pattern, rel.rsplit('/').next().unwrap_or(rel))
        };
        globset::GlobBuilder::new(pat)
            .literal_separator(true)
            .build()
            .is_ok_and(|g| g.compile_matcher().is_match(subject))
    };
    // Manifests the update touches, and every manifest under a changed
    // .gitattributes.
    let mut paths: Vec<String> = files
        .iter()
        .filter(|f| f.status != FileStatus::Deleted && f.utf8 && selector.wants(&f.path))
        .map(|f| f.path.clone())
        .collect();
    let changed_attrs: Vec<&str> = files
        .iter()
        .filter(|f| {
            f.status != FileStatus::Deleted && f.path.rsplit('/').next() == Some(".gitattributes")
        })
        .map(|f| f.path.rsplit_once('/').map_or("", |(d, _)| d))
        .collect();
    if !changed_attrs.is_empty() {
        let t = repo
            .git
            .find_tree(tree)
            .context("reading the pushed tree")?;
        t.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
            if let Ok(name) = entry.name() {
                let p = format!("{root}{name}");
                if entry.kind() == Some(git2::ObjectType::Blob)
                    && selector.wants(&p)
                    && changed_attrs
                        .iter()
                        .any(|d| d.is_empty() || p.starts_with(&format!("{d}/")))
                {
                    paths.push(p);
                }
            }
            git2::TreeWalkResult::Ok
        })
        .context("walking the pushed tree")?;
    }
    paths.sort();
    paths.dedup();
    for p in paths {
        let parts: Vec<&str> = p.split('/').collect();
        for depth in 0..parts.len() {
            let dir = parts[..depth].join("/");
            let rel = parts[depth..].join("/");
            for (pattern, _, shown) in rules_in(&dir)? {
                if matches(&pattern, &rel) {
                    let mut f = Finding::new(
                        Code::ManifestCheckoutFilter,
                        format!("{p} is rewritten on checkout by {shown}: a GitOps tool would apply other bytes than the gate judged"),
                        "remove the attribute for manifests (ident, filter=, working-tree-encoding= do not belong on them)",
                    );
                    f.path = Some(p.clone());
                    found.push(f);
                }
            }
        }
    }
    Ok(found)
}

/// The blob a manifest symlink finally names in `tree`, or why it cannot
/// be judged (outside the tree or the manifest globs, a directory, missing,
/// a chain too long).
pub(super) fn follow_link(
    repo: &Repo,
    selector: &Selector,
    tree: git2::Oid,
    link: &str,
    mut blob: git2::Oid,
) -> Result<std::result::Result<git2::Oid, String>> {
    let mut at = link.to_owned();
    for _ in 0..8 {
        let text = repo.blob(blob)?;
        let target = match manifest::link_target(&at, &text) {
            Ok(t) => t,
            Err(why) => return Ok(Err(why)),
        };
        if !selector.wants(&target) {
            return Ok(Err(format!(
                "it points at {target}, which manifests.include/exclude leave out"
            )));
        }
        // The target was resolved as text; the system resolves `..` after
        // following each link on the way (`sub/../b.yaml` with `sub` a link
        // to `../docs/x` is docs/b.yaml). A path through a link is refused.
        // Walked as the system walks it: every directory on the way, before
        // a `..` undoes it, must be a real directory.
        let link_text = String::from_utf8_lossy(&text).into_owned();
        let mut stack: Vec<&str> = at.split('/').collect();
        stack.pop();
        let parts: Vec<&str> = link_text.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            match *part {
                "" | "." => continue,
                ".." => {
                    stack.pop();
                    continue;
                }
                p => stack.push(p),
            }
            let last = parts[i + 1..].iter().all(|p| p.is_empty() || *p == ".");
            let here = stack.join("/");
            if !last {
                if let Some((_, _, mode)) = repo.entry_at(tree, &here)? {
                    if mode == i32::from(git2::FileMode::Link) {
                        return Ok(Err(format!(
                            "its target {link_text} goes through {here}, another symlink"
                        )));
                    }
                }
            }
        }
        match repo.entry_at(tree, &target)? {
            None => return Ok(Err(format!("it points at {target}, which does not exist"))),
            Some((id, git2::ObjectType::Blob, mode)) if mode == i32::from(git2::FileMode::Link) => {
                at = target;
                blob = id;
            }
            Some((id, git2::ObjectType::Blob, _)) => return Ok(Ok(id)),
            Some(_) => return Ok(Err(format!("it points at {target}, which is not a file"))),
        }
    }
    Ok(Err("it is a chain of more than 8 links".into()))
}

/// What an update changes: its files against the old tip's tree, or, for a
/// new ref, against a vouching tip it descends from (without one, the
/// whole new tree). Bounded before the diff is made.
pub(super) enum Changes {
    Files {
        new_tree: git2::Oid,
        files: Vec<ChangedFile>,
    },
    /// Over limits.max_changed_files: rejected as such, nothing checked.
    TooMany(Box<Finding>),
}

pub(super) fn changes(
    repo: &Repo,
    refname: &str,
    new_commit: git2::Oid,
    old_commit: Option<git2::Oid>,
    vouching: &[git2::Oid],
    limits: &crate::config::Limits,
    deadline: &Deadline,
) -> Result<Changes> {
    let base = match old_commit {
        Some(old) => Some(repo.tree_of(old)?),
        // A new ref: only a covering ref's tip was ever judged as a
        // whole tree (by the diffs that built it), never a commit
        // inside its history, nor the fork point of new commits (whose
        // order the pusher controls through their dates). So the base
        // is a vouching tip the new commit descends from, and without
        // one the whole new tree is judged.
        None => {
            let mut base = None;
            for tip in vouching {
                if repo.contains(new_commit, *tip)? {
                    base = Some(repo.tree_of(*tip)?);
                    break;
                }
            }
            base
        }
    };
    let new_tree = repo.tree_of(new_commit)?;
    // A bound first: the diff itself would hold every path of a tree
    // that names one subtree many times, nested (a few KB, millions
    // of paths). Renames count twice in the bound, hence the factor.
    let cap = (limits.max_changed_files as u64).saturating_mul(2);
    let bound = repo.changed_upper_bound(base, new_tree, cap)?;
    let files = if bound > cap {
        Vec::new()
    } else {
        repo.changed_files(base, new_tree)?
    };
    deadline.check()?;
    if bound > cap || files.len() > limits.max_changed_files {
        let count = if bound > cap {
            format!("more than {cap}")
        } else {
            files.len().to_string()
        };
        return Ok(Changes::TooMany(Box::new(Finding::new(
            Code::TooManyFiles,
            format!(
                "{} changes {} files; the limit is {} (limits.max_changed_files); none of them was checked",
                refname,
                count,
                limits.max_changed_files
            ),
            "push the change in smaller steps, or ask an operator to raise limits.max_changed_files",
        ))));
    }
    Ok(Changes::Files { new_tree, files })
}
