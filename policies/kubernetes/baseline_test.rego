package pushgate.kubernetes_test

import rego.v1

import data.pushgate.kubernetes

good := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop", "labels": {"app.kubernetes.io/name": "web"}},
	"spec": {"template": {"spec": {"containers": [{
		"name": "web",
		"image": "registry.example.com:5000/shop/web:1.4.2",
		"resources": {"limits": {"cpu": "500m", "memory": "256Mi"}},
	}]}}},
}

with_container(patch) := json.patch(good, [{"op": "add", "path": "/spec/template/spec/containers/0", "value": object.union(good.spec.template.spec.containers[0], patch)}])

test_good_deployment_passes if {
	count(kubernetes.deny_latest_tag) == 0 with input as good
	count(kubernetes.deny_untagged_image) == 0 with input as good
	count(kubernetes.deny_missing_limits) == 0 with input as good
	count(kubernetes.deny_privileged) == 0 with input as good
	count(kubernetes.deny_missing_labels) == 0 with input as good
	count(kubernetes.deny_missing_namespace) == 0 with input as good
}

test_latest_tag_denied if {
	count(kubernetes.deny_latest_tag) == 1 with input as with_container({"image": "nginx:latest"})
}

test_untagged_image_denied if {
	count(kubernetes.deny_untagged_image) == 1 with input as with_container({"image": "registry.example.com:5000/nginx"})
}

test_digest_counts_as_pinned if {
	count(kubernetes.deny_untagged_image) == 0 with input as with_container({"image": "nginx@sha256:0123"})
}

test_missing_limits_denied if {
	no_limits := json.remove(good, ["spec/template/spec/containers/0/resources"])
	count(kubernetes.deny_missing_limits) == 2 with input as no_limits
}

test_privileged_denied if {
	count(kubernetes.deny_privileged) == 1 with input as with_container({"securityContext": {"privileged": true}})
}

test_host_path_and_network_denied if {
	pod := {"kind": "Pod", "metadata": {"name": "p", "namespace": "n"}, "spec": {
		"hostNetwork": true,
		"containers": [],
		"volumes": [{"name": "root", "hostPath": {"path": "/"}}],
	}}
	count(kubernetes.deny_host_path) == 1 with input as pod
	count(kubernetes.deny_host_network) == 1 with input as pod
}

test_plaintext_secret_denied if {
	count(kubernetes.deny_plaintext_secret) == 1 with input as {"kind": "Secret", "metadata": {"name": "s", "namespace": "n"}, "stringData": {"password": "hunter2"}}
	count(kubernetes.deny_plaintext_secret) == 0 with input as {"kind": "Secret", "metadata": {"name": "s", "namespace": "n"}}
}

test_labels_and_namespace_required if {
	bare := json.remove(good, ["metadata/labels", "metadata/namespace"])
	count(kubernetes.deny_missing_labels) == 1 with input as bare
	count(kubernetes.deny_missing_namespace) == 1 with input as bare
	count(kubernetes.deny_missing_namespace) == 0 with input as {"kind": "Namespace", "metadata": {"name": "shop"}}
}
