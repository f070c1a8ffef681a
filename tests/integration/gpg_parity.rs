//! Differential tests of signature verdicts against the reference tools:
//! OpenPGP against gpg, SSH against `ssh-keygen -Y verify`. For OpenPGP: the same
//! signatures, over the same data, judged by `gpg --verify` (status lines)
//! and by pushgate's keyring. Keys and signatures are made here: RSA and
//! Ed25519, a signing subkey that expires, a revoked certificate, RSA
//! signatures with non-minimal MPIs, tampered data, a key nobody trusts.
//!
//! gpg and pushgate differ on purpose in one place, and the test encodes it:
//! pushgate judges a signature by the key's validity when it was made (so
//! teams can rotate keys), gpg by its validity now (EXPKEYSIG).

use std::time::SystemTime;

use pushgate::signature::{Keyring, Status};
use sequoia_openpgp::cert::CipherSuite;
use sequoia_openpgp::types::ReasonForRevocation;

use crate::keys::*;
use crate::signatures::non_minimal;
use crate::support::*;

/// gpg's verdict from its status lines.
fn gpg_verdict(w: &World, sig: &str, data: &[u8]) -> &'static str {
    let sig_file = w.path("sig.asc");
    let data_file = w.path("data");
    std::fs::write(&sig_file, sig).unwrap();
    std::fs::write(&data_file, data).unwrap();
    let out = w
        .cmd("gpg", w.dir.path())
        .args(["--batch", "--status-fd", "1", "--verify"])
        .arg(&sig_file)
        .arg(&data_file)
        .output()
        .expect("gpg is installed by .ci/run");
    let status = String::from_utf8_lossy(&out.stdout);
    for (tag, v) in [
        ("[GNUPG:] GOODSIG", "good"),
        ("[GNUPG:] EXPKEYSIG", "expired_now"),
        ("[GNUPG:] REVKEYSIG", "revoked"),
        ("[GNUPG:] BADSIG", "bad"),
        ("[GNUPG:] NO_PUBKEY", "unknown_key"),
    ] {
        if status.lines().any(|l| l.starts_with(tag)) {
            return v;
        }
    }
    panic!(
        "gpg said neither good nor bad:\n{status}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn openpgp_verdicts_agree_with_gpg() {
    let w = World::new();
    let now = SystemTime::now();
    let ed = Pgp::ed25519("ed");
    let rsa = Pgp::generate("rsa", CipherSuite::RSA2k, now - 10 * DAY, None);
    // A signing subkey valid for two days, ten days ago.
    let short = Pgp::generate("short", CipherSuite::Cv25519, now - 10 * DAY, Some(2 * DAY));
    let mut revoked = Pgp::generate("revoked", CipherSuite::Cv25519, now - 10 * DAY, None);
    let stranger = Pgp::ed25519("stranger");

    let sign_revoked = revoked.sign_at(b"payload", now - 5 * DAY);
    revoked.revoke(ReasonForRevocation::KeyCompromised, now - DAY);

    let mut ring = Keyring::default();
    for p in [&ed, &rsa, &short, &revoked] {
        let file = w.path("k.asc");
        std::fs::write(&file, p.public_armored()).unwrap();
        ring.add_key_bytes("k", &file, &p.public_armored()).unwrap();
        let import = w
            .cmd("gpg", w.dir.path())
            .args(["--batch", "--import"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            import.status.success(),
            "{}",
            String::from_utf8_lossy(&import.stderr)
        );
    }

    let data: &[u8] = b"payload";
    // (case, signature, data, pushgate's expected status given gpg's)
    let cases: Vec<(&str, String, &[u8])> = vec![
        ("ed25519", ed.sign(data), data),
        ("rsa", rsa.sign(data), data),
        ("rsa, non-minimal MPI", non_minimal(&rsa.sign(data)), data),
        (
            "rsa, non-minimal MPI, tampered",
            non_minimal(&rsa.sign(data)),
            b"payload!",
        ),
        ("ed25519, tampered", ed.sign(data), b"payload!"),
        (
            "subkey, signed while valid",
            short.sign_at(data, now - 9 * DAY),
            data,
        ),
        (
            "subkey, signed after it expired",
            short.sign_at(data, now),
            data,
        ),
        ("revoked certificate (compromised)", sign_revoked, data),
        ("a key not in keys:", stranger.sign(data), data),
    ];
    let mut differ = Vec::new();
    for (case, sig, signed) in &cases {
        let gpg = gpg_verdict(&w, sig, signed);
        let ours = ring.verify(sig.as_bytes(), signed, now).status;
        let agrees = match gpg {
            "good" => ours == Status::Good,
            "bad" => ours == Status::Bad,
            "unknown_key" => ours == Status::UnknownKey,
            "revoked" => ours == Status::Revoked,
            // By design: good if made while the key was valid, else expired.
            "expired_now" => {
                ours == if case.contains("while valid") {
                    Status::Good
                } else {
                    Status::Expired
                }
            }
            _ => false,
        };
        if !agrees {
            differ.push(format!("{case}: gpg {gpg}, pushgate {ours:?}"));
        }
    }
    let _ = w
        .cmd("gpgconf", w.dir.path())
        .args(["--kill", "gpg-agent"])
        .status();
    assert!(
        differ.is_empty(),
        "verdicts differ from gpg:\n{}",
        differ.join("\n")
    );
}

/// ssh-keygen's verdict on an SSH signature over `data` for namespace git.
fn ssh_keygen_verdict(
    w: &World,
    allowed: &std::path::Path,
    sig: &str,
    data: &[u8],
) -> &'static str {
    let sig_file = w.path("ssh.sig");
    std::fs::write(&sig_file, sig).unwrap();
    let mut child = w
        .cmd("ssh-keygen", w.dir.path())
        .args(["-Y", "verify", "-n", "git", "-I", "signer", "-f"])
        .arg(allowed)
        .arg("-s")
        .arg(&sig_file)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ssh-keygen is installed by .ci/run");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), data).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        "good"
    } else {
        "refused"
    }
}

#[test]
fn ssh_verdicts_agree_with_ssh_keygen() {
    let w = World::new();
    let allowed = w.path("allowed_signers");
    let mut ring = Keyring::default();
    let mut lines = String::new();
    let mut keys = Vec::new();
    for kind in ["ed25519", "rsa", "ecdsa"] {
        let (key, public) = ssh_keygen(&w, kind, kind);
        let text = std::fs::read_to_string(&public).unwrap();
        ring.add_key_bytes("k", &public, text.as_bytes()).unwrap();
        lines.push_str(&format!("signer {text}"));
        keys.push((kind, key));
    }
    std::fs::write(&allowed, lines).unwrap();
    let (stranger, _) = ssh_keygen(&w, "stranger", "ed25519");
    let sign = |key: &std::path::Path, ns: &str, data: &[u8]| -> String {
        let file = w.path("payload");
        std::fs::write(&file, data).unwrap();
        let out = w
            .cmd("ssh-keygen", w.dir.path())
            .args(["-Y", "sign", "-n", ns, "-f"])
            .arg(key)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(w.path("payload.sig")).unwrap()
    };
    let data: &[u8] = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nsigned\n";
    let mut cases: Vec<(String, String, &[u8])> = Vec::new();
    for (kind, key) in &keys {
        cases.push((kind.to_string(), sign(key, "git", data), data));
        cases.push((
            format!("{kind}, tampered"),
            sign(key, "git", data),
            b"other",
        ));
        cases.push((
            format!("{kind}, namespace file"),
            sign(key, "file", data),
            data,
        ));
    }
    cases.push((
        "a key not in keys:".into(),
        sign(&stranger, "git", data),
        data,
    ));
    let mut differ = Vec::new();
    for (case, sig, signed) in &cases {
        let theirs = ssh_keygen_verdict(&w, &allowed, sig, signed);
        let ours = ring
            .verify(sig.as_bytes(), signed, SystemTime::now())
            .status;
        if (theirs == "good") != (ours == Status::Good) {
            differ.push(format!("{case}: ssh-keygen {theirs}, pushgate {ours:?}"));
        }
    }
    assert!(
        differ.is_empty(),
        "verdicts differ from ssh-keygen:\n{}",
        differ.join("\n")
    );
}
