package main
import rego.v1

v[kind] contains msg if { some c in input.cs; kind := "c"; msg := c }
v.general contains "g" if input.g
deny contains m if { some _, s in v; some m in s }
