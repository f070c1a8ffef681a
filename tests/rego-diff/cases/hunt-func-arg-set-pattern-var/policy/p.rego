package main
import rego.v1

f({x}) := x
deny contains m if m := f({"a"})
