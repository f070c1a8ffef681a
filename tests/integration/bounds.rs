//! Every bound on pusher-controlled input, on real pushes: each rejects
//! with a message naming its `limits.*` key, is recorded once, and lets the
//! same push through when it fits.

use std::path::PathBuf;

use crate::support::*;

fn setup(w: &World, limits: &str) -> PathBuf {
    let cfg = format!(
        "version: 1\naudit:\n  database: audit.db\nrefs:\n  - match: refs/heads/**\n    allow_force_push: false\nlimits:\n{limits}"
    );
    w.server(&cfg);
    w.clone("work")
}

fn records(w: &World) -> Vec<serde_json::Value> {
    w.records(&w.path("server.git"))
}

fn rules(record: &serde_json::Value) -> Vec<String> {
    record["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn too_many_commits_is_rejected_whole_and_recorded() {
    let w = World::new();
    let work = setup(&w, "  max_commits: 3\n");
    for i in 0..5 {
        w.commit(&work, &format!("f{i}"), "x", &format!("c{i}"));
    }
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("more than 3 new commits (limits.max_commits)")
        .snapshot_code(&w, "too-many-commits")
        .assert_says("none of them was checked");
    assert_eq!(w.server_ref("refs/heads/main"), None);
    let r = records(&w);
    assert_eq!(r.len(), 1);
    assert_eq!(rules(&r[0]), ["too-many-commits"]);
    assert_eq!(r[0]["decision"], "rejected");

    // Within the bound it goes through.
    w.git_ok(&work, &["push", "-q", "origin", "HEAD~2:refs/heads/main"]);
    w.push(&work, None, &["origin", "main"]).assert_ok();
}

#[test]
fn an_oversized_commit_object_is_rejected_naming_it() {
    let w = World::new();
    let work = setup(&w, "  max_object_bytes: 2048\n");
    std::fs::write(work.join("a"), "a").unwrap();
    w.git_ok(&work, &["add", "a"]);
    let message = format!("subject\n\n{}", "long body line\n".repeat(300));
    w.git_ok(&work, &["commit", "-q", "-m", &message]);
    let id = w.git_ok(&work, &["rev-parse", "HEAD"]);
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says(&format!("commit {id} is"))
        .assert_says("limits.max_object_bytes")
        .snapshot_code(&w, "object-too-large");
    assert_eq!(rules(&records(&w)[0]), ["object-too-large"]);
}

#[test]
fn too_many_ref_updates_and_push_options_are_refused() {
    let w = World::new();
    let work = setup(&w, "  max_ref_updates: 2\n  max_push_options: 1\n");
    w.commit(&work, "a", "a", "a");
    for b in ["b1", "b2", "b3"] {
        w.git_ok(&work, &["branch", b]);
    }
    w.push(&work, None, &["origin", "b1", "b2", "b3"])
        .assert_rejected()
        .assert_says("more than 2 refs (limits.max_ref_updates)");
    w.push(&work, None, &["-o", "a", "-o", "b", "origin", "b1"])
        .assert_rejected()
        .assert_says("2 push options; the limit is 1 (limits.max_push_options)");
    w.push(&work, None, &["-o", "a", "origin", "b1", "b2"])
        .assert_ok();
}

#[test]
fn an_overlong_ref_name_is_refused() {
    let w = World::new();
    let work = setup(&w, "  max_ref_name_bytes: 64\n");
    w.commit(&work, "a", "a", "a");
    let long = format!("refs/heads/{}", "n".repeat(80));
    w.push(&work, None, &["origin", &format!("HEAD:{long}")])
        .assert_rejected()
        .assert_says("limits.max_ref_name_bytes");
    assert_eq!(w.server_ref(&long), None);
}

#[test]
fn yaml_bounds_come_from_the_config() {
    let w = World::new();
    // Manifests are read only for refs a manifest policy set gates.
    let pol = w.path("pol");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains \"x\" if false\n",
    )
    .unwrap();
    w.server(&format!(
        "version: 1\naudit:\n  database: audit.db\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\nlimits:\n  yaml_max_depth: 3\n",
        pol.display()
    ));
    let work = w.clone("work");
    w.commit(&work, "ok.yaml", "a:\n  b: 1\n", "shallow");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.commit(&work, "deep.yaml", "a:\n  b:\n    c:\n      d: 1\n", "deep");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("deep.yaml")
        .assert_says("manifest-too-complex")
        .assert_says("limits.yaml_max_depth");
}

/// A policy that would run for hours: each evaluation stops at
/// `limits.policy_timeout_seconds`, the update is rejected and recorded as
/// `policy-timeout`, naming the limit.
const SLOW_POLICY: &str = "package main
import rego.v1
deny contains \"never\" if {
  some i in numbers.range(1, 100000)
  some j in numbers.range(1, 100000)
  i * j == -1
}
";

#[test]
fn a_runaway_policy_is_stopped_and_the_push_recorded_rejected() {
    let w = World::new();
    let pol = w.path("policy");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(pol.join("slow.rego"), SLOW_POLICY).unwrap();
    let cfg = format!(
        "version: 1\naudit:\n  database: audit.db\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\nlimits:\n  policy_timeout_seconds: 1\n",
        pol.display()
    );
    w.server(&cfg);
    let work = w.clone("work");
    w.commit(&work, "a.yaml", "kind: A\n", "a");
    let started = std::time::Instant::now();
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[policy-timeout] a.yaml")
        .snapshot_code(&w, "policy-timeout")
        .assert_says("ran past its time limit");
    // Not a timing test: only that it did not run for the hours it would.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    let r = records(&w);
    assert_eq!(r.len(), 1);
    assert_eq!(rules(&r[0]), ["policy-timeout"]);
}

/// The watchdog: the whole gate over `limits.timeout_seconds` (here while a
/// policy runs, with a generous per-evaluation limit) is stopped ten
/// seconds later, and the push recorded once as `gate-timeout`.
#[test]
fn the_whole_gate_budget_is_enforced_by_the_watchdog() {
    let w = World::new();
    let pol = w.path("policy");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(pol.join("slow.rego"), SLOW_POLICY).unwrap();
    let cfg = format!(
        "version: 1\naudit:\n  database: audit.db\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\nlimits:\n  policy_timeout_seconds: 600\n  timeout_seconds: 1\n",
        pol.display()
    );
    w.server(&cfg);
    let work = w.clone("work");
    w.commit(&work, "a.yaml", "kind: A\n", "a");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("gate-timeout")
        .snapshot_code(&w, "gate-timeout")
        .assert_says("limits.timeout_seconds");
    assert_eq!(w.server_ref("refs/heads/main"), None);
    let r = records(&w);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(rules(&r[0]), ["gate-timeout"]);
    let server = w.path("server.git");
    w.pushgate(
        w.dir.path(),
        &["audit", "verify", "--repo", server.to_str().unwrap()],
    )
    .assert_ok();
}

#[test]
fn a_zero_limit_is_a_config_error_on_its_line() {
    let w = World::new();
    let work = setup(&w, "  max_commits: 5\n");
    let cfg = w.path("server.git/pushgate.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, text.replace("max_commits: 5", "max_commits: 0")).unwrap();
    w.commit(&work, "a", "a", "a");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[config-broken]")
        .snapshot_code(&w, "config-broken");
    w.config_check(&w.path("server.git"))
        .assert_exit(2)
        .assert_says("pushgate.yaml:8:")
        .assert_says("limits.max_commits");
}

#[test]
fn apply_output_is_bounded_and_the_rest_counted() {
    let w = World::new();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    // 20,000 lines of 51 bytes, and one 1 MB line without a newline.
    let script = "#!/bin/sh\ni=0\nwhile [ $i -lt 20000 ]; do echo \"line $i ........................................\"; i=$((i+1)); done\nhead -c 1000000 /dev/zero | tr '\\0' x\n";
    w.script(&server.join("apply.sh"), script);
    std::fs::write(
        server.join("pushgate.yaml"),
        "version: 1\naudit:\n  database: audit.db\nrefs:\n  - match: refs/heads/main\n    environment: production\napply:\n  command: [./apply.sh]\n  max_output_bytes: 10000\n",
    )
    .unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    let work = w.clone("work");
    w.commit(&work, "a", "a", "a");
    let r = w.push(&work, None, &["origin", "main"]);
    r.assert_ok()
        .assert_says("apply.max_output_bytes")
        .assert_says("bytes of output dropped");
    let shown = r.stderr.lines().filter(|l| l.contains("| line ")).count();
    // 10,000 bytes of 47-to-51-byte lines.
    assert!((150..=250).contains(&shown), "{shown} lines shown");
    let rec = &records(&w)[0];
    assert_eq!(rec["apply"]["status"], "succeeded");
    let dropped = rec["apply"]["output_dropped_bytes"].as_u64().unwrap();
    assert!(dropped > 1_000_000, "{dropped}");
}

#[test]
fn one_blob_under_many_names_is_over_the_manifest_budget() {
    // A small push (one 512 KiB blob, 100 paths to it) whose manifests
    // add up to 50 MiB to judge: refused as such, nothing judged.
    let w = World::new();
    let pol = w.path("pol");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains \"x\" if false\n",
    )
    .unwrap();
    w.server(&format!(
        "version: 1\naudit:\n  database: audit.db\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\n",
        pol.display()
    ));
    let work = w.clone("work");
    let mut y = String::from("kind: ConfigMap\ndata:\n");
    while y.len() < 512 * 1024 {
        y.push_str(&format!("  k{}: \"{}\"\n", y.len(), "v".repeat(60)));
    }
    std::fs::write(work.join("blob.yaml"), &y).unwrap();
    let id = w.git_ok(&work, &["hash-object", "-w", "blob.yaml"]);
    std::fs::remove_file(work.join("blob.yaml")).unwrap();
    for i in 0..100 {
        w.git_ok(
            &work,
            &[
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("100644,{id},k8s/f{i}.yaml"),
            ],
        );
    }
    w.git_ok(&work, &["commit", "-q", "-m", "many names"]);
    let started = std::time::Instant::now();
    w.push(&work, None, &["origin", "HEAD:refs/heads/main"])
        .assert_rejected()
        .assert_says("manifests-over-budget")
        .snapshot_code(&w, "manifests-over-budget")
        .assert_says("limits.max_manifest_bytes");
    // Not a timing test; a budget that only trips after judging everything
    // would take far longer than this.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(rules(&records(&w)[0]), vec!["manifests-over-budget"]);
}

#[test]
fn documents_over_the_limit_are_refused_as_such_not_judged_in_part() {
    // Bytes alone do not bound documents (`---` every few bytes), and each
    // costs an evaluation of every rule: limits.max_documents does.
    let w = World::new();
    let pol = w.path("pol");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains \"no name\" if not input.metadata.name\n",
    )
    .unwrap();
    w.server(&format!(
        "version: 1\naudit:\n  database: audit.db\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\nlimits:\n  max_documents: 3\n",
        pol.display()
    ));
    let work = w.clone("work");
    let docs: Vec<String> = (0..5)
        .map(|i| format!("kind: ConfigMap\nmetadata:\n  name: c{i}\n"))
        .collect();
    w.commit(
        &work,
        "k8s/many.yaml",
        &docs.join("---\n"),
        "five documents",
    );
    w.push(&work, None, &["origin", "HEAD:refs/heads/main"])
        .assert_rejected()
        .assert_says("too-many-documents")
        .snapshot_code(&w, "too-many-documents")
        .assert_says("limits.max_documents");
    assert_eq!(rules(&records(&w)[0]), vec!["too-many-documents"]);
    // Within the limit the same manifests pass.
    let work2 = w.clone("work2");
    w.commit(&work2, "k8s/few.yaml", &docs[..3].join("---\n"), "three");
    w.push(&work2, None, &["origin", "HEAD:refs/heads/main"])
        .assert_ok();
}

#[test]
fn a_tree_of_millions_of_paths_is_refused_before_it_is_diffed() {
    // A few KB naming 16^5 = 1,048,576 paths (one blob, 16 names per tree,
    // five deep), pushed as a new ref: the bound on changed files is
    // counted from distinct trees ("more than ..."), so the diff, which
    // would hold every path, never runs.
    let w = World::new();
    w.server("version: 1\naudit:\n  database: audit.db\n");
    let work = w.clone("work");
    std::fs::write(work.join("x"), "x").unwrap();
    let blob = w.git_ok(&work, &["hash-object", "-w", "x"]);
    let mktree = |entries: String| w.mktree(&work, &entries);
    let mut tree = mktree(
        (0..16)
            .map(|i| format!("100644 blob {blob}\tf{i}\n"))
            .collect(),
    );
    for _ in 0..4 {
        tree = mktree(
            (0..16)
                .map(|i| format!("040000 tree {tree}\td{i}\n"))
                .collect(),
        );
    }
    let commit = w.git_ok(&work, &["commit-tree", &tree, "-m", "a million paths"]);
    let started = std::time::Instant::now();
    w.push(
        &work,
        None,
        &["origin", &format!("{commit}:refs/heads/wide")],
    )
    .assert_rejected()
    .assert_says("too-many-files")
    .snapshot_code(&w, "too-many-files")
    .assert_says("changes more than 100000 files");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(rules(&records(&w)[0]), vec!["too-many-files"]);
}
