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
