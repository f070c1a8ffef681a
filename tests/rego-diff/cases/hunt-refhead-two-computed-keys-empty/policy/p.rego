package main
import rego.v1

a.b[x].c[y] := 1 if { some x in input.xs; some y in input.ys }
deny contains sprintf("%v", [a]) if true
