//! The audit log on real pushes: one record per ref update, landed only
//! once the ref moved, every filter, tamper detection, concurrency, and
//! failing closed when it cannot be written. The suite runs twice: on
//! SQLite and on a PostgreSQL server of its own (`sqlite::` and
//! `postgres::` test names).

use std::path::PathBuf;

use crate::support::*;

const CONFIG: &str = "version: 1
audit:
  database: DATABASE
refs:
  - match: refs/heads/main
    environment: production
    allow_force_push: false
    pushers: [alice, bob]
policies:
  - path: POLICY
    manifest_namespaces: [main]
";

/// Every test below that takes a [`Backend`] runs on both engines.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(crate::support::Backend::Sqlite) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(crate::support::Backend::Postgres) } )*
        }
    };
}

on_both_engines!(
    every_decision_is_recorded_with_its_fields,
    filters_select_what_they_say,
    verify_detects_altered_and_removed_records,
    the_last_record_removed_is_caught,
    concurrent_pushes_keep_one_chain,
    signer_filter_answers_what_a_key_let_through,
    reconcile_finds_refs_moved_past_the_gate,
    export_and_import_carry_the_chain_across_engines,
    verify_checks_every_index_row_and_column,
);

fn setup(w: &World, backend: Backend) -> (PathBuf, AuditDb) {
    let db = AuditDb::new(w, backend);
    let pol = w.path("policy");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains \"no secrets\" if input.kind == \"Secret\"\n",
    )
    .unwrap();
    w.server(
        &CONFIG
            .replace("POLICY", pol.to_str().unwrap())
            .replace("DATABASE", &db.database),
    );
    (w.clone("work"), db)
}

fn audit(w: &World, args: &[&str]) -> Run {
    let mut full = vec!["audit"];
    full.extend_from_slice(args);
    let server = w.path("server.git");
    full.extend(["--repo", server.to_str().unwrap()]);
    w.pushgate(w.dir.path(), &full)
}

fn list(w: &World, filters: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["list", "--format", "json"];
    args.extend_from_slice(filters);
    let r = audit(w, &args);
    assert!(r.ok(), "{}{}", r.stdout, r.stderr);
    serde_json::from_str::<serde_json::Value>(&r.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn every_decision_is_recorded_with_its_fields(backend: Backend) {
    let w = World::new();
    let (work, _db) = setup(&w, backend);
    let good = w.commit(&work, "app.yaml", "kind: ConfigMap\n", "good");
    w.push(&work, Some("alice"), &["-o", "ticket=42", "origin", "main"])
        .assert_ok();
    w.commit(&work, "s.yaml", "kind: Secret\n", "secret");
    w.push(&work, Some("bob"), &["origin", "main"])
        .assert_rejected();
    w.push(&work, Some("mallory"), &["origin", "main"])
        .assert_rejected();

    let all = list(&w, &[]);
    assert_eq!(all.len(), 3, "{all:#?}");
    // Newest first.
    let (by_mallory, by_bob, by_alice) = (&all[0], &all[1], &all[2]);
    assert_eq!(by_alice["decision"], "accepted");
    assert_eq!(by_alice["landed"], true);
    assert_eq!(by_alice["ref"], "refs/heads/main");
    assert_eq!(by_alice["action"], "create");
    assert_eq!(by_alice["environment"], "production");
    assert_eq!(by_alice["pusher"], "alice");
    assert_eq!(by_alice["new"], good.as_str());
    assert_eq!(by_alice["commits"][0], good.as_str());
    assert_eq!(by_alice["push_options"][0], "ticket=42");
    assert_eq!(by_alice["apply"], serde_json::Value::Null);
    assert_eq!(by_bob["decision"], "rejected");
    assert_eq!(by_bob["landed"], false);
    assert_eq!(by_bob["violations"][0]["rule"], "main.deny");
    assert_eq!(by_bob["violations"][0]["path"], "s.yaml");
    assert_eq!(
        by_mallory["violations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["rule"] == "pusher-not-allowed")
            .count(),
        1
    );
    for r in &all {
        assert_eq!(r["hash"].as_str().unwrap().len(), 64);
    }
    assert_eq!(all[0]["prev_hash"], all[1]["hash"]);

    let show = audit(&w, &["show", &by_alice["id"].to_string()]);
    show.assert_ok()
        .assert_says("accepted refs/heads/main")
        .assert_says("ticket=42");
    let table = audit(&w, &["list"]);
    table
        .assert_ok()
        .assert_says("ID")
        .assert_says("landed")
        .assert_says("mallory");
}

fn filters_select_what_they_say(backend: Backend) {
    let w = World::new();
    let (work, _db) = setup(&w, backend);
    let first = w.commit(&work, "a.yaml", "kind: A\n", "a");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    w.commit(&work, "b.yaml", "kind: B\n", "b");
    w.push(
        &work,
        Some("bob"),
        &["origin", "main", "main:refs/heads/dev"],
    )
    .assert_ok();
    w.push(&work, Some("mallory"), &["origin", "main:refs/heads/other"])
        .assert_ok();

    assert_eq!(list(&w, &["--pusher", "bob"]).len(), 2);
    assert_eq!(list(&w, &["--ref", "refs/heads/dev"]).len(), 1);
    assert_eq!(list(&w, &["--decision", "accepted"]).len(), 4);
    assert_eq!(list(&w, &["--decision", "rejected"]).len(), 0);
    assert_eq!(list(&w, &["--environment", "production"]).len(), 2);
    assert_eq!(list(&w, &["--commit", &first]).len(), 1);
    assert_eq!(list(&w, &["--limit", "2"]).len(), 2);
    assert_eq!(list(&w, &["--since", "2000-01-01"]).len(), 4);
    assert_eq!(list(&w, &["--until", "2000-01-01"]).len(), 0);
    assert_eq!(list(&w, &["--since", "2999-01-01T00:00:00Z"]).len(), 0);
    assert_eq!(audit(&w, &["list", "--since", "yesterday"]).status, 2);
    // A bound with an offset is an instant: an hour before the newest
    // record, written in +02:00 (so its text sorts after the record's UTC
    // time), still finds it.
    let newest = list(&w, &["--limit", "1"])[0]["time"]
        .as_str()
        .unwrap()
        .to_owned();
    let t: jiff::Timestamp = newest.parse().unwrap();
    let before = (t - jiff::SignedDuration::from_hours(1))
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(2)))
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    assert!(before.as_str() > newest.as_str(), "{before} {newest}");
    assert_eq!(list(&w, &["--since", &before, "--limit", "1"]).len(), 1);

    // No identity at all, on a ref that requires none: recorded as null,
    // shown as unknown, and found with `--pusher unknown`.
    w.push(&work, None, &["origin", "main:refs/heads/anon"])
        .assert_ok();
    let unknown = list(&w, &["--pusher", "unknown"]);
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["ref"], "refs/heads/anon");
    assert!(unknown[0]["pusher"].is_null());
    audit(&w, &["list", "--ref", "refs/heads/anon"])
        .assert_ok()
        .assert_says("(unknown)");
}

fn verify_detects_altered_and_removed_records(backend: Backend) {
    let w = World::new();
    let (work, db) = setup(&w, backend);
    for i in 0..4 {
        w.commit(&work, &format!("f{i}.yaml"), "kind: A\n", &format!("c{i}"));
        w.push(&work, Some("alice"), &["origin", "main"])
            .assert_ok();
    }
    audit(&w, &["verify"])
        .assert_ok()
        .assert_says("audit log intact: 8 entries");

    db.exec("UPDATE entries SET body = replace(body, '\"alice\"', '\"bob\"') WHERE seq = 3");
    let r = audit(&w, &["verify"]);
    assert_eq!(r.status, 1);
    r.assert_says("BROKEN at record 3").assert_says("altered");

    // Tampering with the query index only is caught too.
    db.exec("UPDATE entries SET body = replace(body, '\"bob\"', '\"alice\"') WHERE seq = 3");
    audit(&w, &["verify"]).assert_ok();
    db.exec("UPDATE decisions SET pusher = 'mallory' WHERE id = 5");
    audit(&w, &["verify"])
        .assert_rejected()
        .assert_says("BROKEN at record 5");
    db.exec("UPDATE decisions SET pusher = 'alice' WHERE id = 5");

    db.exec("DELETE FROM entries WHERE seq = 4");
    let r = audit(&w, &["verify"]);
    assert_eq!(r.status, 1);
    r.assert_says("record 4 is missing").assert_says("removed");
}

fn the_last_record_removed_is_caught(backend: Backend) {
    let w = World::new();
    let (work, db) = setup(&w, backend);
    w.commit(&work, "a.yaml", "kind: A\n", "a");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    db.exec("DELETE FROM entries WHERE seq = (SELECT max(seq) FROM entries)");
    audit(&w, &["verify"])
        .assert_rejected()
        .assert_says("removed");
}

fn concurrent_pushes_keep_one_chain(backend: Backend) {
    let w = World::new();
    let (work, _db) = setup(&w, backend);
    w.commit(&work, "base.yaml", "kind: A\n", "base");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    let clones: Vec<PathBuf> = (0..16)
        .map(|i| {
            let c = w.clone(&format!("c{i}"));
            w.commit(
                &c,
                &format!("f{i}.yaml"),
                "kind: A\n",
                &format!("change {i}"),
            );
            c
        })
        .collect();
    std::thread::scope(|s| {
        for (i, c) in clones.iter().enumerate() {
            let w = &w;
            s.spawn(move || {
                // Half to their own branch, half racing for main.
                let target = if i % 2 == 0 {
                    format!("HEAD:refs/heads/b{i}")
                } else {
                    "HEAD:main".to_string()
                };
                w.push(c, Some("alice"), &["origin", &target])
            });
        }
    });
    audit(&w, &["verify"]).assert_ok();
    let all = list(&w, &["--limit", "100"]);
    // One decision per attempted ref update (git may refuse a lost race on
    // main before any hook runs; those leave no decision).
    assert!(
        all.len() > 8,
        "base push plus eight branches at least: {}",
        all.len()
    );
    assert!(all.len() <= 17);
    let branches = all
        .iter()
        .filter(|r| r["ref"].as_str().unwrap().starts_with("refs/heads/b"))
        .count();
    assert_eq!(branches, 8);
    assert!(all
        .iter()
        .all(|r| r["decision"] == "accepted" || r["landed"] == false));
}

#[test]
fn an_unwritable_audit_log_rejects_the_push() {
    let w = World::new();
    let (work, _db) = setup(&w, Backend::Sqlite);
    let server = w.path("server.git");
    let cfg = std::fs::read_to_string(server.join("pushgate.yaml")).unwrap();
    std::fs::write(
        server.join("pushgate.yaml"),
        cfg.replace("database: audit.db", "database: missing-dir/audit.db"),
    )
    .unwrap();
    w.commit(&work, "a.yaml", "kind: A\n", "a");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_rejected()
        .assert_says("audit log cannot be written")
        .assert_says("missing-dir");
    assert!(w.server_ref("refs/heads/main").is_none());
}

fn signer_filter_answers_what_a_key_let_through(backend: Backend) {
    let w = World::new();
    let db = AuditDb::new(&w, backend);
    let (key, public) = crate::keys::ssh_keygen(&w, "bob", "ed25519");
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::copy(&public, server.join("bob.pub")).unwrap();
    std::fs::write(
        server.join("pushgate.yaml"),
        format!("version: 1\naudit:\n  database: {}\nkeys:\n  bob: bob.pub\nrefs:\n  - match: refs/heads/main\n    require_signed_commits: true\n", db.database),
    )
    .unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    let work = w.clone("work");
    std::fs::write(work.join("a"), "a").unwrap();
    w.git_ok(&work, &["add", "a"]);
    let signing = format!("user.signingkey={}", key.display());
    w.git_ok(
        &work,
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &signing,
            "commit",
            "-q",
            "-S",
            "-m",
            "signed",
        ],
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.commit(&work, "b", "b", "unsigned");
    w.push(&work, None, &["origin", "main"]).assert_rejected();
    let by_bob = list(&w, &["--signer", "bob"]);
    assert_eq!(by_bob.len(), 1);
    assert_eq!(by_bob[0]["signers"][0], "bob");
    assert_eq!(by_bob[0]["decision"], "accepted");
    assert_eq!(list(&w, &["--signer", "alice"]).len(), 0);
}

fn reconcile_finds_refs_moved_past_the_gate(backend: Backend) {
    let w = World::new();
    let (work, _db) = setup(&w, backend);
    let first = w.commit(&work, "a.yaml", "kind: A\n", "first");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    w.commit(&work, "b.yaml", "kind: B\n", "second");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    w.push(&work, Some("alice"), &["origin", "main:side"])
        .assert_ok();
    audit(&w, &["reconcile"])
        .assert_ok()
        .assert_says("all 2 refs are explained");

    // Moved back with plain git on the server, a new ref written directly,
    // and a ref deleted directly: each is drift, named.
    let server = w.path("server.git");
    w.git_ok(&server, &["update-ref", "refs/heads/main", &first]);
    w.git_ok(&server, &["update-ref", "refs/heads/sneaky", &first]);
    w.git_ok(&server, &["update-ref", "-d", "refs/heads/side"]);
    let r = audit(&w, &["reconcile"]);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    r.assert_says(&format!(
        "DRIFT    refs/heads/main is at {first}, but the newest landed decision"
    ))
    .assert_says("DRIFT    refs/heads/sneaky")
    .assert_says("no accepted decision in the audit log ever set it")
    .assert_says("DRIFT    refs/heads/side is gone")
    .assert_says("3 ref(s) moved past the gate");
    let json = audit(&w, &["reconcile", "--format", "json"]);
    let found: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(found.len(), 3);
    assert!(found.iter().all(|f| f["kind"] == "drift"));
}

/// `audit export` writes the whole chain as JSON lines; `audit import` puts
/// it into an empty log on the other engine, where it verifies and answers
/// queries the same; then new pushes append to it.
fn export_and_import_carry_the_chain_across_engines(backend: Backend) {
    let w = World::new();
    let (work, _db) = setup(&w, backend);
    for i in 0..3 {
        w.commit(&work, &format!("f{i}.yaml"), "kind: A\n", &format!("c{i}"));
        w.push(&work, Some("alice"), &["origin", "main"])
            .assert_ok();
    }
    w.commit(&work, "s.yaml", "kind: Secret\n", "secret");
    w.push(&work, Some("bob"), &["origin", "main"])
        .assert_rejected();
    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);
    let before = list(&w, &["--limit", "100"]);
    let exported = audit(&w, &["export"]);
    exported.assert_ok();
    assert_eq!(
        exported.stdout.lines().count(),
        7,
        "4 decisions, 3 landed facts"
    );
    let dump = w.path("log.jsonl");
    std::fs::write(&dump, &exported.stdout).unwrap();

    // The other engine.
    let other = match backend {
        Backend::Sqlite => AuditDb::new(&w, Backend::Postgres),
        Backend::Postgres => AuditDb::new(&w, Backend::Sqlite),
    };
    let server = w.path("server.git");
    let cfg = std::fs::read_to_string(server.join("pushgate.yaml")).unwrap();
    let current = cfg
        .lines()
        .find_map(|l| l.trim().strip_prefix("database: "))
        .unwrap()
        .to_owned();
    let moved = cfg.replace(&current, &other.database.replace("audit.db", "moved.db"));
    std::fs::write(server.join("pushgate.yaml"), moved).unwrap();
    audit(&w, &["import", dump.to_str().unwrap()])
        .assert_ok()
        .assert_says("imported 7 entries");
    audit(&w, &["verify"]).assert_ok().assert_says("7 entries");
    let after = list(&w, &["--limit", "100"]);
    assert_eq!(before, after);
    // Importing again is refused: the entries do not continue the chain.
    audit(&w, &["import", dump.to_str().unwrap()])
        .assert_rejected()
        .assert_says("does not follow");
    // The moved log keeps growing.
    w.commit(&work, "g.yaml", "kind: A\n", "after");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    audit(&w, &["verify"]).assert_ok().assert_says("9 entries");
}

/// PostgreSQL going away: pushes are rejected, saying the log cannot be
/// reached, and nothing is written half; once it is back, pushes pass and
/// the chain verifies.
#[test]
fn postgres_outage_rejects_pushes_until_it_is_back() {
    let w = World::new();
    let (work, db) = setup(&w, Backend::Postgres);
    w.commit(&work, "a.yaml", "kind: A\n", "a");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    let pg = db.pg().unwrap();
    pg.stop();
    w.commit(&work, "b.yaml", "kind: B\n", "b");
    let before = w.server_ref("refs/heads/main");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_rejected()
        .assert_says("cannot reach the audit database")
        .assert_says("the push is not accepted");
    assert_eq!(w.server_ref("refs/heads/main"), before);
    pg.start_again();
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    audit(&w, &["verify"]).assert_ok().assert_says("4 entries");
    let all = list(&w, &[]);
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|r| r["landed"] == true));
}

/// A PostgreSQL that wants a password: it comes from `audit.password_file`
/// or from PUSHGATE_AUDIT_PASSWORD, never the URL; without it the push is
/// rejected, naming the database (and not the password).
#[test]
fn postgres_passwords_come_from_a_file_or_the_environment() {
    let w = World::new();
    let pg = PgServer::start_with(Some("s3cret-pw"));
    let server = w.server("version: 1\n");
    let config = |extra: &str| {
        std::fs::write(
            server.join("pushgate.yaml"),
            format!(
                "version: 1\naudit:\n  database: {}\n  connect_timeout_seconds: 5\n{extra}",
                pg.url
            ),
        )
        .unwrap();
    };
    let work = w.clone("work");
    w.commit(&work, "a", "a", "a");

    config("");
    let r = w.push(&work, None, &["origin", "main"]);
    r.assert_rejected()
        .assert_says("cannot reach the audit database postgres://pushgate@");
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("s3cret-pw"));

    std::fs::write(w.path("pw"), "s3cret-pw\n").unwrap();
    config(&format!("  password_file: {}\n", w.path("pw").display()));
    w.push(&work, None, &["origin", "main"]).assert_ok();

    config("");
    w.commit(&work, "b", "b", "b");
    let mut c = w.cmd("git", &work);
    c.args(["push", "origin", "main"])
        .env("PUSHGATE_AUDIT_PASSWORD", "s3cret-pw");
    Run::from(c.output().unwrap()).assert_ok();
    let mut c = w.cmd(pushgate_bin(), w.dir.path());
    c.args(["audit", "verify", "--repo", server.to_str().unwrap()])
        .env("PUSHGATE_AUDIT_PASSWORD", "s3cret-pw");
    Run::from(c.output().unwrap())
        .assert_ok()
        .assert_says("4 entries");
}

#[test]
fn pusher_text_reaches_the_operators_terminal_escaped() {
    let w = World::new();
    let server = w.server("version: 1\naudit:\n  database: audit.db\n");
    let work = w.clone("work");
    w.commit(&work, "a", "a", "chore: \u{1b}]52;c;ZXZpbA==\u{7} subject");
    let evil = "opt\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}";
    w.push(
        &work,
        Some("mallory\u{1b}[31m"),
        &["-o", evil, "origin", "main"],
    )
    .assert_ok();
    let records = w.records(&server);
    let id = records[0]["id"].as_i64().unwrap().to_string();
    let repo = server.to_str().unwrap();
    for args in [
        vec!["audit", "show", &id, "--repo", repo],
        vec!["audit", "list", "--repo", repo],
    ] {
        let r = w.pushgate(w.dir.path(), &args);
        assert!(r.ok(), "{}", r.stderr);
        assert!(
            !r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{7}'),
            "{args:?} printed raw escapes:\n{}",
            r.stdout
        );
    }
    // JSON stays exact.
    let r = w.pushgate(
        w.dir.path(),
        &["audit", "show", &id, "--repo", repo, "--format", "json"],
    );
    assert!(r.stdout.contains("\\u001b"), "{}", r.stdout);
}

fn verify_checks_every_index_row_and_column(backend: Backend) {
    let w = World::new();
    let (work, db) = setup(&w, backend);
    for i in 0..3 {
        w.commit(&work, &format!("f{i}.yaml"), "kind: A\n", &format!("c{i}"));
        w.push(&work, Some("alice"), &["origin", "main"])
            .assert_ok();
    }
    audit(&w, &["verify"]).assert_ok();
    let decision = records(&w)[0]["id"].as_i64().unwrap();
    // Each edit below leaves the chain itself intact; verify must catch it
    // in the index, and `list` must refuse to read through it.
    let edits = [
        (format!("UPDATE decisions SET environment = 'staging' WHERE id = {decision}"), "environment"),
        (format!("UPDATE decisions SET time = '2000-01-01T00:00:00Z' WHERE id = {decision}"), "time"),
        (format!("UPDATE decisions SET new = 'x' WHERE id = {decision}"), "new"),
        (format!("UPDATE decisions SET landed = 0 WHERE id = {decision}"), "landed"),
        (format!("DELETE FROM decision_commits WHERE decision_id = {decision}"), "decision_commits"),
        (format!("INSERT INTO decision_signers VALUES({decision}, 'mallory')"), "decision_signers"),
        (format!("UPDATE entries SET decision_id = 1 WHERE kind = 'landed' AND decision_id = {decision}"), "filed under decision"),
        // A decision relabelled (its index rows gone with it) drops out of
        // every query; a landed fact relabelled un-lands the push.
        (format!("UPDATE entries SET kind = 'note' WHERE seq = {decision}"), "kind `note`"),
        (format!("UPDATE entries SET kind = 'apply' WHERE kind = 'landed' AND decision_id = {decision}"), "kind `apply`"),
    ];
    const TABLES: [&str; 4] = [
        "entries",
        "decisions",
        "decision_commits",
        "decision_signers",
    ];
    for t in TABLES {
        db.exec(&format!("CREATE TABLE bak_{t} AS SELECT * FROM {t}"));
    }
    for (edit, says) in &edits {
        db.exec(edit);
        audit(&w, &["verify"])
            .assert_rejected()
            .assert_says("BROKEN at record")
            .assert_says(says);
        let r = audit(&w, &["list"]);
        assert_ne!(
            r.status, 0,
            "list read through a broken index after {edit}: {}",
            r.stdout
        );
        for t in TABLES {
            db.exec(&format!("DELETE FROM {t}"));
            db.exec(&format!("INSERT INTO {t} SELECT * FROM bak_{t}"));
        }
        audit(&w, &["verify"]).assert_ok();
    }
}

fn records(w: &World) -> Vec<serde_json::Value> {
    w.records(&w.path("server.git"))
}
