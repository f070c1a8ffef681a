package main

import rego.v1

deny contains msg if {
	some k, v in input.value
	msg := sprintf("%s: key %v -> %v", [input.type, k, v])
}

warn contains msg if {
	some v in input.value
	msg := sprintf("%s: value %v", [input.type, v])
}

warn_membership contains msg if {
	"a" in input.value
	msg := sprintf("%s: contains \"a\"", [input.type])
}

warn_membership contains msg if {
	some "a", _ in input.value
	msg := sprintf("%s: has key \"a\"", [input.type])
}
