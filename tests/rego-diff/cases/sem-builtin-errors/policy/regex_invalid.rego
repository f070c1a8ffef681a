package err.regex_invalid

import rego.v1

# an invalid regular expression
deny contains msg if {
	regex.match(input.pattern, "abc")
	x := 1
	msg := sprintf("reached with %v", [x])
}

warn contains "always"
