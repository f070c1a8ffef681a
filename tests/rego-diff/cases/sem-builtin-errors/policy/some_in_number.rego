package err.some_in_number

import rego.v1

# some ... in a number
deny contains msg if {
	some x in input.n
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
