package main
import rego.v1

exempt if regex.match(input.pattern, input.metadata.name)
exempt if input.metadata.labels.exempt == "true"
deny contains "not exempt" if not exempt
