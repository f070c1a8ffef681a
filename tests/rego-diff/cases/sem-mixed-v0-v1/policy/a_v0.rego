package main

import data.helpers

deny[msg] {
	helpers.is_deployment
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg = sprintf("%s: containers must not run as root", [input.metadata.name])
}

warn_replicas[msg] {
	input.spec.replicas < 2
	msg := sprintf("%s: single replica", [input.metadata.name])
}

image_tag(image) = tag {
	parts := split(image, ":")
	count(parts) > 1
	tag := parts[count(parts) - 1]
}

image_tag(image) = "latest" {
	not contains(image, ":")
}
