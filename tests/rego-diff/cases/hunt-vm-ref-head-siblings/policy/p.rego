package main
import rego.v1

p.q.r := 1
p.q.s := 2 if input.arr
deny contains sprintf("p %v", [p]) if true
