//! The command line's shape: the subcommands and global flags, as clap
//! types; a command's own flags are in its file under `commands/`.
//! Nothing here runs anything.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands::{
    ApplyCommand, ApprovalsArgs, ApproveArgs, AuditCommand, CheckArgs, ConfigCommand, EnvCommand,
    ExceptionsCommand, ForgeArg, PolicyCommand, ReportCommand, RollbackArgs, TableFormat,
    ValidateArgs,
};

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
    /// On a clone: approve a commit for a ref (a signed tag, pushed to
    /// refs/approvals/<commit>/...).
    Approve(ApproveArgs),
    /// The approvals a commit has, and what a ref update to it still needs.
    Approvals(ApprovalsArgs),
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
    /// Environments: what runs where, and what ran before (from the log).
    #[command(subcommand)]
    Env(EnvCommand),
    /// On the server: re-apply an environment's last good tree, recorded;
    /// never moves a ref.
    Rollback(RollbackArgs),
    /// Reports from the audit log (DORA metrics, rule rollout).
    #[command(subcommand)]
    Report(ReportCommand),
    /// The exceptions file: what is exempted, by whom, until when.
    #[command(subcommand)]
    Exceptions(ExceptionsCommand),
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
