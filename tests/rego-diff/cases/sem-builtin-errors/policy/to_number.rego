package err.to_number

import rego.v1

# to_number("abc")
deny contains msg if {
	x := to_number(input.s)
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
