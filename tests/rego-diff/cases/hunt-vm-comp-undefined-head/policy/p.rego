package main
import rego.v1

deny contains "every container needs an image tag" if {
	tags := [split(c.image, ":")[1] | some c in input.containers]
	count(tags) < count(input.containers)
}
