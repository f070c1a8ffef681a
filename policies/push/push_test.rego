package pushgate.push_test

import rego.v1

import data.pushgate.push

commit(msg, groups) := {"id": "0123456789abcdef", "message": msg, "signature": {"status": "good", "groups": groups}}

ctx(commits, files) := {"ref": {"kind": "branch", "name": "refs/heads/main"}, "commits": commits, "files": files}

test_conventional_subject_passes if {
	count(push.deny_commit_message) == 0 with input as ctx([commit("fix(web): raise memory\n\nbody", [])], [])
}

test_free_form_subject_denied if {
	count(push.deny_commit_message) == 1 with input as ctx([commit("updated stuff", [])], [])
}

test_policy_changes_need_admins if {
	files := [{"path": "policies/k8s.rego", "status": "modified", "size": 10}]
	count(push.deny_protected_paths) == 1 with input as ctx([commit("chore: x", ["ops"])], files)
	count(push.deny_protected_paths) == 0 with input as ctx([commit("chore: x", ["admins"])], files)
}

test_large_files_denied if {
	big := [{"path": "dump.bin", "status": "added", "size": 2000000}]
	count(push.deny_large_file) == 1 with input as ctx([], big)
	count(push.deny_large_file) == 0 with input as ctx([], big) with data.pushgate.max_file_bytes as 3000000
}
