package main
import rego.v1

default p := 1
default p := 2
deny contains "x" if input.z
