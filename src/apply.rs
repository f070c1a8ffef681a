//! The downstream apply: after an accepted update lands, run the operator's
//! command for the ref's environment — argv directly, never a shell — in a
//! fresh export of the new commit, one apply per environment at a time, and
//! record its outcome in the audit log.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use git2::Oid;

use crate::audit::{now_rfc3339, Store};
use crate::config::Apply;
use crate::git::Repo;

/// One landed update to apply.
#[derive(Debug, Clone)]
pub struct Job {
    pub audit_id: i64,
    pub repository: String,
    pub refname: String,
    pub old: String,
    pub new: String,
    pub environment: String,
    pub pusher: Option<String>,
}

impl Job {
    pub fn from_record(r: &crate::audit::Record) -> Option<Job> {
        Some(Job {
            audit_id: r.id,
            repository: r.body.repository.clone(),
            refname: r.body.refname.clone(),
            old: r.body.old.clone(),
            new: r.body.new.clone(),
            environment: r.body.environment.clone()?,
            pusher: r.body.pusher.clone(),
        })
    }
}

/// Where the job's output goes.
pub enum Output {
    /// Streamed line by line to stderr (the pusher sees `remote:` lines).
    Stream,
    /// Into a log file (background mode).
    Log(PathBuf),
}

fn fact(store: &mut Store, id: i64, body: serde_json::Value) -> Result<()> {
    store.append_fact(id, "apply", &body.to_string())
}

/// Records `pending` for a job about to run (or be handed to background).
pub fn pending(store: &mut Store, job: &Job) -> Result<()> {
    fact(
        store,
        job.audit_id,
        serde_json::json!({"status": "pending", "exit_code": null, "started": null, "finished": null}),
    )
}

/// Runs one job to its end, recording `running` and the outcome. Returns the
/// final status.
pub fn run(
    repo: &Repo,
    cfg: &Apply,
    store: &mut Store,
    job: &Job,
    out: Output,
) -> Result<&'static str> {
    let _lock = store.environment_lock(&job.environment)?;
    let started = now_rfc3339();
    let log = match &out {
        Output::Log(p) => Some(p.display().to_string()),
        Output::Stream => None,
    };
    fact(
        store,
        job.audit_id,
        serde_json::json!({"status": "running", "exit_code": null, "started": started, "finished": null, "log": log}),
    )?;
    // From here an apply that cannot start (the export fails on a tree git
    // would refuse, the log cannot be created, the command is missing)
    // ends `failed` with the reason, never stays `running`.
    match run_started(repo, cfg, store, job, out, &started, log.as_deref()) {
        Ok(status) => Ok(status),
        Err(e) => {
            let msg = format!("{e:#}");
            fact(
                store,
                job.audit_id,
                serde_json::json!({"status": "failed", "exit_code": null, "started": started, "finished": now_rfc3339(), "error": msg, "log": log}),
            )?;
            Err(e)
        }
    }
}

fn run_started(
    repo: &Repo,
    cfg: &Apply,
    store: &mut Store,
    job: &Job,
    out: Output,
    started: &str,
    log: Option<&str>,
) -> Result<&'static str> {
    let work = tempfile::Builder::new()
        .prefix("pushgate-apply")
        .tempdir()
        .context("creating the apply directory")?;
    let tree_dir = work.path().join("tree");
    let changed = work.path().join("changed-files");
    // The export counts against the apply's timeout (it runs under the
    // environment's lock like the command).
    let begun = Instant::now();
    let timeout = Duration::from_secs(cfg.timeout_seconds);
    export(repo, cfg, job, &tree_dir, &changed)?;
    let Some(remaining) = timeout.checked_sub(begun.elapsed()) else {
        bail!(
            "exporting the tree took longer than apply.timeout_seconds ({}s); the command did not run",
            cfg.timeout_seconds
        );
    };

    let mut cmd = Command::new(&cfg.command[0]);
    cmd.args(&cfg.command[1..])
        .current_dir(&tree_dir)
        .env("PUSHGATE_REF", &job.refname)
        .env("PUSHGATE_OLD", &job.old)
        .env("PUSHGATE_NEW", &job.new)
        .env("PUSHGATE_ENVIRONMENT", &job.environment)
        .env("PUSHGATE_PUSHER", job.pusher.as_deref().unwrap_or(""))
        .env("PUSHGATE_REPOSITORY", &job.repository)
        .env("PUSHGATE_AUDIT_ID", job.audit_id.to_string())
        .env("PUSHGATE_CHANGED_FILES", &changed)
        // git's variables describe the server repository, not the export.
        .env_remove("GIT_DIR")
        .env_remove("GIT_QUARANTINE_PATH")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        // A git the command runs reads objects as the gate judged them.
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .stdin(Stdio::null());
    // main() turns library backtraces off for pushgate itself; that is
    // not the command's business.
    if std::env::var_os(crate::env::RUST_LIB_BACKTRACE).is_some_and(|v| v == "0") {
        cmd.env_remove(crate::env::RUST_LIB_BACKTRACE);
    }
    cmd
        // Its own process group, so a timeout kills everything it started.
        .process_group(0);
    // Output always goes through our pump, in both modes, so that its
    // volume is bounded (apply.max_output_bytes) whatever the command does.
    let (reader, writer) = std::io::pipe().context("creating the output pipe")?;
    let sink: Box<dyn Write + Send> = match &out {
        Output::Stream => Box::new(Prefixed(std::io::stderr())),
        Output::Log(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("creating the apply log {}", path.display()))?,
        ),
    };
    cmd.stdout(writer.try_clone()?).stderr(writer);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            drop(cmd);
            bail!("cannot start the apply command {}: {e}", cfg.command[0]);
        }
    };
    drop(cmd); // closes our copies of the pipe's write end
    let max = cfg.max_output_bytes;
    let handle = std::thread::spawn(move || pump(reader, sink, max));
    let waited = wait(&mut child, remaining);
    let (dropped, kept) = handle.join().unwrap_or_default();
    let pump = waited?;
    let (code, timed_out) = pump;
    let status = if timed_out {
        "timed_out"
    } else if code == Some(0) {
        "succeeded"
    } else {
        "failed"
    };
    let truncated = kept.len() >= STORED_OUTPUT;
    fact(
        store,
        job.audit_id,
        serde_json::json!({
            "status": status, "exit_code": code, "started": started, "finished": now_rfc3339(),
            "duration_ms": begun.elapsed().as_millis() as u64,
            "log": log, "output_dropped_bytes": dropped,
            "output": String::from_utf8_lossy(&kept), "output_truncated": truncated,
        }),
    )?;
    Ok(status)
}

/// Stream mode's sink: each line becomes `  | line` (git shows it as
/// `remote:   | line`), control characters escaped.
struct Prefixed<W: Write>(W);

impl<W: Write> Write for Prefixed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let line = text.strip_suffix('\n').unwrap_or(&text);
        writeln!(self.0, "  | {}", crate::protocol::escaped(line))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Longest line passed on whole; longer ones are cut into pieces of this
/// size, so a command printing megabytes without a newline costs no memory.
const MAX_LINE: usize = 4096;

/// The start of an apply's output kept in its audit record (`audit show`,
/// `apply log`): enough for a deploy's summary and its first error; the
/// whole output, up to apply.max_output_bytes, went to the pusher or the log.
pub const STORED_OUTPUT: usize = 64 * 1024;

/// Copies the command's output to `sink` line by line until `max` bytes
/// have gone through, then drains and counts the rest (the command must
/// never block on a full pipe). Returns the bytes dropped, and the first
/// [`STORED_OUTPUT`] bytes of what went through, for the audit record.
fn pump(reader: impl std::io::Read, mut sink: Box<dyn Write + Send>, max: u64) -> (u64, Vec<u8>) {
    let mut reader = BufReader::new(reader);
    let mut line = Vec::with_capacity(256);
    let mut stored = Vec::new();
    let (mut kept, mut dropped) = (0u64, 0u64);
    loop {
        line.clear();
        let n = match std::io::Read::take(&mut reader, MAX_LINE as u64).read_until(b'\n', &mut line)
        {
            Ok(0) | Err(_) => break,
            Ok(n) => n as u64,
        };
        if kept + n <= max {
            kept += n;
            if line.last() != Some(&b'\n') {
                line.push(b'\n');
            }
            let room = STORED_OUTPUT.saturating_sub(stored.len());
            stored.extend_from_slice(&line[..line.len().min(room)]);
            let _ = sink.write_all(&line);
        } else {
            if dropped == 0 {
                let _ = sink.write_all(
                    format!(
                        "[pushgate: output past {max} bytes (apply.max_output_bytes) is dropped]\n"
                    )
                    .as_bytes(),
                );
            }
            dropped += n;
        }
    }
    if dropped > 0 {
        let _ =
            sink.write_all(format!("[pushgate: {dropped} bytes of output dropped]\n").as_bytes());
    }
    let _ = sink.flush();
    (dropped, stored)
}

/// Waits for the child, killing its whole process group at the timeout.
fn wait(child: &mut std::process::Child, timeout: Duration) -> Result<(Option<i32>, bool)> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((status.code(), false));
        }
        if Instant::now() >= deadline {
            // SAFETY: kill(2) on the child's process group; no memory is involved.
            unsafe {
                libc::kill(-(child.id() as i32), libc::SIGKILL);
            }
            let _ = child.wait();
            return Ok((None, true));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Writes the new commit's tree to `dir` and the changed paths, each ended
/// by NUL, to `changed`.
fn export(repo: &Repo, cfg: &Apply, job: &Job, dir: &Path, changed: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let new = repo
        .peel_to_commit(Oid::from_str(&job.new)?)?
        .context("the new value is not a commit")?;
    let tree = repo.git.find_commit(new)?.tree()?;
    let (files, bytes) = repo.tree_footprint(tree.id())?;
    if files > cfg.max_export_files || bytes > cfg.max_export_bytes {
        bail!(
            "the tree of {} holds {files} files and {bytes} bytes, over apply.max_export_files ({}) or apply.max_export_bytes ({}); nothing was exported and the command did not run. Raise the limit in the config if the tree is meant to be this large",
            job.new,
            cfg.max_export_files,
            cfg.max_export_bytes
        );
    }
    repo.export_tree(tree.id(), dir)
        .context("exporting the new tree")?;
    let old_tree = match Oid::from_str(&job.old).ok().filter(|o| !o.is_zero()) {
        Some(o) => match repo.peel_to_commit(o)? {
            Some(c) => Some(repo.tree_of(c)?),
            None => None,
        },
        None => None,
    };
    let files = repo.changed_files(old_tree, tree.id())?;
    let mut f = std::fs::File::create(changed)?;
    for file in files {
        f.write_all(file.path.as_bytes())?;
        f.write_all(b"\0")?;
    }
    Ok(())
}
