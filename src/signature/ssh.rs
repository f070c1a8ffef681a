//! SSH signatures (the `sshsig` format, namespace `git`), as `git commit -S`
//! with `gpg.format=ssh` makes them. SSH keys carry no lifetimes, so the
//! verdict is good, bad or unknown_key.

use std::collections::HashMap;
use std::path::Path;

use ssh_key::{HashAlg, PublicKey, SshSig};

use super::{Format, Status, Verdict};
use crate::config::ConfigError;

#[derive(Default)]
pub struct Keys {
    /// `SHA256:...` fingerprint → (name, key).
    by_fingerprint: HashMap<String, (String, PublicKey)>,
}

/// Whether `text` holds SSH public keys in any form pushgate reads: `.pub`
/// lines (comments allowed), an RFC 4716 block (`---- BEGIN SSH2 PUBLIC
/// KEY ----`, what PuTTY and some key managers export), or an
/// allowed_signers file.
pub fn looks_like(text: &str) -> bool {
    text.contains(RFC4716_BEGIN)
        || crate::allowed_signers::looks_like(text)
        || text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .is_some_and(crate::allowed_signers::is_key_type)
}

const RFC4716_BEGIN: &str = "---- BEGIN SSH2 PUBLIC KEY ----";
const RFC4716_END: &str = "---- END SSH2 PUBLIC KEY ----";

/// The keys of RFC 4716 blocks: header lines (`Tag: value`, continued by a
/// trailing backslash) then base64 of the key's wire form.
fn rfc4716_keys(text: &str) -> Result<Vec<(u64, PublicKey)>, (u64, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((n, line)) = lines.next() {
        if line.trim() != RFC4716_BEGIN {
            continue;
        }
        let start = n as u64 + 1;
        let mut body = String::new();
        let mut continued = false;
        let mut ended = false;
        for (_, line) in lines.by_ref() {
            let line = line.trim();
            if line == RFC4716_END {
                ended = true;
                break;
            }
            if continued || line.contains(':') {
                continued = line.ends_with('\\');
                continue;
            }
            body.push_str(line);
        }
        if !ended {
            return Err((start, format!("the block has no `{RFC4716_END}` line")));
        }
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|e| (start, format!("the key's base64 is broken: {e}")))?;
        let key = PublicKey::from_bytes(&bytes)
            .map_err(|e| (start, format!("not an SSH public key: {e}")))?;
        out.push((start, key));
    }
    Ok(out)
}

pub fn is_sshsig(sig: &[u8]) -> bool {
    sig.trim_ascii_start()
        .starts_with(b"-----BEGIN SSH SIGNATURE-----")
}

fn verdict(status: Status, detail: impl Into<String>) -> Verdict {
    Verdict::new(status, Some(Format::Ssh), detail)
}

impl Keys {
    pub fn is_empty(&self) -> bool {
        self.by_fingerprint.is_empty()
    }

    /// The keys of one file for signer `name`: `.pub` lines (one key a
    /// line, several allowed), RFC 4716 blocks, or, in an allowed_signers
    /// file, the lines whose principals include `name`.
    pub fn add(&mut self, name: &str, file: &Path, text: &str) -> Result<(), ConfigError> {
        let at = |line: u64, message: String, help: &str| ConfigError {
            file: file.to_path_buf(),
            line: Some(line),
            message,
            help: Some(help.into()),
            also: Vec::new(),
        };
        let mut keys: Vec<(u64, PublicKey)> = Vec::new();
        if text.contains(RFC4716_BEGIN) {
            keys = rfc4716_keys(text).map_err(|(n, m)| {
                at(n, m, "an RFC 4716 block is `---- BEGIN SSH2 PUBLIC KEY ----`, optional `Comment: ...` headers, the key in base64, `---- END SSH2 PUBLIC KEY ----`")
            })?;
        } else if crate::allowed_signers::looks_like(text) {
            let help = "allowed_signers lines are `principals [namespaces=\"git\"] keytype key [comment]` (ssh-keygen(1), ALLOWED SIGNERS)";
            let lines = crate::allowed_signers::parse(text).map_err(|(n, m)| at(n, m, help))?;
            let mut listed = std::collections::BTreeSet::new();
            for l in &lines {
                listed.extend(l.principals.iter().cloned());
                if l.principals.iter().any(|p| p == name) {
                    let key = PublicKey::from_openssh(&l.key)
                        .map_err(|e| at(l.number, format!("not an SSH public key: {e}"), help))?;
                    keys.push((l.number, key));
                }
            }
            if keys.is_empty() {
                return Err(ConfigError {
                    file: file.to_path_buf(),
                    line: None,
                    message: format!(
                        "this allowed_signers file has no key for `{name}` (its principals: {})",
                        listed.into_iter().collect::<Vec<_>>().join(", ")
                    ),
                    help: Some("name the file under the signer's principal, or use `allowed_signers: FILE` to take every principal as a signer".into()),
                    also: Vec::new(),
                });
            }
        } else {
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                if line
                    .split_whitespace()
                    .next()
                    .is_some_and(|t| t.ends_with("-cert-v01@openssh.com"))
                {
                    return Err(at(
                        n as u64 + 1,
                        "an SSH certificate: pushgate verifies signatures against the signers' own keys, not certificate authorities".into(),
                        "list the signer's public key (`ssh-keygen -y -f KEY`, or the .pub the certificate was made for)",
                    ));
                }
                let key = PublicKey::from_openssh(line).map_err(|e| {
                    at(
                        n as u64 + 1,
                        format!("not an SSH public key: {e}"),
                        "each line must be an OpenSSH public key, e.g. `ssh-ed25519 AAAA... alice@laptop`",
                    )
                })?;
                keys.push((n as u64 + 1, key));
            }
        }
        for (n, key) in keys {
            let err = |message: String| at(n, message, "each key belongs to one signer");
            let fp = key.fingerprint(HashAlg::Sha256).to_string();
            if let Some((other, _)) = self.by_fingerprint.get(&fp) {
                if other != name {
                    return Err(err(format!(
                        "key {fp} is listed both for `{other}` and for `{name}`"
                    )));
                }
            }
            self.by_fingerprint.insert(fp, (name.to_owned(), key));
        }
        Ok(())
    }

    pub fn verify(&self, signature: &[u8], data: &[u8]) -> Verdict {
        let sig = match SshSig::from_pem(signature) {
            Ok(s) => s,
            Err(e) => return verdict(Status::Bad, format!("malformed SSH signature: {e}")),
        };
        let fp = sig.public_key().fingerprint(HashAlg::Sha256).to_string();
        if sig.namespace() != "git" {
            return verdict(
                Status::Bad,
                format!(
                    "the SSH signature is for namespace `{}`, not `git`",
                    sig.namespace()
                ),
            )
            .key(fp);
        }
        let Some((name, key)) = self.by_fingerprint.get(&fp) else {
            return verdict(
                Status::UnknownKey,
                "signed by an SSH key that is not in `keys:`",
            )
            .key(fp);
        };
        match key.verify("git", data, &sig) {
            Ok(()) => {
                let mut v = verdict(Status::Good, "signed").key(fp);
                v.signer = Some(name.clone());
                v
            }
            Err(e) => verdict(
                Status::Bad,
                format!("the signature does not match the signed content ({e})"),
            )
            .key(fp),
        }
    }
}
