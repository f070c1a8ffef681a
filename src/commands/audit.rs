//! `pushgate audit`: list, show, verify and reconcile the tamper-evident log.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;

use super::{AuditSource, TableFormat};
use crate::config::Config;
use crate::exit::{print_error, Exit};
use crate::git::Repo;
use crate::report::{self};

// Parsed once per process; boxing clap's fields buys nothing.
#[allow(clippy::large_enum_variant)]
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
        /// Decisions whose new tip this name (from `keys:`) approved, the
        /// approval counting for the ref (docs/approvals.md).
        #[arg(long)]
        approver: Option<String>,
        /// Only accepted, only rejected, or only rollback decisions.
        #[arg(long, value_parser = ["accepted", "rejected", "rollback"])]
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
        /// Decisions where a rule in evaluate mode found something it will
        /// reject once enforced (docs/rollout.md).
        #[arg(long)]
        would_reject: bool,
        /// With --would-reject: only this rule's (a finding code).
        #[arg(long, requires = "would_reject")]
        rule: Option<String>,
        /// Decisions a break-glass was granted on.
        #[arg(long)]
        break_glass: bool,
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

/// The audit log a config names. A config broken elsewhere (the moment
/// an operator most needs the log) still opens its log, with a note.
pub(crate) fn audit_store(source: &AuditSource) -> Result<crate::audit::Store> {
    let config_path = source.config_path()?;
    let audit = match Config::load(&config_path) {
        Ok(config) => config.audit,
        Err(e) => match Config::audit_only(&config_path) {
            Some(audit) => {
                let first = e.to_string().lines().next().unwrap_or_default().to_owned();
                let more = match e.also.len() {
                    0 => String::new(),
                    n => format!(", and {n} more: `pushgate config check` lists them"),
                };
                note!("pushgate: the config does not load ({first}{more}); reading the audit log its `audit:` section names");
                Some(audit)
            }
            None => return Err(e.into()),
        },
    };
    let audit = audit.with_context(|| {
        format!(
            "{} has no `audit:` section, so nothing is recorded",
            config_path.display()
        )
    })?;
    crate::audit::Store::open(&crate::audit::Target::from(&audit))
}

/// `list` and `reconcile` select records through the query index; an
/// index that `verify` would flag (a row edited, a signer row deleted)
/// would silently hide records, so they read none until it is intact.
pub(crate) fn trust_index(store: &mut crate::audit::Store) -> Result<()> {
    if let crate::audit::Verification::Broken { id, why } = store.verify()? {
        bail!("the audit log fails verification at record {id}: {why}; its index cannot be trusted to find records (pushgate audit verify shows the same)");
    }
    Ok(())
}

pub(crate) fn cmd_audit(cmd: AuditCommand) -> ExitCode {
    use crate::audit::{Filter, Verification};
    let result = (|| -> Result<Exit> {
        match cmd {
            AuditCommand::List {
                source,
                refname,
                pusher,
                signer,
                approver,
                decision,
                environment,
                commit,
                since,
                until,
                would_reject,
                rule,
                break_glass,
                limit,
                format,
            } => {
                let filter = Filter {
                    would_reject,
                    rule,
                    break_glass,
                    refname,
                    pusher,
                    signer,
                    approver,
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
                Ok(Exit::Success)
            }
            AuditCommand::Show { id, source, format } => {
                let mut store = audit_store(&source)?;
                let record = match store.show(id)? {
                    Some(r) => r,
                    None => match store.entry(id)? {
                        Some((kind, Some(decision))) => {
                            note!("pushgate audit: entry {id} is the `{kind}` fact of decision {decision}; showing decision {decision}");
                            store.show(decision)?.with_context(|| format!("decision {decision} is missing (pushgate audit verify)"))?
                        }
                        _ => bail!("no decision with id {id}: ids are the numbers `pushgate audit list` shows (entry numbers of the chain, so they skip the facts between decisions)"),
                    },
                };
                match format {
                    TableFormat::Json => println!("{}", serde_json::to_string_pretty(&record)?),
                    TableFormat::Table => {
                        print!("{}", report::terminal_safe(&report::audit_record(&record)))
                    }
                }
                Ok(Exit::Success)
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
                Ok(Exit::accepted(!drift))
            }
            AuditCommand::Export { source } => {
                let mut store = audit_store(&source)?;
                let stdout = std::io::stdout();
                let mut out = std::io::BufWriter::new(stdout.lock());
                let n = store.export(&mut out)?;
                say!("exported {n} entries from {}", store.describe());
                Ok(Exit::Success)
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
                Ok(Exit::Success)
            }
            AuditCommand::Verify { source } => match audit_store(&source)?.verify()? {
                Verification::Intact { entries, head } => {
                    println!("audit log intact: {entries} entries, head {head}");
                    Ok(Exit::Success)
                }
                Verification::Broken { id, why } => {
                    println!("audit log BROKEN at record {id}: {why}");
                    Ok(Exit::Rejected)
                }
            },
        }
    })();
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            print_error("pushgate audit: could not run", &e);
            Exit::Error.into()
        }
    }
}
