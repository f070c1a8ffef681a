//! OpenPGP signatures (sequoia-openpgp): certificates indexed by every key
//! id they carry, and verification judged at the time the signature was made.
//!
//! Judging at signing time is what lets teams rotate keys: a subkey that has
//! expired since stays good for what it signed while valid. A hard
//! revocation (compromised, or no reason given) is final and invalidates
//! every signature; sequoia applies that rule for us.

use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

use sequoia_openpgp as pgp;

use pgp::cert::amalgamation::ValidAmalgamation;
use pgp::cert::CertParser;
use pgp::parse::Parse;
use pgp::policy::{HashAlgoSecurity, Policy, StandardPolicy};
use pgp::types::RevocationStatus;
use pgp::{Cert, KeyHandle, KeyID, Packet};

use super::{day, Format, Status, Verdict, CLOCK_SKEW};
use crate::config::ConfigError;

#[derive(Default)]
pub struct Keys {
    certs: Vec<(String, Cert)>,
    /// Key id of every (sub)key → indices into `certs`.
    by_id: HashMap<KeyID, Vec<usize>>,
}

static POLICY: StandardPolicy<'static> = StandardPolicy::new();

fn verdict(status: Status, detail: impl Into<String>) -> Verdict {
    Verdict::new(status, Some(Format::Openpgp), detail)
}

impl Keys {
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    pub fn add(&mut self, name: &str, file: &Path, bytes: &[u8]) -> Result<(), ConfigError> {
        let err = |message: String| ConfigError {
            file: file.to_path_buf(),
            line: None,
            message,
            help: Some(
                "export the certificate with `gpg --export --armor <id>` (public part only)".into(),
            ),
            also: Vec::new(),
        };
        let parser = CertParser::from_bytes(bytes)
            .map_err(|e| err(format!("not an OpenPGP certificate or SSH public key: {e}")))?;
        let mut found = 0;
        for cert in parser {
            let cert =
                cert.map_err(|e| err(format!("cannot parse the OpenPGP certificate: {e}")))?;
            // A private key on the gate is a leak waiting to happen (every
            // operator and backup reads it) and never needed to verify.
            if cert.is_tsk() {
                return Err(ConfigError {
                    file: file.to_path_buf(),
                    line: None,
                    message: format!(
                        "the file holds the private (secret) key of {}; the gate needs only the public part",
                        cert.fingerprint()
                    ),
                    help: Some(format!(
                        "replace it with `gpg --export --armor {}` (not --export-secret-keys), and treat the private key as seen by whoever could read this file",
                        cert.fingerprint()
                    )),
                    also: Vec::new(),
                });
            }
            let idx = self.certs.len();
            for key in cert.keys() {
                let id = KeyID::from(key.key().fingerprint());
                if let Some(other) = self.by_id.get(&id).and_then(|v| v.first()) {
                    let (other_name, _) = &self.certs[*other];
                    if other_name != name {
                        return Err(err(format!(
                            "key {} is listed both for `{other_name}` and for `{name}`",
                            key.key().fingerprint()
                        )));
                    }
                }
                self.by_id.entry(id).or_default().push(idx);
            }
            self.certs.push((name.to_owned(), cert));
            found += 1;
        }
        if found == 0 {
            return Err(err("the file holds no OpenPGP certificate".into()));
        }
        Ok(())
    }

    pub fn verify(&self, signature: &[u8], data: &[u8], now: SystemTime) -> Verdict {
        let sig = match parse_one_signature(signature) {
            Ok(s) => s,
            Err(e) => return verdict(Status::Bad, format!("malformed OpenPGP signature: {e}")),
        };
        let issuers = sig.get_issuers();
        let issuer_text = issuers
            .iter()
            .find(|h| matches!(h, KeyHandle::Fingerprint(_)))
            .or(issuers.first())
            .map(|h| h.to_hex());
        let Some(made) = sig.signature_creation_time() else {
            return verdict(Status::Bad, "the signature has no creation time");
        };
        if made > now + CLOCK_SKEW {
            let mut v = verdict(
                Status::Bad,
                format!("the signature is dated in the future ({})", day(made)),
            );
            v.key = issuer_text;
            return v;
        }

        let mut candidates: Vec<usize> = issuers
            .iter()
            .filter_map(|h| self.by_id.get(&KeyID::from(h.clone())))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();

        let mut last_bad = None;
        for idx in candidates {
            let (name, cert) = &self.certs[idx];
            for ka in cert.keys() {
                let key = ka.key();
                if !issuers
                    .iter()
                    .any(|h| h.aliases(KeyHandle::from(key.fingerprint())))
                {
                    continue;
                }
                if let Err(e) = sig.verify_message(key, data) {
                    last_bad = Some(
                        verdict(
                            Status::Bad,
                            format!("the signature does not match the signed content ({e})"),
                        )
                        .key(key.fingerprint().to_hex()),
                    );
                    continue;
                }
                let mut v = judge(cert, &key.fingerprint().into(), &sig, made, now);
                v.key = Some(key.fingerprint().to_hex());
                v.signer = Some(name.clone());
                return v;
            }
        }
        if let Some(bad) = last_bad {
            return bad;
        }
        let mut v = verdict(Status::UnknownKey, "signed by a key that is not in `keys:`");
        v.key = issuer_text;
        v
    }
}

/// The one signature packet of a detached signature. Some signers (GitHub's
/// web-flow key among them) write RSA MPIs with leading zero bits, which
/// sequoia's parser refuses and gpg and RNP accept; such a packet is
/// re-encoded with minimal MPIs (the same numbers) and parsed again, so it
/// gets gpg's verdict instead of "malformed".
fn parse_one_signature(bytes: &[u8]) -> pgp::Result<pgp::packet::Signature> {
    match parse_signature_packets(bytes) {
        Ok(s) => Ok(s),
        Err(e) => match dearmor(bytes).and_then(|raw| minimal_mpis(&raw)) {
            Some(fixed) => parse_signature_packets(&fixed).map_err(|_| e),
            None => Err(e),
        },
    }
}

fn dearmor(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    if !bytes.starts_with(b"-----BEGIN") {
        return Some(bytes.to_vec());
    }
    let mut r = pgp::armor::Reader::from_bytes(
        bytes,
        pgp::armor::ReaderMode::Tolerant(Some(pgp::armor::Kind::Signature)),
    );
    let mut out = Vec::new();
    r.read_to_end(&mut out).ok()?;
    Some(out)
}

/// One packet's (tag, body, rest) from binary OpenPGP (RFC 4880 4.2).
fn split_packet(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&h, rest) = b.split_first()?;
    if h & 0x80 == 0 {
        return None;
    }
    let (tag, len, rest) = if h & 0x40 != 0 {
        let (&o1, r) = rest.split_first()?;
        match o1 {
            0..=191 => (h & 0x3f, usize::from(o1), r),
            192..=223 => {
                let (&o2, r) = r.split_first()?;
                (
                    h & 0x3f,
                    ((usize::from(o1) - 192) << 8) + usize::from(o2) + 192,
                    r,
                )
            }
            255 => {
                let n = r.get(..4)?;
                (
                    h & 0x3f,
                    u32::from_be_bytes([n[0], n[1], n[2], n[3]]) as usize,
                    &r[4..],
                )
            }
            _ => return None, // partial lengths: not used for signatures
        }
    } else {
        let tag = (h >> 2) & 0x0f;
        match h & 3 {
            0 => (tag, usize::from(*rest.first()?), &rest[1..]),
            1 => {
                let n = rest.get(..2)?;
                (
                    tag,
                    usize::from(u16::from_be_bytes([n[0], n[1]])),
                    &rest[2..],
                )
            }
            2 => {
                let n = rest.get(..4)?;
                (
                    tag,
                    u32::from_be_bytes([n[0], n[1], n[2], n[3]]) as usize,
                    &rest[4..],
                )
            }
            _ => (tag, rest.len(), rest),
        }
    };
    Some((tag, rest.get(..len)?, rest.get(len..)?))
}

/// The signature packets re-encoded with minimal MPIs (None: nothing to
/// fix, or not a packet layout this knows: v3/v4 signatures).
fn minimal_mpis(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = raw;
    let mut changed = false;
    while !rest.is_empty() {
        let (tag, body, next) = split_packet(rest)?;
        rest = next;
        let body = if tag == 2 {
            let (fixed, did) = minimal_signature_body(body)?;
            changed |= did;
            fixed
        } else {
            body.to_vec()
        };
        out.push(0xc0 | tag);
        let n = body.len();
        if n < 192 {
            out.push(n as u8);
        } else if n < 8384 {
            let m = n - 192;
            out.push(((m >> 8) + 192) as u8);
            out.push((m & 0xff) as u8);
        } else {
            out.push(255);
            out.extend_from_slice(&u32::try_from(n).ok()?.to_be_bytes());
        }
        out.extend_from_slice(&body);
    }
    changed.then_some(out)
}

fn minimal_signature_body(body: &[u8]) -> Option<(Vec<u8>, bool)> {
    let mpis_at = match body.first()? {
        3 => 19,
        4 => {
            let hashed = usize::from(u16::from_be_bytes([*body.get(4)?, *body.get(5)?]));
            let at = 6 + hashed;
            let unhashed = usize::from(u16::from_be_bytes([*body.get(at)?, *body.get(at + 1)?]));
            at + 2 + unhashed + 2
        }
        _ => return None,
    };
    let mut out = body.get(..mpis_at)?.to_vec();
    let mut rest = body.get(mpis_at..)?;
    let mut changed = false;
    while !rest.is_empty() {
        let bits = usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?]));
        let n = bits.div_ceil(8);
        let value = rest.get(2..2 + n)?;
        rest = &rest[2 + n..];
        let start = value.iter().position(|b| *b != 0).unwrap_or(value.len());
        let digits = &value[start..];
        let real_bits = match digits.first() {
            Some(b) => (digits.len() - 1) * 8 + (8 - b.leading_zeros() as usize),
            None => 0,
        };
        changed |= real_bits != bits;
        out.extend_from_slice(&u16::try_from(real_bits).ok()?.to_be_bytes());
        out.extend_from_slice(digits);
    }
    Some((out, changed))
}

fn parse_signature_packets(bytes: &[u8]) -> pgp::Result<pgp::packet::Signature> {
    let mut sigs = pgp::PacketPile::from_bytes(bytes)?
        .into_children()
        .filter_map(|p| match p {
            Packet::Signature(s) => Some(s),
            _ => None,
        });
    let first = sigs
        .next()
        .ok_or_else(|| anyhow::anyhow!("no signature packet"))?;
    if sigs.next().is_some() {
        return Err(anyhow::anyhow!("more than one signature packet"));
    }
    Ok(first)
}

/// The verdict on a cryptographically valid signature: was the key entitled
/// to sign at the moment the signature was made?
fn judge(
    cert: &Cert,
    handle: &KeyHandle,
    sig: &pgp::packet::Signature,
    made: SystemTime,
    now: SystemTime,
) -> Verdict {
    if let Err(e) = POLICY.signature(sig, HashAlgoSecurity::CollisionResistance) {
        return verdict(
            Status::Bad,
            format!("the signature uses an algorithm the standard policy rejects: {e}"),
        );
    }
    let vc = match cert.with_policy(&POLICY, made) {
        Ok(vc) => vc,
        Err(e) => {
            return verdict(
                Status::Bad,
                format!("the certificate was not valid when the signature was made: {e}"),
            )
        }
    };
    if let RevocationStatus::Revoked(revs) = vc.revocation_status() {
        return verdict(
            Status::Revoked,
            format!("the certificate is revoked{}", reason(&revs)),
        );
    }
    let Some(ka) = vc.keys().key_handle(handle.clone()).next() else {
        return verdict(
            Status::Bad,
            format!("the key was not part of the certificate on {}", day(made)),
        );
    };
    if let RevocationStatus::Revoked(revs) = ka.revocation_status() {
        return verdict(
            Status::Revoked,
            format!("the key is revoked{}", reason(&revs)),
        );
    }
    if !ka.for_signing() {
        return verdict(Status::Bad, "the key is not signing-capable");
    }
    if vc.alive().is_err() || ka.alive().is_err() {
        let until = ka
            .key_expiration_time()
            .or_else(|| vc.primary_key().key_expiration_time())
            .map(|t| format!(" expired on {}", day(t)))
            .unwrap_or_else(|| " had expired".to_owned());
        return verdict(
            Status::Expired,
            format!("signed on {}, but the key{until}", day(made)),
        );
    }
    if sig.signature_alive(now, CLOCK_SKEW).is_err() {
        return verdict(Status::Expired, "the signature itself has expired");
    }
    verdict(Status::Good, format!("signed on {}", day(made)))
}

fn reason(revs: &[&pgp::packet::Signature]) -> String {
    revs.iter()
        .find_map(|r| r.reason_for_revocation())
        .map(|(code, msg)| {
            let msg = String::from_utf8_lossy(msg);
            if msg.is_empty() {
                format!(" ({code})")
            } else {
                format!(" ({code}: {msg})")
            }
        })
        .unwrap_or_default()
}
