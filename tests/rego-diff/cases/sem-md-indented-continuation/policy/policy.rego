package main

# METADATA
  # title: x
deny contains msg if {
  msg := json.marshal(rego.metadata.rule())
}
