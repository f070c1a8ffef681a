package main
import rego.v1

deny contains "every container needs a memory limit" if {
	limits := [l | some c in input.containers; l := c.limits.memory]
	count(limits) != count(input.containers)
}
