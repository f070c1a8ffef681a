package err.set_index_object

import rego.v1

# indexing a set with an object
deny contains msg if {
	vols := {v | some v in input.names}
	some vol in input.spec.volumes
	x := vols[vol]
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
