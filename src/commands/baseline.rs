//! `pushgate baseline`: trust a ref's history up to a commit, recorded in the audit log.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use super::TableFormat;
use crate::config::Config;
use crate::exit::{print_error, Exit};
use crate::git::Repo;
use crate::protocol::{self};

pub(crate) fn cmd_baseline(
    repo: &Path,
    config: Option<&Path>,
    by: Option<String>,
    force: bool,
    format: TableFormat,
    refs: &[String],
) -> ExitCode {
    let run = || -> Result<Exit> {
        let repo = Repo::open(repo)?;
        let config_path = config
            .map(Path::to_path_buf)
            .unwrap_or_else(|| repo.config_path());
        let config = Config::load(&config_path)?;
        let requests = refs
            .iter()
            .map(|a| crate::baseline::resolve(&repo, a))
            .collect::<Result<Vec<_>>>()?;
        let by = by.unwrap_or_else(crate::baseline::default_operator);
        let done = crate::baseline::apply(&repo, &config, &requests, &by, force)?;
        match format {
            TableFormat::Json => println!("{}", serde_json::to_string_pretty(&done)?),
            TableFormat::Table => {
                for d in &done {
                    say!(
                        "baseline: {} {} {} \"{}\"{}; its history is trusted, later pushes are judged from it",
                        protocol::printable(&d.refname),
                        if d.moved { "set to" } else { "stays at" },
                        d.new,
                        protocol::printable(&d.subject),
                        match d.audit_id {
                            Some(id) => format!(" (audit record {id}, by {})", protocol::printable(&by)),
                            None => " (no audit log in the config: not recorded)".into(),
                        }
                    );
                }
            }
        }
        Ok(Exit::Success)
    };
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            print_error(
                "pushgate baseline: stopped (the refs before the failing one were set and recorded)",
                &e,
            );
            Exit::Error.into()
        }
    }
}
