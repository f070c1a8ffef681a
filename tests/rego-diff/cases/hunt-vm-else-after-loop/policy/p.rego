package main
import rego.v1

owner := o if {
	some o in input.owners
	o != ""
} else := "nobody"
deny contains "no owner" if owner == "nobody"

first_big(xs) := x if {
	some x in xs
	x > 100
} else := 0
deny_f contains "no big value" if first_big(input.sizes) == 0
