package main
import rego.v1

by_port[c.port] := c.name if some c in input.containers
deny contains sprintf("ports %v", [by_port]) if true
