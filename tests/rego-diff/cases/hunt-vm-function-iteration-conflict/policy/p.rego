package main
import rego.v1

lvl(o) := x if some x in o.levels
deny contains "level too high" if lvl(input) > 5
