package main
import rego.v1

checks.pod.privileged := true if input.priv
checks.pod.hostnet := true if input.hostnet
checks.svc[n] := true if some n in input.svcs
deny contains k if { some k, _ in checks.pod }
