package main
import rego.v1

f() := true
deny contains "x" if f
