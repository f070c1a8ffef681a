package main
import rego.v1

self_indexed if some i, i in input.ids
deny contains "ids must not be positional" if not self_indexed
