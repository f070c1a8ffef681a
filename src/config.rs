//! `pushgate.yaml`: read once per invocation, validated up front, and turned
//! into a typed [`Config`] whose every path is absolute and every glob compiled.
//!
//! Reading happens in two phases (as cargo-deny does it): serde fills a raw,
//! span-carrying form, then [`validate`] checks what serde cannot (names that
//! must exist, globs that must compile) and reports the offending line. A
//! config error is never a reason to accept a push: callers fail closed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use serde_saphyr::Spanned;

/// The environment variables that name the pusher when the config does not
/// say otherwise: our own, then GitLab, Gitea/Forgejo, gitolite, HTTP auth.
pub const DEFAULT_PUSHER_ENV: &[&str] = &[
    "PUSHGATE_PUSHER",
    "GL_USERNAME",
    "GITEA_PUSHER_NAME",
    "GL_USER",
    "REMOTE_USER",
];

/// A config problem, located in the file so the operator can go straight to it.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<u64>,
    pub message: String,
    pub help: Option<String>,
    /// The other problems the same read found: an operator fixes them all
    /// in one round, as with cargo-deny, not one per `config check`.
    pub also: Vec<ConfigError>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message)?,
            None => write!(f, "{}: {}", self.file.display(), self.message)?,
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        for e in &self.also {
            write!(f, "\n{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// `Ok` when nothing was found, else the first problem with the rest
    /// in `also`, flat (a problem that carried its own list, as
    /// `Keyring::load`'s does, gives each of them).
    pub fn all(problems: Vec<ConfigError>) -> Result<(), ConfigError> {
        let mut flat = problems.into_iter().flat_map(|mut e| {
            let also = std::mem::take(&mut e.also);
            std::iter::once(e).chain(also)
        });
        match flat.next() {
            None => Ok(()),
            Some(mut first) => {
                first.also = flat.collect();
                Err(first)
            }
        }
    }
}

/// A validated configuration. Paths are absolute; names are checked.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    pub pusher_env: Vec<String>,
    /// Signer name → key files.
    pub keys: BTreeMap<String, Vec<PathBuf>>,
    /// Group name → member names (as written; see [`Config::expand`]).
    pub groups: BTreeMap<String, Vec<String>>,
    pub refs: Vec<RefRule>,
    /// `paths:` rules, then CODEOWNERS lines (GitHub's precedence among
    /// those: the last matching line wins).
    pub paths: Vec<PathRule>,
    pub manifests: Manifests,
    pub policies: Vec<PolicySet>,
    pub audit: Option<Audit>,
    pub apply: Option<Apply>,
    pub limits: Limits,
    /// `secrets:` (docs/secrets.md); None: no scanning.
    pub secrets: Option<Secrets>,
    /// `exceptions:`, read and checked with the config (docs/rollout.md).
    pub exceptions: Option<crate::rollout::Exceptions>,
    pub break_glass: Option<crate::rollout::BreakGlass>,
    /// The day rollout dates were read against (`PUSHGATE_NOW` or today,
    /// UTC): one day for the whole push.
    pub today: jiff::civil::Date,
}

/// Bounds on everything a pusher controls (`limits:`; docs/reliability.md
/// has the table). A push over a bound is rejected as such, never checked
/// in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Ref updates in one push (lines on pre-receive's stdin).
    pub max_ref_updates: usize,
    /// Bytes in one ref name.
    pub max_ref_name_bytes: usize,
    /// `git push -o` options read; more are an error.
    pub max_push_options: usize,
    /// New commits one ref update may bring.
    pub max_commits: usize,
    /// Bytes in one commit or tag object (headers, signature, message).
    pub max_object_bytes: u64,
    /// YAML nesting depth in a manifest.
    pub yaml_max_depth: usize,
    /// YAML nodes in one manifest file.
    pub yaml_max_nodes: usize,
    /// Events replayed through YAML aliases in one file (alias bombs).
    pub yaml_max_alias_events: usize,
    /// Files one ref update may change (added, modified, deleted, renamed).
    pub max_changed_files: usize,
    /// Manifest bytes one ref update may bring to be judged, each path
    /// counted (one blob under many names costs each time).
    pub max_manifest_bytes: u64,
    /// Bytes of new blobs one push may bring for secret scanning
    /// (`secrets:`); over it the push is rejected, never scanned in part.
    pub max_scanned_bytes: u64,
    /// Manifest documents one ref update may bring to be judged: bytes
    /// alone do not bound them (`---` every few bytes), and each costs an
    /// evaluation of every rule.
    pub max_documents: usize,
    /// One Rego evaluation (one rule set over one input).
    pub policy_timeout_seconds: u64,
    /// The whole decision for one push.
    pub timeout_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_ref_updates: 10_000,
            max_ref_name_bytes: 1024,
            max_push_options: 100,
            max_commits: 100_000,
            max_object_bytes: 1024 * 1024,
            yaml_max_depth: 64,
            yaml_max_nodes: 200_000,
            yaml_max_alias_events: 100_000,
            max_changed_files: 50_000,
            max_manifest_bytes: 32 * 1024 * 1024,
            max_scanned_bytes: 256 * 1024 * 1024,
            max_documents: 100_000,
            policy_timeout_seconds: 5,
            timeout_seconds: 120,
        }
    }
}

/// One entry of `refs:`. Settings left out are `None`: they neither loosen
/// nor tighten what other matching rules say.
#[derive(Debug, Clone)]
pub struct RefRule {
    pub pattern: String,
    pub matcher: GlobMatcher,
    /// Line of the rule's `match:` in the config, for "required here" messages.
    pub line: u64,
    pub environment: Option<String>,
    pub require_signed_commits: Option<bool>,
    pub require_signed_tags: Option<bool>,
    pub signers: Option<Vec<String>>,
    pub allow_force_push: Option<bool>,
    pub allow_delete: Option<bool>,
    pub require_linear_history: Option<bool>,
    pub pushers: Option<Vec<String>>,
    pub immutable: Option<bool>,
    /// Distinct approvers the new tip needs (signed `refs/approvals/` tags).
    pub require_approvals: Option<u32>,
    /// Who may approve (names or groups); `None` = any key in `keys`.
    pub approvers: Option<Vec<String>>,
    /// Environments the new tip's tree must have been deployed to, with
    /// its apply succeeded, before this ref may point at it (all of them).
    pub promote_from: Option<Vec<String>>,
    /// `enforce:` / `enforce_from:` (docs/rollout.md).
    pub enforce: crate::rollout::Enforce,
}

/// One `paths:` rule (or a CODEOWNERS line): who owns the files it
/// matches, and so whose approvals a change to them needs.
#[derive(Debug, Clone)]
pub struct PathRule {
    pub pattern: String,
    pub matcher: GlobMatcher,
    /// Line in the config (or in the CODEOWNERS file, see `source`).
    pub line: u64,
    /// `None`: the config's `paths:`; `Some(file)`: a CODEOWNERS line.
    pub source: Option<PathBuf>,
    pub owners: Vec<String>,
    pub require_approvals: u32,
    /// Only these (names or groups) may sign commits touching the paths.
    pub signers: Option<Vec<String>>,
    /// Which refs the rule applies to; `None` = every ref with
    /// `require_approvals` or `require_signed_commits`.
    pub refs: Option<Vec<String>>,
    pub refs_matcher: Option<globset::GlobSet>,
}

#[derive(Debug, Clone)]
pub struct Manifests {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub max_file_bytes: u64,
    /// `manifests.render`: render roots and their renderer (docs/manifests.md).
    pub render: Vec<RenderRule>,
    /// `manifests.renderers`: name → argv prefix, each program found.
    pub renderers: BTreeMap<String, Vec<String>>,
    /// `manifests.schemas`: documents checked against Kubernetes' schemas
    /// (docs/manifests.md); None: not checked.
    pub schemas: Option<Schemas>,
}

/// `secrets:`: what is scanned for credentials, and what is let through.
#[derive(Debug, Clone, PartialEq)]
pub struct Secrets {
    pub scan: SecretScan,
    /// The rules (`secrets.rules`: built in, and gitleaks packs), compiled
    /// when the config is read.
    pub scanner: std::sync::Arc<crate::secrets::Scanner>,
    /// The allow file's entries, and the file (for messages).
    pub allow: Vec<crate::secrets::Allow>,
    pub allow_file: Option<String>,
    /// SOPS-encrypted files pass.
    pub sops: bool,
}

/// `secrets.scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretScan {
    /// Every blob new to the repository in the push, any path.
    NewBlobs,
    /// Only the manifests the update changes.
    Manifests,
    Off,
}

/// The Kubernetes minor versions whose schemas are built in
/// (schemas/kubernetes/, made by tools/k8s_schemas.py).
pub const KUBERNETES_VERSIONS: &[&str] = &[
    "1.25", "1.26", "1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36",
    "1.37",
];

/// `manifests.schemas` (and `validate`'s kubeconform flags).
#[derive(Debug, Clone, PartialEq)]
pub struct Schemas {
    /// A minor version of [`KUBERNETES_VERSIONS`], e.g. "1.33".
    pub kubernetes: String,
    /// CRD files in the pushed tree: globs, a trailing `/` meaning every
    /// file below.
    pub crds: Vec<String>,
    /// CRD files or directories beside the config (`./` entries),
    /// absolute; and, for `validate --schema-location`, JSON Schema
    /// directories.
    pub local_crds: Vec<PathBuf>,
    pub locations: Vec<PathBuf>,
    /// Unknown fields are errors (kubeconform -strict).
    pub strict: bool,
    pub unknown_kinds: UnknownKinds,
}

/// What a document of a kind no schema describes gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum UnknownKinds {
    #[default]
    Reject,
    Warn,
    Skip,
}

/// "1.33", "v1.33", "1.33.4" → "1.33" when built in.
pub fn kubernetes_version(v: &str) -> Option<&'static str> {
    let v = v.trim().trim_start_matches('v');
    let mut parts = v.split('.');
    let (major, minor) = (parts.next()?, parts.next()?);
    if parts.clone().count() > 1 || !parts.all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let mm = format!("{major}.{minor}");
    KUBERNETES_VERSIONS.iter().copied().find(|k| *k == mm)
}

/// One `manifests.render` entry: every path matching `matcher` is a render
/// root, rendered by the renderer `with` names.
#[derive(Debug, Clone)]
pub struct RenderRule {
    pub pattern: String,
    pub matcher: GlobMatcher,
    pub with: String,
    /// The renderer's command, its program found (absolute).
    pub argv: Vec<String>,
    pub line: u64,
}

/// A `manifests.schemas.crds` entry as a glob over the tree's paths: a
/// trailing `/` is every file below the directory.
pub fn crd_glob(entry: &str) -> String {
    match entry.strip_suffix('/') {
        Some(dir) => format!("{dir}/**"),
        None => entry.to_owned(),
    }
}

/// The renderers known without configuring them: kubectl's built-in
/// kustomize (what Argo CD and Flux run).
pub fn default_renderers() -> BTreeMap<String, Vec<String>> {
    BTreeMap::from([(
        "kustomize".to_owned(),
        vec!["kubectl".to_owned(), "kustomize".to_owned()],
    )])
}

/// A program as `Command` would find it: a path (relative ones against
/// `dir`), or a name on `PATH`.
fn find_program(program: &str, dir: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let runnable = |p: &Path| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.contains('/') {
        let p = if Path::new(program).is_absolute() {
            PathBuf::from(program)
        } else {
            dir.join(program)
        };
        return runnable(&p).then_some(p);
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join(program))
            .find(|p| runnable(p))
    })
}

impl Default for Manifests {
    fn default() -> Self {
        Manifests {
            include: vec!["**/*.yaml".into(), "**/*.yml".into(), "**/*.json".into()],
            exclude: vec![],
            max_file_bytes: 1024 * 1024,
            render: Vec::new(),
            renderers: default_renderers(),
            schemas: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PolicySet {
    pub path: PathBuf,
    /// Data files or directories merged into `data` (conftest's `--data`):
    /// the policy path itself loads `.rego` files only.
    pub data: Vec<PathBuf>,
    pub manifest_namespaces: Vec<String>,
    pub push_namespace: Option<String>,
    pub refs: Option<Vec<String>>,
    pub line: u64,
    pub enforce: crate::rollout::Enforce,
}

#[derive(Debug, Clone)]
pub struct Audit {
    /// A SQLite file (absolute) or a `postgres://` URL.
    pub database: String,
    /// PostgreSQL: a file holding the password.
    pub password_file: Option<PathBuf>,
    /// PostgreSQL: how long a hook waits to connect before rejecting.
    pub connect_timeout_seconds: u64,
    /// The name this Git server records in each decision (`server`).
    pub server: String,
    pub line: u64,
}

/// This machine's host name, for `audit.server`'s default.
fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into buf.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "unknown".into();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// `apply.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyMode {
    /// The pusher waits and reads the apply's output.
    Sync,
    /// The push returns; the output goes to a log file.
    Background,
}

#[derive(Debug, Clone)]
pub struct Apply {
    pub command: Vec<String>,
    pub timeout_seconds: u64,
    pub mode: ApplyMode,
    /// Output kept (streamed to the pusher, or written to the log) per run;
    /// the rest is counted and dropped, and the command keeps running.
    pub max_output_bytes: u64,
    /// The tree written for the command, counted before a byte is written:
    /// a push of a few hundred bytes can name a tree that expands to
    /// gigabytes. Over either, the apply ends `failed` with the reason.
    pub max_export_bytes: u64,
    pub max_export_files: u64,
    pub line: u64,
}

// ---- raw, as written -------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    version: Spanned<u32>,
    #[serde(default)]
    pusher_env: Option<Vec<String>>,
    #[serde(default)]
    keys: BTreeMap<String, Spanned<OneOrMany>>,
    /// git's `gpg.ssh.allowedSignersFile` format: every principal a signer.
    #[serde(default)]
    allowed_signers: Option<Spanned<String>>,
    #[serde(default)]
    groups: BTreeMap<String, Spanned<Vec<String>>>,
    #[serde(default)]
    refs: Vec<Spanned<RawRefRule>>,
    #[serde(default)]
    paths: Vec<Spanned<RawPathRule>>,
    #[serde(default)]
    codeowners: Option<Spanned<String>>,
    #[serde(default)]
    manifests: Option<RawManifests>,
    #[serde(default)]
    policies: Vec<Spanned<RawPolicySet>>,
    #[serde(default)]
    audit: Option<Spanned<RawAudit>>,
    #[serde(default)]
    apply: Option<Spanned<RawApply>>,
    #[serde(default)]
    limits: Option<Spanned<RawLimits>>,
    #[serde(default)]
    exceptions: Option<Spanned<String>>,
    secrets: Option<Spanned<RawSecrets>>,
    #[serde(default)]
    break_glass: Option<Spanned<RawBreakGlass>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreakGlass {
    signers: Vec<String>,
    bypass: Vec<String>,
    max_per_day: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_ref_updates: Option<usize>,
    max_ref_name_bytes: Option<usize>,
    max_push_options: Option<usize>,
    max_commits: Option<usize>,
    max_object_bytes: Option<u64>,
    yaml_max_depth: Option<usize>,
    yaml_max_nodes: Option<usize>,
    yaml_max_alias_events: Option<usize>,
    max_changed_files: Option<usize>,
    max_manifest_bytes: Option<u64>,
    max_scanned_bytes: Option<u64>,
    max_documents: Option<usize>,
    policy_timeout_seconds: Option<u64>,
    timeout_seconds: Option<u64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRefRule {
    #[serde(rename = "match")]
    pattern: String,
    environment: Option<String>,
    require_signed_commits: Option<bool>,
    require_signed_tags: Option<bool>,
    signers: Option<Vec<String>>,
    allow_force_push: Option<bool>,
    allow_delete: Option<bool>,
    require_linear_history: Option<bool>,
    pushers: Option<Vec<String>>,
    immutable: Option<bool>,
    require_approvals: Option<u32>,
    approvers: Option<Vec<String>>,
    promote_from: Option<OneOrMany>,
    enforce: Option<String>,
    enforce_from: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPathRule {
    #[serde(rename = "match")]
    pattern: String,
    owners: Vec<String>,
    require_approvals: Option<u32>,
    signers: Option<Vec<String>>,
    refs: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifests {
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    max_file_bytes: Option<u64>,
    #[serde(default)]
    render: Vec<Spanned<RawRender>>,
    #[serde(default)]
    renderers: BTreeMap<String, Spanned<Vec<String>>>,
    schemas: Option<Spanned<RawSchemas>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSecrets {
    scan: Option<String>,
    rules: Option<OneOrMany>,
    allow: Option<String>,
    sops: Option<bool>,
    fingerprint_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchemas {
    kubernetes: String,
    #[serde(default)]
    crds: Vec<String>,
    #[serde(default)]
    strict: bool,
    unknown_kinds: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRender {
    #[serde(rename = "match")]
    pattern: String,
    with: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicySet {
    path: String,
    #[serde(default)]
    data: Vec<String>,
    #[serde(default)]
    manifest_namespaces: Vec<String>,
    push_namespace: Option<String>,
    refs: Option<Vec<String>>,
    enforce: Option<String>,
    enforce_from: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudit {
    database: String,
    password_file: Option<String>,
    connect_timeout_seconds: Option<u64>,
    server: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApply {
    command: Vec<String>,
    timeout_seconds: Option<u64>,
    mode: Option<String>,
    max_output_bytes: Option<u64>,
    max_export_bytes: Option<u64>,
    max_export_files: Option<u64>,
}

/// apply.max_export_*: the Linux kernel's tree (about 80,000 files, 1.4 GB)
/// fits; a GitOps repository is far smaller.
pub const DEFAULT_MAX_EXPORT_BYTES: u64 = 2 * 1024 * 1024 * 1024;
pub const DEFAULT_MAX_EXPORT_FILES: u64 = 250_000;

/// Configs are small; anything this large is a mistake or an attack.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

impl Config {
    /// Reads and validates the config at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let path = absolute(path);
        let err = |message: String, help: Option<&str>| ConfigError {
            file: path.clone(),
            line: None,
            message,
            help: help.map(str::to_owned),
            also: Vec::new(),
        };
        let meta = std::fs::metadata(&path).map_err(|e| {
            err(
                format!("cannot read the config: {e}"),
                Some("create it, or point to it with --config (install records it as `pushgate.config` in the repository's git config)"),
            )
        })?;
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(err(
                format!(
                    "the config is {} bytes; the limit is {MAX_CONFIG_BYTES}",
                    meta.len()
                ),
                None,
            ));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| err(format!("cannot read the config as UTF-8 text: {e}"), None))?;
        Config::parse(&text, &path)
    }

    /// Only the `audit:` section, read leniently: for recording the
    /// rejections of a config that does not load (a typo elsewhere in it, a
    /// broken policy), where the strict parse gives nothing. The section
    /// itself must still be well-formed, and a password in the URL is
    /// refused as always.
    pub fn audit_only(path: &Path) -> Option<Audit> {
        #[derive(Deserialize)]
        struct Lenient {
            audit: Option<RawAudit>,
        }
        let path = absolute(path);
        if std::fs::metadata(&path).ok()?.len() > MAX_CONFIG_BYTES {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let v: Lenient = serde_saphyr::from_str(&text).ok()?;
        let a = v.audit?;
        let dir = path.parent().unwrap_or(Path::new("/"));
        audit_from_raw(a, dir, 0).ok()
    }

    /// Parses config text as if it were read from `path` (whose directory
    /// anchors relative paths).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = serde_saphyr::from_str(text).map_err(|e| {
            let options = serde_saphyr::render_options! {
                snippets: serde_saphyr::SnippetMode::Off,
            };
            ConfigError {
                file: path.to_path_buf(),
                line: e.location().map(|l| l.line()),
                message: strip_location_suffix(&e.render_with_options(options)),
                help: Some("see the configuration reference in README.md".into()),
                also: Vec::new(),
            }
        })?;
        validate(raw, path)
    }

    /// The rules whose `match` fits `refname` and that enforce today, in
    /// config order: a rule in evaluate mode is, for every verdict, as if
    /// it were not there (it never vouches for history, never permits).
    pub fn rules_for<'a>(&'a self, refname: &'a str) -> impl Iterator<Item = &'a RefRule> + 'a {
        self.rules_for_all(refname)
            .filter(move |r| !r.enforce.evaluating(self.today))
    }

    /// [`Config::rules_for`] with the rules in evaluate mode too: what
    /// the gate would decide once they enforce (their `would_reject`).
    pub fn rules_for_all<'a>(&'a self, refname: &'a str) -> impl Iterator<Item = &'a RefRule> + 'a {
        self.refs
            .iter()
            .filter(move |r| r.matcher.is_match(refname))
    }

    /// Whether a rule for `refname` is in evaluate mode today.
    pub fn evaluating_rules<'a>(&'a self, refname: &'a str) -> Vec<&'a RefRule> {
        self.rules_for_all(refname)
            .filter(|r| r.enforce.evaluating(self.today))
            .collect()
    }

    /// Expands names and group names into the set of signer/pusher names.
    /// Group members may themselves be groups; cycles are cut.
    pub fn expand(&self, names: &[String]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut seen_groups = BTreeSet::new();
        let mut stack: Vec<&str> = names.iter().map(String::as_str).collect();
        while let Some(name) = stack.pop() {
            match self.groups.get(name) {
                Some(members) => {
                    if seen_groups.insert(name) {
                        stack.extend(members.iter().map(String::as_str));
                    }
                }
                None => {
                    out.insert(name.to_owned());
                }
            }
        }
        out
    }

    /// The groups `name` belongs to, directly or through other groups.
    pub fn groups_of(&self, name: &str) -> Vec<String> {
        self.groups
            .keys()
            .filter(|g| self.expand(&[(*g).clone()]).contains(name))
            .cloned()
            .collect()
    }

    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }
}

/// serde-saphyr appends " at line X column Y" to plain messages; we print the
/// line ourselves in `file:line:` form, so drop the suffix.
fn strip_location_suffix(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg);
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_owned(),
        None => first.to_owned(),
    }
}

/// `audit:` checked and resolved against the config's directory: shared by
/// the strict parse and [`Config::audit_only`], so both refuse the same.
fn audit_from_raw(v: RawAudit, dir: &Path, line: u64) -> Result<Audit, (String, &'static str)> {
    let url = v.database.contains("://");
    if url && !(v.database.starts_with("postgres://") || v.database.starts_with("postgresql://")) {
        return Err((
            format!(
                "`audit.database: {}` is neither a file path nor a postgres:// URL",
                v.database
            ),
            "a SQLite file (audit.db) or postgres://user@host/dbname",
        ));
    }
    if url
        && v.database.split_once("://").is_some_and(|(_, rest)| {
            rest.split_once('@')
                .is_some_and(|(user, _)| user.contains(':'))
        })
    {
        return Err((
            "`audit.database` carries a password; config files are read by many".into(),
            "put the password in a file named by `audit.password_file`, or in PUSHGATE_AUDIT_PASSWORD",
        ));
    }
    let resolve = |p: &str| {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            dir.join(p.strip_prefix("./").unwrap_or(p))
        }
    };
    Ok(Audit {
        line,
        database: if url {
            v.database
        } else {
            resolve(&v.database).to_string_lossy().into_owned()
        },
        password_file: v.password_file.as_deref().map(resolve),
        connect_timeout_seconds: v.connect_timeout_seconds.unwrap_or(10),
        server: v.server.unwrap_or_else(host_name),
    })
}

/// The config's path with its directory's symbolic links resolved, once.
/// Everything the config names relatively (keys, policies, the audit
/// database) then resolves inside one real directory: with the live config
/// reached through a symlink that a deploy replaces (`current ->
/// releases/N`), a hook reads one release whole, never the config of one
/// and the keys of the next.
fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent().map(std::fs::canonicalize), abs.file_name()) {
        (Some(Ok(dir)), Some(name)) => dir.join(name),
        _ => abs,
    }
}

fn compile_glob(pattern: &str) -> Result<GlobMatcher, globset::Error> {
    Ok(GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()?
        .compile_matcher())
}

/// Compiles a path glob list (manifests, policy refs) with the same `*`/`**`
/// semantics as ref patterns.
pub fn compile_globs(patterns: &[String]) -> Result<globset::GlobSet, globset::Error> {
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        b.add(
            GlobBuilder::new(p)
                .literal_separator(true)
                .backslash_escape(true)
                .build()?,
        );
    }
    b.build()
}

fn validate(raw: RawConfig, path: &Path) -> Result<Config, ConfigError> {
    let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
    let at = |line: u64, message: String, help: &str| ConfigError {
        file: path.to_path_buf(),
        line: Some(line),
        message,
        help: if help.is_empty() {
            None
        } else {
            Some(help.to_owned())
        },
        also: Vec::new(),
    };
    // Every check runs and says what it found; the config is refused at
    // the end, with all of them.
    let mut problems: Vec<ConfigError> = Vec::new();
    let resolve = |p: &str| -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            dir.join(p.strip_prefix("./").unwrap_or(p))
        }
    };

    if raw.version.value != 1 {
        problems.push(at(
            raw.version.referenced.line(),
            format!("unsupported config version {}", raw.version.value),
            "this pushgate reads `version: 1`",
        ));
    }

    let pusher_env = match raw.pusher_env {
        Some(list) => list,
        None => DEFAULT_PUSHER_ENV.iter().map(|s| s.to_string()).collect(),
    };

    let mut keys = BTreeMap::new();
    for (name, files) in raw.keys {
        let line = files.referenced.line();
        let files = match files.value {
            OneOrMany::One(f) => vec![f],
            OneOrMany::Many(v) => v,
        };
        if files.is_empty() {
            // Still a key name, so `signers:` and `groups:` naming it do
            // not each add an error of their own.
            problems.push(at(line, format!("key `{name}` lists no key file"), ""));
        }
        keys.insert(name, files.iter().map(|f| resolve(f)).collect::<Vec<_>>());
    }
    // Each principal of an allowed_signers file is a signer whose keys are
    // that file's lines naming it (the keyring reads them); the names are
    // needed here, so `signers:` and `groups:` can use them.
    if let Some(file) = &raw.allowed_signers {
        let mut read = || -> Result<(), ConfigError> {
            let line = file.referenced.line();
            let path = resolve(&file.value);
            let text = std::fs::metadata(&path)
            .ok()
            .filter(|m| m.len() <= MAX_CONFIG_BYTES)
            .and_then(|_| std::fs::read_to_string(&path).ok())
            .ok_or_else(|| {
                at(
                    line,
                    format!("`allowed_signers: {}` cannot be read (or is over 1 MiB)", path.display()),
                    "name git's allowed_signers file (gpg.ssh.allowedSignersFile), relative to this config",
                )
            })?;
            let lines = crate::allowed_signers::parse(&text).map_err(|(n, message)| ConfigError {
            file: path.clone(),
            line: Some(n),
            message,
            help: Some("allowed_signers lines are `principals [namespaces=\"git\"] keytype key [comment]` (ssh-keygen(1), ALLOWED SIGNERS)".into()),
            also: Vec::new(),
        })?;
            if lines.is_empty() {
                return Err(at(
                    line,
                    format!("{} lists no key for git", path.display()),
                    "",
                ));
            }
            for l in &lines {
                for p in &l.principals {
                    let files: &mut Vec<PathBuf> = keys.entry(p.clone()).or_default();
                    if !files.contains(&path) {
                        files.push(path.clone());
                    }
                }
            }
            Ok(())
        };
        if let Err(e) = read() {
            problems.push(e);
        }
    }

    let mut groups = BTreeMap::new();
    for (name, members) in &raw.groups {
        let line = members.referenced.line();
        if keys.contains_key(name) {
            problems.push(at(
                line,
                format!("`{name}` is both a key name and a group name"),
                "rename one of them",
            ));
        }
        groups.insert(name.clone(), members.value.clone());
    }
    for (name, members) in &raw.groups {
        for m in &members.value {
            if !keys.contains_key(m) && !raw.groups.contains_key(m) {
                problems.push(at(
                    members.referenced.line(),
                    format!("group `{name}` names `{m}`, which is neither in `keys:` nor a group"),
                    "add a key file for it under `keys:`, or fix the name",
                ));
            }
        }
    }

    let mut refs = Vec::new();
    for rule in raw.refs {
        let line = rule.referenced.line();
        let r = rule.value;
        let matcher = match compile_glob(&r.pattern) {
            Ok(m) => m,
            Err(e) => {
                problems.push(at(
                    line,
                    format!("`match: {}` is not a valid glob: {}", r.pattern, e.kind()),
                    "`*` matches within one path segment, `**` across segments",
                ));
                continue;
            }
        };
        if !r.pattern.starts_with("refs/") {
            problems.push(at(
                line,
                format!(
                    "`match: {}` does not start with `refs/`, so it can never match",
                    r.pattern
                ),
                "write the full ref name, e.g. `refs/heads/main` or `refs/tags/v*`",
            ));
        }
        for (field, names) in [("signers", &r.signers), ("approvers", &r.approvers)] {
            for s in names.iter().flatten() {
                if !keys.contains_key(s) && !groups.contains_key(s) {
                    problems.push(at(
                        line,
                        format!("`{field}` of `{}` names `{s}`, which is neither in `keys:` nor in `groups:`", r.pattern),
                        "only named keys can sign; add it under `keys:` or fix the name",
                    ));
                }
            }
        }
        if r.require_approvals.is_some_and(|n| n > 0) && keys.is_empty() {
            problems.push(at(
                line,
                format!(
                    "`{}` requires approvals, but `keys:` names no signer, so nothing could pass",
                    r.pattern
                ),
                "approvals are tags signed by keys under `keys:` (see docs/approvals.md)",
            ));
        }
        let enforce =
            crate::rollout::Enforce::parse(r.enforce.as_deref(), r.enforce_from.as_deref())
                .unwrap_or_else(|m| {
                    problems.push(at(
                        line,
                        format!("ref rule `{}`: {m}", r.pattern),
                        "see docs/rollout.md",
                    ));
                    Default::default()
                });
        refs.push(RefRule {
            enforce,
            pattern: r.pattern,
            matcher,
            line,
            environment: r.environment,
            require_signed_commits: r.require_signed_commits,
            require_signed_tags: r.require_signed_tags,
            signers: r.signers,
            allow_force_push: r.allow_force_push,
            allow_delete: r.allow_delete,
            require_linear_history: r.require_linear_history,
            pushers: r.pushers,
            immutable: r.immutable,
            require_approvals: r.require_approvals,
            approvers: r.approvers,
            promote_from: r.promote_from.map(|p| match p {
                OneOrMany::One(e) => vec![e],
                OneOrMany::Many(es) => es,
            }),
        });
    }

    let mut paths = Vec::new();
    for rule in raw.paths {
        let line = rule.referenced.line();
        let r = rule.value;
        let known = |n: &String| keys.contains_key(n) || groups.contains_key(n);
        let matcher = match compile_glob(&r.pattern) {
            Ok(m) => m,
            Err(e) => {
                problems.push(at(
                    line,
                    format!(
                        "`paths` `match: {}` is not a valid glob: {}",
                        r.pattern,
                        e.kind()
                    ),
                    "`*` matches within one path segment, `**` across segments",
                ));
                continue;
            }
        };
        if r.owners.is_empty() {
            problems.push(at(
                line,
                format!("`paths` rule `{}` has no `owners`", r.pattern),
                "name the keys or groups that own these paths",
            ));
        }
        for (field, names) in [("owners", Some(&r.owners)), ("signers", r.signers.as_ref())] {
            for n in names.into_iter().flatten().filter(|n| !known(n)) {
                problems.push(at(
                    line,
                    format!("`{field}` of paths rule `{}` names `{n}`, which is neither in `keys:` nor in `groups:`", r.pattern),
                    "add it under `keys:` or `groups:`, or fix the name",
                ));
            }
        }
        if r.require_approvals == Some(0) {
            problems.push(at(
                line,
                format!("`paths` rule `{}` has `require_approvals: 0`, so its owners would never be asked", r.pattern),
                "leave it out (default 1) or remove the rule",
            ));
        }
        let refs_matcher = match r.refs.as_ref().map(|g| compile_globs(g)) {
            None => None,
            Some(Ok(m)) => Some(m),
            Some(Err(e)) => {
                problems.push(at(
                    line,
                    format!(
                        "`refs` of paths rule `{}` has an invalid glob: {e}",
                        r.pattern
                    ),
                    "",
                ));
                None
            }
        };
        paths.push(PathRule {
            pattern: r.pattern,
            matcher,
            line,
            source: None,
            owners: r.owners,
            require_approvals: r.require_approvals.unwrap_or(1),
            signers: r.signers,
            refs: r.refs,
            refs_matcher,
        });
    }
    if let Some(file) = raw.codeowners {
        let line = file.referenced.line();
        let file = resolve(&file.value);
        match std::fs::read_to_string(&file) {
            Err(e) => problems.push(at(
                line,
                format!("`codeowners: {}` cannot be read: {e}", file.display()),
                "give a CODEOWNERS file beside the config (or an absolute path)",
            )),
            Ok(text) => match crate::codeowners::parse(&text, &|n| {
                keys.contains_key(n) || groups.contains_key(n)
            }) {
                Ok(lines) => {
                    for l in lines {
                        paths.push(PathRule {
                            pattern: l.pattern,
                            matcher: l.matcher,
                            line: l.line,
                            source: Some(file.clone()),
                            owners: l.owners,
                            require_approvals: 1,
                            signers: None,
                            refs: None,
                            refs_matcher: None,
                        });
                    }
                }
                Err(errors) => {
                    for (l, message) in errors {
                        problems.push(ConfigError {
                            file: file.clone(),
                            line: Some(l),
                            message,
                            help: Some("CODEOWNERS lines are `PATTERN @owner ...`, each owner a name under `keys:` or `groups:` with an @".into()),
                            also: Vec::new(),
                        });
                    }
                }
            },
        }
    }

    let manifests = match raw.manifests {
        None => Manifests::default(),
        Some(m) => {
            let d = Manifests::default();
            let mut renderers = d.renderers;
            for (name, argv) in m.renderers {
                if argv.value.is_empty() {
                    problems.push(at(
                        argv.referenced.line(),
                        format!("renderer `{name}` has an empty command"),
                        "give the program and its arguments, e.g. [kubectl, kustomize]",
                    ));
                    continue;
                }
                renderers.insert(name, argv.value);
            }
            let mut render = Vec::new();
            for r in m.render {
                let line = r.referenced.line();
                let r = r.value;
                let Some(argv) = renderers.get(&r.with) else {
                    problems.push(at(line, format!("`manifests.render` names the renderer `{}`, which `manifests.renderers` does not define", r.with), "use `kustomize` (kubectl's, built in) or define it under `manifests.renderers`"));
                    continue;
                };
                let Some(program) = find_program(&argv[0], &dir) else {
                    problems.push(at(line, format!("the renderer `{}` runs `{}`, which is not installed (not on PATH, or not executable)", r.with, argv[0]), "install it on every machine that runs the gate (server and CI): a render that cannot run would judge the raw files instead, which is not what ships"));
                    continue;
                };
                let mut argv = argv.clone();
                argv[0] = program.to_string_lossy().into_owned();
                match compile_glob(&r.pattern) {
                    Ok(matcher) => render.push(RenderRule {
                        pattern: r.pattern,
                        matcher,
                        with: r.with,
                        argv,
                        line,
                    }),
                    Err(e) => problems.push(at(
                        line,
                        format!(
                            "`manifests.render` `match: {}` is not a valid glob: {}",
                            r.pattern,
                            e.kind()
                        ),
                        "`*` matches within one path segment, `**` across segments",
                    )),
                }
            }
            let schemas = m.schemas.and_then(|raw| {
                let line = raw.referenced.line();
                let raw = raw.value;
                let mut ok = true;
                let mut fail = |message: String, help: &str| {
                    problems.push(at(line, message, help));
                    ok = false;
                };
                let kubernetes = kubernetes_version(&raw.kubernetes).unwrap_or_else(|| {
                    fail(
                        format!("`manifests.schemas.kubernetes: {}` is not a Kubernetes version pushgate has schemas for", raw.kubernetes),
                        &format!("use one of {} (the minor version your clusters run)", KUBERNETES_VERSIONS.join(", ")),
                    );
                    ""
                });
                let unknown_kinds = match raw.unknown_kinds.as_deref() {
                    None | Some("reject") => UnknownKinds::Reject,
                    Some("warn") => UnknownKinds::Warn,
                    Some("skip") => UnknownKinds::Skip,
                    Some(other) => {
                        fail(
                            format!("`manifests.schemas.unknown_kinds: {other}` is not one of reject, warn, skip"),
                            "reject (the default) refuses a document no schema describes; warn lets it through with a warning; skip says nothing",
                        );
                        UnknownKinds::Reject
                    }
                };
                let mut crds = Vec::new();
                let mut local_crds = Vec::new();
                for c in raw.crds {
                    if let Some(rel) = c.strip_prefix("./") {
                        let p = dir.join(rel);
                        if p.exists() {
                            local_crds.push(p);
                        } else {
                            fail(
                                format!("`manifests.schemas.crds` names {c}, which does not exist beside the config ({})", p.display()),
                                "a leading ./ names a file or directory beside the config; without it, a path in the pushed tree",
                            );
                        }
                    } else if let Err(e) = compile_glob(&crd_glob(&c)) {
                        fail(
                            format!("`manifests.schemas.crds` entry {c} is not a valid glob: {}", e.kind()),
                            "`*` matches within one path segment, `**` across segments; a trailing / means every file below",
                        );
                    } else {
                        crds.push(c);
                    }
                }
                ok.then(|| Schemas {
                    kubernetes: kubernetes.to_owned(),
                    crds,
                    local_crds,
                    locations: Vec::new(),
                    strict: raw.strict,
                    unknown_kinds,
                })
            });
            Manifests {
                include: m.include.unwrap_or(d.include),
                exclude: m.exclude.unwrap_or(d.exclude),
                max_file_bytes: m.max_file_bytes.unwrap_or(d.max_file_bytes),
                render,
                renderers,
                schemas,
            }
        }
    };
    for (key, list) in [
        ("include", &manifests.include),
        ("exclude", &manifests.exclude),
    ] {
        if let Err(e) = compile_globs(list) {
            problems.push(ConfigError {
                file: path.to_path_buf(),
                line: None,
                message: format!("`manifests.{key}` has an invalid glob: {e}"),
                help: None,
                also: Vec::new(),
            });
        }
    }

    let mut policies = Vec::new();
    for p in raw.policies {
        let line = p.referenced.line();
        let v = p.value;
        if let Some(Err(e)) = v.refs.as_ref().map(|r| compile_globs(r)) {
            problems.push(at(
                line,
                format!("`refs` of policy set `{}` has an invalid glob: {e}", v.path),
                "",
            ));
        }
        let enforce =
            crate::rollout::Enforce::parse(v.enforce.as_deref(), v.enforce_from.as_deref())
                .unwrap_or_else(|m| {
                    problems.push(at(
                        line,
                        format!("policy set `{}`: {m}", v.path),
                        "see docs/rollout.md",
                    ));
                    Default::default()
                });
        policies.push(PolicySet {
            enforce,
            path: resolve(&v.path),
            data: v.data.iter().map(|d| resolve(d)).collect(),
            manifest_namespaces: v.manifest_namespaces,
            push_namespace: v.push_namespace,
            refs: v.refs,
            line,
        });
    }

    let raw_audit = raw.audit.is_some();
    let audit = match raw.audit {
        None => None,
        Some(a) => {
            let line = a.referenced.line();
            match audit_from_raw(a.value, &dir, line) {
                Ok(a) => Some(a),
                Err((m, h)) => {
                    problems.push(at(line, m, h));
                    None
                }
            }
        }
    };

    let apply = match raw.apply {
        None => None,
        Some(a) => {
            let line = a.referenced.line();
            let mut command = a.value.command;
            match command.first_mut() {
                None => problems.push(at(
                    line,
                    "`apply.command` is empty".into(),
                    "give the program and its arguments as a list, e.g. [./deploy.sh]",
                )),
                Some(program) if program.contains('/') => {
                    *program = resolve(program).to_string_lossy().into_owned();
                }
                Some(_) => {}
            }
            let mode = match a.value.mode.as_deref() {
                None | Some("sync") => ApplyMode::Sync,
                Some("background") => ApplyMode::Background,
                Some(other) => {
                    problems.push(at(
                        line,
                        format!("`apply.mode: {other}` is not one of sync, background"),
                        "",
                    ));
                    ApplyMode::Sync
                }
            };
            Some(Apply {
                command,
                timeout_seconds: a.value.timeout_seconds.unwrap_or(600),
                mode,
                max_output_bytes: a.value.max_output_bytes.unwrap_or(10 * 1024 * 1024),
                max_export_bytes: a.value.max_export_bytes.unwrap_or(DEFAULT_MAX_EXPORT_BYTES),
                max_export_files: a.value.max_export_files.unwrap_or(DEFAULT_MAX_EXPORT_FILES),
                line,
            })
        }
    };

    let limits = match raw.limits {
        None => Limits::default(),
        Some(l) => {
            let line = l.referenced.line();
            let l = l.value;
            let d = Limits::default();
            let limits = Limits {
                max_ref_updates: l.max_ref_updates.unwrap_or(d.max_ref_updates),
                max_ref_name_bytes: l.max_ref_name_bytes.unwrap_or(d.max_ref_name_bytes),
                max_push_options: l.max_push_options.unwrap_or(d.max_push_options),
                max_commits: l.max_commits.unwrap_or(d.max_commits),
                max_object_bytes: l.max_object_bytes.unwrap_or(d.max_object_bytes),
                yaml_max_depth: l.yaml_max_depth.unwrap_or(d.yaml_max_depth),
                yaml_max_nodes: l.yaml_max_nodes.unwrap_or(d.yaml_max_nodes),
                yaml_max_alias_events: l.yaml_max_alias_events.unwrap_or(d.yaml_max_alias_events),
                max_changed_files: l.max_changed_files.unwrap_or(d.max_changed_files),
                max_manifest_bytes: l.max_manifest_bytes.unwrap_or(d.max_manifest_bytes),
                max_scanned_bytes: l.max_scanned_bytes.unwrap_or(d.max_scanned_bytes),
                max_documents: l.max_documents.unwrap_or(d.max_documents),
                policy_timeout_seconds: l
                    .policy_timeout_seconds
                    .unwrap_or(d.policy_timeout_seconds),
                timeout_seconds: l.timeout_seconds.unwrap_or(d.timeout_seconds),
            };
            // A zero bound would reject every push (or, for a time, make
            // the gate give up at once): a typo, not a policy.
            for (key, v) in [
                ("max_ref_updates", limits.max_ref_updates as u64),
                ("max_ref_name_bytes", limits.max_ref_name_bytes as u64),
                ("max_commits", limits.max_commits as u64),
                ("max_object_bytes", limits.max_object_bytes),
                ("yaml_max_depth", limits.yaml_max_depth as u64),
                ("yaml_max_nodes", limits.yaml_max_nodes as u64),
                ("max_changed_files", limits.max_changed_files as u64),
                ("max_manifest_bytes", limits.max_manifest_bytes),
                ("max_scanned_bytes", limits.max_scanned_bytes),
                ("max_documents", limits.max_documents as u64),
                ("policy_timeout_seconds", limits.policy_timeout_seconds),
                ("timeout_seconds", limits.timeout_seconds),
            ] {
                if v == 0 {
                    problems.push(at(
                        line,
                        format!("`limits.{key}` is 0, which would reject every push"),
                        "leave it out for the default, or give a positive bound",
                    ));
                }
            }
            limits
        }
    };

    let today = match crate::time::rollout_now() {
        Ok(t) => crate::time::utc_day(t),
        Err(m) => {
            problems.push(ConfigError {
                file: path.to_path_buf(),
                line: None,
                message: m,
                help: Some("unset PUSHGATE_NOW, or give a date".into()),
                also: Vec::new(),
            });
            jiff::civil::Date::default()
        }
    };
    let known = |n: &str| keys.contains_key(n) || groups.contains_key(n);
    let exceptions = match raw.exceptions {
        None => None,
        Some(f) => {
            let file = resolve(&f.value);
            match crate::rollout::load(&file, &known, today) {
                Ok(e) => Some(e),
                Err(errors) => {
                    problems.extend(errors.into_iter().map(|(line, message, help)| ConfigError {
                        file: file.clone(),
                        line,
                        message,
                        help: Some(help),
                        also: Vec::new(),
                    }));
                    None
                }
            }
        }
    };
    let secrets = raw.secrets.and_then(|raw| {
        let line = raw.referenced.line();
        let r = raw.value;
        let mut ok = true;
        let scan = match r.scan.as_deref() {
            None | Some("new_blobs") => SecretScan::NewBlobs,
            Some("manifests") => SecretScan::Manifests,
            Some("off") => SecretScan::Off,
            Some(other) => {
                problems.push(at(
                    line,
                    format!("`secrets.scan: {other}` is not one of new_blobs, manifests, off"),
                    "new_blobs (the default) scans every blob the push brings, at any path",
                ));
                ok = false;
                SecretScan::Off
            }
        };
        let rules: Vec<String> = match r.rules {
            None => vec!["builtin".into()],
            Some(OneOrMany::One(s)) => vec![s],
            Some(OneOrMany::Many(v)) => v,
        };
        if rules.is_empty() {
            problems.push(at(
                line,
                "`secrets.rules` is empty: nothing would be found".into(),
                "write `rules: builtin`, or `scan: off` to scan nothing",
            ));
            ok = false;
        }
        let builtin = rules.iter().any(|r| r == "builtin");
        let files: Vec<(PathBuf, String)> = rules
            .iter()
            .filter(|r| *r != "builtin")
            .map(|r| (resolve(r), r.clone()))
            .collect();
        let scanner = match crate::secrets::gitleaks::load(&files) {
            Err(errors) => {
                ok = false;
                problems.extend(errors.into_iter().map(|e| ConfigError {
                    file: e.file,
                    line: e.line,
                    message: e.message,
                    help: Some(e.help),
                    also: Vec::new(),
                }));
                None
            }
            Ok((packs, pack_rules)) => {
                match crate::secrets::Scanner::new(builtin, packs, pack_rules) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        ok = false;
                        problems.push(at(line, e, "fix the rule the message names"));
                        None
                    }
                }
            }
        };
        let mut allow = Vec::new();
        if let Some(f) = &r.allow {
            let file = resolve(f);
            match crate::secrets::load_allow(&file) {
                Ok(a) => allow = a,
                Err(errors) => {
                    ok = false;
                    problems.extend(errors.into_iter().map(|(l, message, help)| ConfigError {
                        file: file.clone(),
                        line: l,
                        message,
                        help: Some(help),
                        also: Vec::new(),
                    }));
                }
            }
        }
        // A per-server key: fingerprints in the log and the allow file are
        // then HMACs, which a guessed password cannot be checked against.
        let mut key = None;
        if let Some(f) = &r.fingerprint_key {
            let file = resolve(f);
            match std::fs::read(&file) {
                Ok(k) if (32..=4096).contains(&k.len()) => key = Some(k),
                _ => {
                    ok = false;
                    problems.push(ConfigError {
                        file: file.clone(),
                        line: None,
                        message: "the secrets fingerprint key cannot be read, or is not 32 to 4096 bytes".into(),
                        help: Some("make one: `head -c 32 /dev/urandom > FILE`, readable by the hook's user only; keep it, or every fingerprint in the allow file changes".into()),
                        also: Vec::new(),
                    });
                }
            }
        }
        let keyed = r.fingerprint_key.is_some();
        for a in &allow {
            if a.fingerprint.starts_with("hmac:") != keyed {
                ok = false;
                problems.push(ConfigError {
                    file: resolve(r.allow.as_deref().unwrap_or_default()),
                    line: Some(a.line),
                    message: format!(
                        "`{}` can match nothing: fingerprints are {} here",
                        a.fingerprint,
                        if keyed { "keyed (`hmac:`, secrets.fingerprint_key is set)" } else { "unkeyed (`sha256:`; secrets.fingerprint_key is not set)" }
                    ),
                    help: Some("copy the fingerprint from the rejection this server printed".into()),
                    also: Vec::new(),
                });
            }
        }
        let mut scanner = scanner.filter(|_| ok)?;
        if let Some(k) = key {
            scanner = scanner.with_fingerprint_key(k);
        }
        Some(Secrets {
            scan,
            scanner: std::sync::Arc::new(scanner),
            allow,
            allow_file: r.allow.clone(),
            sops: r.sops.unwrap_or(true),
        })
    });
    let break_glass = match raw.break_glass {
        None => None,
        Some(b) => {
            let line = b.referenced.line();
            let b = b.value;
            if b.signers.is_empty() {
                problems.push(at(line, "`break_glass.signers` is empty, so no one could use it".into(), "name the keys or groups (e.g. on-call) whose signed tip may carry a break-glass"));
            }
            for n in b.signers.iter().filter(|n| !known(n)) {
                problems.push(at(line, format!("`break_glass.signers` names `{n}`, which is neither in `keys:` nor in `groups:`"), "add it under `keys:` or `groups:`, or fix the name"));
            }
            let mut bypass = BTreeSet::new();
            for what in &b.bypass {
                use crate::finding::Category;
                match what.as_str() {
                    "policies" => { bypass.insert(Category::Policies); }
                    "approvals" => { bypass.insert(Category::Approvals); }
                    "promotion" => { bypass.insert(Category::Promotion); }
                    "signatures" | "protection" => problems.push(at(line, format!("`break_glass.bypass` lists `{what}`, which break-glass never skips"), "who may push and what must be signed hold in an emergency too; list policies, approvals or promotion")),
                    other => problems.push(at(line, format!("`break_glass.bypass` lists `{other}`, which is not policies, approvals or promotion"), "")),
                }
            }
            if bypass.is_empty() && !b.bypass.is_empty() {
                // Errors above say why.
            } else if b.bypass.is_empty() {
                problems.push(at(
                    line,
                    "`break_glass.bypass` is empty, so a break-glass would skip nothing".into(),
                    "list what it may skip: policies, approvals, promotion",
                ));
            }
            let max_per_day = b.max_per_day.unwrap_or(1);
            if max_per_day == 0 {
                problems.push(at(
                    line,
                    "`break_glass.max_per_day` is 0, so no one could use it".into(),
                    "remove `break_glass:` instead, or allow at least 1",
                ));
            }
            if !raw_audit {
                problems.push(at(line, "`break_glass` needs `audit`: every use is recorded there and counted against `max_per_day`".into(), "add `audit: {database: audit.db}` (or the fleet's PostgreSQL log)"));
            }
            Some(crate::rollout::BreakGlass {
                signers: b.signers,
                bypass,
                max_per_day,
                line,
            })
        }
    };
    let config = Config {
        exceptions,
        secrets,
        break_glass,
        today,
        path: path.to_path_buf(),
        pusher_env,
        keys,
        groups,
        refs,
        paths,
        manifests,
        policies,
        audit,
        apply,
        limits,
    };
    problems.extend(unsupported(&config, raw_audit));
    ConfigError::all(problems)?;
    Ok(config)
}

/// Settings this build parses but cannot enforce yet. Accepting them silently
/// would make a gate that checks nothing look like one that passes, so they
/// are configuration errors until their feature lands.
/// `has_audit`: the config has an `audit:` section, sound or not (a broken
/// one has its own error).
fn unsupported(config: &Config, has_audit: bool) -> Vec<ConfigError> {
    let mut out = Vec::new();
    for r in &config.refs {
        let signed = r.require_signed_commits == Some(true) || r.require_signed_tags == Some(true);
        if signed && config.keys.is_empty() {
            out.push(ConfigError {
                file: config.path.clone(),
                line: Some(r.line),
                message: format!(
                    "`{}` requires signatures, but `keys:` names no signer, so nothing could pass",
                    r.pattern
                ),
                help: Some(
                    "add the trusted keys under `keys:` (see README, \"Signing keys\")".into(),
                ),
                also: Vec::new(),
            });
            // One is enough: every such rule has the same cause.
            break;
        }
    }
    let environments: BTreeSet<&str> = config
        .refs
        .iter()
        .filter_map(|r| r.environment.as_deref())
        .collect();
    for r in &config.refs {
        let Some(from) = &r.promote_from else {
            continue;
        };
        let mut problem = |message: String, help: &str| {
            out.push(ConfigError {
                file: config.path.clone(),
                line: Some(r.line),
                message,
                help: Some(help.into()),
                also: Vec::new(),
            })
        };
        if from.is_empty() {
            problem(
                format!("`promote_from` of `{}` names no environment", r.pattern),
                "name the environment (or list of environments) whose deployments this ref may take",
            );
        }
        for e in from {
            if !environments.contains(e.as_str()) {
                problem(
                    format!(
                        "`promote_from` of `{}` names `{e}`, which no ref rule's `environment` names",
                        r.pattern
                    ),
                    "promotion reads what landed on the refs of that environment: give a ref rule `environment: NAME`, or fix the name",
                );
            } else if r.environment.as_deref() == Some(e.as_str()) {
                problem(
                    format!("`{}` promotes from its own environment `{e}`", r.pattern),
                    "name the environment before it, e.g. production's `promote_from: staging`",
                );
            }
        }
        if !has_audit {
            problem(
                format!("`promote_from` of `{}` needs `audit`: promotion reads the deployments recorded there", r.pattern),
                "add `audit: {database: audit.db}` (or the fleet's PostgreSQL log)",
            );
        }
    }
    if let (Some(a), false) = (&config.apply, has_audit) {
        out.push(ConfigError {
            file: config.path.clone(),
            line: Some(a.line),
            message: "`apply` needs `audit`: apply outcomes are recorded in the audit log".into(),
            help: Some("add `audit: {database: audit.db}`".into()),
            also: Vec::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/pushgate/pushgate.yaml"))
    }

    /// Problems are all reported, each once: one cause does not bring
    /// errors about what depends on it.
    #[test]
    fn every_problem_is_reported_once() {
        let err = parse(
            "version: 1\nkeys:\n  ops: []\ngroups:\n  admins: [ops]\nrefs:\n  - match: refs/heads/main\n    signers: [ops]\n  - match: main\naudit:\n  database: mysql://db\napply:\n  command: [./a]\n",
        )
        .unwrap_err();
        let all: Vec<String> = std::iter::once(&err)
            .chain(&err.also)
            .map(|e| e.message.clone())
            .collect();
        assert_eq!(all.len(), 3, "{all:#?}");
        assert!(all[0].contains("key `ops` lists no key file"));
        assert!(all[1].contains("`match: main` does not start with `refs/`"));
        assert!(all[2].contains("neither a file path nor a postgres:// URL"));
    }

    #[test]
    fn unknown_key_names_its_line() {
        let err = parse("version: 1\nrefs:\n  - match: refs/heads/main\n    alow_delete: false\n")
            .unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
        assert!(err.message.contains("alow_delete"), "{err}");
    }

    #[test]
    fn wrong_type_names_its_line() {
        let err = parse("version: 1\nrefs:\n  - match: refs/heads/main\n    allow_delete: maybe\n")
            .unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
    }

    #[test]
    fn bad_glob_names_its_rule() {
        let err = parse("version: 1\nrefs:\n  - match: refs/heads/[main\n").unwrap_err();
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.message.contains("not a valid glob"), "{err}");
    }

    #[test]
    fn star_stays_within_a_segment() {
        let c =
            parse("version: 1\nrefs:\n  - match: refs/heads/*\n  - match: refs/tags/**\n").unwrap();
        assert_eq!(c.rules_for("refs/heads/main").count(), 1);
        assert_eq!(c.rules_for("refs/heads/team/x").count(), 0);
        assert_eq!(c.rules_for("refs/tags/a/b/c").count(), 1);
    }

    #[test]
    fn relative_paths_resolve_against_the_config_dir() {
        let c = parse("version: 1\nkeys:\n  alice: keys/alice.asc\n").unwrap();
        assert_eq!(
            c.keys["alice"],
            vec![PathBuf::from("/etc/pushgate/keys/alice.asc")]
        );
    }

    #[test]
    fn groups_expand_transitively() {
        let c = parse(
            "version: 1\nkeys:\n  a: a.pub\n  b: b.pub\ngroups:\n  ops: [a, inner]\n  inner: [b]\n",
        )
        .unwrap();
        let names = c.expand(&["ops".to_string()]);
        assert_eq!(names.into_iter().collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(c.groups_of("b"), vec!["inner", "ops"]);
    }

    #[test]
    fn unsupported_settings_fail_closed() {
        let err = parse("version: 1\naudit:\n  database: mysql://db/audit\n").unwrap_err();
        assert!(err.message.contains("neither a file path"), "{err}");
        let err = parse("version: 1\naudit:\n  database: postgres://u:pw@db/audit\n").unwrap_err();
        assert!(err.message.contains("carries a password"), "{err}");
        assert!(parse("version: 1\naudit:\n  database: postgres://u@db/audit\n").is_ok());
        let err = parse("version: 1\napply:\n  command: [./deploy.sh]\n").unwrap_err();
        assert!(err.message.contains("needs `audit`"), "{err}");
    }

    #[test]
    fn signatures_without_keys_cannot_pass() {
        let err = parse(
            "version: 1\nrefs:\n  - match: refs/heads/main\n    require_signed_commits: true\n",
        )
        .unwrap_err();
        assert!(err.message.contains("names no signer"), "{err}");
        assert_eq!(err.line, Some(3));
    }
}
