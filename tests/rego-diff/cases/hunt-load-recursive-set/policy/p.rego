package main
import rego.v1

s contains x if { some x in s }
deny contains "x" if input.z
