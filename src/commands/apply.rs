//! `pushgate apply run` and `apply log`: the environment's apply command for a landed decision, and its output.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;

use super::AuditSource;
use crate::config::Config;
use crate::exit::{print_error, Exit};
use crate::git::Repo;
use crate::report::{self};

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

/// `apply log ID`: the output of a decision's newest apply — the part kept
/// in its audit record, else (background applies of older versions) its
/// log file.
pub(crate) fn cmd_apply_log(id: i64, source: &AuditSource) -> ExitCode {
    let run = || -> Result<Exit> {
        let record = super::audit::audit_store(source)?
            .show(id)?
            .with_context(|| format!("no decision with id {id} (pushgate audit list)"))?;
        let Some(apply) = &record.apply else {
            bail!("decision {id} has no apply (its ref has no environment, it did not land, or no apply is configured)");
        };
        say!(
            "pushgate apply log {id}: {}",
            report::apply_summary(Some(apply))
        );
        if let Some(text) = apply["output"].as_str() {
            print!("{}", report::terminal_safe(text));
            if apply["output_truncated"] == true {
                say!(
                    "pushgate apply log {id}: only the first {} KiB are kept in the audit record{}",
                    crate::apply::STORED_OUTPUT / 1024,
                    apply["log"]
                        .as_str()
                        .map(|l| format!("; the whole output is in {l}"))
                        .unwrap_or_default()
                );
            }
        } else if let Some(log) = apply["log"].as_str() {
            let text =
                std::fs::read(log).with_context(|| format!("reading the apply log {log}"))?;
            print!("{}", report::terminal_safe(&String::from_utf8_lossy(&text)));
        } else {
            say!("pushgate apply log {id}: no output was recorded");
        }
        Ok(Exit::Success)
    };
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            print_error("pushgate apply log: could not show the output", &e);
            Exit::Error.into()
        }
    }
}

/// Loads what a hook needs. Any failure here rejects the push.
pub(crate) fn cmd_apply_run(id: i64, source: &AuditSource, log: Option<PathBuf>) -> ExitCode {
    let result = (|| -> Result<&'static str> {
        let config_path = source.config_path()?;
        let repo_dir = match (std::env::var_os(crate::env::APPLY_GIT_DIR), &source.repo) {
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
        let mut store = crate::audit::Store::open(&crate::audit::Target::from(audit))?;
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
        Ok("succeeded") => Exit::Success.into(),
        Ok(status) => {
            say!("pushgate apply: {status}");
            Exit::Rejected.into()
        }
        Err(e) => {
            print_error("pushgate apply run: could not run", &e);
            Exit::Error.into()
        }
    }
}
