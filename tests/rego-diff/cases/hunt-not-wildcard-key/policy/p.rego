package main
import rego.v1

allowed contains "a"
deny contains "x" if {
  not allowed[_]
}
