package main
import rego.v1

deny contains "over limit" if {
  every y in input.xs { y < x }
  x = input.limit
}
