package main
import rego.v1

deny contains "x" if {
  every c in input.cs { not input.bad[c] }
}
