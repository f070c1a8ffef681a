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
