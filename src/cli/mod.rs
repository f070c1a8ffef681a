//! The command line: parse (`args`), then dispatch to the code that does
//! the work — `commands` for operators' commands, `crate::hook` for the
//! entry points git runs. Nothing here formats findings; `report` does.
//!
//! Exit codes, for every command: 0 accepted/success, 1 rejected/violations,
//! 2 usage or configuration error (and any failure to evaluate: fail closed).

pub(crate) mod args;

use std::process::ExitCode;

use clap::Parser;

use crate::exit::Exit;

use crate::commands::*;
use crate::commands::{ApplyCommand, ConfigCommand, PolicyCommand};
use crate::hook::{hook_file, hook_post_receive, hook_pre_push, hook_pre_receive, hook_update};
use args::{Cli, Command, HookCommand};

pub fn main() -> ExitCode {
    crate::git::limit_object_cache();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Error
            } else {
                Exit::Success
            }
            .into();
        }
    };
    // A closed stdout (`pushgate audit list | head`) ends an operator's
    // command quietly, as it ends `cat` or `git log`: Rust ignores SIGPIPE,
    // and `print!` then panics. Hooks and `apply run` keep ignoring it: a
    // pusher who hangs up must not stop a hook between its audit write and
    // its apply, and they never print to stdout anyway.
    if !matches!(
        cli.command,
        Command::Hook(_) | Command::HookFile { .. } | Command::Apply(ApplyCommand::Run { .. })
    ) {
        default_sigpipe();
    }
    crate::verbosity::set(if cli.quiet {
        crate::verbosity::Level::Quiet
    } else if cli.verbose {
        crate::verbosity::Level::Verbose
    } else {
        crate::verbosity::Level::Normal
    });
    let verbose = cli.verbose;
    match cli.command {
        Command::Install {
            bare_repo,
            config,
            force,
            client: true,
            pusher,
            ..
        } => cmd_install_client(bare_repo, config, pusher, force),
        Command::Install {
            bare_repo,
            config,
            hooks,
            forge,
            force,
            all,
            template,
            client: false,
            pusher: _,
        } => cmd_install(
            bare_repo,
            config,
            hooks.as_deref(),
            forge,
            force,
            all,
            template,
        ),
        Command::Doctor { dir, format } => cmd_doctor(dir, format),
        Command::Baseline {
            repo,
            config,
            by,
            force,
            format,
            refs,
        } => cmd_baseline(&repo, config.as_deref(), by, force, format, &refs),
        Command::Hook(HookCommand::PreReceive) => hook_pre_receive(),
        Command::Hook(HookCommand::Update { refname, old, new }) => {
            hook_update(&refname, &old, &new)
        }
        Command::Hook(HookCommand::PostReceive) => hook_post_receive(),
        Command::Hook(HookCommand::PrePush { remote, url }) => hook_pre_push(&remote, &url),
        Command::Check(args) => cmd_check(args),
        Command::Approve(args) => cmd_approve(args),
        Command::Approvals(args) => cmd_approvals(args),
        Command::HookFile { path, args } => hook_file(&path, &args),
        Command::Validate(args) => cmd_validate(args),
        Command::Policy(PolicyCommand::Test { data, run, dirs }) => {
            cmd_policy_test(data, run, verbose, dirs)
        }
        Command::Config(ConfigCommand::Check { source }) => cmd_config_check(&source),
        Command::Config(ConfigCommand::Export { source, output }) => {
            cmd_config_export(&source, &output)
        }
        Command::Audit(cmd) => cmd_audit(cmd),
        Command::Env(cmd) => crate::commands::cmd_env(cmd),
        Command::Rollback(args) => crate::commands::cmd_rollback(args),
        Command::Report(cmd) => crate::commands::cmd_report(cmd),
        Command::Exceptions(cmd) => crate::commands::cmd_exceptions(cmd),
        Command::Apply(ApplyCommand::Run { id, source, log }) => cmd_apply_run(id, &source, log),
        Command::Apply(ApplyCommand::Log { id, source }) => cmd_apply_log(id, &source),
        Command::Demo => crate::demo::run(),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "pushgate", &mut std::io::stdout());
            Exit::Success.into()
        }
        Command::Man { dir } => cmd_man(dir.as_deref(), <Cli as clap::CommandFactory>::command()),
    }
}

fn default_sigpipe() {
    // SAFETY: restores the default disposition of one signal before any
    // thread is started; no handler runs Rust code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
