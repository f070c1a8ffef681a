package main

import rego.v1

deny contains msg if {
	print("checking", input.metadata.name)
	some c in input.spec.containers
	print("container", c.name, "image", c.image, "undefined:", c.nope)
	not contains(c.image, ":")
	msg := sprintf("%s: image %s has no tag", [input.metadata.name, c.image])
}

warn contains "printed" if {
	print({"nested": [1, {"a": null}]})
	print()
	true
}
