package main
import rego.v1

p[x] := 1 if { some x in ["a"] }
p.q := 2
deny contains "x" if input.z
