//! `pushgate exceptions list` and `pushgate report rollout`: what the
//! rollout controls (docs/rollout.md) hold and what they did.

use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;

use super::audit::audit_store;
use super::{AuditSource, TableFormat};
use crate::config::Config;
use crate::exit::{print_error, Exit};
use crate::report;

#[derive(Subcommand)]
pub(crate) enum ExceptionsCommand {
    /// Every entry of the exceptions file: rule, match, owner, expiry.
    List {
        #[command(flatten)]
        source: AuditSource,
        /// Only entries expiring within this many days (`30` or `30d`),
        /// expired ones included.
        #[arg(long, value_name = "DAYS")]
        expiring: Option<String>,
        /// `table` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
}

#[derive(serde::Serialize)]
struct Row {
    entry: String,
    rule: String,
    #[serde(rename = "match")]
    matches: String,
    owner: String,
    reason: String,
    expires: String,
    /// Days left (negative: expired that many days ago).
    days_left: i64,
}

pub(crate) fn cmd_exceptions(cmd: ExceptionsCommand) -> ExitCode {
    match exceptions(cmd) {
        Ok(e) => e.into(),
        Err(e) => {
            print_error("pushgate exceptions: could not run", &e);
            Exit::Error.into()
        }
    }
}

/// `30` or `30d`.
fn days(text: &str) -> Result<i64> {
    text.strip_suffix('d')
        .unwrap_or(text)
        .parse::<i64>()
        .ok()
        .filter(|d| *d >= 0)
        .with_context(|| format!("--expiring `{text}` is not a number of days (30, or 30d)"))
}

fn exceptions(cmd: ExceptionsCommand) -> Result<Exit> {
    let ExceptionsCommand::List {
        source,
        expiring,
        format,
    } = cmd;
    let within = expiring.as_deref().map(days).transpose()?;
    let config = Config::load(&source.config_path()?)?;
    let Some(ex) = &config.exceptions else {
        bail!(
            "{} has no `exceptions:` file (docs/rollout.md)",
            config.path.display()
        );
    };
    let today = config.today;
    let rows: Vec<Row> = ex
        .entries
        .iter()
        .map(|e| {
            let u = e.used(&ex.file);
            Row {
                entry: u.entry,
                rule: e.rule.clone(),
                matches: e.describe_match(),
                owner: e.owner.clone(),
                reason: e.reason.clone(),
                expires: u.expires,
                days_left: (e.expires - today).get_days().into(),
            }
        })
        .filter(|r| within.is_none_or(|d| r.days_left <= d))
        .collect();
    match format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
        TableFormat::Table if rows.is_empty() => match within {
            Some(d) => println!("no exception expires within {d} days"),
            None => println!("the exceptions file lists no entry"),
        },
        TableFormat::Table => {
            let cells: Vec<[String; 6]> = rows
                .iter()
                .map(|r| {
                    [
                        r.entry.clone(),
                        r.rule.clone(),
                        r.matches.clone(),
                        r.owner.clone(),
                        if r.days_left < 0 {
                            format!("{} (expired)", r.expires)
                        } else {
                            format!("{} ({}d)", r.expires, r.days_left)
                        },
                        r.reason.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                report::terminal_safe(&report::table(
                    ["ENTRY", "RULE", "MATCH", "OWNER", "EXPIRES", "REASON"],
                    &cells
                ))
            );
        }
    }
    Ok(Exit::Success)
}

#[derive(serde::Serialize)]
struct RuleCount {
    rule: String,
    would_reject: i64,
    excepted: i64,
    last: String,
}

/// `report rollout`: per rule, how many updates in the window it would
/// have rejected (evaluate mode) and how many an exception let through;
/// and the break-glass grants.
pub(crate) fn report_rollout(
    source: AuditSource,
    (since, until): (String, String),
    format: TableFormat,
) -> Result<Exit> {
    let mut store = audit_store(&source)?;
    let mut rules: std::collections::BTreeMap<String, RuleCount> = Default::default();
    let mut glass = (0, String::new());
    for (mark, n, last) in store.mark_counts(&since, &until)? {
        let (kind, rule) = mark.split_once(':').unwrap_or((mark.as_str(), ""));
        if kind == "break_glass" {
            glass = (n, last);
            continue;
        }
        let row = rules.entry(rule.to_owned()).or_insert_with(|| RuleCount {
            rule: rule.to_owned(),
            would_reject: 0,
            excepted: 0,
            last: String::new(),
        });
        match kind {
            "would_reject" => row.would_reject += n,
            _ => row.excepted += n,
        }
        row.last = row.last.clone().max(last);
    }
    let rows: Vec<RuleCount> = rules.into_values().collect();
    match format {
        TableFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "since": since, "until": until, "rules": rows,
                "break_glass": {"granted": glass.0, "last": (glass.0 > 0).then_some(&glass.1)},
            }))?
        ),
        TableFormat::Table => {
            println!("rollout {since} .. {until} (updates)");
            let cells: Vec<[String; 4]> = rows
                .iter()
                .map(|r| {
                    [
                        r.rule.clone(),
                        r.would_reject.to_string(),
                        r.excepted.to_string(),
                        r.last.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                report::terminal_safe(&report::table(
                    ["RULE", "WOULD REJECT", "EXCEPTED", "LAST"],
                    &cells
                ))
            );
            println!("break-glass granted: {}", glass.0);
        }
    }
    Ok(Exit::Success)
}
