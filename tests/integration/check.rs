//! `pushgate check`: the server's decision on a local clone.

use crate::protection::{seeded, CONFIG};
use crate::support::*;

#[test]
fn check_agrees_with_the_server() {
    let w = World::new();
    let work = seeded(&w);
    std::fs::write(work.join("pushgate.yaml"), CONFIG).unwrap();
    w.git_ok(&work, &["commit", "-q", "--amend", "-m", "rewritten"]);
    let r = w.pushgate(&work, &["check", "origin/main", "HEAD", "refs/heads/main"]);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    r.assert_says("error[force-push]");
    // The server says the same.
    w.push(&work, Some("alice"), &["--force", "origin", "main"])
        .assert_says("error[force-push]");

    let mut c = w.cmd(pushgate_bin(), &work);
    c.args([
        "check",
        "--format",
        "json",
        ZERO,
        "HEAD",
        "refs/heads/release/9",
    ]);
    let out = c.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["accepted"], true);
    assert_eq!(v["updates"][0]["ref"], "refs/heads/release/9");
    assert_eq!(v["updates"][0]["action"], "create");
    assert_eq!(v["updates"][0]["kind"], "branch");
}

#[test]
fn check_json_lists_violations_with_codes() {
    let w = World::new();
    let work = seeded(&w);
    std::fs::write(work.join("pushgate.yaml"), CONFIG).unwrap();
    let mut c = w.cmd(pushgate_bin(), &work);
    c.args(["check", "--format", "json", "HEAD", ZERO, "refs/heads/main"])
        .env("PUSHGATE_PUSHER", "alice");
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["accepted"], false);
    assert_eq!(v["updates"][0]["action"], "delete");
    assert_eq!(v["updates"][0]["environment"], "production");
    assert_eq!(v["updates"][0]["violations"][0]["rule"], "delete-forbidden");
    assert!(v["updates"][0]["violations"][0]["required_by"]
        .as_str()
        .unwrap()
        .contains("pushgate.yaml:3"));
}

#[test]
fn check_usage_errors_exit_2() {
    let w = World::new();
    let work = seeded(&w);
    std::fs::write(work.join("pushgate.yaml"), CONFIG).unwrap();
    assert_eq!(
        w.pushgate(&work, &["check", "HEAD", "nope", "refs/heads/main"])
            .status,
        2
    );
    assert_eq!(
        w.pushgate(&work, &["check", "HEAD", "HEAD", "main"]).status,
        2
    );
    assert_eq!(w.pushgate(&work, &["check"]).status, 2);
}

#[test]
fn check_trusts_only_the_servers_refs_for_a_new_ref() {
    // Signed commits everywhere: an unsigned commit on the clone's own
    // `main` must not vouch for itself when CI checks a new ref.
    let w = World::new();
    let (_key, public) = crate::keys::ssh_keygen(&w, "bob", "ed25519");
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::copy(&public, server.join("bob.pub")).unwrap();
    let cfg = "version: 1\nkeys:\n  bob: bob.pub\nrefs:\n  - match: refs/heads/**\n    require_signed_commits: true\n";
    std::fs::write(server.join("pushgate.yaml"), cfg).unwrap();
    let work = w.clone("work");
    std::fs::copy(&public, work.join("bob.pub")).unwrap();
    std::fs::write(work.join("pushgate.yaml"), cfg).unwrap();
    w.commit(&work, "a", "a", "unsigned, only local");
    let check = |extra: &[&str]| {
        let mut args = vec!["check"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[ZERO, "HEAD", "refs/heads/feature"]);
        w.pushgate(&work, &args)
    };
    let r = check(&[]);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    r.assert_says("error[unsigned]")
        .assert_says("every commit the update brings is checked");
    // origin has nothing yet: its tracking refs vouch for nothing either.
    let r = check(&["--server-refs", "origin"]);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    r.assert_says("error[unsigned]");
}
