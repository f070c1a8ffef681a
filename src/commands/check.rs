//! `pushgate check`: the hooks' decision on local objects, before (or without) a push.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use super::Format;
use crate::exit::{print_error, Exit};
use crate::gate::{self, Gate};
use crate::git::Repo;
use crate::hook::push_for;
use crate::protocol::{self, RefUpdate};
use crate::report::{self, Atomicity};

/// `check`'s arguments: one ref update, decided as the server would.
#[derive(clap::Args)]
#[command(
    override_usage = "pushgate check [OPTIONS] <OLD> <NEW> <REF>\n       pushgate check [OPTIONS] --against <BASE> <NEW> <REF>"
)]
#[command(
    after_help = "With --against BASE, give only NEW and REF: OLD is the merge base of BASE and NEW, so a branch that is behind main is judged by what it adds, not as a force push."
)]
pub(crate) struct CheckArgs {
    /// Repository to read (default: the current directory).
    #[arg(long, default_value = ".")]
    pub(crate) repo: PathBuf,
    /// The server's config (default: `pushgate.config` from the
    /// repository's git config, else `pushgate.yaml` at the top of the work
    /// tree). `pushgate config export` on the server writes one.
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// A push option to pass to policies, as `git push -o` would.
    #[arg(long = "push-option", short = 'o')]
    pub(crate) push_options: Vec<String>,
    /// Decide as if NAME pushed (what `pusher_env` would say on the
    /// server); default: from the environment, as the hooks read it.
    #[arg(long, value_name = "NAME")]
    pub(crate) pusher: Option<String>,
    /// `text` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Trust the history the server already has as this remote's
    /// remote-tracking refs show it (`refs/remotes/REMOTE/*`, read as
    /// the server's branches). Without it no local ref vouches for
    /// anything: every commit the update brings is checked.
    #[arg(long, value_name = "REMOTE")]
    pub(crate) server_refs: Option<String>,
    /// Take OLD as the merge base of BASE (e.g. origin/main) and NEW.
    #[arg(long, value_name = "BASE")]
    pub(crate) against: Option<String>,
    /// OLD NEW REF: the old value of the ref (a revision, or the zero id
    /// for a new ref), the new one (a revision, or the zero id for a
    /// deletion), and the full ref name (e.g. refs/heads/main). With
    /// --against: NEW REF.
    #[arg(value_names = ["OLD", "NEW", "REF"], num_args = 2..=3, required = true)]
    pub(crate) update: Vec<String>,
}

pub(crate) fn resolve_rev(repo: &Repo, rev: &str) -> Result<String> {
    if protocol::is_zero(rev) && rev.len() >= 4 {
        return Ok("0".repeat(40));
    }
    let obj = repo.git.revparse_single(rev).with_context(|| {
        format!(
            "`{}` names no object in this repository",
            protocol::printable(rev)
        )
    })?;
    Ok(obj.id().to_string())
}

/// The commit `hex` names (through annotated tags), for a merge base.
fn oid_of(repo: &Repo, hex: &str) -> Result<git2::Oid> {
    let id = git2::Oid::from_str(hex)?;
    repo.peel_to_commit(id)?
        .with_context(|| format!("{hex} does not name a commit"))
}

pub(crate) fn cmd_check(args: CheckArgs) -> ExitCode {
    let CheckArgs {
        repo: repo_dir,
        config,
        push_options,
        pusher,
        format,
        server_refs,
        against,
        update,
    } = args;
    let server_refs = server_refs.as_deref();
    let result = (|| {
        let repo = Repo::open(&repo_dir)?;
        let config_path = config.unwrap_or_else(|| repo.config_path());
        let gate = Gate::load(&config_path)?;
        let (old, new, refname) = match (&against, update.as_slice()) {
            (None, [old, new, refname]) => {
                (resolve_rev(&repo, old)?, resolve_rev(&repo, new)?, refname)
            }
            (Some(base), [new, refname]) => {
                let new = resolve_rev(&repo, new)?;
                let base_id = resolve_rev(&repo, base)?;
                let merge_base = repo
                    .git
                    .merge_base(oid_of(&repo, &base_id)?, oid_of(&repo, &new)?)
                    .with_context(|| format!("{base} and the new commit have no common history"))?;
                note!("pushgate check: OLD is {merge_base}, the merge base of {base} and NEW");
                (merge_base.to_string(), new, refname)
            }
            (None, _) => bail!("give OLD NEW REF (or --against BASE and NEW REF)"),
            (Some(_), _) => {
                bail!("with --against BASE, give only NEW and REF: OLD is their merge base")
            }
        };
        let update = RefUpdate::parse(&old, &new, refname, gate.config.limits.max_ref_name_bytes)?;
        let mut push = push_for(&gate.config, vec![update], push_options);
        if pusher.is_some() {
            push.pusher = pusher.clone();
        }
        // The server's decision trusts only the server's refs. A clone's own
        // branches prove nothing (a local `main` can hold anything), so only
        // a named remote's tracking refs stand in for them.
        let vouching: Vec<(String, git2::Oid)> = match server_refs {
            None => Vec::new(),
            Some(remote) => repo.tracking_refs_as_server(remote)?,
        };
        match server_refs {
            None => note!("pushgate check: no server refs given (--server-refs REMOTE): every commit the update brings is checked"),
            Some(remote) => note!(
                "pushgate check: history on the server, from {remote}'s tracking refs: {}",
                if vouching.is_empty() {
                    "none".to_owned()
                } else {
                    vouching.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
                }
            ),
        }
        detail!(
            "pushgate check: config {}: {} signer(s), {} policy set(s); pusher {}",
            config_path.display(),
            gate.config.keys.len(),
            gate.policies.len(),
            push.pusher.as_deref().unwrap_or(report::UNKNOWN_PUSHER)
        );
        let started = std::time::Instant::now();
        let decision = gate::decide_as_server(&repo, &gate, &push, &vouching);
        detail!(
            "pushgate check: decided in {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
        decision
    })();
    match result {
        Ok(decision) => {
            match format {
                Format::Text => print!(
                    "{}",
                    report::terminal_safe(&report::text(&decision, Atomicity::AllOrNothing))
                ),
                Format::Json => println!("{}", report::json(&decision)),
            }
            Exit::accepted(decision.accepted()).into()
        }
        Err(e) => {
            print_error("pushgate check: could not decide", &e);
            Exit::Error.into()
        }
    }
}
