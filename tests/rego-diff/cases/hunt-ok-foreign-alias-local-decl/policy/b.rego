package main
import rego.v1
deny contains msg if {
  names := [n | some c in input.spec.containers; n := c.name]
  count(names) > 2
  msg := "many"
}
warn contains msg if {
  x := {containers | containers := input.spec.initContainers[_]}
  count(x) > 0
  msg := "init"
}
