package main

import rego.v1

f(x) := x

g(x) := concat("", [x, input.s])

# Input-free by the analysis: f does not read input. Under `with f as g`
# it does, so its value must not cross a `with input as`.
helper := f("a")

inner := [a, b] if {
	a := helper with input as {"s": "1"}
	b := helper
}

inner_rev := [b, a] if {
	b := helper
	a := helper with input as {"s": "1"}
}

deny contains msg if {
	v := inner with f as g
	msg := sprintf("inner %v", [v])
}

deny contains msg if {
	v := inner_rev with f as g
	msg := sprintf("inner_rev %v", [v])
}
