package main
import rego.v1

p.q := 1
p[x].r := 2 if { some x in ["b"] }
deny contains "x" if input.z
