package main
import rego.v1
deny contains msg if {
  input.spec.selector[labels] == ""
  msg := sprintf("empty selector %s", [labels])
}
