//! Benchmark fixture generator: a bare repository whose `refs/heads/big`
//! holds N linear commits, each signed in-process the way `git commit -S`
//! lays it out. Far faster than driving gpg or ssh-keygen N times.
//!
//!   cargo run --release --example gen-signed-history -- \
//!       <out.git> <count> <openpgp-ed25519|openpgp-rsa3072|ssh-ed25519> <key-dir> [extra-file]
//!
//! Writes the public key to `<key-dir>/alice.asc` or `<key-dir>/alice.pub`.
//! `extra-file`, if given, is added to every commit's tree under its file
//! name (sequoia-git reads its policy from the tree).

use std::path::Path;

use anyhow::{bail, Context, Result};
use pushgate::signature::sign::{sign_commit, Signer};
use sequoia_openpgp::cert::CipherSuite;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, count, kind, key_dir, rest @ ..] = &args[..] else {
        bail!("usage: gen-signed-history <out.git> <count> <kind> <key-dir> [extra-file]");
    };
    let count: usize = count.parse().context("count")?;
    let (signer, key_file) = match kind.as_str() {
        "openpgp-ed25519" => (
            Signer::new_openpgp("alice <alice@example.com>", CipherSuite::Cv25519)?,
            "alice.asc",
        ),
        "openpgp-rsa3072" => (
            Signer::new_openpgp("alice <alice@example.com>", CipherSuite::RSA3k)?,
            "alice.asc",
        ),
        "ssh-ed25519" => (Signer::new_ssh("alice@example.com")?, "alice.pub"),
        other => bail!("unknown kind {other}"),
    };
    std::fs::create_dir_all(key_dir)?;
    std::fs::write(Path::new(key_dir).join(key_file), signer.public_file()?)?;
    if let Signer::Openpgp(cert) = &signer {
        // For the gpg baseline and sequoia-git, which need the secret half
        // only to set up trust, never to verify.
        use sequoia_openpgp::serialize::SerializeInto;
        std::fs::write(
            Path::new(key_dir).join("alice.sec.asc"),
            cert.as_tsk().armored().to_vec()?,
        )?;
    }

    let repo = git2::Repository::init_bare(out)?;
    let extra = match rest.first() {
        Some(f) => {
            let name = Path::new(f)
                .file_name()
                .context("extra file name")?
                .to_string_lossy()
                .into_owned();
            Some((name, repo.blob(&std::fs::read(f)?)?))
        }
        None => None,
    };
    let mut parent: Option<git2::Oid> = None;
    for i in 0..count {
        let blob = repo.blob(format!("n: {i}\n").as_bytes())?;
        let mut tb = repo.treebuilder(None)?;
        tb.insert("counter.yaml", blob, 0o100644)?;
        if let Some((name, id)) = &extra {
            tb.insert(name, *id, 0o100644)?;
        }
        let tree = repo.find_tree(tb.write()?)?;
        let when = git2::Time::new(1_700_000_000 + i as i64, 0);
        let sig = git2::Signature::new("Alice", "alice@example.com", &when)?;
        let parents: Vec<git2::Commit> = parent
            .iter()
            .map(|p| repo.find_commit(*p))
            .collect::<Result<_, _>>()?;
        let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
        let unsigned = repo.commit(
            None,
            &sig,
            &sig,
            &format!("change {i}\n"),
            &tree,
            &parent_refs,
        )?;
        parent = Some(sign_commit(&repo, unsigned, &signer)?);
    }
    let tip = parent.context("count must be at least 1")?;
    repo.reference("refs/heads/big", tip, true, "generated")?;
    println!("{tip}");
    Ok(())
}
