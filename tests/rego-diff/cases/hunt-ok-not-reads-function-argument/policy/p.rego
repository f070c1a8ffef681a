package main
import rego.v1

f(x) if not input.m[x]
deny contains "x" if f("k")
