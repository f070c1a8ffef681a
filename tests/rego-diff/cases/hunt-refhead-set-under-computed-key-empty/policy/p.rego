package main
import rego.v1

a.b[x] contains y if { some x in input.xs; some y in input.ys }
deny contains sprintf("%v", [a]) if true
