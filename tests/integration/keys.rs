//! Keys made inside the tests: OpenPGP certificates with sequoia, SSH keys
//! with ssh-keygen, and commits signed with them — programmatically, and by
//! git itself.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sequoia_openpgp as pgp;

use pgp::cert::prelude::*;
use pgp::packet::signature::SignatureBuilder;
use pgp::policy::StandardPolicy;
use pgp::serialize::SerializeInto;
use pgp::types::{KeyFlags, ReasonForRevocation, SignatureType};

use crate::support::World;

pub const DAY: Duration = Duration::from_secs(86_400);

pub struct Pgp {
    pub cert: Cert,
    pub created: SystemTime,
}

impl Pgp {
    /// A certificate created at `created`, whose signing subkey is valid
    /// for `signing_validity` (None: forever).
    pub fn generate(
        name: &str,
        suite: CipherSuite,
        created: SystemTime,
        signing_validity: Option<Duration>,
    ) -> Pgp {
        let (cert, _) = CertBuilder::new()
            .add_userid(format!("{name} <{name}@example.com>"))
            .set_cipher_suite(suite)
            .set_creation_time(created)
            .add_subkey(KeyFlags::empty().set_signing(), signing_validity, None)
            .generate()
            .unwrap();
        Pgp { cert, created }
    }

    pub fn ed25519(name: &str) -> Pgp {
        Pgp::generate(
            name,
            CipherSuite::Cv25519,
            SystemTime::now() - 365 * DAY,
            None,
        )
    }

    pub fn public_armored(&self) -> Vec<u8> {
        self.cert.armored().to_vec().unwrap()
    }

    pub fn secret_armored(&self) -> Vec<u8> {
        self.cert.as_tsk().armored().to_vec().unwrap()
    }

    pub fn signing_fingerprint(&self) -> String {
        let p = StandardPolicy::new();
        self.cert
            .keys()
            .with_policy(&p, self.created + Duration::from_secs(1))
            .for_signing()
            .next()
            .unwrap()
            .key()
            .fingerprint()
            .to_hex()
    }

    /// An armored detached signature over `data`, made at `at`.
    pub fn sign_at(&self, data: &[u8], at: SystemTime) -> String {
        let p = StandardPolicy::new();
        let key = self
            .cert
            .keys()
            .with_policy(&p, self.created + Duration::from_secs(1))
            .secret()
            .for_signing()
            .next()
            .unwrap()
            .key()
            .clone();
        let mut signer = key.into_keypair().unwrap();
        let sig = SignatureBuilder::new(SignatureType::Binary)
            .set_signature_creation_time(at)
            .unwrap()
            .sign_message(&mut signer, data)
            .unwrap();
        let mut armored = pgp::armor::Writer::new(Vec::new(), pgp::armor::Kind::Signature).unwrap();
        pgp::serialize::Serialize::serialize(&pgp::Packet::from(sig), &mut armored).unwrap();
        let bytes = armored.finalize().unwrap();
        String::from_utf8(bytes).unwrap()
    }

    pub fn sign(&self, data: &[u8]) -> String {
        self.sign_at(data, SystemTime::now())
    }

    /// Revokes the whole certificate, as of `at`.
    pub fn revoke(&mut self, reason: ReasonForRevocation, at: SystemTime) {
        let mut primary = self
            .cert
            .primary_key()
            .key()
            .clone()
            .parts_into_secret()
            .unwrap()
            .into_keypair()
            .unwrap();
        let rev = CertRevocationBuilder::new()
            .set_signature_creation_time(at)
            .unwrap()
            .set_reason_for_revocation(reason, b"test")
            .unwrap()
            .build(&mut primary, &self.cert, None)
            .unwrap();
        self.cert = self.cert.clone().insert_packets(rev).unwrap().0;
    }
}

/// An SSH key made by ssh-keygen; returns (private key path, public key path).
pub fn ssh_keygen(w: &World, name: &str, kind: &str) -> (PathBuf, PathBuf) {
    let key = w.path(&format!("{name}.ssh"));
    let out = w
        .cmd("ssh-keygen", w.dir.path())
        .args(["-q", "-t", kind, "-N", "", "-C", name, "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen is installed by .ci/run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = key.with_extension("ssh.pub");
    (key, public)
}

/// Replaces HEAD of `work` with a copy of itself (same tree, parents,
/// author, message) signed by `sign`; returns the new id.
pub fn resign_head(w: &World, work: &Path, sign: impl Fn(&[u8]) -> String) -> String {
    let repo = git2::Repository::open(work).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let parents: Vec<git2::Commit> = head.parents().collect();
    let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
    let buf = repo
        .commit_create_buffer(
            &head.author(),
            &head.committer(),
            head.message().unwrap(),
            &head.tree().unwrap(),
            &parent_refs,
        )
        .unwrap();
    let sig = sign(&buf);
    let id = repo
        .commit_signed(buf.as_str().unwrap(), &sig, None)
        .unwrap()
        .to_string();
    w.git_ok(work, &["reset", "-q", "--hard", &id]);
    id
}

/// Commits `file` and signs the commit with `sign`.
pub fn signed_commit(
    w: &World,
    work: &Path,
    file: &str,
    msg: &str,
    sign: impl Fn(&[u8]) -> String,
) -> String {
    w.commit(work, file, msg, msg);
    resign_head(w, work, sign)
}

/// Every key file that does not load is named in one `config check`, with
/// every policy set that does not (keys and policies are read all the
/// same once the config itself is sound).
#[test]
fn config_check_names_every_broken_key_and_policy_at_once() {
    let w = World::new();
    std::fs::write(w.path("b.pub"), "not a key at all\n").unwrap();
    std::fs::create_dir_all(w.path("empty-policy")).unwrap();
    std::fs::write(w.path("empty-policy/p.rego"), "package main\nx := 1\n").unwrap();
    let server = w.server("version: 1\n");
    std::fs::write(
        server.join("pushgate.yaml"),
        "version: 1\nkeys:\n  a: ../missing.asc\n  b: ../b.pub\npolicies:\n  - path: ../empty-policy\n    manifest_namespaces: [main]\n",
    )
    .unwrap();
    let r = w.config_check(&server);
    r.assert_exit(2)
        .assert_says("missing.asc")
        .assert_says("b.pub")
        .assert_says("namespace `main`");
}
