package lib.k8s
import rego.v1
bad := false
