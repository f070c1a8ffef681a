package err.some_in_string

import rego.v1

# some ... in a string
deny contains msg if {
	some x in input.s
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
