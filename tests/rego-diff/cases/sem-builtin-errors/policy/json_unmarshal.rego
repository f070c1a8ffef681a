package err.json_unmarshal

import rego.v1

# json.unmarshal of invalid JSON
deny contains msg if {
	x := json.unmarshal(input.s)
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
