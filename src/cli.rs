//! The command line: clap types, and a thin dispatch into the modules that
//! do the work. Command code below never formats findings itself; it hands
//! decisions to `report`.
//!
//! Exit codes, for every command: 0 accepted/success, 1 rejected/violations,
//! 2 usage or configuration error (and any failure to evaluate: fail closed).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::gate::{self, Decision, Gate, Push};
use crate::git::Repo;
use crate::install;
use crate::protocol::{self, RefUpdate};
use crate::report::{self, Atomicity};

#[derive(Parser)]
#[command(
    name = "pushgate",
    version,
    about = "Server-side Git policy gate for GitOps repositories"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install the hooks into a bare repository (or every one under --all DIR).
    Install {
        /// The bare repository to guard.
        #[arg(required_unless_present_any = ["all", "template"], conflicts_with_all = ["all", "template"])]
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
        #[arg(long, value_parser = ["auto", "plain", "gitolite", "gitea", "forgejo", "gitlab"], default_value = "auto")]
        forge: String,
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
    },
    /// Say, for one bare repository or every one under DIR, whether it is
    /// really guarded, and how to fix what is not (exit 1 if any is not).
    Doctor {
        /// A bare repository, or a directory holding some (default: .).
        dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Entry points that git runs; installed by `pushgate install`.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Make the server's decision on a local clone (for CI and pre-push).
    Check {
        /// Repository to read (default: the current directory).
        #[arg(long, default_value = ".")]
        repo: PathBuf,
        #[arg(long)]
        config: Option<PathBuf>,
        /// A push option to pass to policies, as `git push -o` would.
        #[arg(long = "push-option", short = 'o')]
        push_options: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Trust the history the server already has as this remote's
        /// remote-tracking refs show it (`refs/remotes/REMOTE/*`, read as
        /// the server's branches). Without it no local ref vouches for
        /// anything: every commit the update brings is checked.
        #[arg(long, value_name = "REMOTE")]
        server_refs: Option<String>,
        /// Old value of the ref (a revision, or the zero id for a new ref).
        old: String,
        /// New value of the ref (a revision, or the zero id for a deletion).
        new: String,
        /// Full ref name, e.g. refs/heads/main.
        #[arg(value_name = "REF")]
        refname: String,
    },
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
    /// Query and verify the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Downstream apply.
    #[command(subcommand)]
    Apply(ApplyCommand),
    /// Run a throwaway server with the example config and watch it decide.
    Demo,
}

/// `validate`'s flags: conftest's names, values and exit codes.
#[derive(clap::Args)]
struct ValidateArgs {
    /// Take manifest globs (and, without -p, policy sets and their data) from this config.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Policy directory or file; only `.rego` files are read (default: ./policy, or the config's sets).
    #[arg(long = "policy", short = 'p')]
    policies: Vec<PathBuf>,
    /// Data directory or file (JSON/YAML), merged into `data` under its directory's path.
    #[arg(long = "data", short = 'd')]
    data: Vec<PathBuf>,
    /// Namespace (package) whose rules run (default: main, or the config's).
    #[arg(long = "namespace", short = 'n')]
    namespaces: Vec<String>,
    /// Run the rules of every package.
    #[arg(long)]
    all_namespaces: bool,
    /// Exit 1 on warnings too.
    #[arg(long)]
    fail_on_warn: bool,
    /// Evaluate once over all documents: `input` is the array of `{path, contents}`.
    #[arg(long)]
    combine: bool,
    /// Skip files whose path matches this regular expression.
    #[arg(long)]
    ignore: Option<String>,
    /// Rego syntax of the policies: v1, v0, or auto (v1, else v0, per file).
    #[arg(long, value_enum, default_value_t = crate::policy::RegoVersion::Auto)]
    rego_version: crate::policy::RegoVersion,
    /// Read every file as this format (conftest's --parser); default: by
    /// extension (`.toml` is TOML; `.tf`/`.hcl` are refused: HCL2 is not
    /// supported yet).
    #[arg(long, value_enum)]
    parser: Option<crate::validate::Parser>,
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Text)]
    output: Output,
    /// Files or directories.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum HookCommand {
    /// git's pre-receive hook: `<old> <new> <ref>` lines on stdin.
    PreReceive,
    /// git's update hook: one ref.
    Update {
        #[arg(value_name = "REF")]
        refname: String,
        old: String,
        new: String,
    },
    /// git's post-receive hook: runs after the refs moved.
    PostReceive,
}

#[derive(clap::Args)]
struct AuditSource {
    /// Repository whose config names the audit database (default: .).
    #[arg(long, conflicts_with = "config")]
    repo: Option<PathBuf>,
    /// Config file naming the audit database.
    #[arg(long)]
    config: Option<PathBuf>,
}

impl AuditSource {
    /// `--config`, else the config the repository's hooks use.
    fn config_path(&self) -> Result<PathBuf> {
        match (&self.config, &self.repo) {
            (Some(c), _) => Ok(c.clone()),
            (None, repo) => {
                Ok(Repo::open(repo.as_deref().unwrap_or(Path::new(".")))?.config_path())
            }
        }
    }
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Decisions, newest first.
    List {
        #[command(flatten)]
        source: AuditSource,
        #[arg(long = "ref")]
        refname: Option<String>,
        #[arg(long)]
        pusher: Option<String>,
        /// Decisions whose commits were signed by this name from `keys:`.
        #[arg(long)]
        signer: Option<String>,
        #[arg(long, value_parser = ["accepted", "rejected"])]
        decision: Option<String>,
        #[arg(long)]
        environment: Option<String>,
        /// Decisions whose update brought this commit (full id).
        #[arg(long)]
        commit: Option<String>,
        /// RFC 3339 or YYYY-MM-DD (UTC).
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        until: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// One decision, whole.
    Show {
        id: i64,
        #[command(flatten)]
        source: AuditSource,
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
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
}

#[derive(Subcommand)]
enum ApplyCommand {
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
}

#[derive(Clone, Copy, ValueEnum)]
enum TableFormat {
    Table,
    Json,
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Run the `test_*` rules of Rego files (like `opa test`, `conftest verify`).
    Test {
        /// Data directory or file, merged into `data`.
        #[arg(long = "data", short = 'd')]
        data: Vec<PathBuf>,
        /// Only the tests whose full name (`data.pkg.test_x`) matches this regular expression.
        #[arg(long)]
        run: Option<String>,
        /// Also print each test's `print()` output and time.
        #[arg(long, short = 'v')]
        verbose: bool,
        /// Policy directories or files (default: ./policy).
        dirs: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    Text,
    Json,
    Junit,
    Github,
    Tap,
    Table,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// `eprintln!` that never panics: a hook's stderr is the pusher's
/// connection, which may be gone, and the hook must still finish its audit
/// write and apply.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// `eprint!` that never panics (see `say!`).
macro_rules! say_raw {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}

pub fn main() -> ExitCode {
    crate::git::limit_object_cache();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // A closed stdout (`pushgate audit list | head`) ends an operator's
    // command quietly, as it ends `cat` or `git log`: Rust ignores SIGPIPE,
    // and `print!` then panics. Hooks and `apply run` keep ignoring it: a
    // pusher who hangs up must not stop a hook between its audit write and
    // its apply, and they never print to stdout anyway.
    if !matches!(
        cli.command,
        Command::Hook(_) | Command::HookFile { .. } | Command::Apply(_)
    ) {
        default_sigpipe();
    }
    match cli.command {
        Command::Install {
            bare_repo,
            config,
            hooks,
            forge,
            force,
            all,
            template,
        } => cmd_install(
            bare_repo,
            config,
            hooks.as_deref(),
            &forge,
            force,
            all,
            template,
        ),
        Command::Doctor { dir, format } => cmd_doctor(dir, format),
        Command::Hook(HookCommand::PreReceive) => hook_pre_receive(),
        Command::Hook(HookCommand::Update { refname, old, new }) => {
            hook_update(&refname, &old, &new)
        }
        Command::Hook(HookCommand::PostReceive) => hook_post_receive(),
        Command::Check {
            repo,
            config,
            push_options,
            format,
            server_refs,
            old,
            new,
            refname,
        } => cmd_check(
            &repo,
            config.as_deref(),
            push_options,
            format,
            server_refs.as_deref(),
            &old,
            &new,
            &refname,
        ),
        Command::HookFile { path, args } => hook_file(&path, &args),
        Command::Validate(args) => cmd_validate(args),
        Command::Policy(PolicyCommand::Test {
            data,
            run,
            verbose,
            dirs,
        }) => cmd_policy_test(data, run, verbose, dirs),
        Command::Audit(cmd) => cmd_audit(cmd),
        Command::Apply(ApplyCommand::Run { id, source, log }) => cmd_apply_run(id, &source, log),
        Command::Demo => crate::demo::run(),
    }
}

fn default_sigpipe() {
    // SAFETY: restores the default disposition of one signal before any
    // thread is started; no handler runs Rust code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}

fn print_error(prefix: &str, err: &anyhow::Error) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{prefix}");
    for line in format!("{err:#}").lines() {
        let _ = writeln!(e, "  error: {line}");
    }
}

fn cmd_install(
    bare_repo: Option<PathBuf>,
    config: Option<PathBuf>,
    hooks: Option<&str>,
    forge: &str,
    force: bool,
    all: Option<PathBuf>,
    template: Option<PathBuf>,
) -> ExitCode {
    let run = || -> Result<()> {
        let hooks = hooks.map(install::parse_hooks).transpose()?;
        let exe = std::env::current_exe().context("finding the pushgate binary")?;
        let opts = install::Options {
            config,
            hooks,
            forge: install::Forge::parse(forge),
            force,
        };
        if let Some(dir) = &template {
            for d in install::install_template(dir, &opts, &exe)? {
                println!("  {d}");
            }
            println!(
                "{}: template written; guard new repositories with: git config --system init.templateDir {}",
                dir.display(),
                dir.display()
            );
            return Ok(());
        }
        let repos = match (&bare_repo, &all) {
            (Some(r), _) => vec![r.clone()],
            (None, Some(dir)) => {
                let found = install::find_bare_repos(dir)?;
                if found.is_empty() {
                    bail!("no bare repository under {}", dir.display());
                }
                found
            }
            (None, None) => bail!("name a bare repository, or --all DIR"),
        };
        let mut failed = 0;
        for r in &repos {
            match install::install(r, &opts, &exe) {
                Ok(did) => {
                    println!("{}: guarded by pushgate", r.display());
                    for d in did {
                        println!("  {d}");
                    }
                }
                Err(e) => {
                    failed += 1;
                    print_error(&format!("{}: not installed", r.display()), &e);
                }
            }
        }
        if failed > 0 {
            bail!(
                "{failed} of {} repositories were not installed",
                repos.len()
            );
        }
        Ok(())
    };
    match run() {
        Ok(()) => exit(0),
        Err(e) => {
            print_error("pushgate install failed", &e);
            exit(2)
        }
    }
}

fn cmd_doctor(dir: Option<PathBuf>, format: TableFormat) -> ExitCode {
    let run = || -> Result<u8> {
        let dir = dir.unwrap_or_else(|| PathBuf::from("."));
        let repos = install::find_bare_repos(&dir)?;
        if repos.is_empty() {
            bail!("no bare repository at or under {}", dir.display());
        }
        let reports: Vec<crate::doctor::Report> = repos
            .iter()
            .map(|r| crate::doctor::examine(r, env!("CARGO_PKG_VERSION")))
            .collect();
        match format {
            TableFormat::Json => println!("{}", serde_json::to_string_pretty(&reports)?),
            TableFormat::Table => print!("{}", report::doctor(&reports)),
        }
        Ok(u8::from(reports.iter().any(|r| !r.guarded)))
    };
    match run() {
        Ok(code) => exit(code),
        Err(e) => {
            print_error("pushgate doctor: could not run", &e);
            exit(2)
        }
    }
}

/// Loads what a hook needs. Any failure here rejects the push.
fn hook_context() -> Result<(Repo, Gate)> {
    let repo = Repo::open_for_hook()?;
    let gate = Gate::load(&repo.config_path())?;
    Ok((repo, gate))
}

fn push_for(config: &Config, updates: Vec<RefUpdate>, push_options: Vec<String>) -> Push {
    Push {
        pusher: protocol::pusher_from_env(&config.pusher_env),
        push_options,
        updates,
    }
}

fn finish_hook(result: Result<Decision>, atomicity: Atomicity) -> ExitCode {
    match result {
        Ok(decision) => {
            // GitLab shows hook output in its UI only on lines that start
            // with GL-HOOK-ERR: (merges, web edits); git clients see all.
            if std::env::var_os("GL_ID").is_some() && !decision.accepted() {
                say_raw!("{}", report::gitlab_summary(&decision));
            }
            say_raw!(
                "{}",
                report::terminal_safe(&report::text(&decision, atomicity))
            );
            exit(if decision.accepted() { 0 } else { 1 })
        }
        Err(e) => {
            print_error(
                "pushgate: push rejected: the gate could not decide, so nothing was accepted",
                &e,
            );
            say!("  fix: if this names the config, a key or a policy, an operator must correct it; otherwise report it with the lines above");
            exit(2)
        }
    }
}

fn hook_pre_receive() -> ExitCode {
    let result = (|| {
        let (repo, gate) = hook_context()?;
        let limits = &gate.config.limits;
        let updates = protocol::read_updates(std::io::stdin().lock(), limits)?;
        let options = protocol::push_options_from_env(limits.max_push_options)?;
        let push = push_for(&gate.config, updates, options);
        let audit = gate.config.audit.clone();
        start_watchdog(&repo, &gate, &push, audit, Atomicity::AllOrNothing);
        let decision = gate::decide_or_reject(&repo, &gate, &push);
        claim_or_wait();
        audit_record(&gate, &decision, true)?;
        Ok(decision)
    })();
    finish_hook(result, Atomicity::AllOrNothing)
}

fn hook_update(refname: &str, old: &str, new: &str) -> ExitCode {
    let result = (|| {
        let (repo, gate) = hook_context()?;
        let limits = &gate.config.limits;
        let update = RefUpdate::parse(old, new, refname, limits.max_ref_name_bytes)?;
        let options = protocol::push_options_from_env(limits.max_push_options)?;
        let push = push_for(&gate.config, vec![update], options);
        // With pushgate's pre-receive installed, that hook records the
        // push; without it (`--hooks update,post-receive`), this one does.
        let records = !installed_hooks(&repo).iter().any(|h| h == "pre-receive");
        let audit = gate.config.audit.clone().filter(|_| records);
        start_watchdog(&repo, &gate, &push, audit, Atomicity::PerRef);
        let decision = gate::decide_or_reject(&repo, &gate, &push);
        claim_or_wait();
        if records {
            audit_record(&gate, &decision, false)?;
        }
        Ok(decision)
    })();
    finish_hook(result, Atomicity::PerRef)
}

/// The hooks `install` wrote (`pushgate.hooks`); the default set when the
/// key is missing (installs older than the key).
fn installed_hooks(repo: &Repo) -> Vec<String> {
    let listed = repo
        .git
        .config()
        .and_then(|c| c.get_string("pushgate.hooks"))
        .unwrap_or_else(|_| "pre-receive,post-receive".into());
    listed.split(',').map(|h| h.trim().to_owned()).collect()
}

/// Who answers git: the hook's own thread (`MAIN`) or its watchdog.
static ANSWER: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(UNCLAIMED);
const UNCLAIMED: u8 = 0;
const MAIN: u8 = 1;
const WATCHDOG: u8 = 2;

/// The decision checks its time budget between units of work; this is the
/// backstop for a unit that never returns (a pathological diff, a stuck
/// read). Some seconds after `limits.timeout_seconds` it rejects the push
/// itself: records it (when `audit` names the log), tells the pusher, and
/// exits. Only one of it and the main thread records, whichever claims
/// first, so a push is never recorded twice.
fn start_watchdog(
    repo: &Repo,
    gate: &Gate,
    push: &gate::Push,
    audit: Option<crate::config::Audit>,
    atomicity: Atomicity,
) {
    const GRACE: std::time::Duration = std::time::Duration::from_secs(10);
    let seconds = gate.config.limits.timeout_seconds;
    let name = repo.name.clone();
    let push = push.clone();
    let spawned = std::thread::Builder::new()
        .name("pushgate-watchdog".into())
        .spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(seconds).saturating_add(GRACE));
            if !claim(WATCHDOG) {
                return;
            }
            let err = anyhow::Error::new(gate::TimedOut { seconds });
            let decision = Decision::rejected(&name, &push, gate::failure_finding(&err));
            if let Some(audit) = audit {
                let all_or_nothing = matches!(atomicity, Atomicity::AllOrNothing);
                let bodies = decision.audit_bodies(all_or_nothing, &audit.server);
                let recorded =
                    crate::audit::Store::open(&audit.target()).and_then(|mut s| s.record(&bodies));
                if let Err(e) = recorded {
                    print_error("pushgate: the timed-out push could not be recorded", &e);
                }
            }
            say_raw!(
                "{}",
                report::terminal_safe(&report::text(&decision, atomicity))
            );
            std::process::exit(1);
        });
    if let Err(e) = spawned {
        // Without the backstop the cooperative checks still bound the time.
        say!("pushgate: warning: no watchdog thread: {e}");
    }
}

/// Claims the answer for the main thread, or, if the watchdog already has
/// it, waits for the watchdog to finish and exit the process.
fn claim_or_wait() {
    if !claim(MAIN) {
        loop {
            std::thread::park();
        }
    }
}

/// Whether `who` is first to claim the answer.
fn claim(who: u8) -> bool {
    use std::sync::atomic::Ordering::SeqCst;
    ANSWER
        .compare_exchange(UNCLAIMED, who, SeqCst, SeqCst)
        .is_ok()
}

fn hook_file(path: &Path, args: &[String]) -> ExitCode {
    match (install::hook_name(path), args) {
        ("pre-receive", []) => hook_pre_receive(),
        ("post-receive", []) => hook_post_receive(),
        ("update", [refname, old, new]) => hook_update(refname, old, new),
        _ => {
            say!(
                "pushgate: push rejected: {} is not a hook pushgate knows how to run with {} arguments; rerun `pushgate install`",
                path.display(),
                args.len()
            );
            exit(2)
        }
    }
}

/// Records the decision when the config has an audit log. Failing to write
/// it fails the hook: an unrecorded push must not land.
fn audit_record(gate: &Gate, decision: &Decision, all_or_nothing: bool) -> Result<()> {
    let Some(audit) = &gate.config.audit else {
        return Ok(());
    };
    let mut store = crate::audit::Store::open(&audit.target())
        .context("the audit log cannot be written, so the push is not accepted")?;
    store
        .record(&decision.audit_bodies(all_or_nothing, &audit.server))
        .with_context(|| {
            format!(
                "writing to the audit log {}; the push is not accepted",
                audit.database
            )
        })?;
    Ok(())
}

fn hook_post_receive() -> ExitCode {
    // The refs have moved; nothing here may undo that. Record what landed,
    // run the applies, and report problems without failing the push.
    let result = (|| -> Result<()> {
        // Only the config: keys and policies played their part in
        // pre-receive, and a policy edited since must not stop the record.
        let repo = Repo::open_for_hook()?;
        let config = Config::load(&repo.config_path())?;
        let updates = protocol::read_updates(std::io::stdin().lock(), &config.limits)?;
        let Some(audit) = &config.audit else {
            return Ok(());
        };
        let mut store = crate::audit::Store::open(&audit.target())?;
        let mut jobs = Vec::new();
        for u in &updates {
            let Some(id) = store.mark_landed(&repo.name, &u.refname, &u.old, &u.new)? else {
                say!(
                    "pushgate: warning: {} landed but no accepted decision in the audit log explains it",
                    protocol::printable(&u.refname)
                );
                continue;
            };
            let environment =
                crate::protection::Effective::resolve(&config, &u.refname).environment;
            if let (Some(environment), false) = (environment, protocol::is_zero(&u.new)) {
                jobs.push(crate::apply::Job {
                    audit_id: id,
                    repository: repo.name.clone(),
                    refname: u.refname.clone(),
                    old: u.old.clone(),
                    new: u.new.clone(),
                    environment,
                    pusher: protocol::pusher_from_env(&config.pusher_env),
                });
            }
        }
        let Some(apply) = &config.apply else {
            return Ok(());
        };
        for job in &jobs {
            crate::apply::pending(&mut store, job)?;
        }
        for job in &jobs {
            let what = format!(
                "{} for {} (audit id {})",
                job.environment,
                protocol::printable(&job.refname),
                job.audit_id
            );
            if apply.mode == "background" {
                let log_dir = repo.git.path().join("pushgate-apply-logs");
                std::fs::create_dir_all(&log_dir)?;
                let log = log_dir.join(format!("{}.log", job.audit_id));
                spawn_background(&repo, &config, job.audit_id, &log)?;
                say!(
                    "pushgate: apply of {what} started in the background; log: {}",
                    log.display()
                );
            } else {
                say!("pushgate: applying {what}: {}", apply.command.join(" "));
                match crate::apply::run(&repo, apply, &mut store, job, crate::apply::Output::Stream)
                {
                    Ok("succeeded") => say!("pushgate: apply succeeded: {what}"),
                    Ok(status) => say!(
                        "pushgate: apply {status}: {what}; the push itself stands (re-run: pushgate apply run {})",
                        job.audit_id
                    ),
                    Err(e) => print_error(&format!("pushgate: apply failed to run ({what})"), &e),
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        print_error(
            "pushgate: post-receive could not record or apply what landed (the push itself stands)",
            &e,
        );
    }
    exit(0)
}

/// Starts `pushgate apply run ID --log FILE` detached: its own process
/// group, stdin/stdout/stderr not connected to git's pipes (otherwise the
/// pusher's `git push` would wait for it).
fn spawn_background(repo: &Repo, config: &Config, id: i64, log: &Path) -> Result<()> {
    use std::os::unix::process::CommandExt;
    let exe = std::env::current_exe().context("finding the pushgate binary")?;
    std::process::Command::new(exe)
        .arg("apply")
        .arg("run")
        .arg(id.to_string())
        .arg("--config")
        .arg(&config.path)
        .arg("--log")
        .arg(log)
        .env("PUSHGATE_APPLY_GIT_DIR", repo.git.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .context("starting the background apply")?;
    Ok(())
}

fn cmd_apply_run(id: i64, source: &AuditSource, log: Option<PathBuf>) -> ExitCode {
    let result = (|| -> Result<&'static str> {
        let config_path = source.config_path()?;
        let repo_dir = match (std::env::var_os("PUSHGATE_APPLY_GIT_DIR"), &source.repo) {
            (Some(d), _) => PathBuf::from(d),
            (None, Some(r)) => r.clone(),
            (None, None) => config_path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        };
        let repo = Repo::open(&repo_dir)?;
        let config = Config::load(&config_path)?;
        let (Some(audit), Some(apply)) = (&config.audit, &config.apply) else {
            bail!(
                "{} configures no `apply` (or no `audit`)",
                config_path.display()
            );
        };
        let mut store = crate::audit::Store::open(&audit.target())?;
        let record = store
            .show(id)?
            .with_context(|| format!("no decision with id {id}"))?;
        if !record.landed {
            bail!(
                "decision {id} did not land ({}), so there is nothing to apply",
                record.body.decision
            );
        }
        let job = crate::apply::Job::from_record(&record).with_context(|| {
            format!(
                "decision {id} ({}) maps to no environment",
                record.body.refname
            )
        })?;
        let out = match log {
            Some(l) => crate::apply::Output::Log(l),
            None => crate::apply::Output::Stream,
        };
        crate::apply::run(&repo, apply, &mut store, &job, out)
    })();
    match result {
        Ok("succeeded") => exit(0),
        Ok(status) => {
            say!("pushgate apply: {status}");
            exit(1)
        }
        Err(e) => {
            print_error("pushgate apply run: could not run", &e);
            exit(2)
        }
    }
}

fn resolve_rev(repo: &Repo, rev: &str) -> Result<String> {
    if protocol::is_zero(rev) && rev.len() >= 4 {
        return Ok("0".repeat(40));
    }
    let obj = repo.git.revparse_single(rev).with_context(|| {
        format!(
            "`{}` names no object in this repository",
            protocol::printable(rev)
        )
    })?;
    Ok(obj.id().to_string())
}

#[allow(clippy::too_many_arguments)]
fn cmd_check(
    repo_dir: &Path,
    config: Option<&Path>,
    push_options: Vec<String>,
    format: Format,
    server_refs: Option<&str>,
    old: &str,
    new: &str,
    refname: &str,
) -> ExitCode {
    let result = (|| {
        let repo = Repo::open(repo_dir)?;
        let config_path = config
            .map(Path::to_path_buf)
            .unwrap_or_else(|| repo.config_path());
        let gate = Gate::load(&config_path)?;
        let update = RefUpdate::parse(
            &resolve_rev(&repo, old)?,
            &resolve_rev(&repo, new)?,
            refname,
            gate.config.limits.max_ref_name_bytes,
        )?;
        let push = push_for(&gate.config, vec![update], push_options);
        // The server's decision trusts only the server's refs. A clone's own
        // branches prove nothing (a local `main` can hold anything), so only
        // a named remote's tracking refs stand in for them.
        let vouching: Vec<(String, git2::Oid)> = match server_refs {
            None => Vec::new(),
            Some(remote) => {
                let prefix = format!("refs/remotes/{remote}/");
                repo.refs()?
                    .into_iter()
                    .filter_map(|(name, id)| {
                        let branch = name.strip_prefix(&prefix)?;
                        (branch != "HEAD").then(|| (format!("refs/heads/{branch}"), id))
                    })
                    .collect()
            }
        };
        match server_refs {
            None => say!("pushgate check: no server refs given (--server-refs REMOTE): every commit the update brings is checked"),
            Some(remote) => say!(
                "pushgate check: history on the server, from {remote}'s tracking refs: {}",
                if vouching.is_empty() {
                    "none".to_owned()
                } else {
                    vouching.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
                }
            ),
        }
        gate::decide_with_refs(&repo, &gate, &push, &vouching)
    })();
    match result {
        Ok(decision) => {
            match format {
                Format::Text => print!(
                    "{}",
                    report::terminal_safe(&report::text(&decision, Atomicity::AllOrNothing))
                ),
                Format::Json => println!("{}", report::json(&decision)),
            }
            exit(if decision.accepted() { 0 } else { 1 })
        }
        Err(e) => {
            print_error("pushgate check: could not decide", &e);
            exit(2)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn cmd_validate(args: ValidateArgs) -> ExitCode {
    let ValidateArgs {
        config,
        mut policies,
        mut data,
        mut namespaces,
        all_namespaces,
        fail_on_warn,
        combine,
        ignore,
        rego_version,
        parser,
        output,
        paths,
    } = args;
    let run = || -> Result<crate::validate::Report> {
        let (manifests, limits) = match &config {
            Some(path) => {
                let c = Config::load(path)?;
                if policies.is_empty() {
                    for set in &c.policies {
                        policies.push(set.path.clone());
                        data.extend(set.data.iter().cloned());
                        if namespaces.is_empty() || !all_namespaces {
                            namespaces.extend(set.manifest_namespaces.iter().cloned());
                        }
                    }
                }
                (c.manifests.clone(), c.limits.clone())
            }
            None => Default::default(),
        };
        if policies.is_empty() {
            policies.push(PathBuf::from("policy"));
        }
        if namespaces.is_empty() {
            namespaces.push("main".into());
        }
        namespaces.dedup();
        let selector =
            crate::manifest::Selector::new(&manifests, &limits).context("manifest globs")?;
        let ignore = match ignore {
            Some(re) => Some(regex::Regex::new(&re).with_context(|| format!("--ignore {re:?}"))?),
            None => None,
        };
        let opts = crate::validate::Options {
            policies,
            data,
            namespaces,
            all_namespaces,
            fail_on_warn,
            combine,
            ignore,
            rego_version,
            selector,
            parser,
        };
        crate::validate::run(&paths, &opts)
    };
    match run() {
        Ok(report) => {
            for ns in &report.empty_namespaces {
                say!("WARN - namespace `{ns}` defines no deny, violation or warn rule; nothing in it ran");
            }
            let text = match output {
                Output::Text => crate::validate::text(&report),
                Output::Json => crate::validate::json(&report),
                Output::Junit => crate::validate::junit(&report),
                Output::Github => crate::validate::github(&report),
                Output::Tap => crate::validate::tap(&report),
                Output::Table => crate::validate::table(&report),
                Output::Sarif => crate::validate::sarif(&report),
            };
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            exit(if report.failed() { 1 } else { 0 })
        }
        Err(e) => {
            print_error("pushgate validate: could not run", &e);
            exit(2)
        }
    }
}

fn cmd_policy_test(
    data: Vec<PathBuf>,
    run: Option<String>,
    verbose: bool,
    mut dirs: Vec<PathBuf>,
) -> ExitCode {
    if dirs.is_empty() {
        dirs.push(PathBuf::from("policy"));
    }
    let filter = match run.as_deref().map(regex::Regex::new).transpose() {
        Ok(f) => f,
        Err(e) => {
            print_error(
                "pushgate policy test: --run is not a valid regular expression",
                &e.into(),
            );
            return exit(2);
        }
    };
    let bundle = match crate::policy::Bundle::load(&dirs, &data) {
        Ok(b) => b,
        Err(e) => {
            print_error("pushgate policy test: could not load the policies", &e);
            return exit(2);
        }
    };
    let mut results = bundle.run_tests(filter.as_ref());
    results.sort_by(|a, b| a.name.cmp(&b.name));
    let (mut passed, mut failed) = (0, 0);
    for t in &results {
        let name = &t.name;
        match &t.verdict {
            Ok(true) => {
                passed += 1;
                println!("PASS {name}");
            }
            Ok(false) => {
                failed += 1;
                println!("FAIL {name}");
            }
            Err(e) => {
                failed += 1;
                println!("ERROR {name}: {e}");
            }
        }
        if verbose {
            for p in &t.prints {
                println!("  print: {p}");
            }
            println!("  time: {:.3} ms", t.duration.as_secs_f64() * 1000.0);
        }
    }
    if results.is_empty() {
        println!(
            "no test_* rules{} found in {}",
            if run.is_some() { " matching --run" } else { "" },
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return exit(1);
    }
    println!("policy tests: {passed} passed, {failed} failed");
    exit(if failed > 0 { 1 } else { 0 })
}

fn audit_store(source: &AuditSource) -> Result<crate::audit::Store> {
    let config_path = source.config_path()?;
    let config = Config::load(&config_path)?;
    let audit = config.audit.as_ref().with_context(|| {
        format!(
            "{} has no `audit:` section, so nothing is recorded",
            config_path.display()
        )
    })?;
    crate::audit::Store::open(&audit.target())
}

/// `list` and `reconcile` select records through the query index; an
/// index that `verify` would flag (a row edited, a signer row deleted)
/// would silently hide records, so they read none until it is intact.
fn trust_index(store: &mut crate::audit::Store) -> Result<()> {
    if let crate::audit::Verification::Broken { id, why } = store.verify()? {
        bail!("the audit log fails verification at record {id}: {why}; its index cannot be trusted to find records (pushgate audit verify shows the same)");
    }
    Ok(())
}

fn cmd_audit(cmd: AuditCommand) -> ExitCode {
    use crate::audit::{Filter, Verification};
    let result = (|| -> Result<u8> {
        match cmd {
            AuditCommand::List {
                source,
                refname,
                pusher,
                signer,
                decision,
                environment,
                commit,
                since,
                until,
                limit,
                format,
            } => {
                let filter = Filter {
                    refname,
                    pusher,
                    signer,
                    decision,
                    environment,
                    commit,
                    since: since
                        .as_deref()
                        .map(crate::audit::normalize_time)
                        .transpose()?,
                    until: until
                        .as_deref()
                        .map(crate::audit::normalize_time)
                        .transpose()?,
                    limit,
                };
                let mut store = audit_store(&source)?;
                trust_index(&mut store)?;
                let records = store.list(&filter)?;
                match format {
                    TableFormat::Json => println!("{}", serde_json::to_string_pretty(&records)?),
                    TableFormat::Table => {
                        print!("{}", report::terminal_safe(&report::audit_table(&records)))
                    }
                }
                Ok(0)
            }
            AuditCommand::Show { id, source, format } => {
                let Some(record) = audit_store(&source)?.show(id)? else {
                    bail!("no decision with id {id}");
                };
                match format {
                    TableFormat::Json => println!("{}", serde_json::to_string_pretty(&record)?),
                    TableFormat::Table => {
                        print!("{}", report::terminal_safe(&report::audit_record(&record)))
                    }
                }
                Ok(0)
            }
            AuditCommand::Reconcile {
                repo,
                config,
                format,
            } => {
                let repo = Repo::open(repo.as_deref().unwrap_or(Path::new(".")))?;
                let source = AuditSource {
                    repo: None,
                    config: Some(config.unwrap_or_else(|| repo.config_path())),
                };
                let refs: Vec<(String, String)> = repo
                    .refs()?
                    .into_iter()
                    .map(|(n, id)| (n, id.to_string()))
                    .collect();
                let mut store = audit_store(&source)?;
                trust_index(&mut store)?;
                let found = store.reconcile(&repo.name, &refs)?;
                let drift = found
                    .iter()
                    .any(|r| matches!(r, crate::audit::Reconciled::Drift { .. }));
                match format {
                    TableFormat::Json => println!("{}", serde_json::to_string_pretty(&found)?),
                    TableFormat::Table => {
                        print!(
                            "{}",
                            report::terminal_safe(&report::reconciled(
                                &repo.name,
                                refs.len(),
                                &found
                            ))
                        )
                    }
                }
                Ok(u8::from(drift))
            }
            AuditCommand::Export { source } => {
                let mut store = audit_store(&source)?;
                let stdout = std::io::stdout();
                let mut out = std::io::BufWriter::new(stdout.lock());
                let n = store.export(&mut out)?;
                say!("exported {n} entries from {}", store.describe());
                Ok(0)
            }
            AuditCommand::Import { file, source } => {
                let mut store = audit_store(&source)?;
                let n = if file == Path::new("-") {
                    store.import(std::io::stdin().lock())?
                } else {
                    let f = std::fs::File::open(&file)
                        .with_context(|| format!("opening {}", file.display()))?;
                    store.import(std::io::BufReader::new(f))?
                };
                println!("imported {n} entries into {}", store.describe());
                Ok(0)
            }
            AuditCommand::Verify { source } => match audit_store(&source)?.verify()? {
                Verification::Intact { entries, head } => {
                    println!("audit log intact: {entries} entries, head {head}");
                    Ok(0)
                }
                Verification::Broken { id, why } => {
                    println!("audit log BROKEN at record {id}: {why}");
                    Ok(1)
                }
            },
        }
    })();
    match result {
        Ok(code) => exit(code),
        Err(e) => {
            print_error("pushgate audit: could not run", &e);
            exit(2)
        }
    }
}
