package main

import rego.v1

deny contains msg if {
	input.kind == "Service"
	some p in input.spec.ports
	not p.port in data.services.ports
	msg := sprintf("service %s: port %v is not allowed (allowed: %v)", [input.metadata.name, p.port, data.services.ports])
}

deny contains msg if {
	input.kind == "Deployment"
	input.spec.replicas > data.teams.platform.max_replicas
	msg := sprintf("%s: %d replicas exceed the limit of %d", [input.metadata.name, input.spec.replicas, data.teams.platform.max_replicas])
}

warn contains msg if {
	owner := input.metadata.labels.owner
	not owner in data.teams.platform.owners
	msg := sprintf("%s: owner %q is not on the platform team (escalate: %s)", [input.metadata.name, owner, data.teams.platform.escalation])
}

deny contains msg if {
	some c in input.spec.template.spec.containers
	not startswith_any(c.image, data.registries)
	msg := sprintf("%s: image %s is not from an allowed registry", [input.metadata.name, c.image])
}

deny contains {"msg": msg, "limit": data.limits.memory_mb} if {
	some c in input.spec.template.spec.containers
	mem := units.parse_bytes(c.resources.limits.memory)
	mem > data.limits.memory_mb * 1048576
	msg := sprintf("%s: container %s memory %s is over %dMi", [input.metadata.name, c.name, c.resources.limits.memory, data.limits.memory_mb])
}

startswith_any(s, prefixes) if {
	some p in prefixes
	startswith(s, p)
}
