//! Signed commits and tags, verified on real pushes: keys generated here,
//! commits signed by git itself (gpg, ssh-keygen) and programmatically.

use std::path::PathBuf;
use std::time::SystemTime;

use sequoia_openpgp::cert::CipherSuite;
use sequoia_openpgp::types::ReasonForRevocation;

use crate::keys::*;
use crate::support::*;

const CONFIG: &str = "version: 1
keys:
  alice: keys/alice.asc
  bob: keys/bob.pub
  carol: keys/carol.asc
groups:
  ops: [alice, bob]
refs:
  - match: refs/heads/main
    require_signed_commits: true
    signers: [ops]
  - match: refs/heads/release/*
    require_signed_commits: true
  - match: refs/tags/v*
    require_signed_tags: true
    signers: [ops]
";

struct Signed {
    w: World,
    work: PathBuf,
    alice: Pgp,
    carol: Pgp,
    bob_key: PathBuf,
}

/// A server requiring signatures, alice (OpenPGP), bob (SSH) and carol
/// (OpenPGP, trusted but not in `ops`), and main holding one commit signed
/// by alice.
fn setup() -> Signed {
    setup_with(Pgp::ed25519("alice"))
}

fn setup_with(alice: Pgp) -> Signed {
    let s = setup_with_unpushed(alice);
    signed_commit(&s.w, &s.work, "init", "initial", |d| s.alice.sign(d));
    s.w.push(&s.work, None, &["-q", "origin", "main"])
        .assert_ok();
    s
}

impl Signed {
    fn ssh_commit(&self, file: &str, msg: &str) -> String {
        std::fs::write(self.work.join(file), msg).unwrap();
        self.w.git_ok(&self.work, &["add", file]);
        let key = format!("user.signingkey={}", self.bob_key.display());
        self.w.git_ok(
            &self.work,
            &[
                "-c",
                "gpg.format=ssh",
                "-c",
                &key,
                "commit",
                "-q",
                "-S",
                "-m",
                msg,
            ],
        );
        self.w.git_ok(&self.work, &["rev-parse", "HEAD"])
    }

    fn push(&self, args: &[&str]) -> Run {
        self.w.push(&self.work, None, args)
    }
}

#[test]
fn openpgp_signed_by_git_and_gpg_is_accepted() {
    let s = setup();
    let gnupg = s.w.path("gnupg");
    let secret = s.w.path("alice.sec.asc");
    std::fs::write(&secret, s.alice.secret_armored()).unwrap();
    let import =
        s.w.cmd("gpg", s.w.dir.path())
            .args(["--batch", "--import"])
            .arg(&secret)
            .output()
            .unwrap();
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    std::fs::write(s.work.join("g"), "g").unwrap();
    s.w.git_ok(&s.work, &["add", "g"]);
    let fpr = s.alice.cert.fingerprint().to_hex();
    let key = format!("user.signingkey={fpr}");
    s.w.git_ok(
        &s.work,
        &["-c", &key, "commit", "-q", "-S", "-m", "signed by gpg"],
    );
    // git itself agrees the signature is good.
    s.w.git_ok(&s.work, &["verify-commit", "HEAD"]);
    s.push(&["origin", "main"]).assert_ok();
    let _ =
        s.w.cmd("gpgconf", s.w.dir.path())
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", gnupg)
            .status();
}

#[test]
fn ssh_signed_by_git_is_accepted() {
    let s = setup();
    s.ssh_commit("b", "signed by bob over ssh");
    s.push(&["origin", "main"]).assert_ok();
}

#[test]
fn unsigned_commits_are_rejected() {
    let s = setup();
    let id = s.w.commit(&s.work, "u", "u", "not signed");
    s.push(&["origin", "main"])
        .assert_rejected()
        .assert_says(&format!("error[unsigned]: commit {}", &id[..10]))
        .assert_says("\"not signed\" is not signed")
        .assert_says("git commit --amend --no-edit -S")
        .assert_says("a key of alice, bob");
}

#[test]
fn unknown_keys_are_rejected_with_their_fingerprint() {
    let s = setup();
    let mallory = Pgp::ed25519("mallory");
    signed_commit(&s.w, &s.work, "m", "by mallory", |d| mallory.sign(d));
    s.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("error[unknown-key]")
        .snapshot_code(&s.w, "unknown-key")
        .assert_says(&mallory.signing_fingerprint())
        .assert_says("ask an operator to add this key");
}

#[test]
fn a_tampered_commit_has_a_bad_signature() {
    let s = setup();
    w_commit_tampered(&s);
    s.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("error[bad-signature]")
        .snapshot_code(&s.w, "bad-signature")
        .assert_says("does not match the signed content");
}

/// Signs a commit, then writes a copy whose message differs but which
/// carries the original signature.
fn w_commit_tampered(s: &Signed) {
    let repo = git2::Repository::open(&s.work).unwrap();
    s.w.commit(&s.work, "t", "t", "honest message");
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let parents: Vec<git2::Commit> = head.parents().collect();
    let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
    let tree = head.tree().unwrap();
    let honest = repo
        .commit_create_buffer(
            &head.author(),
            &head.committer(),
            "honest message\n",
            &tree,
            &parent_refs,
        )
        .unwrap();
    let sig = s.alice.sign(&honest);
    let forged = repo
        .commit_create_buffer(
            &head.author(),
            &head.committer(),
            "evil message\n",
            &tree,
            &parent_refs,
        )
        .unwrap();
    let id = repo
        .commit_signed(forged.as_str().unwrap(), &sig, None)
        .unwrap();
    s.w.git_ok(&s.work, &["reset", "-q", "--hard", &id.to_string()]);
}

#[test]
fn signer_outside_the_refs_signers_is_not_allowed() {
    let s = setup();
    signed_commit(&s.w, &s.work, "c", "by carol", |d| s.carol.sign(d));
    s.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("error[signer-not-allowed]")
        .snapshot_code(&s.w, "signer-not-allowed")
        .assert_says("signed by carol")
        .assert_says("who may not sign for refs/heads/main");
    // release/* has no `signers`: any key in `keys:` will do.
    s.push(&["origin", "main:refs/heads/release/1"]).assert_ok();
}

#[test]
fn rotated_subkey_stays_good_for_what_it_signed_while_valid() {
    // alice's signing subkey lived for 30 days, a year ago.
    let created = SystemTime::now() - 400 * DAY;
    let alice = Pgp::generate("alice", CipherSuite::Cv25519, created, Some(30 * DAY));
    let s = setup_with_initial_at(alice, created + DAY);
    signed_commit(&s.w, &s.work, "old", "signed while valid", |d| {
        s.alice.sign_at(d, created + 10 * DAY)
    });
    s.push(&["origin", "main"]).assert_ok();

    signed_commit(&s.w, &s.work, "late", "signed after expiry", |d| {
        s.alice.sign_at(d, created + 60 * DAY)
    });
    s.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("error[expired-key]")
        .snapshot_code(&s.w, "expired-key")
        .assert_says("but the key expired on");
}

fn setup_with_initial_at(alice: Pgp, at: SystemTime) -> Signed {
    // Same as setup_with, but the first commit is signed at `at`.
    let s = setup_with_unpushed(alice);
    signed_commit(&s.w, &s.work, "init", "initial", |d| s.alice.sign_at(d, at));
    s.w.push(&s.work, None, &["-q", "origin", "main"])
        .assert_ok();
    s
}

fn setup_with_unpushed(alice: Pgp) -> Signed {
    let w = World::new();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    let carol = Pgp::ed25519("carol");
    let (bob_key, bob_pub) = ssh_keygen(&w, "bob", "ed25519");
    std::fs::create_dir_all(server.join("keys")).unwrap();
    std::fs::write(server.join("keys/alice.asc"), alice.public_armored()).unwrap();
    std::fs::write(server.join("keys/carol.asc"), carol.public_armored()).unwrap();
    std::fs::copy(&bob_pub, server.join("keys/bob.pub")).unwrap();
    std::fs::write(server.join("pushgate.yaml"), CONFIG).unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    let work = w.clone("work");
    Signed {
        w,
        work,
        alice,
        carol,
        bob_key,
    }
}

fn replace_alice(s: &Signed, alice: &Pgp) {
    std::fs::write(
        s.w.path("server.git/keys/alice.asc"),
        alice.public_armored(),
    )
    .unwrap();
}

#[test]
fn a_compromised_key_invalidates_everything_it_signed() {
    let mut s = setup();
    signed_commit(&s.w, &s.work, "a", "signed before the leak", |d| {
        s.alice.sign_at(d, SystemTime::now() - 5 * DAY)
    });
    s.alice
        .revoke(ReasonForRevocation::KeyCompromised, SystemTime::now() - DAY);
    replace_alice(&s, &s.alice);
    s.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("error[revoked-key]")
        .snapshot_code(&s.w, "revoked-key")
        .assert_says("the certificate is revoked (Key material has been compromised");
}

#[test]
fn a_retired_key_stays_good_for_what_it_signed_before() {
    let mut s = setup();
    signed_commit(&s.w, &s.work, "a", "signed before retirement", |d| {
        s.alice.sign_at(d, SystemTime::now() - 5 * DAY)
    });
    s.alice
        .revoke(ReasonForRevocation::KeyRetired, SystemTime::now() - DAY);
    replace_alice(&s, &s.alice);
    s.push(&["origin", "main"]).assert_ok();
    signed_commit(&s.w, &s.work, "b", "signed after retirement", |d| {
        s.alice.sign(d)
    });
    s.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("error[revoked-key]");
}

#[test]
fn a_signature_from_the_future_is_bad() {
    let s = setup();
    signed_commit(&s.w, &s.work, "f", "from the future", |d| {
        s.alice.sign_at(d, SystemTime::now() + 3 * DAY)
    });
    s.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("error[bad-signature]")
        .assert_says("dated in the future");
}

#[test]
fn rsa_3072_keys_work() {
    let alice = Pgp::generate("alice", CipherSuite::RSA3k, SystemTime::now() - DAY, None);
    let s = setup_with(alice);
    signed_commit(&s.w, &s.work, "r", "rsa signed", |d| s.alice.sign(d));
    s.push(&["origin", "main"]).assert_ok();
}

#[test]
fn a_merge_bringing_an_unsigned_parent_is_rejected() {
    let s = setup();
    s.w.git_ok(&s.work, &["checkout", "-q", "-b", "side"]);
    let unsigned = s.w.commit(&s.work, "side", "side", "unsigned side work");
    s.w.git_ok(&s.work, &["checkout", "-q", "main"]);
    signed_commit(&s.w, &s.work, "m", "main work", |d| s.alice.sign(d));
    s.w.git_ok(&s.work, &["merge", "-q", "--no-ff", "--no-edit", "side"]);
    resign_head(&s.w, &s.work, |d| s.alice.sign(d));
    let r = s.push(&["origin", "main"]);
    r.assert_rejected()
        .assert_says(&format!("error[unsigned]: commit {}", &unsigned[..10]));
    // The merge itself is signed and is not reported.
    assert_eq!(r.stderr.matches("error[").count(), 1, "{}", r.stderr);
}

#[test]
fn laundering_unsigned_commits_is_rejected_both_ways() {
    let s = setup();
    s.w.git_ok(&s.work, &["checkout", "-q", "-b", "wild"]);
    s.w.commit(&s.work, "w", "w", "unsigned on a free branch");
    s.push(&["origin", "wild"]).assert_ok();
    // Fast-forwarding main to it: the commit is on the server, but new to main.
    s.push(&["origin", "wild:main"])
        .assert_rejected()
        .assert_says("error[unsigned]");
    // Creating a protected branch from it.
    s.push(&["origin", "wild:refs/heads/release/x"])
        .assert_rejected()
        .assert_says("error[unsigned]");
    // A protected branch from main's (already verified) history is fine.
    s.push(&["origin", "origin/main:refs/heads/release/y"])
        .assert_ok();
}

#[test]
fn tags_must_be_annotated_and_signed() {
    let s = setup();
    let key = format!("user.signingkey={}", s.bob_key.display());
    s.w.git_ok(
        &s.work,
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &key,
            "tag",
            "-s",
            "-m",
            "release 1",
            "v1",
        ],
    );
    s.w.git_ok(
        &s.work,
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &format!("gpg.ssh.allowedSignersFile={}", allowed_signers(&s)),
            "verify-tag",
            "v1",
        ],
    );
    s.push(&["origin", "v1"]).assert_ok();

    s.w.git_ok(&s.work, &["tag", "-a", "-m", "release 2", "v2"]);
    s.push(&["origin", "v2"])
        .assert_rejected()
        .assert_says("error[unsigned]: tag ");

    s.w.git_ok(&s.work, &["tag", "v3"]);
    s.push(&["origin", "v3"])
        .assert_rejected()
        .assert_says("error[lightweight-tag]");
}

fn allowed_signers(s: &Signed) -> String {
    let file = s.w.path("allowed_signers");
    let public = std::fs::read_to_string(s.bob_key.with_extension("ssh.pub")).unwrap();
    std::fs::write(&file, format!("test@example.com {public}")).unwrap();
    file.display().to_string()
}

#[test]
fn an_unreadable_key_file_rejects_the_push_naming_it() {
    let s = setup();
    std::fs::write(s.w.path("server.git/keys/carol.asc"), "this is not a key").unwrap();
    signed_commit(&s.w, &s.work, "k", "fine commit", |d| s.alice.sign(d));
    s.push(&["origin", "main"])
        .assert_rejected()
        .assert_says("error[config-broken]");
    s.w.config_check(&s.w.path("server.git"))
        .assert_exit(2)
        .assert_says("keys/carol.asc");
}

#[test]
fn many_bad_commits_are_summarised_not_flooded() {
    let s = setup();
    for i in 0..25 {
        s.w.commit(&s.work, &format!("n{i}"), "x", &format!("unsigned {i}"));
    }
    let r = s.push(&["origin", "main"]);
    r.assert_rejected()
        .assert_says("(25 errors; the first 10 follow");
    assert_eq!(
        r.stderr.matches("error[unsigned]").count(),
        10,
        "{}",
        r.stderr
    );
}

#[test]
fn a_good_tag_signature_by_someone_outside_signers_is_not_allowed() {
    let s = setup();
    // An annotated tag object signed by carol (trusted, but not in `ops`),
    // laid out as `git tag -s` does: signature appended to the message.
    let repo = git2::Repository::open(&s.work).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap().id();
    let body = format!("object {head}\ntype commit\ntag v9\ntagger Carol <carol@example.com> 1700000000 +0000\n\nrelease 9\n");
    let signed = format!("{body}{}", s.carol.sign(body.as_bytes()));
    let id = repo
        .odb()
        .unwrap()
        .write(git2::ObjectType::Tag, signed.as_bytes())
        .unwrap();
    s.w.git_ok(&s.work, &["update-ref", "refs/tags/v9", &id.to_string()]);
    s.push(&["origin", "v9"])
        .assert_rejected()
        .assert_says("error[signer-not-allowed]: tag ")
        .assert_says("signed by carol");

    // The same tag body signed by alice is accepted.
    let body = body.replace("v9", "v10");
    let signed = format!("{body}{}", s.alice.sign(body.as_bytes()));
    let id = repo
        .odb()
        .unwrap()
        .write(git2::ObjectType::Tag, signed.as_bytes())
        .unwrap();
    s.w.git_ok(&s.work, &["update-ref", "refs/tags/v10", &id.to_string()]);
    s.push(&["origin", "v10"]).assert_ok();
}

#[test]
fn a_signed_tag_replayed_under_another_name_is_refused() {
    let s = setup();
    let repo = git2::Repository::open(&s.work).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let tag = |name: &str, target: &str, kind: &str| {
        let body = format!("object {target}\ntype {kind}\ntag {name}\ntagger Alice <alice@example.com> 1700000000 +0000\n\nrelease {name}\n");
        let signed = format!("{body}{}", s.alice.sign(body.as_bytes()));
        repo.odb()
            .unwrap()
            .write(git2::ObjectType::Tag, signed.as_bytes())
            .unwrap()
            .to_string()
    };
    // alice's good v1.0 lands.
    let v1 = tag("v1.0", &head.id().to_string(), "commit");
    s.w.git_ok(&s.work, &["update-ref", "refs/tags/v1.0", &v1]);
    s.push(&["origin", "v1.0"]).assert_ok();
    // Someone with no key pushes the same signed object as v9.9.
    s.w.git_ok(&s.work, &["update-ref", "refs/tags/v9.9", &v1]);
    s.push(&["origin", "v9.9"])
        .assert_rejected()
        .assert_says("error[tag-name-mismatch]")
        .snapshot_code(&s.w, "tag-name-mismatch")
        .assert_says("made as \"v1.0\"");
    assert_eq!(s.w.server_ref("refs/tags/v9.9"), None);
    // A signed tag of a tree is not a release.
    let t = tag("v2.0", &head.tree_id().to_string(), "tree");
    s.w.git_ok(&s.work, &["update-ref", "refs/tags/v2.0", &t]);
    s.push(&["origin", "v2.0"])
        .assert_rejected()
        .assert_says("error[tag-not-commit]")
        .snapshot_code(&s.w, "tag-not-commit");
}

#[test]
fn a_new_ref_does_not_reuse_history_a_less_gated_ref_carries() {
    // main and every branch are gated by a push policy set that refs/ci/**
    // is not; a commit parked on refs/ci/evil must still be checked when a
    // branch is created at it.
    let w = World::new();
    let pol = w.path("pol");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package gate\nimport rego.v1\ndeny contains \"no evil\" if { some c in input.commits; contains(c.message, \"evil\") }\n",
    )
    .unwrap();
    w.server(&format!(
        "version: 1\npolicies:\n  - path: {}\n    push_namespace: gate\n    refs: [\"refs/heads/**\"]\n",
        pol.display()
    ));
    let work = w.clone("work");
    w.commit(&work, "README.md", "hi", "chore: start");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();
    w.commit(&work, "k8s/x.yaml", "kind: Pod\n", "evil");
    w.push(&work, None, &["origin", "HEAD:refs/ci/evil"])
        .assert_ok();
    w.push(&work, None, &["origin", "HEAD:refs/heads/x"])
        .assert_rejected()
        .assert_says("no evil");
    assert_eq!(w.server_ref("refs/heads/x"), None);
}

#[test]
fn replace_refs_are_refused_unless_a_rule_names_them() {
    let w = World::new();
    w.server("version: 1\nrefs:\n  - match: refs/heads/main\n    allow_force_push: false\n");
    let work = w.clone("work");
    let tip = w.commit(&work, "a.txt", "good", "chore: good");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();
    w.git_ok(&work, &["checkout", "-q", "--orphan", "evil"]);
    let evil = w.commit(&work, "a.txt", "backdoor", "chore: evil");
    w.push(
        &work,
        None,
        &["origin", &format!("{evil}:refs/replace/{tip}")],
    )
    .assert_rejected()
    .assert_says("error[replace-ref]")
    .snapshot_code(&w, "replace-ref")
    .assert_says(&tip);
    assert_eq!(w.server_ref(&format!("refs/replace/{tip}")), None);
    // With a rule written for replace refs, the operator has opted in.
    w.server("version: 1\nrefs:\n  - match: refs/replace/**\n    allow_delete: false\n");
    w.push(
        &work,
        None,
        &["origin", &format!("{evil}:refs/replace/{tip}")],
    )
    .assert_ok();
}

/// An RSA signature re-encoded with a non-minimal MPI (a leading zero
/// byte, counted in the bit length), as GitHub's web-flow key writes them.
pub fn non_minimal(armored: &str) -> String {
    use pgp::parse::Parse;
    use sequoia_openpgp as pgp;
    let pkt = pgp::Packet::from_bytes(armored.as_bytes()).unwrap();
    let pgp::Packet::Signature(sig) = &pkt else {
        panic!("not a signature")
    };
    let pgp::crypto::mpi::Signature::RSA { s } = sig.mpis() else {
        panic!("not RSA")
    };
    let value = s.value().to_vec();
    let bytes = pgp::serialize::MarshalInto::to_vec(&pkt).unwrap();
    let header = if bytes[1] < 192 { 2 } else { 3 };
    let mut body = bytes[header..bytes.len() - value.len() - 2].to_vec();
    body.extend_from_slice(&u16::try_from((value.len() + 1) * 8).unwrap().to_be_bytes());
    body.push(0);
    body.extend_from_slice(&value);
    let n = body.len() - 192;
    let mut raw = vec![0xc2, ((n >> 8) + 192) as u8, (n & 0xff) as u8];
    raw.extend_from_slice(&body);
    let mut w = pgp::armor::Writer::new(Vec::new(), pgp::armor::Kind::Signature).unwrap();
    std::io::Write::write_all(&mut w, &raw).unwrap();
    String::from_utf8(w.finalize().unwrap()).unwrap()
}

#[test]
fn non_minimal_rsa_mpis_get_the_verdict_gpg_gives() {
    let w = World::new();
    let rsa = Pgp::generate(
        "rsa",
        CipherSuite::RSA2k,
        SystemTime::now() - 10 * DAY,
        None,
    );
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::create_dir_all(server.join("keys")).unwrap();
    std::fs::write(server.join("keys/rsa.asc"), rsa.public_armored()).unwrap();
    let other = Pgp::ed25519("other");
    std::fs::write(server.join("keys/other.asc"), other.public_armored()).unwrap();
    let cfg = |key: &str| {
        format!("version: 1\nkeys:\n  k: keys/{key}.asc\nrefs:\n  - match: refs/heads/main\n    require_signed_commits: true\n")
    };
    std::fs::write(server.join("pushgate.yaml"), cfg("rsa")).unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    let work = w.clone("work");
    signed_commit(&w, &work, "a", "feat: web-flow style", |d| {
        non_minimal(&rsa.sign(d))
    });

    // gpg (through git) reads the signature, and with the key, calls it good.
    let pubkey = w.path("rsa.asc");
    std::fs::write(&pubkey, rsa.public_armored()).unwrap();
    let no_key = w.git(&work, &["verify-commit", "HEAD"]);
    assert!(!no_key.ok(), "gpg without the key: {}", no_key.stderr);
    assert!(no_key.stderr.contains("No public key"), "{}", no_key.stderr);
    let import = w
        .cmd("gpg", w.dir.path())
        .args(["--batch", "--import"])
        .arg(&pubkey)
        .output()
        .unwrap();
    assert!(import.status.success());
    w.git(&work, &["verify-commit", "HEAD"]).assert_ok();

    // pushgate agrees: good with the key in `keys:` ...
    w.push(&work, None, &["origin", "main"]).assert_ok();
    // ... and unknown_key, naming the issuer, when it is not.
    std::fs::write(server.join("pushgate.yaml"), cfg("other")).unwrap();
    signed_commit(&w, &work, "b", "feat: again", |d| non_minimal(&rsa.sign(d)));
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[unknown-key]")
        .assert_says(&rsa.signing_fingerprint()[24..]);
    let _ = w
        .cmd("gpgconf", w.dir.path())
        .args(["--kill", "gpg-agent"])
        .status();
}

#[test]
fn a_new_ref_is_judged_whole_not_from_a_fork_point_the_pusher_chose() {
    // Policies judge what a push changes at its tip. A Secret added and
    // removed again inside a branch's history was never judged; a new ref
    // created at that inner commit must be (whole tree), and so must one
    // whose history is ordered by forged dates.
    let w = World::new();
    let pol = w.path("pol");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains \"no secrets\" if input.kind == \"Secret\"\n",
    )
    .unwrap();
    w.server(&format!(
        "version: 1\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\n",
        pol.display()
    ));
    let work = w.clone("work");
    w.commit(&work, "README.md", "hi", "chore: start");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();
    w.git_ok(&work, &["checkout", "-q", "-b", "feat"]);
    let e1 = w.commit(&work, "evil.yaml", "kind: Secret\n", "add");
    w.git_ok(&work, &["rm", "-q", "evil.yaml"]);
    w.git_ok(&work, &["commit", "-q", "-m", "remove"]);
    w.push(&work, None, &["-q", "origin", "feat"]).assert_ok();
    w.push(&work, None, &["origin", &format!("{e1}:refs/heads/env/z")])
        .assert_rejected()
        .assert_says("no secrets");
    assert_eq!(w.server_ref("refs/heads/env/z"), None);

    // Forged dates: A adds the Secret; X and B are its children, B dated
    // 1980; merging them makes the walk end at B, whose parent A already
    // holds the Secret.
    w.git_ok(&work, &["checkout", "-q", "main"]);
    w.git_ok(&work, &["checkout", "-q", "-b", "atk"]);
    w.commit(&work, "evil.yaml", "kind: Secret\n", "A");
    w.commit(&work, "x.txt", "x", "X");
    w.git_ok(&work, &["checkout", "-q", "-b", "atk-b", "HEAD~1"]);
    let mut c = w.cmd("git", &work);
    c.args(["commit", "-q", "--allow-empty", "-m", "B"])
        .env("GIT_COMMITTER_DATE", "1980-01-01T00:00:00Z")
        .env("GIT_AUTHOR_DATE", "1980-01-01T00:00:00Z");
    assert!(c.status().unwrap().success());
    w.git_ok(&work, &["checkout", "-q", "atk"]);
    w.git_ok(&work, &["merge", "-q", "--no-edit", "atk-b"]);
    w.push(&work, None, &["origin", "atk:refs/heads/env/y"])
        .assert_rejected()
        .assert_says("no secrets");
}

#[test]
fn require_signed_tags_holds_outside_refs_tags() {
    let w = World::new();
    let (_key, public) = ssh_keygen(&w, "bob", "ed25519");
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::copy(&public, server.join("bob.pub")).unwrap();
    std::fs::write(
        server.join("pushgate.yaml"),
        "version: 1\nkeys:\n  bob: bob.pub\nrefs:\n  - match: refs/releases/*\n    require_signed_tags: true\n",
    )
    .unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    let work = w.clone("work");
    w.commit(&work, "a", "a", "chore: a");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();
    w.push(&work, None, &["origin", "main:refs/releases/r1"])
        .assert_rejected()
        .assert_says("error[lightweight-tag]");
    w.git_ok(&work, &["tag", "-a", "-m", "r2", "r2"]);
    w.push(&work, None, &["origin", "refs/tags/r2:refs/releases/r2"])
        .assert_rejected()
        .assert_says("error[unsigned]");
}

#[test]
fn a_private_key_in_keys_is_refused_naming_the_file() {
    // An operator who exported the wrong half: gpg's --export-secret-keys,
    // a sequoia TSK, an SSH private key. Each rejects the push, naming the
    // file and saying to use the public part.
    let w = World::new();
    let gpg = |args: &[&str]| {
        let out = w.cmd("gpg", w.dir.path()).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    std::fs::create_dir_all(w.path("gnupg")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(w.path("gnupg"), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    gpg(&[
        "--batch",
        "--passphrase",
        "",
        "--quick-gen-key",
        "Ops <ops@example.com>",
        "ed25519",
        "sign",
        "never",
    ]);
    let gpg_secret = gpg(&[
        "--batch",
        "--armor",
        "--export-secret-keys",
        "ops@example.com",
    ]);
    assert!(String::from_utf8_lossy(&gpg_secret).contains("PRIVATE KEY BLOCK"));
    let (ssh_private, _) = ssh_keygen(&w, "ops", "ed25519");

    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::create_dir_all(server.join("keys")).unwrap();
    std::fs::write(
        server.join("pushgate.yaml"),
        "version: 1\nkeys:\n  ops: keys/ops.key\nrefs:\n  - match: refs/heads/main\n    require_signed_commits: true\n",
    )
    .unwrap();
    let public = gpg(&["--batch", "--armor", "--export", "ops@example.com"]);
    std::fs::write(server.join("keys/ops.key"), &public).unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    let work = w.clone("work");
    let tsk = Pgp::ed25519("ops");
    let cases: [(&str, Vec<u8>); 3] = [
        ("gpg --export-secret-keys", gpg_secret),
        ("sequoia TSK", tsk.secret_armored()),
        ("OpenSSH private key", std::fs::read(&ssh_private).unwrap()),
    ];
    for (i, (what, bytes)) in cases.iter().enumerate() {
        std::fs::write(server.join("keys/ops.key"), bytes).unwrap();
        w.commit(&work, &format!("f{i}"), "x\n", "feat: x");
        w.push(&work, None, &["origin", "main"])
            .assert_rejected()
            .assert_says("error[config-broken]");
        let r = w.config_check(&server);
        r.assert_exit(2).assert_says("keys/ops.key");
        assert!(
            r.stderr.contains("private") && r.stderr.contains("public"),
            "{what}: {}",
            r.stderr
        );
    }
    // The public half of the same gpg key loads (the push then fails only
    // because the commits are unsigned).
    std::fs::write(server.join("keys/ops.key"), public).unwrap();
    let r = w.push(&work, None, &["origin", "main"]);
    r.assert_rejected();
    assert!(!r.stderr.contains("private"), "{}", r.stderr);
    let _ = w
        .cmd("gpgconf", w.dir.path())
        .args(["--kill", "gpg-agent"])
        .status();
}

/// The key formats teams already have: git's allowed_signers file (its
/// principals become signers, and git's own `verify-commit` with the same
/// file agrees), RFC 4716 blocks (`ssh-keygen -e`), several keys and
/// comments in one `.pub`; and files of the wrong kind named as what they
/// are (operators read it from `config check`).
#[test]
fn ssh_keys_load_from_allowed_signers_rfc4716_and_multi_key_files() {
    let w = World::new();
    let (bob_key, bob_pub) = ssh_keygen(&w, "bob", "ed25519");
    let (_, other_pub) = ssh_keygen(&w, "other", "ed25519");
    let bob_line = std::fs::read_to_string(&bob_pub).unwrap();
    let other_line = std::fs::read_to_string(&other_pub).unwrap();
    let allowed = w.path("allowed_signers");
    std::fs::write(
        &allowed,
        format!(
            "# the team\nbob namespaces=\"git\" {bob_line}carol namespaces=\"file\" {other_line}"
        ),
    )
    .unwrap();
    let rfc = w
        .cmd("ssh-keygen", w.dir.path())
        .args(["-e", "-f"])
        .arg(&bob_pub)
        .output()
        .unwrap();
    assert!(rfc.status.success());
    std::fs::write(w.path("bob.rfc4716"), &rfc.stdout).unwrap();
    std::fs::write(
        w.path("two.pub"),
        format!("# laptop and desktop\n{other_line}\n{bob_line}"),
    )
    .unwrap();

    for (keys, signers) in [
        (format!("allowed_signers: {}\n", allowed.display()), "[bob]"),
        (format!("keys:\n  bob: {}\n", allowed.display()), "[bob]"),
        (
            format!("keys:\n  bob: {}\n", w.path("bob.rfc4716").display()),
            "[bob]",
        ),
        (
            format!("keys:\n  bob: {}\n", w.path("two.pub").display()),
            "[bob]",
        ),
    ] {
        let w2 = World::new();
        w2.server(&format!(
            "version: 1\n{keys}refs:\n  - match: refs/heads/main\n    require_signed_commits: true\n    signers: {signers}\n"
        ));
        let work = w2.clone("work");
        std::fs::write(work.join("f"), "f").unwrap();
        w2.git_ok(&work, &["add", "f"]);
        let signing = format!("user.signingkey={}", bob_key.display());
        w2.git_ok(
            &work,
            &[
                "-c",
                "gpg.format=ssh",
                "-c",
                &signing,
                "commit",
                "-q",
                "-S",
                "-m",
                "signed",
            ],
        );
        if keys.contains("allowed_signers") {
            // git reads the same file the same way.
            let file = format!("gpg.ssh.allowedSignersFile={}", allowed.display());
            w2.git_ok(
                &work,
                &["-c", "gpg.format=ssh", "-c", &file, "verify-commit", "HEAD"],
            );
        }
        w2.push(&work, None, &["origin", "main"]).assert_ok();
        // An unsigned commit is still refused: the keys did load as keys.
        w2.commit(&work, "g", "g", "unsigned");
        w2.push(&work, None, &["origin", "main"])
            .assert_rejected()
            .assert_says("error[unsigned]");
    }

    // carol's key is not for git (namespaces="file"): she is no signer, as
    // git's verify-commit would not accept her key for a commit.
    let w3 = World::new();
    let server = w3.path("server.git");
    w3.git_ok(
        w3.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    let config = server.join("pushgate.yaml");
    let write = |keys: &str| {
        std::fs::write(&config, format!("version: 1\n{keys}refs:\n  - match: refs/heads/main\n    require_signed_commits: true\n")).unwrap();
    };
    write(&format!("keys:\n  carol: {}\n", allowed.display()));
    w3.config_check(&server)
        .assert_exit(2)
        .assert_says("has no key for `carol` (its principals: bob)");

    // Files of the wrong kind say what they are.
    let ca = w3.path("ca");
    let out = w3
        .cmd("ssh-keygen", w3.dir.path())
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&ca)
        .output()
        .unwrap();
    assert!(out.status.success());
    let copy = w3.path("bobkey.pub");
    std::fs::copy(&bob_pub, &copy).unwrap();
    let out = w3
        .cmd("ssh-keygen", w3.dir.path())
        .args(["-q", "-s"])
        .arg(&ca)
        .args(["-I", "bob", "-n", "bob"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(
        w3.path("sig.asc"),
        "-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n",
    )
    .unwrap();
    std::fs::write(w3.path("empty.pub"), "").unwrap();
    std::fs::write(w3.path("notes.txt"), "remember to rotate the keys\n").unwrap();
    for (file, says) in [
        ("bobkey-cert.pub", "an SSH certificate"),
        ("sig.asc", "is an OpenPGP signature, not a public key"),
        ("empty.pub", "the file is empty"),
        (
            "notes.txt",
            "neither an OpenPGP certificate nor an SSH public key",
        ),
    ] {
        write(&format!("keys:\n  bob: {}\n", w3.path(file).display()));
        let r = w3.config_check(&server);
        r.assert_exit(2).assert_says(file).assert_says(says);
        assert!(!r.stderr.contains("unexpected EOF"), "{}", r.stderr);
    }
}
