package err.sum_strings

import rego.v1

# sum over strings
deny contains msg if {
	x := sum(input.names)
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
