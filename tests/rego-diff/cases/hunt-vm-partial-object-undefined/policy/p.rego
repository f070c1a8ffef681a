package main
import rego.v1

port_of[c.name] := c.port if some c in input.containers
deny contains "every container needs a port" if count(port_of) < count(input.containers)
