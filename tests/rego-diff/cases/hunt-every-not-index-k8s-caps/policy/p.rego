package main
import rego.v1

dangerous_caps := {"SYS_ADMIN", "NET_ADMIN", "ALL"}
caps_safe(c) if {
  every cap in c.securityContext.capabilities.add { not dangerous_caps[cap] }
}
deny contains msg if {
  some c in input.spec.containers
  not caps_safe(c)
  msg := sprintf("container %s adds a dangerous capability", [c.name])
}
