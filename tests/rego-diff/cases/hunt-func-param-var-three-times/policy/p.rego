package main
import rego.v1

same3(x, x, x) if true
deny contains "d" if same3(input.a, input.b, input.c)
