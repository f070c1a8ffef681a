package main

import rego.v1

warn contains sprintf("units.parse(%q) = %v", [input.s, units.parse(input.s)]) if input.f == "parse"

warn contains sprintf("units.parse_bytes(%q) = %v", [input.s, units.parse_bytes(input.s)]) if input.f == "bytes"
