//! Manifests checked against Kubernetes' schemas on real pushes: a string
//! where the API takes an integer is rejected at its line; unknown fields
//! under `strict`; a custom resource against the CRD that came in the same
//! push; kinds no schema knows rejected, warned or skipped; a CRD may not
//! stand in for a built-in kind; a render root's output checked like a
//! file.

use crate::support::*;

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.2.3
";

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1, maximum: 10}
";

const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  size: 3
";

fn config(schemas: &str) -> String {
    format!("version: 1\nmanifests:\n  include: [\"**/*.yaml\"]\n  schemas:\n{schemas}")
}

fn site(schemas: &str) -> (World, std::path::PathBuf) {
    let w = World::new();
    w.server(&config(schemas));
    let work = w.clone("work");
    (w, work)
}

#[test]
fn a_string_replica_count_is_rejected_at_its_line() {
    let (w, work) = site("    kubernetes: \"1.33\"\n");
    w.commit(&work, "apps/web.yaml", DEPLOY, "web");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.commit(
        &work,
        "apps/web.yaml",
        &DEPLOY.replace("replicas: 3", "replicas: \"3\""),
        "quoted",
    );
    w.push(&work, None, &["origin", "main"])
        .snapshot_code(&w, "schema-invalid")
        .assert_rejected()
        .assert_says("error[schema-invalid] apps/web.yaml:6:3")
        .assert_says("spec.replicas: expected integer, got string");
}

#[test]
fn an_unknown_field_is_rejected_under_strict_only() {
    let typo = DEPLOY.replace(
        "          image: registry.example.com/web:1.2.3\n",
        "          image: registry.example.com/web:1.2.3\n          imagePulPolicy: Always\n",
    );
    let (w, work) = site("    kubernetes: \"1.33\"\n");
    w.commit(&work, "apps/web.yaml", &typo, "typo");
    w.push(&work, None, &["origin", "main"]).assert_ok();

    let (w, work) = site("    kubernetes: \"1.33\"\n    strict: true\n");
    w.commit(&work, "apps/web.yaml", &typo, "typo");
    w.push(&work, None, &["origin", "main"])
        .snapshot_code(&w, "schema-unknown-field")
        .assert_rejected()
        .assert_says("error[schema-unknown-field] apps/web.yaml:16:11")
        .assert_says("spec.template.spec.containers[0].imagePulPolicy: unknown field");
}

#[test]
fn a_crd_in_the_same_push_defines_its_first_custom_resource() {
    let schemas = "    kubernetes: \"1.33\"\n    strict: true\n    crds: [crds/]\n";
    let (w, work) = site(schemas);
    w.commit(&work, "crds/widget.yaml", CRD, "crd");
    w.commit(&work, "apps/widget.yaml", WIDGET, "widget");
    w.push(&work, None, &["origin", "main"]).assert_ok();

    // Invalid against the same CRD, pushed with it.
    let (w, work) = site(schemas);
    w.commit(&work, "crds/widget.yaml", CRD, "crd");
    w.commit(
        &work,
        "apps/widget.yaml",
        &WIDGET.replace("size: 3", "size: 30\n  colour: red"),
        "widget",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[schema-invalid] apps/widget.yaml:6:3")
        .assert_says("spec.size: 30 is greater than the maximum of 10")
        .assert_says("error[schema-unknown-field] apps/widget.yaml:7:3")
        .assert_says("crds/widget.yaml:1");

    // Only the CRD of the new tree counts: one on another branch does not.
    let (w, work) = site(schemas);
    w.commit(&work, "apps/web.yaml", DEPLOY, "web");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.git_ok(&work, &["checkout", "-q", "-b", "feature"]);
    w.commit(&work, "crds/widget.yaml", CRD, "crd");
    w.push(&work, None, &["origin", "feature"]).assert_ok();
    w.git_ok(&work, &["checkout", "-q", "main"]);
    w.commit(&work, "apps/widget.yaml", WIDGET, "widget");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[schema-unknown-kind] apps/widget.yaml:1");
}

#[test]
fn unknown_kinds_are_rejected_warned_or_skipped_as_configured() {
    let (w, work) = site("    kubernetes: \"1.33\"\n");
    w.commit(&work, "apps/widget.yaml", WIDGET, "widget");
    w.push(&work, None, &["origin", "main"])
        .snapshot_code(&w, "schema-unknown-kind")
        .assert_rejected()
        .assert_says("example.com/v1 Widget has no schema");

    let (w, work) = site("    kubernetes: \"1.33\"\n    unknown_kinds: warn\n");
    w.commit(&work, "apps/widget.yaml", WIDGET, "widget");
    w.push(&work, None, &["origin", "main"])
        .assert_ok()
        .assert_says("warning[schema-unknown-kind] apps/widget.yaml:1");

    let (w, work) = site("    kubernetes: \"1.33\"\n    unknown_kinds: skip\n");
    w.commit(&work, "apps/widget.yaml", WIDGET, "widget");
    let out = w.push(&work, None, &["origin", "main"]);
    out.assert_ok();
    assert!(
        !out.stderr.contains("schema-unknown-kind"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_crd_cannot_stand_in_for_a_built_in_kind() {
    // A loose "Deployment" of a CRD would let a string replica count through.
    let hijack = CRD
        .replace("group: example.com", "group: apps")
        .replace("name: widgets.example.com", "name: deployments.apps")
        .replace(
            "{kind: Widget, plural: widgets, singular: widget}",
            "{kind: Deployment, plural: deployments}",
        )
        .replace(
            "required: [size]\n",
            "x-kubernetes-preserve-unknown-fields: true\n",
        );
    let (w, work) = site("    kubernetes: \"1.33\"\n    crds: [crds/]\n");
    w.commit(&work, "crds/deploy.yaml", &hijack, "crd");
    w.commit(
        &work,
        "apps/web.yaml",
        &DEPLOY.replace("replicas: 3", "replicas: \"3\""),
        "web",
    );
    w.push(&work, None, &["origin", "main"])
        .snapshot_code(&w, "schema-crd-invalid")
        .assert_rejected()
        .assert_says("error[schema-crd-invalid] crds/deploy.yaml:1")
        .assert_says("error[schema-invalid] apps/web.yaml:6:3");
}

#[test]
fn a_render_roots_output_is_checked_like_a_file() {
    let cfg = format!(
        "{}  render:\n    - match: \"overlays/*/kustomization.yaml\"\n      with: kustomize\n",
        config("    kubernetes: \"1.33\"\n")
    );
    let w = World::new();
    w.server(&cfg);
    let work = w.clone("work");
    w.commit(&work, "base/deploy.yaml", DEPLOY, "base");
    w.commit(
        &work,
        "base/kustomization.yaml",
        "resources: [deploy.yaml]\n",
        "base",
    );
    w.commit(
        &work,
        "overlays/prod/kustomization.yaml",
        "resources: [../../base]\npatches:\n  - path: patch.yaml\n    target: {kind: Deployment, name: web}\n",
        "overlay",
    );
    w.commit(
        &work,
        "overlays/prod/patch.yaml",
        "- op: replace\n  path: /spec/replicas\n  value: 5\n",
        "patch",
    );
    w.push(&work, None, &["origin", "main"]).assert_ok();
    // No raw file has the string: the patch's output does.
    w.commit(
        &work,
        "overlays/prod/patch.yaml",
        "- op: replace\n  path: /spec/replicas\n  value: \"5\"\n",
        "patch",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[schema-invalid] overlays/prod/kustomization.yaml")
        .assert_says("spec.replicas: expected integer, got string");
}

#[test]
fn a_kubernetes_version_without_schemas_is_a_configuration_error() {
    let w = World::new();
    w.check_config(&config(
        "    kubernetes: \"1.12\"\n    unknown_kinds: ignore\n",
    ))
    .assert_exit(2)
    .assert_says("`manifests.schemas.kubernetes: 1.12` is not a Kubernetes version")
    .assert_says("`manifests.schemas.unknown_kinds: ignore` is not one of reject, warn, skip");
}

#[test]
fn a_pushed_crd_cannot_replace_the_operators_nor_the_branchs() {
    // The operator's CRDs, beside the config.
    let w = World::new();
    let server = w.path("server.git");
    std::fs::create_dir_all(server.join("opcrds")).unwrap();
    std::fs::write(server.join("opcrds/widget.yaml"), CRD).unwrap();
    w.server(&config(
        "    kubernetes: \"1.33\"\n    strict: true\n    crds: [./opcrds/, crds/]\n",
    ));
    let work = w.clone("work");
    let loose = CRD.replace(
        "              required: [size]\n              properties:\n                size: {type: integer, minimum: 1, maximum: 10}\n",
        "              x-kubernetes-preserve-unknown-fields: true\n",
    );
    // A looser definition of the same kind, pushed with a resource only it allows.
    w.commit(&work, "crds/loose.yaml", &loose, "loose");
    w.commit(
        &work,
        "apps/widget.yaml",
        &WIDGET.replace("size: 3", "size: 9000"),
        "widget",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[schema-crd-invalid] crds/loose.yaml:1")
        .assert_says(
            "defines example.com Widget again; the definition from ./opcrds/widget.yaml:1 stands",
        )
        .assert_says("error[schema-invalid] apps/widget.yaml:6:3");
    // Nor by adding a looser version beside the operator's.
    w.commit(
        &work,
        "crds/loose.yaml",
        &loose.replace("- name: v1", "- name: v2"),
        "v2",
    );
    w.commit(
        &work,
        "apps/widget.yaml",
        &WIDGET
            .replace("example.com/v1", "example.com/v2")
            .replace("size: 3", "size: 9000"),
        "widget",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[schema-crd-invalid] crds/loose.yaml:1");

    // A CRD of the branch stands against one the update brings, whatever
    // their files' order.
    let (w, work) = site("    kubernetes: \"1.33\"\n    crds: [crds/]\n");
    w.commit(&work, "crds/widget.yaml", CRD, "crd");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    w.commit(&work, "crds/a-widget.yaml", &loose, "sorts first");
    w.commit(
        &work,
        "apps/widget.yaml",
        &WIDGET.replace("size: 3", "size: 500"),
        "widget",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[schema-crd-invalid] crds/a-widget.yaml:1")
        .assert_says("error[schema-invalid] apps/widget.yaml:6:3");

    // A CRD outside `crds:` defines nothing: its kind has no schema.
    let (w, work) = site("    kubernetes: \"1.33\"\n    crds: [crds/]\n");
    w.commit(&work, "apps/crd.yaml", &loose, "crd elsewhere");
    w.commit(&work, "apps/widget.yaml", WIDGET, "widget");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[schema-unknown-kind] apps/widget.yaml:1");
}

#[test]
fn a_reserved_group_needs_the_kubernetes_projects_approval() {
    let reserved = CRD.replace("example.com", "gadgets.test.k8s.io").replace(
        "kind: Widget, plural: widgets, singular: widget",
        "kind: Gadget, plural: gadgets",
    );
    let reserved = reserved.replace(
        "name: widgets.gadgets.test.k8s.io",
        "name: gadgets.gadgets.test.k8s.io",
    );
    let gadget = WIDGET
        .replace("example.com/v1", "gadgets.test.k8s.io/v1")
        .replace("kind: Widget", "kind: Gadget");
    let schemas = "    kubernetes: \"1.33\"\n    crds: [crds/]\n";
    let (w, work) = site(schemas);
    w.commit(&work, "crds/gadget.yaml", &reserved, "crd");
    w.commit(&work, "apps/gadget.yaml", &gadget, "gadget");
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("is reserved to the Kubernetes project, and it has no api-approved.kubernetes.io annotation");

    // As Gateway API's CRDs carry it.
    let approved = reserved.replace(
        "  name: gadgets.gadgets.test.k8s.io\n",
        "  name: gadgets.gadgets.test.k8s.io\n  annotations: {api-approved.kubernetes.io: \"https://github.com/kubernetes/enhancements/pull/1111\"}\n",
    );
    let (w, work) = site(schemas);
    w.commit(&work, "crds/gadget.yaml", &approved, "crd");
    w.commit(&work, "apps/gadget.yaml", &gadget, "gadget");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    // A broken CRD already on the branch warns on pushes that do not touch it.
    w.commit(&work, "crds/gadget.yaml", &reserved, "unapproved");
    w.push(&work, None, &["origin", "main"]).assert_rejected();
    w.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);
    w.commit(&work, "apps/web.yaml", DEPLOY, "web");
    w.push(&work, None, &["origin", "main"]).assert_ok();
}

#[test]
fn a_kustomization_file_with_real_objects_is_checked() {
    let (w, work) = site("    kubernetes: \"1.33\"\n");
    w.commit(
        &work,
        "apps/kustomization.yaml",
        &DEPLOY.replace("replicas: 3", "replicas: three"),
        "not really a kustomization",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[schema-invalid] apps/kustomization.yaml:6:3");
}

#[test]
fn a_crd_conflict_is_judged_even_in_a_push_with_no_manifests() {
    // crds/ is outside the manifest globs: the push brings no document.
    let cfg = "version: 1\nmanifests:\n  include: [\"apps/**/*.yaml\"]\n  schemas:\n    kubernetes: \"1.33\"\n    crds: [crds/]\n";
    let w = World::new();
    w.server(cfg);
    let work = w.clone("work");
    w.commit(&work, "crds/widget.yaml", CRD, "crd");
    w.push(&work, None, &["origin", "main"]).assert_ok();
    let loose = CRD.replace("maximum: 10", "maximum: 100000");
    w.commit(
        &work,
        "crds/a-loose.yml",
        &loose,
        "a looser one, sorting first",
    );
    w.push(&work, None, &["origin", "main"])
        .assert_rejected()
        .assert_says("error[schema-crd-invalid] crds/a-loose.yml:1");
}
