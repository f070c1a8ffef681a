package main

import rego.v1

deny contains msg if {
	x := "a"
	some x in input.names
	msg := x
}
