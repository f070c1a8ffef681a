//! Secrets never land: every blob a push brings scanned, on real pushes.
//! A key in a new file, in a file deleted again later in the same push, in
//! a commit message, in a tag message, outside the manifests; a Secret
//! with plain-text `stringData`; a SOPS-encrypted Secret passes; an
//! allowed fingerprint passes and an expired entry does not; laundering
//! through an unprotected branch is caught; the value is never printed.
//! The samples are made up (their shapes are real), never real keys.

use crate::support::*;

/// A made-up AWS access key id (the shape is AWS's; the key is not).
const AWS: &str = "AKIAZ7Q3MVRT5XW2PLNB";
/// A made-up GitHub token.
const GITHUB: &str = "ghp_R8mZq2Lx7Vt4Nw9Kd3Hs6Jy1Pf5Bc0GaEu7W";

fn site(allow: &str) -> (World, std::path::PathBuf) {
    let w = World::new();
    let server = w.path("server.git");
    std::fs::create_dir_all(&server).unwrap();
    std::fs::write(server.join("secrets-allow.yaml"), allow).unwrap();
    w.server("version: 1\naudit:\n  database: audit.db\nsecrets:\n  scan: new_blobs\n  allow: secrets-allow.yaml\n");
    let work = w.clone("work");
    (w, work)
}

fn never_echoed(run: &Run, secret: &str) {
    assert!(
        !run.stderr.contains(secret),
        "the secret was printed:\n{}",
        run.stderr
    );
    assert!(
        !run.stdout.contains(secret),
        "the secret was printed:\n{}",
        run.stdout
    );
}

#[test]
fn a_key_in_a_new_file_outside_the_manifests_is_rejected_without_being_printed() {
    let (w, work) = site("[]\n");
    w.commit(
        &work,
        "scripts/deploy.sh",
        &format!("#!/bin/sh\nexport AWS_ACCESS_KEY_ID={AWS}\n"),
        "deploy script",
    );
    let run = w.push(&work, None, &["origin", "main"]);
    run.snapshot_code(&w, "secret-aws-access-key-id")
        .assert_rejected()
        .assert_says("error[secret.aws-access-key-id] scripts/deploy.sh:2")
        .assert_says("AKIA****************")
        .assert_says("fingerprint sha256:");
    never_echoed(&run, AWS);
    assert!(w.server_ref("refs/heads/main").is_none());
    // Nor in the audit log, nor in `check --format json`.
    let records = serde_json::to_string(&w.records(&w.path("server.git"))).unwrap();
    assert!(records.contains("secret.aws-access-key-id"), "{records}");
    assert!(!records.contains(AWS), "{records}");
    let head = w.git_ok(&work, &["rev-parse", "HEAD"]);
    let check = w.pushgate(
        &work,
        &[
            "check",
            "--repo",
            work.to_str().unwrap(),
            "--config",
            w.path("server.git/pushgate.yaml").to_str().unwrap(),
            "--format",
            "json",
            "0000000000000000000000000000000000000000",
            head.trim(),
            "refs/heads/main",
        ],
    );
    assert!(
        check.stdout.contains("secret.aws-access-key-id"),
        "{}{}",
        check.stdout,
        check.stderr
    );
    never_echoed(&check, AWS);
}

#[test]
fn history_counts_messages_count_and_tags_count() {
    // Added, then deleted again in a later commit of the same push.
    let (w, work) = site("[]\n");
    w.commit(&work, "notes.txt", &format!("token: {GITHUB}\n"), "oops");
    w.git_ok(&work, &["rm", "-q", "notes.txt"]);
    w.commit(&work, "README.md", "hello\n", "removed it");
    let run = w.push(&work, None, &["origin", "main"]);
    run.assert_rejected()
        .assert_says("error[secret.github-token] notes.txt:1");
    never_echoed(&run, GITHUB);

    // In a commit message.
    let (w, work) = site("[]\n");
    std::fs::write(work.join("a.txt"), "a\n").unwrap();
    w.git_ok(&work, &["add", "a.txt"]);
    w.git_ok(&work, &["commit", "-qm", &format!("use {GITHUB} for now")]);
    let run = w.push(&work, None, &["origin", "main"]);
    run.assert_rejected()
        .assert_says("error[secret.github-token]")
        .assert_says("the message of");
    never_echoed(&run, GITHUB);

    // In a tag message.
    let (w, work) = site("[]\n");
    w.commit(&work, "a.txt", "a\n", "a");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.git_ok(
        &work,
        &["tag", "-a", "v1", "-m", &format!("release; key {AWS}")],
    );
    let run = w.push(&work, None, &["origin", "v1"]);
    run.assert_rejected()
        .assert_says("error[secret.aws-access-key-id]");
    never_echoed(&run, AWS);
}

#[test]
fn kubernetes_secrets_in_plain_text_are_rejected_and_sops_passes() {
    let (w, work) = site("[]\n");
    w.commit(
        &work,
        "apps/db-secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: Vq7!rT2mLx9pZe4w\n",
        "db secret",
    );
    let run = w.push(&work, None, &["origin", "main"]);
    run.assert_rejected()
        .assert_says("error[secret.kubernetes-secret] apps/db-secret.yaml:6");
    never_echoed(&run, "Vq7!rT2mLx9pZe4w");

    let (w, work) = site("[]\n");
    w.commit(
        &work,
        "apps/db-secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ENC[AES256_GCM,data:q1w2e3r4t5,iv:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,tag:BBBBBBBBBBBBBBBBBBBBBB==,type:str]\nsops:\n  age:\n    - recipient: age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\n  lastmodified: \"2026-12-01T00:00:00Z\"\n  mac: ENC[AES256_GCM,data:abcdef,iv:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=,tag:DDDDDDDDDDDDDDDDDDDDDD==,type:str]\n  version: 3.9.0\n",
        "sops secret",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
}

#[test]
fn an_allowed_fingerprint_passes_until_its_entry_expires() {
    // The fingerprint, as the rejection prints it.
    let (w, work) = site("[]\n");
    w.commit(
        &work,
        "ci/env",
        &format!("AWS_ACCESS_KEY_ID={AWS}\n"),
        "env",
    );
    let run = w.push(&work, None, &["origin", "main"]);
    let fp = run
        .stderr
        .split("fingerprint ")
        .nth(1)
        .and_then(|s| s.get(..23))
        .unwrap()
        .to_owned();
    assert!(fp.starts_with("sha256:"), "{fp}");
    let entry = |expires: &str| {
        format!("- fingerprint: {fp}\n  owner: platform\n  reason: AWS's documented example key\n  expires: {expires}\n")
    };
    let (w, work) = site(&entry("2099-01-01"));
    w.commit(
        &work,
        "ci/env",
        &format!("AWS_ACCESS_KEY_ID={AWS}\n"),
        "env",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();

    let (w, work) = site(&entry("2020-01-01"));
    w.commit(
        &work,
        "ci/env",
        &format!("AWS_ACCESS_KEY_ID={AWS}\n"),
        "env",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("which has passed");
}

#[test]
fn laundering_through_an_unprotected_branch_is_caught_there() {
    // Every ref is scanned: the branch nobody protects is where it stops.
    let (w, work) = site("[]\n");
    w.commit(&work, "a.txt", "a\n", "a");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.git_ok(&work, &["checkout", "-q", "-b", "scratch"]);
    w.commit(&work, "key.pem", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n", "key");
    w.push(&work, None, &["origin", "scratch"])
        .assert_rejected()
        .assert_says("error[secret.private-key] key.pem:1");
    assert!(w.server_ref("refs/heads/scratch").is_none());

    // Landed on a branch before scanning was on, then brought to main:
    // the commits are new to main, so their blobs are judged there.
    let w = World::new();
    let server = w.server("version: 1\n");
    let work = w.clone("work");
    w.commit(&work, "a.txt", "a\n", "a");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.git_ok(&work, &["checkout", "-q", "-b", "scratch"]);
    w.commit(
        &work,
        "ci/env",
        &format!("AWS_ACCESS_KEY_ID={AWS}\n"),
        "env",
    );
    w.push(&work, None, &["origin", "scratch"]).assert_ok();
    std::fs::write(server.join("pushgate.yaml"), "version: 1\nrefs:\n  - match: refs/heads/main\n    allow_force_push: false\nsecrets: {scan: new_blobs}\n").unwrap();
    w.push(&work, None, &["origin", "scratch:main"])
        .assert_rejected()
        .assert_says("error[secret.aws-access-key-id] ci/env:1");
}

#[test]
fn a_push_over_the_scanning_bound_is_rejected_as_such() {
    let w = World::new();
    w.server("version: 1\nsecrets: {scan: new_blobs}\nlimits:\n  max_scanned_bytes: 1000\n");
    let work = w.clone("work");
    w.commit(&work, "big.txt", &"x".repeat(5000), "big");
    w.push(&work, None, &["origin", "main"])
        .snapshot_code(&w, "secrets-over-budget")
        .assert_rejected()
        .assert_says("error[secrets-over-budget]");
}

/// An organisation's own token, in gitleaks' pack format: a keyword, an
/// entropy floor, a path allowlist and stopwords.
const PACK: &str = r#"
title = "acme rules"

[[rules]]
id = "acme-deploy-token"
description = "An Acme deploy token"
regex = '''\b(acme_[a-z0-9]{24})\b'''
keywords = ["acme_"]
entropy = 3.0
[[rules.allowlists]]
stopwords = ["example"]

[[allowlists]]
description = "documentation"
paths = ['''^docs/''']
"#;

/// Made up, in the shape of PACK's rule.
const ACME: &str = "acme_q8zr2lw9xpe4t7mk3nb6vc1d";

#[test]
fn a_gitleaks_rule_pack_is_read_and_applied_beside_the_builtin_rules() {
    let w = World::new();
    let server = w.path("server.git");
    std::fs::create_dir_all(&server).unwrap();
    std::fs::write(server.join("acme.toml"), PACK).unwrap();
    w.server("version: 1\naudit:\n  database: audit.db\nsecrets:\n  rules: [builtin, acme.toml]\n");
    let work = w.clone("work");
    w.commit(&work, "README.md", "deploys\n", "start");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    // The pack's rule, with the value hidden (its prefix is not known to
    // be public), and the built-in rules still run.
    w.commit(
        &work,
        "ci/deploy.env",
        &format!("ACME={ACME}\nAWS={AWS}\n"),
        "deploy",
    );
    let run = w.push(&work, None, &["origin", "main"]);
    run.assert_rejected()
        .assert_says("error[secret.acme-deploy-token] ci/deploy.env:1")
        .assert_says("An Acme deploy token, by acme.toml (********************)")
        .assert_says("error[secret.aws-access-key-id] ci/deploy.env:2");
    never_echoed(&run, ACME);
    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);
    // The pack's allowlists: a path, a stopword; and its entropy floor.
    w.commit(
        &work,
        "docs/tokens.md",
        &format!("Tokens look like {ACME}\n"),
        "docs",
    );
    w.commit(
        &work,
        "ci/a.env",
        "ACME=acme_exampleexampleexample000\nB=acme_aaaaaaaaaaaaaaaaaaaaaaaa\n",
        "placeholders",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
    // From the review: the same blob at an allowlisted path and at another
    // is judged at each (scanned once per distinct verdict), so the
    // allowlisted copy covers nothing; in one commit, and across two.
    let leak = format!("ACME={ACME}\n");
    std::fs::create_dir_all(work.join("docs")).unwrap();
    std::fs::write(work.join("docs/a.env"), &leak).unwrap();
    w.git_ok(&work, &["add", "docs/a.env"]);
    w.commit(&work, "srv/b.env", &leak, "copies");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[secret.acme-deploy-token] srv/b.env:1");
    w.git_ok(&work, &["reset", "-q", "--hard", "origin/main"]);
    w.commit(&work, "docs/c.env", &leak, "documented");
    w.commit(&work, "ci/c.env", &leak, "used");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[secret.acme-deploy-token] ci/c.env:1");
}

#[test]
fn a_broken_rule_pack_is_a_configuration_error_naming_the_rule() {
    let w = World::new();
    let server = w.path("server.git");
    std::fs::create_dir_all(&server).unwrap();
    std::fs::write(
        server.join("acme.toml"),
        "[[rules]]\nid = \"ok\"\nregex = 'tok_[a-z]{8}'\n\n[[rules]]\nid = \"broken\"\nregex = '(unclosed'\n",
    )
    .unwrap();
    w.check_config("version: 1\nsecrets:\n  rules: [builtin, acme.toml]\n")
        .assert_exit(2)
        .assert_says("acme.toml:6: rule `broken`: its regex does not compile")
        .assert_says("unclosed group");
    w.check_config("version: 1\nsecrets:\n  rules: [builtin, missing.toml]\n")
        .assert_exit(2)
        .assert_says("missing.toml: the rule pack cannot be read");
}

#[test]
fn from_the_review_tagged_objects_fake_sops_encodings_and_secret_lists() {
    let key = format!("export AWS_ACCESS_KEY_ID={AWS}\n");
    // A blob or a tree named by a tag (no commit brings them), and a tag
    // of a tag whose inner message holds the key.
    for (name, make) in [("blob", "blob"), ("tree", "tree"), ("tag-of-tag", "tag")] {
        let (w, work) = site("[]\n");
        w.commit(&work, "a.txt", "a\n", "a");
        w.push(&work, None, &["origin", "main"]).assert_ok();
        std::fs::write(work.join("k.txt"), &key).unwrap();
        let blob = w
            .git_ok(&work, &["hash-object", "-w", "k.txt"])
            .trim()
            .to_owned();
        match make {
            "blob" => {
                w.git_ok(&work, &["tag", name, &blob]);
            }
            "tree" => {
                let tree = w.mktree(&work, &format!("100644 blob {blob}\tk.txt\n"));
                w.git_ok(&work, &["tag", "-a", "-m", "a tree", name, tree.trim()]);
            }
            _ => {
                w.git_ok(
                    &work,
                    &["tag", "-a", "-m", &format!("inner {AWS}"), "inner", "HEAD"],
                );
                w.git_ok(&work, &["tag", "-a", "-m", "outer", name, "inner"]);
            }
        }
        let run = w.push(&work, None, &["origin", &format!("refs/tags/{name}")]);
        run.assert_rejected()
            .assert_says("error[secret.aws-access-key-id]");
        never_echoed(&run, AWS);
    }

    // A SOPS marker does not excuse plain text beside it; UTF-16 and a NUL
    // byte do not hide a key; a Secret in a List, or with wrapped base64.
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("deploy.sh", format!("{key}# sops:\n#   mac: ENC[AES256_GCM,x]\n").into_bytes(), "secret.aws-access-key-id"),
        ("run.ps1", {
            let mut b = vec![0xFF, 0xFE];
            b.extend(key.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }, "secret.aws-access-key-id"),
        ("blob.bin", [b"\0\x01\x02\n".as_slice(), key.as_bytes()].concat(), "secret.aws-access-key-id"),
        ("apps/list.yaml", b"apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: db}\n    stringData: {password: Vq7rT2mLx9pZe4w}\n".to_vec(), "secret.kubernetes-secret"),
        ("apps/wrapped.yaml", b"apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata:\n  password: |\n    VHIwdWI0\n    ZG9yJjM=\n".to_vec(), "secret.kubernetes-secret"),
    ];
    for (path, bytes, code) in cases {
        let (w, work) = site("[]\n");
        std::fs::create_dir_all(work.join(path).parent().unwrap()).unwrap();
        std::fs::write(work.join(path), &bytes).unwrap();
        w.git_ok(&work, &["add", "-A"]);
        w.git_ok(&work, &["commit", "-qm", path]);
        let run = w.push(&work, None, &["origin", "main"]);
        run.assert_rejected().assert_says(&format!("error[{code}]"));
        never_echoed(&run, AWS);
        never_echoed(&run, "Vq7rT2mLx9pZe4w");
        never_echoed(&run, "Tr0ub4dor");
    }
}

#[test]
fn a_file_full_of_candidates_is_rejected_as_such_not_judged_one_by_one() {
    let (w, work) = site("[]\n");
    // 10,001 distinct made-up key ids, one per line: a dump, not a file.
    let mut dump = String::new();
    let mut x: u64 = 7;
    for _ in 0..10_001 {
        let mut id = String::from("AKIA");
        for _ in 0..16 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            id.push(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[(x >> 59) as usize] as char);
        }
        dump.push_str(&id);
        dump.push('\n');
    }
    w.commit(&work, "dump/keys.txt", &dump, "a dump");
    let run = w.push(&work, None, &["origin", "main"]);
    run.assert_rejected()
        .assert_says("error[secret.too-many] dump/keys.txt")
        .assert_says("more than 10000 candidate secrets")
        .assert_says("REJECTED, 21 problems");
    assert!(w.server_ref("refs/heads/main").is_none());
}

#[test]
fn an_encoded_secret_is_decoded_and_found() {
    use base64::Engine as _;
    let (w, work) = site("[]\n");
    // A token base64-encoded in a ConfigMap, and hex-encoded in a script:
    // gitleaks decodes both (five levels by default), and so does the gate.
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("token={GITHUB}"));
    let hex: String = AWS.bytes().map(|b| format!("{b:02x}")).collect();
    w.commit(
        &work,
        "apps/cm.yaml",
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  blob: {b64}\n"),
        "config",
    );
    w.commit(
        &work,
        "bin/run.sh",
        &format!("#!/bin/sh\n\nK=$(echo {hex} | xxd -r -p)\n"),
        "script",
    );
    let run = w.push(&work, None, &["origin", "main"]);
    run.assert_rejected()
        .assert_says("error[secret.github-token] apps/cm.yaml:6")
        .assert_says("a GitHub token, encoded (base64)")
        .assert_says("error[secret.aws-access-key-id] bin/run.sh:3")
        .assert_says("encoded (hex)");
    never_echoed(&run, GITHUB);
    never_echoed(&run, AWS);
}

#[test]
fn keyed_fingerprints_cannot_be_checked_against_a_guess_without_the_key() {
    let w = World::new();
    let server = w.path("server.git");
    std::fs::create_dir_all(&server).unwrap();
    std::fs::write(server.join("fp.key"), [7u8; 32]).unwrap();
    std::fs::write(server.join("secrets-allow.yaml"), "[]\n").unwrap();
    let config = "version: 1\naudit:\n  database: audit.db\nsecrets:\n  allow: secrets-allow.yaml\n  fingerprint_key: fp.key\n";
    w.server(config);
    let work = w.clone("work");
    w.commit(&work, "README.md", "x\n", "start");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.commit(&work, "a.env", &format!("AWS_ACCESS_KEY_ID={AWS}\n"), "key");
    let run = w.push(&work, None, &["origin", "main"]);
    run.assert_rejected().assert_says("fingerprint hmac:");
    // The unkeyed digest, which anyone can compute from a guess, is
    // nowhere: not printed, not in the log.
    let unkeyed = pushgate::secrets::fingerprint(AWS);
    assert!(!run.stderr.contains(&unkeyed), "{}", run.stderr);
    let records = serde_json::to_string(&w.records(&server)).unwrap();
    assert!(
        records.contains("hmac:") && !records.contains(&unkeyed),
        "{records}"
    );
    // The printed fingerprint lets it through; an unkeyed entry is an error.
    let printed = run
        .stderr
        .split("fingerprint ")
        .nth(1)
        .and_then(|r| r.get(..21))
        .unwrap()
        .to_owned();
    std::fs::write(
        server.join("secrets-allow.yaml"),
        format!("- {{fingerprint: \"{printed}\", owner: platform, reason: test fixture, expires: 2999-01-01}}\n"),
    )
    .unwrap();
    w.push(&work, None, &["origin", "main"]).assert_ok();
    std::fs::write(
        server.join("secrets-allow.yaml"),
        format!("- {{fingerprint: \"{unkeyed}\", owner: platform, reason: test fixture, expires: 2999-01-01}}\n"),
    )
    .unwrap();
    w.config_check(&server)
        .assert_exit(2)
        .assert_says("can match nothing: fingerprints are keyed");
    std::fs::write(server.join("fp.key"), b"short").unwrap();
    w.config_check(&server)
        .assert_exit(2)
        .assert_says("the secrets fingerprint key cannot be read, or is not 32 to 4096 bytes");
}

#[test]
fn a_quoted_password_in_code_is_rejected_and_a_secret_name_is_not() {
    let (w, work) = site("[]\n");
    // A Helm values file naming secrets (references, not values) passes.
    w.commit(
        &work,
        "charts/app/values.yaml",
        "auth:\n  existingSecret: \"my-db-credentials\"\ningress:\n  annotations:\n    nginx.ingress.kubernetes.io/auth-secret: \"basic-auth\"\n  password: \"{{ .Values.db.password }}\"\n",
        "values",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.commit(
        &work,
        "app/db.py",
        "conn = connect(host=\"db\", password=\"Hx7#pQ2vLm9$z4Rw\")\n",
        "db",
    );
    let run = w.push(&work, None, &["origin", "main"]);
    run.assert_rejected()
        .assert_says("error[secret.quoted-assignment] app/db.py:1");
    never_echoed(&run, "Hx7#pQ2vLm9$z4Rw");
}
