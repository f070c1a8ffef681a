package main

import rego.v1

default max_replicas := 3

max_replicas := input.metadata.annotations["max-replicas"] if input.metadata.annotations["max-replicas"]

default allowed := false

allowed if input.metadata.labels.approved == "true"

default deny_level := "none"

deny contains msg if {
	input.spec.replicas > to_number(max_replicas)
	msg := sprintf("%s: %d replicas > %v", [input.metadata.name, input.spec.replicas, max_replicas])
}

deny contains msg if {
	not allowed
	msg := sprintf("%s: not approved", [input.metadata.name])
}

default warn_level := {"msg": "defaulted object"}

default f(_) := "fallback"

f(x) := "big" if x > 10

warn contains sprintf("%s: f(replicas)=%s", [input.metadata.name, f(input.spec.replicas)])
