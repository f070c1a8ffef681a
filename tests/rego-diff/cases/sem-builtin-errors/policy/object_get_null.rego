package err.object_get_null

import rego.v1

# object.get on null
deny contains msg if {
	x := object.get(input.value, "k", "d")
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
