package main
import rego.v1

p.q[x] := 1 if { some x in input.xs }
p.r := 2
deny contains sprintf("%v", [p]) if true
