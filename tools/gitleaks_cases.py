#!/usr/bin/env python3
"""Takes gitleaks' own decoding test out of a gitleaks checkout (its
detect/detect_test.go case "detect encoded": the text, the pack
testdata/config/encoded.toml, and the findings gitleaks expects) into
tests/secrets-diff/real/ (not committed: fetched content stays out of the
repository), where tests/integration/secrets_parity.rs compares pushgate's
findings with gitleaks' on it.

    python3 tools/gitleaks_cases.py /work/.mirror/gitleaks+gitleaks/repo
"""
import json
import os
import re
import subprocess
import sys

repo = sys.argv[1]


def show(path):
    return subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"],
                          check=True, capture_output=True, text=True).stdout


test = show("detect/detect_test.go")
text = re.search(r"const encodedTestValues = `(.*?)`", test, re.S).group(1)
case = test[test.index('"detect encoded": {'):]
case = case[:case.index("\n\t\t},\n")]
findings = []
for block in re.findall(r"\{(.*?)\n\t\t\t\t\},", case, re.S):
    rule = re.search(r'RuleID:\s*"([^"]+)"', block)
    secret = re.search(r'Secret:\s*"((?:[^"\\]|\\.)*)"', block)
    line = re.search(r"StartLine:\s*(\d+)", block)
    if rule and secret and line:
        findings.append({
            "rule": rule.group(1),
            "secret": json.loads('"' + secret.group(1) + '"'),
            # gitleaks' lines here are 0-based within the text.
            "line": int(line.group(1)) + 1,
        })
here = os.path.join(os.path.dirname(__file__), "..", "tests", "secrets-diff", "real")
os.makedirs(here, exist_ok=True)
with open(os.path.join(here, "encoded.toml"), "w") as f:
    f.write(show("testdata/config/encoded.toml"))
with open(os.path.join(here, "encoded.json"), "w") as f:
    json.dump({"text": text, "findings": findings}, f, indent=1)
print(f"{len(findings)} findings gitleaks expects, written to {os.path.normpath(here)}")
