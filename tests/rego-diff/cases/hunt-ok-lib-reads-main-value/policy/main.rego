package main
import rego.v1
import data.lib
deny contains msg if { some msg in lib.msgs }
cfg := {"max": 1}
