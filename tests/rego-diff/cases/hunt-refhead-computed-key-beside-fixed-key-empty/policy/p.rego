package main
import rego.v1

a.b[x].c := 1 if { some x in input.xs }
a.b.fixed := 2 if input.f
deny contains sprintf("%v", [a]) if true
