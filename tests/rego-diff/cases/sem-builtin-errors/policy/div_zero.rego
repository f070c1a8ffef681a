package err.div_zero

import rego.v1

# division by zero
deny contains msg if {
	x := input.n / input.zero
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
