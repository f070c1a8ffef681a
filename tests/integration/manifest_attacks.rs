//! The manifest stage judges what kubectl applies. Each test is an attack
//! by someone who may push signed commits to a protected `main` gated by
//! the shipped baseline: a file whose YAML, name, link or list shape makes
//! a naive reader see something harmless while `kubectl apply -R -f .`
//! applies a privileged workload. Every one must be rejected, naming the
//! file and the reason.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::support::*;

struct Gate {
    w: World,
    work: PathBuf,
    signing: String,
}

fn setup() -> Gate {
    let w = World::new();
    let (key, public) = crate::keys::ssh_keygen(&w, "bob", "ed25519");
    let cfg = format!(
        "version: 1
keys:
  bob: bob.pub
refs:
  - match: refs/heads/main
    require_signed_commits: true
    allow_force_push: false
manifests:
  exclude: [\"docs/**\"]
policies:
  - path: {}/policies/kubernetes
    manifest_namespaces: [pushgate.kubernetes]
",
        env!("CARGO_MANIFEST_DIR")
    );
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::copy(&public, server.join("bob.pub")).unwrap();
    std::fs::write(server.join("pushgate.yaml"), cfg).unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    let work = w.clone("work");
    let g = Gate {
        signing: format!("user.signingkey={}", key.display()),
        w,
        work,
    };
    g.write("README.md", b"infra\n");
    g.commit("chore: start");
    g.w.push(&g.work, None, &["-q", "origin", "main"])
        .assert_ok();
    g
}

impl Gate {
    fn write(&self, rel: impl AsRef<Path>, bytes: &[u8]) {
        let p = self.work.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    fn commit(&self, msg: &str) {
        self.w.git_ok(&self.work, &["add", "-A"]);
        self.commit_index(msg);
    }

    /// Commits the index as it is (signed).
    fn commit_index(&self, msg: &str) {
        self.w.git_ok(
            &self.work,
            &[
                "-c",
                "gpg.format=ssh",
                "-c",
                &self.signing,
                "commit",
                "-q",
                "-S",
                "-m",
                msg,
            ],
        );
    }

    /// Commits what was written, pushes, expects a rejection naming each
    /// of `says`, then drops the commit again.
    fn rejected(&self, msg: &str, says: &[&str]) -> Run {
        self.commit(msg);
        self.push_rejected(says)
    }

    /// Pushes `main`, asserts the rejection says all of `says`, and resets
    /// the clone to the server's `main`; returns the push for snapshots.
    fn push_rejected(&self, says: &[&str]) -> Run {
        let run = self.w.push(&self.work, None, &["origin", "main"]);
        run.assert_rejected();
        for s in says {
            run.assert_says(s);
        }
        self.w
            .git(&self.work, &["reset", "-q", "--hard", "origin/main"])
            .assert_ok();
        self.w.git(&self.work, &["clean", "-qfdx"]).assert_ok();
        run
    }
}

/// A pod spec the baseline forbids (privileged, host network), otherwise
/// clean; as YAML lines indented for `spec:` of a Pod.
const EVIL_POD_SPEC: &str = "  hostNetwork: true
  containers:
    - name: x
      image: registry.example.com/x:1.0.0
      resources: {limits: {cpu: 100m, memory: 64Mi}}
      securityContext: {privileged: true}
";

#[test]
fn a_merge_key_that_turns_a_config_map_into_a_pod_is_judged_as_the_pod() {
    let g = setup();
    let y = format!(
        "apiVersion: v1
kind: ConfigMap
metadata: {{name: harmless, namespace: shop, labels: {{app.kubernetes.io/name: x}}}}
<<: {{kind: Pod}}
spec:
{EVIL_POD_SPEC}"
    );
    g.write("k8s/cm.yaml", y.as_bytes());
    g.rejected(
        "feat: config",
        &[
            "k8s/cm.yaml",
            "deny_privileged",
            "Pod/harmless",
            "uses hostNetwork",
        ],
    );
}

#[test]
fn a_merge_key_after_an_explicit_false_wins_as_in_kubectl() {
    let g = setup();
    g.write(
        "k8s/pod.yaml",
        b"apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {app.kubernetes.io/name: p}}
spec:
  containers:
    - name: x
      image: registry.example.com/x:1.0.0
      resources: {limits: {cpu: 100m, memory: 64Mi}}
      securityContext:
        privileged: false
        <<: {privileged: true}
",
    );
    // The finding points at the merged field's line and column.
    g.rejected(
        "feat: pod",
        &["k8s/pod.yaml:11:", "deny_privileged", "runs privileged"],
    );
}

#[test]
fn yaml_1_1_integers_are_read_as_kubectl_reads_them() {
    let g = setup();
    g.write(
        "k8s/root.yaml",
        b"apiVersion: v1
kind: Pod
metadata: {name: r, namespace: shop, labels: {app.kubernetes.io/name: r}}
spec:
  securityContext: {runAsUser: 0_0}
  containers:
    - name: x
      image: registry.example.com/x:1.0.0
      resources: {limits: {cpu: 100m, memory: 64Mi}}
",
    );
    g.rejected(
        "feat: root",
        &["k8s/root.yaml", "deny_run_as_root", "runs as root"],
    );
}

#[test]
fn a_file_name_that_is_not_utf8_is_refused_not_skipped() {
    let g = setup();
    let name = std::ffi::OsStr::from_bytes(b"k8s/\xff.yaml");
    let y = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: shop}}\nspec:\n{EVIL_POD_SPEC}"
    );
    g.write(Path::new(name), y.as_bytes());
    g.rejected("feat: odd name", &["path-not-utf8", "k8s/\\xff.yaml"])
        .snapshot_code(&g.w, "path-not-utf8");
}

#[test]
fn json_manifests_are_judged_by_default() {
    let g = setup();
    g.write(
        "k8s/pod.json",
        br#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j", "namespace": "shop", "labels": {"app.kubernetes.io/name": "j"}},
 "spec": {"hostNetwork": true, "containers": [{"name": "x", "image": "registry.example.com/x:1.0.0", "resources": {"limits": {"cpu": "1", "memory": "1Mi"}}}]}}"#,
    );
    g.rejected("feat: json", &["k8s/pod.json", "deny_host_network"]);
}

#[test]
fn a_symlink_to_an_excluded_file_is_refused_and_one_inside_is_followed() {
    let g = setup();
    let y = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: shop, labels: {{app.kubernetes.io/name: p}}}}\nspec:\n{EVIL_POD_SPEC}");
    g.write("docs/evil.yaml", y.as_bytes());
    std::fs::create_dir_all(g.work.join("k8s")).unwrap();
    std::os::unix::fs::symlink("../docs/evil.yaml", g.work.join("k8s/app.yaml")).unwrap();
    g.rejected(
        "feat: link",
        &["manifest-symlink", "k8s/app.yaml", "docs/evil.yaml"],
    )
    .snapshot_code(&g.w, "manifest-symlink");

    // Inside the globs, the link is judged by what it points at.
    g.write("k8s/base/evil.yaml", y.as_bytes());
    std::os::unix::fs::symlink("base/evil.yaml", g.work.join("k8s/app.yaml")).unwrap();
    g.rejected("feat: link 2", &["k8s/app.yaml", "deny_privileged"]);

    // And a link that leaves the repository is refused.
    std::fs::create_dir_all(g.work.join("k8s")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", g.work.join("k8s/app.yaml")).unwrap();
    g.rejected(
        "feat: link 3",
        &["manifest-symlink", "outside the repository"],
    );
}

#[test]
fn list_items_and_every_pod_carrying_kind_are_judged() {
    let g = setup();
    let pod_spec = EVIL_POD_SPEC.replace('\n', "\n      ");
    let list = format!(
        "apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {{name: in-list, namespace: shop, labels: {{app.kubernetes.io/name: l}}}}
    spec:
      {pod_spec}"
    );
    g.write("k8s/list.yaml", list.as_bytes());
    g.rejected(
        "feat: list",
        &["k8s/list.yaml:13:31", "Pod/in-list", "deny_privileged"],
    );

    // Any object with `items` is a list to kubectl, whatever its kind.
    g.write(
        "k8s/cm.yaml",
        list.replace("kind: List", "kind: ConfigMap").as_bytes(),
    );
    g.rejected("feat: cm list", &["k8s/cm.yaml", "Pod/in-list"]);

    let rc = format!(
        "apiVersion: v1
kind: ReplicationController
metadata: {{name: rc, namespace: shop, labels: {{app.kubernetes.io/name: rc}}}}
spec:
  template:
    spec:
    {}",
        EVIL_POD_SPEC.replace('\n', "\n    ")
    );
    g.write("k8s/rc.yaml", rc.as_bytes());
    g.rejected(
        "feat: rc",
        &["k8s/rc.yaml", "ReplicationController/rc", "deny_privileged"],
    );
}

#[test]
fn ambiguous_yaml_is_refused_with_its_line() {
    let g = setup();
    g.write(
        "k8s/dup.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: d, namespace: shop}\nspec:\n  hostNetwork: false\n  hostNetwork: true\n  containers: []\n",
    );
    g.rejected(
        "feat: dup",
        &["manifest-ambiguous", "k8s/dup.yaml:6", "appears twice"],
    )
    .snapshot_code(&g.w, "manifest-ambiguous");
}

#[test]
fn a_tag_run_into_a_flow_comma_is_refused() {
    // libyaml ends `!x` at the comma (securityContext: "" and a key `y`),
    // go-yaml reads a privileged securityContext.
    let g = setup();
    g.write(
        "k8s/pod.yaml",
        b"apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {app.kubernetes.io/name: p}}
spec:
  containers:
    - {name: x, image: registry.example.com/x:1.0.0, resources: {limits: {cpu: 1, memory: 1Mi}}, securityContext: !x,y: {privileged: true}}
",
    );
    g.rejected(
        "feat: tag",
        &["manifest-ambiguous", "k8s/pod.yaml:6", "!x,y:"],
    );
}

#[test]
fn a_link_through_a_directory_link_is_refused() {
    let g = setup();
    let evil = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: evil, namespace: shop, labels: {{app.kubernetes.io/name: e}}}}\nspec:\n{EVIL_POD_SPEC}");
    g.write("docs/b.yaml", evil.as_bytes());
    g.write("docs/x/.keep", b"");
    g.write(
        "k8s/b.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine, namespace: shop}\n",
    );
    std::os::unix::fs::symlink("../docs/x", g.work.join("k8s/sub")).unwrap();
    std::os::unix::fs::symlink("sub/../b.yaml", g.work.join("k8s/a.yaml")).unwrap();
    g.rejected(
        "feat: links",
        &["manifest-symlink", "k8s/a.yaml", "another symlink"],
    );
}

#[test]
fn checkout_filters_on_manifests_are_refused() {
    let g = setup();
    g.write(
        "k8s/cm.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n",
    );
    g.commit("feat: cm");
    g.w.push(&g.work, None, &["-q", "origin", "main"])
        .assert_ok();
    // Adding the attribute later changes what an unchanged manifest checks
    // out as: refused too.
    g.write(".gitattributes", b"*.yaml ident\n");
    g.rejected(
        "chore: attributes",
        &[
            "manifest-checkout-filter",
            "k8s/cm.yaml",
            ".gitattributes:1",
        ],
    );
    g.write(
        "k8s/.gitattributes",
        b"secret.yaml filter=lfs diff=lfs merge=lfs\n",
    );
    g.write(
        "k8s/secret.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s, namespace: shop}\n",
    );
    g.rejected(
        "feat: lfs",
        &["manifest-checkout-filter", "k8s/secret.yaml", "filter=lfs"],
    )
    .snapshot_code(&g.w, "manifest-checkout-filter");
}

#[test]
fn submodules_and_non_mapping_documents_are_refused_on_gated_refs() {
    let g = setup();
    let other = g.w.path("other.git");
    g.w.git_ok(
        g.w.dir.path(),
        &["init", "-q", "--bare", other.to_str().unwrap()],
    );
    // A gitlink entry, as `git submodule add` would make.
    let head = g.w.git_ok(&g.work, &["rev-parse", "HEAD"]);
    g.w.git_ok(
        &g.work,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},k8s/vendor"),
        ],
    );
    g.commit_index("feat: vendor");
    g.push_rejected(&["manifest-submodule", "k8s/vendor"])
        .snapshot_code(&g.w, "manifest-submodule");
    g.write(
        "k8s/pointer.yaml",
        b"version https://git-lfs.github.com/spec/v1\n",
    );
    g.rejected(
        "feat: pointer",
        &["manifest-invalid", "k8s/pointer.yaml", "not a mapping"],
    );
}
