package main
import rego.v1

f(x) := 1 if x > 100
f(x) := f(x - 1) if x > 200
deny contains "x" if input.z
