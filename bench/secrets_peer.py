#!/usr/bin/env python3
"""The secrets benchmark's peer: the same built-in rules (src/secrets.rs,
read from it, so the two cannot drift) as a Python `re` loop over every
file, the way a hand-written scanner or gitleaks' rules in a script run.

    python3 bench/secrets_peer.py DIR
"""
import os
import re
import sys

src = open(os.path.join(os.path.dirname(__file__), "..", "src", "secrets.rs")).read()
patterns = re.findall(r'pattern: r#?"(.*?)"#?,\n', src)
rules = [re.compile(p.replace("(?im)", "(?im)")) for p in patterns]
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
        files += 1
        for r in rules:
            hits += len(r.findall(t))
print(f"{files} files, {len(rules)} rules, {hits} hits")
