//! What every command owes a shell user, whatever it does.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use crate::support::*;

/// Runs `cmd` as `cmd | head` does once it has read enough: stdout is a
/// pipe whose reading end is closed before the command writes.
fn closed_stdout(mut cmd: Command, what: &str) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{what}: {stderr}"
    );
    assert!(
        out.status.success() || out.status.signal() == Some(libc::SIGPIPE),
        "{what}: ended {:?}: {stderr}",
        out.status
    );
}

#[test]
fn a_closed_stdout_ends_a_command_quietly() {
    let w = World::new();
    let db = AuditDb::new(&w, Backend::Sqlite);
    let pol = w.path("policy");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\nwarn contains \"seen\" if input.kind\n\
         test_ok if true\n",
    )
    .unwrap();
    let server = w.server(&format!(
        "version: 1\naudit:\n  database: {}\nrefs:\n  - match: refs/heads/main\n",
        db.database
    ));
    let work = w.clone("work");
    w.commit(&work, "a.yaml", "kind: ConfigMap\n", "one");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();

    // More JSON than a pipe holds, so the write fails whatever the timing.
    let docs = w.path("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let many: Vec<String> = (0..3000)
        .map(|i| format!("kind: ConfigMap\nmetadata: {{name: c{i}}}\n"))
        .collect();
    std::fs::write(docs.join("many.yaml"), many.join("---\n")).unwrap();

    let repo = server.to_str().unwrap();
    let runs: &[(&str, Vec<&str>)] = &[
        ("audit list", vec!["audit", "list", "--repo", repo]),
        (
            "audit list json",
            vec!["audit", "list", "--format", "json", "--repo", repo],
        ),
        ("audit verify", vec!["audit", "verify", "--repo", repo]),
        (
            "validate",
            vec![
                "validate",
                "-p",
                pol.to_str().unwrap(),
                "-o",
                "json",
                docs.to_str().unwrap(),
            ],
        ),
        ("policy test", vec!["policy", "test", pol.to_str().unwrap()]),
        ("doctor", vec!["doctor", repo]),
        ("help", vec!["--help"]),
    ];
    for (what, args) in runs {
        let mut cmd = w.cmd(pushgate_bin(), w.dir.path());
        cmd.args(args);
        closed_stdout(cmd, what);
    }
}

/// `kubectl kustomize overlay | pushgate validate -`: what kustomize
/// renders is judged, located as `-:line:column`; and standard input is
/// bounded like a push's manifests.
#[test]
fn validate_reads_rendered_documents_from_standard_input() {
    let w = World::new();
    let base = w.path("overlay");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::write(
        base.join("kustomization.yaml"),
        "resources: [pod.yaml]\nnamespace: shop\nimages:\n  - {name: web, newTag: latest}\n",
    )
    .unwrap();
    std::fs::write(
        base.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app.kubernetes.io/name: web}\nspec:\n  containers:\n    - name: web\n      image: web:1.0\n      resources: {limits: {cpu: 1, memory: 1Gi}}\n",
    )
    .unwrap();
    let rendered = w
        .cmd("kubectl", w.dir.path())
        .args(["kustomize", base.to_str().unwrap()])
        .output()
        .expect("kubectl is installed by .ci/run");
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let policies = std::fs::canonicalize("policies/kubernetes").unwrap();
    let validate = |input: &[u8], extra: &[&str]| {
        let mut c = w.cmd(pushgate_bin(), w.dir.path());
        c.args([
            "validate",
            "-p",
            policies.to_str().unwrap(),
            "-n",
            "pushgate.kubernetes",
        ])
        .args(extra)
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(input).unwrap();
        Run::from(child.wait_with_output().unwrap())
    };
    // kustomize set the tag to latest; the pod file says 1.0.
    let r = validate(&rendered.stdout, &[]);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("FAIL - -:") && r.stdout.contains("deny_latest_tag"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("deny_missing_namespace"), "{}", r.stdout);

    std::fs::write(
        w.path("small.yaml"),
        "version: 1\nlimits:\n  max_manifest_bytes: 64\n",
    )
    .unwrap();
    let r = validate(
        &rendered.stdout,
        &["--config", w.path("small.yaml").to_str().unwrap()],
    );
    assert_eq!(r.status, 2, "{}{}", r.stdout, r.stderr);
    r.assert_says("standard input holds more than 64 bytes");
}

/// Completions and man pages come from the parser's own types: the scripts
/// are valid for their shells and know the newest commands, the pages
/// document every command's flags; `--quiet` leaves progress notes out and
/// `--verbose` adds detail, on every command.
#[test]
fn completions_man_pages_and_verbosity() {
    let w = World::new();
    for (shell, checker) in [("bash", "bash"), ("zsh", ""), ("fish", "")] {
        let r = w.pushgate(w.dir.path(), &["completions", shell]);
        r.assert_ok();
        assert!(
            r.stdout.contains("baseline") && r.stdout.contains("against"),
            "{shell}"
        );
        if !checker.is_empty() {
            let file = w.path(&format!("completion.{shell}"));
            std::fs::write(&file, &r.stdout).unwrap();
            let out = w
                .cmd(checker, w.dir.path())
                .arg("-n")
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{shell}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let man = w.path("man");
    w.pushgate(w.dir.path(), &["man", "--dir", man.to_str().unwrap()])
        .assert_ok();
    let check = std::fs::read_to_string(man.join("pushgate-check.1")).unwrap();
    assert!(
        check.contains("against") && check.contains("merge base"),
        "{check}"
    );
    assert!(man.join("pushgate-audit-list.1").exists());
    assert!(
        !man.join("pushgate-hook-file.1").exists(),
        "hidden commands have no page"
    );

    let work = crate::protection::seeded(&w);
    std::fs::write(work.join("pushgate.yaml"), crate::protection::CONFIG).unwrap();
    let check = |flags: &[&str]| {
        let mut args = flags.to_vec();
        args.extend([
            "check",
            "--pusher",
            "alice",
            "origin/main",
            "HEAD",
            "refs/heads/main",
        ]);
        w.pushgate(&work, &args)
    };
    let normal = check(&[]);
    normal.assert_ok().assert_says("no server refs given");
    let quiet = check(&["--quiet"]);
    quiet.assert_ok();
    assert!(!quiet.stderr.contains("no server refs"), "{}", quiet.stderr);
    assert_eq!(
        quiet.stdout, normal.stdout,
        "--quiet changes notes, not results"
    );
    check(&["-v"])
        .assert_ok()
        .assert_says("decided in")
        .assert_says("pusher alice");
    w.pushgate(&work, &["-q", "-v", "demo"])
        .assert_exit(2)
        .assert_says("cannot be used with");
}
