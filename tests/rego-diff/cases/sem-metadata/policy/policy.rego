# METADATA
# title: Package-level annotation
# description: never returned by rego.metadata.rule()
package main

import rego.v1

# METADATA
# title: Containers must not run as root
# description: |
#   Running as root lets a container escape more easily.
#   Set runAsNonRoot.
# authors:
#  - Jane Doe <jane@example.com>
#  - name: Bob
# related_resources:
#  - https://kubernetes.io/docs/concepts/security/
#  - ref: https://example.com/policy
#    description: house rules
# organizations:
#  - Example
# custom:
#   id: K8S-001
#   severity: 2
#   ratio: 0.5
#   enabled: true
#   nothing: null
#   tags: [security, "pod"]
#   on: yes
#   n: 1
#   when: "2001-12-14"
#   sexagesimal: 1:30
#   template: "container %s runs as root (%s)"
# unknown_key: ignored by OPA
deny contains msg if {
	some c in input.spec.containers
	not c.securityContext.runAsNonRoot
	md := rego.metadata.rule()
	msg := {
		"msg": sprintf(md.custom.template, [c.name, md.custom.id]),
		"details": md,
	}
}

# METADATA
# title: blank line after the block

warn contains md.title if {
	md := rego.metadata.rule()
}

# METADATA
# scope: document
# title: document scope
warn contains sprintf("document scope: %v", [rego.metadata.rule()]) if true

# METADATA
# entrypoint: true
# title: entrypoint
violation contains sprintf("entrypoint: %v", [rego.metadata.rule()]) if true

violation contains sprintf("none: %v", [rego.metadata.rule()]) if true

# METADATA
# title: helper function
# custom:
#   word: from the function
helper(x) := sprintf("%s %s", [x, rego.metadata.rule().custom.word])

deny_helper contains helper("called") if true

warn_compr contains sprintf("comprehension: %v", [[m | m := rego.metadata.rule()]]) if true

# METADATA
# title: first body only
label := sprintf("body %v", [rego.metadata.rule()]) if {
	input.kind == "Nope"
} else := sprintf("else %v", [rego.metadata.rule()])

violation_bodies contains label

# METADATA
# title: ""
# description: ""
# custom: {}
# organizations: []
warn_empty contains sprintf("empty %v", [rego.metadata.rule()]) if true

#METADATA
#title: no space after the hash
#custom:
# severity: high
warn_nospace contains sprintf("nospace %v", [rego.metadata.rule()]) if true

# METADATA: the header may go on
# title: suffixed header
warn_suffix contains sprintf("suffix %v", [rego.metadata.rule()]) if true

warn_indented contains sprintf("indented %v", [rego.metadata.rule()]) if {
	# METADATA
	# title: not a block (not in column 1)
	true
}
