package lib

import rego.v1

is_workload if input.kind in {"Deployment", "StatefulSet", "DaemonSet"}

containers contains c if {
	is_workload
	some c in input.spec.template.spec.containers
}

containers contains c if {
	input.kind == "Pod"
	some c in input.spec.containers
}

name := object.get(input, ["metadata", "name"], "<unnamed>")
