package main

import rego.v1

deny contains msg if {
	input.kind == "Pod"
	not all_pinned
	msg := sprintf("%s: not every image is pinned to a digest", [input.metadata.name])
}

all_pinned if {
	every c in input.spec.containers {
		contains(c.image, "@sha256:")
	}
}

warn contains msg if {
	every k, v in input.metadata.labels {
		is_string(v)
		k != ""
	}
	msg := sprintf("%s: %d labels, all strings (vacuously true when empty)", [input.metadata.name, count(object.get(input.metadata, "labels", {}))])
}

deny contains msg if {
	some port in input.spec.ports
	every allowed in [80, 443] {
		port != allowed
	}
	msg := sprintf("port %v is neither 80 nor 443", [port])
}
