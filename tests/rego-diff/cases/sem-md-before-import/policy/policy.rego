package main

# METADATA
# title: t
import rego.v1

deny contains msg if {
  msg := json.marshal(rego.metadata.rule())
}
