//! Entry points for the fuzz targets in `fuzz/`, one per kind of input a
//! pusher or operator controls. Each takes arbitrary bytes and must return
//! without panicking, hanging or allocating without bound: whatever it
//! decides (error, finding, verdict) is fine.
//!
//! They live in the library, not in `fuzz/`, so that ordinary `cargo test`
//! replays the committed corpora and every input that once crashed a target
//! (`tests/fuzz/<target>/`) through exactly the code the fuzzer ran.

use std::path::Path;

use crate::finding::Code;
use std::sync::OnceLock;
use std::time::SystemTime;

use crate::signature::Keyring;

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// The targets, by the name of their corpus directory.
pub const TARGETS: &[(&str, Target)] = &[
    ("hook_protocol", hook_protocol),
    ("git_objects", git_objects),
    ("manifest", manifest),
    ("config", config),
];

/// pre-receive's stdin, and update's three arguments (NUL-separated in the
/// input).
pub fn hook_protocol(data: &[u8]) {
    let limits = crate::config::Limits::default();
    let _ = crate::protocol::read_updates(data, &limits);
    let mut args = data.splitn(3, |b| *b == 0);
    if let (Some(old), Some(new), Some(refname)) = (args.next(), args.next(), args.next()) {
        let s = |b| String::from_utf8_lossy(b).into_owned();
        if let Ok(u) = crate::protocol::RefUpdate::parse(
            &s(old),
            &s(new),
            &s(refname),
            limits.max_ref_name_bytes,
        ) {
            let _ = crate::protection::RefKind::of(&u.refname);
        }
    }
    let _ = crate::protocol::printable(&String::from_utf8_lossy(data));
}

/// The keys the git-object target verifies against: fixed, so that an input
/// carrying a good signature stays good on every run.
fn keyring() -> &'static Keyring {
    static RING: OnceLock<Keyring> = OnceLock::new();
    RING.get_or_init(|| {
        // As in the hooks: libgit2's object cache stays small, or a long
        // run grows it to hundreds of MB and libFuzzer calls that a leak.
        crate::git::limit_object_cache();
        let mut ring = Keyring::default();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/keys");
        let _ = ring.add_key_bytes(
            "ada",
            &dir.join("openpgp.asc"),
            include_bytes!("../tests/fuzz/keys/openpgp.asc"),
        );
        let _ = ring.add_key_bytes(
            "ben",
            &dir.join("ssh.pub"),
            include_bytes!("../tests/fuzz/keys/ssh.pub"),
        );
        ring
    })
}

thread_local! {
    /// A real repository in a temporary directory, one per fuzzing thread.
    /// (libgit2's in-memory object store is not usable here: it hands out
    /// object buffers without the NUL terminator its own parsers rely on,
    /// so signature extraction reads past the end. The gate only ever reads
    /// loose and packed objects, and so does this target.)
    static SCRATCH: Option<(tempfile::TempDir, crate::git::Repo)> = {
        let dir = tempfile::tempdir().ok();
        dir.and_then(|d| {
            let git = git2::Repository::init_bare(d.path()).ok()?;
            let repo = crate::git::Repo::open(git.path()).ok()?;
            Some((d, repo))
        })
    };
}

/// Writes `data` as a loose object of `kind`, runs `f` on it, and removes
/// the file again so that a long run does not fill the disk.
fn with_object(
    repo: &crate::git::Repo,
    kind: git2::ObjectType,
    data: &[u8],
    f: impl FnOnce(git2::Oid),
) {
    let Ok(odb) = repo.git.odb() else {
        return;
    };
    let Ok(id) = odb.write(kind, data) else {
        return;
    };
    f(id);
    let hex = id.to_string();
    let _ = std::fs::remove_file(
        repo.git
            .path()
            .join("objects")
            .join(&hex[..2])
            .join(&hex[2..]),
    );
}

/// The same bytes as a commit object and as a tag object, read the way the
/// gate reads them: signature extraction (libgit2 for commits, ours for
/// tags), OpenPGP/SSHSIG parsing and verification, and the header fields
/// policies see.
pub fn git_objects(data: &[u8]) {
    let now = SystemTime::now();
    let ring = keyring();
    SCRATCH.with(|scratch| {
        let Some((_, repo)) = scratch else {
            return;
        };
        with_object(repo, git2::ObjectType::Commit, data, |id| {
            if let Ok(Some((sig, signed))) = repo.commit_signature(id) {
                let _ = ring.verify(&sig, &signed, now);
            }
            let _ = repo.commit_details(id);
            let _ = repo.commit_summary(id);
        });
        with_object(repo, git2::ObjectType::Tag, data, |id| {
            if let Ok(Some((sig, signed))) = repo.tag_signature(id) {
                let _ = ring.verify(&sig, &signed, now);
            }
            let _ = repo.tag_summary(id);
        });
    });
    // The signature parsers on their own, with the input as the signature.
    let _ = ring.verify(
        data,
        b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n",
        now,
    );
}

/// A changed file that matches `manifests.include`. Accepted implies equal
/// to a reference decoding: the decoded value, re-emitted as YAML no reader
/// can take two ways, reads back the same; and where the input is a file
/// of the kubectl corpus (tests/kube-diff, also a seed directory), the
/// documents are the ones kubectl decoded.
pub fn manifest(data: &[u8]) {
    use crate::manifest::reference::{canonical_yaml, probe_normalised, same};
    let limits = crate::manifest::Limits::default();
    let Ok(docs) = crate::manifest::parse("fuzz/deploy.yaml", data, &limits) else {
        return;
    };
    for d in &docs {
        let _ = d.locate(crate::finding::Finding::new_owned("fuzz", "m", "h"));
        let _ = regorus::Value::from(d.document.clone());
        let text = canonical_yaml(&d.document);
        match crate::manifest::parse("fuzz/canonical.yaml", text.as_bytes(), &limits) {
            Ok(again) => assert!(
                again.len() == 1 && same(&again[0].document, &d.document),
                "re-emitted document reads back differently:\n{text}\n{:?}",
                again.first().map(|a| &a.document)
            ),
            // Aliases expanded can outgrow the node budget; nothing else
            // in a canonical document may be refused.
            Err(f) => assert_eq!(f.rule, Code::ManifestTooComplex, "{}: {text}", f.message),
        }
    }
    if let Some(want) = kubectl_answer(data) {
        let ours = crate::manifest::applied(docs).map(|d| {
            d.into_iter()
                .map(|d| probe_normalised(d.document))
                .collect::<Vec<_>>()
        });
        match (want["status"].as_str(), ours) {
            (Some("ok"), Ok(ours)) => {
                let objects = want["objects"].as_array().cloned().unwrap_or_default();
                assert!(
                    ours.len() == objects.len()
                        && ours.iter().zip(&objects).all(|(a, b)| same(a, b)),
                    "kubectl decodes {objects:?}, pushgate {ours:?}"
                );
            }
            (Some("nondeterministic"), Ok(ours)) => {
                panic!("kubectl's decoding is not deterministic; pushgate accepts {ours:?}")
            }
            _ => {}
        }
    }
}

/// kubectl's stored answer for an input that is a kube-diff corpus file.
fn kubectl_answer(data: &[u8]) -> Option<&'static serde_json::Value> {
    use std::collections::HashMap;
    use std::hash::{DefaultHasher, Hash, Hasher};
    use std::sync::OnceLock;
    fn hash(b: &[u8]) -> u64 {
        let mut h = DefaultHasher::new();
        b.hash(&mut h);
        h.finish()
    }
    static ANSWERS: OnceLock<HashMap<u64, serde_json::Value>> = OnceLock::new();
    let answers = ANSWERS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kube-diff");
        let mut out = HashMap::new();
        let mut stack = vec![root.join("corpus")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let Ok(rel) = p.strip_prefix(root.join("corpus")) else {
                    continue;
                };
                let expected = root
                    .join("expected")
                    .join(format!("{}.json", rel.display()));
                let (Ok(bytes), Ok(text)) = (std::fs::read(&p), std::fs::read_to_string(&expected))
                else {
                    continue;
                };
                if let Ok(v) = serde_json::from_str(&text) {
                    out.insert(hash(&bytes), v);
                }
            }
        }
        out
    });
    answers.get(&hash(data))
}

/// `pushgate.yaml` (files it names do not exist, which is a finding too).
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("/nonexistent/pushgate-fuzz/pushgate.yaml");
    if let Ok(config) = crate::config::Config::parse(text, path) {
        for r in &config.refs {
            let _ = crate::protection::Effective::resolve(&config, &r.pattern);
        }
        for name in config.keys.keys() {
            let _ = config.groups_of(name);
        }
    }
}

#[cfg(test)]
mod tests {
    /// Replays every committed corpus and crash input through its target.
    /// A regression here is an input that once crashed a fuzz target.
    #[test]
    fn corpora_replay_without_panic() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
        let mut replayed = 0;
        for (name, target) in super::TARGETS {
            let dir = root.join(name);
            let entries =
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
            files.sort();
            assert!(!files.is_empty(), "{} has no inputs", dir.display());
            for f in files {
                let data = std::fs::read(&f).unwrap();
                // A `.bundle` is a whole corpus (fuzz/bundle.py): inputs as
                // a 4-byte little-endian length and the bytes.
                let inputs: Vec<&[u8]> = if f.extension().is_some_and(|e| e == "bundle") {
                    unbundle(&data)
                } else {
                    vec![&data[..]]
                };
                for (i, input) in inputs.into_iter().enumerate() {
                    let started = std::time::Instant::now();
                    target(input);
                    let took = started.elapsed();
                    // Not a timing test: a target that takes seconds on one
                    // small input is a hang the fuzzer would have reported.
                    assert!(
                        took < std::time::Duration::from_secs(20),
                        "{} input {i} took {took:?}",
                        f.display()
                    );
                    replayed += 1;
                }
            }
        }
        assert!(replayed >= 4);
    }

    /// The manifest target over the kubectl corpus: its reference checks
    /// (re-emission, kubectl's answers) hold for every file.
    #[test]
    fn kubectl_corpus_replays_through_the_manifest_target() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kube-diff/corpus");
        let mut stack = vec![root];
        let mut n = 0;
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x != "md") {
                    super::manifest(&std::fs::read(&p).unwrap());
                    n += 1;
                }
            }
        }
        assert!(n >= 500, "{n} corpus files");
    }

    fn unbundle(mut data: &[u8]) -> Vec<&[u8]> {
        let mut out = Vec::new();
        while data.len() >= 4 {
            let len = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize;
            assert!(data.len() >= 4 + len, "truncated bundle");
            out.push(&data[4..4 + len]);
            data = &data[4 + len..];
        }
        assert!(data.is_empty(), "trailing bytes in bundle");
        out
    }

    /// The git-object target is only worth running if its keyring holds the
    /// seed signers: otherwise every signature is `unknown_key` and the
    /// verification paths past key lookup are never reached.
    #[test]
    fn seed_signatures_verify_good() {
        use crate::signature::{Format, Status};
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/git_objects");
        let tmp = tempfile::tempdir().unwrap();
        git2::Repository::init_bare(tmp.path()).unwrap();
        let repo = crate::git::Repo::open(tmp.path()).unwrap();
        let odb = repo.git.odb().unwrap();
        let mut good = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let data = std::fs::read(&path).unwrap();
            let signed = if name.starts_with("seed-commit-") {
                let id = odb.write(git2::ObjectType::Commit, &data).unwrap();
                repo.commit_signature(id).unwrap()
            } else if name.starts_with("seed-tag-") {
                let id = odb.write(git2::ObjectType::Tag, &data).unwrap();
                repo.tag_signature(id).unwrap()
            } else {
                continue;
            };
            if let Some((sig, signed)) = signed {
                let v = super::keyring().verify(&sig, &signed, std::time::SystemTime::now());
                assert_eq!(v.status, Status::Good, "{name}: {}", v.detail);
                good.push(v.format);
            }
        }
        assert!(good.contains(&Some(Format::Openpgp)), "{good:?}");
        assert!(good.contains(&Some(Format::Ssh)), "{good:?}");
        assert_eq!(good.len(), 4);
    }
}
