package main
import rego.v1

fact(n) := 1 if n <= 0
fact(n) := n * fact(n - 1) if n > 0
deny contains "too big" if fact(input.n) > 100
