package main
import rego.v1
import input.metadata.labels
deny contains "nolabels" if not labels
