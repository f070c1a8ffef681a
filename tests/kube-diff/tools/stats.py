#!/usr/bin/env python3
"""Print the README table: corpus files per folder and their stored status.

Reads expected/ only (no kubectl). Folder = first two path components
(real/<source>, edge/<category>).
"""
import json
import os
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
import kubectl_decode as kd  # noqa: E402


def main():
    rows = defaultdict(Counter)
    for rel in kd.corpus_files():
        folder = "/".join(rel.split("/")[:2])
        with open(kd.expected_path(rel)) as f:
            doc = json.load(f)
        rows[folder][doc["status"]] += 1
        if doc["status"] == "ok":
            rows[folder]["objects"] += len(doc["objects"])
    cols = ["ok", "error", "nondeterministic"]
    print("| folder | files | ok | error | nondeterministic | objects (ok files) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    tot = Counter()
    for top in ("real", "edge"):
        sub = Counter()
        for folder in sorted(k for k in rows if k.startswith(top + "/")):
            c = rows[folder]
            n = sum(c[k] for k in cols)
            print(f"| `{folder}/` | {n} | {c['ok']} | {c['error']} | {c['nondeterministic']} | {c['objects']} |")
            sub.update(c)
        n = sum(sub[k] for k in cols)
        print(f"| **{top}/ total** | **{n}** | **{sub['ok']}** | **{sub['error']}** | **{sub['nondeterministic']}** | **{sub['objects']}** |")
        tot.update(sub)
    n = sum(tot[k] for k in cols)
    print(f"| **all** | **{n}** | **{tot['ok']}** | **{tot['error']}** | **{tot['nondeterministic']}** | **{tot['objects']}** |")


if __name__ == "__main__":
    main()
