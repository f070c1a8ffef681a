package err.conflict

import rego.v1

# a complete rule with conflicting values
deny contains msg if {
	x := pick
	msg := sprintf("reached with %v", [x])
}

warn contains "always"

pick := input.n

pick := input.zero
