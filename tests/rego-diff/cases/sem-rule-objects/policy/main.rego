package main

import rego.v1

deny contains {"msg": msg, "fix": "set runAsNonRoot: true", "help": "https://example.com/run-as-root"} if {
	not input.spec.securityContext.runAsNonRoot
	msg := sprintf("%s may run as root", [input.metadata.name])
}

deny contains {"msg": sprintf("%s: %d containers", [input.metadata.name, count(input.spec.containers)]), "details": {"count": count(input.spec.containers), "names": [c.name | some c in input.spec.containers]}} if count(input.spec.containers) > 1

warn contains {"msg": "uses _loc", "_loc": {"file": "x.yaml", "line": 3}} if input.metadata.name == "loc"

violation contains {"msg": "", "note": "empty msg is a pass in conftest"} if true

warn contains {"msg": "same message"} if true

warn contains "same message" if true
