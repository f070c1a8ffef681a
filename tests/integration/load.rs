//! Load: 32 clones pushing at once to one repository, and to two that share one audit
//! database, with applies. Every attempted ref update has exactly one
//! record, the chain verifies, applies for one environment of one
//! repository never overlap, and no push fails for any reason but its own
//! content (no `database is locked`).
//!
//! `PUSHGATE_LOAD_ROUNDS` sets the pushes per clone (default 3; the figures
//! in docs/reliability.md come from a longer run).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::crash::attempt_of;
use crate::support::*;

const CLONES: usize = 32;

/// Records start and end of each apply, in nanoseconds, per repository.
const APPLY: &str = "#!/bin/sh
out=\"$APPLY_OUT/$PUSHGATE_REPOSITORY-$PUSHGATE_AUDIT_ID\"
date +%s%N > \"$out.start\"
sleep 0.02
date +%s%N > \"$out.end\"
";

fn server(w: &World, name: &str, db: &str) -> PathBuf {
    let server = w.path(name);
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    w.script(&server.join("apply.sh"), APPLY);
    std::fs::write(
        server.join("pushgate.yaml"),
        format!(
            "version: 1
audit:
  database: {}
  server: git-{}
refs:
  - match: refs/heads/team/**
    environment: staging
    require_linear_history: true
apply:
  command: [./apply.sh]
",
            db,
            name.trim_end_matches(".git")
        ),
    )
    .unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    server
}

#[test]
fn thirty_two_concurrent_pushers_one_repository() {
    load(1, Backend::Sqlite);
}

#[test]
fn thirty_two_concurrent_pushers_two_repositories_one_log() {
    load(2, Backend::Sqlite);
}

/// Two "servers" (two configs naming themselves git-a and git-b) writing to
/// one PostgreSQL log.
#[test]
fn thirty_two_concurrent_pushers_two_servers_one_postgres_log() {
    load(2, Backend::Postgres);
}

fn load(repos: usize, backend: Backend) {
    let rounds: usize = std::env::var("PUSHGATE_LOAD_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let w = Arc::new(World::new());
    let pg = matches!(backend, Backend::Postgres).then(PgServer::start);
    let db = match &pg {
        Some(pg) => pg.url.clone(),
        None => w.path("shared-audit.db").to_str().unwrap().to_owned(),
    };
    let names = ["a.git", "b.git"];
    let servers: Vec<PathBuf> = names[..repos].iter().map(|n| server(&w, n, &db)).collect();
    let out = w.path("applied");
    std::fs::create_dir_all(&out).unwrap();
    let clones: Vec<PathBuf> = (0..CLONES)
        .map(|i| {
            let work = w.path(&format!("c{i}"));
            let server = &servers[i % repos];
            w.git_ok(
                w.dir.path(),
                &[
                    "clone",
                    "-q",
                    server.to_str().unwrap(),
                    work.to_str().unwrap(),
                ],
            );
            work
        })
        .collect();

    let started = std::time::Instant::now();
    let handles: Vec<_> = clones
        .iter()
        .enumerate()
        .map(|(i, work)| {
            let (w, work, out) = (w.clone(), work.clone(), out.clone());
            std::thread::spawn(move || {
                let branch = format!("HEAD:refs/heads/team/{i}");
                let mut results = Vec::new();
                for n in 0..rounds {
                    // Every third round of every fourth clone brings a merge:
                    // rejected for its content, and only for that.
                    let bad = i % 4 == 0 && n % 3 == 1;
                    if bad {
                        w.git_ok(&work, &["checkout", "-q", "-b", &format!("side{n}")]);
                        w.commit(&work, &format!("s{n}"), "s", "side");
                        w.git_ok(&work, &["checkout", "-q", "-"]);
                        w.commit(&work, &format!("m{n}"), "m", "main line");
                        w.git_ok(&work, &["merge", "-q", "--no-edit", &format!("side{n}")]);
                    } else {
                        w.commit(&work, &format!("f{i}-{n}.yaml"), "kind: A\n", "change");
                    }
                    let id = format!("{i}.{n}");
                    let mut c = w.cmd("git", &work);
                    c.args(["push", "-o", &format!("attempt={id}"), "origin", &branch])
                        .env("APPLY_OUT", &out);
                    let o = c.output().unwrap();
                    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
                    results.push((id, bad, o.status.success(), stderr));
                    if bad {
                        // Drop the merge so the next round is clean.
                        w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~2"]);
                    }
                }
                results
            })
        })
        .collect();
    let results: Vec<(String, bool, bool, String)> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    eprintln!(
        "load test: {} pushes from {CLONES} clones to {repos} repositories in {:?}",
        results.len(),
        started.elapsed()
    );

    for (id, bad, ok, stderr) in &results {
        assert!(!stderr.contains("database is locked"), "{id}: {stderr}");
        if *bad {
            assert!(!ok, "{id} should have been rejected");
            assert!(stderr.contains("merge-commit"), "{id}: {stderr}");
        } else {
            assert!(ok, "{id} failed for no reason of its own:\n{stderr}");
        }
    }

    // One chain, verified, with exactly one record per attempt.
    let a = servers[0].to_str().unwrap();
    w.pushgate(w.dir.path(), &["audit", "verify", "--repo", a])
        .assert_ok();
    let records = w.records(&servers[0]);
    let mut by_attempt: BTreeMap<String, usize> = BTreeMap::new();
    for r in &records {
        *by_attempt.entry(attempt_of(r).unwrap()).or_default() += 1;
    }
    assert_eq!(by_attempt.len(), results.len());
    // Each record names the server that decided it.
    for r in &records {
        let clone: usize = attempt_of(r)
            .unwrap()
            .split('.')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let server = format!("git-{}", ["a", "b"][clone % repos]);
        assert_eq!(r["server"], server.as_str());
    }
    assert!(by_attempt.values().all(|n| *n == 1), "{by_attempt:?}");
    for s in &servers {
        w.pushgate(
            w.dir.path(),
            &["audit", "reconcile", "--repo", s.to_str().unwrap()],
        )
        .assert_ok();
    }

    // One apply per accepted push, in each repository; and applies to the
    // one environment (`staging`, in every repository sharing the log)
    // never overlap, across repositories too.
    let mut all_spans: Vec<(u128, u128)> = Vec::new();
    for (index, repo) in names[..repos].iter().enumerate() {
        let mut spans: Vec<(u128, u128)> = Vec::new();
        for e in std::fs::read_dir(&out).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".start") else {
                continue;
            };
            if !stem.starts_with(&format!("{repo}-")) {
                continue;
            }
            let read = |suffix: &str| -> u128 {
                std::fs::read_to_string(out.join(format!("{stem}{suffix}")))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap()
            };
            spans.push((read(".start"), read(".end")));
        }
        // Clone i pushes to servers[i % repos].
        let accepted = results
            .iter()
            .filter(|r| {
                !r.1 && r.0.split('.').next().unwrap().parse::<usize>().unwrap() % repos == index
            })
            .count();
        assert_eq!(spans.len(), accepted, "{repo}: one apply per accepted push");
        all_spans.extend(spans);
    }
    all_spans.sort();
    for pair in all_spans.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "applies to staging overlap: {pair:?}"
        );
    }
}
