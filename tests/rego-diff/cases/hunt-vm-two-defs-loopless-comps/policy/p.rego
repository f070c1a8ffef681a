package main
import rego.v1

deny_a contains "a3" if count([1 | input.missing]) == 0
deny_a contains "a4" if count([x | x := input.a.b]) == 0
