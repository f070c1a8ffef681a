package main

import rego.v1

required_labels["owner"] := "team owning the object"

required_labels["tier"] := "frontend|backend"

deny contains msg if {
	some label, why in required_labels
	not input.metadata.labels[label]
	msg := sprintf("%s: missing label %s (%s)", [input.metadata.name, label, why])
}

forbidden contains "default"
