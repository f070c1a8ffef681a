package main
import rego.v1

allowed contains "a"
deny contains img if {
  not allowed[img]
  some img in input.images
}
