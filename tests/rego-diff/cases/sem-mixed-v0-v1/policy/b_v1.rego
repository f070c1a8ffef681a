package main

import rego.v1

deny contains msg if {
	some c in input.spec.template.spec.containers
	image_tag(c.image) == "latest"
	msg := sprintf("%s: container %s uses the latest tag", [input.metadata.name, c.name])
}
