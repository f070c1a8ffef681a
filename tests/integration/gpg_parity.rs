//! Differential test of OpenPGP verdicts against gpg itself: the same
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
