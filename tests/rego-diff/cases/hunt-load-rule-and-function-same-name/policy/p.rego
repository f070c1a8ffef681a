package main
import rego.v1

p := 1 if input.a
p(x) := 2 if x
deny contains sprintf("%v", [p]) if true
