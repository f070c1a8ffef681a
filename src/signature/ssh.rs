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

pub fn looks_like(text: &str) -> bool {
    let t = text.trim_start();
    ["ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-"]
        .iter()
        .any(|p| t.starts_with(p))
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

    /// One key per line, as in a `.pub` file or authorized_keys without options.
    pub fn add(&mut self, name: &str, file: &Path, text: &str) -> Result<(), ConfigError> {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| {
                ConfigError {
                file: file.to_path_buf(),
                line: Some(n as u64 + 1),
                message,
                help: Some("each line must be an OpenSSH public key, e.g. `ssh-ed25519 AAAA... alice@laptop`".into()),
            }
            };
            let key = PublicKey::from_openssh(line)
                .map_err(|e| err(format!("not an SSH public key: {e}")))?;
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
