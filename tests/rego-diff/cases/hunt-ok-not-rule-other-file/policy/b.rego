package main
import rego.v1
exempt if input.metadata.labels.exempt == "true"
