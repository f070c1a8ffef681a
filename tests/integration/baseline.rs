//! `pushgate baseline`: adopting pushgate on a repository whose existing
//! history was never signed. Real git, a real SQLite audit log.

use crate::keys::*;
use crate::support::*;

const CONFIG: &str = "version: 1
keys:
  ops: KEY
audit:
  database: audit.db
refs:
  - match: refs/heads/main
    require_signed_commits: true
    allow_force_push: false
    signers: [ops]
";

/// The story of the issue: unsigned history cannot be pushed to a guarded
/// `main`; brought in through a side ref and baselined, it lands as a
/// recorded `baseline` by the operator; the next signed push is judged from
/// there (only its own commits), an unsigned one still is not accepted, and
/// `audit reconcile` finds nothing moved past the gate.
#[test]
fn baseline_trusts_existing_history_and_later_pushes_are_judged_from_it() {
    let w = World::new();
    let ops = Pgp::ed25519("ops");
    let key = w.path("ops.asc");
    std::fs::write(&key, ops.public_armored()).unwrap();
    let server = w.server(&CONFIG.replace("KEY", key.to_str().unwrap()));
    let work = w.clone("work");
    for i in 0..5 {
        w.commit(&work, &format!("f{i}"), "old", &format!("old {i}"));
    }
    let old_tip = w.git_ok(&work, &["rev-parse", "HEAD"]);
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("unsigned");
    assert_eq!(w.server_ref("refs/heads/main"), None);

    // The operator's way in: the history on a ref no rule protects, then
    // the baseline.
    w.push(&work, None, &["origin", "main:refs/import/main"])
        .assert_ok();
    let r = w.pushgate(
        &server,
        &[
            "baseline",
            "--by",
            "oscar",
            "refs/heads/main=refs/import/main",
        ],
    );
    r.assert_ok()
        .assert_says(&format!("refs/heads/main set to {old_tip} \"old 4\""))
        .assert_says("by oscar");
    assert_eq!(w.server_ref("refs/heads/main").as_deref(), Some(&*old_tip));

    let records = w.records(&server);
    let baseline = records
        .iter()
        .find(|r| r["action"] == "baseline")
        .expect("a baseline record");
    assert_eq!(baseline["ref"], "refs/heads/main");
    assert_eq!(baseline["new"], old_tip.as_str());
    assert_eq!(baseline["pusher"], "oscar");
    assert_eq!(baseline["decision"], "accepted");
    assert_eq!(baseline["landed"], true);

    // Judged from the baseline: one signed commit on top is accepted, and
    // only it is recorded as checked.
    let signed = signed_commit(&w, &work, "new", "signed change", |d| ops.sign(d));
    w.push(&work, None, &["origin", "main"]).assert_ok();
    let newest = &w.records(&server)[0];
    assert_eq!(newest["commits"], serde_json::json!([signed]));
    // An unsigned one is still refused.
    w.commit(&work, "later", "x", "unsigned later");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("unsigned");

    w.pushgate(&server, &["audit", "reconcile"])
        .assert_ok()
        .assert_says("are explained");
}

/// A baseline never moves an existing ref to other history unless told
/// to, refuses what is not a commit or not a full ref name, and with the
/// ref already there (fetched on the server) only records it, which makes
/// `reconcile`'s drift go away.
#[test]
fn baseline_refuses_surprises_and_records_a_ref_already_in_place() {
    let w = World::new();
    let config = CONFIG
        .replace("require_signed_commits: true", "pushers: [alice]")
        .replace("keys:\n  ops: KEY\n", "");
    let server = w.server(&config.replace("    signers: [ops]\n", ""));
    let work = w.clone("work");
    let first = w.commit(&work, "a", "a", "first");
    let second = w.commit(&work, "b", "b", "second");
    // Written past the gate, as an operator fetching on the server would.
    w.push(&work, None, &["origin", "HEAD:refs/import/x"])
        .assert_ok();
    w.git_ok(&server, &["update-ref", "refs/heads/main", &first]);
    w.pushgate(&server, &["audit", "reconcile"])
        .assert_exit(1)
        .assert_says("DRIFT");

    w.pushgate(&server, &["baseline", &format!("refs/heads/main={second}")])
        .assert_exit(2)
        .assert_says("only with --force");
    assert_eq!(w.server_ref("refs/heads/main").as_deref(), Some(&*first));
    w.pushgate(&server, &["baseline", "main=HEAD"])
        .assert_exit(2)
        .assert_says("is not a branch or tag name");
    // A replace ref would rewrite history for every reader of the
    // repository: not a baseline.
    w.pushgate(
        &server,
        &["baseline", &format!("refs/replace/{first}={second}")],
    )
    .assert_exit(2)
    .assert_says("is not a branch or tag name");
    // Short names and abbreviated ids resolve through the refs first, so a
    // pusher's branch named like the abbreviation would be trusted.
    w.push(
        &work,
        None,
        &["origin", &format!("{first}:refs/heads/{}", &second[..7])],
    )
    .assert_ok();
    w.pushgate(
        &server,
        &["baseline", &format!("refs/heads/other={}", &second[..7])],
    )
    .assert_exit(2)
    .assert_says("give the full commit id or a full ref name");
    w.pushgate(
        &server,
        &[
            "baseline",
            "refs/heads/a=refs/import/x",
            "refs/heads/a=refs/import/x",
        ],
    )
    .assert_exit(2)
    .assert_says("is given twice");
    let tree = w.git_ok(&server, &["rev-parse", &format!("{first}^{{tree}}")]);
    w.pushgate(&server, &["baseline", &format!("refs/heads/main={tree}")])
        .assert_exit(2)
        .assert_says("is a tree, not a commit");
    w.pushgate(&server, &["baseline", "refs/heads/main=refs/no/such"])
        .assert_exit(2)
        .assert_says("is not a ref of this repository");
    assert!(
        w.records(&server).iter().all(|r| r["action"] != "baseline"),
        "a refused baseline records nothing"
    );

    w.pushgate(
        &server,
        &[
            "baseline",
            "--format",
            "json",
            &format!("refs/heads/main={first}"),
        ],
    )
    .assert_ok()
    .assert_says("\"moved\": false");
    w.pushgate(&server, &["audit", "reconcile"]).assert_ok();

    w.pushgate(
        &server,
        &["baseline", "--force", &format!("refs/heads/main={second}")],
    )
    .assert_ok()
    .assert_says("set to");
    assert_eq!(w.server_ref("refs/heads/main").as_deref(), Some(&*second));
    let moved = &w.records(&server)[0];
    assert_eq!(moved["old"], first.as_str());
    assert_eq!(moved["new"], second.as_str());
    w.pushgate(&server, &["audit", "reconcile"]).assert_ok();
}
