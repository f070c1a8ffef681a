#!/usr/bin/env python3
"""One-off importer that built the library cases under ../cases from local
git mirrors (bare repositories).  Kept for provenance and re-imports:

    python3 tools/import_libs.py MIRROR_ROOT

MIRROR_ROOT holds <owner>+<name>/repo bare git directories of the
libraries listed in LIBS.  Policy files are copied byte for byte; input
documents are copied (library fixtures) or generated (gatekeeper review
objects, List items split into documents, the shared Kubernetes zoo).
"""

import json
import os
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(os.path.dirname(HERE), "cases")
sys.path.insert(0, HERE)

from k8s_zoo import ZOO  # noqa: E402

LIBS = {
    "conftest": ("open-policy-agent/conftest", "Apache-2.0"),
    "gatekeeper": ("open-policy-agent/gatekeeper-library", "Apache-2.0"),
    "rhcop": ("redhat-cop/rego-policies", "Apache-2.0"),
    "deprek8ion": ("swade1987/deprek8ion", "MIT"),
    "konstraint": ("plexsystems/konstraint", "MIT"),
}


class Repo:
    def __init__(self, root, slug):
        self.slug = slug
        self.git = os.path.join(root, slug.replace("/", "+"), "repo")
        self.commit = self.run("rev-parse", "HEAD").strip()
        self.files = self.run("ls-tree", "-r", "--name-only", "HEAD").splitlines()

    def run(self, *args):
        return subprocess.run(
            ["git", "--git-dir", self.git, *args], check=True, capture_output=True
        ).stdout.decode()

    def show(self, path):
        return subprocess.run(
            ["git", "--git-dir", self.git, "show", "HEAD:" + path], check=True, capture_output=True
        ).stdout

    def under(self, prefix, exts=None):
        out = [f for f in self.files if f.startswith(prefix.rstrip("/") + "/")]
        if exts:
            out = [f for f in out if f.endswith(exts)]
        return out


def write(case, rel, data):
    p = os.path.join(CASES, case, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(p, "wb") as f:
        f.write(data)


def case_json(case, repo, path, lic, namespaces="all", combine=False, notes=""):
    meta = {
        "namespaces": namespaces,
        "combine": combine,
        "source": "github:%s@%s %s" % (repo.slug, repo.commit, path),
        "license": lic,
        "notes": notes,
    }
    write(case, "case.json", json.dumps(meta, indent=1) + "\n")


def copy_tree(repo, case, src_prefix, dest, exts=(".rego",)):
    n = 0
    for f in repo.under(src_prefix, exts):
        write(case, dest + "/" + f[len(src_prefix.rstrip("/")) + 1:], repo.show(f))
        n += 1
    return n


def dump_docs(docs):
    return yaml.safe_dump_all(docs, sort_keys=False, default_flow_style=False)


def write_zoo(case, names=None):
    for name, doc in ZOO.items():
        if names is None or name in names:
            write(case, "docs/zoo/%s.yaml" % name, dump_docs([doc]))


# ------------------------------------------------------------------ conftest


def import_conftest(repo, lic):
    ex = "examples/"
    simple = {
        # case: (policy prefix, [doc files], data prefix or None, combine, namespaces, zoo)
        "cf-kubernetes": ("examples/kubernetes/policy", ["examples/kubernetes/deployment.yaml", "examples/kubernetes/service.yaml", "examples/kubernetes/deployment+service.yaml"], None, False, "all", True),
        "cf-kubernetes-combine": ("examples/kubernetes/combine", ["examples/kubernetes/combine/combine.yaml"], None, True, "all", False),
        "cf-exceptions": ("examples/exceptions/policy", ["examples/exceptions/deployments.yaml"], None, False, ["main"], True),
        "cf-data": ("examples/data/policy", ["examples/data/service.yaml"], "examples/data/exclusions", False, ["main"], True),
        "cf-combine": ("examples/combine/policy", ["examples/combine/team.yaml", "examples/combine/user1.yaml", "examples/combine/user2.yaml"], None, True, ["main"], False),
        "cf-combine-users": ("examples/combine/policy", ["examples/combine/team.yaml", "examples/combine/users.yaml"], None, True, ["main"], False),
        "cf-compose": ("examples/compose/policy", ["examples/compose/docker-compose.yml", "examples/compose/docker-compose-valid.yml"], None, False, ["main"], False),
        "cf-serverless": ("examples/serverless/policy", ["examples/serverless/serverless.yaml"], None, False, ["main"], False),
        "cf-awssam": ("examples/awssam/policy", ["examples/awssam/lambda.yaml"], None, False, ["main"], False),
        "cf-kustomize": ("examples/kustomize/policy", ["examples/kustomize/configMap.yaml", "examples/kustomize/deployment.yaml", "examples/kustomize/kustomization.yaml", "examples/kustomize/service.yaml"], None, False, ["main"], False),
        "cf-strict-rules": ("examples/strict-rules/policy", ["examples/kubernetes/deployment.yaml"], None, False, ["main"], False),
        "cf-cyclonedx": ("examples/cyclonedx/policy", ["examples/cyclonedx/cyclonedx.json"], None, False, ["main"], False),
        "cf-report": ("examples/report/policy", ["examples/kubernetes/deployment.yaml", "examples/kubernetes/service.yaml"], None, False, ["main"], False),
        "cf-report-print": ("examples/report/policy_print", ["examples/kubernetes/deployment.yaml"], None, False, ["main"], False),
        "cf-configfile": ("examples/configfile/test", ["examples/configfile/deployment.yaml"], None, False, "all", True),
        "cf-t-annotations": ("tests/annotations/policy", ["tests/annotations/service.yaml"], "tests/annotations/exclusions", False, ["main"], False),
        "cf-t-builtin-errors": ("tests/builtin-errors/policy", [], None, False, ["main"], False),
        "cf-t-document": ("tests/document/policy", [], None, False, "all", True),
        "cf-t-multidir": ("tests/multidir", ["tests/multidir/data.json"], None, False, "all", False),
        "cf-t-nested": ("tests/nested/policy", ["tests/nested/data.json"], None, False, "all", False),
        "cf-t-rego-version": ("tests/rego-version/policy", ["tests/rego-version/data.yaml"], None, False, ["main"], False),
        "cf-t-return-multiple-failures": ("tests/return-multiple-failures", ["tests/return-multiple-failures/file.json"], None, False, ["main"], False),
        "cf-t-source-location": ("tests/source-location/policy", ["tests/source-location/loc_same_file.yaml", "tests/source-location/loc_different_file.yaml"], None, False, ["main"], False),
        "cf-t-multitype": ("tests/multitype/policy", ["tests/multitype/deployment.yaml"], None, False, "all", True),
    }
    total = 0
    for case, (pol, docs, data, combine, ns, zoo) in simple.items():
        total += copy_tree(repo, case, pol, "policy")
        for d in docs:
            write(case, "docs/" + os.path.basename(d), repo.show(d))
        if data:
            copy_tree(repo, case, data, "data", (".yaml", ".yml", ".json"))
        if zoo:
            write_zoo(case)
        notes = "conftest %s; docs: %s" % (pol, ", ".join(docs) or "generated")
        if zoo:
            notes += " + generated Kubernetes zoo (docs/zoo)"
        case_json(case, repo, pol, lic, ns, combine, notes)
    # problematic-if: one case per file, as in tests/problematic-if/test.bats
    for f in ("invalid", "valid", "valid_bare_deny"):
        case = "cf-t-problematic-if-" + f.replace("_", "-")
        write(case, "policy/%s.rego" % f, repo.show("tests/problematic-if/policy/%s.rego" % f))
        write(case, "docs/data.yaml", repo.show("tests/problematic-if/data.yaml"))
        case_json(case, repo, "tests/problematic-if/policy/%s.rego" % f, lic, ["main"], False,
                  "conftest tests/problematic-if: %s.rego alone" % f)
        total += 1
    for case in ("cf-t-problematic-if-invalid", "cf-t-problematic-if-valid", "cf-t-problematic-if-valid-bare-deny",
                 "cf-t-rego-version"):
        write(case, "docs/generated.yaml", dump_docs([{"bar": "baz"}, {"bar": "qux"}, {}]))
    # builtin-errors and document tests have inline test inputs only
    write("cf-t-builtin-errors", "docs/fields.yaml", dump_docs([{"test_field": 123}, {"test_field": "123"}, {"other": 1}]))
    return total


# ---------------------------------------------------------------- gatekeeper


def review(obj, operation="CREATE"):
    if obj.get("kind") == "AdmissionReview" and isinstance(obj.get("request"), dict):
        r = dict(obj["request"])
        o = r.get("object") or r.get("oldObject") or {}
        base = review(o, r.get("operation", operation))
        base.update(r)
        return base
    api = obj.get("apiVersion", "v1")
    group, _, version = api.rpartition("/")
    meta = obj.get("metadata") or {}
    r = {
        "kind": {"group": group, "version": version, "kind": obj.get("kind", "")},
        "name": meta.get("name", ""),
        "operation": operation,
        "object": obj,
    }
    if "namespace" in meta:
        r["namespace"] = meta["namespace"]
    return r


def add_inventory(inv, obj):
    meta = obj.get("metadata") or {}
    api, kind, name = obj.get("apiVersion", "v1"), obj.get("kind", ""), meta.get("name", "")
    if meta.get("namespace"):
        node = inv.setdefault("namespace", {}).setdefault(meta["namespace"], {})
    else:
        node = inv.setdefault("cluster", {})
    node.setdefault(api, {}).setdefault(kind, {})[name] = obj


def import_gatekeeper(repo, lic):
    total = 0
    dirs = sorted({"/".join(f.split("/")[:3]) for f in repo.under("src", (".rego",)) if f.count("/") >= 3})
    for d in dirs:
        group, name = d.split("/")[1:3]
        if group == "rego":
            case = "gk-lib-" + name
        else:
            case = "gk-%s%s" % ("psp-" if group == "pod-security-policy" else "", name)
        n = copy_tree(repo, case, d, "policy")
        total += n
        lib = "library/%s/%s" % (group, name)
        suite_path = lib + "/suite.yaml"
        ndocs = 0
        inventory = {}
        if suite_path in repo.files:
            suite = yaml.safe_load(repo.show(suite_path))
            for test in suite.get("tests") or []:
                cpath = test.get("constraint")
                params = {}
                if cpath and (lib + "/" + cpath) in repo.files:
                    c = yaml.safe_load(repo.show(lib + "/" + cpath))
                    params = ((c or {}).get("spec") or {}).get("parameters") or {}
                docs = []
                for tc in test.get("cases") or []:
                    op = "CREATE"
                    if tc.get("operation"):
                        op = tc["operation"]
                    opath = tc.get("object")
                    if not opath or (lib + "/" + opath) not in repo.files:
                        continue
                    for obj in yaml.safe_load_all(repo.show(lib + "/" + opath)):
                        if obj:
                            docs.append({"parameters": params, "review": review(obj, op)})
                    for ipath in tc.get("inventory") or []:
                        if (lib + "/" + ipath) in repo.files:
                            for obj in yaml.safe_load_all(repo.show(lib + "/" + ipath)):
                                if obj:
                                    add_inventory(inventory, obj)
                if docs:
                    write(case, "docs/%s.yaml" % test.get("name", "test"), dump_docs(docs))
                    ndocs += len(docs)
        if inventory:
            # gatekeeper's referential data, loaded with --data at data.inventory
            write(case, "data/inventory/inventory.json", json.dumps(inventory, indent=1, sort_keys=True) + "\n")
        if ndocs == 0:
            # library helpers: review a few zoo objects with empty parameters
            docs = [{"parameters": {}, "review": review(o)} for k, o in sorted(ZOO.items())[:6]]
            write(case, "docs/zoo-reviews.yaml", dump_docs(docs))
        ns = "all"
        if group == "rego":
            ns = ["lib.exclude_update" if "update" in name else "lib.exempt_container"]
        case_json(case, repo, d, lic, ns, False,
                  "gatekeeper %s; docs generated from %s (input.review from each sample object, input.parameters from the sample constraint's spec.parameters)" % (d, suite_path if ndocs else "the Kubernetes zoo"))
    return total


# ------------------------------------------------------------------- rhcop


def import_rhcop(repo, lic):
    total = 0
    groups = {
        "rhcop-ocp-bestpractices": ("policy/ocp/bestpractices", False),
        "rhcop-ocp-deprecated": ("policy/ocp/deprecated", False),
        "rhcop-ocp-requiresinventory": ("policy/ocp/requiresinventory", False),
        "rhcop-combine": ("policy/combine", True),
        "rhcop-podman": ("policy/podman", False),
    }
    for case, (g, combine) in groups.items():
        n = copy_tree(repo, case, g, "policy/" + g[len("policy/"):])
        n += copy_tree(repo, case, "policy/lib", "policy/lib")
        total += n
        fixtures = [f for f in repo.under(g, (".yml", ".yaml", ".json")) if "/test_data/unit/" in f]
        for f in fixtures:
            doc = yaml.safe_load(repo.show(f))
            items = doc.get("items") if isinstance(doc, dict) and doc.get("kind") == "List" else None
            rel = f[len(g) + 1:].replace("/test_data/unit/", "--").replace("/", "--")
            if items is not None:
                # _test/conftest-unittests.sh splits List items into files
                write(case, "docs/" + rel, dump_docs(items))
            else:
                write(case, "docs/" + rel, repo.show(f))
        case_json(case, repo, g + " + policy/lib", lic, "all", combine,
                  "redhat-cop %s with policy/lib; docs: test_data/unit fixtures, List items split into documents as _test/conftest-unittests.sh does" % g)
    return total


def import_deprek8ion(repo, lic):
    case = "deprek8ion"
    n = copy_tree(repo, case, "policies", "policy")
    write(case, "docs/demo-ingress.yaml", repo.show("demo/ingress.yaml"))
    write_zoo(case)
    case_json(case, repo, "policies", lic, ["main"], False,
              "all policies/*.rego in package main; docs: demo/ingress.yaml + generated Kubernetes zoo (deprecated apiVersions included)")
    return n


def import_konstraint(repo, lic):
    case = "konstraint-examples"
    n = copy_tree(repo, case, "examples", "policy")
    write_zoo(case)
    write(case, "docs/gatekeeper-reviews.yaml",
          dump_docs([{"parameters": {}, "review": review(o)} for k, o in sorted(ZOO.items())]))
    case_json(case, repo, "examples", lic, "all", False,
              "konstraint examples/ (lib + policies); docs: generated Kubernetes zoo, plain and wrapped as gatekeeper reviews")
    return n


def main():
    root = sys.argv[1]
    counts = {}
    for key, fn in (("conftest", import_conftest), ("gatekeeper", import_gatekeeper), ("rhcop", import_rhcop),
                    ("deprek8ion", import_deprek8ion), ("konstraint", import_konstraint)):
        slug, lic = LIBS[key]
        repo = Repo(root, slug)
        counts[key] = (repo.commit, fn(repo, lic))
    for k, (c, n) in counts.items():
        print("%s %s %d policy files" % (k, c, n))


if __name__ == "__main__":
    main()
