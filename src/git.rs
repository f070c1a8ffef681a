//! Git access: opening the repository the way a hook must (seeing quarantined
//! objects), peeling, ancestry, and walking the commits an update brings.
//!
//! All reads go through libgit2 (git2) in-process; no `git` subprocess runs on
//! the hook's critical path.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use git2::{ObjectType, Oid, Repository, RepositoryOpenFlags};

/// libgit2 caches parsed objects up to 256 MiB by default, which would keep
/// every commit of a 100,000-commit push resident. The cache still pays for
/// itself (the commit walk and the commit read that follows share it), so
/// it is bounded rather than switched off.
pub const OBJECT_CACHE_BYTES: isize = 4 << 20;

/// Applies [`OBJECT_CACHE_BYTES`]. Must run before any other thread starts
/// (libgit2 sets a global without synchronisation): call it first in main.
pub fn limit_object_cache() {
    // SAFETY: called once from main before any thread is spawned.
    let _ = unsafe { git2::opts::set_cache_max_size(OBJECT_CACHE_BYTES) };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Added,
    Modified,
    Deleted,
    Renamed,
}

/// What a tree entry is: git stores symlinks (the blob is the link's
/// text) and submodules (a commit id, no content here) beside files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    File,
    Symlink,
    Submodule,
}

/// A file a ref update changes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChangedFile {
    /// The path as text; bytes that are not UTF-8 are shown as `\xNN`.
    pub path: String,
    /// False when git's path is not UTF-8 (and `path` is escaped).
    #[serde(skip)]
    pub utf8: bool,
    pub status: FileStatus,
    #[serde(skip_serializing_if = "is_file")]
    pub kind: EntryKind,
    #[serde(skip)]
    pub blob: Option<Oid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// A rename's old path: the file left it, which path owners and
    /// signers judge as a deletion there.
    #[serde(skip)]
    pub old_path: Option<String>,
}

impl ChangedFile {
    /// Every path the change touches: a rename's old one too.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.path.as_str()).chain(self.old_path.as_deref())
    }
}

pub use crate::time::rfc3339;

/// A commit as the push-level policy input shows it (`input.commits[_]`,
/// with the signature's verdict added by the gate).
#[derive(Debug, Clone, serde::Serialize)]
pub struct CommitDetails {
    pub id: String,
    pub parents: Vec<String>,
    pub author: Person,
    pub committer: Person,
    /// The whole message; bytes that are not UTF-8 become U+FFFD.
    pub message: String,
}

/// An author or committer line.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Person {
    pub name: String,
    pub email: String,
    /// RFC 3339, in the offset git recorded (`2025-06-30T14:03:00+02:00`).
    pub time: String,
}

pub struct Repo {
    pub git: Repository,
    /// Short name for messages and policy input, e.g. `infra.git`.
    pub name: String,
    /// Opened from the hook environment (quarantine included): a second
    /// handle must be too.
    from_env: bool,
}

/// What `Repo::reopener` gives a worker thread: opens the repository as
/// the first handle was opened.
#[derive(Debug, Clone)]
pub struct Reopen {
    from_env: bool,
    path: PathBuf,
    name: String,
}

impl Reopen {
    pub fn open(&self) -> Result<Repo> {
        let mut r = if self.from_env {
            Repo::open_for_hook()?
        } else {
            Repo::open(&self.path)?
        };
        r.name = self.name.clone();
        Ok(r)
    }
}

/// A commit the update brings, with what protection and messages need.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: Oid,
    /// More than one makes a merge. (Kept small: a push may bring 100,000
    /// commits; subjects are read on demand, for messages.)
    pub parent_count: usize,
}

impl Repo {
    /// Opens the repository from git's hook environment (`GIT_DIR`,
    /// `GIT_OBJECT_DIRECTORY`, `GIT_ALTERNATE_OBJECT_DIRECTORIES`), so objects
    /// still in receive-pack's quarantine are visible. A plain open would
    /// not see them in pre-receive.
    pub fn open_for_hook() -> Result<Repo> {
        let git = Repository::open_from_env()
            .context("opening the repository from git's hook environment (is GIT_DIR set?)")?;
        let mut repo = Repo::wrap(git);
        repo.from_env = true;
        Ok(repo)
    }

    /// Opens a repository (bare or not) at `path`, without searching upwards
    /// past it.
    pub fn open(path: &Path) -> Result<Repo> {
        let git = Repository::open_ext(
            path,
            RepositoryOpenFlags::empty(),
            std::iter::empty::<&Path>(),
        )
        .with_context(|| format!("{} is not a git repository", path.display()))?;
        Ok(Repo::wrap(git))
    }

    fn wrap(git: Repository) -> Repo {
        // libgit2 re-hashes every object it reads, by default: an eighth of
        // a push's secret scan (10,000 blobs). Every id here was computed
        // from its object's content when the object was written — by
        // receive-pack's index-pack or unpack-objects in quarantine, by
        // fetch on a clone — so the re-hash checks the disk, not the
        // pusher; `git fsck` is the tool for the disk.
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| git2::opts::strict_hash_verification(false));
        let dir = if git.is_bare() {
            git.path().to_path_buf()
        } else {
            git.workdir()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| git.path().to_path_buf())
        };
        let name = std::path::absolute(&dir)
            .unwrap_or(dir)
            .components()
            .next_back()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        Repo {
            git,
            name,
            from_env: false,
        }
    }

    /// How to open a second handle on the same repository, seeing the same
    /// objects (quarantine too): a libgit2 repository is not shared between
    /// threads, so each worker that reads objects opens its own.
    pub fn reopener(&self) -> Reopen {
        Reopen {
            from_env: self.from_env,
            path: self.git.path().to_path_buf(),
            name: self.name.clone(),
        }
    }

    /// The config file this repository is gated by: `$PUSHGATE_CONFIG`, else
    /// `pushgate.config` from its git config (set by install), else
    /// `pushgate.yaml` in the repository directory.
    pub fn config_path(&self) -> PathBuf {
        if let Some(p) = crate::env::get(crate::env::CONFIG) {
            return PathBuf::from(p);
        }
        if let Ok(cfg) = self.git.config() {
            if let Ok(p) = cfg.get_path("pushgate.config") {
                return p;
            }
        }
        let dir = if self.git.is_bare() {
            self.git.path()
        } else {
            self.git.workdir().unwrap_or(self.git.path())
        };
        dir.join("pushgate.yaml")
    }

    /// The commit `id` points to, through any chain of annotated tags.
    /// `None` when it names a tree or blob.
    pub fn peel_to_commit(&self, id: Oid) -> Result<Option<Oid>> {
        let obj = self.find_object(id)?;
        match obj.peel(ObjectType::Commit) {
            Ok(c) => Ok(Some(c.id())),
            Err(_) => Ok(None),
        }
    }

    pub fn object_kind(&self, id: Oid) -> Result<Option<ObjectType>> {
        Ok(self.find_object(id)?.kind())
    }

    /// libgit2's "not found" repeats the id in other words; the message
    /// says it once.
    fn find_object(&self, id: Oid) -> Result<git2::Object<'_>> {
        self.git.find_object(id, None).map_err(|e| {
            if e.code() == git2::ErrorCode::NotFound {
                anyhow::anyhow!("object {id} is not in the repository")
            } else {
                anyhow::Error::new(e).context(format!("reading object {id}"))
            }
        })
    }

    /// Whether `descendant` contains `ancestor` (or is it).
    pub fn contains(&self, descendant: Oid, ancestor: Oid) -> Result<bool> {
        if descendant == ancestor {
            return Ok(true);
        }
        self.git
            .graph_descendant_of(descendant, ancestor)
            .with_context(|| format!("checking whether {descendant} contains {ancestor}"))
    }

    /// Every ref of the repository as it was before this push, peeled to
    /// the commit it names (refs naming trees or blobs are left out).
    pub fn refs(&self) -> Result<Vec<(String, Oid)>> {
        let mut out = Vec::new();
        for r in self.git.references().context("listing refs")? {
            let r = r.context("reading a ref")?;
            let Ok(name) = r.name() else { continue };
            if r.symbolic_target_bytes().is_some() {
                continue;
            }
            if let Ok(c) = r.peel(ObjectType::Commit) {
                out.push((name.to_owned(), c.id()));
            }
        }
        Ok(out)
    }

    /// The refs under `prefix` and the objects they point at, unpeeled
    /// (an approval ref's tag object, not the commit it tags).
    pub fn refs_under(&self, prefix: &str) -> Result<Vec<(String, Oid)>> {
        let mut out = Vec::new();
        let glob = format!("{prefix}*");
        for r in self.git.references_glob(&glob).context("listing refs")? {
            let r = r.context("reading a ref")?;
            let (Ok(name), Some(id)) = (r.name(), r.target()) else {
                continue;
            };
            if name.starts_with(prefix) {
                out.push((name.to_owned(), id));
            }
        }
        Ok(out)
    }

    /// What a clone knows of the server's branches: `remote`'s
    /// remote-tracking refs (`refs/remotes/REMOTE/*`), named as the server's
    /// branches (`refs/heads/*`). Only these may vouch for history in a
    /// check on a clone: its own branches can hold anything.
    pub fn tracking_refs_as_server(&self, remote: &str) -> Result<Vec<(String, Oid)>> {
        let prefix = format!("refs/remotes/{remote}/");
        Ok(self
            .refs()?
            .into_iter()
            .filter_map(|(name, id)| {
                let branch = name.strip_prefix(&prefix)?;
                (branch != "HEAD").then(|| (format!("refs/heads/{branch}"), id))
            })
            .collect())
    }

    /// A commit's signature and the bytes it signs (the commit object
    /// without its `gpgsig` header), or None when it is not signed.
    pub fn commit_signature(&self, id: Oid) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        match self.git.extract_signature(&id, None) {
            Ok((sig, data)) => Ok(Some((sig.to_vec(), data.to_vec()))),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading the signature of commit {id}")),
        }
    }

    /// An annotated tag's signature and signed bytes, or None when unsigned.
    pub fn tag_signature(&self, id: Oid) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        let odb = self.git.odb().context("opening the object database")?;
        let obj = odb.read(id).with_context(|| format!("reading tag {id}"))?;
        Ok(
            crate::signature::split_tag(obj.data())
                .map(|(data, sig)| (sig.to_vec(), data.to_vec())),
        )
    }

    /// A tag object's `tag` header (the name it was made as) and the kind
    /// of object it tags.
    pub fn tag_header(&self, id: Oid) -> Result<(Vec<u8>, Option<ObjectType>)> {
        let t = self
            .git
            .find_tag(id)
            .with_context(|| format!("reading tag {id}"))?;
        Ok((t.name_bytes().to_vec(), t.target_type()))
    }

    /// What a tag object tags, and its message (lossy UTF-8).
    pub fn tag_target(&self, id: Oid) -> Result<(Oid, Option<ObjectType>, String)> {
        let t = self
            .git
            .find_tag(id)
            .with_context(|| format!("reading tag {id}"))?;
        let message = String::from_utf8_lossy(t.message_bytes().unwrap_or_default()).into_owned();
        Ok((t.target_id(), t.target_type(), message))
    }

    /// The trees of a commit's parents (`[None]` for a root commit: the
    /// empty tree), to list what the commit changed against each.
    pub fn parent_trees(&self, id: Oid) -> Result<Vec<Option<Oid>>> {
        let c = self
            .git
            .find_commit(id)
            .with_context(|| format!("reading commit {id}"))?;
        let mut out = Vec::new();
        for p in c.parent_ids() {
            out.push(Some(self.tree_of(p)?));
        }
        if out.is_empty() {
            out.push(None);
        }
        Ok(out)
    }

    /// A commit's subject line, for messages ("" if unreadable).
    pub fn commit_summary(&self, id: Oid) -> String {
        self.git
            .find_commit(id)
            .ok()
            .map(|c| String::from_utf8_lossy(c.summary_bytes().unwrap_or_default()).into_owned())
            .unwrap_or_default()
    }

    /// The first line of an annotated tag's message.
    pub fn tag_summary(&self, id: Oid) -> String {
        self.git
            .find_tag(id)
            .ok()
            .and_then(|t| {
                t.message_bytes().map(|m| {
                    String::from_utf8_lossy(m.split(|b| *b == b'\n').next().unwrap_or_default())
                        .into_owned()
                })
            })
            .unwrap_or_default()
    }

    /// The tree of commit `id`.
    pub fn tree_of(&self, id: Oid) -> Result<Oid> {
        Ok(self
            .git
            .find_commit(id)
            .with_context(|| format!("reading commit {id}"))?
            .tree_id())
    }

    /// Files that differ between two trees (`old` None: the empty tree),
    /// with renames detected, as git shows them.
    pub fn changed_files(&self, old: Option<Oid>, new: Oid) -> Result<Vec<ChangedFile>> {
        let old_tree = match old {
            Some(t) => Some(
                self.git
                    .find_tree(t)
                    .with_context(|| format!("reading tree {t}"))?,
            ),
            None => None,
        };
        let new_tree = self
            .git
            .find_tree(new)
            .with_context(|| format!("reading tree {new}"))?;
        let mut diff = self
            .git
            .diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), None)
            .context("diffing the pushed tree")?;
        diff.find_similar(None).context("detecting renames")?;
        let mut out = Vec::new();
        for d in diff.deltas() {
            let status = match d.status() {
                git2::Delta::Added | git2::Delta::Copied => FileStatus::Added,
                git2::Delta::Deleted => FileStatus::Deleted,
                git2::Delta::Renamed => FileStatus::Renamed,
                _ => FileStatus::Modified,
            };
            let file = if status == FileStatus::Deleted {
                d.old_file()
            } else {
                d.new_file()
            };
            // Never skipped for its name: a path that is not UTF-8 is kept,
            // escaped, and the manifest stage refuses it.
            let Some(raw) = file.path_bytes() else {
                continue;
            };
            let (path, utf8) = escape_path(raw);
            let kind = match file.mode() {
                git2::FileMode::Link => EntryKind::Symlink,
                git2::FileMode::Commit => EntryKind::Submodule,
                _ => EntryKind::File,
            };
            let blob =
                (status != FileStatus::Deleted && kind != EntryKind::Submodule).then(|| file.id());
            let size = match blob {
                Some(id) => Some(self.object_size(id)?),
                None => None,
            };
            let old_path = (status == FileStatus::Renamed)
                .then(|| d.old_file().path_bytes().map(|p| escape_path(p).0))
                .flatten();
            out.push(ChangedFile {
                path,
                utf8,
                status,
                kind,
                blob,
                size,
                old_path,
            });
        }
        Ok(out)
    }

    /// The entry at `path` in `tree`: its id and kind (None: no such path).
    pub fn entry_at(&self, tree: Oid, path: &str) -> Result<Option<(Oid, git2::ObjectType, i32)>> {
        let tree = self
            .git
            .find_tree(tree)
            .with_context(|| format!("reading tree {tree}"))?;
        match tree.get_path(std::path::Path::new(path)) {
            Ok(e) => Ok(Some((
                e.id(),
                e.kind().unwrap_or(git2::ObjectType::Any),
                e.filemode(),
            ))),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("looking up {path}")),
        }
    }

    /// An upper bound on the files `changed_files(old, new)` lists, found
    /// without materialising the diff: identical subtrees are skipped, and
    /// a subtree only one side has counts its files, each distinct tree
    /// read once. A push of a few KB can name a tree of millions of paths,
    /// which libgit2's diff would hold in memory all at once; this stops
    /// as soon as the bound passes `cap`. (Renames are an add and a delete
    /// here, so the bound is at most twice the listed count.)
    pub fn changed_upper_bound(&self, old: Option<Oid>, new: Oid, cap: u64) -> Result<u64> {
        let mut memo: HashMap<Oid, (u64, u64)> = HashMap::new();
        let mut total = 0u64;
        let mut stack = vec![(old, new)];
        while let Some((o, n)) = stack.pop() {
            if o == Some(n) {
                continue;
            }
            let nt = self
                .git
                .find_tree(n)
                .with_context(|| format!("reading tree {n}"))?;
            let mut olds: HashMap<Vec<u8>, (Oid, Option<ObjectType>)> = HashMap::new();
            if let Some(o) = o {
                let ot = self
                    .git
                    .find_tree(o)
                    .with_context(|| format!("reading tree {o}"))?;
                for e in ot.iter() {
                    olds.insert(e.name_bytes().to_vec(), (e.id(), e.kind()));
                }
            }
            for e in nt.iter() {
                let before = olds.remove(e.name_bytes());
                if before.is_some_and(|(id, _)| id == e.id()) {
                    continue;
                }
                let was_tree = before.filter(|(_, k)| *k == Some(ObjectType::Tree));
                if e.kind() == Some(ObjectType::Tree) {
                    match was_tree {
                        Some((id, _)) => stack.push((Some(id), e.id())),
                        None => {
                            total = total
                                .saturating_add(self.count_files(e.id(), &mut memo)?)
                                .saturating_add(u64::from(before.is_some()));
                        }
                    }
                } else {
                    total = total.saturating_add(1);
                    if let Some((id, _)) = was_tree {
                        total = total.saturating_add(self.count_files(id, &mut memo)?);
                    }
                }
            }
            for (id, kind) in olds.into_values() {
                total = total.saturating_add(if kind == Some(ObjectType::Tree) {
                    self.count_files(id, &mut memo)?
                } else {
                    1
                });
            }
            if total > cap {
                return Ok(total);
            }
        }
        Ok(total)
    }

    /// Entries a tree holds below it that are not trees (files, links,
    /// gitlinks), each path counted.
    fn count_files(&self, tree: Oid, memo: &mut HashMap<Oid, (u64, u64)>) -> Result<u64> {
        Ok(self.subtree_totals(tree, memo, &mut |_| Ok((1, 0)))?.0)
    }

    /// What checking out `tree` writes: (files, bytes), each path counted
    /// (a blob under many names is written many times), gitlinks nothing.
    /// Each distinct tree and blob is read once, so a tree that names one
    /// subtree many times, nested (a few hundred bytes that expand to
    /// gigabytes), costs its distinct objects, not its expansion; the walk
    /// keeps its own stack, so deep nesting cannot overflow ours.
    /// Writes `tree` into `dir` as the judged bytes: no .gitattributes
    /// filter (ident, filter=, eol, working-tree-encoding) may rewrite them
    /// on the way out. Callers bound it first with [`Repo::tree_footprint`].
    pub fn export_tree(&self, tree: Oid, dir: &Path) -> Result<()> {
        let tree = self.git.find_tree(tree)?;
        let mut co = git2::build::CheckoutBuilder::new();
        co.target_dir(dir)
            .force()
            .recreate_missing(true)
            .disable_filters(true);
        self.git.checkout_tree(tree.as_object(), Some(&mut co))?;
        Ok(())
    }

    pub fn tree_footprint(&self, tree: Oid) -> Result<(u64, u64)> {
        let mut blob_sizes: HashMap<Oid, u64> = HashMap::new();
        self.subtree_totals(tree, &mut HashMap::new(), &mut |e| match e.kind() {
            Some(ObjectType::Blob) => {
                let size = match blob_sizes.get(&e.id()) {
                    Some(s) => *s,
                    None => {
                        let s = self.object_size(e.id())?;
                        blob_sizes.insert(e.id(), s);
                        s
                    }
                };
                Ok((1, size))
            }
            _ => Ok((0, 0)), // a gitlink: checkout writes an empty directory
        })
    }

    /// Sums `leaf` over every non-tree entry below `tree`, each path
    /// counted, each distinct tree read once (memoised in `memo`), with an
    /// explicit stack, so deep nesting cannot overflow ours.
    fn subtree_totals(
        &self,
        tree: Oid,
        memo: &mut HashMap<Oid, (u64, u64)>,
        leaf: &mut dyn FnMut(&git2::TreeEntry) -> Result<(u64, u64)>,
    ) -> Result<(u64, u64)> {
        // (tree, children pushed?)
        let mut stack = vec![(tree, false)];
        while let Some((id, expanded)) = stack.pop() {
            if memo.contains_key(&id) {
                continue;
            }
            let t = self
                .git
                .find_tree(id)
                .with_context(|| format!("reading tree {id}"))?;
            if !expanded {
                stack.push((id, true));
                for e in t.iter() {
                    if e.kind() == Some(ObjectType::Tree) && !memo.contains_key(&e.id()) {
                        stack.push((e.id(), false));
                    }
                }
                continue;
            }
            let (mut files, mut bytes) = (0u64, 0u64);
            for e in t.iter() {
                let (f, b) = if e.kind() == Some(ObjectType::Tree) {
                    memo.get(&e.id()).copied().unwrap_or((0, 0))
                } else {
                    leaf(&e)?
                };
                files = files.saturating_add(f);
                bytes = bytes.saturating_add(b);
            }
            memo.insert(id, (files, bytes));
        }
        Ok(memo.get(&tree).copied().unwrap_or((0, 0)))
    }

    /// An object's size without reading it.
    pub fn object_size(&self, id: Oid) -> Result<u64> {
        let odb = self.git.odb().context("opening the object database")?;
        let (size, _) = odb
            .read_header(id)
            .with_context(|| format!("reading object {id}"))?;
        Ok(size as u64)
    }

    pub fn blob(&self, id: Oid) -> Result<Vec<u8>> {
        Ok(self
            .git
            .find_blob(id)
            .with_context(|| format!("reading blob {id}"))?
            .content()
            .to_vec())
    }

    /// A commit as policies see it in the push-level input.
    pub fn commit_details(&self, id: Oid) -> Result<CommitDetails> {
        let c = self
            .git
            .find_commit(id)
            .with_context(|| format!("reading commit {id}"))?;
        let person = |s: git2::Signature| Person {
            name: String::from_utf8_lossy(s.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(s.email_bytes()).into_owned(),
            time: rfc3339(s.when()),
        };
        Ok(CommitDetails {
            id: id.to_string(),
            parents: c.parent_ids().map(|p| p.to_string()).collect(),
            author: person(c.author()),
            committer: person(c.committer()),
            message: String::from_utf8_lossy(c.message_bytes()).into_owned(),
        })
    }

    /// The commits reachable from `tip` but from none of `hide`, newest
    /// first: `git rev-list tip --not hide...`. Stops at the first commit
    /// past `limits.max_commits` or over `limits.max_object_bytes`: such a
    /// push is rejected whole, so walking on would only cost time.
    pub fn new_commits(
        &self,
        tip: Oid,
        hide: &[Oid],
        limits: &crate::config::Limits,
        deadline: &crate::deadline::Deadline,
    ) -> Result<Walk> {
        let mut walk = self.git.revwalk().context("starting a commit walk")?;
        walk.push(tip)
            .with_context(|| format!("walking from {tip}"))?;
        for h in hide {
            walk.hide(*h).with_context(|| format!("hiding {h}"))?;
        }
        let mut out = Vec::new();
        for id in walk {
            let id = id.context("walking commits")?;
            if out.len() >= limits.max_commits {
                return Ok(Walk::TooMany);
            }
            if out.len() % 1024 == 1023 {
                deadline.check()?;
            }
            let c = self
                .git
                .find_commit(id)
                .with_context(|| format!("reading commit {id}"))?;
            // Header plus message is the object, less one blank line.
            let size = (c.raw_header_bytes().len() + c.message_raw_bytes().len() + 1) as u64;
            if size > limits.max_object_bytes {
                return Ok(Walk::TooLarge(id, size));
            }
            out.push(CommitInfo {
                id,
                parent_count: c.parent_count(),
            });
        }
        Ok(Walk::Commits(out))
    }
}

/// What a walk of new commits found.
#[derive(Debug)]
pub enum Walk {
    Commits(Vec<CommitInfo>),
    /// More than `limits.max_commits`.
    TooMany,
    /// A commit over `limits.max_object_bytes`, and its size.
    TooLarge(Oid, u64),
}

fn is_file(k: &EntryKind) -> bool {
    *k == EntryKind::File
}

/// A git path as text: UTF-8 as is, other bytes as `\xNN` (so it can be
/// shown and matched, and is never confused with a UTF-8 name).
pub fn escape_path(raw: &[u8]) -> (String, bool) {
    let mut out = String::with_capacity(raw.len());
    let mut utf8 = true;
    for chunk in raw.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            utf8 = false;
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    (out, utf8)
}
