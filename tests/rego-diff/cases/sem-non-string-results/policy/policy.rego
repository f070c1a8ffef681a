package main

import rego.v1

deny contains 42 if true

deny contains 3.5 if true

deny contains ["an", "array"] if true

deny contains null if true

deny contains false if true

deny contains "" if true

deny contains "the only string" if true

warn := ["array element one", "array element two", 7, {"msg": "object in an array"}] if true

violation_numbers contains n if {
	some n in input.numbers
}
