package main
import rego.v1

p if data.main.q
q if data.main.p
deny contains "x" if input.z
