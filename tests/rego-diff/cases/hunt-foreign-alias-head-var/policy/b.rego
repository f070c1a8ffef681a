package main
import rego.v1
names contains name if input.items[_].metadata.name = name
deny contains sprintf("dup %v", [count(names)]) if count(names) > 1
