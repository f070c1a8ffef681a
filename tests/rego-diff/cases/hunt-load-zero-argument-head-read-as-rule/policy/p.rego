package main
import rego.v1

f() := 1
deny contains "x" if f == 1
