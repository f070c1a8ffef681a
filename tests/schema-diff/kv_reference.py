#!/usr/bin/env python3
"""Differential reference for schema verdicts: what does kubernetes-validate say?

    kv_reference.py --write    compute every verdict, store expected.json
    kv_reference.py --check    recompute, compare with expected.json, exit 1 on mismatch

kubernetes-validate (PyPI, pinned below) validates with Python's
`jsonschema` against the same JSON Schema form of the Kubernetes OpenAPI
definitions kubeconform reads (yannh/kubernetes-json-schema), strict or
not; kubeconform itself is a Go binary that cannot be built here (see
kubeconform/README.md for its own fixtures and verdicts).

The documents judged are the ones kubectl decodes from each corpus file
(`kubectl label --local -o json`, as tests/kube-diff does), so the verdicts
compare schema semantics, not YAML readers; a `List` is its items, as
kubectl applies them. A file kubectl cannot decode is recorded as such.

For every document and every mode in MODES the verdict is one of
    {"verdict": "pass"}
    {"verdict": "fail", "path": "spec.replicas", "message": "..."}
    {"verdict": "no-schema"}
and expected.json maps each corpus-relative file to
    {"objects": N, "modes": {"1.33": [...], "1.33-strict": [...]}}
or {"kubectl_error": "..."}.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile

PINNED = "1.37.0"
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
EXPECTED = os.path.join(HERE, "expected.json")
# corpus/real/ is fetched in a session and never committed (the tool
# library's rule); its verdicts go beside it, also uncommitted.
EXPECTED_REAL = os.path.join(HERE, "expected-real.json")
MODES = [("1.25", False), ("1.33", False), ("1.33", True), ("1.37", True)]
PROBE = "pushgate-diff-probe"


def mode_name(version, strict):
    return version + ("-strict" if strict else "")


def corpus_files():
    out = []
    for root, dirs, files in os.walk(CORPUS):
        dirs.sort()
        for f in files:
            if f.endswith((".yaml", ".yml", ".json")):
                out.append(os.path.relpath(os.path.join(root, f), CORPUS).replace(os.sep, "/"))
    return sorted(out)


def strip_probe(obj):
    md = obj.get("metadata")
    if isinstance(md, dict) and isinstance(md.get("labels"), dict):
        md["labels"].pop(PROBE, None)
        if not md["labels"]:
            del md["labels"]
        if not md:
            del obj["metadata"]
    return obj


def kubectl_decode(kubectl, rel):
    """The objects kubectl decodes from a corpus file, or its error."""
    with tempfile.TemporaryDirectory(prefix="schema-diff-") as tmp:
        path = os.path.join(tmp, os.path.basename(rel))
        shutil.copyfile(os.path.join(CORPUS, rel), path)
        env = dict(os.environ, KUBECONFIG=os.path.join(tmp, "none"), LC_ALL="C")
        p = subprocess.run([kubectl, "label", "--local", "-o", "json", "-f", path, f"{PROBE}=1"],
                           capture_output=True, timeout=30, env=env, cwd=tmp)
        if p.returncode != 0:
            line = next((l for l in p.stderr.decode("utf-8", "replace").splitlines() if l.strip()), "")
            return None, line.replace(tmp + "/", "")
        text = p.stdout.decode("utf-8", "replace")
        objs, i, dec = [], 0, json.JSONDecoder()
        while True:
            while i < len(text) and text[i] in " \t\r\n":
                i += 1
            if i >= len(text):
                break
            o, i = dec.raw_decode(text, i)
            if o.get("kind") == "List" and o.get("apiVersion") == "v1" and isinstance(o.get("items"), list):
                objs.extend(o["items"])
            else:
                objs.append(o)
        return [strip_probe(o) for o in objs], None


def verdict(kv, doc, version, strict):
    try:
        kv.validate(doc, version, strict)
        return {"verdict": "pass"}
    except kv.ValidationError as e:
        return {"verdict": "fail", "path": ".".join(str(p) for p in e.path), "message": e.message[:200]}
    except kv.SchemaNotFoundError:
        return {"verdict": "no-schema"}
    except Exception as e:  # a missing apiVersion/kind, and the like
        return {"verdict": "no-schema", "error": f"{type(e).__name__}: {e}"[:200]}


def compute():
    try:
        import kubernetes_validate.utils as kv
        from kubernetes_validate.version import __version__
    except ImportError:
        sys.exit(f"kv_reference.py: kubernetes-validate is not installed (pip install kubernetes-validate=={PINNED})")
    if __version__ != PINNED:
        sys.exit(f"kv_reference.py: kubernetes-validate {__version__} is installed; expected.json was made with {PINNED}")
    kubectl = os.environ.get("KUBECTL") or shutil.which("kubectl")
    if not kubectl:
        sys.exit("kv_reference.py: kubectl is not installed; it decodes the corpus as it would be applied")
    files = corpus_files()
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        decoded = list(ex.map(lambda rel: kubectl_decode(kubectl, rel), files))
    out = {}
    for rel, (objs, err) in zip(files, decoded):
        if objs is None:
            out[rel] = {"kubectl_error": err}
            continue
        out[rel] = {
            "objects": len(objs),
            "modes": {mode_name(v, s): [verdict(kv, o, v, s) for o in objs] for v, s in MODES},
        }
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", action="store_true")
    g.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    computed = compute()
    split = {
        EXPECTED: {k: v for k, v in computed.items() if not k.startswith("real/")},
        EXPECTED_REAL: {k: v for k, v in computed.items() if k.startswith("real/")},
    }
    if args.write:
        for path, part in split.items():
            if part or path == EXPECTED:
                with open(path, "w") as f:
                    f.write(json.dumps(part, indent=1, sort_keys=True) + "\n")
                print(f"kv_reference.py: {len(part)} files written to {os.path.basename(path)}")
        return 0
    result, stored = {}, {}
    for path, part in split.items():
        if os.path.exists(path):
            with open(path) as f:
                stored.update(json.load(f))
            result.update(part)
    bad = [k for k in sorted(set(stored) | set(result)) if stored.get(k) != result.get(k)]
    for k in bad[:20]:
        print(f"MISMATCH {k}:\n  stored   {json.dumps(stored.get(k))[:300]}\n  computed {json.dumps(result.get(k))[:300]}")
    if bad:
        print(f"kv_reference.py: {len(bad)} of {len(result)} files differ from expected.json; rerun --write if the corpus changed")
        return 1
    print(f"kv_reference.py: {len(result)} files agree with expected.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
