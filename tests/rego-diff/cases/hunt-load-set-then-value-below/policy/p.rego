package main
import rego.v1

p contains 1
p.q := 2
deny contains "x" if input.z
