package main

import rego.v1

deny_run_as_root contains msg if {
	input.spec.securityContext.runAsUser == 0
	msg := sprintf("%s runs as root", [input.metadata.name])
}

violation_host_network contains {"msg": msg} if {
	input.spec.hostNetwork
	msg := sprintf("%s uses the host network", [input.metadata.name])
}

warn_latest contains msg if {
	endswith(input.spec.image, ":latest")
	msg := sprintf("%s uses latest", [input.metadata.name])
}

deny_no_owner contains msg if {
	not input.metadata.labels.owner
	msg := sprintf("%s has no owner", [input.metadata.name])
}

deny contains msg if {
	input.metadata.name == "bare"
	msg := "bare deny fired"
}
