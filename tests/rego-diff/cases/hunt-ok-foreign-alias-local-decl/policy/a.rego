package main
import rego.v1
import input.spec.containers
deny contains "none" if count(containers) == 0
