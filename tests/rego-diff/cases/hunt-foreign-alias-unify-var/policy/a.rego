package main
import rego.v1
import data.lib.k8s
deny contains "a" if k8s.bad
