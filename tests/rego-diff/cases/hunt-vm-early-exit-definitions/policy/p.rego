package main
import rego.v1

exempt if input.metadata.labels.exempt == "true"
exempt if regex.match(input.pattern, input.metadata.name)
deny contains "not exempt" if not exempt
