package main
import rego.v1

level := x if some x in input.levels
deny contains "level too high" if level > 5
