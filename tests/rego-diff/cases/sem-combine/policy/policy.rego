package main

import rego.v1

names contains name if {
	some doc in input
	name := doc.contents.metadata.name
}

deny contains msg if {
	some name in names
	paths := [doc.path | some doc in input; doc.contents.metadata.name == name]
	count(paths) > 1
	msg := sprintf("%s is defined %d times: %v", [name, count(paths), paths])
}

deny contains msg if {
	some doc in input
	doc.contents.kind == "Service"
	selector := doc.contents.spec.selector
	not any_deployment_matches(selector)
	msg := sprintf("%s: service %s selects no deployment", [doc.path, doc.contents.metadata.name])
}

any_deployment_matches(selector) if {
	some doc in input
	doc.contents.kind == "Deployment"
	labels := doc.contents.spec.template.metadata.labels
	every k, v in selector {
		labels[k] == v
	}
}

warn contains sprintf("%d documents from %d files", [count(input), count({doc.path | some doc in input})])
