#!/usr/bin/env python3
"""The schema benchmark's peer: what kubernetes-validate (and so kubeconform's
schemas) costs on the same documents, made as fast as it fairly can be —
each kind's validator built once (kubernetes-validate's own `validate`
re-reads its schema files on every call), PyYAML's C loader when present.

    python3 bench/kv_peer.py VERSION [--strict] FILE...
"""
import json
import sys

import importlib_resources
import jsonschema
import yaml
from referencing import Registry, Resource

version, strict = sys.argv[1], "--strict" in sys.argv
files = [a for a in sys.argv[2:] if a != "--strict"]
base = importlib_resources.files("kubernetes_validate").joinpath(
    "kubernetes-json-schema", f"v{version}.0-local" + ("-strict" if strict else ""))
defs = Resource.from_contents(json.loads(base.joinpath("_definitions.json").read_text()))
registry = defs @ Registry()
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
validators, failed, docs = {}, 0, 0
for f in files:
    with open(f) as fh:
        for doc in yaml.load_all(fh, Loader=Loader):
            if not doc:
                continue
            docs += 1
            api = doc["apiVersion"].split("/")
            name = f"{doc['kind'].lower()}-{api[0].split('.')[0]}-{api[1]}.json" if len(api) == 2 else f"{doc['kind'].lower()}-{api[0]}.json"
            v = validators.get(name)
            if v is None:
                schema = json.loads(base.joinpath(name).read_text())
                v = validators[name] = jsonschema.Draft202012Validator(schema, registry=registry)
            if not v.is_valid(doc):
                failed += 1
print(f"{docs} documents, {failed} invalid")
sys.exit(1 if failed else 0)
