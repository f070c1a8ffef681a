package main
import rego.v1

reason(c) := "privileged" if { c.privileged } else if { c.hostPID }
deny contains "unsafe pod" if reason(input)
