package main

import input.metadata as meta
import rego.v1

deny contains sprintf("a %s", [meta.name]) if meta.name
