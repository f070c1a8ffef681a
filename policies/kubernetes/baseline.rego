# Kubernetes baseline: the shipped manifest-level pack.
#
# Use it with `manifest_namespaces: [pushgate.kubernetes]` (or
# `pushgate validate -p policies/kubernetes -n pushgate.kubernetes k8s/`).
# Rule names follow conftest: deny_* rejects, warn_* only warns, and an
# `exception` rule elsewhere may exempt a document from a rule by its name
# without the prefix (e.g. "latest_tag"). Each result is {"msg", "fix"}:
# the pusher reads the fix as the next step.
package pushgate.kubernetes

import rego.v1

pod_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

cluster_scoped := {
	"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
	"PersistentVolume", "StorageClass", "PriorityClass", "IngressClass",
	"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
}

# Labels every workload must carry; override with data.pushgate.required_labels.
default_required_labels := {"app.kubernetes.io/name"}

required_labels := {l | some l in data.pushgate.required_labels} if data.pushgate.required_labels
required_labels := default_required_labels if not data.pushgate.required_labels

pod_spec := input.spec.template.spec if input.kind in pod_kinds

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

pod_spec := input.spec if input.kind == "Pod"

containers contains c if some c in pod_spec.containers

containers contains c if some c in pod_spec.initContainers

name := sprintf("%s/%s", [input.kind, object.get(input, ["metadata", "name"], "?")])

# The part of an image reference after the registry and path.
image_tail(image) := parts[count(parts) - 1] if parts := split(image, "/")

deny_latest_tag contains msg if {
	some c in containers
	endswith(c.image, ":latest")
	msg := {"msg": sprintf("%s: container %q uses the :latest tag", [name, c.name]), "fix": "pin a version (image: web:1.4.2) or a digest (image: web@sha256:...)"}
}

deny_untagged_image contains msg if {
	some c in containers
	not contains(image_tail(c.image), ":")
	not contains(c.image, "@")
	msg := {"msg": sprintf("%s: container %q has no image tag (%s means :latest)", [name, c.name, c.image]), "fix": "pin a version (image: web:1.4.2) or a digest (image: web@sha256:...)"}
}

deny_missing_limits contains msg if {
	some c in containers
	some r in ["cpu", "memory"]
	not c.resources.limits[r]
	msg := {"msg": sprintf("%s: container %q sets no %s limit", [name, c.name, r]), "fix": sprintf("set resources.limits.%s on container %q", [r, c.name])}
}

deny_privileged contains msg if {
	some c in containers
	c.securityContext.privileged == true
	msg := {"msg": sprintf("%s: container %q runs privileged", [name, c.name]), "fix": "remove securityContext.privileged (or set it to false); grant single capabilities instead"}
}

deny_host_path contains msg if {
	some v in pod_spec.volumes
	v.hostPath
	msg := {"msg": sprintf("%s: volume %q mounts a hostPath (%s)", [name, v.name, v.hostPath.path]), "fix": "use a PersistentVolumeClaim, a configMap or an emptyDir volume"}
}

deny_host_network contains msg if {
	pod_spec.hostNetwork == true
	msg := {"msg": sprintf("%s: uses hostNetwork", [name]), "fix": "remove hostNetwork: true; pods must stay on the pod network (expose ports with a Service)"}
}

deny_plaintext_secret contains msg if {
	input.kind == "Secret"
	some field in ["data", "stringData"]
	count(object.get(input, field, {})) > 0
	msg := {"msg": sprintf("%s: a Secret with plaintext %s in Git", [name, field]), "fix": "commit a SealedSecret, a SOPS-encrypted file or an ExternalSecret instead"}
}

deny_missing_labels contains msg if {
	input.kind in pod_kinds | {"CronJob", "Pod"}
	some l in required_labels
	not input.metadata.labels[l]
	msg := {"msg": sprintf("%s: missing required label %q", [name, l]), "fix": sprintf("add metadata.labels[%q]", [l])}
}

deny_missing_namespace contains msg if {
	input.kind
	not input.kind in cluster_scoped
	not input.metadata.namespace
	msg := {"msg": sprintf("%s: no metadata.namespace", [name]), "fix": "set metadata.namespace: say explicitly where it goes"}
}
