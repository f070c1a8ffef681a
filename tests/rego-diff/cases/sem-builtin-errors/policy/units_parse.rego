package err.units_parse

import rego.v1

# units.parse_bytes("abc")
deny contains msg if {
	x := units.parse_bytes(input.s)
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
