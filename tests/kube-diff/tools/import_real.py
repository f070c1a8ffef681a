#!/usr/bin/env python3
"""Copy real public Kubernetes manifests from fetched bare git mirrors into
corpus/real/<source>/<path>, and write corpus/real/SOURCES.md.

Usage: import_real.py [--mirror-root /work/.mirror]

The mirrors are bare git directories (as produced by the session `fetch`
tool); files are read with `git show HEAD:<path>`. The real corpus is not
committed (fetched content stays out of commits; .gitignore): a session that
has fetched the sources listed in ../REAL_SOURCES.md runs this, then
`kubectl_decode.py --write 'real/*'`, and the differential tests cover it too.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(os.path.dirname(HERE), "corpus", "real")

# (source dir name, mirror name, repo, license, include prefixes, exclude regex)
SOURCES = [
    ("k8s-examples", "kubernetes+examples", "kubernetes/examples", "Apache-2.0",
     [""], r"^\.github/"),
    ("microservices-demo", "GoogleCloudPlatform+microservices-demo",
     "GoogleCloudPlatform/microservices-demo", "Apache-2.0",
     ["kubernetes-manifests/", "release/", "kustomize/", "istio-manifests/"], None),
    ("kube-prometheus", "prometheus-operator+kube-prometheus",
     "prometheus-operator/kube-prometheus", "Apache-2.0",
     ["manifests/", "examples/"], None),
    ("kustomize", "kubernetes-sigs+kustomize", "kubernetes-sigs/kustomize",
     "Apache-2.0", ["examples/"], None),
    ("istio", "istio+istio", "istio/istio", "Apache-2.0", ["samples/"], None),
    ("flux2-kustomize-helm-example", "fluxcd+flux2-kustomize-helm-example",
     "fluxcd/flux2-kustomize-helm-example", "Apache-2.0",
     ["apps/", "infrastructure/", "clusters/"], None),
    ("gateway-api", "kubernetes-sigs+gateway-api", "kubernetes-sigs/gateway-api",
     "Apache-2.0", ["examples/", "hack/invalid-examples/", "conformance/tests/"], None),
    ("ingress-nginx", "kubernetes+ingress-nginx", "kubernetes/ingress-nginx",
     "Apache-2.0", ["deploy/", "docs/examples/"], None),
    ("metrics-server", "kubernetes-sigs+metrics-server",
     "kubernetes-sigs/metrics-server", "Apache-2.0", ["manifests/"], None),
]

MAX_BYTES = 512 * 1024
EXT = re.compile(r"\.(ya?ml|json)$")
KUSTOMIZATION = re.compile(r"(^|/)kustomization\.ya?ml$", re.I)
API = re.compile(rb'(^|\n)\s*("?apiVersion"?)\s*:')
KIND = re.compile(rb'(^|\n)\s*("?kind"?)\s*:')


def git(gitdir, *args):
    return subprocess.run(["git", "--git-dir", gitdir, *args], check=True,
                          capture_output=True).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror-root", default="/work/.mirror")
    a = ap.parse_args()
    lines = ["# Sources of corpus/real", "",
             "Files were copied byte for byte from the newest commit of each "
             "repository at the time of import (`tools/import_real.py`). "
             "Selection: `.yaml`/`.yml`/`.json` under the listed paths, containing "
             "top-level-looking `apiVersion:` and `kind:` keys, no `{{` (Helm/Go "
             "templates), not `kustomization.yaml`, at most 512 KiB.", "",
             "| folder | repository | commit | paths taken | files | license |",
             "| --- | --- | --- | --- | --- | --- |"]
    total = 0
    for name, mirror, repo, lic, prefixes, excl in SOURCES:
        gitdir = os.path.join(a.mirror_root, mirror, "repo")
        if not os.path.isdir(gitdir):
            print(f"missing mirror {gitdir}", file=sys.stderr)
            continue
        commit = git(gitdir, "rev-parse", "HEAD").decode().strip()
        listing = git(gitdir, "ls-tree", "-r", "-l", "HEAD").decode().splitlines()
        n = 0
        for row in listing:
            meta, path = row.split("\t", 1)
            mode, typ, sha, size = meta.split()
            if typ != "blob" or not size.isdigit() or int(size) > MAX_BYTES:
                continue
            if not EXT.search(path) or KUSTOMIZATION.search(path):
                continue
            if not any(path.startswith(p) for p in prefixes):
                continue
            if excl and re.search(excl, path):
                continue
            data = git(gitdir, "cat-file", "blob", sha)
            if b"{{" in data or not API.search(data) or not KIND.search(data):
                continue
            dest = os.path.join(REAL, name, path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(data)
            n += 1
        total += n
        lines.append(f"| `{name}/` | https://github.com/{repo} | `{commit}` | "
                     f"{', '.join('`'+(p or '(whole repo, minus .github/)')+'`' for p in prefixes)} | {n} | {lic} |")
        print(f"{name}: {n}")
    lines += ["", f"Total: {total} files.", "",
              "All listed repositories carry an Apache License 2.0 `LICENSE` file "
              "at the recorded commit. `argoproj/argocd-example-apps` was looked at "
              "but not used: it has no LICENSE file.", ""]
    with open(os.path.join(REAL, "SOURCES.md"), "w") as f:
        f.write("\n".join(lines))
    print("total", total)


if __name__ == "__main__":
    main()
