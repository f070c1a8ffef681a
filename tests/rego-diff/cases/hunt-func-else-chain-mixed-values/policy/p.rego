package main
import rego.v1

r(c) := "a" if { c.a } else if { c.b } else := "none"
deny contains sprintf("%v", [r(input)]) if true
