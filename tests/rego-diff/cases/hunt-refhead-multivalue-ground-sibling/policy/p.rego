package main
import rego.v1

n.o.fixed contains "z" if input.f
n.o[x] contains x if some x in input.xs
deny contains "no fixed entry" if not n.o.fixed
