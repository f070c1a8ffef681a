package main
import rego.v1

settings := {input.key: input.value, "privileged": false}
deny contains "privileged" if object.get(settings, "privileged", false) == true
