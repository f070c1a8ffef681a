"""A small zoo of Kubernetes/OpenShift manifests, good and bad, used as
generated input documents for the library cases (docs/zoo/*.yaml)."""


def _meta(name, labels=None, ns=None, annotations=None):
    m = {"name": name}
    if ns:
        m["namespace"] = ns
    if labels is not None:
        m["labels"] = labels
    if annotations is not None:
        m["annotations"] = annotations
    return m


GOOD_LABELS = {
    "app": "web",
    "app.kubernetes.io/name": "web",
    "app.kubernetes.io/instance": "web-1",
    "app.kubernetes.io/version": "1.2.3",
    "app.kubernetes.io/component": "frontend",
    "app.kubernetes.io/part-of": "shop",
    "app.kubernetes.io/managed-by": "helm",
    "owner": "alice.agilebank.demo",
}

GOOD_CONTAINER = {
    "name": "web",
    "image": "quay.io/acme/web@sha256:" + "a" * 64,
    "imagePullPolicy": "Always",
    "ports": [{"containerPort": 8080, "name": "http"}],
    "resources": {
        "limits": {"cpu": "500m", "memory": "256Mi", "ephemeral-storage": "1Gi"},
        "requests": {"cpu": "250m", "memory": "128Mi", "ephemeral-storage": "500Mi"},
    },
    "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10},
    "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 5},
    "securityContext": {
        "runAsNonRoot": True,
        "runAsUser": 1000,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "privileged": False,
        "capabilities": {"drop": ["ALL"]},
    },
    "env": [{"name": "JAVA_OPTS", "value": "-Xms64m"}],
}

BAD_CONTAINER = {
    "name": "app",
    "image": "nginx:latest",
    "securityContext": {
        "privileged": True,
        "allowPrivilegeEscalation": True,
        "runAsUser": 0,
        "capabilities": {"add": ["SYS_ADMIN", "NET_ADMIN"]},
    },
    "ports": [{"containerPort": 80, "hostPort": 80}],
    "env": [{"name": "JAVA_OPTS", "value": "-Xmx2g"}, {"name": "SECRET", "value": "hunter2"}],
    "livenessProbe": {"tcpSocket": {"port": 80}},
    "readinessProbe": {"tcpSocket": {"port": 80}},
}

UNTAGGED_CONTAINER = {"name": "sidecar", "image": "busybox", "command": ["sleep", "3600"],
                      "resources": {"limits": {"cpu": "2", "memory": "1Gi"}}}


def _pod_spec(containers, **extra):
    spec = {"containers": containers}
    spec.update(extra)
    return spec


def _workload(api, kind, name, containers, labels=None, **spec_extra):
    labels = dict(GOOD_LABELS) if labels is None else labels
    tmpl = {"metadata": {"labels": labels}, "spec": _pod_spec(containers, **spec_extra)}
    spec = {"replicas": 2, "template": tmpl}
    if labels:
        spec["selector"] = {"matchLabels": {k: v for k, v in labels.items() if k == "app"} or labels}
    return {"apiVersion": api, "kind": kind, "metadata": _meta(name, labels, "shop"), "spec": spec}


ZOO = {
    "pod-good": {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": _meta("web-good", dict(GOOD_LABELS), "shop"),
        "spec": _pod_spec([GOOD_CONTAINER], securityContext={"runAsNonRoot": True, "fsGroup": 2000},
                          automountServiceAccountToken=False, serviceAccountName="web"),
    },
    "pod-bad": {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": _meta("web-bad", {}, "default"),
        "spec": _pod_spec([BAD_CONTAINER, UNTAGGED_CONTAINER], hostPID=True, hostIPC=True, hostNetwork=True,
                          hostAliases=[{"ip": "10.0.0.1", "hostnames": ["db"]}],
                          volumes=[{"name": "root", "hostPath": {"path": "/"}},
                                   {"name": "flex", "flexVolume": {"driver": "example/lvm"}}],
                          initContainers=[{"name": "init", "image": "alpine:3.19",
                                           "securityContext": {"privileged": True}}]),
    },
    "pod-no-metadata-labels": {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "bare"},
        "spec": {"containers": [{"name": "c", "image": "registry.example.com/c:1.0"}]},
    },
    "deployment-good": _workload("apps/v1", "Deployment", "web", [GOOD_CONTAINER],
                                 securityContext={"runAsNonRoot": True}),
    "deployment-bad": _workload("apps/v1", "Deployment", "legacy", [BAD_CONTAINER], labels={},
                                hostNetwork=True),
    "deployment-extensions-v1beta1": _workload("extensions/v1beta1", "Deployment", "old",
                                               [UNTAGGED_CONTAINER], labels={"app": "old"}),
    "daemonset-apps-v1beta2": _workload("apps/v1beta2", "DaemonSet", "agent", [BAD_CONTAINER],
                                        labels={"app": "agent"}),
    "statefulset-apps-v1beta1": _workload("apps/v1beta1", "StatefulSet", "db", [GOOD_CONTAINER]),
    "replicaset-extensions": _workload("extensions/v1beta1", "ReplicaSet", "rs", [GOOD_CONTAINER]),
    "deploymentconfig": _workload("apps.openshift.io/v1", "DeploymentConfig", "dc", [BAD_CONTAINER],
                                  labels={"app": "dc"}),
    "job-java": {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": _meta("batch", {"app": "batch"}, "shop"),
        "spec": {"template": {"spec": _pod_spec([dict(GOOD_CONTAINER, name="java",
                                                      env=[{"name": "JAVA_OPTS", "value": "-Xmx512m"}])],
                                                restartPolicy="Never")}},
    },
    "cronjob-batch-v1beta1": {
        "apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": _meta("nightly", {"app": "nightly"}, "shop"),
        "spec": {"schedule": "0 0 * * *", "jobTemplate": {"spec": {"template": {"spec": _pod_spec(
            [UNTAGGED_CONTAINER], restartPolicy="OnFailure")}}}},
    },
    "service-nodeport": {
        "apiVersion": "v1", "kind": "Service", "metadata": _meta("web-np", {"app": "web"}, "shop"),
        "spec": {"type": "NodePort", "selector": {"app": "web"},
                 "ports": [{"port": 80, "targetPort": 8080, "nodePort": 30080}]},
    },
    "service-loadbalancer": {
        "apiVersion": "v1", "kind": "Service", "metadata": _meta("web-lb", dict(GOOD_LABELS), "shop"),
        "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 443, "targetPort": 8443}],
                 "externalIPs": ["203.0.113.9"]},
    },
    "service-clusterip": {
        "apiVersion": "v1", "kind": "Service", "metadata": _meta("hello-kubernetes", {"app": "hello"}),
        "spec": {"selector": {"app": "hello"}, "ports": [{"port": 80, "targetPort": 8080}]},
    },
    "ingress-extensions-v1beta1": {
        "apiVersion": "extensions/v1beta1", "kind": "Ingress",
        "metadata": _meta("legacy-ing", {"app": "web"}, "shop"),
        "spec": {"rules": [{"host": "", "http": {"paths": [{"path": "/", "backend": {"serviceName": "web", "servicePort": 80}}]}}]},
    },
    "ingress-networking-v1": {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": _meta("ing", dict(GOOD_LABELS), "shop", {"kubernetes.io/ingress.class": "nginx"}),
        "spec": {"tls": [{"hosts": ["shop.example.com"], "secretName": "tls"}],
                 "rules": [{"host": "shop.example.com", "http": {"paths": [
                     {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]},
    },
    "psp-privileged": {
        "apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy", "metadata": _meta("privileged"),
        "spec": {"privileged": True, "allowPrivilegeEscalation": True, "hostPID": True, "hostIPC": True,
                 "hostNetwork": True, "allowedCapabilities": ["*"], "volumes": ["*"],
                 "runAsUser": {"rule": "RunAsAny"}, "seLinux": {"rule": "RunAsAny"},
                 "supplementalGroups": {"rule": "RunAsAny"}, "fsGroup": {"rule": "RunAsAny"}},
    },
    "namespace-labelled": {
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": _meta("shop", {"owner": "alice.agilebank.demo", "team": "web"}),
    },
    "namespace-unlabelled": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "scratch"}},
    "configmap": {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("settings", None, "shop"),
        "data": {"LOG_LEVEL": "debug", "password": "plain"},
    },
    "clusterrole-wildcard": {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": _meta("admin-ish"),
        "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                  {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}],
    },
    "rolebinding-default-sa": {
        "apiVersion": "rbac.authorization.k8s.io/v1beta1", "kind": "RoleBinding",
        "metadata": _meta("bind", None, "shop"),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
        "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "shop"}],
    },
    "hpa-v2beta1": {
        "apiVersion": "autoscaling/v2beta1", "kind": "HorizontalPodAutoscaler", "metadata": _meta("web", None, "shop"),
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                 "minReplicas": 1, "maxReplicas": 5},
    },
    "pdb-v1beta1": {
        "apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": _meta("web", None, "shop"),
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}},
    },
    "crd-v1beta1": {
        "apiVersion": "apiextensions.k8s.io/v1beta1", "kind": "CustomResourceDefinition",
        "metadata": _meta("widgets.example.com"),
        "spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"}, "scope": "Namespaced"},
    },
    "webhook-v1beta1": {
        "apiVersion": "admissionregistration.k8s.io/v1beta1", "kind": "ValidatingWebhookConfiguration",
        "metadata": _meta("validator"), "webhooks": [{"name": "v.example.com"}],
    },
    "route-openshift": {
        "apiVersion": "route.openshift.io/v1", "kind": "Route", "metadata": _meta("web", {"app": "web"}, "shop"),
        "spec": {"to": {"kind": "Service", "name": "web"}, "tls": {"termination": "edge"}},
    },
    "list-mixed": {
        "apiVersion": "v1", "kind": "List",
        "items": [
            _workload("extensions/v1beta1", "Deployment", "in-list", [UNTAGGED_CONTAINER], labels={"app": "l"}),
            {"apiVersion": "v1", "kind": "Service", "metadata": _meta("in-list", {"app": "l"}),
             "spec": {"type": "NodePort", "ports": [{"port": 80}]}},
        ],
    },
    "certificate-certmanager-alpha": {
        "apiVersion": "certmanager.k8s.io/v1alpha1", "kind": "Certificate", "metadata": _meta("cert", None, "shop"),
        "spec": {"secretName": "tls", "dnsNames": ["shop.example.com"]},
    },
}
