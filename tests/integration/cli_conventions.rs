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
