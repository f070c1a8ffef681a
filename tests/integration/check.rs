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

/// CI's path: the server's config exported (keys, policies and data copied,
/// audit and apply left out) is what `check --config` runs in a clone far
/// from the server, with `--pusher` saying who CI runs for; its verdicts
/// equal the server's own on the same pushes. A branch behind main is
/// judged by what it adds with `--against`, not called a force push.
#[test]
fn an_exported_config_gives_ci_the_servers_verdicts() {
    use crate::keys::Pgp;
    let w = World::new();
    let ops = Pgp::ed25519("ops");
    let etc = w.path("etc");
    std::fs::create_dir_all(etc.join("policy")).unwrap();
    std::fs::create_dir_all(etc.join("data")).unwrap();
    std::fs::write(etc.join("ops.asc"), ops.public_armored()).unwrap();
    std::fs::write(etc.join("odd.asc"), Pgp::ed25519("odd").public_armored()).unwrap();
    std::fs::write(
        etc.join("policy/p.rego"),
        "package main\nimport rego.v1\ndeny contains msg if { input.kind == data.banned[_]; msg := \"banned kind\" }\n",
    )
    .unwrap();
    std::fs::write(etc.join("data/banned.yaml"), "banned: [Secret]\n").unwrap();
    let config = format!(
        "version: 1
keys:
  ops: {etc}/ops.asc
  \"../../escaped\": {etc}/odd.asc
audit:
  database: {etc}/audit.db
apply:
  command: [/bin/true]
refs:
  - match: refs/heads/main
    environment: production
    allow_force_push: false
    pushers: [alice]
  - match: refs/heads/release/*
    require_signed_commits: true
    signers: [ops]
policies:
  - path: {etc}/policy
    data: [{etc}/data]
    manifest_namespaces: [main]
",
        etc = etc.display()
    );
    let server = w.server(&config);
    let exported = w.path("exported");
    export_config(&w, &server, &exported)
        .assert_ok()
        .assert_says("4 file(s)");
    // A signer's name is not a path: nothing is written outside the export.
    assert!(!w.path("escaped").exists() && !w.dir.path().join("../escaped").exists());
    let text = std::fs::read_to_string(exported.join("pushgate.yaml")).unwrap();
    assert!(
        !text.contains("audit:")
            && !text.contains("apply:")
            && !text.contains(etc.to_str().unwrap()),
        "{text}"
    );
    // It names nothing of the server: CI needs only the exported directory.
    let exported_config = exported.join("pushgate.yaml");
    let check = |work: &std::path::Path, args: &[&str]| {
        let mut full = vec!["check", "--config", exported_config.to_str().unwrap()];
        full.extend_from_slice(args);
        w.pushgate(work, &full)
    };

    let work = w.clone("work");
    w.commit(&work, "app.yaml", "kind: ConfigMap\n", "initial");
    let tip = w.git_ok(&work, &["rev-parse", "HEAD"]);
    w.push(&work, Some("alice"), &["-q", "origin", "main"])
        .assert_ok();
    w.git_ok(&work, &["fetch", "-q", "origin"]);

    // Who pushes matters: bob is refused by the server and by CI alike.
    w.commit(&work, "b.yaml", "kind: ConfigMap\n", "feat: b");
    check(
        &work,
        &["--pusher", "bob", "origin/main", "HEAD", "refs/heads/main"],
    )
    .assert_exit(1)
    .assert_says("error[pusher-not-allowed]");
    check(
        &work,
        &[
            "--pusher",
            "alice",
            "origin/main",
            "HEAD",
            "refs/heads/main",
        ],
    )
    .assert_ok();
    w.push(&work, Some("bob"), &["origin", "main"])
        .assert_says("error[pusher-not-allowed]");

    // The policy and its data came along: a Secret is refused by both.
    w.commit(&work, "s.yaml", "kind: Secret\n", "feat: s");
    check(
        &work,
        &[
            "--pusher",
            "alice",
            "origin/main",
            "HEAD",
            "refs/heads/main",
        ],
    )
    .assert_exit(1)
    .assert_says("banned kind");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_says("banned kind");
    // And the keys: an unsigned release branch is refused by both.
    check(
        &work,
        &["--pusher", "alice", ZERO, "HEAD", "refs/heads/release/1"],
    )
    .assert_exit(1)
    .assert_says("error[unsigned]");
    w.push(
        &work,
        Some("alice"),
        &["origin", "HEAD:refs/heads/release/1"],
    )
    .assert_says("error[unsigned]");

    // A feature branch forked from main before main moved on: checked
    // against the old tip it is a force push; against main's merge base it
    // is what it adds.
    w.git_ok(&work, &["checkout", "-q", "-b", "feature", &tip]);
    w.commit(&work, "f.yaml", "kind: ConfigMap\n", "feat: f");
    w.git_ok(&work, &["checkout", "-q", "main"]);
    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);
    w.push(&work, Some("alice"), &["-q", "origin", "main"])
        .assert_ok();
    w.git_ok(&work, &["fetch", "-q", "origin"]);
    check(
        &work,
        &[
            "--pusher",
            "alice",
            "origin/main",
            "feature",
            "refs/heads/main",
        ],
    )
    .assert_exit(1)
    .assert_says("error[force-push]");
    check(
        &work,
        &[
            "--pusher",
            "alice",
            "--against",
            "origin/main",
            "feature",
            "refs/heads/main",
        ],
    )
    .assert_ok()
    .assert_says("the merge base of origin/main and NEW");
    check(
        &work,
        &[
            "--against",
            "origin/main",
            "origin/main",
            "feature",
            "refs/heads/main",
        ],
    )
    .assert_exit(2)
    .assert_says("give only NEW and REF");
}

/// `install --client` puts the server's decision in a developer's pre-push
/// hook: a push the server would reject never leaves the clone (nothing
/// reaches the server, not even its objects), a good one goes through, and
/// `--no-verify` only skips the advice: the server still decides.
#[test]
fn a_client_pre_push_hook_stops_what_the_server_would_reject() {
    let w = World::new();
    let pol = w.path("policy");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains \"no Secrets in git\" if input.kind == \"Secret\"\n",
    )
    .unwrap();
    let server = w.server(&format!(
        "version: 1\nrefs:\n  - match: refs/heads/main\n    allow_force_push: false\n    pushers: [alice]\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\n",
        pol.display()
    ));
    let exported = w.path("exported");
    export_config(&w, &server, &exported).assert_ok();
    let work = w.clone("work");
    w.commit(&work, "app.yaml", "kind: ConfigMap\n", "initial");
    w.push(&work, Some("alice"), &["-q", "origin", "main"])
        .assert_ok();
    w.pushgate(
        &work,
        &[
            "install",
            "--client",
            "--config",
            exported.join("pushgate.yaml").to_str().unwrap(),
            "--pusher",
            "alice",
        ],
    )
    .assert_ok()
    .assert_says("hooks/pre-push: written");

    let secret = w.commit(&work, "s.yaml", "kind: Secret\n", "feat: oops");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("no Secrets in git")
        .assert_says("not pushed: the server would reject this");
    assert!(
        !w.server_has_object(&secret),
        "the rejected commit reached the server"
    );

    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);
    let good = w.commit(&work, "b.yaml", "kind: ConfigMap\n", "feat: b");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    assert_eq!(w.server_ref("refs/heads/main").as_deref(), Some(&*good));

    w.git_ok(&work, &["commit", "-q", "--amend", "-m", "rewritten"]);
    w.push(&work, Some("alice"), &["--force", "origin", "main"])
        .assert_rejected()
        .assert_says("error[force-push]")
        .assert_says("not pushed");
    // Skipping the hook skips only the advice.
    w.push(
        &work,
        Some("alice"),
        &["--no-verify", "--force", "origin", "main"],
    )
    .assert_rejected()
    .assert_says("pre-receive hook declined");
    assert_eq!(w.server_ref("refs/heads/main").as_deref(), Some(&*good));

    // In a linked worktree the hook goes where git runs hooks from.
    let other = w.clone("other");
    let wt = w.path("wt");
    w.git_ok(&other, &["worktree", "add", "-q", wt.to_str().unwrap()]);
    let exported_config = exported.join("pushgate.yaml");
    w.pushgate(
        &wt,
        &[
            "install",
            "--client",
            "--config",
            exported_config.to_str().unwrap(),
        ],
    )
    .assert_ok();
    let hooks = w.git_ok(
        &wt,
        &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
    );
    assert!(
        std::path::Path::new(&hooks).join("pre-push").exists(),
        "no pre-push in {hooks}"
    );
}

/// `pushgate config export --repo SERVER -o OUT`, as an operator runs it.
fn export_config(w: &World, server: &std::path::Path, out: &std::path::Path) -> Run {
    w.pushgate(
        w.dir.path(),
        &[
            "config",
            "export",
            "--repo",
            server.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    )
}
