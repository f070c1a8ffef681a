package main
import rego.v1

p.q.r := 1 if input.a
p.q := {"s": 1} if input.b
deny contains "x" if p.q.r == 2
