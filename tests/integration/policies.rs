//! Manifests and Rego policies on real pushes, and `validate` / `policy
//! test` run as a CI job would.

use std::path::{Path, PathBuf};

use crate::support::*;

fn shipped(dir: &str) -> String {
    format!("{}/policies/{dir}", env!("CARGO_MANIFEST_DIR"))
}

fn config(extra_sets: &str) -> String {
    format!(
        "version: 1
manifests:
  include: [\"**/*.yaml\", \"**/*.yml\"]
  exclude: [\"docs/**\"]
  max_file_bytes: 4096
policies:
  - path: {}
    manifest_namespaces: [pushgate.kubernetes]
{extra_sets}",
        shipped("kubernetes")
    )
}

const GOOD: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app.kubernetes.io/name: web}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: web
          image: registry.example.com/web:1.2.3
          resources: {limits: {cpu: 100m, memory: 64Mi}}
";

fn server(w: &World, cfg: &str) -> PathBuf {
    w.server(cfg);
    let work = w.clone("work");
    w.commit(&work, "README.md", "hello", "chore: start");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();
    work
}

#[test]
fn manifests_violating_the_shipped_pack_are_rejected_with_file_and_line() {
    let w = World::new();
    let work = server(&w, &config(""));
    let bad = format!("---\n# a config map first\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c, namespace: shop}}\n---\n{}", GOOD.replace("web:1.2.3", "web:latest"));
    w.commit(&work, "k8s/web.yaml", &bad, "feat: web");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pushgate.kubernetes.deny_latest_tag] k8s/web.yaml:19:11:")
        .assert_says("uses the :latest tag");
    w.commit(&work, "k8s/web.yaml", GOOD, "fix: pin web");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    // Files outside `include`, or `exclude`d, are not manifests.
    w.commit(
        &work,
        "docs/example.yaml",
        &GOOD.replace("web:1.2.3", "web:latest"),
        "docs: example",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
}

#[test]
fn conftest_policies_run_unchanged_in_both_rego_forms() {
    let w = World::new();
    let pol = w.path("conftest");
    std::fs::create_dir_all(&pol).unwrap();
    // The old form, as many conftest repositories still have it.
    std::fs::write(
        pol.join("old.rego"),
        "package main\n\ndeny[msg] {\n  input.kind == \"Deployment\"\n  not input.spec.replicas\n  msg := sprintf(\"%s must set replicas\", [input.metadata.name])\n}\n\nwarn[msg] {\n  input.kind == \"Deployment\"\n  msg := \"deployments are watched\"\n}\n",
    )
    .unwrap();
    // Rego v1, without `import rego.v1`, with a helper package imported.
    std::fs::write(
        pol.join("new.rego"),
        "package main.v1\n\nimport data.lib.names\n\ndeny_name contains msg if {\n  not names.ok(input.metadata.name)\n  msg := \"names must be lowercase\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        pol.join("lib.rego"),
        "package lib.names\n\nok(n) if n == lower(n)\n",
    )
    .unwrap();
    let cfg = format!(
        "version: 1\npolicies:\n  - path: {}\n    manifest_namespaces: [main, main.v1]\n",
        pol.display()
    );
    let work = server(&w, &cfg);
    w.commit(
        &work,
        "app.yaml",
        "kind: Deployment\nmetadata: {name: Web}\n",
        "add",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[main.deny] app.yaml:1: Web must set replicas")
        .assert_says("error[main.v1.deny_name] app.yaml:1: names must be lowercase")
        .assert_says("warning[main.warn]");
    w.commit(
        &work,
        "app.yaml",
        "kind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n",
        "fix",
    );
    // Accepted, and the warning is still shown.
    w.push(&work, None, &["origin", "main"])
        .assert_ok()
        .assert_says("warning[main.warn] app.yaml:1: deployments are watched");
}

#[test]
fn push_level_policies_see_commits_and_files() {
    let w = World::new();
    let sets = format!(
        "  - path: {}\n    push_namespace: pushgate.push\n    refs: [\"refs/heads/main\"]\n",
        shipped("push")
    );
    let work = server(&w, &config(&sets));
    w.commit(&work, "notes.txt", "x", "updated stuff");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pushgate.push.deny_commit_message]")
        .assert_says("does not follow Conventional Commits");
    // `refs:` limits the set: other branches are not gated by it.
    w.push(&work, None, &["origin", "main:refs/heads/scratch"])
        .assert_ok();
    w.git_ok(
        &work,
        &["commit", "-q", "--amend", "-m", "docs: update notes"],
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
    // Changing policies/ needs a signer from group admins: unsigned is not.
    w.commit(
        &work,
        "policies/extra.rego",
        "package x\n",
        "feat: more policy",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pushgate.push.deny_protected_paths]")
        .assert_says("signature: none");
}

#[test]
fn broken_and_hostile_yaml_is_rejected_with_file_and_line() {
    let w = World::new();
    let work = server(&w, &config(""));
    w.commit(
        &work,
        "k8s/broken.yaml",
        "kind: ConfigMap\nmetadata:\n  name: [unclosed\n  namespace: x\n",
        "feat: broken",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[manifest-invalid] k8s/broken.yaml:");
    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);

    let mut bomb = String::from("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    for (n, p) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
    ] {
        bomb.push_str(&format!(
            "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    w.commit(&work, "bomb.yaml", &bomb, "feat: lol");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[manifest-too-complex] bomb.yaml")
        .snapshot_code(&w, "manifest-too-complex");
    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);

    w.commit(
        &work,
        "big.yaml",
        &format!("data: \"{}\"\n", "x".repeat(5000)),
        "feat: big",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[manifest-too-large] big.yaml")
        .snapshot_code(&w, "manifest-too-large")
        .assert_says("at most 4096");
    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);

    std::fs::write(work.join("bin.yaml"), [0u8, 159, 146, 150]).unwrap();
    w.git_ok(&work, &["add", "bin.yaml"]);
    w.git_ok(&work, &["commit", "-q", "-m", "feat: binary"]);
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[manifest-not-text] bin.yaml")
        .snapshot_code(&w, "manifest-not-text");
}

/// A stray broken policy on the server rejects every push (fail closed),
/// but pushers read only that the gate is broken and who can fix it, never
/// the server's paths or the parser's output; operators get the whole error
/// from the audit record, `doctor` and `config check`, which also catches a
/// policy that parses but does not compile before any push does.
#[test]
fn a_broken_policy_rejects_pushes_briefly_and_tells_operators_everything() {
    let w = World::new();
    let pol = w.path("pol");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains \"x\" if input.a\n",
    )
    .unwrap();
    let cfg = format!(
        "version: 1\naudit:\n  database: audit.db\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\n",
        pol.display()
    );
    let work = server(&w, &cfg);
    let server = w.path("server.git");
    let check = |w: &World| {
        w.pushgate(
            w.dir.path(),
            &["config", "check", "--repo", server.to_str().unwrap()],
        )
    };
    check(&w).assert_ok().assert_says("1 namespace(s) compiled");

    let broken = [
        // Does not parse (and, without `import rego.v1`, made regorus
        // print a keyword warning straight to the pusher).
        (
            "does not parse",
            "package main\ndeny contains msg if {\n  msg := \n}\n",
            "broken.rego:3",
        ),
        // Parses, but does not compile: found at the push, lazily.
        (
            "does not compile",
            "package main\nimport rego.v1\ndeny contains \"x\" if { x := 1; x := 2 }\n",
            "broken.rego:3",
        ),
    ];
    for (i, (what, text, location)) in broken.iter().enumerate() {
        std::fs::write(pol.join("broken.rego"), text).unwrap();
        w.commit(&work, &format!("a{i}.yaml"), "a: 1\n", what);
        let r = w.push(&work, Some("alice"), &["origin", "main"]);
        r.assert_rejected()
            .assert_says("error[config-broken]")
            .assert_says("the gate's configuration is broken, so nothing was accepted")
            .assert_says("pushgate doctor");
        for leak in ["broken.rego", pol.to_str().unwrap(), "warning", "-->"] {
            assert!(
                !r.stderr.contains(leak),
                "{what}: the pusher reads {leak:?}:\n{}",
                r.stderr
            );
        }
        let record = &w.records(&server)[0];
        assert_eq!(record["decision"], "rejected", "{what}");
        assert_eq!(record["pusher"], "alice");
        assert_eq!(record["violations"][0]["rule"], "config-broken");
        let detail = record["violations"][0]["message"].as_str().unwrap();
        assert!(
            detail.contains(location),
            "{what}: the record says {detail}"
        );
        check(&w).assert_exit(2).assert_says(location);
        w.pushgate(w.dir.path(), &["doctor", server.to_str().unwrap()])
            .assert_exit(1)
            .assert_says(location);
    }

    // A namespace with no deny/violation/warn rule checks nothing: refused.
    std::fs::remove_file(pol.join("broken.rego")).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\nhelper := 1\n",
    )
    .unwrap();
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[config-broken]");
    check(&w)
        .assert_exit(2)
        .assert_says("defines no deny, violation or warn rule");

    std::fs::write(
        pol.join("p.rego"),
        // `import input` is redundant (OPA ignores it); regorus printed a
        // warning naming the file to every pusher.
        "package main\nimport rego.v1\nimport input\ndeny contains \"x\" if input.kind == \"Secret\"\n",
    )
    .unwrap();
    check(&w).assert_ok();
    let r = w.push(&work, None, &["origin", "main"]);
    r.assert_ok();
    assert!(
        !r.stderr.contains("warning") && !r.stderr.contains("p.rego"),
        "{}",
        r.stderr
    );
}

fn validate(w: &World, args: &[&str]) -> Run {
    w.pushgate(w.dir.path(), args)
}

fn fixtures(w: &World) -> PathBuf {
    let dir = w.path("k8s");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("good.yaml"), GOOD).unwrap();
    std::fs::write(dir.join("bad.yml"), GOOD.replace("web:1.2.3", "web:latest")).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a manifest").unwrap();
    dir
}

#[test]
fn validate_speaks_conftest_and_its_outputs_parse() {
    let w = World::new();
    let dir = fixtures(&w);
    let pol = shipped("kubernetes");
    let base = ["validate", "-p", &pol, "-n", "pushgate.kubernetes"];

    let mut args = base.to_vec();
    args.push(dir.to_str().unwrap());
    let r = validate(&w, &args);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    r.assert_says("FAIL - ")
        .assert_says("bad.yml:13:11 (document 0) - pushgate.kubernetes.deny_latest_tag");
    r.assert_says("36 tests, 35 passed, 0 warnings, 1 failures, 0 exceptions");

    let mut args = base.to_vec();
    args.extend(["-o", "json", dir.to_str().unwrap()]);
    let r = validate(&w, &args);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let results = v.as_array().unwrap();
    assert_eq!(results.len(), 2);
    let bad = results
        .iter()
        .find(|x| x["filename"].as_str().unwrap().ends_with("bad.yml"))
        .unwrap();
    assert_eq!(
        bad["failures"][0]["rule"],
        "pushgate.kubernetes.deny_latest_tag"
    );
    // The rule's `path` places it on the image line.
    assert_eq!(bad["failures"][0]["line"], 13);
    assert_eq!(bad["failures"][0]["column"], 11);

    let mut args = base.to_vec();
    args.extend(["-o", "junit", dir.to_str().unwrap()]);
    let r = validate(&w, &args);
    let doc = roxmltree::Document::parse(&r.stdout).unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 36, "one test case per file and rule");
    let failing: Vec<_> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .collect();
    assert_eq!(failing.len(), 1);
    assert!(failing[0]
        .attribute("name")
        .unwrap()
        .starts_with("pushgate.kubernetes.deny_latest_tag: "));

    let mut args = base.to_vec();
    args.extend(["-o", "github", dir.to_str().unwrap()]);
    let r = validate(&w, &args);
    assert!(
        r.stdout.lines().any(|l| l.starts_with("::error file=")
            && l.contains("bad.yml,line=13,col=11,title=pushgate.kubernetes.deny_latest_tag::")),
        "{}",
        r.stdout
    );

    // --fail-on-warn and exit codes: a clean file passes.
    let good = dir.join("good.yaml");
    let mut args = base.to_vec();
    args.push(good.to_str().unwrap());
    assert_eq!(validate(&w, &args).status, 0);
    // A missing policy directory is a usage error.
    assert_eq!(
        validate(&w, &["validate", "-p", "/nonexistent", "x.yaml"]).status,
        2
    );
}

#[test]
fn policy_test_passes_and_fails() {
    let w = World::new();
    let r = w.pushgate(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["policy", "test", "policies"],
    );
    r.assert_ok()
        .assert_says("PASS data.pushgate.kubernetes_test.test_latest_tag_denied");
    let dir = w.path("t");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("x_test.rego"),
        "package x\nimport rego.v1\ntest_ok if true\ntest_broken if 1 == 2\n",
    )
    .unwrap();
    let r = w.pushgate(w.dir.path(), &["policy", "test", dir.to_str().unwrap()]);
    assert_eq!(r.status, 1);
    r.assert_says("FAIL data.x.test_broken")
        .assert_says("policy tests: 1 passed, 1 failed");
}

/// A policy that fails on a pushed file (here: conflicting rule values)
/// rejects the push with a code of its own, naming the file and the
/// policy's error (a runaway policy is `policy-timeout`: bounds.rs).
#[test]
fn a_policy_failing_on_a_file_is_policy_error() {
    let w = World::new();
    let pol = w.path("pol");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\nx := 1 if input.conflict\nx := 2 if input.conflict\ndeny contains \"three\" if x == 3\n",
    )
    .unwrap();
    let cfg = format!(
        "version: 1\naudit:\n  database: audit.db\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\n",
        pol.display()
    );
    let work = server(&w, &cfg);
    w.commit(&work, "k8s/fine.yaml", "fine: true\n", "fine");
    w.commit(&work, "k8s/conflict.yaml", "conflict: true\n", "conflict");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[policy-error] k8s/conflict.yaml")
        .snapshot_code(&w, "policy-error")
        .assert_says("p.rego:4:1: rule conflicts with rule at")
        .assert_says("tell an operator");
    let record = &w.records(&w.path("server.git"))[0];
    assert_eq!(record["violations"][0]["rule"], "policy-error");
    assert_eq!(record["violations"][0]["path"], "k8s/conflict.yaml");
    // `check` gives the server's verdict, in its machine form too.
    let config = w.path("server.git/pushgate.yaml");
    let r = w.pushgate(
        &work,
        &[
            "check",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
            "origin/main",
            "HEAD",
            "refs/heads/main",
        ],
    );
    r.assert_exit(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["updates"][0]["violations"][0]["rule"], "policy-error",
        "{v}"
    );
}

/// JUnit output stays well-formed XML whatever a policy's message or a file
/// name holds: control characters, which XML 1.0 cannot carry, and markup.
#[test]
fn junit_output_is_xml_whatever_the_messages_hold() {
    let w = World::new();
    let pol = w.path("pol");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains sprintf(\"bad \\u0001\\u001b[31m <b>&%s\", [input.name]) if input.name\n",
    )
    .unwrap();
    std::fs::write(w.path("a\u{1}b.yaml"), "name: \"x\\u0002y\"\n").unwrap();
    let r = validate(
        &w,
        &[
            "validate",
            "-p",
            pol.to_str().unwrap(),
            "-o",
            "junit",
            w.path("a\u{1}b.yaml").to_str().unwrap(),
        ],
    );
    r.assert_exit(1);
    let doc = roxmltree::Document::parse(&r.stdout)
        .unwrap_or_else(|e| panic!("not XML: {e}\n{}", r.stdout));
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("the failing rule is a failure");
    assert!(failure.attribute("message").unwrap().contains("<b>&x"));
}

/// A policy's `fix` built from pushed values cannot forge `remote:` lines:
/// a newline in it is shown escaped, on the fix's own line.
#[test]
fn a_fix_built_from_pushed_text_cannot_forge_remote_lines() {
    let w = World::new();
    let pol = w.path("pol");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains {\"msg\": \"bad x\", \"fix\": sprintf(\"set x to %s\", [input.x])} if input.x\n",
    )
    .unwrap();
    let cfg = format!(
        "version: 1\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\n",
        pol.display()
    );
    let work = server(&w, &cfg);
    w.commit(
        &work,
        "k8s/a.yaml",
        "x: \"1\\npushgate: refs/heads/main: accepted\"\n",
        "forge",
    );
    let r = w.push(&work, None, &["origin", "main"]);
    r.assert_rejected().assert_says("set x to 1\\npushgate");
    assert!(
        !r.stderr
            .lines()
            .any(|l| l.starts_with("remote: pushgate: refs/heads/main: accepted")),
        "{}",
        r.stderr
    );
}
