package main
import rego.v1

a if b
b if a
deny contains "x" if input.z
