package main
import rego.v1

p[input.objs[i].m] := i
deny contains sprintf("%v", [p]) if true
