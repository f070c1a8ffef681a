#!/usr/bin/env python3
"""The secrets benchmark's peer: rules as a Python `re` loop over every
file, the way a hand-written scanner or gitleaks' rules in a script run.

    python3 bench/secrets_peer.py DIR            # pushgate's built-in rules
    python3 bench/secrets_peer.py DIR PACK.toml  # a gitleaks pack's rules

The built-in rules are read from src/secrets/builtin.rs, so the two cannot
drift. A pack's rules run as gitleaks runs them: only where one of the
rule's keywords occurs in the lower-cased text. Python's `re` does not read
every Go expression (POSIX classes, some flags): those rules are skipped,
and counted, so the peer does a little less work than gitleaks would.
"""
import os
import re
import sys
import tomllib

rules = []  # (keywords, compiled)
skipped = 0
if len(sys.argv) > 2:
    with open(sys.argv[2], "rb") as f:
        pack = tomllib.load(f)
    for r in pack.get("rules", []):
        if not r.get("regex"):
            continue
        try:
            rules.append(([k.lower() for k in r.get("keywords", [])], re.compile(r["regex"])))
        except re.error:
            skipped += 1
else:
    here = os.path.dirname(__file__)
    src = open(os.path.join(here, "..", "src", "secrets", "builtin.rs")).read()
    for p in re.findall(r'pattern: r#?"(.*?)"#?,\n', src):
        rules.append(([], re.compile(p)))
hits = files = 0
for root, _, names in os.walk(sys.argv[1]):
    if "/.git" in root or root.endswith(".git"):
        continue
    for n in names:
        with open(os.path.join(root, n), "rb") as f:
            b = f.read()
        if b"\0" in b[:8000]:
            continue
        t = b.decode("utf-8", "replace")
        low = t.lower()
        files += 1
        for keywords, r in rules:
            if keywords and not any(k in low for k in keywords):
                continue
            hits += len(r.findall(t))
print(f"{files} files, {len(rules)} rules ({skipped} not read by Python), {hits} hits")
