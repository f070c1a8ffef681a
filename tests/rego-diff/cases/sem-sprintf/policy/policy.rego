package main

import rego.v1

formats := ["%v", "%s", "%d", "%f", "%.2f", "%e", "%q", "%x", "%5d|", "%-6s|"]

warn contains msg if {
	some name, value in input.values
	some f in formats
	msg := sprintf("%s %s => %s", [name, f, sprintf(f, [value])])
}

deny contains sprintf("%v and %v and %s", [input.values.int, input.values.obj, input.values.arr])

deny contains sprintf("%d%%", [input.values.int])

deny contains sprintf("%s", [{"set": {3, 1, 2}}])

deny contains sprintf("too few: %s %s", [input.values.str])

deny contains sprintf("too many: %s", [input.values.str, input.values.int])
