package main
import rego.v1
deny contains msg if {
  some i
  k8s = input.items[i]
  k8s.kind == "Pod"
  msg := "pod"
}
