//! Crash safety: hooks killed with SIGKILL at random points while many
//! pushes run. Afterwards no ref is past a rejected or unrecorded decision,
//! the chain verifies, no attempt is recorded twice, and every update that
//! landed is marked landed once `pushgate audit reconcile` has run.
//!
//! `PUSHGATE_CRASH_PUSHES` sets the pushes per clone (default 12; the
//! figures in docs/reliability.md come from a longer run).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::*;

const CLONES: usize = 6;

const CONFIG: &str = "version: 1
audit:
  database: audit.db
refs:
  - match: refs/heads/team/**
    allow_force_push: false
    require_linear_history: true
";

/// A small xorshift generator: the tests need spread, not quality, and a
/// seed printed on failure.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Hook processes of this test's server: `pushgate hook-file hooks/X`,
/// run by git in the server directory.
fn hook_pids(server: &Path) -> Vec<(i32, String)> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    let server = server.canonicalize().unwrap_or(server.to_path_buf());
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        if args.len() < 3 || args[0] != pushgate_bin().as_bytes() || args[1] != b"hook-file" {
            continue;
        }
        let script = Path::new(std::str::from_utf8(args[2]).unwrap_or(""));
        let cwd = std::fs::read_link(e.path().join("cwd")).unwrap_or_default();
        if script.starts_with(server.join("hooks")) || (script.is_relative() && cwd == server) {
            let hook = script
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            out.push((pid, hook));
        }
    }
    out
}

/// Kills about half of the hook processes it sees, each after a random
/// delay, until `stop`. Returns the kills per hook name.
fn killer(server: PathBuf, stop: Arc<AtomicBool>, seed: u64) -> BTreeMap<String, usize> {
    let mut rng = Rng(seed);
    let mut seen = BTreeSet::new();
    let mut kills = BTreeMap::new();
    while !stop.load(Ordering::SeqCst) {
        for (pid, hook) in hook_pids(&server) {
            if !seen.insert(pid) || rng.below(2) == 0 {
                continue;
            }
            std::thread::sleep(Duration::from_micros(rng.below(30_000)));
            // SAFETY: kill(2) on a pid read from /proc; at worst it is gone.
            if unsafe { libc::kill(pid, libc::SIGKILL) } == 0 {
                *kills.entry(hook).or_insert(0) += 1;
            }
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    kills
}

/// The `attempt=` push option of a record.
pub fn attempt_of(record: &serde_json::Value) -> Option<String> {
    record["push_options"]
        .as_array()?
        .iter()
        .filter_map(|o| o.as_str()?.strip_prefix("attempt=").map(str::to_owned))
        .next()
}

#[test]
fn killed_hooks_never_leave_an_unrecorded_ref_or_a_broken_chain() {
    let pushes: usize = std::env::var("PUSHGATE_CRASH_PUSHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test seed {seed}");
    let w = Arc::new(World::new());
    let server = w.server(CONFIG);
    let clones: Vec<PathBuf> = (0..CLONES)
        .map(|i| World::clone(&w, &format!("c{i}")))
        .collect();

    let stop = Arc::new(AtomicBool::new(false));
    let kill_thread = {
        let (server, stop) = (server.clone(), stop.clone());
        std::thread::spawn(move || killer(server, stop, seed))
    };
    let attempts = Arc::new(AtomicUsize::new(0));
    // attempt id -> whether `git push` said it landed
    let outcomes: Vec<_> = clones
        .iter()
        .enumerate()
        .map(|(i, work)| {
            let (w, work, attempts) = (w.clone(), work.clone(), attempts.clone());
            std::thread::spawn(move || {
                let branch = format!("refs/heads/team/{i}");
                let mut out = Vec::new();
                for n in 0..pushes {
                    w.commit(
                        &work,
                        &format!("f{i}"),
                        &format!("{n}"),
                        &format!("c{i}.{n}"),
                    );
                    for retry in 0..3 {
                        let id = format!("{i}.{n}.{retry}");
                        attempts.fetch_add(1, Ordering::SeqCst);
                        let r = w.push(
                            &work,
                            None,
                            &[
                                "-o",
                                &format!("attempt={id}"),
                                "origin",
                                &format!("HEAD:{branch}"),
                            ],
                        );
                        out.push((id, r.ok(), r.stderr.clone()));
                        if r.ok() {
                            break;
                        }
                    }
                }
                out
            })
        })
        .collect();
    let outcomes: Vec<(String, bool, String)> = outcomes
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    stop.store(true, Ordering::SeqCst);
    let kills = kill_thread.join().unwrap();
    // Hooks that outlive `git push` (none should) must finish before we look.
    while !hook_pids(&server).is_empty() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let landed_attempts: BTreeSet<&str> = outcomes
        .iter()
        .filter(|o| o.1)
        .map(|o| o.0.as_str())
        .collect();
    eprintln!(
        "crash test: {} attempts, {} landed, kills {kills:?}",
        outcomes.len(),
        landed_attempts.len()
    );
    assert!(kills.values().sum::<usize>() > 0, "the test killed nothing");
    for (id, ok, stderr) in &outcomes {
        // A push fails because its hook died, never for another reason.
        assert!(
            *ok || stderr.contains("hook declined") || stderr.contains("remote rejected"),
            "attempt {id}: {stderr}"
        );
    }

    let server_s = server.to_str().unwrap();
    w.pushgate(w.dir.path(), &["audit", "verify", "--repo", server_s])
        .assert_ok();
    // Reconcile marks the landed-but-unmarked ones and finds no drift: no
    // ref is past a rejected or unrecorded decision.
    let r = w.pushgate(w.dir.path(), &["audit", "reconcile", "--repo", server_s]);
    r.assert_ok();
    // A second run finds nothing left to do.
    let again = w.pushgate(
        w.dir.path(),
        &["audit", "reconcile", "--repo", server_s, "--format", "json"],
    );
    again.assert_ok();
    assert_eq!(again.stdout.trim(), "[]");
    w.pushgate(w.dir.path(), &["audit", "verify", "--repo", server_s])
        .assert_ok();

    let records = w.records(&server);
    let mut by_attempt: BTreeMap<String, Vec<&serde_json::Value>> = BTreeMap::new();
    for r in &records {
        let a = attempt_of(r).expect("every record carries its attempt");
        by_attempt.entry(a).or_default().push(r);
    }
    for (a, rs) in &by_attempt {
        assert_eq!(rs.len(), 1, "attempt {a} recorded {} times", rs.len());
    }
    for a in &landed_attempts {
        let rs = by_attempt
            .get(*a)
            .unwrap_or_else(|| panic!("attempt {a} landed unrecorded"));
        assert_eq!(rs[0]["decision"], "accepted", "{a}");
        assert_eq!(
            rs[0]["landed"], true,
            "attempt {a} landed but is not marked landed"
        );
    }
    for (a, rs) in &by_attempt {
        if !landed_attempts.contains(a.as_str()) {
            assert_eq!(
                rs[0]["landed"], false,
                "attempt {a} did not land but is marked landed"
            );
        }
    }
    // Every branch is at a landed, accepted attempt's commit.
    for i in 0..CLONES {
        let Some(tip) = w.server_ref(&format!("refs/heads/team/{i}")) else {
            continue;
        };
        assert!(
            records
                .iter()
                .any(|r| r["new"] == tip.as_str() && r["landed"] == true),
            "team/{i} at {tip} is explained by no landed record"
        );
    }
    let _ = attempts;
}
