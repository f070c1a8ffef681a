"""OPA's pipeline for bench/rego_library.sh: what conftest does per run.

usage: opa_pipeline.py POLICY_DIR DOCS_DIR

Loads every .rego under POLICY_DIR into one OPA engine (v0 files through
the corpus' v0->v1 rewriter), reads every YAML document under DOCS_DIR
with PyYAML, and evaluates each conftest rule of each package on each
document, one query per rule and one exception query per rule, as
conftest's Engine.check does (tests/rego-diff/opa_conftest.py's `check`).
Prints the number of failures, so the work cannot be optimised away.
"""
import glob
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "rego-diff"))
import yaml  # noqa: E402
import opa_conftest as oc  # noqa: E402
from opa_bindings import OpaEngine  # noqa: E402
from v0_to_v1 import convert  # noqa: E402

policy_dir, docs_dir = sys.argv[1], sys.argv[2]
engine = OpaEngine()
engine.print_handler = lambda m, l: None
rules = {}
for path in sorted(glob.glob(os.path.join(policy_dir, "**", "*.rego"), recursive=True)):
    src = open(path, encoding="utf-8").read()
    try:
        engine.add_policy(path, src)
    except Exception:
        src = convert(src)
        engine.add_policy(path, src)
    pkg, names, _ = oc.module_info(src)
    rules.setdefault(pkg, set()).update(
        n for n in names if oc.FAILURE_RE.match(n) or oc.WARNING_RE.match(n))
namespaces = sorted(ns for ns, r in rules.items() if r)
failures = 0
for f in sorted(glob.glob(os.path.join(docs_dir, "*.yaml"))):
    for doc in yaml.safe_load_all(open(f, encoding="utf-8")):
        if doc is None:
            continue
        for ns in namespaces:
            entry = {"failures": [], "warnings": [], "exceptions": []}
            oc.check(engine, ns, sorted(rules[ns]), doc, entry)
            failures += len(entry["failures"])
print(f"{len(namespaces)} namespaces, {failures} failures")
