package main

import data.lib
import rego.v1

deny contains msg if {
	some c in lib.containers
	c.securityContext.privileged
	msg := sprintf("%s: container %s is privileged", [lib.name, c.name])
}

deny contains msg if {
	lib.is_workload
	not input.spec.selector.matchLabels
	msg := sprintf("%s: no selector", [lib.name])
}
