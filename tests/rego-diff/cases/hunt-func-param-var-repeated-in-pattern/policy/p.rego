package main
import rego.v1

same(x, [x]) if true
deny contains "d" if not same(input.a, input.b)
