//! The entry points git runs: pre-receive, update and post-receive (and
//! `hook-file`, which the installed hook files start), with the watchdog
//! that answers git before a deadline and the post-receive work (audit
//! facts, the apply in the background).

use std::path::Path;
use std::process::ExitCode;

use std::io::BufRead;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::exit::{print_error, Exit};
use crate::gate::{self, Decision, Gate, Push};
use crate::git::Repo;
use crate::install;
use crate::protocol::{self, RefUpdate};
use crate::report::{self, Atomicity};

/// The rejection of a push the gate cannot judge because its own
/// configuration (config, keys, policies) does not load: every update
/// rejected with `config-broken`, recorded with the whole error when the
/// config still names its audit log (`records`). The pusher is shown the
/// short form ([`for_pushers`]).
fn broken_gate(
    repo: &Repo,
    error: &crate::config::ConfigError,
    updates: Vec<RefUpdate>,
    records: bool,
    all_or_nothing: bool,
) -> Decision {
    let config = Config::load(&repo.config_path()).ok();
    let pusher_env: Vec<String> = match &config {
        Some(c) => c.pusher_env.clone(),
        None => crate::config::DEFAULT_PUSHER_ENV
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    let push = Push {
        pusher: protocol::pusher_from_env(&pusher_env),
        push_options: protocol::push_options_from_env(
            crate::config::Limits::default().max_push_options,
        )
        .unwrap_or_default(),
        updates,
    };
    let mut decision = Decision::rejected(
        &repo.name,
        &push,
        gate::broken_config_finding(&error.to_string()),
    );
    // A config that does not parse still names its audit log, most often:
    // the typo is elsewhere.
    let audit = match config {
        Some(c) => c.audit,
        None => Config::audit_only(&repo.config_path()),
    };
    if let Some(audit) = audit.filter(|_| records) {
        // Best effort: the push is rejected whether or not this lands, and
        // `doctor` reports an audit log it cannot write.
        let _ = write_audit(&audit, &mut decision, all_or_nothing, None);
    }
    decision
}

/// What a pusher reads of a decision: `config-broken` findings in their
/// short form (the parser's error is about the server's files, not the
/// push; it is in the audit record, `doctor` and `config check`). A
/// policy's error on a pushed file is shown whole: it is often about the
/// file's values (a string where a number was expected).
fn for_pushers(mut decision: Decision) -> Decision {
    let (message, help) = gate::BROKEN_CONFIG_FOR_PUSHERS;
    for u in &mut decision.updates {
        for f in &mut u.violations {
            if f.rule == crate::finding::Code::ConfigBroken {
                f.message = message.to_owned();
                f.help = help.to_owned();
            }
        }
    }
    decision
}

pub(crate) fn push_for(
    config: &Config,
    updates: Vec<RefUpdate>,
    push_options: Vec<String>,
) -> Push {
    Push {
        pusher: protocol::pusher_from_env(&config.pusher_env),
        push_options,
        updates,
    }
}

fn finish_hook(result: Result<Decision>, atomicity: Atomicity) -> ExitCode {
    match result {
        Ok(decision) => {
            let decision = for_pushers(decision);
            // GitLab shows hook output in its UI only on lines that start
            // with GL-HOOK-ERR: (merges, web edits); git clients see all.
            if std::env::var_os(crate::env::GITLAB_ID).is_some() && !decision.accepted() {
                say_raw!("{}", report::gitlab_summary(&decision));
            }
            say_raw!(
                "{}",
                report::terminal_safe(&report::text(&decision, atomicity))
            );
            Exit::accepted(decision.accepted()).into()
        }
        Err(e) => {
            print_error(
                "pushgate: push rejected: the gate could not decide, so nothing was accepted",
                &e,
            );
            say!("  fix: if this names the config, a key or a policy, an operator must correct it; otherwise report it with the lines above");
            Exit::Error.into()
        }
    }
}

pub(crate) fn hook_pre_receive() -> ExitCode {
    let result = (|| {
        let repo = Repo::open_for_hook()?;
        let gate = match Gate::load(&repo.config_path()) {
            Ok(gate) => gate,
            Err(e) => {
                let limits = crate::config::Limits::default();
                let updates = protocol::read_updates(std::io::stdin().lock(), &limits)?;
                return Ok(broken_gate(&repo, &e, updates, true, true));
            }
        };
        let limits = &gate.config.limits;
        let updates = protocol::read_updates(std::io::stdin().lock(), limits)?;
        let options = protocol::push_options_from_env(limits.max_push_options)?;
        let push = push_for(&gate.config, updates, options);
        let audit = gate.config.audit.clone();
        start_watchdog(&repo, &gate, &push, audit, Atomicity::AllOrNothing);
        let mut decision = gate::decide_or_reject(&repo, &gate, &push);
        claim_or_wait();
        audit_record(&gate, &mut decision, true)?;
        Ok(decision)
    })();
    finish_hook(result, Atomicity::AllOrNothing)
}

pub(crate) fn hook_update(refname: &str, old: &str, new: &str) -> ExitCode {
    let result = (|| {
        let repo = Repo::open_for_hook()?;
        // With pushgate's pre-receive installed, that hook records the
        // push; without it (`--hooks update,post-receive`), this one does.
        let records = !installed_hooks(&repo).iter().any(|h| h == "pre-receive");
        let gate = match Gate::load(&repo.config_path()) {
            Ok(gate) => gate,
            Err(e) => {
                let limits = crate::config::Limits::default();
                let update = RefUpdate::parse(old, new, refname, limits.max_ref_name_bytes)?;
                return Ok(broken_gate(&repo, &e, vec![update], records, false));
            }
        };
        let limits = &gate.config.limits;
        let update = RefUpdate::parse(old, new, refname, limits.max_ref_name_bytes)?;
        let options = protocol::push_options_from_env(limits.max_push_options)?;
        let push = push_for(&gate.config, vec![update], options);
        let audit = gate.config.audit.clone().filter(|_| records);
        start_watchdog(&repo, &gate, &push, audit, Atomicity::PerRef);
        let mut decision = gate::decide_or_reject(&repo, &gate, &push);
        claim_or_wait();
        if records {
            audit_record(&gate, &mut decision, false)?;
        }
        Ok(decision)
    })();
    finish_hook(result, Atomicity::PerRef)
}

/// The hooks `install` wrote (`pushgate.hooks`); the default set when the
/// key is missing (installs older than the key).
fn installed_hooks(repo: &Repo) -> Vec<String> {
    let listed = repo
        .git
        .config()
        .and_then(|c| c.get_string("pushgate.hooks"))
        .unwrap_or_else(|_| "pre-receive,post-receive".into());
    listed.split(',').map(|h| h.trim().to_owned()).collect()
}

/// Who answers git: the hook's own thread (`MAIN`) or its watchdog.
static ANSWER: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(UNCLAIMED);
const UNCLAIMED: u8 = 0;
const MAIN: u8 = 1;
const WATCHDOG: u8 = 2;

/// The decision checks its time budget between units of work; this is the
/// backstop for a unit that never returns (a pathological diff, a stuck
/// read). Some seconds after `limits.timeout_seconds` it rejects the push
/// itself: records it (when `audit` names the log), tells the pusher, and
/// exits. Only one of it and the main thread records, whichever claims
/// first, so a push is never recorded twice.
fn start_watchdog(
    repo: &Repo,
    gate: &Gate,
    push: &gate::Push,
    audit: Option<crate::config::Audit>,
    atomicity: Atomicity,
) {
    const GRACE: std::time::Duration = std::time::Duration::from_secs(10);
    let seconds = gate.config.limits.timeout_seconds;
    let name = repo.name.clone();
    let push = push.clone();
    let spawned = std::thread::Builder::new()
        .name("pushgate-watchdog".into())
        .spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(seconds).saturating_add(GRACE));
            if !claim(WATCHDOG) {
                return;
            }
            let err = anyhow::Error::new(gate::TimedOut { seconds });
            let decision = Decision::rejected(&name, &push, gate::failure_finding(&err));
            if let Some(audit) = audit {
                let all_or_nothing = matches!(atomicity, Atomicity::AllOrNothing);
                let bodies = audit_bodies(&decision, all_or_nothing, &audit.server);
                let recorded = crate::audit::Store::open(&crate::audit::Target::from(&audit))
                    .and_then(|mut s| s.record(&bodies));
                if let Err(e) = recorded {
                    print_error("pushgate: the timed-out push could not be recorded", &e);
                }
            }
            say_raw!(
                "{}",
                report::terminal_safe(&report::text(&decision, atomicity))
            );
            std::process::exit(Exit::Rejected as i32);
        });
    if let Err(e) = spawned {
        // Without the backstop the cooperative checks still bound the time.
        say!("pushgate: warning: no watchdog thread: {e}");
    }
}

/// Claims the answer for the main thread, or, if the watchdog already has
/// it, waits for the watchdog to finish and exit the process.
fn claim_or_wait() {
    if !claim(MAIN) {
        loop {
            std::thread::park();
        }
    }
}

/// Whether `who` is first to claim the answer.
fn claim(who: u8) -> bool {
    use std::sync::atomic::Ordering::SeqCst;
    ANSWER
        .compare_exchange(UNCLAIMED, who, SeqCst, SeqCst)
        .is_ok()
}

pub(crate) fn hook_file(path: &Path, args: &[String]) -> ExitCode {
    match (install::hook_name(path), args) {
        ("pre-receive", []) => hook_pre_receive(),
        ("post-receive", []) => hook_post_receive(),
        ("update", [refname, old, new]) => hook_update(refname, old, new),
        ("pre-push", [remote, url]) => hook_pre_push(remote, url),
        _ => {
            say!(
                "pushgate: push rejected: {} is not a hook pushgate knows how to run with {} arguments; rerun `pushgate install`",
                path.display(),
                args.len()
            );
            Exit::Error.into()
        }
    }
}

/// git's pre-push hook in a developer's clone (`install --client`): the
/// server's decision on every ref the push updates, before anything is
/// sent. The remote's tracking refs stand for the server's branches (as
/// `check --server-refs REMOTE`); nothing is recorded (the server records
/// what it receives).
pub(crate) fn hook_pre_push(remote: &str, url: &str) -> ExitCode {
    let result = (|| -> Result<Decision> {
        let repo = Repo::open_for_hook()?;
        let gate = Gate::load(&repo.config_path())?;
        let limits = &gate.config.limits;
        let zero = "0".repeat(40);
        let mut updates = Vec::new();
        for line in std::io::stdin().lock().lines() {
            let line = line.context("reading git's pre-push input")?;
            let fields: Vec<&str> = line.split(' ').collect();
            let [_local_ref, local, remote_ref, remote_old] = fields.as_slice() else {
                anyhow::bail!(
                    "`{}` is not a pre-push line (<local ref> <local oid> <remote ref> <remote oid>)",
                    protocol::printable(&line)
                );
            };
            if local == remote_old {
                continue;
            }
            if !protocol::is_zero(remote_old)
                && git2::Oid::from_str(remote_old)
                    .ok()
                    .and_then(|id| repo.git.find_object(id, None).ok())
                    .is_none()
            {
                anyhow::bail!(
                    "{} on {} is at {remote_old}, which this clone does not have: git fetch {}, then push again",
                    protocol::printable(remote_ref),
                    protocol::printable(url),
                    protocol::printable(remote)
                );
            }
            let new = if protocol::is_zero(local) {
                &zero
            } else {
                *local
            };
            updates.push(RefUpdate::parse(
                remote_old,
                new,
                remote_ref,
                limits.max_ref_name_bytes,
            )?);
        }
        let mut push = push_for(&gate.config, updates, Vec::new());
        if let Ok(p) = repo
            .git
            .config()
            .and_then(|c| c.get_string("pushgate.pusher"))
        {
            push.pusher = Some(p);
        }
        // A configured remote's tracking refs; a bare URL has none.
        let vouching = if repo.git.find_remote(remote).is_ok() {
            repo.tracking_refs_as_server(remote)?
        } else {
            Vec::new()
        };
        gate::decide_as_server(&repo, &gate, &push, &vouching)
    })();
    match result {
        Ok(decision) => {
            say_raw!(
                "{}",
                report::terminal_safe(&report::text(&decision, Atomicity::AllOrNothing))
            );
            if !decision.accepted() {
                say!("pushgate: not pushed: the server would reject this (pushgate check, from the pre-push hook; git push --no-verify skips it)");
            }
            Exit::accepted(decision.accepted()).into()
        }
        Err(e) => {
            print_error(
                "pushgate: pre-push check could not decide, so nothing was pushed",
                &e,
            );
            Exit::Error.into()
        }
    }
}

/// Records the decision when the config has an audit log. Failing to write
/// it fails the hook: an unrecorded push must not land.
/// Break-glass grants are counted again as they are written, under the
/// log's lock: a push that lost the race for the last grant is rejected
/// (and recorded) with the grant taken back.
fn audit_record(gate: &Gate, decision: &mut Decision, all_or_nothing: bool) -> Result<()> {
    match &gate.config.audit {
        Some(audit) => write_audit(
            audit,
            decision,
            all_or_nothing,
            gate.config.break_glass.as_ref().map(|b| b.max_per_day),
        ),
        None => Ok(()),
    }
}

fn write_audit(
    audit: &crate::config::Audit,
    decision: &mut Decision,
    all_or_nothing: bool,
    max_per_day: Option<u32>,
) -> Result<()> {
    let since = crate::time::utc_of(jiff::Timestamp::now().as_second() - 24 * 3600);
    let cap = max_per_day.map(|m| (u64::from(m), since.as_str()));
    let context = || {
        format!(
            "writing to the audit log {}; the push is not accepted",
            audit.database
        )
    };
    let mut store = crate::audit::Store::open(&crate::audit::Target::from(audit))
        .context("the audit log cannot be written, so the push is not accepted")?;
    let bodies = audit_bodies(decision, all_or_nothing, &audit.server);
    if let Err(have) = store.record_capped(&bodies, cap).with_context(context)? {
        gate::revoke_break_glass(decision, have, cap.map_or(0, |c| c.0));
        store
            .record(&audit_bodies(decision, all_or_nothing, &audit.server))
            .with_context(context)?;
    }
    Ok(())
}

pub(crate) fn hook_post_receive() -> ExitCode {
    // The refs have moved; nothing here may undo that. Record what landed,
    // run the applies, and report problems without failing the push.
    let result = (|| -> Result<()> {
        // Only the config: keys and policies played their part in
        // pre-receive, and a policy edited since must not stop the record.
        let repo = Repo::open_for_hook()?;
        let config = Config::load(&repo.config_path())?;
        let updates = protocol::read_updates(std::io::stdin().lock(), &config.limits)?;
        let Some(audit) = &config.audit else {
            return Ok(());
        };
        let mut store = crate::audit::Store::open(&crate::audit::Target::from(audit))?;
        let mut jobs = Vec::new();
        for u in &updates {
            let Some(id) = store.mark_landed(&repo.name, &u.refname, &u.old, &u.new)? else {
                say!(
                    "pushgate: warning: {} landed but no accepted decision in the audit log explains it",
                    protocol::printable(&u.refname)
                );
                continue;
            };
            if config.apply.is_none() || protocol::is_zero(&u.new) {
                continue;
            }
            // What to apply, and where, is what was decided: the record's
            // environment, as `apply run` reads it, not the current config's
            // (which may have changed since pre-receive judged the push).
            match store.show(id) {
                Ok(record) => jobs.extend(record.as_ref().and_then(crate::apply::Job::from_record)),
                Err(e) => say!(
                    "pushgate: warning: {} landed, but its audit record {id} cannot be read ({}); not applied: run `pushgate apply run {id}` once it can",
                    protocol::printable(&u.refname),
                    protocol::printable(&format!("{e:#}"))
                ),
            }
        }
        let Some(apply) = &config.apply else {
            return Ok(());
        };
        for job in &jobs {
            crate::apply::pending(&mut store, job)?;
        }
        for job in &jobs {
            let what = format!(
                "{} for {} (audit id {})",
                job.environment,
                protocol::printable(&job.refname),
                job.audit_id
            );
            if apply.mode == crate::config::ApplyMode::Background {
                let log_dir = repo.git.path().join("pushgate-apply-logs");
                std::fs::create_dir_all(&log_dir)?;
                let log = log_dir.join(format!("{}.log", job.audit_id));
                spawn_background(&repo, &config, job.audit_id, &log)?;
                say!(
                    "pushgate: apply of {what} started in the background; log: {}",
                    log.display()
                );
            } else {
                say!("pushgate: applying {what}: {}", apply.command.join(" "));
                match crate::apply::run(&repo, apply, &mut store, job, crate::apply::Output::Stream)
                {
                    Ok("succeeded") => say!("pushgate: apply succeeded: {what}"),
                    Ok(status) => say!(
                        "pushgate: apply {status}: {what}; the push itself stands (re-run: pushgate apply run {})",
                        job.audit_id
                    ),
                    Err(e) => print_error(&format!("pushgate: apply failed to run ({what})"), &e),
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        print_error(
            "pushgate: post-receive could not record or apply what landed (the push itself stands)",
            &e,
        );
    }
    Exit::Success.into()
}

/// Starts `pushgate apply run ID --log FILE` detached: its own process
/// group, stdin/stdout/stderr not connected to git's pipes (otherwise the
/// pusher's `git push` would wait for it).
fn spawn_background(repo: &Repo, config: &Config, id: i64, log: &Path) -> Result<()> {
    use std::os::unix::process::CommandExt;
    let exe = std::env::current_exe().context("finding the pushgate binary")?;
    std::process::Command::new(exe)
        .arg("apply")
        .arg("run")
        .arg(id.to_string())
        .arg("--config")
        .arg(&config.path)
        .arg("--log")
        .arg(log)
        .env(crate::env::APPLY_GIT_DIR, repo.git.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .context("starting the background apply")?;
    Ok(())
}

/// The audit bodies of a decision, one per ref update: what the hooks
/// (and the watchdog) record. Under pre-receive (`all_or_nothing`) a good
/// ref in a rejected push did not pass.
fn audit_bodies(
    decision: &Decision,
    all_or_nothing: bool,
    server: &str,
) -> Vec<crate::audit::DecisionBody> {
    let time = crate::audit::now_rfc3339();
    let push_rejected = !decision.accepted();
    decision
        .updates
        .iter()
        .map(|u| {
            // Under pre-receive, a good ref in a rejected push did not pass.
            let accepted = u.accepted() && !(all_or_nothing && push_rejected);
            crate::audit::DecisionBody {
                time: time.clone(),
                repository: decision.repository.clone(),
                pusher: decision.pusher.clone(),
                refname: u.refname.clone(),
                old: u.old.clone(),
                new: u.new.clone(),
                action: serde_json::to_value(u.action)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                environment: u.environment.clone(),
                decision: if accepted { "accepted" } else { "rejected" }.into(),
                violations: serde_json::to_value(&u.violations).unwrap_or_default(),
                warnings: serde_json::to_value(&u.warnings).unwrap_or_default(),
                commits: u.commits.clone(),
                signers: u.signers.clone(),
                approvals: u.approvals.clone(),
                push_options: decision.push_options.clone(),
                server: Some(server.to_owned()),
                tree: u.tree.clone(),
                first_commit_time: u.first_commit_time.clone(),
                would_reject: serde_json::to_value(&u.would_reject).unwrap_or_default(),
                exceptions: serde_json::to_value(&u.exceptions).unwrap_or_default(),
                break_glass: u
                    .break_glass
                    .as_ref()
                    .and_then(|b| serde_json::to_value(b).ok()),
                ..crate::audit::DecisionBody::default()
            }
        })
        .collect()
}
