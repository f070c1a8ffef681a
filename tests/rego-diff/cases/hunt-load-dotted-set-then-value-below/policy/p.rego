package main
import rego.v1

p.q contains 1
p.q.r := 2
deny contains "x" if input.z
