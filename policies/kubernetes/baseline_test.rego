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

# One workload of each pod-carrying kind, with a privileged container at
# the place that kind keeps its pod spec.
privileged_pod_spec := {"containers": [{
	"name": "x",
	"image": "x:1",
	"resources": {"limits": {"cpu": "1", "memory": "1Mi"}},
	"securityContext": {"privileged": true},
}]}

test_pod_carrying_kinds_are_all_judged if {
	kinds := {"Pod", "PodTemplate", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController", "CronJob"}
	every kind in kinds {
		doc := doc_for(kind)
		count(kubernetes.deny_privileged) == 1 with input as doc
		count(kubernetes.deny_missing_labels) == 1 with input as doc
	}
}

doc_for("Pod") := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w", "namespace": "n"}, "spec": privileged_pod_spec}

doc_for("PodTemplate") := object.union({"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "w", "namespace": "n"}}, {"template": {"spec": privileged_pod_spec}})

doc_for("CronJob") := object.union({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "w", "namespace": "n"}}, {"spec": {"jobTemplate": {"spec": {"template": {"spec": privileged_pod_spec}}}}})

doc_for(kind) := object.union({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "w", "namespace": "n"}}, {"spec": {"template": {"spec": privileged_pod_spec}}}) if {
	kind in {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"}
}

test_violations_name_the_field if {
	some m in kubernetes.deny_privileged with input as doc_for("CronJob")
	m.path == ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "securityContext", "privileged"]
}

test_init_and_ephemeral_containers_are_judged if {
	doc := json.patch(doc_for("Deployment"), [{"op": "add", "path": "/spec/template/spec/initContainers", "value": [{"name": "i", "image": "i:latest", "resources": {"limits": {"cpu": "1", "memory": "1"}}}]}])
	count(kubernetes.deny_latest_tag) == 1 with input as doc
}

test_tool_configuration_is_not_a_resource if {
	k := {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": ["a.yaml"]}
	count(kubernetes.deny_missing_namespace) == 0 with input as k
	count(kubernetes.deny_missing_labels) == 0 with input as k
}

test_run_as_root_denied if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "n"}, "spec": {"securityContext": {"runAsUser": 0}, "containers": [{"name": "c", "image": "c:1", "securityContext": {"runAsUser": 0}}]}}
	count(kubernetes.deny_run_as_root) == 2 with input as pod
	count(kubernetes.deny_run_as_root) == 0 with input as json.patch(pod, [{"op": "replace", "path": "/spec/securityContext/runAsUser", "value": 1000}, {"op": "replace", "path": "/spec/containers/0/securityContext/runAsUser", "value": 1000}])
}

test_empty_or_null_namespace_is_missing if {
	every ns in [null, ""] {
		count(kubernetes.deny_missing_namespace) == 1 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": ns}}
	}
}

test_host_escapes_denied if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "n"}, "spec": {
		"hostPID": true,
		"hostIPC": true,
		"securityContext": {"seccompProfile": {"type": "Unconfined"}, "windowsOptions": {"hostProcess": true}},
		"containers": [{
			"name": "c",
			"image": "c:1",
			"ports": [{"containerPort": 80, "hostPort": 80}, {"containerPort": 81}],
			"securityContext": {
				"capabilities": {"add": ["NET_BIND_SERVICE", "SYS_ADMIN", "CAP_NET_ADMIN"]},
				"allowPrivilegeEscalation": true,
				"procMount": "Unmasked",
			},
		}],
	}}
	count(kubernetes.deny_host_namespace) == 2 with input as pod
	count(kubernetes.deny_added_capability) == 2 with input as pod
	count(kubernetes.deny_privilege_escalation) == 1 with input as pod
	count(kubernetes.deny_host_port) == 1 with input as pod
	count(kubernetes.deny_unconfined_seccomp) == 1 with input as pod
	count(kubernetes.deny_unmasked_proc) == 1 with input as pod
	count(kubernetes.deny_host_process) == 1 with input as pod
	count(kubernetes.warn_run_as_non_root) == 1 with input as pod
	count(kubernetes.warn_run_as_non_root) == 0 with input as json.patch(pod, [{"op": "add", "path": "/spec/securityContext/runAsNonRoot", "value": true}])
}
