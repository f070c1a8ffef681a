package main
import rego.v1
import data.lib.name
deny contains "a" if name == "z"
