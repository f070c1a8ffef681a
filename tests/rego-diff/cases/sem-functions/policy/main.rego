package main

import data.lib.k8s
import data.lib.strings as s
import rego.v1

deny contains msg if {
	k8s.is_kind(input, {"Deployment", "Pod"})
	msg := sprintf("%s app=%s name=%s", [input.kind, k8s.label(input, "app"), s.describe(input.metadata.name)])
}

warn contains sprintf("too long: %s", [input.metadata.name]) if startswith(s.describe(input.metadata.name), "long")
