package main

import data.lib.helpers
import input.metadata as meta
import rego.v1

# Constant, and read only from data: the same under every input.
kinds := {"Deployment": 1, "Pod": 2, "Service": 3}

limit := data.config.limit

allowed contains k if some k in data.config.allowed

# Reads input through an import alias.
name := meta.name

# Reads input through a function.
fkind(x) := concat("/", [x, input.kind])

via_fn := fkind("k")

# Reads input through another package.
other := helpers.kind_upper

# A local that shares a rule's name.
shadow := [name | some name in ["a", "b"]]

# A default that input overrides.
default level := "none"

level := "high" if input.spec.replicas > 3

# A data lookup keyed by input.
by_kind := data.config.by_kind[input.kind]

# A with inside a helper.
wrapped := x if {
	x := name with input as {"metadata": {"name": "fixed"}}
}

# One ref-head object, half constant, half keyed by input.
obj.fixed := 1

obj[input.kind] := 2

# A constant built from another constant.
kind_names := {k | some k, _ in kinds}

deny contains msg if {
	not kinds[input.kind]
	msg := sprintf("%s: kind %s not allowed (limit %d)", [name, input.kind, limit])
}

deny contains msg if {
	msg := sprintf("%s via %s other %s level %s by_kind %v wrapped %s shadow %v", [name, via_fn, other, level, by_kind, wrapped, shadow])
}

deny contains msg if {
	some k, v in obj
	msg := sprintf("obj %s=%v", [k, v])
}

warn contains msg if {
	input.kind in allowed
	msg := sprintf("%s allowed of %v", [input.kind, kind_names])
}
