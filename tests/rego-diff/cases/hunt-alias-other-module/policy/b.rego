package main

import rego.v1

helper := meta.name

deny contains sprintf("b %s", [helper]) if helper
