package main
import rego.v1

indexed if { some i, [i, _] in input.pairs }
deny contains "pairs not indexed" if not indexed
