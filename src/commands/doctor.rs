//! `pushgate doctor`, `config check` and `config export`: what an operator runs to see whether the gate is in place and its config would load.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;

use super::{AuditSource, TableFormat};
use crate::exit::{print_error, Exit};
use crate::gate::Gate;
use crate::install;
use crate::report::{self};

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

pub(crate) fn cmd_doctor(dir: Option<PathBuf>, format: TableFormat) -> ExitCode {
    let run = || -> Result<Exit> {
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
        Ok(Exit::accepted(reports.iter().all(|r| r.guarded)))
    };
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            print_error("pushgate doctor: could not run", &e);
            Exit::Error.into()
        }
    }
}

pub(crate) fn cmd_config_check(source: &AuditSource) -> ExitCode {
    let run = || -> Result<Exit> {
        let path = source.config_path()?;
        let gate = Gate::load(&path)?;
        let namespaces = gate.compile_all()?;
        let key_files: usize = gate.config.keys.values().map(Vec::len).sum();
        say!(
            "{}: loads: {} signer(s) from {key_files} key file(s), {} policy set(s) with {namespaces} namespace(s) compiled",
            path.display(),
            gate.config.keys.len(),
            gate.policies.len()
        );
        if let Some(audit) = &gate.config.audit {
            let target = crate::audit::Target::from(audit);
            if !target.is_postgres() && !Path::new(&audit.database).exists() {
                // Creating it here would start a log in the wrong place
                // (a new release directory) without anyone noticing.
                bail!(
                    "the audit log {} does not exist; a push would start a new, empty log there. If the config moved (a new release directory), point audit.database at the existing log by an absolute path outside the release directories; if this is a new installation, create it with `pushgate audit verify --config {}`",
                    audit.database,
                    path.display()
                );
            }
            crate::audit::Store::open(&target)
                .and_then(|mut s| s.check_writable())
                .with_context(|| {
                    format!(
                        "the audit log {} cannot be written; every push would be rejected",
                        audit.database
                    )
                })?;
            say!(
                "{}: audit log {} is writable",
                path.display(),
                audit.database
            );
        }
        if let Some(apply) = &gate.config.apply {
            let program = apply.command.first().map(String::as_str).unwrap_or("");
            if !program_exists(program) {
                bail!("apply.command: `{program}` is not found (as a path, or on PATH); every apply would fail");
            }
        }
        Ok(Exit::Success)
    };
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            print_error(
                "pushgate config check: the config is broken; pushes would be rejected",
                &e,
            );
            Exit::Error.into()
        }
    }
}

pub(crate) fn cmd_config_export(source: &AuditSource, output: &Path) -> ExitCode {
    let run = || -> Result<Exit> {
        let path = source.config_path()?;
        let done = crate::export::export(&path, output)?;
        say!(
            "exported {} with {} file(s) to {}; in CI: pushgate check --config {} OLD NEW REF",
            path.display(),
            done.files,
            output.display(),
            done.config.display()
        );
        Ok(Exit::Success)
    };
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            print_error("pushgate config export: nothing usable was written", &e);
            Exit::Error.into()
        }
    }
}

/// Whether `program` names an executable: a path as given, else a name
/// found on `PATH` (as the apply will run it).
fn program_exists(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let runnable = |p: &Path| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.is_empty() {
        return false;
    }
    if program.contains('/') {
        return runnable(Path::new(program));
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| runnable(&d.join(program))))
        .unwrap_or(false)
}
