package main

import rego.v1

deny contains msg if {
	input.server.port == 22
	msg := sprintf("ssh port exposed on %s", [input.server.host])
}

deny contains msg if {
	some u in input.users
	u.admin
	msg := sprintf("admin user %s", [u.name])
}

warn contains msg if {
	startswith(input.owner.dob, "1979-")
	msg := sprintf("owner born %s, released %v, ratio %v", [input.owner.dob, input.released, input.server.ratio])
}
