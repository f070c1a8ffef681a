package main
import rego.v1

deny contains sprintf("big %v", [x]) if { some x in input.items; x > 4998 }
