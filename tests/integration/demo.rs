//! `pushgate demo` is the README's first command: it must keep working.

use crate::support::*;

#[test]
fn demo_runs_and_every_step_is_decided_as_expected() {
    let w = World::new();
    let r = w.pushgate(w.dir.path(), &["demo"]);
    r.assert_ok()
        .assert_says("were decided as expected")
        .assert_says("error[force-push]")
        .assert_says("error[pusher-not-allowed]")
        .assert_says("error[immutable-tag]")
        .assert_says("error[unsigned]: commit")
        .assert_says("error[unsigned]: tag")
        .assert_says("error[unknown-key]")
        .assert_says("error[pushgate.kubernetes.deny_latest_tag] k8s/web.yaml:15:11:")
        .assert_says("bob pushes it himself, signed with his SSH key\n")
        .assert_says("The audit log (pushgate audit list")
        .assert_says("pushgate audit verify: intact")
        .assert_says("| remote:   | deploying production: refs/heads/main at")
        .assert_says("changed: k8s/web.yaml")
        .assert_says("apply succeeded");
    assert!(r.stdout.contains("signed with his SSH key\n   $ PUSHGATE_PUSHER=bob git push origin main\n   | remote: pushgate: refs/heads/main") , "{}", r.stdout);
    assert!(
        !r.stdout.contains("NOT what this step expected"),
        "{}",
        r.stdout
    );
}
