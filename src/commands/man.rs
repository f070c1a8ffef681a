//! `pushgate man` and `completions`: the manual pages and shell completions,
//! generated from the clap types so they cannot drift from `--help`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::exit::{print_error, Exit};

pub(crate) fn cmd_man(dir: Option<&Path>, cmd: clap::Command) -> ExitCode {
    let run = || -> Result<()> {
        match dir {
            None => clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .context("writing the manual page")?,
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                clap_mangen::generate_to(cmd, dir)
                    .with_context(|| format!("writing the manual pages into {}", dir.display()))?;
                note!("pushgate man: pages written to {}", dir.display());
            }
        }
        Ok(())
    };
    match run() {
        Ok(()) => Exit::Success.into(),
        Err(e) => {
            print_error("pushgate man: could not write the pages", &e);
            Exit::Error.into()
        }
    }
}
