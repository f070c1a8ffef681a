package err.count_number

import rego.v1

# count on a number
deny contains msg if {
	x := count(input.n)
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
