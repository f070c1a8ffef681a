//! Environments on real pushes with a real apply script: promotion from
//! staging to production (by tree, across repositories sharing one
//! PostgreSQL log), `env list` / `env history` as people read them,
//! `rollback` re-applying the last good tree, and `report dora`.

use std::path::{Path, PathBuf};

use crate::support::*;

/// Appends `<environment> <commit>` to $APPLY_OUT/log; fails when
/// APPLY_MODE=fail.
const SCRIPT: &str = r#"#!/bin/sh
echo "$PUSHGATE_ENVIRONMENT $PUSHGATE_NEW $PUSHGATE_REF" >> "$APPLY_OUT/log"
if [ "$APPLY_MODE" = fail ]; then echo "cluster unreachable" >&2; exit 3; fi
echo "applied $(ls | tr '\n' ' ')"
"#;

struct Site {
    w: World,
    server: PathBuf,
    work: PathBuf,
    out: PathBuf,
}

fn site(refs: &str, database: &str) -> Site {
    let w = World::new();
    let server = w.path("server.git");
    let config = format!(
        "version: 1\naudit:\n  database: {database}\nrefs:\n{refs}apply:\n  command: [./apply.sh]\n  timeout_seconds: 60\n"
    );
    let server = {
        let s = w.server(&config);
        assert_eq!(s, server);
        s
    };
    w.script(&server.join("apply.sh"), SCRIPT);
    let work = w.clone("work");
    let out = w.path("applied");
    std::fs::create_dir_all(&out).unwrap();
    Site {
        w,
        server,
        work,
        out,
    }
}

const PROMOTING: &str = "  - match: refs/heads/staging
    environment: staging
  - match: refs/heads/production
    environment: production
    promote_from: staging
";

impl Site {
    fn push(&self, mode: &str, args: &[&str]) -> Run {
        let mut c = self.w.cmd("git", &self.work);
        c.arg("push")
            .args(args)
            .env("APPLY_OUT", &self.out)
            .env("APPLY_MODE", mode)
            .env("PUSHGATE_PUSHER", "alice");
        Run::from(c.output().unwrap())
    }

    fn pushgate(&self, mode: &str, args: &[&str]) -> Run {
        let mut c = self.w.cmd(pushgate_bin(), self.w.dir.path());
        c.args(args)
            .env("APPLY_OUT", &self.out)
            .env("APPLY_MODE", mode);
        Run::from(c.output().unwrap())
    }

    fn repo(&self) -> &str {
        self.server.to_str().unwrap()
    }

    fn applied(&self) -> Vec<String> {
        std::fs::read_to_string(self.out.join("log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--format", "json", "--repo", self.repo()]);
        let r = self.pushgate("ok", &a);
        assert!(r.ok(), "{args:?}: {}{}", r.stdout, r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    }
}

fn tree_of(w: &World, work: &Path, rev: &str) -> String {
    w.git_ok(work, &["rev-parse", &format!("{rev}^{{tree}}")])
}

#[test]
fn production_takes_only_trees_staging_ran() {
    let s = site(PROMOTING, "audit.db");
    let a = s.w.commit(&s.work, "k8s/app.yaml", "kind: A\n", "a");
    // Never in staging.
    s.push("ok", &["origin", "HEAD:refs/heads/production"])
        .assert_rejected()
        .assert_says("not-promoted")
        .assert_says("was never deployed to staging")
        .assert_says("nothing has run successfully in staging yet");
    assert!(s.w.server_ref("refs/heads/production").is_none());
    // In staging, but its apply failed.
    s.push("fail", &["origin", "HEAD:refs/heads/staging"])
        .assert_ok();
    s.push("ok", &["origin", "HEAD:refs/heads/production"])
        .assert_rejected()
        .assert_says("but its apply failed");
    // B ran in staging: A still may not go, and the help names B.
    let b = s.w.commit(&s.work, "k8s/app.yaml", "kind: B\n", "b");
    s.push("ok", &["origin", "HEAD:refs/heads/staging"])
        .assert_ok();
    s.push("ok", &["origin", &format!("{a}:refs/heads/production")])
        .assert_rejected()
        .assert_says(&format!(
            "the latest commit staging ran successfully is {b}"
        ));
    s.push("ok", &["origin", "HEAD:refs/heads/production"])
        .assert_ok();
    assert_eq!(
        s.w.server_ref("refs/heads/production").as_deref(),
        Some(b.as_str())
    );

    // A merge commit whose tree is the one staging ran is that tree.
    let c = s.w.commit(&s.work, "k8s/db.yaml", "kind: C\n", "c");
    s.push("ok", &["origin", "HEAD:refs/heads/staging"])
        .assert_ok();
    s.w.git_ok(&s.work, &["checkout", "-q", "-b", "release", &b]);
    s.w.git_ok(&s.work, &["merge", "-q", "--no-ff", "-m", "release c", &c]);
    assert_eq!(tree_of(&s.w, &s.work, "HEAD"), tree_of(&s.w, &s.work, &c));
    s.push("ok", &["origin", "HEAD:refs/heads/production"])
        .assert_ok();
    // One with any other tree is not.
    s.w.commit(&s.work, "k8s/extra.yaml", "kind: X\n", "only in production");
    s.push("ok", &["origin", "HEAD:refs/heads/production"])
        .assert_rejected()
        .assert_says("was never deployed to staging")
        .snapshot_code(&s.w, "not-promoted");
    // Every deployment recorded its tree.
    let records = s.w.records(&s.server);
    assert!(records
        .iter()
        .filter(|r| r["decision"] == "accepted")
        .all(|r| r["tree"].as_str().is_some_and(|t| t.len() == 40)));
}

#[test]
fn promotion_needs_an_environment_the_config_names_and_an_audit_log() {
    let w = World::new();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::write(
        server.join("pushgate.yaml"),
        "version: 1\nrefs:\n  - match: refs/heads/production\n    environment: production\n    promote_from: [staging, qa]\n",
    )
    .unwrap();
    let r = w.config_check(&server);
    assert!(!r.ok());
    for needle in [
        "names `staging`, which no ref rule's `environment` names",
        "names `qa`",
        "needs `audit`",
    ] {
        assert!(
            r.stderr.contains(needle) || r.stdout.contains(needle),
            "{needle}: {}{}",
            r.stdout,
            r.stderr
        );
    }
}

#[test]
fn env_list_history_and_rollback() {
    // A hostile environment name: spaces, quotes, a newline escape, a
    // terminal escape sequence.
    let env = "prod \\\"eu\\\" \\e[31m";
    let refs = format!("  - match: refs/heads/main\n    environment: \"{env}\"\n");
    let s = site(&refs, "audit.db");
    let a = s.w.commit(&s.work, "k8s/app.yaml", "kind: A\n", "a");
    s.push("ok", &["origin", "HEAD:refs/heads/main"])
        .assert_ok();
    let b = s.w.commit(&s.work, "k8s/app.yaml", "kind: B\n", "b");
    s.push("ok", &["origin", "HEAD:refs/heads/main"])
        .assert_ok();
    let c = s.w.commit(&s.work, "k8s/app.yaml", "kind: C\n", "c");
    s.push("fail", &["origin", "HEAD:refs/heads/main"])
        .assert_ok();
    let name = "prod \"eu\" \u{1b}[31m";

    let list = s.json(&["env", "list"]);
    let e = &list[0];
    assert_eq!(e["environment"], name);
    assert_eq!(e["deployed"]["commit"], b.as_str());
    assert_eq!(e["latest"]["commit"], c.as_str());
    assert_eq!(e["state"], "failed");
    let table = s.pushgate("ok", &["env", "list", "--repo", s.repo()]);
    table.assert_ok();
    assert!(!table.stdout.contains('\u{1b}'), "{}", table.stdout);
    insta::assert_snapshot!("env-list-failed", mask_times(&s.w, &table.stdout));

    let history = s.json(&["env", "history", name]);
    let statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed", "succeeded", "succeeded"]);
    assert_eq!(history[2]["commits"][0], a.as_str());

    // Roll back: what runs is B, so it goes back to A.
    let r = s.pushgate(
        "ok",
        &[
            "rollback",
            name,
            "--reason",
            "bad deploy",
            "--as",
            "oncall",
            "--repo",
            s.repo(),
        ],
    );
    r.assert_ok()
        .assert_says(&format!("to {a}: apply succeeded"))
        .assert_says("git read-tree -u --reset");
    assert_eq!(
        s.applied().last().unwrap(),
        &format!("{name} {a} refs/heads/main")
    );
    assert_eq!(
        s.w.server_ref("refs/heads/main").as_deref(),
        Some(c.as_str()),
        "a rollback never moves the ref"
    );
    let list = s.json(&["env", "list"]);
    assert_eq!(list[0]["state"], "rolled_back");
    assert_eq!(list[0]["deployed"]["commit"], a.as_str());
    let rollbacks = s.json(&["audit", "list", "--decision", "rollback"]);
    assert_eq!(rollbacks.as_array().unwrap().len(), 1);
    assert_eq!(rollbacks[0]["reason"], "bad deploy");
    assert_eq!(rollbacks[0]["pusher"], "oncall");
    assert_eq!(rollbacks[0]["apply"]["status"], "succeeded");
    let table = s.pushgate("ok", &["env", "history", name, "--repo", s.repo()]);
    insta::assert_snapshot!("env-history-rolled-back", mask_times(&s.w, &table.stdout));
    // Rolling back again goes further back: nothing before A.
    s.pushgate(
        "ok",
        &["rollback", name, "--as", "oncall", "--repo", s.repo()],
    )
    .assert_exit(2)
    .assert_says("no earlier successful deployment");

    // The next push that lands deploys normally.
    let d = s.w.commit(&s.work, "k8s/app.yaml", "kind: D\n", "d");
    s.push("ok", &["origin", "HEAD:refs/heads/main"])
        .assert_ok();
    let list = s.json(&["env", "list"]);
    assert_eq!(list[0]["state"], "deployed");
    assert_eq!(list[0]["deployed"]["commit"], d.as_str());
    // And the log still verifies, rollback rows and all.
    s.pushgate("ok", &["audit", "verify", "--repo", s.repo()])
        .assert_ok();
}

#[test]
fn dora_over_real_pushes() {
    let s = site(
        "  - match: refs/heads/main\n    environment: production\n",
        "audit.db",
    );
    for (i, mode) in ["ok", "fail", "ok", "ok"].iter().enumerate() {
        s.w.commit(&s.work, "k8s/app.yaml", &format!("kind: K{i}\n"), "change");
        s.push(mode, &["origin", "HEAD:refs/heads/main"])
            .assert_ok();
    }
    let report = s.json(&["report", "dora", "--environment", "production"]);
    let p = &report[0];
    assert_eq!(p["deployments"], 4);
    assert_eq!(p["successful"], 3);
    assert_eq!(p["failed"], 1);
    assert_eq!(p["change_failure_rate"], 0.25);
    assert_eq!(p["unrestored"], 0);
    // Commits are dated 2026-06-01 by the tests; the applies ran now.
    assert!(p["lead_time_median_seconds"].as_i64().unwrap() > 86_400);
    let table = s.pushgate("ok", &["report", "dora", "--repo", s.repo()]);
    table.assert_ok().assert_says("25% (1/4)");
}

#[test]
fn promotion_across_repositories_sharing_one_postgresql_log() {
    let pg = PgServer::start();
    let w = World::new();
    let out = w.path("applied");
    std::fs::create_dir_all(&out).unwrap();
    let make = |name: &str, refs: &str| -> PathBuf {
        let server = w.path(name);
        w.git_ok(
            w.dir.path(),
            &["init", "-q", "--bare", server.to_str().unwrap()],
        );
        std::fs::write(
            server.join("pushgate.yaml"),
            format!(
                "version: 1\naudit:\n  database: {}\nrefs:\n{refs}apply:\n  command: [./apply.sh]\n",
                pg.url
            ),
        )
        .unwrap();
        w.script(&server.join("apply.sh"), SCRIPT);
        w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
            .assert_ok();
        server
    };
    let staging = make(
        "staging.git",
        "  - match: refs/heads/main\n    environment: staging\n",
    );
    let production = make(
        "production.git",
        "  - match: refs/heads/main\n    environment: production\n    promote_from: staging\n  - match: refs/heads/other\n    environment: staging\n",
    );
    let work = w.path("work");
    w.git_ok(w.dir.path(), &["init", "-q", work.to_str().unwrap()]);
    w.commit(&work, "k8s/app.yaml", "kind: A\n", "a");
    let push = |remote: &Path| {
        let mut c = w.cmd("git", &work);
        c.args(["push", remote.to_str().unwrap(), "HEAD:refs/heads/main"])
            .env("APPLY_OUT", &out)
            .env("APPLY_MODE", "ok");
        Run::from(c.output().unwrap())
    };
    push(&production)
        .assert_rejected()
        .assert_says("was never deployed to staging");
    push(&staging).assert_ok();
    push(&production).assert_ok();
    // Both servers' records are in the one log, and it verifies.
    let r = w.pushgate(
        w.dir.path(),
        &[
            "env",
            "list",
            "--format",
            "json",
            "--repo",
            production.to_str().unwrap(),
        ],
    );
    r.assert_ok();
    let list: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["environment"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["production", "staging"]);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["state"] == "deployed"));
}

/// [`mask`], and the times of day the log records (they are the clock's).
fn mask_times(w: &World, text: &str) -> String {
    let times =
        regex::Regex::new(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z").unwrap();
    let durations = regex::Regex::new(r"\b[0-9]+\.[0-9]s\b").unwrap();
    let text = times.replace_all(text, "[time]");
    let text = mask(w, &text);
    durations.replace_all(&text, "[s]").into_owned()
}
