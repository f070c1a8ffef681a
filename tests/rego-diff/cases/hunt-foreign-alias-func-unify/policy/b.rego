package main
import rego.v1
f(o) := n if { name = o.metadata.name; n := name }
deny contains m if m := f(input)
