package main
import rego.v1

deny contains c if {
  not allowed[c]
  input.cs[_] = c
}
allowed := {"a"}
