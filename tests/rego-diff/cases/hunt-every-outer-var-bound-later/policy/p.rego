package main
import rego.v1

deny contains "x" if {
  every c in input.cs { c != target }
  target = input.target
}
