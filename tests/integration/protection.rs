//! Each protection rule, accepting and rejecting, through real pushes.

use crate::support::*;

pub const CONFIG: &str = "version: 1
refs:
  - match: refs/heads/main
    environment: production
    allow_force_push: false
    allow_delete: false
    require_linear_history: true
    pushers: [alice, deploy-bot]
  - match: refs/heads/release/*
    allow_force_push: false
    require_linear_history: true
  - match: refs/tags/v*
    immutable: true
";

/// A server with CONFIG and a clone whose main (one commit) is on the server.
pub fn seeded(w: &World) -> std::path::PathBuf {
    w.server(CONFIG);
    let work = w.clone("work");
    w.commit(&work, "k8s/app.yaml", "kind: ConfigMap\n", "initial");
    w.push(&work, Some("alice"), &["-q", "origin", "main"])
        .assert_ok();
    work
}

#[test]
fn fast_forward_by_allowed_pusher_is_accepted() {
    let w = World::new();
    let work = seeded(&w);
    let id = w.commit(
        &work,
        "k8s/app.yaml",
        "kind: ConfigMap\ndata: {}\n",
        "second",
    );
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok()
        .assert_says("pushgate: refs/heads/main");
    assert_eq!(
        w.server_ref("refs/heads/main").as_deref(),
        Some(id.as_str())
    );
}

#[test]
fn force_push_is_rejected_where_forbidden_and_allowed_elsewhere() {
    let w = World::new();
    let work = seeded(&w);
    let before = w.server_ref("refs/heads/main").unwrap();
    w.git_ok(&work, &["commit", "-q", "--amend", "-m", "rewritten"]);
    w.push(&work, Some("alice"), &["--force", "origin", "main"])
        .assert_rejected()
        .assert_says("error[force-push]")
        .assert_says("pushgate.yaml:3 (match: refs/heads/main, allow_force_push: false)")
        .assert_says("push without --force");
    assert_eq!(w.server_ref("refs/heads/main").unwrap(), before);

    // No rule protects feature branches: git's default (allowed) stands.
    w.push(&work, None, &["origin", "main:refs/heads/feature"])
        .assert_ok();
    w.git_ok(&work, &["commit", "-q", "--amend", "-m", "rewritten again"]);
    w.push(
        &work,
        None,
        &["--force", "origin", "main:refs/heads/feature"],
    )
    .assert_ok();
}

#[test]
fn deletion_is_rejected_where_forbidden() {
    let w = World::new();
    let work = seeded(&w);
    w.push(&work, Some("alice"), &["origin", "--delete", "main"])
        .assert_rejected()
        .assert_says("error[delete-forbidden]: refs/heads/main may not be deleted");
    assert!(w.server_ref("refs/heads/main").is_some());

    w.push(&work, None, &["origin", "main:refs/heads/tmp"])
        .assert_ok();
    w.push(&work, None, &["origin", "--delete", "tmp"])
        .assert_ok();
    assert!(w.server_ref("refs/heads/tmp").is_none());
}

#[test]
fn merge_commits_are_rejected_on_linear_refs() {
    let w = World::new();
    let work = seeded(&w);
    w.git_ok(&work, &["checkout", "-q", "-b", "side"]);
    w.commit(&work, "b.txt", "b", "side work");
    w.git_ok(&work, &["checkout", "-q", "main"]);
    w.commit(&work, "a.txt", "a", "main work");
    w.git_ok(&work, &["merge", "-q", "--no-edit", "side"]);
    let merge = w.git_ok(&work, &["rev-parse", "HEAD"]);
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_rejected()
        .assert_says("error[merge-commit]: merge commit ")
        .assert_says(&merge[..10])
        .assert_says("rebase instead of merging");

    // Rebased, the same work is accepted.
    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);
    w.git_ok(&work, &["rebase", "-q", "side"]);
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
}

#[test]
fn pushers_are_restricted_and_need_an_identity() {
    let w = World::new();
    let work = seeded(&w);
    w.commit(&work, "x.txt", "x", "by someone");
    w.push(&work, Some("mallory"), &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pusher-not-allowed]: mallory may not push to refs/heads/main")
        .assert_says("allowed: alice, deploy-bot");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pusher-unknown]");
    w.push(&work, Some("deploy-bot"), &["origin", "main"])
        .assert_ok();
}

#[test]
fn pusher_identity_comes_from_the_configured_variables() {
    let w = World::new();
    let cfg = CONFIG.replace("version: 1\n", "version: 1\npusher_env: [FORGE_USER]\n");
    w.server(&cfg);
    let work = w.clone("work");
    w.commit(&work, "a", "a", "a");
    // PUSHGATE_PUSHER is not in pusher_env here, so it does not count.
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_rejected()
        .assert_says("pusher-unknown");
    let mut c = w.cmd("git", &work);
    c.args(["push", "origin", "main"])
        .env("FORGE_USER", "alice");
    assert!(c.status().unwrap().success());
}

#[test]
fn immutable_tags_can_be_created_but_not_moved_or_deleted() {
    let w = World::new();
    let work = seeded(&w);
    w.git_ok(&work, &["tag", "-a", "-m", "release 1", "v1.0"]);
    let tag_obj = w.git_ok(&work, &["rev-parse", "v1.0"]);
    w.push(&work, None, &["origin", "v1.0"]).assert_ok();
    assert_eq!(
        w.server_ref("refs/tags/v1.0").as_deref(),
        Some(tag_obj.as_str())
    );

    w.commit(&work, "b", "b", "after release");
    w.git_ok(&work, &["tag", "-f", "-a", "-m", "moved", "v1.0"]);
    w.push(&work, None, &["--force", "origin", "v1.0"])
        .assert_rejected()
        .assert_says("error[immutable-tag]")
        .snapshot_code(&w, "immutable-tag")
        .assert_says("publish a new tag instead");
    w.push(&work, None, &["origin", "--delete", "v1.0"])
        .assert_rejected()
        .assert_says("cannot be deleted");
    assert_eq!(
        w.server_ref("refs/tags/v1.0").as_deref(),
        Some(tag_obj.as_str())
    );

    // Tags outside the rule are free.
    w.git_ok(&work, &["tag", "scratch"]);
    w.push(&work, None, &["origin", "scratch"]).assert_ok();
    w.push(&work, None, &["origin", "--delete", "scratch"])
        .assert_ok();
}

#[test]
fn pre_receive_rejects_the_whole_push_when_one_ref_is_bad() {
    let w = World::new();
    let work = seeded(&w);
    let main_before = w.server_ref("refs/heads/main").unwrap();
    let id = w.commit(&work, "c", "c", "good change");
    // feature is fine; main is pushed by someone not allowed.
    w.push(
        &work,
        Some("mallory"),
        &["origin", "main", "main:refs/heads/feature"],
    )
    .assert_rejected()
    .assert_says("pushgate: refs/heads/feature (new at")
    .assert_says("ok, but not applied")
    .assert_says("1 of 2 ref updates broke a rule, so none was applied");
    assert_eq!(w.server_ref("refs/heads/main").unwrap(), main_before);
    assert_eq!(w.server_ref("refs/heads/feature"), None);
    assert!(
        !w.server_has_object(&id),
        "a rejected push must leave no objects behind"
    );
}

#[test]
fn update_hook_rejects_only_the_bad_ref() {
    let w = World::new();
    w.server_with_hooks(CONFIG, "update,post-receive");
    assert!(!w.path("server.git/hooks/pre-receive").exists());
    let work = w.clone("work");
    w.commit(&work, "a", "a", "a");
    w.push(&work, Some("alice"), &["-q", "origin", "main"])
        .assert_ok();
    let main_before = w.server_ref("refs/heads/main").unwrap();
    let id = w.commit(&work, "c", "c", "good change");
    w.push(
        &work,
        Some("mallory"),
        &["origin", "main", "main:refs/heads/feature"],
    )
    .assert_rejected()
    .assert_says("pusher-not-allowed");
    assert_eq!(w.server_ref("refs/heads/main").unwrap(), main_before);
    assert_eq!(
        w.server_ref("refs/heads/feature").as_deref(),
        Some(id.as_str())
    );
}

#[test]
fn rejected_push_leaves_refs_and_objects_as_they_were() {
    let w = World::new();
    let work = seeded(&w);
    let server = w.path("server.git");
    let refs_before = w.git_ok(&server, &["for-each-ref"]);
    let objects_before = w.git_ok(&server, &["count-objects", "-v"]);
    let mut ids = vec![];
    for i in 0..5 {
        ids.push(w.commit(&work, &format!("f{i}"), "x", &format!("c{i}")));
    }
    w.push(&work, Some("mallory"), &["origin", "main"])
        .assert_rejected();
    assert_eq!(w.git_ok(&server, &["for-each-ref"]), refs_before);
    assert_eq!(w.git_ok(&server, &["count-objects", "-v"]), objects_before);
    for id in ids {
        assert!(!w.server_has_object(&id));
    }
}

/// Laundering: commits that could not go to a protected ref directly must
/// not reach it by first landing on an unprotected one.
#[test]
fn laundering_through_an_unprotected_branch_is_rejected() {
    let w = World::new();
    let work = seeded(&w);
    // A merge commit lands on an unprotected branch: allowed there.
    w.git_ok(&work, &["checkout", "-q", "-b", "side"]);
    w.commit(&work, "s", "s", "side");
    w.git_ok(&work, &["checkout", "-q", "-b", "wild", "main"]);
    w.commit(&work, "w", "w", "wild");
    w.git_ok(&work, &["merge", "-q", "--no-edit", "side"]);
    w.push(&work, None, &["origin", "wild"]).assert_ok();

    // Fast-forwarding main to it: the merge is already on the server, but
    // it is new to main, so it counts.
    w.push(&work, Some("alice"), &["origin", "wild:main"])
        .assert_rejected()
        .assert_says("error[merge-commit]");

    // Creating a protected release branch from it: rejected too.
    w.push(&work, None, &["origin", "wild:refs/heads/release/1"])
        .assert_rejected()
        .assert_says("error[merge-commit]");

    // A release branch created from main's (already checked) history is fine,
    // even though main's history is not linear-checked again.
    w.push(&work, None, &["origin", "origin/main:refs/heads/release/2"])
        .assert_ok();
}

#[test]
fn a_new_protected_ref_reuses_history_of_an_equally_strict_ref() {
    let w = World::new();
    // main tolerates merges in old history? No: main is linear. Put a merge
    // on main before pushgate was installed, then protect.
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    let work = w.clone("work");
    w.commit(&work, "a", "a", "a");
    w.git_ok(&work, &["checkout", "-q", "-b", "side"]);
    w.commit(&work, "b", "b", "b");
    w.git_ok(&work, &["checkout", "-q", "main"]);
    w.commit(&work, "c", "c", "c");
    w.git_ok(&work, &["merge", "-q", "--no-edit", "side"]);
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();
    // Now protect: history from before installation does not block work.
    std::fs::write(server.join("pushgate.yaml"), CONFIG).unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    w.commit(&work, "d", "d", "d");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    w.push(&work, None, &["origin", "main:refs/heads/release/3"])
        .assert_ok();
}

#[test]
fn push_options_reach_the_gate() {
    let w = World::new();
    let work = seeded(&w);
    w.commit(&work, "o", "o", "with options");
    // Without receive.advertisePushOptions git itself would refuse -o.
    w.push(&work, Some("alice"), &["-o", "ci.skip", "origin", "main"])
        .assert_ok();
}

/// Outside refs/heads/ git lets a ref point at a tree or blob: moving a
/// protected ref from a commit to one drops the commit's history, so it is
/// a force push (it was not checked at all: no commits, no fast-forward).
#[test]
fn moving_a_protected_ref_from_a_commit_to_a_tree_is_a_force_push() {
    let w = World::new();
    w.server("version: 1\nrefs:\n  - match: refs/environments/*\n    allow_force_push: false\n");
    let work = w.clone("work");
    w.commit(&work, "k8s/app.yaml", "kind: ConfigMap\n", "initial");
    w.push(
        &work,
        None,
        &["-q", "origin", "HEAD:refs/environments/prod"],
    )
    .assert_ok();
    let tree = w.git_ok(&work, &["rev-parse", "HEAD^{tree}"]);
    w.push(
        &work,
        None,
        &["origin", &format!("+{tree}:refs/environments/prod")],
    )
    .assert_rejected()
    .assert_says("error[force-push]");
    let head = w.git_ok(&work, &["rev-parse", "HEAD"]);
    assert_eq!(w.server_ref("refs/environments/prod").unwrap(), head);
}
