//! kustomize overlays rendered before policy, on real pushes with the real
//! kubectl: what ships is the overlay's output, so a patch that turns on
//! `privileged` is rejected though no raw file says so; a kustomization
//! that does not build is rejected with kustomize's words; a renderer that
//! is not installed is a configuration error.

use std::path::PathBuf;

use crate::support::*;

const BASE: &str = "apiVersion: apps/v1
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

/// A JSON patch: a list of operations, not a manifest, so no raw file of
/// the push carries `privileged: true`.
const PRIVILEGED: &str = "- op: add
  path: /spec/template/spec/containers/0/securityContext
  value: {privileged: true}
";

fn config(render: &str) -> String {
    format!(
        "version: 1
manifests:
  include: [\"**/*.yaml\"]
{render}policies:
  - path: {}/policies/kubernetes
    manifest_namespaces: [pushgate.kubernetes]
",
        env!("CARGO_MANIFEST_DIR")
    )
}

const RENDER: &str = "  render:
    - match: \"overlays/*/kustomization.yaml\"
      with: kustomize
";

fn site(render: &str) -> (World, PathBuf) {
    let w = World::new();
    w.server(&config(render));
    let work = w.clone("work");
    w.commit(&work, "base/deploy.yaml", BASE, "base");
    w.commit(
        &work,
        "base/kustomization.yaml",
        "resources: [deploy.yaml]\n",
        "base",
    );
    (w, work)
}

fn overlay(w: &World, work: &std::path::Path, patch: &str) {
    w.commit(work, "overlays/prod/patch.yaml", patch, "patch");
    w.commit(
        work,
        "overlays/prod/kustomization.yaml",
        "resources: [../../base]\npatches:\n  - path: patch.yaml\n    target: {kind: Deployment, name: web}\n",
        "overlay",
    );
}

#[test]
fn a_patch_that_turns_on_privileged_is_rejected_as_rendered() {
    let (w, work) = site(RENDER);
    overlay(&w, &work, "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: registry.example.com/web:1.2.4\n");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.commit(&work, "overlays/prod/patch.yaml", PRIVILEGED, "privileged");
    w.push(&work, None, &["origin", "main"])
        .snapshot_code(&w, "render-privileged")
        .assert_rejected()
        .assert_says("error[pushgate.kubernetes.deny_privileged] overlays/prod/kustomization.yaml (from base/deploy.yaml):")
        .assert_says("runs privileged");
}

#[test]
fn a_kustomization_that_does_not_build_is_rejected_with_kustomizes_words() {
    let (w, work) = site(RENDER);
    w.commit(
        &work,
        "overlays/prod/kustomization.yaml",
        "resources: [../../base, missing.yaml]\n",
        "broken",
    );
    w.push(&work, None, &["origin", "main"])
        .snapshot_code(&w, "render-failed")
        .assert_rejected()
        .assert_says("error[render-failed] overlays/prod/kustomization.yaml:")
        .assert_says("missing.yaml");
}

#[test]
fn a_renderer_that_is_not_installed_is_a_configuration_error() {
    let w = World::new();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    let cfg = config(&format!(
        "{RENDER}  renderers:\n    kustomize: [no-such-kubectl-here, kustomize]\n"
    ));
    std::fs::write(server.join("pushgate.yaml"), cfg).unwrap();
    w.config_check(&server)
        .assert_exit(2)
        .assert_says("runs `no-such-kubectl-here`, which is not installed");
}

/// The renderer, wrapped to log what it renders: the `render:` config, and
/// the log (kept alive by the returned world).
fn logged(probe: &World) -> (String, PathBuf) {
    let log = probe.path("rendered.log");
    let wrapper = probe.path("kustomize-logged");
    probe.script(
        &wrapper,
        &format!(
            "#!/bin/sh\necho \"$1\" >> {}\nexec kubectl kustomize \"$1\"\n",
            log.display()
        ),
    );
    (
        format!(
            "{RENDER}  renderers:\n    kustomize: [{}]\n",
            wrapper.display()
        ),
        log,
    )
}

#[test]
fn only_the_roots_an_update_touches_are_rendered() {
    let probe = World::new();
    let (render, log) = logged(&probe);
    let (w, work) = site(&render);
    for env in ["prod", "staging"] {
        w.commit(
            &work,
            &format!("overlays/{env}/kustomization.yaml"),
            "resources: [../../base]\nnamespace: shop\nconfigMapGenerator:\n  - name: settings\n    files: [app.properties=ENV.properties]\n"
                .replace("ENV", env)
                .as_str(),
            env,
        );
        w.commit(
            &work,
            &format!("overlays/{env}/{env}.properties"),
            "mode=fast\n",
            env,
        );
    }
    w.push(&work, None, &["origin", "main"]).assert_ok();
    let rendered = || {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        std::fs::remove_file(&log).ok();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    assert_eq!(rendered(), ["overlays/prod", "overlays/staging"]);
    // A file only staging's generator reads.
    w.commit(
        &work,
        "overlays/staging/staging.properties",
        "mode=slow\n",
        "staging",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
    assert_eq!(rendered(), ["overlays/staging"]);
    // The base both use.
    w.commit(
        &work,
        "base/deploy.yaml",
        &BASE.replace("1.2.3", "1.2.4"),
        "base",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
    assert_eq!(rendered(), ["overlays/prod", "overlays/staging"]);
    // Nothing either reads.
    w.commit(&work, "docs/readme.yaml", "note: hello\n", "docs");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    assert!(rendered().is_empty());
}

#[test]
fn validate_renders_as_the_gate_does_and_leaves_the_checkout_alone() {
    let (w, work) = site(RENDER);
    overlay(&w, &work, PRIVILEGED);
    let cfg = w.path("pushgate.yaml");
    std::fs::write(&cfg, config(RENDER)).unwrap();
    let kustomization = work.join("overlays/prod/kustomization.yaml");
    let before = std::fs::read_to_string(&kustomization).unwrap();
    let out = w.pushgate(&work, &["validate", "--config", cfg.to_str().unwrap(), "."]);
    out.assert_exit(1)
        .assert_says("overlays/prod/kustomization.yaml (document 0) (from base/deploy.yaml) - pushgate.kubernetes.deny_privileged");
    // The patch is the renderer's input, not a manifest to judge.
    assert!(!out.stdout.contains("patch.yaml"), "{}", out.stdout);
    assert_eq!(std::fs::read_to_string(&kustomization).unwrap(), before);
}

#[test]
fn a_kustomization_under_another_of_its_names_is_still_a_root() {
    let (w, work) = site(RENDER);
    overlay(&w, &work, "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: registry.example.com/web:1.2.4\n");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    // kustomize builds the directory from `Kustomization` just the same.
    w.git_ok(
        &work,
        &[
            "mv",
            "overlays/prod/kustomization.yaml",
            "overlays/prod/Kustomization",
        ],
    );
    w.commit(&work, "overlays/prod/patch.yaml", PRIVILEGED, "privileged");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pushgate.kubernetes.deny_privileged] overlays/prod/Kustomization (from base/deploy.yaml):");
}

#[test]
fn a_base_changed_or_deleted_behind_the_roots_back_is_rendered() {
    // The base is named through a symlinked directory: the change is to
    // the link's target.
    let probe = World::new();
    let (render, log) = logged(&probe);
    let (w, work) = site(&render);
    std::fs::create_dir(work.join("real")).unwrap();
    w.git_ok(&work, &["mv", "base", "real/base"]);
    std::os::unix::fs::symlink("real", work.join("x")).unwrap();
    w.git_ok(&work, &["add", "-A"]);
    w.git_ok(&work, &["commit", "-qm", "linked base"]);
    overlay(&w, &work, "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: registry.example.com/web:1.2.4\n");
    w.commit(
        &work,
        "overlays/prod/kustomization.yaml",
        "resources: [../../x/base]\npatches:\n  - path: patch.yaml\n    target: {kind: Deployment, name: web}\n",
        "through the link",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
    std::fs::remove_file(&log).ok();
    w.commit(
        &work,
        "real/base/deploy.yaml",
        &BASE.replace("1.2.3", "1.2.5"),
        "base",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
    assert!(std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("overlays/prod"));

    // A base deleted: the overlay no longer builds, so it does not deploy.
    let (w, work) = site(RENDER);
    overlay(&w, &work, "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: registry.example.com/web:1.2.4\n");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.git_ok(&work, &["rm", "-rq", "base"]);
    w.git_ok(&work, &["commit", "-qm", "no base"]);
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[render-failed] overlays/prod/kustomization.yaml");
}

#[test]
fn a_components_patch_is_a_fragment_but_a_manifest_named_as_a_patch_is_still_judged() {
    let schemas = format!("{RENDER}  schemas:\n    kubernetes: \"1.33\"\n");
    let (w, work) = site(&schemas);
    let base = BASE.replace(
        "  template:\n    spec:",
        "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:",
    );
    w.commit(&work, "base/deploy.yaml", &base, "base with a selector");
    // A strategic-merge patch in a component: half a Deployment.
    w.commit(
        &work,
        "components/replicas/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: replicas.yaml\n",
        "component",
    );
    w.commit(
        &work,
        "components/replicas/replicas.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 4\n",
        "component",
    );
    w.commit(
        &work,
        "overlays/prod/kustomization.yaml",
        "resources: [../../base]\ncomponents: [../../components/replicas]\n",
        "overlay",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
    // A real manifest outside any kustomization's directory, named as a
    // patch by an overlay: a controller applying apps/ applies it whole.
    w.commit(
        &work,
        "apps/evil.yaml",
        &BASE.replace("name: web", "name: evil").replace(
            "resources:",
            "securityContext: {privileged: true}\n          resources:",
        ),
        "evil",
    );
    w.commit(
        &work,
        "overlays/prod/kustomization.yaml",
        "resources: [../../base]\ncomponents: [../../components/replicas]\npatches:\n  - path: ../../apps/evil.yaml\n",
        "overlay",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("apps/evil.yaml");
}

/// A privileged Deployment: rejected by the baseline wherever it is judged.
fn evil() -> String {
    BASE.replace("name: web", "name: evil").replace(
        "resources:",
        "securityContext: {privileged: true}\n          resources:",
    )
}

#[test]
fn files_below_a_roots_directory_or_hidden_as_patches_are_still_judged() {
    // Below a root's directory, named by nothing: a controller pointed at
    // overlays/prod/extra applies it as it is.
    let (w, work) = site(RENDER);
    overlay(&w, &work, "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: registry.example.com/web:1.2.4\n");
    w.commit(&work, "overlays/prod/extra/evil.yaml", &evil(), "evil");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pushgate.kubernetes.deny_privileged] overlays/prod/extra/evil.yaml:");

    // A root at the top of the tree exempts the top directory only.
    let (w, work) =
        site("  render:\n    - match: \"**/kustomization.yaml\"\n      with: kustomize\n");
    w.commit(&work, "Kustomization", "resources: []\n", "an empty root");
    w.commit(&work, "apps/evil.yaml", &evil(), "evil");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pushgate.kubernetes.deny_privileged] apps/evil.yaml:");

    // Named as a patch that matches nothing, and as a resource of a
    // kustomization that builds it whole.
    let (w, work) = site(RENDER);
    w.commit(
        &work,
        "base/team/kustomization.yaml",
        "resources: [evil.yaml]\n",
        "team",
    );
    w.commit(&work, "base/team/evil.yaml", &evil(), "evil");
    w.commit(
        &work,
        "base/kustomization.yaml",
        "resources: [deploy.yaml]\npatches:\n  - path: team/evil.yaml\n    target: {kind: ConfigMap, name: nothing}\n",
        "base",
    );
    overlay(&w, &work, "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: registry.example.com/web:1.2.4\n");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pushgate.kubernetes.deny_privileged] base/team/evil.yaml:");
}

#[test]
fn field_names_in_any_case_and_other_kustomizations_building_a_roots_files() {
    let (w, work) = site(RENDER);
    w.commit(
        &work,
        "base/team/kustomization.yaml",
        "Resources: [evil.yaml]\n",
        "team",
    );
    w.commit(&work, "base/team/evil.yaml", &evil(), "evil");
    w.commit(
        &work,
        "base/kustomization.yaml",
        "resources: [deploy.yaml]\npatches:\n  - path: team/evil.yaml\n    target: {kind: ConfigMap, name: nothing}\n",
        "base",
    );
    overlay(&w, &work, "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: registry.example.com/web:1.2.4\n");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pushgate.kubernetes.deny_privileged] base/team/evil.yaml:");

    // A file in a root's directory that the root does not list, built by a
    // kustomization that is not a root.
    let (w, work) = site(RENDER);
    overlay(&w, &work, "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: registry.example.com/web:1.2.4\n");
    w.commit(&work, "overlays/prod/evil.yaml", &evil(), "evil");
    w.commit(
        &work,
        "overlays/kustomization.yaml",
        "resources: [prod/evil.yaml]\n",
        "not a root",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[pushgate.kubernetes.deny_privileged] overlays/prod/evil.yaml:");
}
