package main
import rego.v1

deny contains "every port needs a name" if {
	named := {p.name: p.port | some p in input.ports}
	count(named) < count(input.ports)
}
