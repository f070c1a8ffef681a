//! Code review on a plain server: approvals are tags signed with `git tag
//! -s` (by gpg for OpenPGP, ssh-keygen for SSH, as git runs them), made by
//! `pushgate approve` and pushed with real `git push` to a server whose
//! hooks count them. Keys are made here.

use std::path::{Path, PathBuf};

use crate::keys::*;
use crate::support::*;

const CONFIG: &str = "version: 1
keys:
  alice: keys/alice.asc
  bob: keys/bob.pub
  carol: keys/carol.pub
  dave: keys/dave.pub
groups:
  ops: [alice, bob]
  platform: [carol]
  app-team: [dave]
refs:
  - match: refs/heads/main
    require_signed_commits: true
    require_approvals: 1
    approvers: [ops]
  - match: refs/heads/release/*
    require_approvals: 1
    approvers: [ops]
  - match: \"refs/**\"
    require_signed_commits: true
paths:
  - match: \"terraform/**\"
    owners: [platform]
  - match: \"apps/*/deploy/**\"
    owners: [app-team]
    signers: [app-team, ops]
audit:
  database: audit.db
";

struct Review {
    w: World,
    server: PathBuf,
    work: PathBuf,
    alice_fpr: String,
    bob: PathBuf,
    carol: PathBuf,
    dave: PathBuf,
}

/// A server whose main needs one approval by ops, and path owners; main
/// holds one commit (pushed before the rules were on). alice's key is in
/// gpg, the others are SSH keys.
fn setup() -> Review {
    let w = World::new();
    let server = w.server("version: 1\n");
    let alice = Pgp::ed25519("alice");
    let secret = w.path("alice.sec.asc");
    std::fs::write(&secret, alice.secret_armored()).unwrap();
    let import = w
        .cmd("gpg", w.dir.path())
        .args(["--batch", "--import"])
        .arg(&secret)
        .output()
        .unwrap();
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let (bob, bob_pub) = ssh_keygen(&w, "bob", "ed25519");
    let (carol, carol_pub) = ssh_keygen(&w, "carol", "ed25519");
    let (dave, dave_pub) = ssh_keygen(&w, "dave", "ed25519");
    std::fs::create_dir_all(server.join("keys")).unwrap();
    std::fs::write(server.join("keys/alice.asc"), alice.public_armored()).unwrap();
    for (p, n) in [
        (&bob_pub, "bob"),
        (&carol_pub, "carol"),
        (&dave_pub, "dave"),
    ] {
        std::fs::copy(p, server.join(format!("keys/{n}.pub"))).unwrap();
    }
    let work = w.clone("work");
    w.commit(&work, "README", "hello", "initial");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();
    std::fs::write(server.join("pushgate.yaml"), CONFIG).unwrap();
    Review {
        alice_fpr: alice.cert.fingerprint().to_hex(),
        w,
        server,
        work,
        bob,
        carol,
        dave,
    }
}

impl Review {
    /// Commits `file` signed over SSH with `key`; returns the commit id.
    fn commit_signed(&self, key: &Path, file: &str, msg: &str) -> String {
        let p = self.work.join(file);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, msg).unwrap();
        self.w.git_ok(&self.work, &["add", "--", file]);
        let k = format!("user.signingkey={}", key.display());
        self.w.git_ok(
            &self.work,
            &[
                "-c",
                "gpg.format=ssh",
                "-c",
                &k,
                "commit",
                "-q",
                "-S",
                "-m",
                msg,
            ],
        );
        self.w.git_ok(&self.work, &["rev-parse", "HEAD"])
    }

    /// Sets the clone's signing key: an SSH key file, or alice's gpg key.
    fn sign_as(&self, key: Option<&Path>) {
        match key {
            Some(k) => {
                self.w.git_ok(&self.work, &["config", "gpg.format", "ssh"]);
                self.w.git_ok(
                    &self.work,
                    &["config", "user.signingkey", k.to_str().unwrap()],
                );
            }
            None => {
                self.w
                    .git_ok(&self.work, &["config", "gpg.format", "openpgp"]);
                self.w
                    .git_ok(&self.work, &["config", "user.signingkey", &self.alice_fpr]);
            }
        }
    }

    /// `pushgate approve` on the clone as `key` (None: alice, with gpg).
    fn approve(&self, key: Option<&Path>, args: &[&str]) -> Run {
        self.sign_as(key);
        let mut a = vec!["approve"];
        a.extend_from_slice(args);
        self.w.pushgate(&self.work, &a)
    }

    fn push(&self, args: &[&str]) -> Run {
        self.w.push(&self.work, None, args)
    }
}

#[test]
fn a_commit_needs_an_approval_by_another_key_and_the_rejection_says_how() {
    let r = setup();
    let c = r.commit_signed(&r.bob, "app.txt", "change by bob");
    r.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("error[approvals-missing]")
        .assert_says("pushgate approve --ref refs/heads/main")
        .snapshot_code(&r.w, "approvals-missing");

    // bob approving his own commit: the approval itself is valid and lands,
    // but it does not count (four eyes, by key).
    r.approve(
        Some(&r.bob),
        &["--ref", "refs/heads/main", "--push", "origin", &c],
    )
    .assert_ok();
    r.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("bob signed a commit of this update");

    // alice (OpenPGP, git tag -s through gpg) approves: accepted.
    r.approve(None, &["--ref", "refs/heads/main", "--push", "origin", &c])
        .assert_ok();
    r.push(&["origin", "main"]).assert_ok();
    assert_eq!(
        r.w.server_ref("refs/heads/main").as_deref(),
        Some(c.as_str())
    );
    // The record names the approval that counted (bob's did not).
    let records = r.w.records(&r.server);
    let landed = records
        .iter()
        .find(|d| d["ref"] == "refs/heads/main" && d["decision"] == "accepted")
        .unwrap();
    assert_eq!(
        landed["approvals"],
        serde_json::json!(["alice"]),
        "{landed}"
    );
    let by = |name: &str| {
        let server = r.server.to_str().unwrap();
        let args = [
            "audit",
            "list",
            "--format",
            "json",
            "--approver",
            name,
            "--repo",
            server,
        ];
        let out = r.w.pushgate(r.w.dir.path(), &args);
        serde_json::from_str::<Vec<serde_json::Value>>(&out.stdout)
            .unwrap()
            .len()
    };
    assert_eq!((by("alice"), by("bob")), (1, 0));
    r.w.pushgate(
        r.w.dir.path(),
        &["audit", "verify", "--repo", r.server.to_str().unwrap()],
    )
    .assert_ok();

    // `approvals` on the server lists both and says nothing is missing.
    let server = r.server.to_str().unwrap();
    let out = r.w.pushgate(
        r.w.dir.path(),
        &["approvals", "--repo", server, "--format", "json", &c],
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let signers: Vec<&str> = v["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["signer"].as_str().unwrap())
        .collect();
    assert!(
        signers.contains(&"alice") && signers.contains(&"bob"),
        "{v}"
    );
}

#[test]
fn an_approval_is_bound_to_its_ref_and_its_commit() {
    let r = setup();
    let c = r.commit_signed(&r.bob, "app.txt", "change");
    // For another ref: it lands, and does not count for main.
    r.approve(None, &["--ref", "refs/heads/dev", "--push", "origin", &c])
        .assert_ok();
    r.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("approves refs/heads/dev, not refs/heads/main");
    r.approve(None, &["--ref", "refs/heads/main", "--push", "origin", &c])
        .assert_ok();
    // Amended after the approval: a new commit, which nobody approved.
    std::fs::write(r.work.join("app.txt"), "sneaked in").unwrap();
    r.w.git_ok(&r.work, &["add", "app.txt"]);
    let k = format!("user.signingkey={}", r.bob.display());
    r.w.git_ok(
        &r.work,
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &k,
            "commit",
            "-q",
            "-S",
            "--amend",
            "-m",
            "change",
        ],
    );
    r.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("error[approvals-missing]");
}

#[test]
fn an_approval_pushed_with_the_update_counts() {
    let r = setup();
    let c = r.commit_signed(&r.bob, "app.txt", "change");
    let made = r.approve(None, &["--ref", "refs/heads/main", &c]);
    made.assert_ok();
    let approval = made
        .stdout
        .split_whitespace()
        .find(|w| w.starts_with("refs/approvals/"))
        .unwrap()
        .to_owned();
    r.push(&["origin", "main", &format!("{approval}:{approval}")])
        .assert_ok();
}

#[test]
fn path_owners_approve_their_paths_and_path_signers_sign_them() {
    let r = setup();
    // bob (ops) changes a terraform file and an app's deploy manifest.
    std::fs::create_dir_all(r.work.join("terraform")).unwrap();
    std::fs::write(r.work.join("terraform/main.tf"), "x").unwrap();
    r.w.git_ok(&r.work, &["add", "terraform/main.tf"]);
    let c = r.commit_signed(&r.bob, "apps/web/deploy/d.yaml", "infra and deploy");
    r.approve(None, &["--ref", "refs/heads/main", "--push", "origin", &c])
        .assert_ok();
    // ops approved, but each path's owners must too.
    let out = r.push(&["origin", "main"]);
    out.assert_rejected()
        .assert_says("terraform/** (pushgate.yaml:")
        .assert_says("from platform")
        .assert_says("from app-team");
    r.approve(
        Some(&r.carol),
        &["--ref", "refs/heads/main", "--push", "origin", &c],
    )
    .assert_ok();
    r.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("from app-team");
    r.approve(
        Some(&r.dave),
        &["--ref", "refs/heads/main", "--push", "origin", &c],
    )
    .assert_ok();
    r.push(&["origin", "main"]).assert_ok();

    // carol (platform) may not sign a change to an app's deploy files.
    let c2 = r.commit_signed(&r.carol, "apps/web/deploy/d.yaml", "by carol");
    for key in [None, Some(r.dave.as_path())] {
        r.approve(key, &["--ref", "refs/heads/main", "--push", "origin", &c2])
            .assert_ok();
    }
    r.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("only app-team, ops may sign")
        .snapshot_code(&r.w, "path-signer-not-allowed");
}

#[test]
fn hostile_approval_refs_are_refused() {
    let r = setup();
    let c = r.commit_signed(&r.bob, "app.txt", "change");
    let at = |name: &str| format!("refs/approvals/{c}/{name}");
    // Unsigned (an annotated tag with the right message).
    r.w.git_ok(
        &r.work,
        &["tag", "-a", "-m", "approve refs/heads/main", "plain", &c],
    );
    r.push(&["origin", &format!("refs/tags/plain:{}", at("x"))])
        .assert_rejected()
        .assert_says("the tag is not signed")
        .snapshot_code(&r.w, "approval-invalid");
    // Signed by a key the server does not know.
    let (eve, _) = ssh_keygen(&r.w, "eve", "ed25519");
    let k = format!("user.signingkey={}", eve.display());
    r.w.git_ok(
        &r.work,
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &k,
            "tag",
            "-s",
            "-m",
            "approve refs/heads/main",
            "eve",
            &c,
        ],
    );
    r.push(&["origin", &format!("refs/tags/eve:{}", at("eve"))])
        .assert_rejected()
        .assert_says("not a good one by a key in `keys:`");
    // A good approval of another commit, under this commit's name.
    let old = r.w.git_ok(&r.work, &["rev-parse", "HEAD~1"]);
    r.sign_as(None);
    r.w.git_ok(
        &r.work,
        &["tag", "-s", "-m", "approve refs/heads/main", "other", &old],
    );
    r.push(&["origin", &format!("refs/tags/other:{}", at("other"))])
        .assert_rejected()
        .assert_says("not the commit");
    // A good one lands; then it may be neither moved nor deleted.
    r.approve(None, &["--ref", "refs/heads/main", "--push", "origin", &c])
        .assert_ok();
    let landed = r.w.git_ok(
        &r.server,
        &["for-each-ref", "--format=%(refname)", "refs/approvals/"],
    );
    r.push(&["--force", "origin", &format!("refs/tags/other:{landed}")])
        .assert_rejected()
        .assert_says("never moved or deleted");
    r.push(&["origin", &format!(":{landed}")])
        .assert_rejected()
        .assert_says("never moved or deleted");
}

#[test]
fn check_on_a_clone_agrees_once_the_approvals_are_fetched() {
    let r = setup();
    let c = r.commit_signed(&r.bob, "app.txt", "change");
    r.approve(None, &["--ref", "refs/heads/main", "--push", "origin", &c])
        .assert_ok();
    let ci = r.w.clone("ci");
    // CI has the commit (from the developer), not yet the approvals.
    r.w.git_ok(&ci, &["fetch", "-q", r.work.to_str().unwrap(), "main"]);
    let config = r.server.join("pushgate.yaml");
    let old = r.w.git_ok(&ci, &["rev-parse", "origin/main"]);
    let check = |w: &World| {
        w.pushgate(
            &ci,
            &[
                "check",
                "--config",
                config.to_str().unwrap(),
                "--server-refs",
                "origin",
                &old,
                &c,
                "refs/heads/main",
            ],
        )
    };
    check(&r.w).assert_exit(1).assert_says("approvals-missing");
    r.w.git_ok(
        &ci,
        &["fetch", "-q", "origin", "refs/approvals/*:refs/approvals/*"],
    );
    check(&r.w).assert_ok();
}

#[test]
fn codeowners_last_match_wins_and_a_bad_line_is_a_config_error() {
    let r = setup();
    std::fs::write(
        r.server.join("CODEOWNERS"),
        "# owners\n* @ops\nterraform/ @platform\n",
    )
    .unwrap();
    std::fs::write(
        r.server.join("pushgate.yaml"),
        CONFIG.replace("paths:\n", "codeowners: CODEOWNERS\npaths:\n"),
    )
    .unwrap();
    std::fs::create_dir_all(r.work.join("terraform")).unwrap();
    let c = r.commit_signed(&r.bob, "terraform/net.tf", "net");
    r.approve(None, &["--ref", "refs/heads/main", "--push", "origin", &c])
        .assert_ok();
    // The last matching line (terraform/) owns it: platform, not ops.
    r.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("terraform/ (CODEOWNERS:3)")
        .assert_says("from platform");
    std::fs::write(
        r.server.join("CODEOWNERS"),
        "* @ops\ndocs/ someone@example.com\n",
    )
    .unwrap();
    r.w.config_check(&r.server)
        .assert_exit(2)
        .assert_says("CODEOWNERS:2")
        .assert_says("e-mail");
}

/// Found by review: an approval ref made its unchecked history reachable,
/// and a ref with signing rules vouched for it when a new ref was created
/// from it.
#[test]
fn approval_refs_never_vouch_for_history() {
    let r = setup();
    let tree = r.w.git_ok(&r.work, &["rev-parse", "HEAD^{tree}"]);
    let orphan =
        r.w.git_ok(&r.work, &["commit-tree", "-m", "unsigned backdoor", &tree]);
    r.approve(
        None,
        &["--ref", "refs/heads/other/9", "--push", "origin", &orphan],
    )
    .assert_ok();
    r.push(&["origin", &format!("{orphan}:refs/heads/other/9")])
        .assert_rejected()
        .assert_says("error[unsigned]");
}

/// Found by review: a new reviewed ref created from a branch that needs
/// no review reused its history, so its author's self-approval counted.
#[test]
fn a_new_reviewed_ref_is_not_vouched_for_by_a_less_reviewed_one() {
    let r = setup();
    let c = r.commit_signed(&r.bob, "f.txt", "feature by bob");
    r.push(&["origin", "HEAD:refs/heads/feature/y"]).assert_ok();
    r.approve(
        Some(&r.bob),
        &["--ref", "refs/heads/release/1", "--push", "origin", &c],
    )
    .assert_ok();
    r.push(&["origin", &format!("{c}:refs/heads/release/1")])
        .assert_rejected()
        .assert_says("bob signed a commit of this update");
}

/// Found by review: a rename out of an owned path listed only the new
/// path, so moving a file out of terraform/ (a deletion there) needed no
/// owner.
#[test]
fn renaming_out_of_an_owned_path_needs_its_owners() {
    let r = setup();
    let c = r.commit_signed(&r.bob, "terraform/db.tf", "resource \"db\" {}\n");
    for key in [None, Some(r.carol.as_path())] {
        r.approve(key, &["--ref", "refs/heads/main", "--push", "origin", &c])
            .assert_ok();
    }
    r.push(&["origin", "main"]).assert_ok();
    r.w.git_ok(&r.work, &["mv", "terraform/db.tf", "attic.tf"]);
    let k = format!("user.signingkey={}", r.dave.display());
    r.w.git_ok(
        &r.work,
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &k,
            "commit",
            "-q",
            "-S",
            "-m",
            "move",
        ],
    );
    let moved = r.w.git_ok(&r.work, &["rev-parse", "HEAD"]);
    r.approve(
        None,
        &["--ref", "refs/heads/main", "--push", "origin", &moved],
    )
    .assert_ok();
    r.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("from platform");
}

/// Found by review: a reviewed ref could be rewound to an older approved
/// tip, or deleted and recreated around its reviews.
#[test]
fn a_reviewed_ref_is_not_rewound_deleted_or_pointed_at_a_tree() {
    let r = setup();
    let c = r.commit_signed(&r.bob, "app.txt", "change");
    r.approve(None, &["--ref", "refs/heads/main", "--push", "origin", &c])
        .assert_ok();
    r.push(&["origin", "main"]).assert_ok();
    r.push(&["--force", "origin", "HEAD~1:refs/heads/main"])
        .assert_rejected()
        .assert_says("error[force-push]");
    r.push(&["origin", ":refs/heads/main"])
        .assert_rejected()
        .assert_says("error[delete-forbidden]");
    let tree = r.w.git_ok(&r.work, &["rev-parse", "HEAD^{tree}"]);
    r.push(&["origin", &format!("{tree}:refs/heads/release/2")])
        .assert_rejected()
        .assert_says("which is not a commit");
}
