package main
import rego.v1
exempt := {n | some pkg; some n in data.checks[pkg].exemptions}
deny contains msg if {
  some pkg
  some msg in data.checks[pkg].violation
}
