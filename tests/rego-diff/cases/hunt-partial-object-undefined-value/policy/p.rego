package main
import rego.v1

port_of[c.name] := c.port if some c in input.containers
deny contains "a listens on 80" if port_of.a == 80
deny contains sprintf("ports %v", [port_of]) if true
