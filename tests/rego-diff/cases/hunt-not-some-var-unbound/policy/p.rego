package main
import rego.v1

deny contains "x" if {
  some i
  not input.a[i]
}
