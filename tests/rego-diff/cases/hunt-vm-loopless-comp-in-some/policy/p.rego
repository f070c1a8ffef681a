package main
import rego.v1

deny contains sprintf("%s must set runAsNonRoot", [c.name]) if {
	some c in input.containers
	count([1 | c.runAsNonRoot == true]) == 0
}
