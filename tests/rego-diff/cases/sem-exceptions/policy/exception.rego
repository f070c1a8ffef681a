package main

import rego.v1

exception contains rules if {
	input.metadata.name in {"legacy", "all-excepted"}
	rules := ["run_as_root"]
}

exception contains rules if {
	input.metadata.name == "all-excepted"
	rules := ["host_network", "latest", "does_not_exist"]
}

# an exception naming a rule that does not exist
exception contains ["no_such_rule"] if input.metadata.name == "ghost"

# the bare `deny` rule is queried with the empty name
exception contains [""] if input.metadata.labels.except_bare == "yes"
