package main

import rego.v1

# `limit` is first evaluated while the value of `with input as` is
# computed; it must still be 3 here and for every later document.
deny contains "probe" if {
	input.probe
	input.num == 3 with input as {"num": limit}
}

# Constant: carried across documents by the input-free cache.
limit := 3

deny contains "over limit" if input.num > limit

warn contains msg if {
	input.probe
	msg := sprintf("limit is %v", [limit])
}
