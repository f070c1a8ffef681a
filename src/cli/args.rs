//! The command line's shape: every subcommand, flag and closed set, as
//! clap types. Nothing here runs anything.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

use crate::git::Repo;

#[derive(Parser)]
#[command(
    name = "pushgate",
    version,
    about = "Server-side Git policy gate for GitOps repositories"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// Say more on stderr: what was loaded and how long deciding took
    /// (`policy test`: each test's print() output and time).
    #[arg(long, short = 'v', global = true, conflicts_with = "quiet")]
    pub(crate) verbose: bool,
    /// Say less on stderr: results and errors only, no progress notes.
    #[arg(long, short = 'q', global = true)]
    pub(crate) quiet: bool,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Install the hooks into a bare repository (or every one under --all
    /// DIR); with --client, a pre-push hook into a developer's clone.
    Install {
        /// The bare repository to guard (with --client: the clone, default .).
        #[arg(required_unless_present_any = ["all", "template", "client"], conflicts_with_all = ["all", "template"])]
        bare_repo: Option<PathBuf>,
        /// Config file (default: what an earlier install recorded in the
        /// repository's git config, else <BARE_REPO>/pushgate.yaml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Which hooks to write: pre-receive,post-receive (all-or-nothing) or
        /// update,post-receive (per-ref accept/reject). Default: what an
        /// earlier install recorded, else pre-receive,post-receive.
        #[arg(long)]
        hooks: Option<String>,
        /// Who runs the repository's hooks (default: what an earlier install
        /// recorded, else detected from what the host left in it).
        #[arg(long, value_enum, default_value_t = ForgeArg::Auto)]
        forge: ForgeArg,
        /// Replace hooks that pushgate did not write (they are kept as <hook>.pushgate-old).
        #[arg(long)]
        force: bool,
        /// Install into every bare repository under DIR.
        #[arg(long, value_name = "DIR", conflicts_with = "template")]
        all: Option<PathBuf>,
        /// Write a git template directory instead (for `init.templateDir`),
        /// so that repositories created later start guarded; needs --config.
        #[arg(long, value_name = "DIR")]
        template: Option<PathBuf>,
        /// Install into a developer's clone instead: a pre-push hook that
        /// runs the server's decision (`check`, the remote's tracking refs
        /// as the server's) on every ref a push updates. --config: the
        /// server's config as `config export` wrote it.
        #[arg(long, conflicts_with_all = ["all", "template", "hooks"])]
        client: bool,
        /// With --client: decide as this pusher (recorded as
        /// `pushgate.pusher` in the clone's git config).
        #[arg(long, value_name = "NAME", requires = "client")]
        pusher: Option<String>,
    },
    /// Say, for one bare repository or every one under DIR, whether it is
    /// really guarded, and how to fix what is not (exit 1 if any is not).
    Doctor {
        /// A bare repository, or a directory holding some (default: .).
        dir: Option<PathBuf>,
        /// `table` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Trust a ref's existing history up to a commit (adopting pushgate on
    /// a repository with unsigned, pre-policy history): recorded in the
    /// audit log as a `baseline` by --by, then the ref is set; later pushes
    /// are judged from that commit, and `audit reconcile` stays clean.
    Baseline {
        /// The repository (default: .). The commits must be in it already
        /// (git fetch, or a push to a ref no rule protects).
        #[arg(long, default_value = ".")]
        repo: PathBuf,
        /// Config naming the audit log (default: the repository's).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Who sets the baseline, as the audit record names it (default:
        /// $USER).
        #[arg(long)]
        by: Option<String>,
        /// Move a ref that exists and names another commit (its old value
        /// is recorded).
        #[arg(long)]
        force: bool,
        /// `table` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
        /// REF=COMMIT, e.g. refs/heads/main=FETCH_HEAD (any revision git
        /// understands).
        #[arg(required = true, value_name = "REF=COMMIT")]
        refs: Vec<String>,
    },
    /// Entry points that git runs; installed by `pushgate install`.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Make the server's decision on a local clone (for CI and pre-push).
    Check(CheckArgs),
    /// How installed hook files run pushgate: `#!/path/to/pushgate hook-file`
    /// makes the kernel call `pushgate hook-file <hook path> <git's args>`.
    #[command(hide = true)]
    HookFile {
        path: PathBuf,
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Validate manifests and run manifest-level policies on files (conftest-style).
    Validate(ValidateArgs),
    /// Rego policy tools.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Check a config before it goes live.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Query and verify the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Downstream apply.
    #[command(subcommand)]
    Apply(ApplyCommand),
    /// Run a throwaway server with the example config and watch it decide.
    Demo,
    /// Print a shell completion script: `pushgate completions bash >
    /// /etc/bash_completion.d/pushgate` (zsh: into a directory on $fpath as
    /// `_pushgate`; fish: ~/.config/fish/completions/pushgate.fish).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (pushgate.1 and one per command) into DIR,
    /// or pushgate.1 to standard output; for packagers.
    Man {
        /// Directory to write the pages into.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// `check`'s arguments: one ref update, decided as the server would.
#[derive(clap::Args)]
#[command(
    override_usage = "pushgate check [OPTIONS] <OLD> <NEW> <REF>\n       pushgate check [OPTIONS] --against <BASE> <NEW> <REF>"
)]
#[command(
    after_help = "With --against BASE, give only NEW and REF: OLD is the merge base of BASE and NEW, so a branch that is behind main is judged by what it adds, not as a force push."
)]
pub(crate) struct CheckArgs {
    /// Repository to read (default: the current directory).
    #[arg(long, default_value = ".")]
    pub(crate) repo: PathBuf,
    /// The server's config (default: `pushgate.config` from the
    /// repository's git config, else `pushgate.yaml` at the top of the work
    /// tree). `pushgate config export` on the server writes one.
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// A push option to pass to policies, as `git push -o` would.
    #[arg(long = "push-option", short = 'o')]
    pub(crate) push_options: Vec<String>,
    /// Decide as if NAME pushed (what `pusher_env` would say on the
    /// server); default: from the environment, as the hooks read it.
    #[arg(long, value_name = "NAME")]
    pub(crate) pusher: Option<String>,
    /// `text` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Trust the history the server already has as this remote's
    /// remote-tracking refs show it (`refs/remotes/REMOTE/*`, read as
    /// the server's branches). Without it no local ref vouches for
    /// anything: every commit the update brings is checked.
    #[arg(long, value_name = "REMOTE")]
    pub(crate) server_refs: Option<String>,
    /// Take OLD as the merge base of BASE (e.g. origin/main) and NEW.
    #[arg(long, value_name = "BASE")]
    pub(crate) against: Option<String>,
    /// OLD NEW REF: the old value of the ref (a revision, or the zero id
    /// for a new ref), the new one (a revision, or the zero id for a
    /// deletion), and the full ref name (e.g. refs/heads/main). With
    /// --against: NEW REF.
    #[arg(value_names = ["OLD", "NEW", "REF"], num_args = 2..=3, required = true)]
    pub(crate) update: Vec<String>,
}

/// `validate`'s flags: conftest's names, values and exit codes.
#[derive(clap::Args)]
pub(crate) struct ValidateArgs {
    /// Take manifest globs (and, without -p, policy sets and their data) from this config.
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// Policy directory or file; only `.rego` files are read (default: ./policy, or the config's sets).
    #[arg(long = "policy", short = 'p')]
    pub(crate) policies: Vec<PathBuf>,
    /// Data directory or file (JSON/YAML), merged into `data` under its directory's path.
    #[arg(long = "data", short = 'd')]
    pub(crate) data: Vec<PathBuf>,
    /// Namespace (package) whose rules run (default: main, or the config's).
    #[arg(long = "namespace", short = 'n')]
    pub(crate) namespaces: Vec<String>,
    /// Run the rules of every package.
    #[arg(long)]
    pub(crate) all_namespaces: bool,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub(crate) fail_on_warn: bool,
    /// Evaluate once over all documents: `input` is the array of `{path, contents}`.
    #[arg(long)]
    pub(crate) combine: bool,
    /// Skip files whose path matches this regular expression.
    #[arg(long)]
    pub(crate) ignore: Option<String>,
    /// Rego syntax of the policies: v1, v0, or auto (v1, else v0, per file).
    #[arg(long, value_enum, default_value_t = crate::policy::RegoVersion::Auto)]
    pub(crate) rego_version: crate::policy::RegoVersion,
    /// Read every file as this format (conftest's --parser); default: by
    /// extension (`.toml` is TOML; `.tf`/`.hcl` are refused: HCL2 is not
    /// supported yet).
    #[arg(long, value_enum)]
    pub(crate) parser: Option<crate::validate::Parser>,
    /// How findings are printed: text for people; json, junit, github (workflow commands), tap, table, sarif for tools (conftest's names).
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Text)]
    pub(crate) output: Output,
    /// Files or directories; `-` reads documents from standard input
    /// (`kubectl kustomize overlays/prod | pushgate validate -`).
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum HookCommand {
    /// git's pre-receive hook: `<old> <new> <ref>` lines on stdin.
    PreReceive,
    /// git's pre-push hook, in a clone (`install --client`): the remote's
    /// name and URL, `<local ref> <local oid> <remote ref> <remote oid>`
    /// lines on stdin.
    PrePush {
        /// The remote's name (or its URL when none is configured).
        remote: String,
        /// The remote's URL.
        url: String,
    },
    /// git's update hook: one ref.
    Update {
        /// The ref being updated.
        #[arg(value_name = "REF")]
        refname: String,
        /// Its old value (zeros: created).
        old: String,
        /// Its new value (zeros: deleted).
        new: String,
    },
    /// git's post-receive hook: runs after the refs moved.
    PostReceive,
}

#[derive(clap::Args)]
pub(crate) struct AuditSource {
    /// Repository whose config names the audit database (default: .).
    #[arg(long, conflicts_with = "config")]
    pub(crate) repo: Option<PathBuf>,
    /// Config file naming the audit database.
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
}

impl AuditSource {
    /// `--config`, else the config the repository's hooks use.
    pub(crate) fn config_path(&self) -> Result<PathBuf> {
        match (&self.config, &self.repo) {
            (Some(c), _) => Ok(c.clone()),
            (None, repo) => {
                Ok(Repo::open(repo.as_deref().unwrap_or(Path::new(".")))?.config_path())
            }
        }
    }
}

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
    /// Decisions, newest first.
    List {
        #[command(flatten)]
        source: AuditSource,
        /// Decisions about this ref (full name, e.g. refs/heads/main).
        #[arg(long = "ref")]
        refname: Option<String>,
        /// Decisions of this pusher (as `pusher_env` named them); `unknown`
        /// also finds the updates recorded without an identity.
        #[arg(long)]
        pusher: Option<String>,
        /// Decisions whose commits were signed by this name from `keys:`.
        #[arg(long)]
        signer: Option<String>,
        /// Only accepted, or only rejected, decisions.
        #[arg(long, value_parser = ["accepted", "rejected"])]
        decision: Option<String>,
        /// Decisions about refs of this environment (`refs[].environment`).
        #[arg(long)]
        environment: Option<String>,
        /// Decisions whose update brought this commit (full id).
        #[arg(long)]
        commit: Option<String>,
        /// Decisions at or after this time: RFC 3339 or YYYY-MM-DD (UTC).
        #[arg(long)]
        since: Option<String>,
        /// Decisions before this time: RFC 3339 or YYYY-MM-DD (UTC).
        #[arg(long)]
        until: Option<String>,
        /// At most this many decisions, newest first.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// `table` for people, `json` (an array of records) for scripts.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// One decision, whole.
    Show {
        /// The decision's id, as `audit list` shows it.
        id: i64,
        #[command(flatten)]
        source: AuditSource,
        /// `table` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Check the hash chain; exit 1 naming the first bad record.
    Verify {
        #[command(flatten)]
        source: AuditSource,
    },
    /// Write every entry of the log, in order, as JSON lines (stdout): to
    /// move it to another engine with `import`, or to archive it.
    Export {
        #[command(flatten)]
        source: AuditSource,
    },
    /// Append exported entries (a file, or - for stdin) to this config's
    /// log, which they must continue (in practice: an empty log). Each entry
    /// is checked against the chain as it goes in.
    Import {
        /// The export (JSON lines), or - for standard input.
        file: PathBuf,
        #[command(flatten)]
        source: AuditSource,
    },
    /// Compare the repository's refs with the log: list refs moved past the
    /// gate (exit 1), and mark landed the accepted updates whose
    /// post-receive never ran.
    Reconcile {
        /// The repository whose refs are checked (default: .).
        #[arg(long)]
        repo: Option<PathBuf>,
        /// Config naming the audit database (default: the repository's).
        #[arg(long)]
        config: Option<PathBuf>,
        /// `table` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
}

#[derive(Subcommand)]
pub(crate) enum ConfigCommand {
    /// Load everything the hooks would — the config, every key file, every
    /// policy set compiled for each of its namespaces, the audit log opened
    /// for writing — and say what is broken (exit 2) or that it all loads.
    /// Run it on a new config or policy directory before switching the live
    /// one to it.
    Check {
        #[command(flatten)]
        source: AuditSource,
    },
    /// Write the config with every key, policy and data file it names into
    /// a new directory, paths made relative and the server-only sections
    /// (audit, apply) left out: what CI runs `pushgate check --config
    /// DIR/pushgate.yaml` with.
    Export {
        #[command(flatten)]
        source: AuditSource,
        /// The directory to create (it must not exist, or be empty).
        #[arg(long, short = 'o', value_name = "DIR")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum ApplyCommand {
    /// (Re-)run the apply of a recorded, landed update, e.g. after fixing
    /// the cluster; the outcome is recorded like the first run's.
    Run {
        /// The decision's id (`pushgate audit list`).
        id: i64,
        #[command(flatten)]
        source: AuditSource,
        /// Write output to this log file instead of the terminal (how the
        /// post-receive hook runs background applies).
        #[arg(long, hide = true)]
        log: Option<PathBuf>,
    },
    /// Show the output of a decision's newest apply (kept in its audit
    /// record: the first 64 KiB; background applies also have a log file).
    Log {
        /// The decision's id (`pushgate audit list`).
        id: i64,
        #[command(flatten)]
        source: AuditSource,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum TableFormat {
    Table,
    Json,
}

#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// Run the `test_*` rules of Rego files (like `opa test`, `conftest verify`).
    Test {
        /// Data directory or file, merged into `data`.
        #[arg(long = "data", short = 'd')]
        data: Vec<PathBuf>,
        /// Only the tests whose full name (`data.pkg.test_x`) matches this regular expression.
        #[arg(long)]
        run: Option<String>,
        /// Policy directories or files (default: ./policy).
        dirs: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Output {
    Text,
    Json,
    Junit,
    Github,
    Tap,
    Table,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// `install --forge`: who runs the repository's hooks.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ForgeArg {
    /// What an earlier install recorded, else detected.
    Auto,
    Plain,
    Gitolite,
    Gitea,
    /// Forgejo lays hooks out as Gitea does.
    Forgejo,
    Gitlab,
}

impl ForgeArg {
    /// `None` for `auto`.
    pub(crate) fn forge(self) -> Option<crate::install::Forge> {
        use crate::install::Forge;
        match self {
            ForgeArg::Auto => None,
            ForgeArg::Plain => Some(Forge::Plain),
            ForgeArg::Gitolite => Some(Forge::Gitolite),
            ForgeArg::Gitea | ForgeArg::Forgejo => Some(Forge::Gitea),
            ForgeArg::Gitlab => Some(Forge::Gitlab),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command and every flag or argument a user can see says what
    /// it is for in `--help` (and so in the man page and completions).
    #[test]
    fn every_visible_command_and_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, blank: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if arg.is_hide_set() || id == "help" || id == "version" {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    blank.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.is_hide_set() || sub.get_name() == "help" {
                    continue;
                }
                let name = format!("{path} {}", sub.get_name());
                if sub.get_about().is_none() {
                    blank.push(name.clone());
                }
                walk(sub, &name, blank);
            }
        }
        let cmd = super::Cli::command();
        cmd.clone().debug_assert();
        let mut blank = Vec::new();
        walk(&cmd, "pushgate", &mut blank);
        assert!(blank.is_empty(), "no help text: {blank:#?}");
    }
}
