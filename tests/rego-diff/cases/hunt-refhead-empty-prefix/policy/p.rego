package main
import rego.v1

ports.byname[c.name].port := c.port if some c in input.containers
deny contains "no named ports" if count(ports.byname) == 0
