package main
import rego.v1

q := 1
p if { q := 2; q == 2 }
q2 := y if { p; y := 1 }
deny contains "x" if input.z
