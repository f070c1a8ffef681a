#!/usr/bin/env python3
"""Differential reference for manifest decoding: what does kubectl decode?

    kubectl_decode.py --write [GLOB...]   run kubectl on corpus files, store results
    kubectl_decode.py --check [GLOB...]   recompute, compare with stored, exit 1 on mismatch

GLOB is matched (fnmatch) against the corpus-relative path, e.g.
'edge/merge/*' or 'real/istio/**'; a plain directory prefix such as
'edge/json' also works. Without GLOB every corpus file is processed, and
--write also deletes expected files whose corpus file is gone (--check reports
them).

For each corpus file the reference is

    kubectl label --local -o json -f <copy of the file> pushgate-diff-probe=1

run on a copy in a fresh temporary directory (same basename, so the same
extension), with KUBECONFIG pointing at a file that does not exist, a 10 s
timeout, two files at a time. The result is stored in
expected/<relative path>.json as either

    {"objects": [...], "status": "ok"}      objects in kubectl's order
    {"error": "...", "status": "error"}     first line of kubectl's stderr

Normalisation (see normalise()):
  * `kubectl label -o json` prints each decoded object as its own JSON value,
    one after the other (kubectl v1.32 prints no List wrapper here, unlike
    `kubectl get`); the stream is parsed into `objects`. A v1 List wrapper
    {"apiVersion":"v1","kind":"List","items":[...],"metadata":{"resourceVersion":""}}
    is still unwrapped if one ever appears. Empty output (empty file, only
    comments, only null documents, empty List) is [].
  * the probe label pushgate-diff-probe="1" that kubectl added is removed; then
    `labels` is dropped if it became empty, then `metadata` if it became empty.
    (Known blind spot: an input `labels: {}` or `labels: null` is
    indistinguishable from no labels.)
  * error messages: the temporary path is replaced by the corpus-relative path.
Numbers are kept exactly as kubectl printed them: the JSON is parsed with
parse_int/parse_float hooks that keep the raw token text (class Num), and the
stored JSON is written by our own serializer, which emits that text verbatim.
So 1.2345678901234568e+29, 18446744073709552000 or -0 round-trip byte for
byte; nothing passes through a Python float. Output: keys sorted, 2-space
indent, ASCII-only (\\uXXXX escapes), trailing newline.

Exit codes: 0 ok, 1 mismatch (--check), 2 kubectl missing or usage error.
"""
import argparse
import concurrent.futures
import difflib
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
EXPECTED = os.path.join(HERE, "expected")
VERSION_FILE = os.path.join(EXPECTED, "KUBECTL_VERSION")
PROBE_KEY = "pushgate-diff-probe"
PROBE_VALUE = "1"
TIMEOUT_S = 10
JOBS = 2
EXTS = (".yaml", ".yml", ".json")

# Files whose kubectl result is not stable from run to run. sigs.k8s.io/yaml
# converts YAML maps with non-string keys to JSON objects by iterating a Go map
# (random order); when an int/bool key and a string key stringify to the same
# JSON key (1 and "1", true and "true") which one survives is random. For these
# --write runs kubectl WRITE_RUNS times and stores every distinct result as
# {"status": "nondeterministic", "note": ..., "variants": [...]}; --check runs
# CHECK_RUNS times and fails only on a result that is not one of the variants.
NONDETERMINISTIC = {
    "edge/keys/int_and_string_same.yaml": "keys 1 and \"1\" collide in YAML-to-JSON; the winner is random",
    "edge/keys/bool_and_string_same.yaml": "keys true and \"true\" collide in YAML-to-JSON; the winner is random",
    "edge/dup/int_vs_string.yaml": "keys 1 and '1' collide in YAML-to-JSON; the winner is random",
}
WRITE_RUNS = 40
CHECK_RUNS = 4

# dumps() recurses once (two frames) per nesting level; edge/misc/deep_flow.yaml
# nests 500 deep.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))


# ------------------------------------------------------------------ numbers
class Num:
    """A JSON number kept as the exact text kubectl printed."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, Num) and other.text == self.text

    def __hash__(self):
        return hash(("Num", self.text))

    def __repr__(self):
        return f"Num({self.text})"


def loads(text):
    """json.loads that keeps every number as Num(raw text)."""
    return json.loads(text, parse_int=Num, parse_float=Num, parse_constant=Num)


def dumps(value, indent=0):
    """Stable serializer: sorted keys, 2-space indent, ASCII, Num verbatim."""
    pad = "  " * indent
    inner = "  " * (indent + 1)
    if isinstance(value, Num):
        return value.text
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):  # only from hand-built values (tests)
        return str(value)
    if isinstance(value, float):
        raise TypeError("floats must be Num (raw text) to keep precision")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in value) + "\n" + pad + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = sorted(value.items())
        return "{\n" + ",\n".join(
            inner + json.dumps(k, ensure_ascii=True) + ": " + dumps(v, indent + 1)
            for k, v in items) + "\n" + pad + "}"
    raise TypeError(f"cannot serialise {type(value).__name__}")


# ------------------------------------------------------------------ normaliser
def is_list_wrapper(doc):
    """True for the List kubectl synthesises when it prints several objects."""
    return (isinstance(doc, dict)
            and doc.get("kind") == "List"
            and doc.get("apiVersion") == "v1"
            and set(doc) <= {"apiVersion", "kind", "items", "metadata"}
            and doc.get("metadata", {}) == {"resourceVersion": ""}
            and isinstance(doc.get("items"), list))


def strip_probe(obj):
    """Remove the probe label kubectl added (in place) and return obj."""
    if not isinstance(obj, dict):
        return obj
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return obj
    labels = meta.get("labels")
    if isinstance(labels, dict) and labels.get(PROBE_KEY) == PROBE_VALUE:
        del labels[PROBE_KEY]
        if not labels:
            del meta["labels"]
        if not meta:
            del obj["metadata"]
    return obj


_DECODER = json.JSONDecoder(parse_int=Num, parse_float=Num, parse_constant=Num)


def loads_stream(text):
    """Parse a concatenation of JSON values (what `kubectl label -o json` prints
    for several objects) into a list, numbers as Num."""
    docs, i, n = [], 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return docs
        doc, i = _DECODER.raw_decode(text, i)
        docs.append(doc)


def normalise(stdout):
    """kubectl stdout (text) -> list of normalised objects, in kubectl's order."""
    objs = []
    for doc in loads_stream(stdout):
        if is_list_wrapper(doc):
            objs.extend(doc["items"])
        else:
            objs.append(doc)
    return [strip_probe(o) for o in objs]


def clean_error(stderr, tmp_path, rel_path):
    """First non-empty stderr line, with the temporary path made corpus-relative."""
    line = next((l for l in stderr.splitlines() if l.strip()), "")
    line = line.rstrip()
    if tmp_path:
        line = line.replace(tmp_path, rel_path)
        tmp_dir = os.path.dirname(tmp_path)
        if tmp_dir:
            line = line.replace(tmp_dir, os.path.dirname(rel_path) or ".")
    return line


# ------------------------------------------------------------------ kubectl
def find_kubectl():
    exe = os.environ.get("KUBECTL") or shutil.which("kubectl")
    if not exe or not os.access(exe, os.X_OK):
        sys.stderr.write(
            "\n*** kubectl_decode.py: kubectl NOT FOUND (set $KUBECTL or put kubectl on PATH).\n"
            "*** The kube-diff expectations can only be (re)computed with kubectl.\n\n")
        sys.exit(2)
    return exe


def kubectl_version(exe):
    out = subprocess.run([exe, "version", "--client", "-o", "json"],
                         capture_output=True, text=True, timeout=TIMEOUT_S)
    return json.loads(out.stdout)["clientVersion"]["gitVersion"]


def run_one(exe, rel):
    src = os.path.join(CORPUS, rel)
    with tempfile.TemporaryDirectory(prefix="kube-diff-") as tmp:
        tmp_path = os.path.join(tmp, os.path.basename(rel))
        shutil.copyfile(src, tmp_path)
        env = dict(os.environ, KUBECONFIG=os.path.join(tmp, "no-kubeconfig"), LC_ALL="C")
        try:
            p = subprocess.run(
                [exe, "label", "--local", "-o", "json", "-f", tmp_path, f"{PROBE_KEY}={PROBE_VALUE}"],
                capture_output=True, timeout=TIMEOUT_S, env=env, cwd=tmp)
        except subprocess.TimeoutExpired:
            return {"status": "error", "error": f"timeout: kubectl took more than {TIMEOUT_S}s"}
        stdout = p.stdout.decode("utf-8", "replace")
        stderr = p.stderr.decode("utf-8", "replace")
        if p.returncode != 0:
            return {"status": "error", "error": clean_error(stderr, tmp_path, rel)}
        result = {"status": "ok", "objects": normalise(stdout)}
        warnings = [clean_error(l, tmp_path, rel) for l in stderr.splitlines() if l.strip()]
        if warnings:
            result["warnings"] = warnings
        return result


# ------------------------------------------------------------------ files
def corpus_files():
    out = []
    for root, dirs, files in os.walk(CORPUS):
        dirs.sort()
        for f in files:
            if f.endswith(EXTS):
                out.append(os.path.relpath(os.path.join(root, f), CORPUS).replace(os.sep, "/"))
    return sorted(out)


def select(files, globs):
    if not globs:
        return files
    picked = []
    for f in files:
        for g in globs:
            g = g.strip("/")
            if fnmatch.fnmatch(f, g) or f.startswith(g + "/"):
                picked.append(f)
                break
    return picked


def expected_path(rel):
    return os.path.join(EXPECTED, rel + ".json")


def stale_expected(files):
    want = {expected_path(f) for f in files}
    stale = []
    for root, _, names in os.walk(EXPECTED):
        for n in names:
            p = os.path.join(root, n)
            if n.endswith(".json") and p not in want:
                stale.append(p)
    return sorted(stale)


def run_variants(exe, rel, runs):
    """Sorted distinct serialised results of `runs` kubectl runs."""
    return sorted({dumps(run_one(exe, rel)) for _ in range(runs)})


def compute(exe, files, runs_nondet):
    """Yield (rel, text, variants). text is the canonical expected-file text;
    for NONDETERMINISTIC files variants is the list of observed serialised
    results (text then holds the variants seen in this computation)."""
    def one(f):
        if f in NONDETERMINISTIC:
            vs = run_variants(exe, f, runs_nondet)
            doc = {"status": "nondeterministic", "note": NONDETERMINISTIC[f],
                   "variants": [loads(v) for v in vs]}
            return f, dumps(doc) + "\n", vs
        return f, dumps(run_one(exe, f)) + "\n", None
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        yield from pool.map(one, files)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    ap.add_argument("globs", nargs="*", metavar="GLOB")
    a = ap.parse_args(argv)

    exe = find_kubectl()
    version = kubectl_version(exe)
    all_files = corpus_files()
    files = select(all_files, a.globs)
    if not files:
        print("no corpus files match", a.globs, file=sys.stderr)
        return 2

    if a.write:
        os.makedirs(EXPECTED, exist_ok=True)
        with open(VERSION_FILE, "w") as f:
            f.write(version + "\n")
        counts = {"ok": 0, "error": 0}
        counts["nondeterministic"] = 0
        for rel, text, _ in compute(exe, files, WRITE_RUNS):
            p = expected_path(rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="ascii") as f:
                f.write(text)
            counts[json.loads(text)["status"]] += 1
        if not a.globs:
            for p in stale_expected(all_files):
                os.remove(p)
                print("removed stale", os.path.relpath(p, HERE))
        print(f"wrote {len(files)} expectations (ok {counts['ok']}, error {counts['error']}, "
              f"nondeterministic {counts['nondeterministic']}) "
              f"with kubectl {version}")
        return 0

    # --check
    failures = 0
    try:
        with open(VERSION_FILE) as f:
            stored_version = f.read().strip()
    except FileNotFoundError:
        stored_version = None
    if stored_version != version:
        print(f"WARNING: expectations were written with kubectl {stored_version}, "
              f"this is kubectl {version}", file=sys.stderr)
    for rel, text, variants in compute(exe, files, CHECK_RUNS):
        p = expected_path(rel)
        try:
            with open(p, encoding="ascii") as f:
                old = f.read()
        except FileNotFoundError:
            print(f"MISSING expected/{rel}.json")
            failures += 1
            continue
        if variants is not None:
            stored = loads(old)
            known = {dumps(v) for v in stored.get("variants", [])}
            new = [v for v in variants if v not in known]
            if stored.get("status") != "nondeterministic" or new:
                failures += 1
                print(f"--- expected/{rel}.json: result not among the stored variants:")
                for v in new:
                    print(v)
            continue
        if old != text:
            failures += 1
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), text.splitlines(True),
                f"expected/{rel}.json (stored)", f"expected/{rel}.json (kubectl now)"))
    if not a.globs:
        for p in stale_expected(all_files):
            print(f"STALE {os.path.relpath(p, HERE)} (no corpus file)")
            failures += 1
    print(f"checked {len(files)} files: {failures} mismatch(es)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
