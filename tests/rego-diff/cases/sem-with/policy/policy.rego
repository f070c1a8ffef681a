package main

import rego.v1

allowed_kinds := data.config.kinds

deny contains msg if {
	not input.kind in allowed_kinds
	msg := sprintf("kind %v is not allowed", [input.kind])
}

kind_denials contains msg if {
	not input.kind in allowed_kinds
	msg := sprintf("kind %v is not allowed", [input.kind])
}

# evaluate a rule against an overridden input and data
deny contains msg if {
	input.kind == "List"
	some i, item in input.items
	some m in kind_denials with input as item with data.config.kinds as ["Service"]
	msg := sprintf("items[%d]: %s", [i, m])
}

deny contains msg if {
	input.kind == "Deployment"
	not has_label with input.metadata.labels as {}
	msg := "has_label holds only for a non-empty label map"
}

warn contains msg if {
	count(allowed_kinds) > 0
	x := count(allowed_kinds) with data.config.kinds as []
	msg := sprintf("overridden kinds count is %d", [x])
}

has_label if count(input.metadata.labels) > 0
