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
	msg := {"msg": sprintf("commit %s: subject %q does not follow Conventional Commits", [substring(c.id, 0, 10), subject]), "fix": "reword the commit (git commit --amend, or git rebase -i): type(scope): summary, e.g. \"fix(web): raise memory limit\""}
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
	msg := {"msg": sprintf("commit %s changes policies/ or pushgate.yaml and is not signed by a member of group admins (signature: %s)", [substring(c.id, 0, 10), c.signature.status]), "fix": "have a member of admins sign the commit (git commit -S), or leave policies/ and pushgate.yaml out of it"}
}

# No large files in a GitOps repository (default 1 MiB; data.pushgate.max_file_bytes overrides).
# (Read by name: `object.get(data, ...)` reads all of data, this rule
# included, which OPA refuses as recursion.)
default max_bytes := 1048576

max_bytes := data.pushgate.max_file_bytes

deny_large_file contains msg if {
	some f in input.files
	f.size > max_bytes
	msg := {"msg": sprintf("%s is %d bytes; the limit is %d", [f.path, f.size, max_bytes]), "fix": "keep build artifacts and binaries out of Git (an artifact store, Git LFS)"}
}
