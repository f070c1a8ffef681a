package main
import rego.v1

default p := {}
p[x] := 1 if { some x in ["a"] }
deny contains "x" if input.z
