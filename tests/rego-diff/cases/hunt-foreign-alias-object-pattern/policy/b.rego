package main
import rego.v1
deny contains msg if {
  {"spec": spec} = input.template
  spec.x == 1
  msg := "x1"
}
