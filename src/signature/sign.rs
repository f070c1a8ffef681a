//! Making signatures, for `pushgate demo` and the benchmark generator: the
//! demo must show signed pushes on a machine with nothing but git, so it
//! makes its own keys and signs in-process, exactly as git lays signatures
//! out (`gpgsig` header for commits, appended block for tags).

use std::time::SystemTime;

use anyhow::{Context, Result};
use git2::{Oid, Repository};
use sequoia_openpgp as pgp;

use pgp::cert::prelude::*;
use pgp::packet::signature::SignatureBuilder;
use pgp::policy::StandardPolicy;
use pgp::serialize::{Serialize, SerializeInto};
use pgp::types::SignatureType;

/// Something that can sign bytes the way git wants them signed.
pub enum Signer {
    Openpgp(Box<Cert>),
    Ssh(Box<ssh_key::PrivateKey>),
}

impl Signer {
    pub fn new_openpgp(userid: &str, suite: CipherSuite) -> Result<Signer> {
        let (cert, _) = CertBuilder::new()
            .add_userid(userid)
            .set_cipher_suite(suite)
            .set_creation_time(SystemTime::now() - std::time::Duration::from_secs(3600))
            .add_signing_subkey()
            .generate()
            .context("generating an OpenPGP key")?;
        Ok(Signer::Openpgp(Box::new(cert)))
    }

    pub fn new_ssh(comment: &str) -> Result<Signer> {
        let mut key = ssh_key::PrivateKey::random(
            &mut ssh_key::rand_core::OsRng,
            ssh_key::Algorithm::Ed25519,
        )
        .context("generating an SSH key")?;
        key.set_comment(comment);
        Ok(Signer::Ssh(Box::new(key)))
    }

    /// The public half, as a key file for `keys:` (.asc or .pub content).
    pub fn public_file(&self) -> Result<Vec<u8>> {
        match self {
            Signer::Openpgp(cert) => cert.armored().to_vec().context("armoring the certificate"),
            Signer::Ssh(key) => Ok(format!("{}\n", key.public_key().to_openssh()?).into_bytes()),
        }
    }

    /// An armored detached signature over `data`.
    pub fn sign(&self, data: &[u8]) -> Result<String> {
        match self {
            Signer::Openpgp(cert) => {
                let policy = StandardPolicy::new();
                let key = cert
                    .keys()
                    .with_policy(&policy, None)
                    .secret()
                    .for_signing()
                    .next()
                    .context("the certificate has no signing key")?
                    .key()
                    .clone();
                let mut keypair = key.into_keypair()?;
                let sig = SignatureBuilder::new(SignatureType::Binary)
                    .sign_message(&mut keypair, data)?;
                let mut w = pgp::armor::Writer::new(Vec::new(), pgp::armor::Kind::Signature)?;
                pgp::Packet::from(sig).serialize(&mut w)?;
                Ok(String::from_utf8(w.finalize()?)?)
            }
            Signer::Ssh(key) => {
                let sig = key.sign("git", ssh_key::HashAlg::Sha512, data)?;
                Ok(sig.to_pem(ssh_key::LineEnding::LF)?)
            }
        }
    }
}

/// Writes a signed copy of commit `id` (same tree, parents, author,
/// committer and message) and returns the copy's id.
pub fn sign_commit(repo: &Repository, id: Oid, signer: &Signer) -> Result<Oid> {
    let c = repo.find_commit(id)?;
    let parents: Vec<git2::Commit> = c.parents().collect();
    let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
    let message = c.message().context("commit message is not UTF-8")?;
    let buf = repo.commit_create_buffer(
        &c.author(),
        &c.committer(),
        message,
        &c.tree()?,
        &parent_refs,
    )?;
    let content = buf.as_str().context("commit is not UTF-8")?;
    let sig = signer.sign(content.as_bytes())?;
    Ok(repo.commit_signed(content, &sig, None)?)
}

/// Writes a signed annotated tag object for `target` and returns its id
/// (the caller points a ref at it).
pub fn signed_tag(
    repo: &Repository,
    target: Oid,
    name: &str,
    message: &str,
    tagger: &git2::Signature,
    signer: &Signer,
) -> Result<Oid> {
    let when = tagger.when();
    let offset = when.offset_minutes();
    let sign = if offset < 0 { '-' } else { '+' };
    let data = format!(
        "object {target}\ntype commit\ntag {name}\ntagger {} <{}> {} {sign}{:02}{:02}\n\n{message}\n",
        tagger.name().unwrap_or_default(),
        tagger.email().unwrap_or_default(),
        when.seconds(),
        offset.abs() / 60,
        offset.abs() % 60,
    );
    let sig = signer.sign(data.as_bytes())?;
    let odb = repo.odb()?;
    Ok(odb.write(git2::ObjectType::Tag, format!("{data}{sig}").as_bytes())?)
}
