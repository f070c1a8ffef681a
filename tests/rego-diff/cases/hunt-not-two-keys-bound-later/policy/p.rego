package main
import rego.v1

m := {"a": {"b": 1}}
deny contains k if {
  not m[k][j]
  k = input.k
  j = input.j
}
