package main
import rego.v1

deny contains "x" if {
  some x in input.l
  count([1 | not input.m[x]]) > 0
}
