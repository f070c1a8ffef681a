package main
import rego.v1

settings := {input.key: 1, "p": 1}
deny contains "d" if settings.p == 1
