package main
import rego.v1

deny contains sprintf("%v", [k]) if { some k, {"name": k} in input.m }
