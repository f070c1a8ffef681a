//! What issue #15 found, each pushed for real or run as a CI job would run
//! it: conftest policy libraries (several files per package importing a
//! helper, data documents, fixtures beside the policies) must gate pushes
//! and answer `validate` the way conftest does.

use std::path::{Path, PathBuf};

use crate::support::*;

/// Two files of `package main`, each importing `data.lib`: one warns, one
/// denies. Before the regorus fix, evaluating the package lost the second
/// file's rules (and, in the other load order, the first file's).
fn multi_file_policy(dir: &Path, swap: bool) {
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(
        dir.join("lib/k8s.rego"),
        "package lib\nimport rego.v1\nis_svc if input.kind == \"Service\"\nis_dep if input.kind == \"Deployment\"\n",
    )
    .unwrap();
    let (a, b) = if swap { ("b", "a") } else { ("a", "b") };
    std::fs::write(
        dir.join(format!("{a}_warn.rego")),
        "package main\nimport rego.v1\nimport data.lib\nwarn contains \"services are public\" if lib.is_svc\n",
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("{b}_deny.rego")),
        "package main\nimport rego.v1\nimport data.lib\ndeny contains {\"msg\": \"deployments need an owner\", \"fix\": \"add metadata.labels.owner\"} if {\n  lib.is_dep\n  not input.metadata.labels.owner\n}\n",
    )
    .unwrap();
    // A test fixture beside the policies, as most policy repositories keep
    // them: `--policy` reads `.rego` only, so it is not data.
    std::fs::write(
        dir.join("fixture.yaml"),
        "kind: Deployment\nmetadata: {name: x}\n",
    )
    .unwrap();
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
const SERVICE: &str =
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 22\n";

#[test]
fn rules_of_every_file_of_a_package_run_in_either_load_order() {
    let w = World::new();
    for swap in [false, true] {
        let pol = w.path(&format!("policy-{swap}"));
        multi_file_policy(&pol, swap);
        let docs = w.path(&format!("docs-{swap}"));
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::write(docs.join("dep.yaml"), DEPLOYMENT).unwrap();
        std::fs::write(
            docs.join("svc.json"),
            r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}}"#,
        )
        .unwrap();
        let r = w.pushgate(
            w.dir.path(),
            &[
                "validate",
                "-p",
                pol.to_str().unwrap(),
                docs.to_str().unwrap(),
            ],
        );
        r.assert_exit(1)
            .assert_says("deployments need an owner")
            // JSON manifests in a directory are read, as conftest reads them.
            .assert_says("services are public")
            .assert_says("1 warnings, 1 failures");
    }
}

fn gate_config(pol: &Path, data: &Path) -> String {
    format!(
        "version: 1
policies:
  - path: {}
    data: [{}]
    manifest_namespaces: [main]
",
        pol.display(),
        data.display()
    )
}

/// A conftest library with a data document, gating a real push: the
/// Service on port 22 the data forbids is rejected, with the rule's own fix.
#[test]
fn policy_data_and_multi_file_packages_gate_real_pushes() {
    let w = World::new();
    let pol = w.path("policy");
    multi_file_policy(&pol, false);
    std::fs::write(
        pol.join("ports.rego"),
        "package main\nimport rego.v1\ndeny contains msg if {\n  input.kind == \"Service\"\n  some p in input.spec.ports\n  p.port in data.services.ports\n  msg := sprintf(\"service %s exposes port %d\", [input.metadata.name, p.port])\n}\n",
    )
    .unwrap();
    let data = w.path("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("services.json"), r#"{"services":{"ports":[22]}}"#).unwrap();
    w.server(&gate_config(&pol, &data));
    let work = w.clone("work");
    w.commit(&work, "README.md", "hello", "chore: start");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();

    w.commit(&work, "k8s/svc.yaml", SERVICE, "feat: ssh service");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("service web exposes port 22");

    std::fs::remove_file(work.join("k8s/svc.yaml")).unwrap();
    w.commit(&work, "k8s/web.yaml", DEPLOYMENT, "feat: web");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("deployments need an owner")
        // The rule object's `fix` is the pusher's next step.
        .assert_says("add metadata.labels.owner");
}

#[test]
fn a_data_document_is_placed_under_its_directory() {
    let w = World::new();
    let pol = w.path("p");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains sprintf(\"%s is banned\", [input.image]) if input.image in data.registry.banned\n",
    )
    .unwrap();
    let data = w.path("d");
    std::fs::create_dir_all(data.join("registry")).unwrap();
    std::fs::write(data.join("registry/list.yaml"), "banned: [evil:1]\n").unwrap();
    let doc = w.path("doc.json");
    std::fs::write(&doc, r#"{"image": "evil:1"}"#).unwrap();
    let args = |extra: &[&str]| {
        let mut a = vec!["validate", "-p", pol.to_str().unwrap()];
        a.extend_from_slice(extra);
        a.push(doc.to_str().unwrap());
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| {
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        w.pushgate(w.dir.path(), &refs)
    };
    run(args(&["-d", data.to_str().unwrap()]))
        .assert_exit(1)
        .assert_says("evil:1 is banned");
    // Without --data nothing is banned: the policy dir holds no data.
    run(args(&[])).assert_exit(0);
}

#[test]
fn conftest_flags_and_outputs() {
    let w = World::new();
    let pol = w.path("p");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains sprintf(\"%s: %f cores\", [input.metadata.name, input.cpu]) if input.cpu > 2\n",
    )
    .unwrap();
    std::fs::write(
        pol.join("combined.rego"),
        "package combined\nimport rego.v1\ndeny contains sprintf(\"%d documents, names not unique\", [count(input)]) if {\n  names := [d.contents.metadata.name | some d in input]\n  count(names) != count({n | some n in names})\n}\n",
    )
    .unwrap();
    std::fs::write(
        pol.join("helpers.rego"),
        "package helpers\nimport rego.v1\nx := 1\n",
    )
    .unwrap();
    let docs = w.path("docs");
    std::fs::create_dir_all(docs.join("skip")).unwrap();
    std::fs::write(
        docs.join("a.yaml"),
        "metadata: {name: a}\ncpu: 692.0956516265869\n",
    )
    .unwrap();
    std::fs::write(docs.join("b.yaml"), "metadata: {name: a}\ncpu: 1\n").unwrap();
    std::fs::write(docs.join("skip/c.yaml"), "metadata: {name: c}\ncpu: 9\n").unwrap();
    let p = pol.to_str().unwrap();
    let d = docs.to_str().unwrap();
    // Go's %f, as OPA prints it.
    w.pushgate(w.dir.path(), &["validate", "-p", p, d])
        .assert_exit(1)
        .assert_says("a: 692.095652 cores");
    // --ignore skips paths by regular expression.
    let r = w.pushgate(w.dir.path(), &["validate", "-p", p, "--ignore", "skip/", d]);
    r.assert_exit(1);
    assert!(!r.stdout.contains("c: 9"), "{}", r.stdout);
    // --combine: one input, the array of {path, contents}.
    w.pushgate(
        w.dir.path(),
        &[
            "validate",
            "-p",
            p,
            "-n",
            "combined",
            "--combine",
            "--ignore",
            "skip/",
            d,
        ],
    )
    .assert_exit(1)
    .assert_says("2 documents, names not unique");
    // TAP and table outputs.
    w.pushgate(w.dir.path(), &["validate", "-p", p, "-o", "tap", d])
        .assert_exit(1)
        .assert_says("not ok 1 - ")
        .assert_says("1..1");
    w.pushgate(w.dir.path(), &["validate", "-p", p, "-o", "table", d])
        .assert_exit(1)
        .assert_says("| RESULT ")
        .assert_says("| failure ");
    // SARIF 2.1.0 for code scanning: the failure at its file and line.
    let r = w.pushgate(w.dir.path(), &["validate", "-p", p, "-o", "sarif", d]);
    r.assert_exit(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "main.deny", "{v}");
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
    // conftest's JSON field names.
    let r = w.pushgate(w.dir.path(), &["validate", "-p", p, "-o", "json", d]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let first = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["failures"].is_array())
        .unwrap();
    assert!(first["failures"][0]["msg"].is_string(), "{first}");
    assert!(
        first["filename"].is_string() && first["namespace"] == "main",
        "{first}"
    );
    // A namespace with no rules: conftest warns and passes.
    w.pushgate(w.dir.path(), &["validate", "-p", p, "-n", "helpers", d])
        .assert_exit(0)
        .assert_says("defines no deny, violation or warn rule");
    // --rego-version v1 refuses a v0 file; auto reads it.
    std::fs::write(
        pol.join("old.rego"),
        "package main\ndeny[msg] {\n  input.cpu == 1\n  msg := \"one core\"\n}\n",
    )
    .unwrap();
    w.pushgate(
        w.dir.path(),
        &["validate", "-p", p, "--rego-version", "v1", d],
    )
    .assert_exit(2)
    .assert_says("old.rego does not compile");
    w.pushgate(w.dir.path(), &["validate", "-p", p, d])
        .assert_exit(1)
        .assert_says("one core");
}

#[test]
fn policy_test_shares_the_loader_and_explains_errors() {
    let w = World::new();
    let pol = w.path("p");
    multi_file_policy(&pol, true);
    std::fs::write(
        pol.join("main_test.rego"),
        "package main\nimport rego.v1\ntest_dep_denied if {\n  count(deny) == 1 with input as {\"kind\": \"Deployment\"}\n}\ntest_errs if {\n  to_number(\"abc\") > 1\n}\ntest_prints if {\n  print(\"checked\", 1)\n}\n",
    )
    .unwrap();
    let p: PathBuf = pol;
    w.pushgate(w.dir.path(), &["policy", "test", p.to_str().unwrap()])
        .assert_exit(1)
        .assert_says("PASS data.main.test_dep_denied")
        .assert_says("ERROR data.main.test_errs: ")
        .assert_says("main_test.rego:7:")
        .assert_says("could not parse string as number");
    w.pushgate(
        w.dir.path(),
        &[
            "policy",
            "test",
            "-v",
            "--run",
            "prints$",
            p.to_str().unwrap(),
        ],
    )
    .assert_exit(0)
    .assert_says("print: ")
    .assert_says("checked 1")
    .assert_says("policy tests: 1 passed, 0 failed");
}

/// conftest's own examples/kubernetes policy (from the OPA corpus) gating
/// real pushes: its deployment.yaml gets the four failures conftest
/// documents, its service.yaml lands with the warning.
#[test]
fn conftest_kubernetes_example_gates_a_push_as_conftest_judges_it() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rego-diff/cases/cf-kubernetes");
    let w = World::new();
    w.server(&format!(
        "version: 1\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\n",
        case.join("policy").display()
    ));
    let work = w.clone("work");
    w.commit(&work, "README.md", "hello", "chore: start");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();
    let read = |f: &str| std::fs::read_to_string(case.join("docs").join(f)).unwrap();
    w.commit(
        &work,
        "k8s/deployment.yaml",
        &read("deployment.yaml"),
        "feat: hello",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("Containers must not run as root in Deployment hello-kubernetes")
        .assert_says(
            "Deployment hello-kubernetes must provide app/release labels for pod selectors",
        )
        .assert_says("hello-kubernetes must include Kubernetes recommended labels")
        .assert_says("Found deployment hello-kubernetes but deployments are not allowed");
    w.git(&work, &["reset", "-q", "--hard", "HEAD~1"])
        .assert_ok();
    w.commit(
        &work,
        "k8s/service.yaml",
        &read("service.yaml"),
        "feat: service",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_ok()
        .assert_says("Found service hello-kubernetes but services are not allowed");
}

/// A pusher who cannot satisfy a rule may try to make it fail to evaluate
/// instead: a value the built-in chokes on, or an integer too large to
/// compare exactly. Both reject the push (fail closed), naming the file.
#[test]
fn documents_that_break_evaluation_reject_the_push() {
    let w = World::new();
    let pol = w.path("policy");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains \"too many replicas\" if to_number(input.spec.replicas) > 10\ndeny contains \"banned id\" if input.id == 12345678901234567890123\n",
    )
    .unwrap();
    w.server(&format!(
        "version: 1\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\n",
        pol.display()
    ));
    let work = w.clone("work");
    w.commit(&work, "README.md", "hello", "chore: start");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();
    // With non-strict built-ins this rule would quietly not fire.
    w.commit(
        &work,
        "k8s/a.yaml",
        "kind: Deployment\nspec: {replicas: \"lots\"}\n",
        "feat: a",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("k8s/a.yaml");
    w.git(&work, &["reset", "-q", "--hard", "HEAD~1"])
        .assert_ok();
    w.commit(
        &work,
        "k8s/b.yaml",
        "kind: Deployment\nid: 9007199254740993\n",
        "feat: b",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("64-bit float cannot hold");
    w.git(&work, &["reset", "-q", "--hard", "HEAD~1"])
        .assert_ok();
    w.commit(
        &work,
        "k8s/c.yaml",
        "kind: Deployment\nspec: {replicas: \"3\"}\nid: \"12345678901234567890124\"\n",
        "feat: c",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
}

/// OPA's number model on a real push: a manifest's `cpu + 2.2 == 3.3` is
/// false in OPA (64-bit big floats), and its 1073741824 is conftest's
/// `1.073741824e+09`, which `%d` prints as Go does; a push policy reading
/// pushgate's own input keeps a file size's digits.
#[test]
fn numbers_gate_a_push_as_opa_computes_and_prints_them() {
    let w = World::new();
    let pol = w.path("policy");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("numbers.rego"),
        "package main\nimport rego.v1\ndeny contains msg if {\n  input.kind == \"Pod\"\n  input.spec.cpu + 2.2 != 3.3\n  msg := sprintf(\"pod memory %d\", [input.spec.memory])\n}\n",
    )
    .unwrap();
    std::fs::write(
        pol.join("push.rego"),
        "package push\nimport rego.v1\ndeny contains msg if {\n  some f in input.files\n  f.size > 1000000\n  msg := sprintf(\"%s is %d bytes\", [f.path, f.size])\n}\n",
    )
    .unwrap();
    w.server(&format!(
        "version: 1\npolicies:\n  - path: {}\n    manifest_namespaces: [main]\n    push_namespace: push\n",
        pol.display()
    ));
    let work = w.clone("work");
    w.commit(&work, "README.md", "hello", "chore: start");
    w.push(&work, None, &["-q", "origin", "main"]).assert_ok();

    w.commit(
        &work,
        "k8s/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  cpu: 1.1\n  memory: 1073741824\n",
        "feat: pod",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("pod memory %!d(float64=1.073741824e+09)");

    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);
    w.commit(&work, "blob.bin", &"x".repeat(1_048_576), "feat: big file");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("blob.bin is 1048576 bytes");
}
