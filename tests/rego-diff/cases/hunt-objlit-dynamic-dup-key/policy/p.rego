package main
import rego.v1

deny contains msg if {
  labels := {"app": input.app, "team": input.team, input.extra_key: input.extra_val}
  not labels.owner
  msg := "no owner"
}
