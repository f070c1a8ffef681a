//! The operators' commands, one file each: a command reads its arguments,
//! calls the stage modules, prints through `report`, and maps the outcome to
//! an exit code. The entry points git runs are in `hook`; parsing and
//! dispatch are in `cli`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::ValueEnum;

use crate::git::Repo;

mod apply;
mod approve;
mod audit;
mod baseline;
mod check;
mod doctor;
mod env;
mod install;
mod man;
mod rollout;
mod validate;

pub(crate) use apply::{cmd_apply_log, cmd_apply_run};
pub(crate) use approve::{cmd_approvals, cmd_approve, ApprovalsArgs, ApproveArgs};
pub(crate) use audit::cmd_audit;
pub(crate) use baseline::cmd_baseline;
pub(crate) use check::cmd_check;
pub(crate) use doctor::{cmd_config_check, cmd_config_export, cmd_doctor};
pub(crate) use env::{cmd_env, cmd_report, cmd_rollback, EnvCommand, ReportCommand, RollbackArgs};
pub(crate) use install::{cmd_install, cmd_install_client};
pub(crate) use man::cmd_man;
pub(crate) use rollout::{cmd_exceptions, ExceptionsCommand};
pub(crate) use validate::{cmd_policy_test, cmd_validate};

pub(crate) use apply::ApplyCommand;
pub(crate) use audit::AuditCommand;
pub(crate) use check::CheckArgs;
pub(crate) use doctor::ConfigCommand;
pub(crate) use install::ForgeArg;
pub(crate) use validate::{PolicyCommand, ValidateArgs};

/// Where the audit log is: `apply`, `audit` and `config` take it alike.
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

/// `--format` of the commands that print a table.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum TableFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}
