package main

import rego.v1

name := "the rule"

deny contains msg if {
	names := [name | some name in input.names]
	msg := sprintf("comprehension: %v", [names])
}

deny contains msg if {
	x := "outer"
	inner := [x | some x in input.names]
	msg := sprintf("outer %s, inner %v", [x, inner])
}

deny contains msg if {
	some name in input.names
	msg := sprintf("body: %s", [name])
}

deny contains msg if {
	some k, name in input.labels
	msg := sprintf("pair: %s=%s", [k, name])
}

deny contains msg if {
	msg := sprintf("rule: %s", [name])
}
