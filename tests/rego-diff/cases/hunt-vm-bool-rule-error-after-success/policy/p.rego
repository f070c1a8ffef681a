package main
import rego.v1

bad if {
	some x in input.v
	to_number(x) < 0
}
deny contains "negative" if bad
