package main
import rego.v1
import input.spec
deny contains "nospec" if not spec
