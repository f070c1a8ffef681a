package main
import rego.v1

is_privileged(c) := true if c.securityContext.privileged
else if c.securityContext.capabilities.add[_] == "SYS_ADMIN"
else := false
deny contains c.name if { some c in input.cs; is_privileged(c) }
