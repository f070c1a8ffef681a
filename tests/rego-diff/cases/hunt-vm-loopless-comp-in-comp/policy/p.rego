package main
import rego.v1

deny contains sprintf("counts %v", [c]) if {
	c := [n | some x in input.arr; n := count([1 | x == 2])]
}
