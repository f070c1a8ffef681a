package err.some_in_null

import rego.v1

# some ... in null
deny contains msg if {
	some x in input.value
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
