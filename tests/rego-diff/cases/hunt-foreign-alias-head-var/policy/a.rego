package main
import rego.v1
import input.metadata.name
deny contains "noname" if not name
