package main
import rego.v1

p[x] := 1 if { some x in ["a"] }
p[x].y := 2 if { some x in ["b"] }
deny contains "x" if input.z
