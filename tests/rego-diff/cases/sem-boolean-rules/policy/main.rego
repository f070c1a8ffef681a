package main

import rego.v1

deny := true if input.bad

warn := "a bare string is not a set" if input.bad

violation := {"msg": "an object is not a set"} if input.bad

deny_map[name] := "partial object" if {
	input.bad
	name := input.name
}

warn_bool if input.bad
