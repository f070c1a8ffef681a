//! `pushgate approve` (on a clone: make and push an approval) and
//! `pushgate approvals` (what a commit has and what it still needs).

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

use super::TableFormat;
use crate::exit::{print_error, Exit};
use crate::gate::{self, approvals, Gate};
use crate::git::Repo;
use crate::hook::push_for;
use crate::protocol::RefUpdate;

/// `approve`'s arguments.
#[derive(clap::Args)]
pub(crate) struct ApproveArgs {
    /// The ref the approval is for (default: the current branch's upstream
    /// branch on its remote, e.g. refs/heads/main).
    #[arg(long = "ref", value_name = "REF")]
    pub(crate) refname: Option<String>,
    /// Push the approval to this remote.
    #[arg(long, value_name = "REMOTE")]
    pub(crate) push: Option<String>,
    /// The commit to approve (default: HEAD).
    #[arg(default_value = "HEAD")]
    pub(crate) commit: String,
}

/// `approvals`' arguments.
#[derive(clap::Args)]
pub(crate) struct ApprovalsArgs {
    /// Repository to read (default: the current directory).
    #[arg(long, default_value = ".")]
    pub(crate) repo: PathBuf,
    /// The server's config (default: the repository's, as `check` finds it).
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// On a clone: the server's branches as this remote's tracking refs
    /// show them (the ref's old value and the history that vouches, as
    /// `check --server-refs`). Required on a clone: its own branches prove
    /// nothing; a bare (server) repository is read as it is.
    #[arg(long, value_name = "REMOTE")]
    pub(crate) server_refs: Option<String>,
    /// The ref the commit would be pushed to (default: refs/heads/main).
    #[arg(long = "ref", value_name = "REF", default_value = "refs/heads/main")]
    pub(crate) refname: String,
    /// `table` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub(crate) format: TableFormat,
    /// The commit (any revision).
    pub(crate) commit: String,
}

/// Runs git (never a shell: every argument is one argv entry).
fn git(args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.first().copied().unwrap_or_default(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// A ref-name-safe form of the approver's name (from git's `user.name`).
fn name_part(raw: &str) -> String {
    let s: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-');
    if s.is_empty() {
        "approval".into()
    } else {
        s.chars().take(40).collect()
    }
}

fn approve(args: &ApproveArgs) -> Result<()> {
    let commit = git(&[
        "rev-parse",
        "--verify",
        "--end-of-options",
        &format!("{}^{{commit}}", args.commit),
    ])?;
    let refname = match &args.refname {
        Some(r) => r.clone(),
        None => {
            let branch =
                git(&["symbolic-ref", "-q", "HEAD"]).context("not on a branch: give --ref REF")?;
            let upstream = git(&["for-each-ref", "--format=%(upstream:remoteref)", &branch])?;
            if upstream.is_empty() {
                bail!(
                    "{branch} has no upstream branch: give --ref REF (e.g. --ref refs/heads/main)"
                );
            }
            upstream
        }
    };
    if !refname.starts_with("refs/") || refname.contains(char::is_whitespace) {
        bail!("--ref {refname}: give a full ref name, e.g. refs/heads/main");
    }
    let who = name_part(&git(&["config", "user.name"]).unwrap_or_default());
    // Unique per approval: the same person may approve again (refs are
    // never moved), and names are not keys.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let target = format!("{}{commit}/{who}-{stamp}", approvals::PREFIX);
    // git tag -s signs with the user's own configuration (gpg.format,
    // user.signingkey); the tag ref is only a step to the approval ref.
    let temp = format!("pushgate-approval-{}-{stamp}", std::process::id());
    git(&[
        "tag",
        "-s",
        "-m",
        &format!("approve {refname}"),
        &temp,
        &commit,
    ])?;
    let made = (|| {
        let tag = git(&["rev-parse", "--verify", &format!("refs/tags/{temp}")])?;
        git(&["update-ref", &target, &tag, ""])
    })();
    let _ = git(&["tag", "-d", &temp]);
    made?;
    println!("approved {commit} for {refname}: {target}");
    match &args.push {
        Some(remote) => {
            git(&[
                "push",
                "--end-of-options",
                remote,
                &format!("{target}:{target}"),
            ])?;
            println!("pushed to {remote}");
        }
        None => println!("push it with: git push <remote> {target}"),
    }
    Ok(())
}

pub(crate) fn cmd_approve(args: ApproveArgs) -> ExitCode {
    match approve(&args) {
        Ok(()) => Exit::Success.into(),
        Err(e) => {
            print_error("pushgate approve: no approval made", &e);
            Exit::Error.into()
        }
    }
}

pub(crate) fn cmd_approvals(args: ApprovalsArgs) -> ExitCode {
    let result = (|| -> Result<(Vec<approvals::Approval>, gate::Decision)> {
        let repo = Repo::open(&args.repo)?;
        let config_path = args.config.clone().unwrap_or_else(|| repo.config_path());
        let gate = Gate::load(&config_path)?;
        let new = super::check::resolve_rev(&repo, &args.commit)?;
        let tip = repo
            .peel_to_commit(git2::Oid::from_str(&new)?)?
            .with_context(|| format!("{} is not a commit", args.commit))?;
        // Judged as an update of the ref from where the server has it.
        let server: Vec<(String, git2::Oid)> = match (&args.server_refs, repo.git.is_bare()) {
            (Some(remote), _) => repo.tracking_refs_as_server(remote)?,
            (None, true) => repo.refs()?,
            (None, false) => bail!(
                "this is a clone: give --server-refs REMOTE (e.g. origin), so the server's branches are read, not this clone's"
            ),
        };
        let old = server
            .iter()
            .find(|(n, _)| *n == args.refname)
            .map_or_else(|| "0".repeat(40), |(_, id)| id.to_string());
        let update = RefUpdate::parse(
            &old,
            &tip.to_string(),
            &args.refname,
            gate.config.limits.max_ref_name_bytes,
        )?;
        let push = push_for(&gate.config, vec![update], Vec::new());
        let found = approvals::for_commit(
            &repo,
            &gate.keyring,
            &gate.config,
            tip,
            &[],
            std::time::SystemTime::now(),
        )?;
        let decision = gate::decide_as_server(&repo, &gate, &push, &server)?;
        Ok((found, decision))
    })();
    let (found, decision) = match result {
        Ok(r) => r,
        Err(e) => {
            print_error("pushgate approvals: could not decide", &e);
            return Exit::Error.into();
        }
    };
    let missing: Vec<&crate::finding::Finding> = decision
        .updates
        .iter()
        .flat_map(|u| &u.violations)
        .filter(|f| f.rule == crate::finding::Code::ApprovalsMissing)
        .collect();
    match args.format {
        TableFormat::Json => println!(
            "{}",
            serde_json::json!({"approvals": found, "missing": missing})
        ),
        TableFormat::Table => {
            if found.is_empty() {
                println!("no approvals of {}", args.commit);
            }
            let safe = crate::protocol::escaped;
            for a in &found {
                println!(
                    "{}  approves {}  ({})",
                    safe(&a.signer),
                    safe(&a.refname),
                    safe(&a.tag)
                );
            }
            for m in &missing {
                println!("missing: {}", safe(&m.message));
            }
            if missing.is_empty() {
                println!("{}: nothing missing", args.refname);
            }
        }
    }
    Exit::accepted(missing.is_empty()).into()
}
