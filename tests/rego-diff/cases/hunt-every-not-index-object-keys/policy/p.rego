package main
import rego.v1

forbidden := {"hostPath": true, "hostNetwork": true}
allow if { every k in object.keys(input.spec) { not forbidden[k] } }
deny contains "forbidden spec field" if not allow
