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
        .assert_says("error[immutable-tag]");
    assert!(
        !r.stdout.contains("NOT what this step expected"),
        "{}",
        r.stdout
    );
}
