package main
import rego.v1

deny contains "d" if { some k, k in input.m }
