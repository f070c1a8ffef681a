//! `pushgate env list|history`, `pushgate rollback` and `pushgate report
//! dora`: environments as the audit log's deployments index records them
//! (docs/environments.md). The decisions are `crate::environments`'; this
//! file reads the log, runs the apply for a rollback, and prints.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;

use super::audit::audit_store;
use super::{AuditSource, TableFormat};
use crate::audit::deployments::Deployment;
use crate::config::Config;
use crate::environments;
use crate::exit::{print_error, Exit};
use crate::protection::short;
use crate::protocol::printable;
use crate::report;

#[derive(Subcommand)]
pub(crate) enum EnvCommand {
    /// Every environment: what runs there, since when, who put it there,
    /// how its apply went, and whether its ref is ahead of it.
    List {
        #[command(flatten)]
        source: AuditSource,
        /// `table` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// One environment's deployments (and rollbacks), newest first.
    History {
        /// The environment (`refs[].environment`).
        environment: String,
        #[command(flatten)]
        source: AuditSource,
        /// At most this many.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// `table` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
}

#[derive(clap::Args)]
pub(crate) struct RollbackArgs {
    /// The environment to roll back.
    environment: String,
    /// The deployment to go back to (its audit id, from `env history`);
    /// default: the newest successful one before what runs now.
    #[arg(long, value_name = "AUDIT_ID")]
    to: Option<i64>,
    /// Why, as the audit record keeps it.
    #[arg(long)]
    reason: Option<String>,
    /// Who rolls back, as the audit record names them (default: $USER).
    #[arg(long = "as", value_name = "NAME")]
    operator: Option<String>,
    /// The repository on the server whose tree is applied (default: .).
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// Config naming the audit log and `apply:` (default: the repository's).
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum ReportCommand {
    /// The four DORA metrics per environment over a window, from the log.
    Dora {
        #[command(flatten)]
        source: AuditSource,
        /// Only this environment (default: every one with deployments).
        #[arg(long)]
        environment: Option<String>,
        /// Window start: RFC 3339 or YYYY-MM-DD (default: 30 days ago).
        #[arg(long)]
        since: Option<String>,
        /// Window end, exclusive (default: now).
        #[arg(long)]
        until: Option<String>,
        /// `table` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Per rule: updates a rule in evaluate mode would have rejected, and
    /// those an exception let through; break-glass grants (docs/rollout.md).
    Rollout {
        #[command(flatten)]
        source: AuditSource,
        /// Window start: RFC 3339 or YYYY-MM-DD (default: 30 days ago).
        #[arg(long)]
        since: Option<String>,
        /// Window end, exclusive (default: now).
        #[arg(long)]
        until: Option<String>,
        /// `table` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
}

/// The config, when it loads: which refs make each environment, and
/// whether anything is applied (else landed is enough).
fn config_of(source: &AuditSource) -> Option<Config> {
    Config::load(&source.config_path().ok()?).ok()
}

fn landed_is_enough(config: &Option<Config>) -> bool {
    config.as_ref().is_some_and(|c| c.apply.is_none())
}

fn finish(what: &str, result: Result<Exit>) -> ExitCode {
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            print_error(&format!("pushgate {what}: could not run"), &e);
            Exit::Error.into()
        }
    }
}

pub(crate) fn cmd_env(cmd: EnvCommand) -> ExitCode {
    let what = match &cmd {
        EnvCommand::List { .. } => "env list",
        EnvCommand::History { .. } => "env history",
    };
    finish(what, env(cmd))
}

fn env(cmd: EnvCommand) -> Result<Exit> {
    match cmd {
        EnvCommand::List { source, format } => {
            let config = config_of(&source);
            let enough = landed_is_enough(&config);
            let mut store = audit_store(&source)?;
            let mut names: std::collections::BTreeSet<String> =
                store.environments()?.into_iter().collect();
            if let Some(c) = &config {
                names.extend(c.refs.iter().filter_map(|r| r.environment.clone()));
            }
            let mut out = Vec::new();
            for name in names {
                let refs = config
                    .iter()
                    .flat_map(|c| &c.refs)
                    .filter(|r| r.environment.as_deref() == Some(name.as_str()))
                    .map(|r| r.pattern.clone())
                    .collect();
                let latest = store.deployments(&name, None, 1)?.pop();
                let deployed = store.latest_successful(&name, enough)?;
                out.push(environments::status(&name, refs, latest, deployed, enough));
            }
            match format {
                TableFormat::Json => println!("{}", serde_json::to_string_pretty(&out)?),
                TableFormat::Table => print!("{}", report::terminal_safe(&list_table(&out))),
            }
            Ok(Exit::Success)
        }
        EnvCommand::History {
            environment,
            source,
            limit,
            format,
        } => {
            let mut store = audit_store(&source)?;
            let rows = store.deployments(&environment, None, limit.min(1_000_000))?;
            if rows.is_empty() && !store.environments()?.contains(&environment) {
                note!("pushgate env history: nothing was ever deployed to `{environment}`");
            }
            let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
            let records = store.show_many(&ids)?;
            let entries: Vec<HistoryEntry> = rows
                .into_iter()
                .map(|d| {
                    let record = records.iter().find(|r| r.id == d.id);
                    HistoryEntry {
                        commits: record.map(|r| r.body.commits.clone()).unwrap_or_default(),
                        reason: record.and_then(|r| r.body.reason.clone()),
                        duration_ms: record
                            .and_then(|r| r.apply.as_ref())
                            .and_then(|a| a["duration_ms"].as_u64()),
                        deployment: d,
                    }
                })
                .collect();
            match format {
                TableFormat::Json => println!("{}", serde_json::to_string_pretty(&entries)?),
                TableFormat::Table => {
                    print!("{}", report::terminal_safe(&history_table(&entries)))
                }
            }
            Ok(Exit::Success)
        }
    }
}

#[derive(serde::Serialize)]
struct HistoryEntry {
    #[serde(flatten)]
    deployment: Deployment,
    commits: Vec<String>,
    duration_ms: Option<u64>,
    reason: Option<String>,
}

fn apply_cell(d: &Deployment, duration_ms: Option<u64>) -> String {
    let mut s = d.status.clone().unwrap_or_else(|| "-".into());
    if let Some(ms) = duration_ms {
        s.push_str(&format!(" {:.1}s", ms as f64 / 1000.0));
    }
    s
}

fn list_table(rows: &[environments::Status]) -> String {
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|s| {
            let d = s.deployed.as_ref();
            [
                printable(&s.environment),
                d.map(|d| short(&d.commit).to_owned())
                    .unwrap_or_else(|| "-".into()),
                d.map(|d| d.time.clone()).unwrap_or_else(|| "-".into()),
                d.and_then(|d| d.pusher.as_deref())
                    .map(printable)
                    .unwrap_or_else(|| "-".into()),
                d.map(|d| apply_cell(d, None)).unwrap_or_else(|| "-".into()),
                s.state.clone(),
                printable(&s.note),
            ]
        })
        .collect();
    report::table(
        [
            "ENVIRONMENT",
            "DEPLOYED",
            "SINCE",
            "BY",
            "APPLY",
            "STATE",
            "NOTE",
        ],
        &cells,
    )
}

fn history_table(rows: &[HistoryEntry]) -> String {
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|e| {
            let d = &e.deployment;
            let note = match (&d.rollback_to, &e.reason) {
                (Some(to), Some(r)) => format!("to #{to}: {r}"),
                (Some(to), None) => format!("to #{to}"),
                (None, _) => String::new(),
            };
            [
                d.id.to_string(),
                d.time.clone(),
                d.action.clone(),
                short(&d.commit).to_owned(),
                e.commits.len().to_string(),
                d.pusher
                    .as_deref()
                    .map(printable)
                    .unwrap_or_else(|| "-".into()),
                apply_cell(d, e.duration_ms),
                printable(&note),
            ]
        })
        .collect();
    report::table(
        [
            "ID", "TIME", "ACTION", "COMMIT", "COMMITS", "BY", "APPLY", "NOTE",
        ],
        &cells,
    )
}

pub(crate) fn cmd_rollback(args: RollbackArgs) -> ExitCode {
    finish("rollback", rollback(args))
}

fn rollback(args: RollbackArgs) -> Result<Exit> {
    let repo = crate::git::Repo::open(&args.repo)?;
    let config_path = args.config.clone().unwrap_or_else(|| repo.config_path());
    let config = Config::load(&config_path)?;
    let Some(apply) = &config.apply else {
        bail!(
            "{} has no `apply:`: a rollback re-runs apply.command on an earlier tree, and nothing is applied here",
            config_path.display()
        );
    };
    let audit = config
        .audit
        .as_ref()
        .context("the config names no audit log")?;
    let mut store = crate::audit::Store::open(&crate::audit::Target::from(audit))?;
    let rows = store.deployments(&args.environment, None, 10_000)?;
    if rows.is_empty() {
        bail!(
            "nothing was ever deployed to `{}` (`pushgate env list` names the environments)",
            args.environment
        );
    }
    let (current, target) = environments::rollback_target(&rows, args.to, false)
        .map_err(|why| anyhow::anyhow!("cannot roll back {}: {why}", args.environment))?;
    if target.repository != repo.name {
        bail!(
            "audit #{} was deployed from repository {}, not {}: run the rollback there (--repo)",
            target.id,
            target.repository,
            repo.name
        );
    }
    // Both ends must be here: the target is exported, the current one is
    // what the changed files are computed against (it may have come from
    // another repository sharing the log). Checked before anything is
    // recorded.
    let present = |id: &str| {
        git2::Oid::from_str(id)
            .ok()
            .is_some_and(|o| repo.git.find_commit(o).is_ok())
    };
    if !present(&target.commit) {
        bail!(
            "commit {} (audit #{}) is not in {}: run the rollback in the repository that deployed it",
            target.commit,
            target.id,
            repo.name
        );
    }
    let old = if present(&current.commit) {
        current.commit.clone()
    } else {
        "0".repeat(40)
    };
    let operator = args
        .operator
        .clone()
        .or_else(|| {
            crate::env::OPERATOR
                .iter()
                .find_map(|v| crate::env::get(v))
                .map(|v| v.to_string_lossy().into_owned())
        })
        .context("say who rolls back: --as NAME (or set $USER)")?;
    let body = crate::audit::DecisionBody {
        time: crate::audit::now_rfc3339(),
        repository: repo.name.clone(),
        pusher: Some(operator.clone()),
        refname: target.refname.clone(),
        old: current.commit.clone(),
        new: target.commit.clone(),
        action: "rollback".into(),
        environment: Some(args.environment.clone()),
        decision: "rollback".into(),
        violations: serde_json::json!([]),
        warnings: serde_json::json!([]),
        server: Some(audit.server.clone()),
        tree: target.tree.clone(),
        reason: args.reason.clone(),
        rollback_to: Some(target.id),
        ..Default::default()
    };
    let id = store
        .record(&[body])?
        .pop()
        .context("the rollback was not recorded")?;
    note!(
        "pushgate: rolling {} back from {} (audit #{}) to {} (audit #{}), recorded as audit #{id}",
        printable(&args.environment),
        short(&current.commit),
        current.id,
        short(&target.commit),
        target.id
    );
    let job = crate::apply::Job {
        audit_id: id,
        repository: repo.name.clone(),
        refname: target.refname.clone(),
        old,
        new: target.commit.clone(),
        environment: args.environment.clone(),
        pusher: Some(operator),
    };
    crate::apply::pending(&mut store, &job)?;
    let status = crate::apply::run(&repo, apply, &mut store, &job, crate::apply::Output::Stream)?;
    println!(
        "rolled back {} to {}: apply {status} (audit #{id})",
        printable(&args.environment),
        target.commit
    );
    println!(
        "Git still says {}: the next push that lands deploys normally. To make the rollback permanent, commit the old tree on top of the ref:",
        short(&current.commit)
    );
    let branch = target
        .refname
        .strip_prefix("refs/heads/")
        .unwrap_or(&target.refname);
    println!(
        "  git fetch origin && git checkout -B rollback origin/{branch} && git read-tree -u --reset {} && git commit -m 'Roll back {} to {}' && git push origin rollback:{}",
        target.commit,
        printable(&args.environment),
        short(&target.commit),
        target.refname
    );
    Ok(Exit::accepted(status == "succeeded"))
}

pub(crate) fn cmd_report(cmd: ReportCommand) -> ExitCode {
    match cmd {
        ReportCommand::Dora {
            source,
            environment,
            since,
            until,
            format,
        } => finish(
            "report dora",
            window(since, until).and_then(|w| report_dora(source, environment, w, format)),
        ),
        ReportCommand::Rollout {
            source,
            since,
            until,
            format,
        } => finish(
            "report rollout",
            window(since, until).and_then(|w| super::rollout::report_rollout(source, w, format)),
        ),
    }
}

/// `--since`/`--until` as the log stores times; 30 days up to now by default.
fn window(since: Option<String>, until: Option<String>) -> Result<(String, String)> {
    let until = match until {
        Some(u) => crate::audit::normalize_time(&u)?,
        // The window ends after this second: what was decided in it counts.
        None => {
            let now = crate::time::seconds_of(&crate::audit::now_rfc3339()).unwrap_or_default();
            crate::time::utc_of(now + 1)
        }
    };
    let since = match since {
        Some(s) => crate::audit::normalize_time(&s)?,
        None => {
            let end = crate::time::seconds_of(&until).unwrap_or_default();
            crate::time::utc_of(end - 30 * 86_400)
        }
    };
    match (
        crate::time::seconds_of(&since),
        crate::time::seconds_of(&until),
    ) {
        (Some(a), Some(b)) if a < b => {}
        (Some(_), Some(_)) => bail!("--since ({since}) is not before --until ({until})"),
        _ => bail!("the window {since} .. {until} is outside the dates pushgate can count"),
    }
    Ok((since, until))
}

fn report_dora(
    source: AuditSource,
    environment: Option<String>,
    (since, until): (String, String),
    format: TableFormat,
) -> Result<Exit> {
    let enough = landed_is_enough(&config_of(&source));
    let mut store = audit_store(&source)?;
    let names = match environment {
        Some(e) => {
            if !store.environments()?.contains(&e) {
                note!("pushgate report dora: nothing was ever deployed to `{e}`");
            }
            vec![e]
        }
        None => store.environments()?,
    };
    let mut out = Vec::new();
    for name in names {
        let rows = store.deployments_between(&name, &since, &until)?;
        out.push(environments::dora(&name, (&since, &until), &rows, enough));
    }
    match format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&out)?),
        TableFormat::Table => print!("{}", report::terminal_safe(&dora_table(&out))),
    }
    Ok(Exit::Success)
}

/// `3d 4h`, `2h 5m`, `4m 10s`, `12s`.
fn duration(seconds: Option<i64>) -> String {
    let Some(s) = seconds else { return "-".into() };
    let (d, h, m) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {}s", s % 60),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

fn dora_table(rows: &[environments::Dora]) -> String {
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|d| {
            [
                printable(&d.environment),
                format!("{}/{}", d.successful, d.deployments),
                format!("{:.2}/day {:.1}/week", d.per_day, d.per_week),
                format!(
                    "{} (p90 {})",
                    duration(d.lead_time_median_seconds),
                    duration(d.lead_time_p90_seconds)
                ),
                d.change_failure_rate
                    .map(|r| format!("{:.0}% ({}/{})", r * 100.0, d.failed, d.deployments))
                    .unwrap_or_else(|| "-".into()),
                duration(d.time_to_restore_median_seconds),
                d.unrestored.to_string(),
            ]
        })
        .collect();
    let mut out = match rows.first() {
        Some(d) => format!("window {} .. {}\n", d.since, d.until),
        None => "no environment has deployments\n".into(),
    };
    out.push_str(&report::table(
        [
            "ENVIRONMENT",
            "OK/DEPLOYS",
            "FREQUENCY",
            "LEAD TIME (MEDIAN)",
            "CHANGE FAILURE RATE",
            "TIME TO RESTORE",
            "UNRESTORED",
        ],
        &cells,
    ));
    out
}
