package main
import rego.v1

bad contains "evil"
deny contains "x" if {
  every c in input.cs { not bad[c] }
}
