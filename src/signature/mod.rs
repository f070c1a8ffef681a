//! Signatures on commits and tags: the keyring of named signers, and one
//! verdict per signed object.
//!
//! The keyring is parsed once per push. Verification is pure (bytes in,
//! [`Verdict`] out) and `Sync`, so the gate runs it on every core. Whether a
//! good signature is *allowed* on a ref is a separate, later step
//! ([`Verdict::for_signers`]), because the same commit may be checked for
//! several refs with different `signers`.

mod openpgp;
pub mod sign;
mod ssh;

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::Code;
use std::path::Path;
use std::time::SystemTime;

use serde::Serialize;

use crate::config::{Config, ConfigError};

/// How far in the future a signature may be dated before it is `bad`:
/// clocks of laptops drift, but not by days.
pub const CLOCK_SKEW: std::time::Duration = std::time::Duration::from_secs(5 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Openpgp,
    Ssh,
}

/// The spec's `signature.status` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Good,
    Bad,
    UnknownKey,
    Expired,
    Revoked,
    NotAllowed,
    None,
}

/// What the signature on one object says; serialised as the policy input's
/// `signature` object.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub format: Option<Format>,
    /// Fingerprint of the key that made the signature (OpenPGP: the signing
    /// (sub)key, hex; SSH: `SHA256:...`), when the signature names one.
    pub key: Option<String>,
    /// The name from `keys:` the key belongs to.
    pub signer: Option<String>,
    pub groups: Vec<String>,
    /// Why, for people: "expired on 2025-01-01", "does not match the commit".
    #[serde(skip)]
    pub detail: String,
}

impl Verdict {
    pub fn none() -> Verdict {
        Verdict::new(Status::None, None, "not signed")
    }

    fn new(status: Status, format: Option<Format>, detail: impl Into<String>) -> Verdict {
        Verdict {
            status,
            format,
            key: None,
            signer: None,
            groups: Vec::new(),
            detail: detail.into(),
        }
    }

    fn key(mut self, key: impl Into<String>) -> Verdict {
        self.key = Some(key.into());
        self
    }

    /// A `good` verdict becomes `not_allowed` when the ref restricts
    /// `signers` and the signer is not among them.
    pub fn for_signers(&self, allowed: Option<&BTreeSet<String>>) -> Verdict {
        let mut v = self.clone();
        if v.status == Status::Good {
            if let (Some(allowed), Some(signer)) = (allowed, &v.signer) {
                if !allowed.contains(signer) {
                    v.status = Status::NotAllowed;
                }
            }
        }
        v
    }
}

/// Every named signer's keys, parsed and indexed.
#[derive(Default)]
pub struct Keyring {
    openpgp: openpgp::Keys,
    ssh: ssh::Keys,
    groups: BTreeMap<String, Vec<String>>,
}

/// Key files are small; a larger one is a mistake.
const MAX_KEY_FILE_BYTES: u64 = 1024 * 1024;

impl Keyring {
    /// Reads every key file named in `keys:`. Any file that cannot be read
    /// or parsed is a configuration error naming it (all of them, at once).
    pub fn load(config: &Config) -> Result<Keyring, ConfigError> {
        let mut ring = Keyring::default();
        let mut problems = Vec::new();
        for (name, files) in &config.keys {
            ring.groups.insert(name.clone(), config.groups_of(name));
            for file in files {
                if let Err(e) = read_key_file(file).and_then(|b| ring.add_key_bytes(name, file, &b))
                {
                    problems.push(e);
                }
            }
        }
        ConfigError::all(problems)?;
        Ok(ring)
    }

    /// Adds the keys in one key file's bytes (SSH public keys, or OpenPGP
    /// certificates armored or binary) under `name`.
    pub fn add_key_bytes(
        &mut self,
        name: &str,
        file: &Path,
        bytes: &[u8],
    ) -> Result<(), ConfigError> {
        let text = std::str::from_utf8(bytes).unwrap_or("");
        if let Some(kind) = private_key_kind(text) {
            return Err(ConfigError {
                file: file.to_path_buf(),
                line: None,
                message: format!(
                    "the file is {kind}; `keys:` takes public keys only, and a private key on the gate is a leak waiting to happen"
                ),
                help: Some("name the public half instead (for SSH the `.pub` file beside it, or `ssh-keygen -y -f KEY`), and treat the private key as seen by whoever could read this file".into()),
                also: Vec::new(),
            });
        }
        if ssh::looks_like(text) {
            return self.ssh.add(name, file, text);
        }
        if let Some(kind) = not_a_public_key(bytes, text) {
            return Err(ConfigError {
                file: file.to_path_buf(),
                line: None,
                message: format!("the file is {kind}, not a public key"),
                help: Some("keys: takes OpenPGP certificates (`gpg --export --armor KEYID`: .asc/.pgp, armored or binary), SSH public keys (.pub lines, RFC 4716 blocks) and allowed_signers files".into()),
                also: Vec::new(),
            });
        }
        self.openpgp.add(name, file, bytes)
    }

    pub fn is_empty(&self) -> bool {
        self.openpgp.is_empty() && self.ssh.is_empty()
    }

    /// Verifies `signature` over `data`: good, bad, unknown_key, expired or
    /// revoked (never not_allowed: see [`Verdict::for_signers`]).
    pub fn verify(&self, signature: &[u8], data: &[u8], now: SystemTime) -> Verdict {
        let mut v = if ssh::is_sshsig(signature) {
            self.ssh.verify(signature, data)
        } else {
            self.openpgp.verify(signature, data, now)
        };
        if let Some(name) = &v.signer {
            v.groups = self.groups.get(name).cloned().unwrap_or_default();
        }
        v
    }
}

/// What kind of PEM private key `text` holds, if any (OpenPGP secret keys
/// are recognised by the certificate parser instead: they may be binary).
fn private_key_kind(text: &str) -> Option<&'static str> {
    const KINDS: [(&str, &str); 6] = [
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "an OpenSSH private key",
        ),
        ("-----BEGIN RSA PRIVATE KEY-----", "a PEM RSA private key"),
        ("-----BEGIN EC PRIVATE KEY-----", "a PEM EC private key"),
        ("-----BEGIN DSA PRIVATE KEY-----", "a PEM DSA private key"),
        ("-----BEGIN PRIVATE KEY-----", "a PKCS#8 private key"),
        (
            "-----BEGIN ENCRYPTED PRIVATE KEY-----",
            "an encrypted PKCS#8 private key",
        ),
    ];
    KINDS
        .iter()
        .find(|(marker, _)| text.contains(marker))
        .map(|(_, kind)| *kind)
}

/// What a key file holds when it is recognisably not a public key, so the
/// message says that rather than a parser's "unexpected EOF". OpenPGP
/// data (armored, or binary: its first byte has the high bit set) goes to
/// the certificate parser, which names its own problems.
fn not_a_public_key(bytes: &[u8], text: &str) -> Option<&'static str> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some("empty");
    }
    if bytes[0] & 0x80 != 0 {
        return None;
    }
    const KINDS: [(&str, &str); 6] = [
        ("-----BEGIN PGP SIGNATURE-----", "an OpenPGP signature"),
        ("-----BEGIN PGP MESSAGE-----", "an OpenPGP message"),
        (
            "-----BEGIN PGP SIGNED MESSAGE-----",
            "an OpenPGP signed message",
        ),
        (
            "-----BEGIN CERTIFICATE-----",
            "an X.509 certificate (TLS/S/MIME)",
        ),
        ("-----BEGIN SSH SIGNATURE-----", "an SSH signature"),
        (
            "-cert-v01@openssh.com",
            "an SSH certificate (not supported: list the signer's own key)",
        ),
    ];
    if let Some((_, kind)) = KINDS.iter().find(|(m, _)| text.contains(m)) {
        return Some(kind);
    }
    // Public and private key blocks: the certificate parser decides.
    if text.contains("-----BEGIN PGP ") {
        return None;
    }
    if text.is_empty() {
        // Not UTF-8 and not binary OpenPGP.
        return Some("binary data that is not OpenPGP");
    }
    Some("text that is neither an OpenPGP certificate nor an SSH public key")
}

fn read_key_file(file: &Path) -> Result<Vec<u8>, ConfigError> {
    let err = |message: String| {
        ConfigError {
        file: file.to_path_buf(),
        line: None,
        message,
        help: Some("keys: names OpenPGP certificates (.asc/.pgp, armored or binary) and SSH public keys (.pub)".into()),
        also: Vec::new(),
    }
    };
    let meta =
        std::fs::metadata(file).map_err(|e| err(format!("cannot read the key file: {e}")))?;
    if meta.len() > MAX_KEY_FILE_BYTES {
        return Err(err(format!(
            "the key file is {} bytes; the limit is {MAX_KEY_FILE_BYTES}",
            meta.len()
        )));
    }
    std::fs::read(file).map_err(|e| err(format!("cannot read the key file: {e}")))
}

/// Splits a signed tag object into (signed data, signature): git appends the
/// signature to the tag message.
pub fn split_tag(raw: &[u8]) -> Option<(&[u8], &[u8])> {
    const MARKERS: [&[u8]; 2] = [
        b"-----BEGIN PGP SIGNATURE-----",
        b"-----BEGIN SSH SIGNATURE-----",
    ];
    let mut best = None;
    for m in MARKERS {
        let mut from = 0;
        while let Some(i) = find(&raw[from..], m).map(|i| i + from) {
            if i == 0 || raw[i - 1] == b'\n' {
                best = best.max(Some(i));
            }
            from = i + 1;
        }
    }
    best.map(|i| raw.split_at(i))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub use crate::time::day;

/// What was signed, for messages: `commit 1a2b3c4d5e "Add web"`.
pub struct Subject<'a> {
    pub kind: &'a str,
    pub id: &'a str,
    pub summary: &'a str,
}

/// Turns a verdict that is not `good` into the finding a pusher reads.
/// `allowed` is the ref's expanded `signers` (None: any key in `keys:`).
pub fn finding(
    what: &Subject<'_>,
    refname: &str,
    v: &Verdict,
    allowed: Option<&BTreeSet<String>>,
    required_by: &str,
) -> Option<crate::finding::Finding> {
    use crate::finding::Finding;
    use crate::protection::short;
    let who = match allowed {
        Some(names) => format!(
            "a key of {}",
            names.iter().cloned().collect::<Vec<_>>().join(", ")
        ),
        None => "a key listed in `keys:`".to_string(),
    };
    let obj = format!("{} {} \"{}\"", what.kind, short(what.id), what.summary);
    let key = v.key.as_deref().unwrap_or("(no key id)");
    let signer = v.signer.as_deref().unwrap_or("?");
    let resign = if what.kind == "tag" {
        "git tag -f -s <tag> <commit>"
    } else {
        "git commit --amend --no-edit -S (several commits: git rebase -x 'git commit --amend --no-edit -S' <base>)"
    };
    let (rule, message, help) = match v.status {
        Status::Good => return None,
        Status::None => (
            Code::Unsigned,
            format!("{obj} is not signed, and {refname} requires signed {}s", what.kind),
            format!("sign it with {who}: {resign}"),
        ),
        Status::Bad => (
            Code::BadSignature,
            format!("{obj} has a bad signature: {}", v.detail),
            format!("it was changed after signing, or the signature is corrupt; re-sign it with {who}: {resign}"),
        ),
        Status::UnknownKey => (
            Code::UnknownKey,
            format!("{obj} is signed by unknown key {key}"),
            format!("sign with {who}, or ask an operator to add this key to `keys:` in the config"),
        ),
        Status::Expired => (
            Code::ExpiredKey,
            format!("{obj} is signed by {signer}'s key {key}: {}", v.detail),
            "renew or replace the key (e.g. gpg --quick-set-expire, or a new signing subkey), give the operator the updated certificate, and re-sign".to_string(),
        ),
        Status::Revoked => (
            Code::RevokedKey,
            format!("{obj} is signed by {signer}'s key {key}, and {}", v.detail),
            format!("sign with a current key: {who}; {resign}"),
        ),
        Status::NotAllowed => (
            Code::SignerNotAllowed,
            format!("{obj} is signed by {signer} ({key}), who may not sign for {refname}"),
            format!("re-sign it with {who}"),
        ),
    };
    Some(
        Finding::new(rule, message, help)
            .commit(what.id)
            .required_by(required_by),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_at_the_last_signature_block() {
        let raw = b"object x\ntype commit\ntag v1\n\nrelease\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n";
        let (data, sig) = split_tag(raw).unwrap();
        assert_eq!(data, b"object x\ntype commit\ntag v1\n\nrelease\n");
        assert!(sig.starts_with(b"-----BEGIN PGP"));
        assert!(split_tag(b"object x\n\nno sig here -----BEGIN PGP SIGNATURE-----").is_none());
    }

    #[test]
    fn days_render() {
        assert_eq!(day(SystemTime::UNIX_EPOCH), "1970-01-01");
        assert_eq!(
            day(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_735_689_600)),
            "2025-01-01"
        );
    }
}
