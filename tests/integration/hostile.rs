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
    r.assert_says("gate-error")
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
