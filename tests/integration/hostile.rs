//! Pusher-controlled input treated as data: hostile ref names, broken
//! configs, garbage on the hook's stdin. Each fails closed with a message.

use crate::protection::{seeded, CONFIG};
use crate::support::*;

#[test]
fn hostile_ref_names_are_data() {
    let w = World::new();
    // A rule that matches them all, so every name goes through matching,
    // protection and the report.
    let cfg = format!("{CONFIG}  - match: refs/heads/env/**\n    pushers: [alice]\n");
    w.server(&cfg);
    let work = w.clone("work");
    w.commit(&work, "a", "a", "a");
    for name in [
        "env/x$(touch${IFS}PWNED)",
        "env/a;b",
        "env/`touch${IFS}PWNED2`",
        "env/'quote\"d",
        "env/$HOME|cat",
    ] {
        let refspec = format!("HEAD:refs/heads/{name}");
        w.push(&work, Some("mallory"), &["origin", &refspec])
            .assert_rejected()
            .assert_says(&format!("mallory may not push to refs/heads/{name}"));
        w.push(&work, Some("alice"), &["origin", &refspec])
            .assert_ok();
        assert!(w.server_ref(&format!("refs/heads/{name}")).is_some());
    }
    for dir in [
        w.dir.path().to_path_buf(),
        w.path("server.git"),
        work.clone(),
    ] {
        for f in ["PWNED", "PWNED2"] {
            assert!(
                !dir.join(f).exists(),
                "{} was created: a ref name reached a shell",
                dir.join(f).display()
            );
        }
    }
}

#[test]
fn broken_config_rejects_the_push_naming_the_file_and_line() {
    let w = World::new();
    let work = seeded(&w);
    let server = w.path("server.git");
    std::fs::write(
        server.join("pushgate.yaml"),
        "version: 1\nrefs:\n  - match: refs/heads/main\n    allow_delete: sometimes\n",
    )
    .unwrap();
    w.commit(&work, "x", "x", "x");
    let r = w.push(&work, Some("alice"), &["origin", "main"]);
    r.assert_rejected().assert_says("error[config-broken]");
    assert!(!r.stderr.contains("pushgate.yaml"), "{}", r.stderr);
    w.config_check(&server)
        .assert_exit(2)
        .assert_says(&format!("{}:4:", server.join("pushgate.yaml").display()));

    std::fs::remove_file(server.join("pushgate.yaml")).unwrap();
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_rejected()
        .assert_says("error[config-broken]");
    w.config_check(&server)
        .assert_exit(2)
        .assert_says("cannot read the config");
}

#[test]
fn config_using_unsupported_features_fails_closed() {
    let w = World::new();
    let work = seeded(&w);
    let server = w.path("server.git");
    w.commit(&work, "x", "x", "x");
    for (config, says) in [
        (
            // Nothing listens there: the push cannot be recorded, so it
            // is rejected, saying so.
            "version: 1\naudit:\n  database: postgres://pushgate@127.0.0.1:1/audit\n  connect_timeout_seconds: 2\n",
            "cannot reach the audit database postgres://pushgate@127.0.0.1:1/audit",
        ),
        (
            "version: 1\nrefs:\n  - match: refs/heads/**\n    require_signed_commits: true\n",
            "requires signatures, but `keys:` names no signer",
        ),
    ] {
        std::fs::write(server.join("pushgate.yaml"), config).unwrap();
        let r = w.push(&work, Some("alice"), &["origin", "main"]);
        r.assert_rejected();
        if r.stderr.contains("config-broken") {
            w.config_check(&server).assert_exit(2).assert_says(says);
        } else {
            r.assert_says(says);
        }
    }
}

fn run_hook_with_stdin(w: &World, input: &[u8]) -> Run {
    use std::io::Write;
    let server = w.path("server.git");
    let mut c = w.cmd(pushgate_bin(), &server);
    c.args(["hook", "pre-receive"])
        .env("GIT_DIR", &server)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(input);
    drop(stdin);
    Run::from(child.wait_with_output().unwrap())
}

#[test]
fn garbage_on_stdin_gets_a_clear_error() {
    let w = World::new();
    seeded(&w);
    let r = run_hook_with_stdin(&w, b"this is not git talking\n");
    assert_eq!(r.status, 2);
    r.assert_says("standard input line 1")
        .assert_says("not `<old-oid> <new-oid> <ref>`");

    let r = run_hook_with_stdin(&w, &[0xff; 100_000]);
    assert_eq!(r.status, 2);
    r.assert_says("not git's hook protocol");

    let r = run_hook_with_stdin(&w, format!("{ZERO} {ZERO} refs/heads/x\n").as_bytes());
    assert_eq!(r.status, 2);
    r.assert_says("both object ids are zero");

    // An object the repository does not have.
    let r = run_hook_with_stdin(
        &w,
        format!("{ZERO} {} refs/heads/x\n", "ab".repeat(20)).as_bytes(),
    );
    // The update could be read, so it is decided (rejected) and recorded
    // like any other, with the cause as its finding.
    assert_eq!(r.status, 1);
    r.snapshot_code(&w, "gate-error")
        .assert_says("gate-error")
        .assert_says("is not in the repository");

    // Empty stdin is an empty push: nothing to reject.
    run_hook_with_stdin(&w, b"").assert_ok();
}

#[test]
fn a_tree_git_would_not_check_out_is_refused() {
    // A tree with a `..` entry (git fsck: hasDotdot): its export for the
    // apply would fail, and a checkout would write outside the work tree.
    let w = World::new();
    w.server("version: 1\n");
    let work = w.clone("work");
    w.commit(&work, "README.md", "hi", "chore: start");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();
    let repo = git2::Repository::open(&work).unwrap();
    let blob = repo.blob(b"evil").unwrap();
    let mut raw = b"100644 ..\0".to_vec();
    raw.extend_from_slice(blob.as_bytes());
    let tree = repo
        .odb()
        .unwrap()
        .write(git2::ObjectType::Tree, &raw)
        .unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let sig = git2::Signature::now("A", "a@example.com").unwrap();
    let tree = repo.find_tree(tree).unwrap();
    let id = repo
        .commit(None, &sig, &sig, "chore: dotdot", &tree, &[&head])
        .unwrap();
    let r = w.push(&work, None, &["origin", &format!("{id}:refs/heads/main")]);
    r.assert_rejected();
    assert!(
        r.stderr.contains("hasDotdot") || r.stderr.contains(".."),
        "{}",
        r.stderr
    );
    assert_ne!(w.server_ref("refs/heads/main"), Some(id.to_string()));
}

/// A typo anywhere in the config (an unknown key) makes the strict parse
/// fail; the rejection is still recorded in the audit log the config names,
/// with the whole error, so operators find it there.
#[test]
fn a_config_that_does_not_parse_still_records_its_rejections() {
    let w = World::new();
    let server = w.server("version: 1\naudit:\n  database: audit.db\n");
    let work = w.clone("work");
    w.commit(&work, "a", "a", "a");
    w.push(&work, Some("alice"), &["-q", "origin", "main"])
        .assert_ok();
    std::fs::write(
        server.join("pushgate.yaml"),
        "version: 1\naudit:\n  database: audit.db\nrefs:\n  - match: refs/heads/main\n    alow_force_push: false\n",
    )
    .unwrap();
    w.commit(&work, "b", "b", "b");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_rejected()
        .assert_says("error[config-broken]");
    let newest = &w.records(&server)[0];
    assert_eq!(newest["decision"], "rejected");
    assert_eq!(newest["violations"][0]["rule"], "config-broken");
    assert!(
        newest["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("alow_force_push"),
        "{newest}"
    );
}

/// The documented roll-out: versioned release directories behind a
/// `current` symlink. `config check` catches a release whose relative
/// audit path would start an empty log; the switch by rename(2) takes
/// effect on the next push, reading the new release's policies.
#[test]
fn config_releases_switch_by_symlink_and_keep_one_audit_log() {
    let w = World::new();
    let etc = w.path("etc");
    let release = |name: &str, database: &str, banned: &str| {
        let dir = etc.join("releases").join(name);
        std::fs::create_dir_all(dir.join("policy")).unwrap();
        std::fs::write(
            dir.join("policy/p.rego"),
            format!("package main\nimport rego.v1\ndeny contains \"{banned} is banned\" if input.kind == \"{banned}\"\n"),
        )
        .unwrap();
        std::fs::write(
            dir.join("pushgate.yaml"),
            format!("version: 1\naudit:\n  database: {database}\npolicies:\n  - path: policy\n    manifest_namespaces: [main]\n"),
        )
        .unwrap();
        dir
    };
    let db = w.path("audit.db");
    release("r1", db.to_str().unwrap(), "Secret");
    std::os::unix::fs::symlink("releases/r1", etc.join("current")).unwrap();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    let live = etc.join("current/pushgate.yaml");
    w.pushgate(
        w.dir.path(),
        &[
            "install",
            server.to_str().unwrap(),
            "--config",
            live.to_str().unwrap(),
        ],
    )
    .assert_ok();
    let work = w.clone("work");
    w.commit(&work, "a.yaml", "kind: ConfigMap\n", "a");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();

    // A release with a relative audit path: refused before it goes live.
    let bad = release("r2-bad", "audit.db", "ConfigMap");
    let cfg = bad.join("pushgate.yaml");
    w.pushgate(
        w.dir.path(),
        &["config", "check", "--config", cfg.to_str().unwrap()],
    )
    .assert_exit(2)
    .assert_says("does not exist; a push would start a new, empty log there");
    assert!(!bad.join("audit.db").exists(), "config check created a log");

    let good = release("r2", db.to_str().unwrap(), "ConfigMap");
    w.pushgate(
        w.dir.path(),
        &[
            "config",
            "check",
            "--config",
            good.join("pushgate.yaml").to_str().unwrap(),
        ],
    )
    .assert_ok();
    std::os::unix::fs::symlink("releases/r2", etc.join("current.new")).unwrap();
    std::fs::rename(etc.join("current.new"), etc.join("current")).unwrap();
    w.commit(&work, "b.yaml", "kind: ConfigMap\n", "b");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("ConfigMap is banned");
    // One log across releases: both pushes are in it.
    assert_eq!(w.records(&server).len(), 2);
}
