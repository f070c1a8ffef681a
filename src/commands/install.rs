//! `pushgate install`: hooks into a bare repository (or a forge's, or every one under a directory), and `--client` for a working clone's pre-push.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::ValueEnum;

use crate::exit::{print_error, Exit};
use crate::install;

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

pub(crate) fn cmd_install_client(
    work: Option<PathBuf>,
    config: Option<PathBuf>,
    pusher: Option<String>,
    force: bool,
) -> ExitCode {
    let run = || -> Result<()> {
        let work = work.unwrap_or_else(|| PathBuf::from("."));
        let exe = std::env::current_exe().context("finding the pushgate binary")?;
        let did =
            install::install_client(&work, config.as_deref(), pusher.as_deref(), force, &exe)?;
        println!(
            "{}: every git push from this clone is checked first, as the server will decide it (skip once: git push --no-verify)",
            work.display()
        );
        for d in did {
            println!("  {d}");
        }
        Ok(())
    };
    match run() {
        Ok(()) => Exit::Success.into(),
        Err(e) => {
            print_error("pushgate install --client: nothing was installed", &e);
            Exit::Error.into()
        }
    }
}

pub(crate) fn cmd_install(
    bare_repo: Option<PathBuf>,
    config: Option<PathBuf>,
    hooks: Option<&str>,
    forge: ForgeArg,
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
            forge: forge.forge(),
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
        Ok(()) => Exit::Success.into(),
        Err(e) => {
            print_error("pushgate install failed", &e);
            Exit::Error.into()
        }
    }
}
