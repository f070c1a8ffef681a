package main

import data.lib
import rego.v1

warn contains msg if {
	some c in lib.containers
	endswith(c.image, ":latest")
	msg := sprintf("%s: container %s uses the latest tag", [lib.name, c.name])
}
