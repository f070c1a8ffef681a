package main

# METADATA
# title: a

# METADATA
# title: b
deny contains msg if {
  msg := json.marshal(rego.metadata.rule())
}
