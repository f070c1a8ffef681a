package main
import rego.v1

p contains 1 if input.a
p := {1} if input.b
deny contains "x" if input.z
