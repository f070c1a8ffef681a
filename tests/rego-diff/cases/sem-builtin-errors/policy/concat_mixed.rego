package err.concat_mixed

import rego.v1

# concat with a non-string element
deny contains msg if {
	x := concat(",", input.mixed)
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
