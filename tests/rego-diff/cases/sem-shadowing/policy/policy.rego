package main

import rego.v1

deny contains sprintf("a%v", [v]) if {
	x := 1
	v := [x | x == 1; x := 2]
}

deny contains sprintf("b%v", [v]) if {
	x := 1
	v := [x | some i; input.a[i] == x; x := i]
}

deny contains sprintf("c%v", [v]) if {
	input.a[_] == 1
	some i
	input.a[i] == 3
	v := {j | some i; j := input.a[i]}
}

deny contains sprintf("d%v", [v]) if {
	x := input.a[_]
	v := {[x, y] | some k; input.a[k] > x; x := k; y := input.a[x]}
}

warn contains sprintf("e%v", [v]) if {
	name := "n"
	v := [name | some d in input.docs; d.name == name; name := d.id]
}
