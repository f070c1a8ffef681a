# Push-level examples: rules over the whole push (input: the push context,
# see docs/policies.md). Use with `push_namespace: pushgate.push`.
package pushgate.push

import rego.v1

# Conventional Commits subjects on protected branches.
conventional := `^(feat|fix|chore|docs|refactor|test|ci|build|perf|revert)(\([a-z0-9._/-]+\))?!?: .+`

deny_commit_message contains msg if {
	input.ref.kind == "branch"
	some c in input.commits
	subject := split(c.message, "\n")[0]
	not regex.match(conventional, subject)
	msg := sprintf("commit %s: subject %q does not follow Conventional Commits (e.g. \"fix(web): raise memory limit\")", [substring(c.id, 0, 10), subject])
}

# Changes to the policies themselves need a signer from group `admins`.
protected_prefixes := ["policies/", "pushgate.yaml"]

touches_protected if {
	some f in input.files
	some p in protected_prefixes
	startswith(f.path, p)
}

deny_protected_paths contains msg if {
	touches_protected
	some c in input.commits
	not "admins" in object.get(c.signature, "groups", [])
	msg := sprintf("commit %s changes policies/ or pushgate.yaml and is not signed by a member of group admins (signature: %s)", [substring(c.id, 0, 10), c.signature.status])
}

# No large files in a GitOps repository (default 1 MiB; data.pushgate.max_file_bytes overrides).
max_bytes := object.get(data, ["pushgate", "max_file_bytes"], 1048576)

deny_large_file contains msg if {
	some f in input.files
	f.size > max_bytes
	msg := sprintf("%s is %d bytes; the limit is %d (keep artifacts out of Git)", [f.path, f.size, max_bytes])
}
