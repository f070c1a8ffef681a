package main
import rego.v1

p := x if { p := 3; x := p }
deny contains "x" if input.z
