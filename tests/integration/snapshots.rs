//! What a rejected pusher reads, exactly: the `remote:` lines of real pushes
//! for the common finding codes, and `check --format json`, as snapshots
//! (insta; `cargo insta review` after an intended change). Commit ids and
//! temp paths are masked; everything else is the text people read.

use std::path::Path;

use crate::keys::Pgp;
use crate::support::*;

/// The `remote:` lines of a push, masked.
fn remote_lines(w: &World, r: &Run) -> String {
    mask(
        w,
        &r.stderr
            .lines()
            .filter(|l| l.starts_with("remote:"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

fn push_snapshot(w: &World, work: &Path, pusher: Option<&str>, args: &[&str]) -> String {
    let r = w.push(work, pusher, args);
    format!("exit {}\n{}", r.status, remote_lines(w, &r))
}

#[test]
fn rejections_read_as_snapshotted() {
    let w = World::new();
    let ops = Pgp::ed25519("ops");
    std::fs::write(w.path("ops.asc"), ops.public_armored()).unwrap();
    let policies = std::fs::canonicalize("policies/kubernetes").unwrap();
    let config = format!(
        "version: 1
keys:
  ops: ../ops.asc
refs:
  - match: refs/heads/main
    allow_force_push: false
    allow_delete: false
    require_linear_history: true
    pushers: [alice]
  - match: refs/heads/signed
    require_signed_commits: true
  - match: refs/tags/v*
    immutable: true
    require_signed_tags: true
policies:
  - path: {}
    manifest_namespaces: [pushgate.kubernetes]
    refs: [refs/heads/main]
",
        policies.display()
    );
    w.server(&config);
    let work = w.clone("work");
    let good = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n  labels: {app.kubernetes.io/name: shop}\ndata: {a: b}\n";
    w.commit(&work, "k8s/settings.yaml", good, "feat: settings");

    let mut out = Vec::new();
    let mut step = |name: &str, text: String| out.push(format!("## {name}\n{text}\n"));
    step(
        "a pusher the ref does not list",
        push_snapshot(&w, &work, Some("mallory"), &["origin", "main"]),
    );
    step(
        "no pusher identity",
        push_snapshot(&w, &work, None, &["origin", "main"]),
    );
    // A manifest the baseline denies (file:line:column), and one that is
    // not YAML.
    let bad = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n  labels: {app.kubernetes.io/name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n          securityContext: {privileged: true}\n          resources: {limits: {cpu: 1, memory: 1Gi}}\n";
    w.commit(&work, "k8s/web.yaml", bad, "feat: web");
    w.commit(&work, "k8s/broken.yaml", "a: [1, 2\n", "feat: broken");
    step(
        "manifests the policies deny, and one that is not YAML",
        push_snapshot(&w, &work, Some("alice"), &["origin", "main"]),
    );
    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~2"]);
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    // Rewriting, deleting and merging on the protected branch.
    w.git_ok(
        &work,
        &["commit", "-q", "--amend", "-m", "feat: settings, reworded"],
    );
    step(
        "a force push",
        push_snapshot(&w, &work, Some("alice"), &["--force", "origin", "main"]),
    );
    w.git_ok(&work, &["reset", "-q", "--hard", "origin/main"]);
    step(
        "a delete",
        push_snapshot(&w, &work, Some("alice"), &["origin", ":main"]),
    );
    w.git_ok(&work, &["checkout", "-q", "-b", "side"]);
    w.commit(&work, "side.txt", "side\n", "feat: side");
    w.git_ok(&work, &["checkout", "-q", "main"]);
    w.commit(&work, "main.txt", "main\n", "feat: main");
    w.git_ok(
        &work,
        &["merge", "-q", "--no-ff", "-m", "merge side", "side"],
    );
    step(
        "a merge commit on a linear branch",
        push_snapshot(&w, &work, Some("alice"), &["origin", "main"]),
    );
    step(
        "an unsigned commit where signatures are required",
        push_snapshot(&w, &work, None, &["origin", "main:refs/heads/signed"]),
    );
    w.git_ok(&work, &["tag", "v1.0.0", "origin/main"]);
    step(
        "a lightweight tag where signed tags are required",
        push_snapshot(&w, &work, None, &["origin", "v1.0.0"]),
    );
    insta::assert_snapshot!("rejections", out.join("\n"));

    // The machine form of one decision, complete.
    let server = w.path("server.git");
    let check = w.pushgate(
        &work,
        &[
            "check",
            "--config",
            server.join("pushgate.yaml").to_str().unwrap(),
            "--format",
            "json",
            "origin/main",
            "HEAD",
            "refs/heads/main",
        ],
    );
    assert_eq!(check.status, 1, "{}", check.stderr);
    insta::assert_snapshot!("check-json", mask(&w, &check.stdout));
}

/// Each finding code's `remote:` rendering is snapshotted where a real push
/// produces it: in `rejections` above, or by `Run::snapshot_code` in the
/// test for that code. A new code without one fails here.
#[test]
fn every_finding_code_has_a_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/snapshots");
    let rejections =
        std::fs::read_to_string(dir.join("integration__snapshots__rejections.snap")).unwrap();
    let missing: Vec<&str> = pushgate::finding::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| {
            !rejections.contains(&format!("error[{c}]"))
                && !dir
                    .join(format!("integration__support__code-{c}.snap"))
                    .exists()
        })
        .collect();
    assert!(missing.is_empty(), "no snapshot of: {missing:?}");
}

/// What operators and CI read, exactly: `validate` in each output format,
/// `audit list` and `audit show` of real pushes, `doctor`, and a broken
/// config as `config check` renders it. Times are masked with the ids.
#[test]
fn operator_output_reads_as_snapshotted() {
    let w = World::new();
    let policies = std::fs::canonicalize("policies/kubernetes").unwrap();
    let config = format!(
        "version: 1
audit:
  database: audit.db
refs:
  - match: refs/heads/main
    allow_force_push: false
policies:
  - path: {}
    manifest_namespaces: [pushgate.kubernetes]
",
        policies.display()
    );
    let server = w.server(&config);
    let work = w.clone("work");
    let good = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n  labels: {app.kubernetes.io/name: shop}\ndata: {a: b}\n";
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n  labels: {app.kubernetes.io/name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n          resources: {limits: {cpu: 1, memory: 1Gi}}\n";
    w.commit(&work, "k8s/settings.yaml", good, "feat: settings");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
    w.commit(&work, "k8s/web.yaml", web, "feat: web");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_rejected();

    let mut out = Vec::new();
    let mut step = |name: &str, r: Run| {
        out.push(format!(
            "## {name}\nexit {}\n{}{}\n",
            r.status,
            mask_times(&mask(&w, &r.stdout)),
            if r.stderr.is_empty() {
                String::new()
            } else {
                format!("\n-- stderr\n{}", mask_times(&mask(&w, &r.stderr)))
            }
        ))
    };
    let ns = "pushgate.kubernetes";
    let pol = policies.to_str().unwrap();
    for format in ["text", "json", "junit", "github", "tap", "table", "sarif"] {
        step(
            &format!("validate -o {format}"),
            w.pushgate(
                &work,
                &["validate", "-p", pol, "-n", ns, "-o", format, "k8s"],
            ),
        );
    }
    let repo = server.to_str().unwrap();
    step(
        "audit list",
        w.pushgate(&work, &["audit", "list", "--repo", repo]),
    );
    step(
        "audit show 3",
        w.pushgate(&work, &["audit", "show", "3", "--repo", repo]),
    );
    step("doctor", w.pushgate(&work, &["doctor", repo]));
    // Several problems: all are reported in one run.
    let broken = config.replace(
        "    allow_force_push: false\n",
        "    allow_force_push: false\n    signers: [nobody]\n  - match: heads/*\nlimits:\n  max_commits: 0\napply:\n  command: []\n  mode: later\n",
    );
    std::fs::write(server.join("pushgate.yaml"), &broken).unwrap();
    let r = w.config_check(&server);
    assert_eq!(
        r.stderr.matches("error: [tmp]").count() + r.stderr.matches("error: /").count(),
        5,
        "{}",
        r.stderr
    );
    step("config check of a config with five problems", r);
    // A structural error (an unknown key, a wrong type) stops the read.
    let typo = broken.replace("refs:", "refz: []\nrefs:");
    std::fs::write(server.join("pushgate.yaml"), typo).unwrap();
    step(
        "config check of a config with an unknown key",
        w.config_check(&server),
    );
    insta::assert_snapshot!("operator-output", out.join("\n"));
}

/// Audit times, durations and the hash chain change from run to run.
fn mask_times(text: &str) -> String {
    let hash = regex::Regex::new(r"\b[0-9a-f]{64}\b").unwrap();
    let text = hash.replace_all(text, "[hash]");
    let stamp =
        regex::Regex::new(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z?")
            .unwrap();
    let text = stamp.replace_all(&text, "[time]");
    let ms = regex::Regex::new(r"\b[0-9]+(\.[0-9]+)? ?(ms|s)\b").unwrap();
    ms.replace_all(&text, "[duration]").into_owned()
}
