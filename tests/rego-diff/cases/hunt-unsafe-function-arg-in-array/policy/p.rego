package main
import rego.v1

f([input.x]) := 1
deny contains "d" if f([1]) == 1
