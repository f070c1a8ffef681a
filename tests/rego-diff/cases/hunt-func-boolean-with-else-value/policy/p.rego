package main
import rego.v1

r(c) if { c.a } else := false
deny contains sprintf("%v", [r(input)]) if true
