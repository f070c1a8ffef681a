package lib.strings

import rego.v1

# functions with several definitions, selected by argument pattern
describe(x) := "empty" if x == ""

describe(x) := sprintf("short:%s", [x]) if {
	x != ""
	count(x) < 5
}

describe(x) := sprintf("long:%d", [count(x)]) if count(x) >= 5

quote(s) := concat("", ["'", s, "'"])
