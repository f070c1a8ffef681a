package main
import rego.v1

p if input.a
p contains 1
deny contains "x" if input.z
