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

# Every kind that carries a pod template, and where its pod spec is. A
# `kind: List` (any object with `items`) reaches policies as its items, as
# kubectl applies them, so items are judged here like any document.
pod_spec_paths := {
	"Pod": ["spec"],
	"PodTemplate": ["template", "spec"],
	"Deployment": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
}

cluster_scoped := {
	"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
	"PersistentVolume", "StorageClass", "PriorityClass", "IngressClass",
	"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
	"APIService", "CSIDriver", "RuntimeClass", "ValidatingAdmissionPolicy",
	"ValidatingAdmissionPolicyBinding",
}

# Tool configuration that looks like a resource but is never sent to the
# API server (kustomize, kpt): not judged as one.
tool_api_groups := {"kustomize.config.k8s.io", "config.kubernetes.io", "kpt.dev"}

# A Kubernetes resource kubectl would send: apiVersion, kind, a name.
is_resource if {
	is_string(input.apiVersion)
	is_string(input.kind)
	input.metadata.name
	not split(input.apiVersion, "/")[0] in tool_api_groups
}

# Labels every workload must carry; override with data.pushgate.required_labels.
default_required_labels := {"app.kubernetes.io/name"}

required_labels := {l | some l in data.pushgate.required_labels} if data.pushgate.required_labels
required_labels := default_required_labels if not data.pushgate.required_labels

pod_spec_path := pod_spec_paths[input.kind]

pod_spec := object.get(input, pod_spec_path, {})

# Every container of the pod, with the path to it (for file:line:column).
containers contains [array.concat(pod_spec_path, [field, i]), c] if {
	some field in ["containers", "initContainers", "ephemeralContainers"]
	some i, c in pod_spec[field]
}

name := sprintf("%s/%s", [input.kind, object.get(input, ["metadata", "name"], "?")])

# The part of an image reference after the registry and path.
image_tail(image) := parts[count(parts) - 1] if parts := split(image, "/")

deny_latest_tag contains msg if {
	some [at, c] in containers
	endswith(c.image, ":latest")
	msg := {"msg": sprintf("%s: container %q uses the :latest tag", [name, c.name]), "fix": "pin a version (image: web:1.4.2) or a digest (image: web@sha256:...)", "path": array.concat(at, ["image"])}
}

deny_untagged_image contains msg if {
	some [at, c] in containers
	not contains(image_tail(c.image), ":")
	not contains(c.image, "@")
	msg := {"msg": sprintf("%s: container %q has no image tag (%s means :latest)", [name, c.name, c.image]), "fix": "pin a version (image: web:1.4.2) or a digest (image: web@sha256:...)", "path": array.concat(at, ["image"])}
}

deny_missing_limits contains msg if {
	some [at, c] in containers
	some r in ["cpu", "memory"]
	not c.resources.limits[r]
	msg := {"msg": sprintf("%s: container %q sets no %s limit", [name, c.name, r]), "fix": sprintf("set resources.limits.%s on container %q", [r, c.name]), "path": array.concat(at, ["resources", "limits"])}
}

deny_privileged contains msg if {
	some [at, c] in containers
	c.securityContext.privileged == true
	msg := {"msg": sprintf("%s: container %q runs privileged", [name, c.name]), "fix": "remove securityContext.privileged (or set it to false); grant single capabilities instead", "path": array.concat(at, ["securityContext", "privileged"])}
}

deny_run_as_root contains msg if {
	pod_spec.securityContext.runAsUser == 0
	msg := {"msg": sprintf("%s: the pod runs as root (securityContext.runAsUser: 0)", [name]), "fix": "run as an unprivileged user (runAsUser: 10001, runAsNonRoot: true)", "path": array.concat(pod_spec_path, ["securityContext", "runAsUser"])}
}

deny_run_as_root contains msg if {
	some [at, c] in containers
	c.securityContext.runAsUser == 0
	msg := {"msg": sprintf("%s: container %q runs as root (securityContext.runAsUser: 0)", [name, c.name]), "fix": "run as an unprivileged user (runAsUser: 10001, runAsNonRoot: true)", "path": array.concat(at, ["securityContext", "runAsUser"])}
}

deny_host_namespace contains msg if {
	some field in ["hostPID", "hostIPC"]
	pod_spec[field] == true
	msg := {"msg": sprintf("%s: shares the host's %s namespace (%s: true)", [name, lower(substring(field, 4, -1)), field]), "fix": sprintf("remove %s: true", [field]), "path": array.concat(pod_spec_path, [field])}
}

# Capabilities a workload may add; everything else (SYS_ADMIN, NET_ADMIN,
# SYS_PTRACE, ALL, ...) is an escalation. Override with
# data.pushgate.allowed_capabilities.
default_allowed_capabilities := {"NET_BIND_SERVICE"}

allowed_capabilities := {c | some c in data.pushgate.allowed_capabilities} if data.pushgate.allowed_capabilities

allowed_capabilities := default_allowed_capabilities if not data.pushgate.allowed_capabilities

deny_added_capability contains msg if {
	some [at, c] in containers
	some i, cap in c.securityContext.capabilities.add
	not upper(trim_prefix(cap, "CAP_")) in allowed_capabilities
	msg := {"msg": sprintf("%s: container %q adds the capability %s", [name, c.name, cap]), "fix": "drop the capability; add only what data.pushgate.allowed_capabilities allows (NET_BIND_SERVICE by default)", "path": array.concat(at, ["securityContext", "capabilities", "add", i])}
}

deny_privilege_escalation contains msg if {
	some [at, c] in containers
	c.securityContext.allowPrivilegeEscalation == true
	msg := {"msg": sprintf("%s: container %q allows privilege escalation", [name, c.name]), "fix": "set securityContext.allowPrivilegeEscalation: false", "path": array.concat(at, ["securityContext", "allowPrivilegeEscalation"])}
}

deny_host_port contains msg if {
	some [at, c] in containers
	some i, p in c.ports
	object.get(p, "hostPort", 0) != 0
	msg := {"msg": sprintf("%s: container %q binds host port %v", [name, c.name, p.hostPort]), "fix": "remove hostPort; expose the port with a Service", "path": array.concat(at, ["ports", i, "hostPort"])}
}

deny_unconfined_seccomp contains msg if {
	pod_spec.securityContext.seccompProfile.type == "Unconfined"
	msg := {"msg": sprintf("%s: runs without a seccomp profile (Unconfined)", [name]), "fix": "use seccompProfile.type: RuntimeDefault", "path": array.concat(pod_spec_path, ["securityContext", "seccompProfile", "type"])}
}

deny_unconfined_seccomp contains msg if {
	some [at, c] in containers
	c.securityContext.seccompProfile.type == "Unconfined"
	msg := {"msg": sprintf("%s: container %q runs without a seccomp profile (Unconfined)", [name, c.name]), "fix": "use seccompProfile.type: RuntimeDefault", "path": array.concat(at, ["securityContext", "seccompProfile", "type"])}
}

deny_unmasked_proc contains msg if {
	some [at, c] in containers
	c.securityContext.procMount == "Unmasked"
	msg := {"msg": sprintf("%s: container %q mounts /proc unmasked", [name, c.name]), "fix": "remove procMount: Unmasked", "path": array.concat(at, ["securityContext", "procMount"])}
}

deny_host_process contains msg if {
	pod_spec.securityContext.windowsOptions.hostProcess == true
	msg := {"msg": sprintf("%s: runs as a Windows host process", [name]), "fix": "remove windowsOptions.hostProcess", "path": array.concat(pod_spec_path, ["securityContext", "windowsOptions", "hostProcess"])}
}

deny_host_process contains msg if {
	some [at, c] in containers
	c.securityContext.windowsOptions.hostProcess == true
	msg := {"msg": sprintf("%s: container %q runs as a Windows host process", [name, c.name]), "fix": "remove windowsOptions.hostProcess", "path": array.concat(at, ["securityContext", "windowsOptions", "hostProcess"])}
}

# Without runAsNonRoot, an image whose user is root runs as root.
warn_run_as_non_root contains msg if {
	some [at, c] in containers
	not pod_spec.securityContext.runAsNonRoot == true
	not c.securityContext.runAsNonRoot == true
	msg := {"msg": sprintf("%s: container %q may run as root (no runAsNonRoot: true)", [name, c.name]), "fix": "set securityContext.runAsNonRoot: true (pod or container)", "path": at}
}

deny_host_path contains msg if {
	some i, v in pod_spec.volumes
	v.hostPath
	msg := {"msg": sprintf("%s: volume %q mounts a hostPath (%s)", [name, v.name, v.hostPath.path]), "fix": "use a PersistentVolumeClaim, a configMap or an emptyDir volume", "path": array.concat(pod_spec_path, ["volumes", i, "hostPath"])}
}

deny_host_network contains msg if {
	pod_spec.hostNetwork == true
	msg := {"msg": sprintf("%s: uses hostNetwork", [name]), "fix": "remove hostNetwork: true; pods must stay on the pod network (expose ports with a Service)", "path": array.concat(pod_spec_path, ["hostNetwork"])}
}

deny_plaintext_secret contains msg if {
	input.kind == "Secret"
	some field in ["data", "stringData"]
	count(object.get(input, field, {})) > 0
	msg := {"msg": sprintf("%s: a Secret with plaintext %s in Git", [name, field]), "fix": "commit a SealedSecret, a SOPS-encrypted file or an ExternalSecret instead", "path": [field]}
}

deny_missing_labels contains msg if {
	is_resource
	pod_spec_paths[input.kind]
	some l in required_labels
	not input.metadata.labels[l]
	msg := {"msg": sprintf("%s: missing required label %q", [name, l]), "fix": sprintf("add metadata.labels[%q]", [l]), "path": ["metadata", "labels"]}
}

deny_missing_namespace contains msg if {
	is_resource
	not input.kind in cluster_scoped
	# `namespace: ""` and `namespace: null` are no namespace to kubectl.
	object.get(input.metadata, "namespace", null) in {null, ""}
	msg := {"msg": sprintf("%s: no metadata.namespace", [name]), "fix": "set metadata.namespace: say explicitly where it goes", "path": ["metadata"]}
}
