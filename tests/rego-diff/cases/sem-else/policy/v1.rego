package main

import rego.v1

severity := "critical" if {
	input.spec.hostNetwork
} else := "high" if {
	some c in input.spec.containers
	c.securityContext.privileged
} else := "low"

deny contains msg if {
	severity != "low"
	msg := sprintf("%s: severity %s", [input.metadata.name, severity])
}

replicas_ok(n) := "none" if n == 0
	else := "single" if n == 1
	else := "many"

warn contains msg if {
	msg := sprintf("%s: replicas are %s", [input.metadata.name, replicas_ok(object.get(input.spec, "replicas", 0))])
}
