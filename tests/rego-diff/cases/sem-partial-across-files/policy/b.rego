package main

import rego.v1

required_labels["cost-center"] := "billing code"

forbidden contains "kube-system"

deny contains msg if {
	input.metadata.namespace in forbidden
	msg := sprintf("%s: namespace %s is forbidden", [input.metadata.name, input.metadata.namespace])
}

warn contains msg if {
	n := count(required_labels)
	some k
	input.metadata.labels[k]
	not required_labels[k]
	msg := sprintf("%s: label %s is not one of the %d required labels", [input.metadata.name, k, n])
}
