package main
import rego.v1

bad contains "evil"
allow if {
  every c in input.cs { not bad[c] }
}
deny contains "x" if not allow
